# HTTP details of every answer: X-Content-Type-Options on successes and
# errors alike, Vary: Host where the body follows the Host header, a vCard
# list URL with a query, LINPHONE_ME_URL under a prefix, a <LocationMatch>
# and a base URL, the User-Agent stored as valid UTF-8 of at most 255
# characters, and the LINPHONE_REQUEST request line with tokens masked.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Encode ();
use Time::HiRes qw(sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 37;

my $domain = 'example.org';
sub nosniff { ($_[0]->header('X-Content-Type-Options') // '') eq 'nosniff' }

# --- nosniff everywhere -------------------------------------------------------
my $token = random_token();
my %answers = (
    'base document (200)'       => hget('/provisioning', lp_header),
    'missing header (400)'      => hget("/provisioning/$token"),
    'unknown token (404)'       => hget("/provisioning/$token", lp_header),
    'bad route (404)'           => hget('/provisioning/a/b', lp_header),
    'POST (405)'                => hrequest('POST', "/provisioning/$token", lp_header),
    'no credentials (401)'      => hget('/provisioning/me', lp_header),
    'wizard page (200)'         => hget("/wizard/$token"),
    'unknown QR token (404)'    => hget("/provisioning/qrcode/$token"),
    'unknown auth token (404)'  => hget("/provisioning/auth_token/$token"),
);
for my $name (sort keys %answers) {
    ok(nosniff($answers{$name}), "X-Content-Type-Options: nosniff on $name")
        or diag($answers{$name}->as_string);
}
ok(is_plain_error($answers{'no credentials (401)'}), '401 stays plain text');

# --- Vary: Host without a base URL --------------------------------------------
like($answers{'base document (200)'}->header('Vary') // '', qr/\bHost\b/i,
     'base document without BaseURL: Vary: Host');
like($answers{'wizard page (200)'}->header('Vary') // '', qr/\bHost\b/i,
     'wizard page without BaseURL: Vary: Host');
Apache::TestRequest::module('lp_baseurl');
my $res = hget('/provisioning', lp_header);
status_is($res, 200, 'lp_baseurl: base document');
ok(($res->header('Vary') // '') !~ /\bHost\b/i, 'with a BaseURL: no Vary: Host');

# --- a vCard list URL with a query ----------------------------------------------
Apache::TestRequest::module('lp_vcardquery');
$res = hget('/provisioning', lp_header);
status_is($res, 200, 'vCard list URL with a query: the server started and answers');
my $doc = parse_doc($res);
is($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') : undef,
   'https://vcard.example/list?x=1&y=2', 'the URL is used whole');
like($res->content, qr{list\?x=1&amp;y=2<}, '... its & escaped in the XML');

# --- LINPHONE_ME_URL ------------------------------------------------------------------
Apache::TestRequest::module('lp_meurl');
$doc = parse_doc(hget('/sip/provisioning', lp_header));
like($doc ? doc_entry($doc, 'misc', 'config-uri') // '' : '',
     qr{^http://[^/]+/sip/provisioning/me$}, 'LINPHONE_ME_URL under a prefix');
$res = hget('/m%20a%22b/provisioning', lp_header);
status_is($res, 200, '<LocationMatch> location');
$doc = parse_doc($res);
like($doc ? doc_entry($doc, 'misc', 'config-uri') // '' : '',
     qr{^http://[^/]+/m%20a%22b/provisioning/me$},
     'LINPHONE_ME_URL from a <LocationMatch>: the path escaped');
like($doc ? doc_entry($doc, 'misc', 'contacts-vcard-list') // '' : '',
     qr{^http://[^/]+/m%20a%22b/contacts/vcard$},
     'contacts-vcard-list from a <LocationMatch>: the path escaped');
my $user = uniq('meurl');
my $id = create_account($user, $domain, 'Me URL');
$doc = parse_doc(hget('/sip/provisioning/' . create_provisioning_token($id), lp_header));
like($doc ? doc_entry($doc, 'misc', 'config-uri') // '' : '',
     qr{^http://[^/]+/sip/provisioning/me$}, 'LINPHONE_ME_URL in an account document');
Apache::TestRequest::module('lp_meurl_base');
$doc = parse_doc(hget('/sip/provisioning', lp_header));
is($doc ? doc_entry($doc, 'misc', 'config-uri') : undef,
   'https://sip.example.org/base/provisioning/me', 'LINPHONE_ME_URL with a BaseURL');
Apache::TestRequest::module('default');

# --- the User-Agent stored as valid UTF-8, at most 255 characters ---------------
my $F = "\x{FFFD}";
my @agents = (
    ['Latin-1', "Linphone/5.1 (T\xe9l\xe9phone de Ren\xe9)",
     "Linphone/5.1 (T${F}l${F}phone de Ren${F})"],
    ['binary', "bin/\x80\x81\xfe\xff\xc3\x28\xe2\x82\x28\xf0\x90\x28\xbc",
     "bin/${F}${F}${F}${F}${F}(${F}${F}(${F}${F}(${F}"],
    ['300 characters', utf8("\x{E9}\x{20AC}\x{1F600}" x 100),
     "\x{E9}\x{20AC}\x{1F600}" x 85],
);
for my $a (@agents) {
    my($name, $sent, $want) = @$a;
    my $aid = create_account(uniq('ua'), $domain, 'UA');
    my $t = create_provisioning_token($aid);
    status_is(hget("/provisioning/$t", lp_header, 'User-Agent' => $sent), 200,
              "$name User-Agent: 200");
    my $stored = (fetch_provisioning_token($t) || {})->{user_agent} // '';
    my $chars = eval { Encode::decode('UTF-8', $stored, Encode::FB_CROAK() | Encode::LEAVE_SRC()) };
    ok(defined $chars && $chars eq $want, "$name User-Agent stored as the expected valid UTF-8")
        or diag('stored ' . unpack('H*', $stored));
}

# --- LINPHONE_REQUEST: the request line with tokens masked --------------------
my $secret = random_token(40);
hget("/provisioning/$secret");                          # 400
hget("/provisioning/$secret", lp_header);               # 404
hrequest('DELETE', "/provisioning/$secret");            # 405
hget("/provisioning/auth_token/$secret");               # 404
hget("/provisioning/qrcode/$secret?reset_password");    # 404
hget("/wizard/$secret");                                # 200
hget("/provisioning/$secret/x", lp_header);             # 404
my $marker = random_token(12);
hget("/provisioning?$marker", lp_header);               # 200, the last one
my $log = Apache::Test::vars('t_logs') . '/linphone_access_log';
my @lines;
for (1 .. 50) {             # the log line is written after the response
    open my $fh, '<', $log or do { sleep 0.1; next };
    @lines = <$fh>;
    last if grep { /\Q$marker\E/ } @lines;
    sleep 0.1;
}
my $all = join '', @lines;
unlike($all, qr/\Q$secret\E/, 'no token in the LINPHONE_REQUEST log');
for my $want ('GET /provisioning/**** HTTP/1.1 400',
              'GET /provisioning/**** HTTP/1.1 404',
              'DELETE /provisioning/**** HTTP/1.1 405',
              'GET /provisioning/auth_token/**** HTTP/1.1 404',
              'GET /provisioning/qrcode/****?reset_password HTTP/1.1 404',
              'GET /wizard/**** HTTP/1.1 200',
              "GET /provisioning?$marker HTTP/1.1 200") {
    ok(scalar(grep { index($_, $want) == 0 } @lines), "logged: $want")
        or diag($all);
}
