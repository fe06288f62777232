# LinphoneProvisioningSpaces On: Digest, API keys and other auth modules'
# r->user serve only accounts of the request space's domain; another
# space's account gets 403 and nothing is written (its key use not counted,
# its password not reset).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneDigest;

plan tests => 19, need_module 'linphone_test_user';

Apache::TestRequest::module('lp_spaces');
my $dbh = dbh();
my($h1, $h2) = ("s1-$$.auth.test", "s2-$$.auth.test");
my($d1, $d2) = ("s1-$$.example.org", "s2-$$.example.org");
create_space(@$_, custom_provisioning_overwrite_all => 0) for [$d1, $h1], [$d2, $h2];

# the vhost's realm (no account_realm): one HA1 is valid on both hosts, so
# only the space rule tells them apart
my $realm = 'directive.realm';
my $bob = uniq('sb');
my $bid = create_account($bob, $d2, 'Bob',
                         passwords => [[ha1('SHA-256', $bob, $realm, 'pw'), 'SHA-256']]);
my $key = random_token(40);
$dbh->do('INSERT INTO api_keys (account_id, ' . db_key() . ', requests, last_used_at)'
         . ' VALUES (?, ?, 0, NULL)', undef, $bid, $key);
sub requests {
    ($dbh->selectrow_array('SELECT requests FROM api_keys WHERE ' . db_key() . ' = ?',
                           undef, $key))[0];
}
my @from = (From => "sip:$bob\@$d2");

sub digest_on {
    my($host, $uri) = @_;
    $uri //= '/provisioning/me';
    my $c = challenges(hget($uri, lp_header, Host => $host, @from))->{'SHA-256'};
    return hget($uri, lp_header, Host => $host, @from,
                Authorization => authorization(challenge => $c, user => $bob,
                                               password => 'pw', uri => $uri));
}

# --- Digest ---------------------------------------------------------------------
my $res = digest_on($h1);
status_is($res, 403, "Digest on another space's host: 403");
like($res->content, qr/^Account not in this space/, '... says why');
status_is(digest_on($h2), 200, "Digest on the account's own space: 200");
my $ha1 = fetch_passwords($bid)->[0]{password};
status_is(digest_on($h1, '/provisioning/me?reset_password'), 403,
          "reset_password through another space: 403");
is(fetch_passwords($bid)->[0]{password}, $ha1, '... the password is unchanged');

# --- API key --------------------------------------------------------------------
$res = hget('/provisioning/me', lp_header, Host => $h1, 'x-api-key' => $key);
status_is($res, 403, "API key of another space's account: 403");
is(requests(), 0, '... its use is not counted');
$res = hget('/provisioning/me?reset_password', lp_header, Host => $h1, 'x-api-key' => $key);
status_is($res, 403, '... nor does it reset the password');
is(fetch_passwords($bid)->[0]{password}, $ha1, '... unchanged');
$res = hget('/provisioning/me', lp_header, Host => $h2, 'x-api-key' => $key);
status_is($res, 200, 'API key on its own space: 200');
is(requests(), 1, '... counted');

# --- another auth module's r->user --------------------------------------------------
for my $u ("$bob\@$d2", "sip:$bob\@$d2") {
    $res = hget('/provisioning-other/me', lp_header, Host => $h1, 'X-Test-User' => $u);
    status_is($res, 403, "r->user $u on another space's host: 403");
}
$res = hget('/provisioning-other/me', lp_header, Host => $h2, 'X-Test-User' => "$bob\@$d2");
status_is($res, 200, 'r->user on its own space: 200');
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_0', 'username'), $bob, '... the account document');

# --- a space without a domain serves no account -------------------------------------
my $h3 = "s3-$$.auth.test";
create_space('', $h3, custom_provisioning_overwrite_all => 0);
my $nid = create_account(uniq('nd'), '', undef);
my $nkey = random_token(40);
$dbh->do('INSERT INTO api_keys (account_id, ' . db_key() . ', requests, last_used_at)'
         . ' VALUES (?, ?, 0, NULL)', undef, $nid, $nkey);
$res = hget('/provisioning/me', lp_header, Host => $h3, 'x-api-key' => $nkey);
status_is($res, 403, "a space with an empty domain, an account with an empty domain: 403");
is(($dbh->selectrow_array('SELECT requests FROM api_keys WHERE ' . db_key() . ' = ?',
                          undef, $nkey))[0], 0, '... not counted');

# --- a host without a space ---------------------------------------------------------
$res = hget('/provisioning/me', lp_header, Host => "nowhere-$$.test", 'x-api-key' => $key);
status_is($res, 404, 'API key on a host with no space: 404');
is(requests(), 1, '... not counted');
