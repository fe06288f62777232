# HEAD changes nothing anywhere: on the token, auth-token and /me URLs, with
# or without ?reset_password, it answers with the status and headers the
# GET would have had, computed by reads only: the token stays unused, the
# account not activated, the passwords and the auth token as they were.
# Then the GET still provisions.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 35;

my $domain = 'head.example.org';
my $hash   = 'a' x 32;

sub account { create_account(uniq('head'), $domain, 'Head', passwords => [[$hash, 'MD5']], @_) }
sub passwords { [map { $_->{password} } @{ fetch_passwords(shift) }] }
sub api_key {
    my $key = random_token(40);
    dbh()->do('INSERT INTO api_keys (account_id, ' . db_key() . ', requests)'
              . ' VALUES (?, ?, 0)', undef, shift, $key);
    return $key;
}

# one HEAD: the status, no body, and the database unchanged
sub head_ok {
    my($path, $code, $name, @h) = @_;
    my $res = HEAD($path, @h);
    status_is($res, $code, "HEAD $name: $code");
    is($res->content, '', "HEAD $name: no body");
    return $res;
}

# --- provisioning token, with and without reset_password ------------------
for my $q ('', '?reset_password') {
    my $id = account();
    my $t  = create_provisioning_token($id);
    my $res = head_ok("/provisioning/$t$q", 200, "token$q", lp_header);
    like($res->header('Content-Type') // '', qr{^application/xml}, "HEAD token$q: the GET's type");
    my $row = fetch_provisioning_token($t);
    ok(!$row->{used} && !$row->{ip}, "HEAD token$q: token unused");
    is(fetch_account($id)->{activated}, 0, "HEAD token$q: account not activated");
    is_deeply(passwords($id), [$hash], "HEAD token$q: password unchanged");
    my $get = hget("/provisioning/$t$q", lp_header);
    status_is($get, 200, "GET token$q afterwards: 200");
    is($res->header('Content-Length'), $get->header('Content-Length'),
       "HEAD token$q: the GET's Content-Length");
}

# --- the other verdicts ---------------------------------------------------
my $id = account();
my $used = create_provisioning_token($id, undef, 1);
my $t    = create_provisioning_token($id);
head_ok("/provisioning/$used", 404, 'used token', lp_header);
head_ok("/provisioning/$t", 400, 'token without the header');
my $bid = account(blocked => 1);
my $bt  = create_provisioning_token($bid);
head_ok("/provisioning/$bt?reset_password", 403, 'blocked account', lp_header);
{
    Apache::TestRequest::module('lp_expiry');
    my $old = create_provisioning_token(account(), undef, 0, utc_ts(-3600));
    head_ok("/provisioning/$old", 410, 'expired token', lp_header);
    Apache::TestRequest::module('default');
}
is(fetch_provisioning_token($t)->{used}, 0, 'token still unused after the 400');

# --- auth token -----------------------------------------------------------
my $aid = account();
my $at  = create_auth_token($aid);
head_ok("/provisioning/auth_token/$at?reset_password", 200, 'auth token?reset_password');
ok(defined fetch_auth_token($at), 'HEAD auth token: still there');
is_deeply(passwords($aid), [$hash], 'HEAD auth token: password unchanged');
status_is(hget("/provisioning/auth_token/$at"), 200, 'GET auth token afterwards: 200');

# --- /me?reset_password ---------------------------------------------------
my $mid = account(activated => 1);
my $key = api_key($mid);
head_ok('/provisioning/me?reset_password', 200, '/me?reset_password', lp_header,
        'x-api-key' => $key);
is_deeply(passwords($mid), [$hash], 'HEAD /me?reset_password: password unchanged');
my $get = hget('/provisioning/me?reset_password', lp_header, 'x-api-key' => $key);
status_is($get, 200, 'GET /me?reset_password afterwards: 200');
isnt(passwords($mid)->[0], $hash, '... which resets it');
