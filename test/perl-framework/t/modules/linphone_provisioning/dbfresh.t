# A SQLite connection opened while another program holds the write lock
# waits for it like any statement: lp_dbfail opens a new connection for
# every request (DBDPersist Off, DBTimeout 1), so 20 simultaneous claims of
# one token while a separate process holds BEGIN IMMEDIATE for half a
# second all run their session setup under the lock.  One 200, nineteen
# 404, no 503, and no failed setup or dropped connection in the error log.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use POSIX ();
use Time::HiRes qw(time sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;

plan tests => 5, need { 'the sqlite3 pass' => db_driver() eq 'sqlite3' };

my $db = 'fail';
Apache::TestRequest::module('lp_dbfail');

my $error_log = Apache::Test::vars('t_logs') . '/error_log';
my $log_start = -s $error_log // 0;

my $id    = create_account(uniq('fresh'), 'example.org', 'Fresh', db => $db);
my $token = create_provisioning_token($id, undef, 0, undef, db => $db);

# The holder: its own connection (not the fixtures' shared one), the lock
# taken before the requests start and released 0.5 s later.
my $pid = in_child(sub {
    my $h = dbh_new($db);
    $h->do('BEGIN IMMEDIATE');
    $h->do('UPDATE accounts SET updated_at = updated_at WHERE id = ?', undef, $id);
    return $h;
}, sub {
    my $h = shift;
    sleep 0.5;
    $h->do('COMMIT');
    $h->disconnect;
});

my $start = time;
my %got;
$got{ $_->{status} == 200 || $_->{status} == 404 ? $_->{status} : 'other' }++
    for burst(server_of(), ("/provisioning/$token") x 20);
my $got  = \%got;
my $took = time - $start;
waitpid($pid, 0);

is($got->{200} // 0, 1, 'one request provisions');
is($got->{404} // 0, 19, 'nineteen get 404');
is($got->{other} // 0, 0, 'no 503 (nor anything else)');
ok($took < 1 + 0.5, sprintf 'within DBTimeout (%.1fs)', $took);

open my $fh, '<', $error_log or die "$error_log: $!";
seek $fh, $log_start, 0;
my @bad = grep { /LP0101|LP0109|database is locked|out of memory/ } <$fh>;
is(scalar @bad, 0, 'no failed session setup nor dropped connection logged')
    or diag(join '', @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
