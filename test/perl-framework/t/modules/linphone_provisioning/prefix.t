# The service under a prefix: <Location /sip/provisioning> (lp_prefix).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 12;

Apache::TestRequest::module('lp_prefix');
my $hostport = Apache::TestRequest::hostport();
my $domain   = 'example.org';

my $res = hget('/sip/provisioning', lp_header);
status_is($res, 200, 'GET /sip/provisioning: 200 (no redirect)');
my $doc = parse_doc($res);
is($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') : undef,
   "http://$hostport/sip/contacts/vcard", 'contacts-vcard-list keeps the prefix');

$res = hget('/sip/provisioning/', lp_header);
status_is($res, 200, 'GET /sip/provisioning/: 200 (no redirect)');
$doc = parse_doc($res);
is($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') : undef,
   "http://$hostport/sip/contacts/vcard", '... same vcard URL with the trailing slash');

status_is(hget('/sip/provisioning'), 400, 'header still required under the prefix');

my $user = uniq('pfx');
my $id   = create_account($user, $domain, 'Prefixed');
my $t    = create_provisioning_token($id);
$res = hget("/sip/provisioning/$t", lp_header);
status_is($res, 200, 'GET /sip/provisioning/{token}: 200');
$doc = parse_doc($res);
is($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') : undef,
   qq{"Prefixed" <sip:$user\@$domain>}, 'account document under the prefix');
is(fetch_provisioning_token($t)->{used}, 1, 'token consumed');
status_is(hget("/sip/provisioning/$t", lp_header), 404, 'second use under the prefix: 404');

my $at = create_auth_token($id);
$res = hget("/sip/provisioning/auth_token/$at");
status_is($res, 200, 'GET /sip/provisioning/auth_token/{t}: 200');
ok(!defined fetch_auth_token($at), 'auth token deleted');

status_is(hget('/sip/provisioning/' . random_token(), lp_header), 404,
          'unknown token under the prefix: 404');
