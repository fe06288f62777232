# High availability on PostgreSQL streaming replication (the pgsql-ha pass
# of test/run-tests.sh; test/db-ha.sh runs a primary and a hot standby):
# two Apache nodes, one redis nonce cache, and DBDParams in libpq's
# multi-host form (host=a,b port=p,q target_session_attrs=read-write).
#
# Twice, first with asynchronous then with synchronous replication: under
# steady load on both nodes (each claims the same fresh tokens), the
# primary crashes (pg_ctl -m immediate) and, a second later, the standby is
# promoted.  Requests fail with 503 + Retry-After for a bounded time, then
# succeed through the same DBDParams; no token is consumed twice; with
# synchronous replication no consumption that answered 200 is lost; with
# asynchronous replication the lost ones are counted and reported.  A
# Digest nonce issued by one node is accepted by the other after the
# failover.  Then the dead member is rebuilt as the new standby.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use File::Temp ();
use Time::HiRes qw(time sleep);
use LWP::UserAgent ();
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;
use LinphoneNodes;
use LinphoneDigest;

my $LOAD_TOKENS = 400;
my $PROMOTE_AFTER = 1;      # seconds: a failover manager's detection time
my $BOUND = 5;              # seconds of 503 allowed after the promotion

my $redis   = db_env('LP_REDIS_PORT');
my $modules = Apache::Test::config()->apxs('LIBEXECDIR');

plan tests => 2 * 8,
    need { 'the pgsql-ha pass (test/run-tests.sh, LP_TEST_DRIVER=pgsql-ha)'
               => (db_env('LP_DB_HA') // '') eq 'pgsql',
           'redis on loopback (test/db-servers.sh)' => $redis,
           'mod_socache_redis' => -f "$modules/mod_socache_redis.so" };

$ENV{LP_DB_DIR} = db_env('LP_DB_DIR');
# the handles of the crashed primary complain as they go
local $SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /DESTROY failed|terminating connection/ };
my $ctl = db_env('LP_HA_CTL');

my @base = map { start_node("pg$_", redis => $redis) } 1 .. 2;
my @hp = map { [ m{^http://([^:/]+):(\d+)} ] } @base;
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
my $domain = 'pgha.example.org';

sub new_account { node_account('pgha', $domain, 'Failover') }

sub ctl { system('sh', $ctl, @_) == 0 or die "db-ha.sh @_ failed\n" }

for my $mode ('async', 'sync') {
    ctl('sync', $mode eq 'sync' ? 'on' : 'off');
    my @paths;
    my $dbh = dbh();
    $dbh->begin_work;
    for (1 .. $LOAD_TOKENS) {
        my($id) = new_account();
        push @paths, '/provisioning/' . create_provisioning_token($id);
    }
    $dbh->commit;
    # the tokens are on the standby before the load starts
    for (1 .. 100) {
        last if $dbh->selectrow_array('SELECT count(*) FROM pg_stat_replication'
                                      . ' WHERE replay_lsn >= pg_current_wal_lsn()');
        sleep 0.1;
    }
    my($did, $duser) = new_account();

    my $ldir = File::Temp::tempdir(CLEANUP => 1);
    my @load = map { mkdir "$ldir/$_"; start_loaders(@{ $hp[$_] }, "$ldir/$_", [ [@paths] ], pause => 0.02) } 0 .. 1;
    sleep 1.5;
    my $t_kill = time;
    ctl('node-stop', 'pgsql-primary');
    sleep $PROMOTE_AFTER;
    my $t_promote = time;
    ctl('promote', 'pgsql');
    my $t_promoted = time;
    sleep 3;
    my @rec = map { stop_loaders($_) } @load;

    my @fail = grep { $_->{status} == 503 } @rec;
    my @odd  = grep { $_->{status} != 200 && $_->{status} != 404 && $_->{status} != 503 } @rec;
    ok(@fail > 0, sprintf '%s: %d answers, %d x 503 during the failover', $mode, scalar @rec, scalar @fail);
    is(scalar(grep { !defined $_->{retry_after} } @fail), 0, "$mode: each 503 with Retry-After");
    is(scalar @odd, 0, "$mode: no other failure (no 500, no lost connection)")
        or diag(join ', ', map { $_->{status} } @odd[0 .. ($#odd < 9 ? $#odd : 9)]);
    my $last_fail = @fail ? $fail[-1]{at} + $fail[-1]{took} : $t_kill;
    diag(sprintf '%s: 503 from +%.2fs to +%.2fs after the crash; promoted at +%.2fs (pg_ctl promote took %.2fs)',
         $mode, @fail ? $fail[0]{at} - $t_kill : 0, $last_fail - $t_kill,
         $t_promote - $t_kill, $t_promoted - $t_promote);
    cmp_ok($last_fail - $t_promoted, '<', $BOUND,
           "$mode: no 503 later than ${BOUND}s after the promotion");
    my @after = grep { $_->{at} > $t_promoted + $BOUND / 2 } @rec;
    ok(@after && !grep({ $_->{status} == 503 } @after),
       sprintf '%s: served again through the same DBDParams (%d answers after the promotion)', $mode, scalar @after);

    my %ok;
    $ok{ $_->{path} }++ for grep { $_->{status} == 200 } @rec;
    # a consumption the failover lost can be made again on the new primary
    my $twice = grep { $ok{$_} > 1 } keys %ok;
    if ($mode eq 'sync') {
        is($twice, 0, sprintf 'sync: no token consumed twice (%d consumed)', scalar keys %ok);
    }
    else {
        ok(1, sprintf 'async: %d of %d tokens answered 200 twice', $twice, scalar keys %ok);
    }
    my $lost = 0;
    my $new = dbh();
    for my $p (keys %ok) {
        my($t) = $p =~ m{/provisioning/(.+)$};
        my($used) = $new->selectrow_array('SELECT used FROM provisioning_tokens WHERE token = ?', undef, $t);
        $lost++ unless $used;
    }
    diag("$mode replication: $lost of " . scalar(keys %ok) . ' consumptions answered 200 were lost at the failover');
    if ($mode eq 'sync') {
        is($lost, 0, 'sync: no acknowledged consumption lost');
    }
    else {
        ok(1, "async: $lost acknowledged consumptions lost (measured, not bounded)");
    }

    # digest across the nodes, on the new primary
    my @from = (From => "sip:$duser\@$domain");
    my $c = challenges($ua->get("$base[0]/provisioning/me", lp_header, @from))->{'SHA-256'}
            // { nonce => 'x', realm => 'x', opaque => 'x', algorithm => 'SHA-256' };
    status_is($ua->get("$base[1]/provisioning/me", lp_header, @from,
                       Authorization => authorization(challenge => $c, user => $duser,
                                                      password => 'pw', uri => '/provisioning/me')),
              200, "$mode: node 2 accepts node 1's nonce after the failover");

    ctl('rebuild', 'pgsql');
}

stop_nodes();
