# No provisioning URL ever redirects, even when the DocumentRoot holds real
# provisioning/ directories (lp_dirslash) that mod_dir would like to
# "fix" with a trailing slash.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my @paths = ('/provisioning', '/provisioning/', '/sip/provisioning', '/sip/provisioning/');

plan tests => 3 * @paths + 2;

Apache::TestRequest::module('lp_dirslash');
my $hostport = Apache::TestRequest::hostport();

for my $p (@paths) {
    my $res = hget($p, lp_header);
    status_is($res, 200, "GET $p: 200");
    ok(!defined $res->header('Location'), "GET $p: no Location header");
    my $doc = parse_doc($res);
    (my $prefix = $p) =~ s{/provisioning/?$}{};
    is($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') : undef,
       "http://$hostport$prefix/contacts/vcard", "GET $p: the base document");
}

my $id = create_account(uniq('dir'), 'example.org', undef);
my $t  = create_provisioning_token($id);
status_is(hget("/sip/provisioning/$t", lp_header), 200, 'token under a real directory: 200');
is(fetch_provisioning_token($t)->{used}, 1, 'token consumed');
