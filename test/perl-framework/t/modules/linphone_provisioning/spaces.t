# LinphoneProvisioningSpaces On: the Host selects a `spaces` row whose
# settings override the directives, and one document exercises every
# assembly step of SPEC §3 in order.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 21 + 10 + 2;

Apache::TestRequest::module('lp_spaces');
my $a_host = "a-$$.spaces.test";
my $b_host = "b-$$.spaces.test";
my $dbh = dbh();
# FlexiAPI 2.1 has no header flag: the directive (On) requires it in A too
my $v21 = db_generation() eq '2.1';
my @a_header = $v21 ? lp_header : ();
create_space("a-$$.example.org", $a_host, realm => 'realm-a', header => 0,
             custom_provisioning_entries => "[sip]\nfrom_space=a\n[custom]\nk=v\n",
             custom_provisioning_overwrite_all => 1, hide_settings => 1,
             disable_chat_feature => 0, max_account => 3);
create_space("b-$$.example.org", $b_host, custom_provisioning_overwrite_all => 0);

my $res = hget('/provisioning', lp_header, Host => "nowhere-$$.test");
status_is($res, 404, 'unknown host: 404');
like($res->content, qr/^Host not configured/, '... Host not configured');

# --- space A: no header required, realm, custom entries, overwrite-all ------
if ($v21) {
    status_is(hget('/provisioning', Host => $a_host), 400,
              'space A, FlexiAPI 2.1: header required (no flag in the space)');
}
else {
    status_is(hget('/provisioning', Host => $a_host), 200, 'space A: header not required');
}
$res = hget('/provisioning', @a_header, Host => $a_host);
my $doc = parse_doc($res);
is(doc_entry($doc, 'sip', 'from_space'), 'a', 'custom entries merged');
ok(!grep({ $_ eq 'ui' } doc_sections($doc)), 'no ui section on the base document');
ok(!grep({ ($_->getAttribute('overwrite') // '') ne 'true' } all_entries($doc)),
   'overwrite-all from the space');

my $user = uniq('sa');
my $id = create_account($user, "a-$$.example.org", 'Space A',
                        passwords => [['c' x 64, 'SHA-256']]);
my $token = create_provisioning_token($id);
$res = hget("/provisioning/$token?reset_password", @a_header, Host => $a_host);
status_is($res, 200, 'space A: token with reset_password');
$doc = parse_doc($res);
my $pw = fetch_passwords($id);
is(doc_entry($doc, 'auth_info_0', 'realm'), 'realm-a', 'realm from the space');
is($pw->[0]{password}, doc_entry($doc, 'auth_info_0', 'ha1'), 'new HA1 stored');
is(length $pw->[0]{password}, 64, '... a SHA-256 HA1 (with the space realm, below)');
is(doc_entry($doc, 'ui', 'hide_settings'), '1', 'ui flag (boolean) from the space');
is(doc_entry($doc, 'ui', 'disable_chat_feature'), '0', 'ui flag false as 0');
is(doc_entry($doc, 'ui', 'max_account'), '3', 'ui max_account as an integer');
is(scalar(() = doc_entries($doc, 'ui', 'super')), 1, 'each ui flag once');

# every step in order: rc, custom, vcard, ui, proxy_0, auth_info
my @s = doc_sections($doc);
my %pos; @pos{@s} = 0 .. $#s;
ok($pos{sip} < $pos{custom} && $pos{custom} < $pos{ui} && $pos{misc} < $pos{ui}
   && $pos{ui} < $pos{proxy_0} && $pos{proxy_0} < $pos{auth_info_0},
   'sections in SPEC §3 order: ' . join(',', @s));
is(doc_entry($doc, 'sip', 'from_space'), 'a', 'custom entry added to the rc section');

# --- space B: header required, directive realm, no overwrite ----------------
$res = hget('/provisioning', Host => $b_host);
status_is($res, 400, 'space B: header required');
$res = hget('/provisioning', lp_header, Host => $b_host);
status_is($res, 200, 'space B with the header: 200');
$doc = parse_doc($res);
ok(!grep({ ($_->getAttribute('overwrite') // '') eq 'true' } all_entries($doc)),
   'space B: no overwrite');
my $ub = uniq('sb');
my $idb = create_account($ub, "b-$$.example.org", undef, passwords => [['d' x 32, 'MD5']]);
$res = hget('/provisioning/' . create_provisioning_token($idb), lp_header, Host => $b_host);
$doc = parse_doc($res);
is(doc_entry($doc, 'auth_info_0', 'realm'), 'directive.realm',
   'no account_realm: LinphoneProvisioningRealm');

# the space's realm is the HA1's realm: a digest against it succeeds
$dbh->do('UPDATE passwords SET password = ? WHERE account_id = ?', undef,
         ha1('SHA-256', $user, 'realm-a', 'pw'), $id);
$res = hget('/provisioning/me', @a_header, Host => $a_host, From => "sip:$user\@a-$$.example.org");
like(join(' ', $res->header('WWW-Authenticate')), qr/realm="realm-a"/,
     'digest challenge uses the space realm');

# --- an account of space B through space A's host: unknown, nothing written --
my $uc  = uniq('sx');
my $hb  = 'e' x 32;
my $idc = create_account($uc, "b-$$.example.org", undef, passwords => [[$hb, 'MD5']]);
my $tc  = create_provisioning_token($idc);
status_is(hget("/provisioning/$tc?reset_password", lp_header, Host => $a_host), 404,
          "B's token through A's host, with reset_password: 404");
status_is(hget("/provisioning/$tc", lp_header, Host => $a_host), 404,
          "B's token through A's host: 404");
status_is(hget("/provisioning/qrcode/$tc", Host => $a_host), 404,
          "B's token's QR code through A's host: 404");
is(fetch_provisioning_token($tc)->{used}, 0, '... the token is still unused');
is(fetch_account($idc)->{activated}, 0, '... the account not activated');
is_deeply([map { $_->{password} } @{ fetch_passwords($idc) }], [$hb],
          '... the password unchanged');
my $atc = create_auth_token($idc);
status_is(hget("/provisioning/auth_token/$atc", lp_header, Host => $a_host), 404,
          "B's auth token through A's host: 404");
ok(defined fetch_auth_token($atc), '... the auth token still there');
status_is(hget("/provisioning/$tc", lp_header, Host => $b_host), 200,
          "B's token through B's host: 200");
status_is(hget("/provisioning/auth_token/$atc", lp_header, Host => $b_host), 200,
          "B's auth token through B's host: 200");

# --- reset_password in a space without a realm: FlexiAPI 2.1 does not reset
# where the space has no digest configuration; 2.0 resets with the directive's
{
    my $u   = uniq('sr');
    my $old = 'f' x 32;
    my $i   = create_account($u, "b-$$.example.org", undef, passwords => [[$old, 'MD5']]);
    status_is(hget('/provisioning/' . create_provisioning_token($i) . '?reset_password',
                   lp_header, Host => $b_host), 200, 'space B, reset_password: 200');
    my @pw = map { $_->{password} } @{ fetch_passwords($i) };
    if ($v21) {
        is_deeply(\@pw, [$old], '... FlexiAPI 2.1, no digest configuration: password kept');
    }
    else {
        ok(@pw == 1 && $pw[0] ne $old, '... FlexiAPI 2.0: password reset');
    }
}
