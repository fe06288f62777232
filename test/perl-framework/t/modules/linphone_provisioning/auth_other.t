# /provisioning/me behind other Apache auth modules: r->user is mapped to an
# account (exactly sip:user@domain, user@domain, or a bare name in
# LinphoneProvisioningDomain; never decoded, and the row must match byte for
# byte, whatever the database's collation).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use MIME::Base64 ();
use LinphoneTest;

plan tests => 9 + 1 + 2 * 5 + 2 * 9 + 1, need_module 'linphone_test_user', 'auth_basic', 'authn_file';

my $domain = 'other.example.org';
my $user = uniq('o');
create_account($user, $domain, 'Other', passwords => [['x' x 32, 'MD5']]);

my $res = hget('/provisioning-other/me', lp_header, 'X-Test-User' => "sip:$user\@$domain");
status_is($res, 200, 'r->user sip:user@domain: 200');
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_0', 'username'), $user, '... that account');
$res = hget('/provisioning-other/me', lp_header, 'X-Test-User' => "$user\@$domain");
status_is($res, 200, 'r->user user@domain: 200');
$res = hget('/provisioning-other/me', lp_header, 'X-Test-User' => "ghost\@$domain");
status_is($res, 403, 'no such account: 403');
$res = hget('/provisioning-other/me', lp_header);
status_is($res, 401, 'not authenticated: 401');

# Basic with mod_authn_file: user names fixed by t/conf/htpasswd
# ("basic@other.example.org" and bare "basicbare", password "secret").
ensure_account($_, $domain) for 'basic', 'basicbare';
my $basic = sub { 'Authorization' => 'Basic ' . MIME::Base64::encode_base64(shift, '') };
$res = hget('/provisioning-basic/me', lp_header, $basic->("basic\@$domain:secret"));
status_is($res, 200, 'Basic user@domain: 200');
$res = hget('/provisioning-basic/me', lp_header, $basic->('basicbare:secret'));
status_is($res, 200, 'Basic bare name in LinphoneProvisioningDomain: 200');
$doc = parse_doc($res);
is($doc && doc_entry($doc, 'proxy_0', 'reg_identity'), "<sip:basicbare\@$domain>",
   '... that account');
$res = hget('/provisioning-basic/me', lp_header, $basic->('basicbare:wrong'));
status_is($res, 401, 'Basic wrong password: 401');

# --- names that only look like alice's address ------------------------------
# Whoever can own such a name at an identity provider, in LDAP or in an
# htpasswd file must not get alice's document.
ensure_account('alice', $domain);
$res = hget('/provisioning-basic/me', lp_header, $basic->("alice\@$domain:secret"));
status_is($res, 401, 'no htpasswd user alice@ (the control: only look-alikes exist)');
for my $name ("Eve <alice\@$domain>", "%61lice\@$domain", "alice\@$domain?foo\@bar",
              'alice;x=1@evil.org', "Alice\@$domain") {
    $res = hget('/provisioning-basic/me', lp_header, $basic->("$name:secret"));
    status_is($res, 403, "Basic user '$name': 403");
    $doc = $res->code == 200 ? parse_doc($res) : undef;
    ok(!$doc || doc_entry($doc, 'proxy_0', 'reg_identity') !~ /alice/i,
       "... not alice's document");
}
for my $name ("Bob <sip:alice\@$domain>", "<sip:alice\@$domain>", "%61lice\@$domain",
              "alice\@$domain;transport=tls", 'alice x@evil', "ALICE\@$domain",
              utf8("alic\x{e9}\@$domain"), "alice\@\U$domain", 'sips:alice@' . $domain) {
    $res = hget('/provisioning-other/me', lp_header, 'X-Test-User' => $name);
    status_is($res, 403, "r->user '$name': 403");
    $doc = $res->code == 200 ? parse_doc($res) : undef;
    ok(!$doc || doc_entry($doc, 'proxy_0', 'reg_identity') !~ /alice/i,
       "... not alice's document");
}
$res = hget('/provisioning-other/me', lp_header, 'X-Test-User' => "alice\@$domain");
status_is($res, 200, 'r->user alice@domain itself: 200');
