# The module on a FlexiAPI 2.1 database (conf/schema/flexiapi-2.1-*.sql,
# loaded into the flexi21 database by test/run-tests.sh): the realm and the
# reset password's algorithm come from space_digest_authentication_configurations
# (no reset in a space without one), the header from
# LinphoneProvisioningRequireHeader alone, the space's CardDAV servers become
# remote_contact_directory_N and the account's CardDAV credentials the first
# auth_info_N.  lp_flexi21: spaces on, LinphoneProvisioningPasswordAlgorithm
# MD5 (the space's SHA-256 must win); lp_flexi21_noheader: the directive
# Off; lp_flexi21_off: spaces off.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 48;

Apache::TestRequest::module('lp_flexi21');
my $dbh = dbh('flexi21');
my $now = utc_ts();

# a space as FlexiAPI 2.1 creates one; digest => [realm, algorithm] adds its
# digest authentication configuration
sub flexi_space {
    my($name, %o) = @_;
    my($host, $domain) = ("$name-$$.test", "$name-$$.example.org");
    $dbh->do(q{INSERT INTO spaces (domain, host, name, super, created_at, updated_at)
               VALUES (?, ?, ?, FALSE, ?, ?)}, undef, $domain, $host, "$name $$", $now, $now);
    my $id = db_insert_id($dbh, 'spaces');
    $dbh->do(q{INSERT INTO space_digest_authentication_configurations
               (space_id, realm, default_password_algorithm, created_at) VALUES (?, ?, ?, ?)},
             undef, $id, @{ $o{digest} }, $now) if $o{digest};
    return ($id, $host, $domain);
}
sub flexi_account {
    my($user, $domain, @passwords) = @_;
    $dbh->do(q{INSERT INTO accounts (username, domain, activated, blocked, ip_address,
                                     user_agent, created_at, updated_at)
               VALUES (?, ?, FALSE, FALSE, '192.0.2.10', 'FlexiAPI', ?, ?)}, undef,
             $user, $domain, $now, $now);
    my $id = db_insert_id($dbh, 'accounts');
    $dbh->do('INSERT INTO passwords (account_id, password, algorithm) VALUES (?, ?, ?)',
             undef, $id, @$_) for @passwords;
    return $id;
}
sub flexi_token {
    my $id = shift;
    my $token = random_token(32);
    $dbh->do(q{INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)
               VALUES (?, ?, FALSE, ?, ?)}, undef, $id, $token, $now, $now);
    return $token;
}
sub carddav_server {
    my($space, $uri, %o) = @_;
    $dbh->do(q{INSERT INTO space_carddav_servers (space_id, enabled, uri, min_characters,
                   results_limit, timeout, delay, fields_for_user_input, fields_for_domain,
                   use_exact_match_policy, created_at)
               VALUES (?, } . ($o{disabled} ? 'FALSE' : 'TRUE') . q{, ?, ?, ?, ?, ?, ?, ?, }
             . ($o{exact} ? 'TRUE' : 'FALSE') . q{, ?)}, undef,
             $space, $uri, $o{min} // 3, $o{limit} // 0, 5, 500, $o{user_input},
             $o{domain_fields}, $now);
    return db_insert_id($dbh, 'space_carddav_servers');
}
sub carddav_credential {
    my($account, $server, $user, $realm, $algo) = @_;
    my $ha1 = ha1($algo, $user, $realm, random_token(12));
    $dbh->do(q{INSERT INTO account_carddav_credentials (username, password, realm, algorithm,
                   space_carddav_server_id, account_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)},
             undef, $user, $ha1, $realm, $algo, $server, $account, $now);
    return $ha1;
}
sub passwords {
    $dbh->selectall_arrayref('SELECT password, algorithm FROM passwords WHERE account_id = ?'
                             . ' ORDER BY id', { Slice => {} }, shift);
}

# --- a space with a digest configuration and two CardDAV servers --------------
my $realm = 'dav21 & realm';
my($sid, $host, $domain) = flexi_space('f21', digest => [$realm, 'SHA-256']);
my @host = (Host => $host);
my $srv0 = carddav_server($sid, 'https://dav.example.org/card?a=1&b=<2>',
                          user_input => 'FN,EMAIL', exact => 1, min => 2, limit => 10);
my $srv1 = carddav_server($sid, 'https://dav2.example.org/', disabled => 1);

my $user = uniq('f21');
my $sha  = ha1('SHA-256', $user, $realm, 'secret21');
my $id   = flexi_account($user, $domain, [$sha, 'SHA-256']);
# credentials on the second server first: their order is the servers'
my $cred1 = carddav_credential($id, $srv1, 'bob-dav2', 'dav2.realm', 'MD5');
my $cred0 = carddav_credential($id, $srv0, 'bob<dav>', 'dav.realm', 'SHA-256');

my $res = hget('/provisioning/' . flexi_token($id), lp_header, @host);
status_is($res, 200, 'FlexiAPI 2.1: provisioning token 200');
my $doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_2', 'realm'), $realm,
   "realm: the space's digest configuration's");
is($doc && doc_entry($doc, 'auth_info_2', 'ha1'), $sha, '... the stored HA1');
is($doc && doc_entry($doc, 'auth_info_2', 'username'), $user, '... its username');
is_deeply($doc && section_entries($doc, 'remote_contact_directory_0'),
          { enabled => 1, type => 'carddav', uri => 'https://dav.example.org/card?a=1&b=<2>',
            min_characters => 2, results_limit => 10, timeout => 5, delay => 500,
            carddav_fields_for_user_input => 'FN,EMAIL', carddav_fields_for_domain => '',
            carddav_use_exact_match_policy => 1 },
          'remote_contact_directory_0: the first server, every entry');
is($doc && doc_entry($doc, 'remote_contact_directory_1', 'enabled'), '0',
   'remote_contact_directory_1: the disabled server, enabled 0');
my($sec0) = $res->content =~ m{<section name="remote_contact_directory_0">(.*?)</section>}s;
is(join(',', ($sec0 // '') =~ /name="([^"]+)"/g),
   'enabled,type,uri,min_characters,results_limit,timeout,delay,'
   . 'carddav_fields_for_user_input,carddav_fields_for_domain,carddav_use_exact_match_policy',
   "... entries in FlexiAPI's order");
ok($doc && !grep({ $_ eq 'remote_contact_directory_2' } doc_sections($doc)), '... no third');
is_deeply($doc && section_entries($doc, 'auth_info_0'),
          { username => 'bob<dav>', realm => 'dav.realm', ha1 => $cred0, algorithm => 'SHA-256' },
          "auth_info_0: the credentials on the first server");
is_deeply($doc && section_entries($doc, 'auth_info_1'),
          { username => 'bob-dav2', realm => 'dav2.realm', ha1 => $cred1, algorithm => 'MD5' },
          'auth_info_1: on the second');
ok($doc && !grep({ $_ eq 'auth_info_3' } doc_sections($doc)),
   "the account's one password takes auth_info_2, the last");
like($res->content, qr{<entry name="uri">https://dav\.example\.org/card\?a=1&amp;b=&lt;2&gt;</entry>},
     'values XML-escaped');
my @order = $doc ? grep { /^(remote_contact_directory|auth_info|proxy_0)/ } doc_sections($doc) : ();
is("@order", 'remote_contact_directory_0 remote_contact_directory_1 auth_info_0 auth_info_1 '
   . 'proxy_0 auth_info_2', "sections in FlexiAPI 2.1's order");

# the base document of the space: its servers, no credentials
$res = hget('/provisioning', lp_header, @host);
status_is($res, 200, 'base document: 200');
$doc = parse_doc($res);
is($doc && doc_entry($doc, 'remote_contact_directory_0', 'type'), 'carddav',
   '... with the remote contact directories');
ok($doc && !grep({ /^auth_info/ } doc_sections($doc)), '... and no auth_info');

# --- /provisioning/me: the Digest realm, and the credentials on an API key -----
$res = hget('/provisioning/me', lp_header, @host, From => "sip:$user\@$domain");
status_is($res, 401, '/me without credentials: 401');
like(join("\n", $res->header('WWW-Authenticate')), qr/realm="\Q$realm\E"/,
     "... challenged in the digest configuration's realm");
{
    my $key = random_token(40);
    $dbh->do('INSERT INTO api_keys (account_id, ' . db_key() . ', last_used_at, requests,'
             . ' created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
             undef, $id, $key, $now, $now, $now);
    $res = hget('/provisioning/me', lp_header, @host, 'x-api-key' => $key);
    status_is($res, 200, '/me with an API key: 200');
    $doc = parse_doc($res);
    ok($doc && doc_entry($doc, 'auth_info_0', 'ha1') eq $cred0
       && doc_entry($doc, 'auth_info_2', 'ha1') eq $sha,
       '... credentials first, the password after them');
}

# --- the header: only LinphoneProvisioningRequireHeader ------------------------
status_is(hget('/provisioning', @host), 400, 'no header, directive default On: 400');
{
    Apache::TestRequest::module('lp_flexi21_noheader');
    status_is(hget('/provisioning', @host), 200, 'no header, directive Off: 200');
    # the same child may answer from its spaces cache: the servers too
    my @uris = map { my $d = parse_doc($_);
                     $d ? doc_entry($d, 'remote_contact_directory_1', 'uri') // '' : '' }
               map { hget('/provisioning', @host) } 1 .. 4;
    is("@uris", join(' ', ('https://dav2.example.org/') x 4),
       '... the servers, from the database or the spaces cache');
    Apache::TestRequest::module('lp_flexi21');
}

# --- reset_password: the space's algorithm ---------------------------------------
$res = hget('/provisioning/' . flexi_token($id) . '?reset_password', lp_header, @host);
status_is($res, 200, 'reset_password: 200');
my $pw = passwords($id);
is(scalar @$pw, 1, '... one password');
is($pw->[0]{algorithm}, 'SHA-256', "... the space's default_password_algorithm, not the directive's MD5");
$doc = parse_doc($res);
is($doc && doc_entry($doc, 'auth_info_2', 'ha1'), $pw->[0]{password},
   '... the new HA1 sent, after the credentials');
like($pw->[0]{password}, qr/^[0-9a-f]{64}$/, '... a SHA-256 HA1');
{
    # the space's MD5 this time
    my($s, $h, $d) = flexi_space('f21md5', digest => ['md5.realm', 'MD5']);
    my $u = uniq('f21md5');
    my $a = flexi_account($u, $d, [ha1('SHA-256', $u, 'md5.realm', 'x'), 'SHA-256']);
    status_is(hget('/provisioning/' . flexi_token($a) . '?reset_password', lp_header,
                   Host => $h), 200, 'reset_password in an MD5 space: 200');
    is(passwords($a)->[0]{algorithm}, 'MD5', '... an MD5 password');
}

# --- a space without a digest configuration: realm, no reset ---------------------
{
    my($s, $h, $d) = flexi_space('f21nodigest');
    my $u = uniq('f21nd');
    my $old = ha1('MD5', $u, $d, 'kept');
    my $a = flexi_account($u, $d, [$old, 'MD5']);
    $res = hget('/provisioning/' . flexi_token($a) . '?reset_password', lp_header, Host => $h);
    status_is($res, 200, 'no digest configuration, reset_password: 200');
    $doc = parse_doc($res);
    is($doc && doc_entry($doc, 'auth_info_0', 'realm'), $d, '... realm: the domain');
    is($doc && doc_entry($doc, 'auth_info_0', 'ha1'), $old, '... the password kept');
    is_deeply(passwords($a), [{ password => $old, algorithm => 'MD5' }],
              '... and not reset in the database');
    ok($doc && !grep({ /^remote_contact_directory/ } doc_sections($doc)),
       '... no servers: no remote_contact_directory');
}

# --- HEAD: the GET's answer, credentials included ---------------------------------
{
    my $t = flexi_token($id);
    my $head = hrequest(HEAD => "/provisioning/$t", lp_header, @host);
    status_is($head, 200, 'HEAD: 200');
    my $get = hget("/provisioning/$t", lp_header, @host);
    is($head->header('Content-Length'), length($get->content), '... the length of the GET');
}

# --- spaces off: the credentials, no servers, the directive's algorithm -----------
{
    Apache::TestRequest::module('lp_flexi21_off');
    $res = hget('/provisioning/' . flexi_token($id), lp_header, @host);
    status_is($res, 200, 'spaces off: 200');
    $doc = parse_doc($res);
    ok($doc && !grep({ /^remote_contact_directory/ } doc_sections($doc)),
       '... no remote_contact_directory (servers belong to a space)');
    is($doc && doc_entry($doc, 'auth_info_0', 'ha1'), $cred0, "... the account's credentials");
    is($doc && doc_entry($doc, 'auth_info_2', 'realm'), $domain,
       '... realm: the domain (no space read)');
    $res = hget('/provisioning/' . flexi_token($id) . '?reset_password', lp_header, @host);
    status_is($res, 200, 'spaces off, reset_password: 200');
    is(passwords($id)->[0]{algorithm}, 'MD5', "... the directive's algorithm");
    status_is(hget('/provisioning', @host), 400, '... header required by default');
    Apache::TestRequest::module('lp_flexi21');
}

# --- the generation is said once, at info ----------------------------------------
{
    my $log = Apache::Test::vars('t_logs') . '/error_log';
    open my $fh, '<', $log or die "$log: $!";
    my @log = <$fh>;
    my @said = grep { /LP0131/ } @log;
    ok((grep { /has FlexiAPI 2\.1's spaces/ } @said), "LP0131 says FlexiAPI 2.1");
    # whatever databases the virtual hosts share (main is either generation)
    my %per;
    /\[pid (\d+)\b.*LP0131: the database of \S+ has (no|FlexiAPI \S+)/ and $per{"$1 $2"}++
        for @said;
    my @again = grep { $per{$_} > 1 } sort keys %per;
    ok(!@again, '... once per process and generation' . (@again ? " (again: @again)" : ''));
    # the other generation's statements fail to prepare at debug (LP0130)
    ok(!(grep { /cannot prepare statement linphone_(?:space|carddav)/ && !/:debug\]/ } @log),
       "... and no error about the other generation's statements");
}
status_is(hget('/provisioning', lp_header, Host => "nowhere-$$.test"), 404,
          'a host without a space: 404');
