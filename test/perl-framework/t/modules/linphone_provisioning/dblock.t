# A locked database is waited for up to LinphoneProvisioningDBTimeout
# seconds (lp_dbfail sets 1), then 503 with nothing half-written.  The lock
# per driver: SQLite's write lock (BEGIN IMMEDIATE); on PostgreSQL and
# MariaDB the token's row lock (SELECT ... FOR UPDATE), which the module's
# UPDATE waits for (lock_timeout, innodb_lock_wait_timeout).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use POSIX ();
use Time::HiRes qw(time sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 9;

my $db     = 'fail';
my $domain = 'example.org';
my $dbh    = dbh($db);

Apache::TestRequest::module('lp_dbfail');

my $sqlite = db_driver() eq 'sqlite3';
# lock($token): hold the lock the module's claim of $token needs.
sub lock_token {
    my $t = shift;
    if ($sqlite) {
        $dbh->do('BEGIN IMMEDIATE');
    }
    else {
        $dbh->begin_work;
        $dbh->selectall_arrayref('SELECT id FROM provisioning_tokens WHERE token = ? FOR UPDATE',
                                 undef, $t);
    }
}
sub unlock {
    my $how = shift;
    if ($sqlite) { $dbh->do(uc $how) }
    elsif ($how eq 'commit') { $dbh->commit }
    else { $dbh->rollback }
}

sub new_token {
    my $id = create_account(uniq('lock'), $domain, 'Locked', db => $db);
    return ($id, create_provisioning_token($id, undef, 0, undef, db => $db));
}

# 1. Lock held for the whole request: 503 after about DBTimeout seconds.
my($id, $t) = new_token();
lock_token($t);
my $start = time;
my $res   = hget("/provisioning/$t", lp_header);
my $took  = time - $start;
unlock('rollback');
status_is($res, 503, 'write lock held: 503');
ok(defined $res->header('Retry-After'), 'Retry-After header');
ok($took < 5, sprintf 'gave up after about DBTimeout (took %.1fs, DBTimeout 1)', $took);
is(fetch_provisioning_token($t, db => $db)->{used}, 0, 'token not consumed');
is(fetch_account($id, db => $db)->{activated}, 0, 'account not activated');

# 2. The same token once the lock is gone.
status_is(hget("/provisioning/$t", lp_header), 200, 'lock released: 200');

# 3. Lock held shorter than DBTimeout: the request waits and succeeds.
($id, $t) = new_token();
lock_token($t);
my $pid = fork;
die "fork: $!" unless defined $pid;
if (!$pid) {
    Apache::TestRequest::user_agent(reset => 1);
    my $r = eval { hget("/provisioning/$t", lp_header) };
    POSIX::_exit($r && $r->code == 200 ? 0 : $r ? ($r->code % 256 || 1) : 1);
}
sleep 0.3;
unlock('commit');
waitpid($pid, 0);
my $code = $? >> 8;
is($code, 0, 'lock held 0.3s (< DBTimeout): request waited and got 200')
    or diag("child status: $code (503 % 256 = " . (503 % 256) . ')');
is(fetch_provisioning_token($t, db => $db)->{used}, 1, 'token consumed');
is(fetch_account($id, db => $db)->{activated}, 1, 'account activated');
