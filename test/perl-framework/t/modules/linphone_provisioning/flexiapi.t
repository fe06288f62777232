# The module on a database shaped exactly as FlexiAPI's migrations leave it
# (conf/schema/flexiapi-{sqlite3,pgsql,mysql}.sql, loaded into the flexi
# database by test/run-tests.sh; the lp_flexi virtual host, spaces on): extra
# columns, NOT NULL columns the module never writes, foreign keys (an
# account's domain is a space's), booleans as the driver stores them,
# case-insensitive collations on MySQL, api_keys.last_used_at NOT NULL.
# Apache's database account has only the privileges the README lists.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 29;

Apache::TestRequest::module('lp_flexi');
my $dbh    = dbh('flexi');
my $host   = "flexi-$$.test";
my $domain = "flexi-$$.example.org";
my $realm  = 'flexi.realm';
my $ua     = 'Linphone-Flexi/1.0';
my @host   = (Host => $host);

$dbh->do(q{INSERT INTO spaces (domain, host, name, account_realm, super, created_at, updated_at)
           VALUES (?, ?, ?, ?, FALSE, ?, ?)}, undef,
         $domain, $host, "Flexi $$", $realm, utc_ts(), utc_ts());

# as FlexiAPI creates an account: ip_address, user_agent and created_at are
# NOT NULL (the module never writes them)
sub flexi_account {
    my($user, %o) = @_;
    my $old = utc_ts(-3600);
    $dbh->do(q{INSERT INTO accounts (username, domain, display_name, email, activated, blocked,
                                     ip_address, user_agent, created_at, updated_at)
               VALUES (?, ?, ?, NULL, FALSE, } . ($o{blocked} ? 'TRUE' : 'FALSE')
             . q{, '192.0.2.10', 'FlexiAPI', ?, ?)}, undef,
             $user, $domain, $o{display_name}, $old, $old);
    my $id = db_insert_id($dbh, 'accounts');
    for my $pw (@{ $o{passwords} || [] }) {
        $dbh->do('INSERT INTO passwords (account_id, password, algorithm) VALUES (?, ?, ?)',
                 undef, $id, @$pw);
    }
    return $id;
}
sub flexi_token {
    my($id, $token) = @_;
    $token //= random_token(32);
    $dbh->do(q{INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)
               VALUES (?, ?, FALSE, ?, ?)}, undef, $id, $token, utc_ts(), utc_ts());
    return $token;
}
sub row { $dbh->selectrow_hashref(shift, undef, @_) }

# --- a provisioning token -----------------------------------------------------
my $user = uniq('fx');
my $sha  = ha1('SHA-256', $user, $realm, 'secret');
my $id   = flexi_account($user, display_name => 'Flexi User',
                         passwords => [[$sha, 'SHA-256']]);
my $before = row('SELECT updated_at FROM accounts WHERE id = ?', $id)->{updated_at};
my $t = flexi_token($id);
my $res = hget("/provisioning/$t", lp_header, @host, 'User-Agent' => $ua);
status_is($res, 200, 'FlexiAPI schema: provisioning token 200');
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'proxy_0', 'reg_identity'), qq{"Flexi User" <sip:$user\@$domain>},
   '... reg_identity');
is($doc && doc_entry($doc, 'auth_info_0', 'ha1'), $sha, '... the stored HA1');
is($doc && doc_entry($doc, 'auth_info_0', 'realm'), $realm, "... the space's account_realm");
my $row = row('SELECT * FROM provisioning_tokens WHERE token = ?', $t);
is($row->{used}, 1, 'token used');
like($row->{ip} // '', loopback_ip, 'token ip');
is($row->{user_agent}, $ua, 'token user_agent');
like($row->{updated_at} // '', qr/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, 'token updated_at written');
my $acc = row('SELECT * FROM accounts WHERE id = ?', $id);
is($acc->{activated}, 1, 'account activated');
ok(($acc->{updated_at} // '') gt $before, 'account updated_at moved on');
is($acc->{ip_address}, '192.0.2.10', "columns the module does not write are untouched");
status_is(hget("/provisioning/$t", lp_header, @host), 404, 'second use: 404');

# --- exact match, whatever the collation (MySQL's is case-insensitive) ---------
$id = flexi_account(uniq('fxcase'), passwords => [[$sha, 'SHA-256']]);
$t = flexi_token($id, 'CaseTok' . random_token(20));
status_is(hget('/provisioning/' . lc($t), lp_header, @host), 404, 'token in another case: 404');
status_is(hget("/provisioning/$t%20", lp_header, @host), 404, 'token with a trailing space: 404');
is(row('SELECT used FROM provisioning_tokens WHERE token = ?', $t)->{used}, 0,
   '... nothing consumed');
status_is(hget("/provisioning/$t", lp_header, @host), 200, 'the exact token: 200');

# --- reset_password with FlexiAPI's unique (account_id, algorithm) -------------
my $ru = uniq('fxreset');
$id = flexi_account($ru, passwords => [[ha1('MD5', $ru, $realm, 'old'), 'MD5'],
                                       [ha1('SHA-256', $ru, $realm, 'old'), 'SHA-256']]);
$t = flexi_token($id);
$res = hget("/provisioning/$t?reset_password", lp_header, @host);
status_is($res, 200, 'reset_password: 200');
my $pw = $dbh->selectall_arrayref('SELECT * FROM passwords WHERE account_id = ?',
                                  { Slice => {} }, $id);
is(scalar @$pw, 1, '... one passwords row left');
$doc = parse_doc($res);
is($pw->[0]{password}, $doc && doc_entry($doc, 'auth_info_0', 'ha1'),
   '... the HA1 sent is the one stored');

# --- an auth token (FlexiAPI's are 32 characters) ------------------------------
my $at = random_token(32);
$dbh->do('INSERT INTO auth_tokens (account_id, token, created_at, updated_at) VALUES (?, ?, ?, ?)',
         undef, $id, $at, utc_ts(), utc_ts());
status_is(hget("/provisioning/auth_token/$at", @host), 200, 'auth token: 200');
ok(!row('SELECT id FROM auth_tokens WHERE token = ?', $at), '... deleted');

# --- an API key (last_used_at is NOT NULL in FlexiAPI) --------------------------
my $key = random_token(40);
my $used = utc_ts(-600);
$dbh->do('INSERT INTO api_keys (account_id, ' . db_key() . ', last_used_at, requests,'
         . ' expires_after_last_used_minutes, created_at, updated_at) VALUES (?, ?, ?, 0, 60, ?, ?)',
         undef, $id, $key, $used, $used, $used);
$res = hget('/provisioning/me', lp_header, @host, 'x-api-key' => $key);
status_is($res, 200, 'API key on /provisioning/me: 200');
my $k = row('SELECT * FROM api_keys WHERE ' . db_key() . ' = ?', $key);
is($k->{requests}, 1, '... requests counted');
ok(($k->{last_used_at} // '') gt $used, '... last_used_at moved on');
status_is(hget('/provisioning/me', lp_header, @host, 'x-api-key' => uc $key), 401,
          'the key in another case: 401');

# --- a blocked account ------------------------------------------------------------
$id = flexi_account(uniq('fxblk'), blocked => 1);
$t = flexi_token($id);
status_is(hget("/provisioning/$t", lp_header, @host), 403, 'blocked account: 403');
is(row('SELECT used FROM provisioning_tokens WHERE token = ?', $t)->{used}, 0,
   '... token not consumed');

# --- the space decides -------------------------------------------------------------
status_is(hget('/provisioning', @host), 400,
          'provisioning_use_linphone_provisioning_header (default true): 400 without it');
status_is(hget('/provisioning', lp_header, Host => "nowhere-$$.test"), 404,
          'a host without a space: 404');
