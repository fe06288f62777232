# The x-linphone-provisioning header: required by default, presence only,
# a refused request changes nothing; LinphoneProvisioningRequireHeader Off.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 16;

my $domain = 'example.org';
my $user   = uniq('hdr');
my $sha    = ha1('SHA-256', $user, $domain, 'pw');
my $id     = create_account($user, $domain, 'Header Test',
                            passwords => [[$sha, 'SHA-256']]);
my $token  = create_provisioning_token($id);

# Missing header: 400 and nothing changes (also with reset_password).
for my $q ('', '?reset_password') {
    my $res = hget("/provisioning/$token$q", 'User-Agent' => 'Crawler/1.0');
    status_is($res, 400, "no header on /provisioning/{token}$q: 400");
    ok(is_plain_error($res), '400 body is short plain text') or diag($res->as_string);
}
my $row = fetch_provisioning_token($token);
is($row->{used}, 0, 'token still unused');
ok(!defined $row->{user_agent} && !defined $row->{ip}, 'token ip/user_agent untouched');
is(fetch_account($id)->{activated}, 0, 'account not activated');
my $pw = fetch_passwords($id);
is_deeply([map { $_->{password} } @$pw], [$sha], 'passwords untouched');

# Header name is case-insensitive, value irrelevant.
my $res = hget("/provisioning/$token", 'X-Linphone-Provisioning' => 'whatever');
status_is($res, 200, 'header in another case and any value: 200');
is(fetch_provisioning_token($token)->{used}, 1, 'token consumed with the header');

# LinphoneProvisioningRequireHeader Off (lp_noheader): no header needed.
Apache::TestRequest::module('lp_noheader');
$res = hget('/provisioning');
status_is($res, 200, 'RequireHeader Off: /provisioning without header 200');
my $doc = parse_doc($res);
is($doc ? doc_entry($doc, 'sip', 'default_proxy') : undef, '0',
   'virtual host inherits LinphoneProvisioningRC');

my $u2 = uniq('hdroff');
$id = create_account($u2, $domain, undef);
$token = create_provisioning_token($id);
$res = hget("/provisioning/$token");
status_is($res, 200, 'RequireHeader Off: token without header 200');
$doc = parse_doc($res);
is($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') : undef, "<sip:$u2\@$domain>",
   'RequireHeader Off: account document');
is(fetch_provisioning_token($token)->{used}, 1, 'RequireHeader Off: token consumed');

# The header stays irrelevant for auth tokens (see auth_token.t); here we
# check that the main server still requires it after the vhost requests.
Apache::TestRequest::module('default');
status_is(hget('/provisioning'), 400, 'main server still requires the header');
