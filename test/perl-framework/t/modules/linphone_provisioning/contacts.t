# The contacts list (handler linphone-contacts at /contacts/vcard): the
# account's own contacts and those of its contacts lists, each once, by
# account id, as vCard 4.0 that another parser (Python's vobject) reads back
# field by field; hostile display names escaped and folded as liblinphone
# reads them; {sip} with and without sip:; 401, 403, 404, 405, HEAD, ETag
# and 304; other auth modules' r->user; a database without the tables.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use Encode ();
use JSON::PP ();
use MIME::Base64 ();
use File::Temp ();
use Digest::SHA ();
use Digest::MD5 ();
use LinphoneTest;

plan tests => 67;

my $domain = 'contacts.example.org';

# --- fixtures ---------------------------------------------------------------
sub create_key {
    my($account, %o) = @_;
    my $key = random_token(40);
    dbh($o{db})->do('INSERT INTO api_keys (account_id, ' . db_key() . ', requests, last_used_at)'
                    . ' VALUES (?, ?, 0, ?)', undef, $account, $key, utc_ts());
    return $key;
}

sub add_contact {
    my($owner, $contact) = @_;
    dbh()->do('INSERT INTO contacts (account_id, contact_id) VALUES (?, ?)',
              undef, $owner, $contact);
}

# a contacts list of @members, attached to $owner; its id
sub add_list {
    my($owner, @members) = @_;
    my $dbh = dbh();
    $dbh->do('INSERT INTO contacts_lists (title, description) VALUES (?, ?)',
             undef, uniq('list'), 'test list');
    my $list = db_insert_id($dbh, 'contacts_lists');
    $dbh->do('INSERT INTO contacts_list_contact (contact_id, contacts_list_id) VALUES (?, ?)',
             undef, $_, $list) for @members;
    $dbh->do('INSERT INTO account_contacts_list (account_id, contacts_list_id) VALUES (?, ?)',
             undef, $owner, $list) if $owner;
    return $list;
}

sub add_type {
    my($account, $key) = @_;
    my $dbh = dbh();
    $dbh->do('INSERT INTO account_types (' . db_key() . ') VALUES (?)', undef, $key);
    my $type = db_insert_id($dbh, 'account_types');
    $dbh->do('INSERT INTO account_account_type (account_id, account_type_id) VALUES (?, ?)',
             undef, $account, $type);
}

sub add_action {
    my($account, $key, $code) = @_;
    dbh()->do('INSERT INTO account_actions (account_id, ' . db_key() . ', code) VALUES (?, ?, ?)',
              undef, $account, $key, $code);
}

# The vCards of a body as another parser reads them: [{fn, impp, version,
# kind, types, actions, dtmf}], or undef with the parser's complaint.
sub vobject {
    my $body = shift;
    my $in = File::Temp->new;
    binmode $in;
    print $in $body;
    close $in;
    my $py = File::Temp->new(SUFFIX => '.py');
    print $py <<'PY';
import sys, json, vobject
data = open(sys.argv[1], 'rb').read().decode('utf-8')
out = []
for c in vobject.readComponents(data, validate=False):
    def vals(name):
        return [x.value for x in c.contents.get(name, [])]
    out.append({'fn': c.fn.value, 'impp': c.impp.value,
                'version': c.version.value, 'kind': c.kind.value,
                'dtmf': vals('x-linphone-account-dtmf-protocol'),
                'types': vals('x-linphone-account-type'),
                'actions': vals('x-linphone-account-action')})
sys.stdout.write(json.dumps(out))
PY
    close $py;
    my $json = `python3 $py $in 2>&1`;
    my $cards = eval { JSON::PP->new->utf8->decode($json) };
    Test::More::diag("vobject: $json") unless $cards;
    return $cards;
}

# every line ends with CRLF and holds at most 75 octets, the whole is UTF-8
sub well_formed {
    my $body = shift;
    return 0 unless $body eq '' || $body =~ /\r\n\z/;
    for my $line (split /\r\n/, $body) {
        return 0 if length($line) > 75 || $line =~ /[\r\n]/;
    }
    my $copy = $body;
    return eval { Encode::decode('UTF-8', $copy, Encode::FB_CROAK); 1 } ? 1 : 0;
}

sub vcard { hget(shift, @_) }
sub u { Encode::decode('UTF-8', shift) }

# --- the owner and its contacts ---------------------------------------------
my $owner = uniq('owner');
my $oid = create_account($owner, $domain, 'Owner',
                         passwords => [[ha1('SHA-256', $owner, $domain, 'pw'), 'SHA-256']]);
my $key = create_key($oid);
my @k = ('x-api-key' => $key);

my $long = "\x{e9}" x 200;                    # 200 two-byte characters
my %names = (
    comma  => 'Doe, John',
    semi   => 'a;b',
    slash  => 'back\\slash',
    nl     => "two\r\nlines\nand\rmore",
    long   => $long,
);
my(%id, %user);
for my $n (qw(direct both listed comma semi slash nl long noname)) {
    $user{$n} = uniq($n);
    my $display = exists $names{$n} ? utf8($names{$n})
                : $n eq 'noname' ? undef : ucfirst $n;
    $id{$n} = create_account($user{$n}, $domain, $display);
}
# direct contacts, a list, an account in both (listed once)
add_contact($oid, $id{$_}) for qw(direct both comma semi slash nl long noname);
add_list($oid, $id{both}, $id{listed});
# a list not attached to the owner, and someone else's contact
my $stranger = create_account(uniq('stranger'), $domain, 'Stranger');
add_list(undef, $stranger);
my $other = create_account(uniq('other'), $domain, 'Other');
add_contact($other, $stranger);

my $dtmf = 'sipinfo';
dbh()->do('UPDATE accounts SET dtmf_protocol = ? WHERE id = ?', undef, $dtmf, $id{direct});
my @types = (uniq('phone'), uniq('door'));
add_type($id{direct}, $_) for @types;
add_action($id{direct}, 'open', '1234#');
add_action($id{direct}, 'light', '5,6');

my $res = vcard('/contacts/vcard', @k);
status_is($res, 200, 'API key, no x-linphone-provisioning: 200');
is($res->header('Content-Type'), 'text/vcard; charset=utf-8', '... text/vcard; charset=utf-8');
like($res->header('Cache-Control') // '', qr/no-store/, '... no-store');
my $etag = $res->header('ETag');
like($etag // '', qr/^"[0-9a-f]{32}"$/, '... with an ETag');
my $body = $res->content;
ok(well_formed($body), '... CRLF lines of at most 75 octets, valid UTF-8');
my @impp = $body =~ /^IMPP:(.*)\r$/mg;
my @order = sort { $id{$a} <=> $id{$b} } qw(direct both listed comma semi slash nl long noname);
is_deeply(\@impp, [map { "sip:$user{$_}\@$domain" } @order],
          'direct and list contacts, each once, by account id, no stranger');

my $cards = vobject($body);
ok($cards, 'vobject reads the list');
$cards ||= [];
is(scalar @$cards, scalar @order, '... every contact');
my %card = map { $_->{impp} => $_ } @$cards;
my $c = $card{"sip:$user{direct}\@$domain"} || {};
is($c->{version}, '4.0', 'VERSION:4.0');
is($c->{kind}, 'individual', 'KIND:individual');
is($c->{fn}, 'Direct', 'FN: the display name');
is_deeply($c->{dtmf}, [$dtmf], 'X-LINPHONE-ACCOUNT-DTMF-PROTOCOL');
is_deeply($c->{types}, \@types, 'X-LINPHONE-ACCOUNT-TYPE, one per type');
is(scalar @{ $c->{actions} || [] }, 2, 'X-LINPHONE-ACCOUNT-ACTION, one per action');
like($body, qr/^X-LINPHONE-ACCOUNT-ACTION:open;1234#\r$/m, '... key;code');
like($body, qr/^X-LINPHONE-ACCOUNT-ACTION:light;5\\,6\r$/m, '... comma escaped in the code');
$c = $card{"sip:$user{both}\@$domain"} || {};
is_deeply([$c->{dtmf}, $c->{types}, $c->{actions}], [[], [], []],
          'no dtmf protocol, types or actions: no such lines');
is(($card{"sip:$user{noname}\@$domain"} || {})->{fn}, "$user{noname}\@$domain",
   'no display name: FN is user@domain');

# hostile display names: what the client reads (vobject unescapes) and the
# raw text (the rule liblinphone needs)
is(($card{"sip:$user{comma}\@$domain"} || {})->{fn}, 'Doe, John', 'comma: read back');
like($body, qr/^FN:Doe\\, John\r$/m, '... written \\,');
is(($card{"sip:$user{semi}\@$domain"} || {})->{fn}, 'a;b', 'semicolon: read back');
like($body, qr/^FN:a;b\r$/m, '... written raw');
is(($card{"sip:$user{slash}\@$domain"} || {})->{fn}, 'back\\slash', 'backslash: read back');
like($body, qr/^FN:back\\\\slash\r$/m, '... written \\\\');
is(($card{"sip:$user{nl}\@$domain"} || {})->{fn}, 'two lines and more',
   'CRLF, LF, CR: one space each');
is(($card{"sip:$user{long}\@$domain"} || {})->{fn}, $long, '200-character UTF-8 name read back whole');
my($fn) = $body =~ /^(FN:\x{c3}\x{a9}(?:.|\r\n )*?)\r\n(?! )/m;
ok($fn && $fn =~ /\r\n /, '... folded');
ok(!grep({ /^ ?[\x80-\xbf]/ } split /\r\n/, $body), '... never inside a character');

# the list after all those: liblinphone drops every vCard after a bad one
is(($cards->[-1] || {})->{impp}, "sip:$user{$order[-1]}\@$domain", 'the last contact is read too');

# --- one contact -----------------------------------------------------------
$res = vcard("/contacts/vcard/$user{listed}\@$domain", @k);
status_is($res, 200, '{sip} without sip: 200');
my @one = $res->content =~ /^IMPP:(.*)\r$/mg;
is_deeply(\@one, ["sip:$user{listed}\@$domain"], '... that contact only');
like($res->header('ETag') // '', qr/^"[0-9a-f]{32}"$/, '... with an ETag');
$res = vcard("/contacts/vcard/sip:$user{comma}\@$domain", @k);
status_is($res, 200, '{sip} with sip: 200');
like($res->content, qr/^FN:Doe\\, John\r$/m, '... that contact');
status_is(vcard("/contacts/vcard/$stranger\@$domain", @k), 404, 'not a contact: 404');
$res = vcard("/contacts/vcard/nobody\@$domain", @k);
status_is($res, 404, 'unknown address: 404');
ok(is_plain_error($res), '... in plain text');
status_is(vcard("/contacts/vcard/$user{listed}\@$domain/x", @k), 404, 'a second segment: 404');

# --- HEAD, ETag and 304 ----------------------------------------------------
$res = Apache::TestRequest::HEAD('/contacts/vcard', @k);
status_is($res, 200, 'HEAD: 200');
is($res->header('ETag'), $etag, '... the same ETag');
is($res->content, '', '... no body');
$res = vcard('/contacts/vcard', @k, 'If-None-Match' => $etag);
status_is($res, 304, 'If-None-Match with the ETag: 304');
is($res->content, '', '... no body');
like($res->header('Cache-Control') // '', qr/no-store/, '... no-store');
status_is(vcard('/contacts/vcard', @k, 'If-None-Match' => qq{"x", W/$etag}), 304,
          '... in a list, weak');
status_is(vcard('/contacts/vcard', @k, 'If-None-Match' => '"other"'), 200, 'another ETag: 200');
dbh()->do('UPDATE accounts SET display_name = ? WHERE id = ?', undef, 'Renamed', $id{listed});
$res = vcard('/contacts/vcard', @k, 'If-None-Match' => $etag);
status_is($res, 200, 'a contact renamed: 200 again');
isnt($res->header('ETag'), $etag, '... with a new ETag');

# --- methods and authentication ---------------------------------------------
$res = hrequest('POST', '/contacts/vcard', @k);
status_is($res, 405, 'POST: 405');
is($res->header('Allow'), 'GET, HEAD', '... Allow: GET, HEAD');
status_is(vcard('/contacts/vcard'), 401, 'no credentials: 401');
status_is(vcard('/contacts-open'), 401, 'no authentication configured: 401');
my $blocked = create_account(uniq('blocked'), $domain, 'Blocked', blocked => 1);
status_is(vcard('/contacts/vcard', 'x-api-key' => create_key($blocked)), 403,
          'blocked account: 403');

# Digest, as liblinphone answers: From, the challenge, the stored HA1
my @from = (From => "sip:$owner\@$domain");
$res = vcard('/contacts/vcard', @from);
status_is($res, 401, 'From, no Authorization: 401');
my($ch) = grep { /algorithm=SHA-256/ } $res->header('WWW-Authenticate');
my %p;
while (($ch // '') =~ /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g) {
    $p{lc $1} = defined $2 ? $2 : $3;
}
my $ha1 = ha1('SHA-256', $owner, $domain, 'pw');
my $cnonce = random_token(16);
my $resp = Digest::SHA::sha256_hex("$ha1:$p{nonce}:00000001:$cnonce:auth:"
                                   . Digest::SHA::sha256_hex('GET:/contacts/vcard'));
$res = vcard('/contacts/vcard', @from, Authorization =>
             qq{Digest username="$owner", realm="$p{realm}", nonce="$p{nonce}", }
             . qq{algorithm="SHA-256", opaque="$p{opaque}", qop=auth, cnonce="$cnonce", }
             . qq{nc=00000001, response="$resp", uri="/contacts/vcard"});
status_is($res, 200, 'Digest answer: 200');
is_deeply([$res->content =~ /^IMPP:(.*)\r$/mg], \@impp, '... the same list');

# Basic through mod_authn_file: r->user mapped as /me does
# (t/conf/htpasswd: "basic@other.example.org", password "secret")
my $bid = ensure_account('basic', 'other.example.org');
add_contact($bid, $id{direct});
$res = vcard('/contacts-basic', Authorization => 'Basic '
             . MIME::Base64::encode_base64('basic@other.example.org:secret', ''));
status_is($res, 200, 'Basic user: 200');
like($res->content, qr/^IMPP:sip:\Q$user{direct}\E\@\Q$domain\E\r$/m, '... its contacts');

# --- a large table: the list is read by index --------------------------------
# MariaDB runs `a.id IN (... UNION ...)` once per account: with a few
# thousand more accounts, one request would read every one of them.  The
# server's index reads (Handler_read_next) over one request tell.
SKIP: {
    skip 'MariaDB only (its handler counters)', 2 unless db_driver() eq 'mysql';
    my $dbh = dbh();
    my $bulk = uniq('bulk');
    my $n = 5000;
    my $ts = utc_ts();
    $dbh->do('INSERT INTO accounts (username, domain, activated, blocked, created_at, updated_at)'
             . ' VALUES ' . join(',', map { "('${bulk}_$_', '$domain', 0, 0, '$ts', '$ts')" } 1 .. $n));
    my $reads = sub {
        my %s = map { @$_ } @{ $dbh->selectall_arrayref(
            q{SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_prev')}) };
        return $s{Handler_read_next} + $s{Handler_read_prev};
    };
    vcard('/contacts/vcard', @k);     # statements prepared, pages read
    my $before = $reads->();
    $res = vcard('/contacts/vcard', @k);
    my $read = $reads->() - $before;
    status_is($res, 200, "$n more accounts: 200");
    cmp_ok($read, '<', 500, "... the list read by index ($read index rows read, not every account)");
}

# --- FlexiAPI's own schema (its column types, foreign keys, collations) ----
Apache::TestRequest::module('lp_flexi');
{
    my $fx = dbh('flexi');
    my $fhost = "contacts-$$.test";
    my $fdomain = "contacts-$$.example.org";
    $fx->do(q{INSERT INTO spaces (domain, host, name, super, created_at, updated_at)
              VALUES (?, ?, ?, FALSE, ?, ?)}, undef,
            $fdomain, $fhost, "Contacts $$", utc_ts(), utc_ts());
    my $fa = sub {
        my($user, $display) = @_;
        $fx->do(q{INSERT INTO accounts (username, domain, display_name, activated, blocked,
                                        ip_address, user_agent, created_at, updated_at)
                  VALUES (?, ?, ?, TRUE, FALSE, '192.0.2.10', 'FlexiAPI', ?, ?)}, undef,
                $user, $fdomain, $display, utc_ts(), utc_ts());
        return db_insert_id($fx, 'accounts');
    };
    my $fo = $fa->(uniq('fxo'), 'Flexi Owner');
    my($f1, $f2) = (uniq('fx1'), uniq('fx2'));
    my $f1id = $fa->($f1, 'Flexi, One');
    my $f2id = $fa->($f2, undef);
    $fx->do('INSERT INTO contacts (account_id, contact_id, created_at, updated_at) VALUES (?, ?, ?, ?)',
            undef, $fo, $f1id, utc_ts(), utc_ts());
    $fx->do('INSERT INTO contacts_lists (title, description, created_at, updated_at) VALUES (?, NULL, ?, ?)',
            undef, uniq('fxlist'), utc_ts(), utc_ts());
    my $fl = db_insert_id($fx, 'contacts_lists');
    $fx->do('INSERT INTO contacts_list_contact (contact_id, contacts_list_id) VALUES (?, ?)',
            undef, $_, $fl) for $f1id, $f2id;
    $fx->do('INSERT INTO account_contacts_list (account_id, contacts_list_id) VALUES (?, ?)',
            undef, $fo, $fl);
    my $ftype = uniq('fxtype');
    $fx->do('INSERT INTO account_types (' . db_key() . ') VALUES (?)', undef, $ftype);
    $fx->do('INSERT INTO account_account_type (account_id, account_type_id) VALUES (?, ?)',
            undef, $f2id, db_insert_id($fx, 'account_types'));
    $fx->do('INSERT INTO account_actions (account_id, ' . db_key() . ', code) VALUES (?, ?, ?)',
            undef, $f2id, 'open', '42');
    $fx->do("UPDATE accounts SET dtmf_protocol = 'rfc2833' WHERE id = ?", undef, $f2id);
    my $fkey = random_token(40);
    $fx->do('INSERT INTO api_keys (account_id, ' . db_key() . ', requests, last_used_at, created_at)'
            . ' VALUES (?, ?, 0, ?, ?)', undef, $fo, $fkey, utc_ts(), utc_ts());
    $res = vcard('/contacts/vcard', Host => $fhost, 'x-api-key' => $fkey);
    status_is($res, 200, 'FlexiAPI schema: 200');
    is_deeply([$res->content =~ /^IMPP:(.*)\r$/mg],
              ["sip:$f1\@$fdomain", "sip:$f2\@$fdomain"], '... direct and list contacts, once');
    like($res->content, qr/^FN:Flexi\\, One\r$/m, '... escaped display name');
    like($res->content, qr/^FN:\Q$f2\E\@\Q$fdomain\E\r\nX-LINPHONE-ACCOUNT-DTMF-PROTOCOL:rfc2833\r\n
                           X-LINPHONE-ACCOUNT-TYPE:\Q$ftype\E\r\nX-LINPHONE-ACCOUNT-ACTION:open;42\r\n
                           END:VCARD\r\n\z/mx, '... dtmf protocol, type and action');
}

# --- a database without the contacts tables ---------------------------------
Apache::TestRequest::module('lp_nocontacts');
my $nuser = uniq('noc');
my $nid = create_account($nuser, 'nocontacts.example.org', 'No Contacts', db => 'nospaces');
$res = vcard('/contacts/vcard', 'x-api-key' => create_key($nid, db => 'nospaces'));
status_is($res, 200, 'no contacts tables: 200');
is($res->content, '', '... an empty list');
my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $fh, '<', $log or die "$log: $!";
ok(scalar(grep { /LP0121: the database of \S+ has no contacts tables/ } <$fh>), '... said in the error log');
