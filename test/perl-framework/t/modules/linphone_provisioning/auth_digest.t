# GET /provisioning/me with AuthType Linphone, Digest (RFC 7616): MD5 and
# SHA-256, HA1 and clear-text passwords, nonce counts, replays, staleness,
# liblinphone's quoting, hostile headers.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneDigest;

plan tests => 48;

my $domain = 'digest.example.org';

sub me { hget(shift // '/provisioning/me', @_) }

# --- an account with a SHA-256 HA1 ------------------------------------------
my $alice = uniq('alice');
my $aid = create_account($alice, $domain, 'Alice',
                         passwords => [[ha1('SHA-256', $alice, $domain, 'pw'),
                                        'SHA-256']]);
my @from = (From => "sip:$alice\@$domain");

my $res = me(undef, lp_header);
status_is($res, 401, 'no credentials, no From: 401');
like($res->content, qr/From header is required/, '... says From is required');
ok(is_plain_error($res), '... in plain text');

$res = me(undef, lp_header, @from);
status_is($res, 401, 'From, no Authorization: 401');
my @lines = $res->header('WWW-Authenticate');
# the configured algorithms whatever the account: a challenge tells nothing
# of which accounts exist or which passwords they have
is(scalar @lines, 2, 'SHA-256-only account: both configured algorithms');
like($lines[0], qr/algorithm=SHA-256(?:,|$)/, 'algorithm unquoted, SHA-256 first');
like($lines[0], qr/qop="auth"/, 'qop quoted');
my $c = challenges($res)->{'SHA-256'};
is($c->{realm}, $domain, 'realm is the account domain');

my %ok = (challenge => $c, user => $alice, password => 'pw',
          uri => '/provisioning/me');
$res = me(undef, lp_header, @from, Authorization => authorization(%ok));
status_is($res, 200, 'SHA-256 digest: 200');
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_0', 'username'), $alice,
   '... the account document');

$res = me(undef, lp_header, @from, Authorization => authorization(%ok));
status_is($res, 401, 'same nonce, same nc again: replay refused');
$res = me(undef, lp_header, @from, Authorization => authorization(%ok, nc => 2));
status_is($res, 200, 'nc + 1: accepted');
$res = me(undef, lp_header, @from, Authorization => authorization(%ok, nc => 2));
status_is($res, 401, 'nc 2 again: refused');

$res = me(undef, lp_header, @from,
          Authorization => authorization(%ok, nc => 3, password => 'bad'));
status_is($res, 401, 'wrong password: 401');
ok(challenges($res)->{'SHA-256'}, '... with a fresh challenge');
$res = me(undef, lp_header, @from,
          Authorization => authorization(%ok, nc => 4, realm => 'other'));
status_is($res, 401, 'wrong realm: 401');
$res = me(undef, lp_header, @from,
          Authorization => authorization(%ok, nc => 5,
                                         challenge => { %$c, opaque => 'x' }));
status_is($res, 401, 'wrong opaque: 401');
$res = me(undef, lp_header, @from,
          Authorization => authorization(%ok, nc => 6,
                                         challenge => { %$c, nonce => '0' x 64 }));
status_is($res, 401, 'forged nonce: 401');
$res = me('/provisioning/me?x=1', lp_header, @from,
          Authorization => authorization(%ok, nc => 7));
status_is($res, 401, 'uri not the request URI: 401');
$res = me('/provisioning/me?x=1', lp_header, @from,
          Authorization => authorization(%ok, nc => 8, uri => '/provisioning/me?x=1'));
status_is($res, 200, 'uri with a query string: 200');
$res = me(undef, @from, Authorization => authorization(%ok, nc => 9));
status_is($res, 400, 'authenticated without x-linphone-provisioning: 400');

# --- MD5 account, clear-text account ----------------------------------------
my $bob = uniq('bob');
create_account($bob, $domain, undef,
               passwords => [[ha1('MD5', $bob, $domain, 'pw'), 'MD5']]);
$res = me(undef, lp_header, From => "<sip:$bob\@$domain>;tag=1");
$c = challenges($res)->{MD5};
ok($c && challenges($res)->{'SHA-256'}, 'MD5 account: challenged with both');
$res = me(undef, lp_header, From => "<sip:$bob\@$domain>;tag=1",
          Authorization => authorization(challenge => $c, user => $bob,
                                         password => 'pw', uri => '/provisioning/me'));
status_is($res, 200, 'MD5 digest (From as a name-addr with params): 200');

my $carol = uniq('carol');
create_account($carol, $domain, undef, passwords => [['clear-pw', 'CLRTXT']]);
$res = me(undef, lp_header, From => "sip:$carol\@$domain");
my $cs = challenges($res);
ok($cs->{MD5} && $cs->{'SHA-256'}, 'clear-text account: MD5 and SHA-256 challenges');
is(scalar(() = $res->header('WWW-Authenticate')), 2, '... on two header lines');
for my $alg ('MD5', 'SHA-256') {
    $res = me(undef, lp_header, From => "sip:$carol\@$domain",
              Authorization => authorization(challenge => $cs->{$alg}, user => $carol,
                                             password => 'clear-pw',
                                             uri => '/provisioning/me'));
    status_is($res, 200, "clear-text password, $alg digest: 200");
}
$doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_0', 'passwd'), 'clear-pw',
   'CLRTXT password sent as passwd');

# --- unknown account, reset_password, blocked --------------------------------
$res = me(undef, lp_header, From => "sip:nobody_$$\@$domain");
status_is($res, 401, 'unknown account: 401');
is(join(',', sort keys %{ challenges($res) }), 'MD5,SHA-256',
   '... challenged like any other');
my $nopw = uniq('nopw');
create_account($nopw, $domain);
$res = me(undef, lp_header, From => "sip:$nopw\@$domain");
is(join(',', sort keys %{ challenges($res) }), 'MD5,SHA-256',
   'account without passwords: challenged like any other');

# byte for byte: MariaDB's utf8mb4_unicode_ci finds alice for ALICE or alicé
for my $look ("\U$alice", utf8("$alice\x{e9}")) {
    my $f = "sip:$look\@$domain";
    $res = me(undef, lp_header, From => $f);
    my $lc = challenges($res)->{'SHA-256'};
    $res = me(undef, lp_header, From => $f,
              Authorization => authorization(challenge => $lc, user => $look,
                                             ha1 => ha1('SHA-256', $alice, $domain, 'pw'),
                                             uri => '/provisioning/me'));
    status_is($res, 401, "From user '$look' with alice's HA1: 401");
    $res = me(undef, lp_header, From => $f,
              Authorization => authorization(challenge => $lc, user => $alice,
                                             ha1 => ha1('SHA-256', $alice, $domain, 'pw'),
                                             uri => '/provisioning/me'));
    status_is($res, 401, "... nor with username alice in the Authorization");
}

$res = me(undef, lp_header, @from);
$c = challenges($res)->{'SHA-256'};
$res = me('/provisioning/me?reset_password', lp_header, @from,
          Authorization => authorization(%ok, challenge => $c,
                                         uri => '/provisioning/me?reset_password'));
status_is($res, 200, 'reset_password on /me: 200');
my $pw = fetch_passwords($aid);
$doc = parse_doc($res);
ok(@$pw == 1 && $doc && doc_entry($doc, 'auth_info_0', 'ha1') eq $pw->[0]{password},
   '... the new HA1 is stored and sent');

my $dave = uniq('dave');
create_account($dave, $domain, undef, blocked => 1,
               passwords => [[ha1('MD5', $dave, $domain, 'pw'), 'MD5']]);
$res = me(undef, From => "sip:$dave\@$domain");
$c = challenges($res)->{MD5};
$res = me(undef, From => "sip:$dave\@$domain",
          Authorization => authorization(challenge => $c, user => $dave,
                                         password => 'pw', uri => '/provisioning/me'));
status_is($res, 403, 'blocked account: 403 (before the header check)');

# --- stale nonce (a vhost with a 1 s lifetime) -------------------------------
Apache::TestRequest::module('lp_shortnonce');
$res = me(undef, lp_header, @from);
$c = challenges($res)->{'SHA-256'};
sleep 3;
$res = me(undef, lp_header, @from, Authorization => authorization(%ok, challenge => $c));
status_is($res, 401, 'expired nonce: 401');
like(join(' ', $res->header('WWW-Authenticate')), qr/stale=true/, '... with stale=true');
Apache::TestRequest::module('default');

# --- hostile headers -----------------------------------------------------------
for my $authz ('Digest', 'Digest ,,,', 'Digest username="x', "Digest username=\"\x01\"",
               'Digest ' . ('a=b,' x 2000), 'Basic Zm9vOmJhcg==') {
    $res = me(undef, lp_header, @from, Authorization => $authz);
    # a control character is refused by Apache itself (400)
    ok($res->code == 401 || $res->code == 400,
       'malformed Authorization: 401 or 400 (' . substr($authz, 0, 20) . ')');
}
$res = me(undef, lp_header, From => 'sip:' . ('x' x 6000) . '@' . $domain);
ok($res->code == 401 || $res->code == 400, 'oversized From: 400 or 401');
$res = me(undef, lp_header, From => "sip:a%zz\@$domain");
is($res->code, 401, 'bad percent-encoding in From: 401');
