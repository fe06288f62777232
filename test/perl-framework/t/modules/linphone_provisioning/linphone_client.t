# A real Linphone client (liblinphone, through test/linphone-client/lpclient)
# provisions itself from the module: by token over HTTP and HTTPS, with
# ?reset_password (MD5 and SHA-256), then again through /provisioning/me
# with Digest from its stored credentials; and the failures it must see.
# Last, from a FlexiAPI 2.1 database: a space's CardDAV server and the
# account's credentials on it.
#
# The client runs in a private network namespace (only the loopback), so
# this file starts an Apache of its own in that namespace instead of using
# the shared Apache::Test server: see t/lib/LinphoneClient.pm.  It is
# skipped, saying why, when liblinphone-dev is not installed or the
# namespace cannot be made.  linphone_client53.t runs this same file with
# liblinphone 5.3 (use_client): the checks below say where the two differ.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use LinphoneTest;
use LinphoneClient;
use DBI;

# The client's namespace reaches no database server: this file runs in the
# sqlite3 pass of the driver matrix (its SQL is the shared one anyway).
if (db_driver() ne 'sqlite3') {
    plan skip_all => 'runs in the sqlite3 pass: its private network '
                   . 'namespace cannot reach the ' . db_driver() . ' server';
}
if (my $why = client_skip_reason()) {
    plan skip_all => $why;
}
enter_private_netns();      # re-runs this file in the namespace

plan tests => 149;

# 5.3 sends x-linphone-provisioning: the header guard lets it through
my $lp53    = client_version() eq '5.3';

my $dir     = client_dir();
my $top     = Apache::Test::vars('top_dir') . '/../..';
my $mods    = modules_dir();
my $domain  = 'sip.example.org';
my $realm_b = 'client.realm';          # the MD5 host's fixed realm
my $proxy   = '<sip:127.0.0.1:5999;transport=tcp>';
my %port    = (http => 8601, https => 8602, md5 => 8603, guard => 8604,
               ow => 8605, transient => 8606, contacts => 8607,
               contacts_tls => 8608, defaults => 8609,
               rcproxy => 8610, flexi21 => 8611);
my $log     = "$dir/access.log";
my $db      = $lp53 ? 'client53' : 'client';
# the MPM test/run-tests.sh was asked for (LP_TEST_MPM), as for the suite
my($mpm)    = ($ENV{LP_TEST_MPM} || 'event') =~ /^(event|worker|prefork)$/;
$mpm      ||= 'event';

# --- databases: a fresh t/db/NAME.sqlite from a shipped schema -------------
sub fresh_db {
    my($name, $schema) = @_;
    my $f = db_file($name);
    unlink $f, "$f-wal", "$f-shm", "$f-journal";
    open my $fh, '<', "$top/conf/schema/$schema" or die "schema: $!";
    my $sql = do { local $/; <$fh> };
    my $h = DBI->connect("dbi:SQLite:dbname=$f", '', '',
                         { RaiseError => 1, PrintError => 0 });
    $h->{sqlite_allow_multiple_statements} = 1;
    $h->do($sql);
    $h->disconnect;
    return $f;
}
my $file = fresh_db($db, 'sqlite3.sql');
# FlexiAPI 2.1's schema, spaces on (host 127.0.0.1)
my $file21 = fresh_db('client21', 'flexiapi-2.1-sqlite3.sql');

# --- the base rc: what a real deployment needs for the client to create an
# account from proxy_0: a server address.  liblinphone 5.1 takes it from
# [proxy_default_values], 5.3 only from proxy_0 itself: every host but
# `defaults` also gives it through LinphoneProvisioningEntry proxy reg_proxy
# (section g).  No REGISTER, the namespace has no SIP server anyway.
my $rc = "$dir/base.rc";
write_file($rc, <<RC);
# base lpconfig of linphone_client.t
[sip]
default_proxy=0
[proxy_default_values]
reg_proxy=$proxy
reg_sendregister=0
publish=0
RC

# the same with [misc] transient_provisioning=1 (as conf/linphone.rc has)
my $rc_transient = "$dir/transient.rc";
write_file($rc_transient, <<RC);
[sip]
default_proxy=0
[proxy_default_values]
reg_proxy=$proxy
reg_sendregister=0
publish=0
[misc]
transient_provisioning=1
RC

# the server in a proxy_0 of the base rc itself: the base document then
# holds a proxy_0 without identity
my $rc_proxy0 = "$dir/proxy0.rc";
write_file($rc_proxy0, <<RC);
[sip]
default_proxy=0
[proxy_0]
reg_proxy=$proxy
reg_sendregister=0
publish=0
RC

my($ca, $crt, $key) = make_test_ca($dir);

# --- Apache: one host per variant -------------------------------------------
unlink $log, "$dir/error.log";
my $vhosts = '';
for my $v (sort keys %port) {
    my $extra = {
        # liblinphone 5.1 sends no header (5.3 does): on a 2.1 database the
        # directive alone decides
        flexi21 => "LinphoneProvisioningRequireHeader Off\n"
               . "    LinphoneProvisioningSpaces On\n"
               . "    LinphoneProvisioningSpacesCache 0",
        http  => 'LinphoneProvisioningRequireHeader Off',
        https => "LinphoneProvisioningRequireHeader Off\n    SSLEngine on\n"
               . "    SSLCertificateFile $crt\n    SSLCertificateKeyFile $key",
        md5   => "LinphoneProvisioningRequireHeader Off\n"
               . "    LinphoneProvisioningPasswordAlgorithm MD5\n"
               . "    LinphoneProvisioningRealm $realm_b",
        guard => '# the x-linphone-provisioning guard, as by default',
        defaults => "LinphoneProvisioningRequireHeader Off\n"
               . '    # the server only in [proxy_default_values]',
        rcproxy => "LinphoneProvisioningRequireHeader Off\n"
               . "    LinphoneProvisioningRC \"$rc_proxy0\"",
        transient => "LinphoneProvisioningRequireHeader Off\n"
               . "    LinphoneProvisioningRC \"$rc_transient\"",
        contacts => "LinphoneProvisioningRequireHeader Off\n"
               . "    LinphoneProvisioningVcardListURL http://127.0.0.1:$port{contacts}/contacts/vcard",
        contacts_tls => "LinphoneProvisioningRequireHeader Off\n"
               . "    LinphoneProvisioningVcardListURL https://127.0.0.1:$port{contacts_tls}/contacts/vcard\n"
               . "    SSLEngine on\n"
               . "    SSLCertificateFile $crt\n    SSLCertificateKeyFile $key",
        ow    => "LinphoneProvisioningRequireHeader Off\n"
               . "    <Location /provisioning/me>\n"
               . "        LinphoneProvisioningOverwriteAll On\n"
               . "    </Location>",
    }->{$v};
    $extra = "LinphoneProvisioningEntry proxy reg_proxy \"$proxy\"\n    $extra"
        unless $v =~ /^(?:defaults|rcproxy)$/;
    $vhosts .= <<VH;
Listen 127.0.0.1:$port{$v}
<VirtualHost 127.0.0.1:$port{$v}>
    ServerName 127.0.0.1
    DBDriver sqlite3
    DBDParams @{[ $v eq 'flexi21' ? $file21 : $file ]}
    $extra
</VirtualHost>
VH
}
my $conf = "$dir/httpd.conf";
write_file($conf, <<CONF);
# Apache of linphone_client.t, inside the client's network namespace
ServerRoot "$dir"
ServerName 127.0.0.1
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir"
ErrorLog "$dir/error.log"
LogLevel info linphone_provisioning:debug
LoadModule mpm_${mpm}_module $mods/mod_mpm_$mpm.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so
LoadModule dbd_module $mods/mod_dbd.so
LoadModule ssl_module $mods/mod_ssl.so
LoadModule linphone_provisioning_module $top/.libs/mod_linphone_provisioning.so
LogFormat "%{local}p|%m|%U%q|%>s|%u|%{From}i|%{x-linphone-provisioning}i|%{Authorization}i|%{User-Agent}i" lpclient
CustomLog "$log" lpclient
DocumentRoot "$dir"

LinphoneProvisioningRC "$rc"
LinphoneProvisioningVcardListURL none
<Location /provisioning>
    SetHandler linphone-provisioning
    # later starts re-fetch through /provisioning/me (SPEC 9)
    LinphoneProvisioningEntry misc config-uri "expr=%{REQUEST_SCHEME}://%{HTTP_HOST}/provisioning/me" overwrite
</Location>
<Location /provisioning/me>
    AuthType Linphone
    AuthName "Linphone provisioning"
    Require valid-user
</Location>
<Location /contacts/vcard>
    SetHandler linphone-contacts
    AuthType Linphone
    AuthName "Linphone provisioning"
    Require valid-user
</Location>

$vhosts
CONF

start_httpd($conf, values %port);

sub url {
    my($v, $path) = @_;
    my $scheme = $v =~ /^(?:https|contacts_tls)$/ ? 'https' : 'http';
    return "$scheme://127.0.0.1:$port{$v}$path";
}

# ===========================================================================
# a. a fresh client provisions by token over HTTP (no header: 5.1 sends none)
my $u_a = uniq('alice');
my $sha_a = ha1('SHA-256', $u_a, $domain, 'secret');
my $id_a = create_account($u_a, $domain, 'Alice Liddell',
                          passwords => [[$sha_a, 'SHA-256']], db => $db);
my $tok_a = create_provisioning_token($id_a, undef, 0, undef, db => $db);
my $rc_a = "$dir/alice.rc";
my $r = run_client(uri => url(http => "/provisioning/$tok_a"), rc_out => $rc_a,
                   name => 'a-http');
like($r->{version} // '', qr/^\Q${\client_version()}\E\./,
     "the client runs liblinphone " . client_version())
    or show($r);
provisioned_ok($r, 'HTTP', user => $u_a, display => 'Alice Liddell',
               ha1 => $sha_a, algorithm => 'SHA-256', realm => $domain,
               config_uri => url(http => '/provisioning/me'));
token_consumed_ok($tok_a, $id_a, 'HTTP');
my @l = logged(1);
is(scalar(grep { $_->{uri} eq "/provisioning/$tok_a" && $_->{status} == 200 } @l),
   1, 'HTTP: one GET of the token URL, answered 200');
if ($lp53) {
    is($l[0]{lphdr}, '1', 'liblinphone 5.3 sends x-linphone-provisioning: 1');
}
else {
    is($l[0]{lphdr}, '-', 'liblinphone 5.1 sends no x-linphone-provisioning header');
}

# a clear-text password reaches the client as passwd, without ha1
my $u_c = uniq('carl');
my $id_c = create_account($u_c, $domain, undef,
                          passwords => [['clear-secret', 'CLRTXT']], db => $db);
my $tok_c = create_provisioning_token($id_c, undef, 0, undef, db => $db);
$r = run_client(uri => url(http => "/provisioning/$tok_c"), name => 'a-clrtxt');
is($r->{status}, 'Successful', 'CLRTXT: Successful') or show($r);
is(ai($r, 'passwd'), 'clear-secret', 'CLRTXT: the client holds the clear password');
is(ai($r, 'ha1'), '', 'CLRTXT: and no ha1');
is(identity_of($r)->{user}, $u_c, 'CLRTXT: identity without display name');
logged(1);

# an account with an MD5 and a SHA-256 password (FlexiAPI often stores
# both): the document carries two auth_info sections for one user; whatever
# the client keeps must be one of them, and it must re-provision with it
my $u_d = uniq('dora');
my @pw_d = ([ha1('MD5', $u_d, $domain, 'secret'), 'MD5'],
            [ha1('SHA-256', $u_d, $domain, 'secret'), 'SHA-256']);
my $id_d = create_account($u_d, $domain, undef, passwords => \@pw_d, db => $db);
my $tok_d = create_provisioning_token($id_d, undef, 0, undef, db => $db);
my $rc_d = "$dir/dora.rc";
$r = run_client(uri => url(http => "/provisioning/$tok_d"), rc_out => $rc_d,
                name => 'a-two-passwords');
is($r->{status}, 'Successful', 'two passwords: Successful') or show($r);
my %db_pw = map { ("$_->[1]:$_->[0]" => 1) } @pw_d;
ok(@{ $r->{auth_infos} }
   && !grep({ !$db_pw{"$_->{algorithm}:$_->{ha1}"} } @{ $r->{auth_infos} }),
   'two passwords: every auth info the client keeps is a database row ('
   . join(', ', map { $_->{algorithm} } @{ $r->{auth_infos} }) . ')');
my $kept_d = $r->{auth_infos}[0] || {};
logged(1);

# ===========================================================================
# b. the same over HTTPS, the client given the throwaway CA
my $u_b = uniq('bob');
my $sha_b = ha1('SHA-256', $u_b, $domain, 'secret');
my $id_b = create_account($u_b, $domain, 'Bob',
                          passwords => [[$sha_b, 'SHA-256']], db => $db);
my $tok_b = create_provisioning_token($id_b, undef, 0, undef, db => $db);

# without the CA the certificate is refused: the check is real
$r = run_client(uri => url(https => "/provisioning/$tok_b"), name => 'b-noca');
is($r->{status}, 'Failed', 'HTTPS without the CA: Failed (certificate refused)')
    or show($r);
ok(!truthy(fetch_provisioning_token($tok_b, db => $db)->{used}),
   'HTTPS without the CA: token not consumed');

my $rc_b = "$dir/bob.rc";
$r = run_client(uri => url(https => "/provisioning/$tok_b"), ca => $ca,
                rc_out => $rc_b, name => 'b-https');
provisioned_ok($r, 'HTTPS', user => $u_b, display => 'Bob', ha1 => $sha_b,
               algorithm => 'SHA-256', realm => $domain,
               config_uri => url(https => '/provisioning/me'));
token_consumed_ok($tok_b, $id_b, 'HTTPS');
@l = logged(1);
is($l[-1]{status}, 200, 'HTTPS: the token URL answered 200');

# ===========================================================================
# c. ?reset_password: the client's ha1 is the new database hash
# SHA-256 (the default algorithm, realm = domain)
my $u_r = uniq('rita');
my $old_r = ha1('SHA-256', $u_r, $domain, 'old');
my $id_r = create_account($u_r, $domain, undef,
                          passwords => [[$old_r, 'SHA-256']], db => $db);
my $tok_r = create_provisioning_token($id_r, undef, 0, undef, db => $db);
my $rc_r = "$dir/rita.rc";
$r = run_client(uri => url(http => "/provisioning/$tok_r?reset_password"),
                rc_out => $rc_r, name => 'c-reset-sha256');
reset_ok($r, $id_r, 'SHA-256', $domain, $old_r, 'reset SHA-256');
logged(1);

# MD5 with a fixed realm that is not the domain
my $u_m = uniq('mallory');
my $old_m = ha1('SHA-256', $u_m, $domain, 'old');
my $id_m = create_account($u_m, $domain, undef,
                          passwords => [[$old_m, 'SHA-256']], db => $db);
my $tok_m = create_provisioning_token($id_m, undef, 0, undef, db => $db);
my $rc_m = "$dir/mallory.rc";
$r = run_client(uri => url(md5 => "/provisioning/$tok_m?reset_password"),
                rc_out => $rc_m, name => 'c-reset-md5');
reset_ok($r, $id_m, 'MD5', $realm_b, $old_m, 'reset MD5');
logged(1);

# ===========================================================================
# d. re-provisioning: a second core started from the resulting rc fetches
# /provisioning/me, sends From, answers the Digest challenge
reprovision_ok($rc_a, 'http', $u_a, 'SHA-256', 'SHA-256 (HTTP)', ha1 => $sha_a);
reprovision_ok($rc_r, 'http', $u_r, 'SHA-256', 'SHA-256 after reset',
               ha1 => fetch_passwords($id_r, db => $db)->[0]{password});
reprovision_ok($rc_m, 'md5', $u_m, 'MD5', "MD5, realm $realm_b",
               ha1 => fetch_passwords($id_m, db => $db)->[0]{password});
reprovision_ok($rc_d, 'http', $u_d, $kept_d->{algorithm} || 'MD5',
               'two passwords', ha1 => $kept_d->{ha1});
reprovision_ok($rc_b, 'https', $u_b, 'SHA-256', 'SHA-256 (HTTPS)',
               ca => $ca, ha1 => $sha_b);

# what a re-fetch changes on the client: a document entry replaces a key the
# client already has only with overwrite="true"
my %later;
for my $v (qw(http ow)) {
    my $u = uniq($v eq 'ow' ? 'olga' : 'nora');
    my $id = create_account($u, $domain, 'Before',
                            passwords => [[ha1('SHA-256', $u, $domain, 's'),
                                           'SHA-256']], db => $db);
    my $tok = create_provisioning_token($id, undef, 0, undef, db => $db);
    my $f = "$dir/$u.rc";
    my $r1 = run_client(uri => url($v => "/provisioning/$tok"), rc_out => $f,
                        name => "d-overwrite-$v");
    logged(1);
    dbh($db)->do('UPDATE accounts SET display_name = ? WHERE id = ?', undef,
                 'After', $id);
    my $r2 = run_client(rc_in => $f, name => "d-overwrite-$v-again");
    logged(2);
    $later{$v} = [$r1, $r2, $f];
}
is($later{http}[1]{status}, 'Successful', 're-fetch without overwrite: Successful')
    or show($later{http}[1]);
is(identity_of($later{http}[1])->{display}, 'Before',
   're-fetch without overwrite: the client keeps its identity');
is($later{ow}[1]{status}, 'Successful', 're-fetch with overwrite: Successful')
    or show($later{ow}[1]);
is(identity_of($later{ow}[1])->{display}, 'After',
   're-fetch with LinphoneProvisioningOverwriteAll On: the new display name');

# transient_provisioning=1 in the document makes the client forget its
# config-uri once provisioned, our /provisioning/me entry included: it never
# fetches again
my $u_t = uniq('tess');
my $id_t = create_account($u_t, $domain, undef,
                          passwords => [[ha1('SHA-256', $u_t, $domain, 's'),
                                         'SHA-256']], db => $db);
my $tok_t = create_provisioning_token($id_t, undef, 0, undef, db => $db);
my $rc_t = "$dir/$u_t.rc";
$r = run_client(uri => url(transient => "/provisioning/$tok_t"), rc_out => $rc_t,
                name => 'd-transient');
is($r->{status}, 'Successful', 'transient_provisioning=1: Successful') or show($r);
is($r->{config_uri}, '', 'transient_provisioning=1: the client dropped config-uri');
logged(1);
$r = run_client(rc_in => $rc_t, name => 'd-transient-again');
is($r->{status}, 'Skipped', 'transient_provisioning=1: no later fetch (Skipped)')
    or show($r);

# ===========================================================================
# e. failures, seen from the client: Failed, never a silent success
# used token: 404
$r = run_client(uri => url(http => "/provisioning/$tok_a"), name => 'e-used');
is($r->{status}, 'Failed', 'used token: Failed') or show($r);
is(scalar @{ $r->{accounts} } + scalar @{ $r->{auth_infos} }, 0,
   'used token: no account, no credentials');
@l = logged(1);
is($l[-1]{status}, 404, 'used token: the server answered 404');

# the guard On (the default): a 5.1 client sends no x-linphone-provisioning,
# 400; 5.3 sends it and is served
my $u_g = uniq('gina');
my $id_g = create_account($u_g, $domain, undef,
                          passwords => [[ha1('SHA-256', $u_g, $domain, 's'),
                                         'SHA-256']], db => $db);
my $tok_g = create_provisioning_token($id_g, undef, 0, undef, db => $db);
$r = run_client(uri => url(guard => "/provisioning/$tok_g"), name => 'e-guard');
@l = logged(1);
if ($lp53) {
    is($r->{status}, 'Successful', 'header guard On, 5.3: Successful') or show($r);
    is(scalar @{ $r->{auth_infos} }, 1, 'header guard On, 5.3: credentials');
    is($l[-1]{status}, 200, 'header guard On, 5.3: the server answered 200');
    ok(truthy(fetch_provisioning_token($tok_g, db => $db)->{used}),
       'header guard On, 5.3: token consumed');
    ok(truthy(fetch_account($id_g, db => $db)->{activated}),
       'header guard On, 5.3: account activated');
}
else {
    is($r->{status}, 'Failed', 'header guard On: Failed') or show($r);
    is(scalar @{ $r->{auth_infos} }, 0, 'header guard On: no credentials');
    is($l[-1]{status}, 400, 'header guard On: the server answered 400');
    ok(!truthy(fetch_provisioning_token($tok_g, db => $db)->{used}),
       'header guard On: token not consumed');
    ok(!truthy(fetch_account($id_g, db => $db)->{activated}),
       'header guard On: account not activated');
}

# the guard On for /provisioning/me too: authenticated, then 400 (5.1) or
# the document (5.3)
$r = run_client(rc_in => $later{http}[2], uri => url(guard => '/provisioning/me'),
                name => 'e-guard-me');
@l = grep { $_->{uri} eq '/provisioning/me' } logged(2);
my $guard_me = $lp53 ? ['Successful', '401 200'] : ['Failed', '401 400'];
is($r->{status}, $guard_me->[0], "header guard On, /provisioning/me: $guard_me->[0]")
    or show($r);
is(join(' ', map { $_->{status} } @l), $guard_me->[1],
   "header guard On, /provisioning/me: $guard_me->[1] (after authentication)");

# stored credentials that no longer match: 401, Failed
dbh($db)->do('UPDATE passwords SET password = ? WHERE account_id = ?', undef,
             ha1('SHA-256', $u_a, $domain, 'changed'), $id_a);
$r = run_client(rc_in => $rc_a, name => 'e-wrong-credentials');
is($r->{status}, 'Failed', 'stale credentials on /provisioning/me: Failed')
    or show($r);
@l = logged(2);
my @me = grep { $_->{uri} eq '/provisioning/me' } @l;
ok(@me && !grep({ $_->{status} != 401 } @me),
   'stale credentials: every answer was 401 (' . scalar(@me) . ' requests)');

# ===========================================================================
# f. the contacts list: right after provisioning by token the client fetches
# misc/contacts-vcard-list, answering the Digest challenge with the
# credentials it just received, into a friend list: every contact is kept,
# hostile names included (liblinphone drops a vCard with a raw comma and
# every one after it)
my $u_o = uniq('olga');
my $sha_o = ha1('SHA-256', $u_o, $domain, 'secret');
my $id_o = create_account($u_o, $domain, 'Olga', passwords => [[$sha_o, 'SHA-256']],
                          db => $db);
my @contacts;
for my $n ('Doe, John', 'a;b', 'back\\slash', "two\r\nlines", "\x{e9}" x 200, undef, 'Listed') {
    my $u = uniq('friend');
    my $fid = create_account($u, $domain, defined $n ? utf8($n) : undef, db => $db);
    push @contacts, { user => $u, name => $n, id => $fid };
}
dbh($db)->do('INSERT INTO contacts (account_id, contact_id) VALUES (?, ?)', undef,
             $id_o, $_->{id}) for @contacts[0 .. $#contacts - 1];
dbh($db)->do("INSERT INTO contacts_lists (title, description) VALUES ('client list', '')");
my $list_id = dbh($db)->last_insert_id(undef, undef, 'contacts_lists', 'id');
dbh($db)->do('INSERT INTO contacts_list_contact (contact_id, contacts_list_id) VALUES (?, ?)',
             undef, $contacts[-1]{id}, $list_id);
dbh($db)->do('INSERT INTO account_contacts_list (account_id, contacts_list_id) VALUES (?, ?)',
             undef, $id_o, $list_id);
my @want_addr = sort map { "sip:$_->{user}\@$domain" } @contacts;
# what the client shows: the vCard text as written (it does not unescape
# \, and \\), a line break as a space, no name: the address
my @want_name = sort map {
    my $n = $_->{name};
    defined $n ? do { (my $t = $n) =~ s/\\/\\\\/g; $t =~ s/,/\\,/g; $t =~ s/\r\n/ /g;
                      utf8($t) }
               : "$_->{user}\@$domain"
} @contacts;
for my $v (qw(contacts contacts_tls)) {
    my $tok = create_provisioning_token($id_o, undef, 0, undef, db => $db);
    $r = run_client(uri => url($v => "/provisioning/$tok"),
                    ca => $v eq 'contacts_tls' ? $ca : undef, contacts => 15,
                    name => "f-$v");
    is($r->{status}, 'Successful', "contacts $v: provisioned") or show($r);
    my @vc = grep { $_->{uri} eq '/contacts/vcard' } logged(3);
    is(join(' ', map { $_->{status} } @vc), '401 200',
       "contacts $v: the client fetched the list, challenged, then 200")
        or diag(explain(\@vc));
    is(($vc[0] || {})->{from}, "sip:$u_o\@$domain", "contacts $v: with From");
    like(($vc[-1] || {})->{authz} // '', qr/^Digest /, "contacts $v: answered with Digest");
    my($fl) = grep { ($_->{list_uri} // '') =~ m{/contacts/vcard$} } @{ $r->{friend_lists} };
    ok($fl, "contacts $v: a friend list of the vCard URL")
        or diag(explain($r->{friend_lists}));
    $fl ||= { friends => [] };
    is_deeply([sort map { my $a = $_->{friend_address} // '';
                          $a =~ s/^.*<(.*)>.*$/$1/; $a } @{ $fl->{friends} }],
              \@want_addr, "contacts $v: every contact's SIP address");
    is_deeply([sort map { $_->{friend_name} // '' } @{ $fl->{friends} }], \@want_name,
              "contacts $v: every contact's name, as the client shows it");
}

# ===========================================================================
# g. the account's server given only in the base rc's [proxy_default_values]
# (conf/linphone.rc's way): 5.1 makes the account from it, 5.3 does not
# (it wants reg_proxy in proxy_0: LinphoneProvisioningEntry proxy reg_proxy)
my $u_p = uniq('pia');
my $id_p = create_account($u_p, $domain, undef,
                          passwords => [[ha1('SHA-256', $u_p, $domain, 's'),
                                         'SHA-256']], db => $db);
my $tok_p = create_provisioning_token($id_p, undef, 0, undef, db => $db);
$r = run_client(uri => url(defaults => "/provisioning/$tok_p"), name => 'g-defaults');
is($r->{status}, 'Successful', 'server in proxy_default_values: Successful') or show($r);
is(scalar @{ $r->{auth_infos} }, 1, 'server in proxy_default_values: credentials');
if ($lp53) {
    is(scalar @{ $r->{accounts} }, 0,
       'server in proxy_default_values only: liblinphone 5.3 makes no account');
}
else {
    is(($r->{accounts}[0] || {})->{server}, $proxy,
       'server in proxy_default_values only: liblinphone 5.1 makes the account');
}
logged(1);

# the server in the base rc's own [proxy_0]: the document's reg_identity
# joins it, and both clients make the account from it; but the base
# document (GET /provisioning, no account) then holds a proxy_0 without
# identity, of which 5.3 makes an empty account (5.1 none)
my $u_q = uniq('quinn');
my $id_q = create_account($u_q, $domain, undef,
                          passwords => [[ha1('SHA-256', $u_q, $domain, 's'),
                                         'SHA-256']], db => $db);
my $tok_q = create_provisioning_token($id_q, undef, 0, undef, db => $db);
$r = run_client(uri => url(rcproxy => "/provisioning/$tok_q"), name => 'g-rc-proxy0');
is($r->{status}, 'Successful', 'server in the rc\'s proxy_0: Successful') or show($r);
is_deeply([map { $_->{server} } @{ $r->{accounts} }], [$proxy],
          'server in the rc\'s proxy_0: one account, with that server');
logged(1);
$r = run_client(uri => url(rcproxy => '/provisioning'), name => 'g-base-document');
is($r->{status}, 'Successful', 'base document with a proxy_0: Successful') or show($r);
is(scalar @{ $r->{accounts} }, $lp53 ? 1 : 0,
   'base document with a proxy_0 without identity: '
   . ($lp53 ? 'liblinphone 5.3 makes an (empty) account of it'
            : 'liblinphone 5.1 makes no account of it'));
is(identity_of($r)->{user}, undef, 'base document with a proxy_0: no identity');
logged(1);

# ===========================================================================
# h. FlexiAPI 2.1: the space's CardDAV server and the account's credentials
# on it (auth_info_0, the account's password auth_info_1)
{
    my $h = dbh('client21');
    my $now = utc_ts();
    $h->do(q{INSERT INTO spaces (domain, host, name, super, created_at) VALUES (?, '127.0.0.1', 'c21', 0, ?)},
           undef, $domain, $now);
    my $space = db_insert_id($h, 'spaces');
    $h->do(q{INSERT INTO space_digest_authentication_configurations (space_id, realm,
             default_password_algorithm) VALUES (?, 'c21.realm', 'SHA-256')}, undef, $space);
    $h->do(q{INSERT INTO space_carddav_servers (space_id, enabled, uri, min_characters,
             results_limit, timeout, delay, fields_for_user_input, fields_for_domain,
             use_exact_match_policy) VALUES (?, 1, 'https://dav.example.org/card?x=1&y=2',
             2, 25, 7, 300, 'FN,EMAIL', 'IMPP', 1)}, undef, $space);
    my $server = db_insert_id($h, 'space_carddav_servers');
    my $u = uniq('dave');
    my $sha = ha1('SHA-256', $u, 'c21.realm', 'secret');
    $h->do(q{INSERT INTO accounts (username, domain, display_name, activated, blocked, ip_address,
             user_agent, created_at) VALUES (?, ?, 'Dave', 0, 0, '192.0.2.1', 'FlexiAPI', ?)},
           undef, $u, $domain, $now);
    my $acc = db_insert_id($h, 'accounts');
    $h->do('INSERT INTO passwords (account_id, password, algorithm) VALUES (?, ?, ?)',
           undef, $acc, $sha, 'SHA-256');
    my $dav = ha1('MD5', 'dave-dav', 'dav.realm', 'davsecret');
    $h->do(q{INSERT INTO account_carddav_credentials (username, password, realm, algorithm,
             space_carddav_server_id, account_id) VALUES ('dave-dav', ?, 'dav.realm', 'MD5', ?, ?)},
           undef, $dav, $server, $acc);
    my $tok = random_token(32);
    $h->do(q{INSERT INTO provisioning_tokens (account_id, token, used, created_at) VALUES (?, ?, 0, ?)},
           undef, $acc, $tok, $now);
    $r = run_client(uri => url(flexi21 => "/provisioning/$tok"), name => 'h-flexi21');
    is($r->{status}, 'Successful', 'FlexiAPI 2.1: Successful') or show($r);
    diag("liblinphone $r->{version}: RemoteContactDirectory API "
         . ($r->{remote_contact_directory_api} // '?'));
    is(identity_of($r)->{user}, $u, 'FlexiAPI 2.1: the account');
    my %ai = map { ($_->{username} => $_) } @{ $r->{auth_infos} };
    is(scalar @{ $r->{auth_infos} }, 2, 'FlexiAPI 2.1: two auth infos ('
       . join(', ', map { $_->{username} } @{ $r->{auth_infos} }) . ')');
    is_deeply([map { $ai{'dave-dav'}{$_} } qw(realm ha1 algorithm)], ['dav.realm', $dav, 'MD5'],
              "FlexiAPI 2.1: the CardDAV credentials' auth info");
    is_deeply([map { $ai{$u}{$_} } qw(realm ha1 algorithm domain)],
              ['c21.realm', $sha, 'SHA-256', $domain],
              "FlexiAPI 2.1: the account's, realm from the digest configuration");
    my($rcd) = @{ $r->{remote_contact_directories} };
    diag("the client holds: " . join('; ',
        (map { my $a = $_; "auth info " . join(' ', map { "$_=" . ($a->{$_} // '') }
                                              qw(username domain realm algorithm)) }
         @{ $r->{auth_infos} }),
        (map { my $d = $_; "[$d->{section}] " . join(' ', map { "$_=$d->{$_}" }
                                                    grep { $_ ne 'section' } sort keys %$d) }
         @{ $r->{remote_contact_directories} })));
    is($rcd && $rcd->{section}, 'remote_contact_directory_0',
       'FlexiAPI 2.1: the client holds remote_contact_directory_0');
    is_deeply($rcd && { map { ($_ => $rcd->{$_}) } grep { $_ ne 'section' } keys %$rcd },
              { enabled => 1, type => 'carddav', uri => 'https://dav.example.org/card?x=1&y=2',
                min_characters => 2, results_limit => 25, timeout => 7, delay => 300,
                carddav_fields_for_user_input => 'FN,EMAIL', carddav_fields_for_domain => 'IMPP',
                carddav_use_exact_match_policy => 1 },
              'FlexiAPI 2.1: ... with every entry, unescaped');
    logged(1);
}

stop_httpd();
my @crash = grep { /exit signal|Segmentation fault|AddressSanitizer/ }
            read_lines("$dir/error.log");
is(scalar @crash, 0, 'no Apache child crashed') or diag(@crash);

# ===========================================================================
# helpers

sub write_file {
    my($f, $content) = @_;
    open my $fh, '>', $f or die "$f: $!";
    print $fh $content;
    close $fh or die "$f: $!";
}

sub read_lines {
    my $f = shift;
    open my $fh, '<', $f or return ();
    return <$fh>;
}

sub truthy { my $v = shift; defined $v && $v =~ /^(?:1|t|true|y|yes)$/i }

# The next access log records (at least $min of them), parsed; Apache
# logs a header's `"` as `\"`.
sub logged {
    my $min = shift;
    my @f = qw(port method uri status user from lphdr authz ua);
    return map { (my $l = $_) =~ s/\\"/"/g;
                 my %h; @h{@f} = split /\|/, $l, scalar @f; \%h }
           access_log_lines($log, $min);
}

sub show {
    my $r = shift;
    diag("lpclient: exit $r->{exit}, status $r->{status}, message "
         . ($r->{message} // '') . "; its log: $r->{stderr}");
}

# The first (only) auth info's field.
sub ai {
    my($r, $k) = @_;
    my $a = $r->{auth_infos}[0] or return undef;
    return $a->{$k};
}

# { display, user, domain } of the first account's identity.
sub identity_of {
    my $r = shift;
    my $id = ($r->{accounts}[0] || {})->{identity} // '';
    my %h;
    $h{display} = $1 if $id =~ /^\s*"((?:[^"\\]|\\.)*)"/;
    @h{qw(user domain)} = ($1, $2) if $id =~ /sip:([^@>;]+)@([^>;:]+)/;
    return \%h;
}

# 12 tests
sub provisioned_ok {
    my($r, $what, %e) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{exit}, 0, "$what: lpclient ran");
    is($r->{status}, 'Successful', "$what: status Successful") or show($r);
    is(scalar @{ $r->{accounts} }, 1, "$what: one account");
    my $id = identity_of($r);
    is_deeply([@$id{qw(user domain)}], [$e{user}, $domain],
              "$what: identity is sip:user\@domain");
    is($id->{display}, $e{display}, "$what: display name");
    is($r->{accounts}[0]{server}, $proxy, "$what: server from the base rc");
    is(scalar @{ $r->{auth_infos} }, 1, "$what: one auth info");
    is_deeply([map { ai($r, $_) } qw(username domain realm)],
              [$e{user}, $domain, $e{realm}],
              "$what: auth info username, domain, realm");
    is(ai($r, 'ha1'), $e{ha1}, "$what: ha1 equals the database");
    is(ai($r, 'algorithm'), $e{algorithm}, "$what: algorithm $e{algorithm}");
    is(ai($r, 'passwd'), '', "$what: no clear password");
    is($r->{config_uri}, $e{config_uri},
       "$what: config-uri now points at /provisioning/me");
}

# 4 tests
sub token_consumed_ok {
    my($token, $account_id, $what) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $t = fetch_provisioning_token($token, db => $db);
    ok(truthy($t->{used}), "$what: token consumed");
    is($t->{ip}, '127.0.0.1', "$what: token row holds the client IP");
    like($t->{user_agent} // '', qr{^lpclient/\d},
         "$what: token row holds the client's user agent");
    ok(truthy(fetch_account($account_id, db => $db)->{activated}),
       "$what: account activated");
}

# 8 tests
sub reset_ok {
    my($r, $account_id, $algo, $realm, $old, $what) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, 'Successful', "$what: Successful") or show($r);
    my $pw = fetch_passwords($account_id, db => $db);
    is(scalar @$pw, 1, "$what: one password row left");
    is($pw->[0]{algorithm}, $algo, "$what: stored as $algo");
    isnt($pw->[0]{password}, $old, "$what: a new hash");
    like($pw->[0]{password}, $algo eq 'MD5' ? qr/^[0-9a-f]{32}$/ : qr/^[0-9a-f]{64}$/,
         "$what: lowercase hex $algo");
    is(ai($r, 'ha1'), $pw->[0]{password}, "$what: the client's ha1 is the new hash");
    is(ai($r, 'algorithm'), $algo, "$what: the client's algorithm");
    is(ai($r, 'realm'), $realm, "$what: the client's realm");
}

# 8 tests
sub reprovision_ok {
    my($rc_in, $v, $user, $algo, $what, %o) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = run_client(rc_in => $rc_in, ca => $o{ca}, name => "d-$what");
    is($r->{status}, 'Successful', "re-provisioning $what: Successful")
        or show($r);
    is(ai($r, 'ha1'), $o{ha1}, "re-provisioning $what: credentials kept");
    my @me = grep { $_->{uri} eq '/provisioning/me' } logged(2);
    my($first, $last) = ($me[0] || {}, $me[-1] || {});
    is($first->{status}, 401, "re-provisioning $what: challenged first")
        or diag(explain(\@me));
    is($first->{from}, "sip:$user\@$domain",
       "re-provisioning $what: the client sent From: sip:user\@domain");
    is($last->{status}, 200, "re-provisioning $what: then 200");
    like($last->{authz} // '', qr/^Digest .*algorithm="?\Q$algo\E"?(?:,|$)/,
         "re-provisioning $what: answered with Digest $algo");
    is($last->{user}, "$user\@$domain",
       "re-provisioning $what: authenticated as the account");
    is($last->{port}, $port{$v}, "re-provisioning $what: on the same host");
}
