# GET /provisioning/auth_token/{auth_token}
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 22;

my $domain = 'example.org';
my $user   = uniq('auth');
my $sha    = ha1('SHA-256', $user, $domain, 'pw');
my $id     = create_account($user, $domain, 'Auth Token',
                            passwords => [[$sha, 'SHA-256']]);
my $t = create_auth_token($id);

# No x-linphone-provisioning header needed.
my $res = hget("/provisioning/auth_token/$t");
status_is($res, 200, 'valid auth token without header: 200');
like($res->header('Content-Type') // '', qr{^application/xml}, 'Content-Type application/xml');
like($res->header('Cache-Control') // '', qr/\bno-store\b/, 'Cache-Control: no-store');
my $doc = parse_doc($res);
ok($doc, 'document is well-formed XML') or diag($@);
is($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') : undef,
   qq{"Auth Token" <sip:$user\@$domain>}, 'proxy_0/reg_identity');
is_deeply($doc ? section_entries($doc, 'auth_info_0') : undef,
          { username => $user, domain => $domain, ha1 => $sha, realm => $domain,
            algorithm => 'SHA-256' }, 'auth_info_0');
ok(!defined fetch_auth_token($t), 'auth token row deleted');

$res = hget("/provisioning/auth_token/$t");
status_is($res, 404, 'second use: 404');
ok(is_plain_error($res), '404 body is short plain text') or diag($res->as_string);

# With the header too.
$t = create_auth_token($id);
status_is(hget("/provisioning/auth_token/$t", lp_header), 200, 'with the header: 200 as well');

# Expiry: LinphoneProvisioningAuthTokenExpiry defaults to 5 minutes.
$t = create_auth_token($id, undef, utc_ts(-6 * 60));
status_is(hget("/provisioning/auth_token/$t"), 404, 'auth token older than 5 minutes: 404');
$t = create_auth_token($id, undef, utc_ts(-4 * 60));
status_is(hget("/provisioning/auth_token/$t"), 200, 'auth token 4 minutes old: 200');

# Not attached to an account.
$t = create_auth_token(undef);
$res = hget("/provisioning/auth_token/$t");
status_is($res, 404, 'auth token without account_id: 404');
ok(is_plain_error($res), '404 body is short plain text') or diag($res->as_string);

# Unknown.
status_is(hget('/provisioning/auth_token/' . random_token()), 404, 'unknown auth token: 404');

# An auth token is not a provisioning token and vice versa.
$t = create_auth_token($id);
status_is(hget("/provisioning/$t", lp_header), 404, 'auth token on /provisioning/{token}: 404');
ok(defined fetch_auth_token($t), 'auth token not deleted by the wrong URL');
my $pt = create_provisioning_token($id);
status_is(hget("/provisioning/auth_token/$pt"), 404,
          'provisioning token on /provisioning/auth_token/: 404');

# Blocked account: 403, the auth token is not used up.
my $bid = create_account(uniq('authblk'), $domain, 'Blocked', blocked => 1);
$t = create_auth_token($bid);
$res = hget("/provisioning/auth_token/$t");
status_is($res, 403, 'auth token of a blocked account: 403');
ok(is_plain_error($res), '403 body is short plain text') or diag($res->as_string);
ok(defined fetch_auth_token($t), 'blocked: auth token not deleted');

# An auth token whose account row is gone (SQLite does not enforce the
# foreign key).
SKIP: {
    skip db_driver() . ' enforces the foreign key: no auth token without its account', 1
        unless db_driver() eq 'sqlite3';
    $t = create_auth_token(999_999_999);
    status_is(hget("/provisioning/auth_token/$t"), 404, 'auth token of a missing account: 404');
}
