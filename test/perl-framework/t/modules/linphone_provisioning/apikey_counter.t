# API key uses counted in shared memory (LinphoneAuthAPIKeyFlushInterval):
# the first use of a key is written at once, later ones within the interval
# wait and are written when a child exits.  On nodes of their own
# (LinphoneNodes.pm: httpd instances on the suite's database, interval
# 3600 s so that nothing else writes): requests is exact after a graceful
# restart and after a stop, two nodes add up, expiry is decided on the
# freshest last use, and a refused key counts nothing.  Every driver.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Time::HiRes qw(sleep);
use LWP::UserAgent ();
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneNodes;

plan tests => 17;

my $EXTRA = <<'CONF';
StartServers 2
ThreadsPerChild 8
MaxRequestWorkers 32
LinphoneAuthAPIKeyFlushInterval 3600
CONF

my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
sub use_key {
    my($url, $key, $n) = @_;
    my %st;
    $st{$ua->get("$url/provisioning/me", lp_header, 'x-api-key' => $key)->code}++ for 1 .. $n;
    return join(',', map { "$_ x $st{$_}" } sort keys %st);
}
sub requests {
    (dbh()->selectrow_array('SELECT requests FROM api_keys WHERE ' . db_key() . ' = ?',
                            undef, shift))[0];
}
# the children of a graceful restart exit once idle: their flush follows
sub requests_become {
    my($key, $want) = @_;
    my $got;
    for (1 .. 150) { $got = requests($key); return $got if $got == $want; sleep 0.1 }
    return $got;
}
sub log_has {
    my($name, $re) = @_;
    open my $fh, '<', node_log($name) or return 0;
    return scalar grep { /$re/ } <$fh>;
}

my $domain = 'counter.example.org';
my $id = create_account(uniq('kc'), $domain, 'Counter');
my $key = create_api_key($id);

# --- graceful restart, then stop: exact ------------------------------------------
my $A = start_node('a1', extra => $EXTRA);
is(use_key($A, $key, 5), '200 x 5', 'node A: five uses of a key, 200');
is(requests($key), 1, '... the first is written at once, the others wait');
ok(dbh()->selectrow_array('SELECT last_used_at FROM api_keys WHERE ' . db_key() . ' = ?',
                          undef, $key), '... last_used_at set by the first');
node_ctl('a1', 'graceful');
is(requests_become($key, 5), 5, 'graceful restart: the five are written');
node_wait('a1');
is(use_key($A, $key, 3), '200 x 3', 'after the restart: three more');
stop_node('a1');
is(requests($key), 8, 'stop: exactly eight');

# --- two nodes add up --------------------------------------------------------------
$A = start_node('a2', extra => $EXTRA);
my $B = start_node('b2', extra => $EXTRA);
is(use_key($A, $key, 4) . ' ' . use_key($B, $key, 6), '200 x 4 200 x 6',
   'four uses on A, six on B');
stop_node('a2');
stop_node('b2');
is(requests($key), 18, 'both nodes stopped: 8 + 4 + 6, additive');

# --- expiry on the freshest last use ------------------------------------------------
$A = start_node('a3', extra => $EXTRA);
my $exp = create_api_key($id, expires => 1, last_used_at => utc_ts(-30));
is(use_key($A, $exp, 1), '200 x 1', 'a key used 30 s ago, expiring after 1 min: 200');
# the database's value goes stale (as when a newer use still waits in another
# node's memory or this one's): the use counted here still keeps it fresh
dbh()->do('UPDATE api_keys SET last_used_at = ? WHERE ' . db_key() . ' = ?', undef,
          utc_ts(-120), $exp);
is(use_key($A, $exp, 1), '200 x 1', 'stored last use 2 min old, the one counted here fresh: 200');
my $old = create_api_key($id, expires => 1, last_used_at => utc_ts(-120));
is(use_key($A, $old, 1), '401 x 1', 'last use 2 min old everywhere: 401');

# --- a refusal counts nothing -------------------------------------------------------
my $bound = create_api_key($id, ip => '192.0.2.1');
is(use_key($A, $bound, 3), '401 x 3', 'a key bound to another address: 401');
my $bid = create_account(uniq('kcb'), $domain, undef, blocked => 1);
my $blocked = create_api_key($bid);
is(use_key($A, $blocked, 3), '403 x 3', 'a blocked account\'s key: 403');
is(use_key($A, 'no-such-key-' . random_token(20), 2), '401 x 2', 'an unknown key: 401');
stop_node('a3');
is(requests($old) . ' ' . requests($bound) . ' ' . requests($blocked), '0 0 0',
   'after the stop: the refused keys counted nothing');
is(requests($exp), 2, '... the fresh one counted its two uses');
is(log_has('a1', qr/LP0903/) + log_has('a2', qr/LP0903/) + log_has('b2', qr/LP0903/)
   + log_has('a3', qr/LP0903/), 0, 'no use lost at exit (LP0903)');
