# Whatever the database holds, the document is well-formed XML and the
# display name is a correct SIP quoted-string.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my $domain = 'example.org';

# Display names stored as valid UTF-8: exact reg_identity expected.
my @display = (
    'Say "Hello"',
    'Back\\slash\\',
    '\\"',
    '<b>Bold</b> & Co',
    'CDATA ]]> end',
    '&amp; &lt; &#0;',
    'Éléonore Ünïcödé',
    "Emoji \x{1F600} \x{1F4DE}",
    "Mixed \"é\\\" <&> ]]>",
    "Tab\tand  spaces",
    # SQLite ignores the column's VARCHAR(255); the server drivers hold 255
    'Long ' . ('x' x (db_driver() eq 'sqlite3' ? 10000 : 250)),
);

# Usernames: the auth_info username must round-trip exactly.
my @usernames = (
    'q"uote', 'back\\slash', 'lt<gt>', 'amp&amp', 'cd]]>ata', "ünï\x{1F600}",
);

# Raw bytes (not valid UTF-8) and control characters: only well-formedness
# and the shape of reg_identity are checked.
my @bad_display = (
    [ "Bad\xff\xfeName",        'invalid UTF-8 bytes' ],
    [ "Cut\xc3",                'truncated UTF-8 sequence' ],
    [ "Ctl\x01\x08\x1fX",       'control characters' ],
    [ "Nul\x{0}Byte",           'NUL byte' ],
    [ "Over\xc0\xafLong",       'overlong encoding' ],
    [ "Line\r\nBreak",          'CR LF' ],
    [ "Surrogate\xed\xa0\x80X",  'UTF-8 encoded surrogate' ],
    [ "NonChar\xef\xbf\xbeX",    'U+FFFE (not an XML character)' ],
);

plan tests => 2 * @display + 3 * @usernames + 3 * @bad_display + 3;

# Test names in ASCII (TAP output is bytes).
sub n {
    my $s = shift;
    $s = substr($s, 0, 40) . '...(' . length($s) . ' chars)' if length $s > 60;
    $s =~ s/([^\x20-\x7e])/sprintf '\\x{%x}', ord $1/ge;
    return $s;
}

sub sip_quote { my $s = shift; $s =~ s/(["\\])/\\$1/g; qq{"$s"} }

sub provision {
    my $id  = shift;
    my $res = hget('/provisioning/' . create_provisioning_token($id), lp_header);
    my $doc = $res->code == 200 ? parse_doc($res) : undef;
    diag("status " . $res->code . ($doc ? '' : ", parse error: $@")) unless $doc;
    return $doc;
}

for my $name (@display) {
    my $user = uniq('disp');
    my $id   = create_account($user, $domain, utf8($name));
    my $doc  = provision($id);
    ok($doc, 'well-formed with display name ' . n($name));
    is($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') : undef,
       sip_quote($name) . " <sip:$user\@$domain>", 'reg_identity quoted: ' . n($name));
}

for my $name (@usernames) {
    my $user = uniq('u') . $name;
    my $id   = create_account(utf8($user), $domain, 'Hostile User',
                              passwords => [[ha1('MD5', utf8($user), $domain, 'p'), 'MD5']]);
    my $doc  = provision($id);
    ok($doc, 'well-formed with username ' . n($user));
    is($doc ? doc_entry($doc, 'auth_info_0', 'username') : undef, $user,
       'auth_info username round-trips: ' . n($user));
    like($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') // '' : '',
         qr/^"Hostile User" <sip:.+\@\Q$domain\E>$/s, 'reg_identity shape for ' . n($user));
}

for my $case (@bad_display) {
    my($bytes, $what) = @$case;
    my $user = uniq('bad');
    # PostgreSQL (UTF8) and MariaDB (utf8mb4, strict) refuse to store bytes
    # that are not UTF-8 (and PostgreSQL a NUL): such a name cannot reach
    # the module there.
    my $id = eval { create_account($user, $domain, $bytes) };
    SKIP: {
    skip db_driver() . " refuses to store $what", 3 unless defined $id;
    my $doc  = provision($id);
    ok($doc, "well-formed with $what in the display name");
    my $ri = $doc ? doc_entry($doc, 'proxy_0', 'reg_identity') // '' : '';
    like($ri, qr/^".*" <sip:\Q$user\E\@\Q$domain\E>$/s, "reg_identity shape with $what");
    (my $inner = $ri) =~ s/^"(.*)" <sip:.*$/$1/s;
    ok($inner !~ /(?<!\\)(?:\\\\)*"/, "no unescaped quote inside the display name ($what)");
    }
}

# Hostile rc-like content cannot come from the DB, but a hostile domain can.
my $user = uniq('dom');
my $dom  = 'ex<am>&"ple.org';
my $id   = create_account($user, $dom, undef,
                          passwords => [[ha1('MD5', $user, $dom, 'p'), 'MD5']]);
my $doc  = provision($id);
ok($doc, 'well-formed with a hostile domain');
is($doc ? doc_entry($doc, 'auth_info_0', 'domain') : undef, $dom, 'domain round-trips');
is($doc ? doc_entry($doc, 'auth_info_0', 'realm') : undef, $dom, 'realm (= domain) round-trips');
