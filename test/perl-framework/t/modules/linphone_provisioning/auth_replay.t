# Digest replay protection: a (nonce, nc) is accepted once, also by
# simultaneous requests, and a nonce whose count entry the cache lost is
# stale (the client retries with a fresh nonce), never new.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneDigest;
use LinphoneLoad;

my $CLIENTS = 20;
my $ROUNDS  = 3;
my $FLOOD   = 400;

plan tests => $ROUNDS * 2 + 8;

my $domain = 'replay.example.org';
my $user = uniq('rp');
create_account($user, $domain, undef,
               passwords => [[ha1('SHA-256', $user, $domain, 'pw'), 'SHA-256']]);
my @from = (From => "sip:$user\@$domain");
my %auth = (user => $user, password => 'pw', uri => '/provisioning/me');

sub fresh_challenge {
    return challenges(hget('/provisioning/me', lp_header, @from))->{'SHA-256'};
}

# --- one captured Authorization sent by many clients at once -----------------
for my $round (1 .. $ROUNDS) {
    my $h = authorization(%auth, challenge => fresh_challenge(), nc => $round);
    my $count = race({ @from, Authorization => $h }, ('/provisioning/me') x $CLIENTS);
    is($count->{200}, 1, "round $round: $CLIENTS simultaneous replays, exactly one 200");
    is($count->{other}, $CLIENTS - 1, "round $round: the others refused")
        or diag("404: $count->{404}");
}

# --- a nonce whose count the cache evicted (a tiny shmcb, flooded) -----------
Apache::TestRequest::module('lp_tinynonce');
my $c = fresh_challenge();
ok($c && $c->{nonce}, 'tiny cache: a challenge');
my $res = hget('/provisioning/me', lp_header, @from,
               Authorization => authorization(%auth, challenge => $c));
status_is($res, 200, 'tiny cache: answered at once, 200');

my $victim = fresh_challenge();
# anyone can do this: each challenge stores the counts of its nonces
hget('/provisioning/me', lp_header, From => "sip:flood$_\@$domain") for 1 .. $FLOOD;
$res = hget('/provisioning/me', lp_header, @from,
            Authorization => authorization(%auth, challenge => $victim));
status_is($res, 401, "nonce evicted by $FLOOD challenges: 401, not taken as new");
like(join(' ', $res->header('WWW-Authenticate')), qr/stale=true/, '... with stale=true');
my $again = challenges($res)->{'SHA-256'};
$res = hget('/provisioning/me', lp_header, @from,
            Authorization => authorization(%auth, challenge => $again));
status_is($res, 200, "the client's retry with the stale challenge's nonce: 200");

Apache::TestRequest::module('default');
$res = hget('/provisioning/me', lp_header, @from,
            Authorization => authorization(%auth, challenge => $victim, nc => 2));
status_is($res, 401, 'a nonce of another virtual host (another cache): 401');

# --- the default cache holds many more nonces than one of its sub-caches ---------
# (mod_socache_shmcb picks a sub-cache by the key's first byte, and keeps
# about 150 entries in each: keyed by the nonce as is, whose time digits
# come first, 300 other nonces evicted this one from a default-sized cache;
# keyed by its hex characters, 16 of the 32 sub-caches took every nonce,
# and 2,000 other challenges (4,000 nonces: MD5 and SHA-256) evicted it;
# keyed by its bytes, every one of 64 sub-caches is used, each holding
# about 135 counts: this one's gets some 60 of them)
my $OTHERS = 2000;
my $kept = fresh_challenge();
hget('/provisioning/me', lp_header, From => "sip:other$_\@$domain") for 1 .. $OTHERS;
$res = hget('/provisioning/me', lp_header, @from,
            Authorization => authorization(%auth, challenge => $kept));
status_is($res, 200, "a nonce unused while $OTHERS others were issued: still valid, 200");
unlike(join(' ', $res->header('WWW-Authenticate') // ''), qr/stale/, '... not stale');
