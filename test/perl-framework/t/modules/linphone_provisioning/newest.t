# The consuming UPDATE itself requires that the token is still the
# account's newest unused one: a newer token created after the claim's
# SELECT (FlexiAPI issuing a new link) wins, and the older one is not
# consumed.  The timing is made deterministic with a lock: another
# connection holds the token's row lock (SQLite: the write lock), the
# claim's SELECT passes and its UPDATE waits; meanwhile a newer token is
# inserted and committed; then the lock goes.  The claim must answer 404
# and write nothing.  On SQLite the claim waits at BEGIN IMMEDIATE, before
# its SELECT, so this holds there by construction; on MariaDB the UPDATE's
# subquery reads the latest committed rows once it has the row lock.
# PostgreSQL's UPDATE sees what was committed before it started, not what
# commits while it waits for the row lock, so the claim locks the account
# row first: the newer token's INSERT (its foreign key check) waits for the
# claim, which wins, and the newer token comes after it.  There the test
# checks that the outcome is whole.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use POSIX ();
use Time::HiRes qw(time sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 4;

my $db     = 'fail';
my $driver = db_driver();
Apache::TestRequest::module('lp_dbfail');     # DBTimeout 1


my $id  = create_account(uniq('newest'), 'example.org', 'Newest', db => $db);
my $old = create_provisioning_token($id, undef, 0, undef, db => $db);
my $new = random_token();

my $insert = 'INSERT INTO provisioning_tokens (account_id, token, used, created_at,'
           . ' updated_at) VALUES (?, ?, ?, ?, ?)';
my $pid = in_child(sub {
    my $h = dbh_new($db);
    if ($driver eq 'sqlite3') {
        $h->do('BEGIN IMMEDIATE');
        return $h;
    }
    $h->begin_work;
    # by primary key: a record lock only (InnoDB would lock the gap of a
    # secondary index too, and the INSERT below would wait)
    my($tid) = $h->selectrow_array('SELECT id FROM provisioning_tokens WHERE token = ?',
                                   undef, $old);
    $h->selectall_arrayref('SELECT id FROM provisioning_tokens WHERE id = ? FOR UPDATE',
                           undef, $tid);
    return $h;
}, sub {
    my $h = shift;
    if ($driver eq 'sqlite3') {
        sleep 0.4;
        $h->do($insert, undef, $id, $new, 0, utc_ts(), utc_ts());
        $h->do('COMMIT');
    }
    else {
        # the newer token from another session, 0.3 s in (the claim's
        # SELECT has run, its UPDATE waits); on PostgreSQL that INSERT may
        # itself wait for the claim (its foreign key against the account
        # row the claim locked), so it runs apart and the lock goes at
        # 0.4 s anyway
        my $ins = in_child(sub { }, sub {
            sleep 0.3;
            my $h2 = dbh_new($db);
            $h2->do($insert, undef, $id, $new, 0, utc_ts(), utc_ts());
            $h2->disconnect;
        });
        sleep 0.4;
        $h->rollback;
        waitpid($ins, 0);
    }
    $h->disconnect;
});
my $res = hget("/provisioning/$old", lp_header);
waitpid($pid, 0);

if ($driver ne 'pgsql') {
    status_is($res, 404, 'a newer token appeared before the UPDATE: 404');
    is(fetch_provisioning_token($old, db => $db)->{used}, 0, 'the older token is not consumed');
    is(fetch_account($id, db => $db)->{activated}, 0, 'the account is not activated');
}
else {
    my $used = fetch_provisioning_token($old, db => $db)->{used};
    my $act  = fetch_account($id, db => $db)->{activated};
    ok($res->code == 404 || $res->code == 200, 'PostgreSQL: 404, or 200 (see above)')
        or diag($res->as_string);
    is($used, $res->code == 200 ? 1 : 0, '... the token used exactly when answered 200');
    is($act, $res->code == 200 ? 1 : 0, '... the account activated exactly then');
}
status_is(hget("/provisioning/$new", lp_header), 200, 'the newer token provisions');
