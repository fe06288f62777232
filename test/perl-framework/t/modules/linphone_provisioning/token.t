# GET /provisioning/{provisioning_token}: the account document, activation,
# consumption.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 31;

my $domain = 'example.org';
my $ua     = 'Linphone-Test/1.0 (Apache::Test)';

# --- an account with two passwords ----------------------------------------
my $user = uniq('alice');
my $md5  = ha1('MD5', $user, $domain, 'secret');
my $sha  = ha1('SHA-256', $user, $domain, 'secret');
my $id   = create_account($user, $domain, 'Alice Liddell',
                          passwords => [[$md5, 'MD5'], [$sha, 'SHA-256']]);
my $token = create_provisioning_token($id);

my $res = hget("/provisioning/$token", lp_header, 'User-Agent' => $ua);
status_is($res, 200, 'valid token: 200');
like($res->header('Content-Type') // '', qr{^application/xml}, 'Content-Type application/xml');
like($res->header('Cache-Control') // '', qr/\bno-store\b/, 'Cache-Control: no-store');

my $doc = parse_doc($res);
ok($doc, 'document is well-formed XML') or diag($@);
SKIP: {
    skip 'no document', 6 unless $doc;
    is_deeply([doc_sections($doc)],
              ['sip', 'misc', 'proxy_0', 'auth_info_0', 'auth_info_1'],
              'sections: rc, then proxy_0, then one auth_info_N per password');
    is(doc_entry($doc, 'proxy_0', 'reg_identity'),
       qq{"Alice Liddell" <sip:$user\@$domain>}, 'proxy_0/reg_identity');
    my %by_algo = map { my $e = section_entries($doc, $_); ($e->{algorithm} // '?') => $e }
                  qw(auth_info_0 auth_info_1);
    is_deeply($by_algo{MD5},
              { username => $user, domain => $domain, ha1 => $md5,
                realm => $domain, algorithm => 'MD5' },
              'auth_info for the MD5 password (realm = account domain)');
    is_deeply($by_algo{'SHA-256'},
              { username => $user, domain => $domain, ha1 => $sha,
                realm => $domain, algorithm => 'SHA-256' },
              'auth_info for the SHA-256 password');
    is(doc_entry($doc, 'misc', 'some'), 'value', 'rc entries still there');
    unlike($res->content, qr/\bsecret\b/, 'no clear password in the document');
}

my $acc = fetch_account($id);
is($acc->{activated}, 1, 'account activated');
my $row = fetch_provisioning_token($token);
is($row->{used}, 1, 'token marked used');
like($row->{ip} // '', loopback_ip, 'token ip filled with the client address');
is($row->{user_agent}, $ua, 'token user_agent filled');
is(scalar @{ fetch_passwords($id) }, 2, 'passwords untouched without reset_password');

# The audit line of a change: at info, the account, the client IP and the
# user agent (the only line that may hold a user agent: zz_errorlog.t).
my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $lfh, '<', $log or die "$log: $!";
my @logged = grep { /LP0301: / && /\Q$user\E/ && /127\.0\.0\.1/ && /\Q$ua\E/ } <$lfh>;
close $lfh;
ok(scalar @logged, 'LP0301 names the account, the client IP and the user agent');

$res = hget("/provisioning/$token", lp_header);
status_is($res, 404, 'second use of the token: 404');
ok(is_plain_error($res), '404 body is short plain text') or diag($res->as_string);

# --- no display name ---------------------------------------------------------
my $bob = uniq('bob');
$id = create_account($bob, $domain, undef,
                     passwords => [[ha1('SHA-256', $bob, $domain, 'x'), 'SHA-256']]);
$doc = parse_doc(hget('/provisioning/' . create_provisioning_token($id), lp_header));
is($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') : undef,
   "<sip:$bob\@$domain>", 'reg_identity without display name');

# --- a clear-text password ---------------------------------------------------
my $carol = uniq('carol');
$id = create_account($carol, $domain, 'Carol', passwords => [['cleartext9', 'CLRTXT']]);
$doc = parse_doc(hget('/provisioning/' . create_provisioning_token($id), lp_header));
is_deeply($doc ? section_entries($doc, 'auth_info_0') : undef,
          { username => $carol, domain => $domain, passwd => 'cleartext9',
            realm => $domain },
          'CLRTXT password: passwd entry, no ha1, no algorithm');
is($doc ? scalar(() = doc_sections($doc)) : 0, 4, 'one auth_info section for one password');

# --- LinphoneProvisioningRealm (lp_md5 sets test.realm) -------------------------
Apache::TestRequest::module('lp_md5');
my $dave = uniq('dave');
my $dave_ha1 = ha1('MD5', $dave, 'test.realm', 'pw');
$id = create_account($dave, $domain, 'Dave', passwords => [[$dave_ha1, 'MD5']]);
$res = hget('/provisioning/' . create_provisioning_token($id), lp_header);
status_is($res, 200, 'lp_md5: valid token 200');
$doc = parse_doc($res);
is($doc ? doc_entry($doc, 'auth_info_0', 'realm') : undef, 'test.realm',
   'realm = LinphoneProvisioningRealm when set');
is($doc ? doc_entry($doc, 'auth_info_0', 'ha1') : undef, $dave_ha1, 'stored ha1 served as is');
Apache::TestRequest::module('default');

# --- User-Agent longer than the column: cut to 255 characters on a UTF-8
# boundary.  The test accepts a cut by characters (<= 255 characters) or by
# bytes (<= 255 bytes); both must be a prefix and valid UTF-8.
my $erin = uniq('erin');
$id = create_account($erin, $domain, 'Erin');
$token = create_provisioning_token($id);
my $long_ua = "Linphone/5.3 " . ("\x{20AC}" x 300);   # euro sign: 3 bytes each
$res = hget("/provisioning/$token", lp_header, 'User-Agent' => utf8($long_ua));
status_is($res, 200, 'long multibyte User-Agent: 200');
$row = fetch_provisioning_token($token);
my $stored = $row->{user_agent} // '';
my $chars  = eval { Encode::decode('UTF-8', $stored, Encode::FB_CROAK() | Encode::LEAVE_SRC()) };
ok(defined $chars, 'stored user_agent is valid UTF-8 (cut on a character boundary)')
    or diag(sprintf 'stored %d bytes, ends with %s', length $stored,
            unpack('H*', substr($stored, -4)));
$chars //= '';
ok(length($chars) <= 255, 'stored user_agent has at most 255 characters');
ok(length($chars) >= 80 && substr($long_ua, 0, length $chars) eq $chars,
   'stored user_agent is a (non-trivial) prefix of the one sent');

# --- an account without passwords: proxy_0 only ------------------------------
my $fay = uniq('fay');
$id = create_account($fay, $domain, 'Fay');
$doc = parse_doc(hget('/provisioning/' . create_provisioning_token($id), lp_header));
is_deeply($doc ? [doc_sections($doc)] : undef, ['sip', 'misc', 'proxy_0'],
          'no passwords: no auth_info section');

# --- a token whose account is already activated stays valid ---------------------
my $gus = uniq('gus');
$id = create_account($gus, $domain, 'Gus', activated => 1);
$res = hget('/provisioning/' . create_provisioning_token($id), lp_header);
status_is($res, 200, 'already activated account: 200');
is(fetch_account($id)->{activated}, 1, 'still activated');
