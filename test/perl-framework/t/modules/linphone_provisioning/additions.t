# The sysadmin's additions (SPEC §6): LinphoneProvisioningEntry literals and
# expressions, merge order server/vhost/Location, LinphoneProvisioningInclude,
# and the C hooks of the sample module, on the base and account documents.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 24;

Apache::TestRequest::module('lp_additions');
my $domain = 'add.example.org';

# --- base document ------------------------------------------------------------
my $res = hget('/provisioning', lp_header);
status_is($res, 200, 'base document: 200');
my $doc = parse_doc($res);
ok($doc, 'well-formed');
is(doc_entry($doc, 'sip', 'default_proxy'), '0', 'literal entry in a literal section');
is(doc_entry($doc, 'sip', 'level'), 'location', 'Location overrides the vhost entry');
is(doc_entry($doc, 'sip', 'only_here'), 'yes', 'Location adds its own entries');
ok(!grep({ $_ eq 'proxy_0' } doc_sections($doc)), 'proxy entries skipped without an account');
is(doc_entry($doc, 'net', 'firewall_policy'), 'ice', 'include merged');
is(doc_entry($doc, 'sip', 'from_include'), '1', 'include adds to an existing section');
like(doc_entry($doc, 'misc', 'config-uri') // '', qr{^http://[^/]+/provisioning/me$},
     'expr entry with request variables');
is(doc_entry($doc, 'sample', 'client') // '', '127.0.0.1', 'sample hook: additional section');

# --- account document ----------------------------------------------------------
my $user = uniq('add');
my $id = create_account($user, $domain, 'Add <&> "User"',
                        passwords => [['a' x 32, 'MD5'], ['b' x 64, 'SHA-256']]);
my $token = create_provisioning_token($id);
$res = hget("/provisioning/$token?x=1", lp_header);
status_is($res, 200, 'account document: 200');
$doc = parse_doc($res);
ok($doc, 'well-formed with a hostile display name');
is(doc_entry($doc, 'proxy_0', 'reg_proxy'), '<sip:sip.example.org;transport=tls>',
   'proxy entry completes proxy_0');
my($cp) = doc_entries($doc, 'proxy_0', 'contact_parameters');
is($cp && $cp->textContent, "$user-$id-x=1", 'expr with LINPHONE_* and QUERY_STRING');
is($cp && $cp->getAttribute('overwrite'), 'true', 'overwrite flag');
is(doc_entry($doc, 'auth_info_0', 'userid'), "$user\@$domain", 'auth entry on auth_info_0');
is(doc_entry($doc, 'auth_info_1', 'userid'), "$user\@$domain", '... and auth_info_1');
is(doc_entry($doc, 'misc', 'display'), '[Add <&> "User"]', 'display name through expr');
is(doc_entry($doc, 'proxy_0', 'sample_proxy'), "<sip:$user\@$domain;sample>",
   'sample hook: proxy');
my @names = map { $_->getAttribute('name') }
            doc_entries($doc, 'proxy_0', 'sample_proxy');
is(scalar @names, 1, '... one sample_proxy: the configured one replaced, not doubled');
my @order = grep { /^(?:sample_proxy|after_sample)$/ }
            map { $_->getAttribute('name') } all_entries($doc);
is_deeply(\@order, ['sample_proxy', 'after_sample'],
          '... in place: still before the entry configured after it');
is(doc_entry($doc, 'auth_info_1', 'sample_auth'), $domain, 'sample hook: auth');
is(doc_entry($doc, 'sample', 'account_id'), $id, 'sample hook: account id');
my @s = doc_sections($doc);
is_deeply([grep { /^(proxy_0|auth_info_\d|sample)$/ } @s],
          ['proxy_0', 'auth_info_0', 'auth_info_1', 'sample'],
          'hook section after the account sections');
