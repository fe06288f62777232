# LinphoneProvisioningDBTimeout bounds the whole database wait of a
# request, not each statement's: lp_dbfail has DBTimeout 1.  The time is
# the server's own (%D in dbwait_log).
#
# SQLite: another process holds the write lock for 2.5 s; the claim gives
# up after 1 s (the APR driver's own retries used to add 1.6 s).
# PostgreSQL, MariaDB: the claim waits twice, for the token's row lock
# (released after 0.6 s), then for the account's (held 2.5 s): the second
# wait gets what is left of the second, not a second of its own.  The
# margin: 0.3 s (scheduling; PostgreSQL's lock wait is refitted when it is
# off by more than 0.1 s), 1 s on MariaDB, whose lock wait is in whole
# seconds.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use POSIX ();
use Time::HiRes qw(time sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 6;

my $db     = 'fail';
my $driver = db_driver();
my $margin = $driver eq 'mysql' ? 1.0 : 0.3;
Apache::TestRequest::module('lp_dbfail');


# hold($sql, $arg, $seconds): a child that takes a lock, says so, holds it.
sub hold {
    my($sql, $arg, $seconds) = @_;
    return in_child(sub {
        my $h = dbh_new($db);
        if ($driver eq 'sqlite3') { $h->do('BEGIN IMMEDIATE') }
        else { $h->begin_work; $h->selectall_arrayref($sql, undef, $arg) }
        return $h;
    }, sub {
        my $h = shift;
        sleep $seconds;
        $driver eq 'sqlite3' ? $h->do('ROLLBACK') : $h->rollback;
        $h->disconnect;
    });
}

my $log = Apache::Test::vars('t_logs') . '/dbwait_log';
# the server's time for $path's last request, in seconds
sub server_time {
    my $path = shift;
    my $t;
    open my $fh, '<', $log or return undef;
    while (<$fh>) { $t = $1 / 1e6 if /^(\d+) \d+ \Q$path\E$/ }
    return $t;
}

my $id = create_account(uniq('wait'), 'example.org', 'Wait', db => $db);
my $t  = create_provisioning_token($id, undef, 0, undef, db => $db);
my @pids;
if ($driver eq 'sqlite3') {
    push @pids, hold(undef, undef, 2.5);
}
else {
    push @pids, hold('SELECT id FROM accounts WHERE id = ? FOR UPDATE', $id, 2.5);
    push @pids, hold('SELECT id FROM provisioning_tokens WHERE token = ? FOR UPDATE', $t, 0.6);
}
my $res = hget("/provisioning/$t", lp_header);
waitpid($_, 0) for @pids;

status_is($res, 503, 'locked past DBTimeout: 503');
ok(defined $res->header('Retry-After'), '... with Retry-After');
my $took = server_time("/provisioning/$t");
ok(defined $took, 'the request is in dbwait_log');
ok(defined $took && $took <= 1 + $margin,
   sprintf('the whole wait within DBTimeout 1 + %.1fs (%.2fs)', $margin, $took // -1));
is(fetch_provisioning_token($t, db => $db)->{used}, 0, 'token not consumed');
status_is(hget("/provisioning/$t", lp_header), 200, 'the locks gone: 200');
