# A schema change by another program while the server runs (FlexiAPI's
# migrations, an index the documentation tells a site to add, VACUUM):
# every request after it is served.  APR's sqlite3 driver prepares with the
# legacy sqlite3_prepare, whose statements such a change expires; the
# module prepares them again and runs the request once more.  Every
# driver: 30 simultaneous requests on warm connections, an index created,
# 30 more, then a token claim; all 200 and no statement failure logged
# for an expired statement.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;

plan tests => 5;

my $error_log = Apache::Test::vars('t_logs') . '/error_log';
my $log_start = -s $error_log // 0;

my $user = uniq('schema');
my $id   = create_account($user, 'example.org', 'Schema');
create_password($id, 'secret', 'SHA-256');
my $key  = create_api_key($id);
my @me   = map { [server_of(), '/provisioning/me', 'x-api-key' => $key,
                  lp_header()] } 1 .. 30;

sub statuses { my %n; $n{ $_->{status} }++ for @_; \%n }

is_deeply(statuses(burst(@me)), { 200 => 30 }, 'warm: 30 x 200');

my $index = 'lp_schema_change_' . $$;
dbh()->do("CREATE INDEX $index ON accounts (email)");
is_deeply(statuses(burst(@me)), { 200 => 30 },
          'after CREATE INDEX by another program: 30 x 200');
my $token = create_provisioning_token($id);
my $r = hget("/provisioning/$token", lp_header());
is($r->code, 200, 'a token claim after it: 200');
dbh()->do(db_driver() eq 'mysql' ? "DROP INDEX $index ON accounts"
                                  : "DROP INDEX $index");
is_deeply(statuses(burst(@me)), { 200 => 30 }, 'after DROP INDEX: 30 x 200');

open my $fh, '<', $error_log or die "$error_log: $!";
seek $fh, $log_start, 0;
# (earlier tests' restarted servers leave dead pooled sessions, whose
# reconnection is logged too: only the schema change's symptoms count)
my @bad = grep { /LP0103.*(?:schema has changed|not an error)/ } <$fh>;
is(scalar @bad, 0, 'no statement failed on an expired statement')
    or diag(@bad[0 .. 2]);
