# Base document: GET /provisioning (no account).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 19;

my $hostport = Apache::TestRequest::hostport();

# Header missing: 400, short plain-text body.
my $res = hget('/provisioning');
status_is($res, 400, 'no x-linphone-provisioning header: 400');
ok(is_plain_error($res), '400 body is short plain text')
    or diag($res->as_string);

# Presence only: any value counts, even "0".
$res = hget('/provisioning', 'x-linphone-provisioning' => '0');
status_is($res, 200, 'header with value "0" counts as present');

$res = hget('/provisioning', lp_header);
status_is($res, 200, 'GET /provisioning: 200');
like($res->header('Content-Type') // '', qr{^application/xml}, 'Content-Type application/xml');
ok(!defined $res->header('Location'), 'no Location header');

my $doc = parse_doc($res);
ok($doc, 'document is well-formed XML') or diag($@);
SKIP: {
    skip 'no document', 8 unless $doc;
    my $root = $doc->documentElement;
    is($root->localname, 'config', 'root element is config');
    is($root->namespaceURI // '', LP_NS, 'root namespace is lpconfig.xsd');
    is_deeply([doc_sections($doc)], ['sip', 'misc'],
              'rc sections in file order, nothing else');
    is_deeply(section_entries($doc, 'sip'), { default_proxy => '0' },
              'sip section from the rc file (comments skipped)');
    is(doc_entry($doc, 'misc', 'some'), 'value', 'misc/some from the rc file');
    is(doc_entry($doc, 'misc', 'contacts-vcard-list'),
       "http://$hostport/contacts/vcard",
       'misc/contacts-vcard-list built from the request');
    my @cred = grep { my $n = $_->getAttribute('name'); $n eq 'ha1' || $n eq 'passwd' }
               all_entries($doc);
    is(scalar @cred, 0, 'no ha1/passwd in the base document');
    my @ow = grep { ($_->getAttribute('overwrite') // '') eq 'true' } all_entries($doc);
    is(scalar @ow, 0, 'no overwrite="true" without LinphoneProvisioningOverwriteAll');
}

# Trailing slash: same document, no redirect.
$res = hget('/provisioning/', lp_header);
status_is($res, 200, 'GET /provisioning/: 200, no redirect');
like($res->header('Content-Type') // '', qr{^application/xml}, '/provisioning/ is XML');
$doc = parse_doc($res);
is_deeply($doc ? [doc_sections($doc)] : undef, ['sip', 'misc'],
          '/provisioning/ is the base document');

# Unknown query arguments are ignored.
$res = hget('/provisioning?foo=bar', lp_header);
status_is($res, 200, 'GET /provisioning?foo=bar: 200');
