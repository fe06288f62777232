# GET /provisioning/me with AuthType Linphone and an API key (header or
# cookie): IP binding, expiry after last use, counters, blocked accounts.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 20;

my $domain = 'apikey.example.org';

sub key_row {
    dbh()->selectrow_hashref('SELECT * FROM api_keys WHERE ' . db_key() . ' = ?',
                             undef, shift);
}

my $user = uniq('k');
my $id = create_account($user, $domain, 'Key User',
                        passwords => [[ha1('MD5', $user, $domain, 'pw'), 'MD5']]);
my $key = create_api_key($id);

my $res = hget('/provisioning/me', lp_header, 'x-api-key' => $key);
status_is($res, 200, 'API key in the header: 200');
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_0', 'username'), $user, '... the account document');
like($res->header('Cache-Control') // '', qr/no-store/, '... not cached');
my $row = key_row($key);
is($row->{requests}, 1, 'requests counted');
ok($row->{last_used_at}, 'last_used_at set');

$res = hget('/provisioning/me', lp_header, Cookie => "x-api-key=$key");
status_is($res, 200, 'API key in a cookie: 200');
is(key_row($key)->{requests}, 1, '... a second use within LinphoneAuthAPIKeyFlushInterval waits (apikey_counter.t)');

$res = hget('/provisioning/me', lp_header, 'x-api-key' => 'nope');
status_is($res, 401, 'unknown key: 401');
like($res->content, qr/^Invalid API Key/, '... Invalid API Key');
ok(is_plain_error($res), '... plain text');

my $bound = create_api_key($id, ip => '192.0.2.1');
$res = hget('/provisioning/me', lp_header, 'x-api-key' => $bound);
status_is($res, 401, 'key bound to another address: 401');
my $here = create_api_key($id, ip => '127.0.0.1');
$res = hget('/provisioning/me', lp_header, 'x-api-key' => $here);
status_is($res, 200, 'key bound to this address: 200');

my $stale = create_api_key($id, expires => 1, last_used_at => utc_ts(-120));
$res = hget('/provisioning/me', lp_header, 'x-api-key' => $stale);
status_is($res, 401, 'unused for longer than its expiry: 401');
my $fresh = create_api_key($id, expires => 10, last_used_at => utc_ts(-120));
$res = hget('/provisioning/me', lp_header, 'x-api-key' => $fresh);
status_is($res, 200, 'used within its expiry: 200');

$res = hget('/provisioning/me', 'x-api-key' => $key);
status_is($res, 400, 'valid key, no x-linphone-provisioning: 400');

my $blocked_user = uniq('kb');
my $bid = create_account($blocked_user, $domain, undef, blocked => 1);
$res = hget('/provisioning/me', 'x-api-key' => create_api_key($bid));
status_is($res, 403, 'blocked account: 403, before the header check');

$res = hget('/provisioning/me?reset_password=1', lp_header, 'x-api-key' => $key);
status_is($res, 200, 'reset_password with an API key: 200');
my $pw = fetch_passwords($id);
ok(@$pw == 1 && $pw->[0]{algorithm} eq 'SHA-256', 'passwords replaced by one SHA-256 row');

$res = hget('/provisioning/me', lp_header);
status_is($res, 401, 'no key and no From: 401');

Apache::TestRequest::module('lp_nokey');
$res = hget('/provisioning/me', lp_header, 'x-api-key' => $key);
status_is($res, 401, 'LinphoneAuthAPIKey Off: the key is not looked at');
