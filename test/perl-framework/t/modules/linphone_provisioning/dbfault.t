# Fault injection (SPEC §8): the database disappears and comes back while
# load runs.  The sqlite3 pass: the file moved away, the file unreadable,
# the write lock held by another process, once with DBDPersist Off
# (lp_fault_off) and once with persistent connections (lp_fault_on).  The
# pgsql and mysql passes: the server stopped for 2 s and started again
# (lp_fault_server, persistent connections).  All have DBTimeout 2.
#
# During each outage every answer is a 200 or a 503 with Retry-After
# (persistent connections opened before the fault may keep serving), no
# child crashes, requests wait at most about DBTimeout, and the service is
# back right after the repair (every request of three bursts of 20 on fresh
# tokens gets 200).  Afterwards the database shows nothing half-done: a
# token answered 200 is used and its account activated (and a reset
# password row is the one the document carried); a token answered 503 is
# unused, its account not activated, its password untouched, and it
# provisions now.  SQLite: the database passes PRAGMA integrity_check at
# the end.
#
# A server that stops can do so between committing a transaction and
# sending the reply to COMMIT: the request answers 503 although its claim
# is complete.  So with a server, a 503 must have changed nothing or
# everything (the token used, the account activated, a reset password
# replaced by one row), never part of it; such a complete claim is
# counted and reported, and its token is left out of "provisions now".
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use File::Temp ();
use Time::HiRes qw(time sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;

my $SERVER  = db_driver() ne 'sqlite3';
my @VHOSTS  = $SERVER ? ([lp_fault_server => 'main', 1])
                      : ([lp_fault_off => 'faultoff', 0], [lp_fault_on => 'faulton', 1]);
my @FAULTS  = $SERVER ? qw(restart) : qw(moved unreadable locked);
my $LOADERS = 4;
my $PER     = 300;          # tokens per loader and scenario
my $TIMEOUT = 2;            # LinphoneProvisioningDBTimeout of both vhosts

# chmod 000 does not lock root out
plan tests => @VHOSTS * (@FAULTS * 9 + 1),
    need { 'running as non-root' => $> != 0 },
    need { 'a database server this test may restart (LP_DB_CTL)'
           => !$SERVER || db_env('LP_DB_CTL') };

local $ENV{LP_DB_DIR} = db_env('LP_DB_DIR') // '';
$ENV{LP_PG_PORT} = db_env('LP_PG_PORT') if db_env('LP_PG_PORT');
$ENV{LP_MY_PORT} = db_env('LP_MY_PORT') if db_env('LP_MY_PORT');

sub ctl {
    my $what = shift;
    my $rc = system('sh', db_env('LP_DB_CTL'), $what, db_driver());
    die "db-servers.sh $what " . db_driver() . " failed\n" if $rc;
}

my $domain = 'example.org';
my $tmp    = File::Temp->newdir('lp-fault-XXXXXX', TMPDIR => 1);

# $n accounts, each with one SHA-256 password and one token; returns
# { token => { id, ha1 } }.
sub fixtures {
    my($db, $n) = @_;
    my $dbh = dbh($db);
    my %t;
    $dbh->begin_work;
    for (1 .. $n) {
        my $user = uniq('fault');
        my $ha1  = ha1('SHA-256', $user, $domain, 'pw');
        my $id   = create_account($user, $domain, 'Fault',
                                  passwords => [[$ha1, 'SHA-256']], db => $db);
        my $tok  = create_provisioning_token($id, undef, 0, undef, db => $db);
        $t{$tok} = { id => $id, ha1 => $ha1 };
    }
    $dbh->commit;
    return \%t;
}

sub path_of {
    my($token, $i) = @_;
    return "/provisioning/$token" . ($i % 2 ? '?reset_password' : '');
}

sub token_of { $_[0] =~ m{^/provisioning/([^?]+)} ? $1 : undef }

# Every token of @$paths provisions now (bursts of 20); returns the count
# of those that did not.
sub all_provision {
    my($host, $port, @paths) = @_;
    my $bad = 0;
    while (my @chunk = splice @paths, 0, 20) {
        $bad += grep { $_->{status} != 200 } burst($host, $port, @chunk);
    }
    return $bad;
}

# The database is as the answers say (see the top); returns a list of
# complaints.
sub consistent {
    my($db, $fix, $records) = @_;
    my @bad;
    for my $r (@$records) {
        my $tok = token_of($r->{path});
        my $f   = $fix->{$tok} or next;
        my $reset = $r->{path} =~ /reset_password/;
        my $t  = fetch_provisioning_token($tok, db => $db);
        my $a  = fetch_account($f->{id}, db => $db);
        my @pw = map { $_->{password} } @{ fetch_passwords($f->{id}, db => $db) };
        if ($r->{status} == 200) {
            push @bad, "200 $r->{path}: token not used" unless $t->{used};
            push @bad, "200 $r->{path}: account not activated" unless $a->{activated};
            if ($reset) {
                push @bad, "200 $r->{path}: passwords (@pw) are not the document's "
                         . ($r->{ha1} // 'none')
                    unless @pw == 1 && defined $r->{ha1} && $pw[0] eq $r->{ha1}
                           && $pw[0] ne $f->{ha1};
            }
            else {
                push @bad, "200 $r->{path}: password changed"
                    unless @pw == 1 && $pw[0] eq $f->{ha1};
            }
        }
        elsif ($r->{status} == 503 && $SERVER && $t->{used}) {
            # committed, then the server went away before the reply
            push @bad, "503 $r->{path}: token used, account not activated"
                unless $a->{activated};
            push @bad, "503 $r->{path}: password rows (@pw) half replaced"
                unless @pw == 1 && ($reset ? $pw[0] ne $f->{ha1} : $pw[0] eq $f->{ha1});
        }
        elsif ($r->{status} == 503) {
            push @bad, "503 $r->{path}: token consumed" if $t->{used};
            push @bad, "503 $r->{path}: account activated" if $a->{activated};
            push @bad, "503 $r->{path}: password changed"
                unless @pw == 1 && $pw[0] eq $f->{ha1};
        }
    }
    return @bad;
}

for my $v (@VHOSTS) {
    my($vhost, $db, $persistent) = @$v;
    Apache::TestRequest::module($vhost);
    my($host, $port) = server_of();
    my $file = db_file($db);
    dbh($db);                                  # open before any fault

    for my $fault (@FAULTS) {
        my $name = "$vhost, $fault";
        my $fix  = fixtures($db, $LOADERS * $PER + 100);
        my @tokens = sort keys %$fix;
        my @spare  = splice @tokens, 0, 100;   # for the bursts
        my @lists  = map { [] } 1 .. $LOADERS;
        push @{ $lists[$_ % $LOADERS] }, path_of($tokens[$_], $_) for 0 .. $#tokens;

        # warm: the persistent connections exist before the fault
        burst($host, $port, ('/provisioning') x 20);
        my $load = start_loaders($host, $port, "$tmp", \@lists, pause => 0.02);
        sleep 0.7;

        my($broke, $repaired);
        my $holder;
        if ($fault eq 'moved') {
            $broke = time;
            for my $sfx ('', '-wal', '-shm') {
                rename "$file$sfx", "$file.away$sfx" if -e "$file$sfx";
            }
            sleep 2;
            # the main file last: a connection that finds it back before
            # its -wal would read (and commit into) a database without its
            # WAL, which the WAL's return then undoes -- the way a site
            # must not move a live database either
            for my $sfx ('-wal', '-shm', '') {
                rename "$file.away$sfx", "$file$sfx" if -e "$file.away$sfx";
            }
            $repaired = time;
        }
        elsif ($fault eq 'restart') {
            $broke = time;
            ctl('stop');
            sleep 2;
            ctl('start');
            $repaired = time;
        }
        elsif ($fault eq 'unreadable') {
            my $mode = (stat $file)[2] & 07777;
            $broke = time;
            chmod 0000, $file or die "chmod $file: $!";
            sleep 2;
            chmod $mode, $file or die "chmod $file: $!";
            $repaired = time;
        }
        else {
            # another process (this one) holds the write lock for 3.5s
            my $dbh = dbh($db);
            $dbh->do('BEGIN IMMEDIATE');
            $broke = time;
            sleep 3.5;
            $dbh->do('ROLLBACK');
            $repaired = time;
        }
        sleep 1.5;                              # load goes on after the repair
        my $after = time;
        my @rec = stop_loaders($load);

        my %codes;
        $codes{ $_->{status} }++ for @rec;
        my $codes = join(', ', map { "$_ x $codes{$_}" } sort keys %codes);
        diag(sprintf "%s: %d requests (%s)", $name, scalar @rec, $codes);

        my @odd = grep { $_->{status} != 200 && $_->{status} != 503 } @rec;
        is(scalar @odd, 0, "$name: only 200 and 503 answers")
            or diag(map { "$_->{path} -> $_->{status}\n" } @odd[0 .. ($#odd > 9 ? 9 : $#odd)]);

        my @no_retry = grep { $_->{status} == 503 && !(($_->{retry_after} // '') =~ /^\d+$/) } @rec;
        is(scalar @no_retry, 0, "$name: every 503 has Retry-After");

        my $n503 = $codes{503} // 0;
        if ($persistent && $fault ne 'locked') {
            pass("$name: $n503 x 503 (persistent connections may hide the fault)");
        }
        else {
            ok($n503 > 0, "$name: the outage was seen ($n503 x 503)");
        }

        # the wait inside the server (fault_log's %D): the loaders' own
        # times also hold the queueing for a free child (prefork has 3)
        my %mine = map { ($_->{path} =~ s/\?.*//r) => 1 } @rec;
        my($slowest, $client) = (0, 0);
        if (open my $fl, '<', Apache::Test::vars('t_logs') . '/fault_log') {
            while (<$fl>) {
                my($us, $status, $path) = split ' ';
                $slowest = $us / 1e6 if $path && $mine{$path} && $us / 1e6 > $slowest;
            }
        }
        for (@rec) { $client = $_->{took} if $_->{took} > $client }
        if ($ENV{LP_TEST_VALGRIND}) {
            pass(sprintf "%s: slowest answer %.2fs (not checked under valgrind)", $name, $slowest);
        }
        else {
            ok($slowest > 0 && $slowest < $TIMEOUT + 0.5,
               sprintf "%s: slowest answer %.2fs in the server, %.2fs for the client (DBTimeout %ds)",
                       $name, $slowest, $client, $TIMEOUT);
        }

        my @late = grep { $_->{at} > $repaired + 1.0 && $_->{status} != 200 } @rec;
        my $late_n = grep { $_->{at} > $repaired + 1.0 } @rec;
        is(scalar @late, 0, "$name: every request from 1s after the repair got 200 ($late_n)")
            or diag(map { "$_->{path} -> $_->{status} at +" . sprintf('%.2f', $_->{at} - $repaired) . "\n" }
                    @late[0 .. ($#late > 9 ? 9 : $#late)]);

        my $bad = all_provision($host, $port,
                                map { path_of($spare[$_], $_) } 0 .. 59);
        is($bad, 0, "$name: 3 bursts of 20 fresh tokens after the repair: all 200");

        my @incons = consistent($db, $fix, \@rec);
        is(scalar @incons, 0, "$name: the database matches every answer")
            or diag(join "\n", @incons[0 .. ($#incons > 9 ? 9 : $#incons)]);

        my @again = map { $_->{path} }
                    grep { $_->{status} == 503
                           && !fetch_provisioning_token(token_of($_->{path}), db => $db)->{used} }
                    @rec;
        my $complete = grep { $_->{status} == 503 } @rec;
        $complete -= @again;
        diag("$name: $complete claim(s) answered 503 were complete (committed "
             . "as the server went away)") if $complete;
        is(all_provision($host, $port, @again), 0,
           "$name: the " . scalar(@again) . " unclaimed tokens answered 503 provision now");

        if ($SERVER) {
            my $half = grep {
                my $t = fetch_provisioning_token($_, db => $db);
                $t->{used} && !fetch_account($fix->{$_}{id}, db => $db)->{activated}
            } keys %$fix;
            is($half, 0, "$name: no token used whose account is not activated");
        }
        else {
            ok(!-e "$file.away", "$name: database file in place");
        }
    }
    if ($SERVER) {
        status_is(hget('/provisioning', lp_header), 200, "$vhost: server still answering");
    }
    else {
        my $check = dbh($db)->selectrow_array('PRAGMA integrity_check');
        is($check, 'ok', "$vhost: PRAGMA integrity_check after the faults");
    }
}
