# misc/contacts-vcard-list: from the request by default,
# LinphoneProvisioningBaseURL (lp_baseurl), LinphoneProvisioningVcardListURL
# none (lp_novcard).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 9;

my $hostport = Apache::TestRequest::hostport();
my $doc = parse_doc(hget('/provisioning', lp_header));
is($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') : undef,
   "http://$hostport/contacts/vcard", 'default: the request\'s scheme, host and port');

# Apache builds the URL from the Host header (UseCanonicalName Off).
my($port) = $hostport =~ /:(\d+)$/;
$doc = parse_doc(hget('/provisioning', lp_header, Host => "sip.test.invalid:$port"));
is($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') : undef,
   "http://sip.test.invalid:$port/contacts/vcard", 'default follows the Host header');

Apache::TestRequest::module('lp_baseurl');
my $res = hget('/provisioning', lp_header);
status_is($res, 200, 'lp_baseurl: 200');
$doc = parse_doc($res);
is($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') : undef,
   'https://sip.example.org/contacts/vcard', 'BaseURL: {base}/contacts/vcard');
my @v = $doc ? doc_entries($doc, 'misc', 'contacts-vcard-list') : ();
is(scalar @v, 1, 'exactly one contacts-vcard-list entry');

Apache::TestRequest::module('lp_novcard');
$res = hget('/provisioning', lp_header);
status_is($res, 200, 'lp_novcard: 200');
$doc = parse_doc($res);
@v = $doc ? doc_entries($doc, 'misc', 'contacts-vcard-list') : ();
is(scalar @v, 0, 'VcardListURL none: no contacts-vcard-list entry');
is($doc ? doc_entry($doc, 'misc', 'some') : undef, 'value', 'other misc entries kept');
my @any = $doc ? grep { $_->getAttribute('name') eq 'contacts-vcard-list' } all_entries($doc) : ();
is(scalar @any, 0, 'and none in any other section');
