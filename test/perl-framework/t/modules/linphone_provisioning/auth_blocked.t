# AuthType Linphone refuses a blocked account in the auth phase itself, for
# every location it protects (not only /me), without counting its API key;
# and an API key from the cookie alone never authorises a state change.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneDigest;

plan tests => 20;

my $domain = 'blocked.example.org';
my $dbh = dbh();

sub create_key {
    my $account = shift;
    my $key = random_token(40);
    $dbh->do('INSERT INTO api_keys (account_id, ' . db_key() . ', requests, last_used_at)'
             . ' VALUES (?, ?, 0, NULL)', undef, $account, $key);
    return $key;
}
sub requests {
    my $key = shift;
    ($dbh->selectrow_array('SELECT requests FROM api_keys WHERE ' . db_key() . ' = ?',
                           undef, $key))[0];
}

my $user = uniq('bl');
my $id = create_account($user, $domain, undef, blocked => 1,
                        passwords => [[ha1('MD5', $user, $domain, 'pw'), 'MD5']]);
my $key = create_key($id);
my $ok_user = uniq('ok');
my $ok_id = create_account($ok_user, $domain, undef,
                           passwords => [[ha1('MD5', $ok_user, $domain, 'pw'), 'MD5']]);
my $ok_key = create_key($ok_id);

# --- a location with another handler behind AuthType Linphone -----------------
my $res = hget('/provisioning-guarded', lp_header, 'x-api-key' => $key);
status_is($res, 403, 'blocked account, API key, another location: 403');
like($res->content, qr/^Account blocked/, '... Account blocked');
ok(is_plain_error($res), '... plain text');
is(requests($key), 0, '... the key use is not counted');
$res = hget('/provisioning-guarded', lp_header, 'x-api-key' => $ok_key);
status_is($res, 200, 'an account that is not blocked: 200');
is(requests($ok_key), 1, '... counted');

my @from = (From => "sip:$user\@$domain");
my $c = challenges(hget('/provisioning-guarded', lp_header, @from))->{MD5};
$res = hget('/provisioning-guarded', lp_header, @from,
            Authorization => authorization(challenge => $c, user => $user, password => 'pw',
                                           uri => '/provisioning-guarded'));
status_is($res, 403, 'blocked account, Digest, another location: 403');
$res = hget('/provisioning/me', 'x-api-key' => $key);
status_is($res, 403, 'and on /me (before the header check)');
is(requests($key), 0, '... not counted either');

# --- the API key cookie and state changes ----------------------------------------------
# RequireHeader Off: a cross-site <img src=".../me?reset_password"> would carry
# the cookie but never the header
Apache::TestRequest::module('lp_noheader');
my $pw = fetch_passwords($ok_id)->[0]{password};
my $n = requests($ok_key);
$res = hget('/provisioning/me?reset_password', Cookie => "x-api-key=$ok_key");
status_is($res, 403, 'cookie key, reset_password, no header (RequireHeader Off): 403');
like($res->content, qr/x-linphone-provisioning/, '... says which header');
is(fetch_passwords($ok_id)->[0]{password}, $pw, '... the password is unchanged');
is(requests($ok_key), $n, '... the key use is not counted');
$res = hget('/provisioning/me?x=1&reset_password=1', Cookie => "x-api-key=$ok_key");
status_is($res, 403, '... nor with reset_password among other arguments');
$res = hget('/provisioning/me', Cookie => "x-api-key=$ok_key");
status_is($res, 200, 'cookie key, no state change, RequireHeader Off: 200');
$res = hget('/provisioning/me?reset_password', lp_header, Cookie => "x-api-key=$ok_key");
status_is($res, 200, 'cookie key, reset_password with the header: 200');
isnt(fetch_passwords($ok_id)->[0]{password}, $pw, '... the password is replaced');
$pw = fetch_passwords($ok_id)->[0]{password};
$res = hget('/provisioning/me?reset_password', 'x-api-key' => $ok_key);
status_is($res, 200, 'key in the x-api-key header (no browser sends it cross-site): 200');
isnt(fetch_passwords($ok_id)->[0]{password}, $pw, '... replaced');
Apache::TestRequest::module('lp_nokey');
$res = hget('/provisioning/me?reset_password', Cookie => "x-api-key=$ok_key");
ok($res->code == 401 || $res->code == 400, 'LinphoneAuthAPIKey Off: the cookie is not looked at');
