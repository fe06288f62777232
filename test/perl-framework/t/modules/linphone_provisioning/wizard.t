# GET /wizard/{token} (handler linphone-wizard): an HTML5 page whose main
# link is linphone-config:{base}/provisioning/{token}.  No script allowed,
# everything from the request escaped, the token neither checked nor used.
#
# What from the request can reach the page: the token (routing allows only
# [A-Za-z0-9._~-], anything else is a 404) and the host (Apache answers 400
# to a Host header holding quotes or angle brackets).  So escaping is shown
# with the one source of such characters, LinphoneProvisioningBaseURL
# (lp_escape), and the hostile tokens and hosts must never produce a page.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use XML::LibXML;
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my @hostile = ('/wizard', '/wizard/', '/wizard/a/b', '/wizard/me/',
               '/wizard/%3Cscript%3Ealert(1)%3C/script%3E',
               '/wizard/%22onmouseover%3D%22alert(1)', "/wizard/a'b",
               '/wizard/' . ('a' x 256));

plan tests => 27 + 2 * @hostile;

my $CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
my $domain = 'example.org';

# href of the page's main link (parsed: entities decoded), or undef.
sub open_link {
    my $res = shift;
    my $doc = eval { XML::LibXML->load_html(string => $res->content, recover => 2,
                                            suppress_errors => 1) };
    my($a) = $doc ? $doc->findnodes('//a[@class="open"]') : ();
    return $a ? $a->getAttribute('href') : undef;
}

my $hostport = Apache::TestRequest::hostport();
my $id = create_account(uniq('wiz'), $domain, 'Wizard User');
my $t  = create_provisioning_token($id);

my $res = hget("/wizard/$t");
status_is($res, 200, 'GET /wizard/{token}: 200');
is($res->header('Content-Type'), 'text/html; charset=utf-8', 'text/html; charset=utf-8');
is($res->header('Content-Security-Policy'), $CSP, 'Content-Security-Policy: no script');
is($res->header('Cache-Control'), 'no-store', 'Cache-Control: no-store');
is($res->header('Referrer-Policy'), 'no-referrer', 'Referrer-Policy: no-referrer');
my $html = $res->content;
like($html, qr/^<!DOCTYPE html>/, 'HTML5 doctype');
like($html, qr{<title>[^<]*Linphone[^<]*</title>}, 'titled for the Linphone app');
like($html, qr{<meta name="viewport" content="width=device-width[^"]*">},
     'viewport meta: readable on a phone');
is(open_link($res), "linphone-config:http://$hostport/provisioning/$t",
   'main link: linphone-config:{base}/provisioning/{token}');
like($html, qr{<a class="open" href="[^"]*">Open the app</a>}, '"Open the app"');
like($html, qr{<a href="https://www\.linphone\.org/[^"]*">Download Linphone</a>},
     'download link to linphone.org');
unlike($html, qr/<script|\son\w+=/i, 'no script, no event handler');

$res = HEAD("/wizard/$t");
ok($res->code == 200 && $res->content eq '' && $res->header('Content-Security-Policy'),
   'HEAD: 200 with the headers, no body');
$res = hrequest('POST', "/wizard/$t", 'Content-Length' => 0);
status_is($res, 405, 'POST: 405');
ok(($res->header('Allow') // '') =~ /GET.*HEAD/, 'POST: Allow: GET, HEAD');

is(fetch_provisioning_token($t)->{used}, 0, 'the page did not consume the token');
is(fetch_account($id)->{activated}, 0, 'nor activate the account');
(my $path = open_link(hget("/wizard/$t")) // '') =~ s{^linphone-config:http://[^/]+}{};
status_is(hget($path, lp_header), 200, 'the link provisions the account');

# No database lookup: any well-formed token gets its page.
my $unknown = random_token();
$res = hget("/wizard/$unknown");
status_is($res, 200, 'unknown token: 200 all the same');
is(open_link($res), "linphone-config:http://$hostport/provisioning/$unknown",
   'unknown token: its link');

# Hostile paths never give a page, nor echo what they carried.
for my $p (@hostile) {
    $res = hget($p);
    status_is($res, 404, 'GET ' . substr($p, 0, 40) . ': 404');
    ok(is_plain_error($res) && $res->content !~ /<script|onmouseover/,
       'GET ' . substr($p, 0, 40) . ': short plain text, nothing echoed');
}
$res = hget("/wizard/$t", Host => '"><script>alert(1)</script>');
ok($res->code == 400 && $res->content !~ /<script>alert/,
   'Host header with markup: 400 from Apache, not echoed (got ' . $res->code . ')');

# {base} variants.
Apache::TestRequest::module('lp_baseurl');
is(open_link(hget("/wizard/$t")), "linphone-config:https://sip.example.org/provisioning/$t",
   'LinphoneProvisioningBaseURL');

Apache::TestRequest::module('lp_prefix');
my $prefix_hp = Apache::TestRequest::hostport();
is(open_link(hget("/sip/wizard/$t")), "linphone-config:http://$prefix_hp/sip/provisioning/$t",
   '/sip/wizard links to /sip/provisioning');
is(open_link(hget("/wizard/$t")), "linphone-config:http://$prefix_hp/provisioning/$t",
   '/wizard of the same vhost links to /provisioning');

Apache::TestRequest::module('lp_escape');
$res = hget("/wizard/$t");
status_is($res, 200, 'base URL full of HTML specials: 200');
is(open_link($res), qq{linphone-config:https://sip.example.org/a&b'c"d<e>/provisioning/$t},
   'the link, once parsed, is the URL verbatim');
ok(index($res->content, q{a&amp;b'c&quot;d&lt;e&gt;/provisioning}) >= 0
   && $res->content !~ /d<e>/,
   'the markup holds it escaped') or diag($res->content);
