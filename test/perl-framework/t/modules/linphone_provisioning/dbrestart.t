# The database server restarted while Apache runs (pgsql and mysql passes):
# 503 with Retry-After while it is down, and service back on the very first
# request without restarting Apache: mod_dbd reconnects the pooled
# connections and the module prepares its statements again on each.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my $AFTER = 12;     # requests after the restart: more than the pooled connections

plan tests => 6 + 3 + $AFTER + 4,
    need { 'a database server this test may restart (the pgsql and mysql passes '
           . 'of test/run-tests.sh)' => db_driver() ne 'sqlite3' && db_env('LP_DB_CTL') };

my $server = db_driver();
my $domain = 'restart.example.org';
local $ENV{LP_DB_DIR} = db_env('LP_DB_DIR');
$ENV{LP_PG_PORT} = db_env('LP_PG_PORT') if db_env('LP_PG_PORT');
$ENV{LP_MY_PORT} = db_env('LP_MY_PORT') if db_env('LP_MY_PORT');

sub ctl {
    my $what = shift;
    my $rc = system('sh', db_env('LP_DB_CTL'), $what, $server);
    die "db-servers.sh $what $server failed\n" if $rc;
}

sub new_token {
    my $user = uniq('rs');
    my $id = create_account($user, $domain, 'Restart',
                            passwords => [[ha1('MD5', $user, $domain, 'pw'), 'MD5']]);
    return ($id, create_provisioning_token($id));
}

# Warm up: children hold pooled connections with our statements prepared.
my $ok = 0;
for (1 .. 6) {
    my(undef, $t) = new_token();
    $ok++ if hget("/provisioning/$t", lp_header)->code == 200;
}
is($ok, 6, 'database up: 6 tokens provisioned');
my($id, $t) = new_token();
my $at = create_auth_token($id);
my @later = map { [new_token()] } 1 .. $AFTER;

ctl('stop');
my $res = hget("/provisioning/$t", lp_header);
status_is($res, 503, "$server stopped: 503");
like($res->header('Retry-After') // '', qr/^\d+$/, '... with Retry-After');
status_is(hget("/provisioning/auth_token/$at"), 503, '... auth token too');
status_is(hget('/provisioning', lp_header), 200, 'the base document needs no database: 200');
status_is(hget("/provisioning/$t", lp_header), 503, 'still 503');

ctl('start');
$res = hget("/provisioning/$t", lp_header);
status_is($res, 200, "$server started again: the first request succeeds");
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'proxy_0', 'reg_identity'), qq{"Restart" <sip:} . fetch_account($id)->{username} . qq{\@$domain>},
   '... with the account document');
status_is(hget("/provisioning/auth_token/$at"), 200, 'auth token: 200');
for my $i (1 .. $AFTER) {
    my($lid, $lt) = @{ $later[$i - 1] };
    status_is(hget("/provisioning/$lt" . ($i % 2 ? '' : '?reset_password'), lp_header), 200,
              "request $i after the restart: 200");
}
is(fetch_provisioning_token($t)->{used}, 1, 'token consumed once the database is back');
ok(!defined fetch_auth_token($at), 'auth token deleted');
is(scalar(grep { fetch_provisioning_token($_->[1])->{used} } @later), $AFTER, 'all consumed');
my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $fh, '<', $log or die "$log: $!";
my @crash = grep { /exit signal|Segmentation fault/ } <$fh>;
is(scalar @crash, 0, 'no child crashed') or diag(@crash);
