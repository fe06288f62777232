# A failed statement is logged by its name and the driver's error code,
# never with the driver's message where that can quote row data.  A
# trigger on lp_dbfail's database refuses the token's UPDATE when the user
# agent starts with "leak", quoting it (PostgreSQL RAISE, MariaDB SIGNAL;
# SQLite's RAISE takes a literal only): 503, and the error log names
# linphone_token_consume and the code, not the value.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 5;

my $db     = 'fail';
my $dbh    = dbh($db);
my $driver = db_driver();
Apache::TestRequest::module('lp_dbfail');

if ($driver eq 'pgsql') {
    $dbh->do(q{CREATE OR REPLACE FUNCTION lp_leak() RETURNS trigger AS $$
               BEGIN
                 IF NEW.user_agent LIKE 'leak%' THEN
                   RAISE EXCEPTION 'refused %', NEW.user_agent;
                 END IF;
                 RETURN NEW;
               END $$ LANGUAGE plpgsql});
    $dbh->do('DROP TRIGGER IF EXISTS lp_leak ON provisioning_tokens');
    $dbh->do('CREATE TRIGGER lp_leak BEFORE UPDATE ON provisioning_tokens'
             . ' FOR EACH ROW EXECUTE PROCEDURE lp_leak()');
}
elsif ($driver eq 'mysql') {
    $dbh->do('DROP TRIGGER IF EXISTS lp_leak');
    $dbh->do(q{CREATE TRIGGER lp_leak BEFORE UPDATE ON provisioning_tokens
               FOR EACH ROW BEGIN
                 DECLARE m VARCHAR(300);
                 IF NEW.user_agent LIKE 'leak%' THEN
                   SET m = CONCAT('refused ', NEW.user_agent);
                   SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m;
                 END IF;
               END});
}
else {
    $dbh->do('DROP TRIGGER IF EXISTS lp_leak');
    $dbh->do(q{CREATE TRIGGER lp_leak BEFORE UPDATE ON provisioning_tokens
               WHEN NEW.user_agent LIKE 'leak%'
               BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END});
}
END {
    return unless $dbh;
    if ($driver eq 'pgsql') { $dbh->do('DROP TRIGGER IF EXISTS lp_leak ON provisioning_tokens') }
    else { $dbh->do('DROP TRIGGER IF EXISTS lp_leak') }
}

my $log   = Apache::Test::vars('t_logs') . '/error_log';
my $start = -s $log // 0;

my $secret = 'leak-' . random_token(24);
my $id  = create_account(uniq('leak'), 'example.org', 'Leak', db => $db);
my $t   = create_provisioning_token($id, undef, 0, undef, db => $db);
my $res = hget("/provisioning/$t", lp_header, 'User-Agent' => $secret);
status_is($res, 503, 'refused by the trigger: 503');
is(fetch_provisioning_token($t, db => $db)->{used}, 0, 'token not consumed');

open my $fh, '<', $log or die "$log: $!";
seek $fh, $start, 0;
my @lines = <$fh>;
close $fh;
my $code = { pgsql => qr/PostgreSQL ERROR:\s+P0001/, mysql => qr/MariaDB error 1644\b/,
             sqlite3 => qr/SQLite result \d+: refused by trigger/ }->{$driver};
my @named = grep { /LP0103/ && /linphone_token_consume/ } @lines;
ok(scalar @named, 'LP0103 names the statement') or diag(join '', @lines);
ok(scalar(grep { $_ =~ $code } @named), "... and the driver's code ($code)")
    or diag(join '', @named);
ok(!grep({ /\Q$secret\E/ } @lines), 'the quoted value is not in the error log')
    or diag(join '', grep { /\Q$secret\E/ } @lines);
