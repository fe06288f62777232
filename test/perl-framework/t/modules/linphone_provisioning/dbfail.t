# Database unreachable: 503 with Retry-After, nothing half-written, and the
# next request after the database is back succeeds (lp_dbfail: the fail
# database, DBDPersist Off).  Unreachable per driver: the SQLite file is
# chmod 000'd; PostgreSQL refuses connections to the database (ALLOW_CONNECTIONS
# false, its sessions terminated); MariaDB refuses Apache's account (ACCOUNT
# LOCK, its sessions killed).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my $driver = db_driver();
# chmod 000 does not lock root out.
plan tests => 15, need { 'running as non-root (chmod 000 on the SQLite file)'
                         => $driver ne 'sqlite3' || $> != 0 };

my $db   = 'fail';
my $file = db_file($db);
my $domain = 'example.org';
my $mode;

sub unreachable {
    if ($driver eq 'pgsql') {
        my $admin = dbh('main');
        $admin->do('ALTER DATABASE lp_fail ALLOW_CONNECTIONS false');
        $admin->selectall_arrayref(q{SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                     WHERE datname = 'lp_fail'});
    }
    elsif ($driver eq 'mysql') {
        my $admin = dbh('main');
        $admin->do(q{ALTER USER 'lp_apache_fail'@'127.0.0.1' ACCOUNT LOCK});
        for my $id (@{ $admin->selectcol_arrayref(q{SELECT id FROM information_schema.processlist
                                                    WHERE user = 'lp_apache_fail'}) }) {
            eval { $admin->do("KILL $id") };
        }
    }
    else {
        $mode = (stat $file)[2] & 07777;
        chmod 0000, $file or die "chmod $file: $!";
    }
}

sub reachable {
    if ($driver eq 'pgsql') {
        dbh('main')->do('ALTER DATABASE lp_fail ALLOW_CONNECTIONS true');
    }
    elsif ($driver eq 'mysql') {
        dbh('main')->do(q{ALTER USER 'lp_apache_fail'@'127.0.0.1' ACCOUNT UNLOCK});
    }
    else {
        chmod $mode, $file or die "chmod $file: $!";
    }
}

my $user = uniq('dbf');
my $id   = create_account($user, $domain, 'DB Fail', db => $db);
my $t1   = create_provisioning_token($id, undef, 0, utc_ts(-60), db => $db);
my $t2   = create_provisioning_token($id, undef, 0, utc_ts(), db => $db);
my $at   = create_auth_token($id, undef, undef, db => $db);

Apache::TestRequest::module('lp_dbfail');

# Sanity: the vhost works while the file is readable.  t1 is not the
# current token (t2 is newer): 404 proves a working query.
my $res = hget("/provisioning/$t1", lp_header);
status_is($res, 404, 'database up: older token 404 (query ran)');

unreachable();
my $ok = eval {
    $res = hget("/provisioning/$t2", lp_header);
    status_is($res, 503, 'database unreadable: 503 on a provisioning token');
    ok(defined $res->header('Retry-After'), 'Retry-After header');
    like($res->header('Retry-After') // '', qr/^\d+$/, 'Retry-After is a number of seconds');
    ok(is_plain_error($res), '503 body is short plain text, no path') or diag($res->as_string);

    $res = hget("/provisioning/auth_token/$at");
    status_is($res, 503, 'database unreadable: 503 on an auth token');
    ok(defined $res->header('Retry-After'), 'Retry-After header');

    # A second failure in a row is still a clean 503 (no crash, no hang).
    status_is(hget("/provisioning/$t2?reset_password", lp_header), 503, 'still 503');
    1;
};
reachable();
die $@ unless $ok;

# The failure is logged at error level, without the request's data.
my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $lfh, '<', $log or die "$log: $!";
my @err = grep { /linphone_provisioning:error/ } <$lfh>;
close $lfh;
ok(scalar @err, 'the failure is logged at error level');
is(scalar(grep { /\Q$t2\E|\Q$at\E/ } @err), 0, 'error lines do not carry the tokens')
    or diag(@err);

# Back: nothing was consumed while the database was away.
$res = hget("/provisioning/$t2", lp_header);
status_is($res, 200, 'database back: 200');
my $doc = parse_doc($res);
is($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') : undef,
   qq{"DB Fail" <sip:$user\@$domain>}, 'account document');
is(fetch_provisioning_token($t2, db => $db)->{used}, 1, 'token consumed now');
status_is(hget("/provisioning/auth_token/$at"), 200, 'auth token still valid: 200');
ok(!defined fetch_auth_token($at, db => $db), 'auth token deleted');
