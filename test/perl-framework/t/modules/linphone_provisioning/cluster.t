# A cluster: two Apache nodes (two more httpd instances on two ports, started
# by t/lib/LinphoneNodes.pm with the same configuration) sharing one server database and one
# redis (LinphoneDigestNonceCache redis:..., the same LinphoneDigestSecret
# file).  A token consumed on node A is 404 on node B; concurrent requests
# for one token spread over both nodes give exactly one 200; a digest nonce
# issued by A is accepted by B, and its replay is refused on either.  Runs
# in the pgsql and mysql passes of test/run-tests.sh (redis from
# test/db-servers.sh).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Time::HiRes qw(sleep);
use LWP::UserAgent ();
use LWP::Protocol::http ();
use Digest::SHA ();
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;
use LinphoneNodes;

my $ROUNDS  = 3;
my $CLIENTS = 20;

my $modules = Apache::Test::config()->apxs('LIBEXECDIR');
my $redis   = db_env('LP_REDIS_PORT');

plan tests => 5 + $ROUNDS * 3 + 12,
    need { 'a server database shared by the nodes (the pgsql and mysql passes)'
               => db_driver() ne 'sqlite3',
           'redis on loopback (test/db-servers.sh)' => $redis,
           'mod_socache_redis' => -f "$modules/mod_socache_redis.so" };

my $A = start_node('a', redis => $redis);
my $B = start_node('b', redis => $redis);
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);

sub get { my($url, @h) = @_; return $ua->get($url, @h) }

my $domain = 'cluster.example.org';
sub new_account { node_account('cl', $domain, 'Cluster') }

# --- a token consumed on A is gone on B ------------------------------------
my($id, $user) = new_account();
my $t = create_provisioning_token($id);
my $res = get("$A/provisioning/$t", lp_header);
status_is($res, 200, 'node A: token 200');
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_0', 'username'), $user, '... the account document');
status_is(get("$B/provisioning/$t", lp_header), 404, 'node B: the same token 404');
status_is(get("$A/provisioning/$t", lp_header), 404, 'node A: 404 too');
is(fetch_provisioning_token($t)->{used}, 1, 'consumed once in the shared database');

# --- one token, concurrent requests on both nodes ---------------------------
for my $round (1 .. $ROUNDS) {
    my($rid) = new_account();
    my $rt = create_provisioning_token($rid);
    my $q = $round == 2 ? '?reset_password' : '';
    my $count = race(map { ($_ % 2 ? $A : $B) . "/provisioning/$rt$q" } 1 .. $CLIENTS);
    is($count->{200}, 1, "round $round: $CLIENTS requests over both nodes, exactly one 200");
    is($count->{404}, $CLIENTS - 1, "round $round: the others 404")
        or diag("other statuses: $count->{other}");
    is(scalar @{ fetch_passwords($rid) }, 1, "round $round: one passwords row");
}

# --- digest nonces shared through redis -------------------------------------
sub challenge {
    my $r = shift;
    for my $h ($r->header('WWW-Authenticate')) {
        next unless $h =~ s/^Digest\s+//;
        my %p;
        while ($h =~ /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g) {
            $p{lc $1} = defined $2 ? $2 : $3;
        }
        return \%p if ($p{algorithm} // '') eq 'SHA-256';
    }
    return undef;
}
sub authorization {
    my($c, $nc) = @_;
    $nc = sprintf '%08x', $nc;
    my $cnonce = random_token(16);
    my $uri = '/provisioning/me';
    my $ha1 = Digest::SHA::sha256_hex("$user:$c->{realm}:pw");
    my $ha2 = Digest::SHA::sha256_hex("GET:$uri");
    my $resp = Digest::SHA::sha256_hex("$ha1:$c->{nonce}:$nc:$cnonce:auth:$ha2");
    return qq{Digest username="$user", realm="$c->{realm}", nonce="$c->{nonce}", }
         . qq{algorithm="SHA-256", opaque="$c->{opaque}", qop=auth, }
         . qq{cnonce="$cnonce", nc=$nc, response="$resp", uri="$uri"};
}
($id, $user) = new_account();
my @from = (From => "sip:$user\@$domain");
$res = get("$A/provisioning/me", lp_header, @from);
status_is($res, 401, 'node A: challenge');
my $c = challenge($res);
ok($c && $c->{nonce}, '... with a SHA-256 nonce');
$c //= { nonce => 'x', realm => 'x', opaque => 'x' };
my $auth1 = authorization($c, 1);
$res = get("$B/provisioning/me", lp_header, @from, Authorization => $auth1);
status_is($res, 200, "node B accepts node A's nonce");
$doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_0', 'username'), $user, '... the account document');
status_is(get("$A/provisioning/me", lp_header, @from, Authorization => $auth1), 401,
          'replayed on node A: refused');
status_is(get("$B/provisioning/me", lp_header, @from, Authorization => $auth1), 401,
          'replayed on node B: refused');
my $auth2 = authorization($c, 2);
status_is(get("$A/provisioning/me", lp_header, @from, Authorization => $auth2), 200,
          'next nonce count on node A: 200');
status_is(get("$B/provisioning/me", lp_header, @from, Authorization => $auth2), 401,
          '... replayed on node B: refused');
# and the other way round
$c = challenge(get("$B/provisioning/me", lp_header, @from)) // $c;
status_is(get("$A/provisioning/me", lp_header, @from, Authorization => authorization($c, 1)),
          200, "node A accepts node B's nonce");
# one header sent by many clients at once to one node: redis takes no lock,
# the module's mutex around its read and write does
for my $round (1 .. 2) {
    my $rc = challenge(get("$A/provisioning/me", lp_header, @from)) // $c;
    my $count = race({ @from, Authorization => authorization($rc, 1) },
                     ("$A/provisioning/me") x $CLIENTS);
    is($count->{200}, 1, "redis, round $round: $CLIENTS simultaneous replays on one node, one 200")
        or diag("other statuses: $count->{other}");
}

stop_nodes();
my @crash = node_crashes();
is(scalar @crash, 0, 'no child crashed on either node') or diag(@crash);
