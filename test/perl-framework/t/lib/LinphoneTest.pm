package LinphoneTest;

# Fixtures and helpers for the mod_linphone_provisioning Apache::Test suite.
#
# The suite runs once per database driver (test/run-tests.sh): sqlite3,
# pgsql or mysql, as t/conf/lp-db.env says (sqlite3 when it is missing).
# The databases are named main (every virtual host), fail (lp_dbfail),
# flexi and flexi21 (lp_flexi, lp_flexi21: FlexiAPI 2.0's and 2.1's own
# schemas); dbh($name) is a DBI handle on
# the same database Apache uses, as an administrator.  SQL here must run on
# all three (placeholders, no INSERT OR IGNORE, no sqlite_last_insert_rowid,
# the column `key` quoted with db_key()).  Apache writes to the databases
# while the tests run, so SQLite handles get a busy timeout.  Values are
# passed as bytes: callers encode text themselves (see utf8()), which also
# lets hostile.t try invalid UTF-8.

use strict;
use warnings;

use Exporter 'import';
use DBI;
use POSIX ();
use Encode ();
use Digest::MD5 ();
use Digest::SHA ();
use XML::LibXML;
use HTTP::Request ();
use Test::More ();
use Apache::Test ();
use Apache::TestRequest ();

our @EXPORT = qw(
    LP_NS db_file dbh dbh_new db_driver db_env db_key db_insert_id utc_ts uniq
    random_token utf8 ha1 db_generation
    create_account create_password create_provisioning_token create_auth_token
    create_api_key create_space
    ensure_account
    fetch_account fetch_passwords fetch_provisioning_token fetch_auth_token
    parse_doc doc_sections doc_entry doc_entries section_entries all_entries
    hget hrequest status_is is_4xx is_plain_error lp_header loopback_ip
    remember_secret secrets_file
    in_child
);

use constant LP_NS => 'http://www.linphone.org/xsds/lpconfig.xsd';

# Linphone clients never follow redirects, neither do we: a redirect must
# show up as a failure, not be silently followed by LWP.
$Apache::TestRequest::RedirectOK = 0;

# The header a liblinphone >= 5.3 client sends.
sub lp_header { ('x-linphone-provisioning' => 'true') }

# --- secrets: what must never reach the error log (zz_errorlog.t) ---------
# Every token, key, password, HA1 and user agent the suite creates or sends
# is appended, hex-encoded, to t/logs/secrets; short values and plain
# lowercase words are left out, they would match by chance.  User agents are
# marked "ua:": the audit line of a change (LP0301) is the one place that
# may hold them.
sub secrets_file { Apache::Test::vars('t_logs') . '/secrets' }

sub remember_secret { _remember('', @_) }

sub _remember {
    my($mark, @values) = @_;
    # words ("password") would match the log's own text
    @values = grep { defined && length >= 8 && !/^[a-z]+$/ } @values;
    return unless @values;
    open my $fh, '>>', secrets_file() or return;
    print $fh $mark, unpack('H*', $_), "\n" for @values;
    close $fh;
}

# --- the database of this pass ----------------------------------------------

my %env;
# db_env($key): a value of t/conf/lp-db.env (LP_DB_DRIVER, LP_PG_PORT,
# LP_REDIS_PORT, LP_DB_CTL...), or undef.
sub db_env {
    my $key = shift;
    unless (%env) {
        my $file = Apache::Test::vars('t_conf') . '/lp-db.env';
        if (open my $fh, '<', $file) {
            while (<$fh>) {
                chomp;
                $env{$1} = $2 if /^(\w+)=(.*)$/;
            }
        }
        $env{LP_DB_DRIVER} //= 'sqlite3';
    }
    return $env{$key};
}

sub db_driver { db_env('LP_DB_DRIVER') }

sub db_file {
    my $name = shift || 'main';
    my $t_dir = Apache::Test::vars('t_dir');
    return "$t_dir/db/$name.sqlite";
}

# The reserved word `key` (api_keys.key) as a column name on every driver.
sub db_key { db_driver() eq 'mysql' ? '`key`' : '"key"' }

my %dbh;
sub dbh {
    my $name = shift || 'main';
    return $dbh{$name} if $dbh{$name} && $dbh{$name}->ping;
    return $dbh{$name} = dbh_new($name);
}

# dbh_new($name): a connection of its own, not shared with dbh()'s (for a
# forked child, or a second session holding a lock).
sub dbh_new {
    my $name = shift || 'main';
    # a handle whose server went away (dbrestart.t, dbfail.t): replaced
    # quietly
    local $SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /DESTROY failed/ };
    my $driver = db_driver();
    my %attr = (RaiseError => 1, PrintError => 0, AutoCommit => 1);
    my $dbh;
    if ($driver eq 'pgsql') {
        # a primary and its standby (the pgsql-ha pass): whichever is the
        # primary now
        my @ha = split ' ', db_env('LP_PGHA_PORTS') // '';
        my $where = @ha ? 'host=127.0.0.1,127.0.0.1;port=' . join(',', @ha)
                          . ';target_session_attrs=read-write'
                        : 'host=127.0.0.1;port=' . db_env('LP_PG_PORT');
        $dbh = DBI->connect("dbi:Pg:dbname=lp_$name;$where", db_env('LP_PG_ADMIN'), '',
                            { %attr, pg_enable_utf8 => 0 });
    }
    elsif ($driver eq 'mysql') {
        $dbh = DBI->connect('dbi:mysql:database=lp_' . $name . ';host=127.0.0.1;port='
                            . db_env('LP_MY_PORT'), db_env('LP_MY_ADMIN'),
                            db_env('LP_MY_ADMIN_PASSWORD'),
                            { %attr, mysql_enable_utf8mb4 => 0, mysql_enable_utf8 => 0 });
        $dbh->do('SET NAMES utf8mb4');
    }
    else {
        my $file = db_file($name);
        die "missing database $file (run test/run-tests.sh)\n" unless -e $file;
        $dbh = DBI->connect("dbi:SQLite:dbname=$file", '', '',
                            { %attr, sqlite_unicode => 0 });
        $dbh->sqlite_busy_timeout(5000);
    }
    return $dbh;
}

# in_child($setup, $then): forks a child that runs $setup->() (taking a
# lock, typically, on a dbh_new() connection), lets the parent go on, runs
# $then->(results of $setup) and exits.  Returns the child's pid once
# $setup is done.
sub in_child {
    my($setup, $then) = @_;
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        close $r;
        my @held = $setup->();
        syswrite $w, '1';
        close $w;
        $then->(@held);
        POSIX::_exit(0);
    }
    close $w;
    sysread $r, my $buf, 1;
    return $pid;
}

# db_generation($name): FlexiAPI's schema generation of a database, told
# as the module tells it: '2.1' when the realm lives in
# space_digest_authentication_configurations, '2.0' otherwise (main is
# either, as test/run-tests.sh made it for this pass).
my %generation;
sub db_generation {
    my $name = shift || 'main';
    return $generation{$name} //= eval {
        dbh($name)->selectall_arrayref(
            'SELECT realm FROM space_digest_authentication_configurations WHERE 1 = 0');
        '2.1';
    } || '2.0';
}

# The id of the row just inserted into $table through $dbh.
sub db_insert_id {
    my($dbh, $table) = @_;
    return $dbh->last_insert_id(undef, undef, $table, 'id');
}

# UTC timestamp 'YYYY-MM-DD HH:MM:SS', $offset seconds from now (negative:
# in the past).
sub utc_ts {
    my $offset = shift || 0;
    return POSIX::strftime('%Y-%m-%d %H:%M:%S', gmtime(time + $offset));
}

# Unique names: every .t shares main.sqlite and (username, domain) is unique.
my $counter = 0;
sub uniq {
    my $prefix = shift || 'u';
    $counter++;
    return "${prefix}_$$" . "_$counter" . '_' . int(rand(1e6));
}

sub random_token {
    my $len = shift || 32;
    my @c = ('a'..'z', 'A'..'Z', '0'..'9');
    return join '', map { $c[rand @c] } 1 .. $len;
}

sub utf8 { Encode::encode('UTF-8', shift) }

sub ha1 {
    my($algo, $user, $realm, $pass) = @_;
    my $s = "$user:$realm:$pass";
    my $h = $algo eq 'MD5' ? Digest::MD5::md5_hex($s) : Digest::SHA::sha256_hex($s);
    remember_secret($pass, $h);
    return $h;
}

# create_account(username, domain, display_name,
#                passwords => [[hash, algo], ...], activated => 0, blocked => 0,
#                db => 'main')  -> account id
sub create_account {
    my($username, $domain, $display_name, %o) = @_;
    my $dbh = dbh($o{db});
    my $now = utc_ts();
    $dbh->do('INSERT INTO accounts (username, domain, display_name, activated,'
             . ' blocked, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
             undef, $username, $domain, $display_name,
             $o{activated} ? 1 : 0, $o{blocked} ? 1 : 0, $now, $now);
    my $id = db_insert_id($dbh, 'accounts');
    create_password($id, @$_, db => $o{db}) for @{ $o{passwords} || [] };
    return $id;
}

sub create_password {
    my($account_id, $hash, $algo, %o) = @_;
    remember_secret($hash);
    dbh($o{db})->do('INSERT INTO passwords (account_id, password, algorithm)'
                    . ' VALUES (?, ?, ?)', undef, $account_id, $hash, $algo);
}

# create_provisioning_token(account_id, token, used, created_at, db => ...)
# token defaults to a random one, created_at to now.  Returns the token.
sub create_provisioning_token {
    my($account_id, $token, $used, $created_at, %o) = @_;
    $token      = random_token() unless defined $token;
    $created_at = utc_ts()       unless defined $created_at;
    remember_secret($token);
    dbh($o{db})->do('INSERT INTO provisioning_tokens (account_id, token, used,'
                    . ' created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
                    undef, $account_id, $token, $used ? 1 : 0,
                    $created_at, $created_at);
    return $token;
}

# create_auth_token(account_id_or_undef, token, created_at, db => ...)
sub create_auth_token {
    my($account_id, $token, $created_at, %o) = @_;
    $token      = random_token() unless defined $token;
    $created_at = utc_ts()       unless defined $created_at;
    remember_secret($token);
    dbh($o{db})->do('INSERT INTO auth_tokens (account_id, token, created_at,'
                    . ' updated_at) VALUES (?, ?, ?, ?)',
                    undef, $account_id, $token, $created_at, $created_at);
    return $token;
}

# create_api_key(account_id, ip => ..., last_used_at => ..., expires =>
# minutes, db => ...): a new key of the account, returned (and remembered
# as a secret).
sub create_api_key {
    my($account_id, %o) = @_;
    my $key = random_token(40);
    remember_secret($key);
    dbh($o{db})->do('INSERT INTO api_keys (account_id, ' . db_key() . ', ip,'
                    . ' requests, last_used_at, expires_after_last_used_minutes)'
                    . ' VALUES (?, ?, ?, 0, ?, ?)', undef, $account_id, $key,
                    $o{ip}, $o{last_used_at}, $o{expires});
    return $key;
}

# create_space(domain, host, realm => ..., algorithm => ..., header => 0|1,
#              column => value..., db => ...) -> space id
# A space as its generation stores it: on 2.0 realm is spaces.account_realm
# and header provisioning_use_linphone_provisioning_header (default 1); on
# 2.1 realm and algorithm (default SHA-256, FlexiAPI's) make the space's
# digest configuration (none without a realm) and header has no column.
# Booleans among the other columns are given as 0 or 1.
sub create_space {
    my($domain, $host, %o) = @_;
    my $db = delete $o{db};
    my($realm, $algorithm, $header) = delete @o{qw(realm algorithm header)};
    my $dbh = dbh($db);
    my $v21 = db_generation($db) eq '2.1';
    my %col = (domain => $domain, host => $host, %o);
    if (!$v21) {
        $col{account_realm} = $realm;
        $col{provisioning_use_linphone_provisioning_header} = $header // 1;
    }
    my @names = sort keys %col;
    $dbh->do('INSERT INTO spaces (' . join(', ', @names) . ') VALUES ('
             . join(', ', ('?') x @names) . ')', undef, @col{@names});
    my $id = db_insert_id($dbh, 'spaces');
    $dbh->do('INSERT INTO space_digest_authentication_configurations (space_id, realm,'
             . ' default_password_algorithm, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
             undef, $id, $realm, $algorithm // 'SHA-256', utc_ts(), utc_ts())
        if $v21 && defined $realm;
    return $id;
}

# ensure_account(username, domain, db => ...): an activated account, created
# unless it exists (the portable INSERT OR IGNORE).
sub ensure_account {
    my($username, $domain, %o) = @_;
    my $dbh = dbh($o{db});
    my($id) = $dbh->selectrow_array(
        'SELECT id FROM accounts WHERE username = ? AND domain = ?', undef,
        $username, $domain);
    return $id if defined $id;
    return create_account($username, $domain, undef, activated => 1, db => $o{db});
}

sub fetch_account {
    my($id, %o) = @_;
    return dbh($o{db})->selectrow_hashref(
        'SELECT * FROM accounts WHERE id = ?', undef, $id);
}

sub fetch_passwords {
    my($account_id, %o) = @_;
    return dbh($o{db})->selectall_arrayref(
        'SELECT * FROM passwords WHERE account_id = ? ORDER BY id',
        { Slice => {} }, $account_id);
}

sub fetch_provisioning_token {
    my($token, %o) = @_;
    return dbh($o{db})->selectrow_hashref(
        'SELECT * FROM provisioning_tokens WHERE token = ?', undef, $token);
}

sub fetch_auth_token {
    my($token, %o) = @_;
    return dbh($o{db})->selectrow_hashref(
        'SELECT * FROM auth_tokens WHERE token = ?', undef, $token);
}

# --- HTTP -----------------------------------------------------------------

# hget($path, %headers): GET through Apache::TestRequest (current module /
# vhost), never following redirects.
# Header values that are secrets, remembered as they are sent.
my %secret_header = map { $_ => 1 } qw(x-api-key cookie authorization);
sub _remember_headers {
    my %h = @_;
    remember_secret(map { $h{$_} } grep { $secret_header{lc $_} } keys %h);
    _remember('ua:', map { $h{$_} } grep { lc $_ eq 'user-agent' } keys %h);
}

sub hget {
    my($path, @headers) = @_;
    _remember_headers(@headers);
    return Apache::TestRequest::GET($path, @headers);
}

# hrequest($method, $path, %headers): any method (DELETE, PATCH, ...).
sub hrequest {
    my($method, $path, @headers) = @_;
    _remember_headers(@headers);
    my $url = Apache::TestRequest::resolve_url($path);
    return Apache::TestRequest::user_agent()->request(
        HTTP::Request->new($method => $url, [@headers]));
}

# status_is($res, 200, $name): is() on the status, with the response shown
# when it fails.
sub status_is {
    my($res, $code, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = Test::More::is($res->code, $code, $name);
    Test::More::diag(_show($res)) unless $ok;
    return $ok;
}

# is_4xx($res, $name): a client error, never a 5xx (nor a success).
sub is_4xx {
    my($res, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = Test::More::ok($res->code >= 400 && $res->code < 500,
                            "$name (got " . $res->code . ')');
    Test::More::diag(_show($res)) unless $ok;
    return $ok;
}

sub _show {
    my $res = shift;
    my $req = $res->request;
    my $s = ($req ? $req->method . ' ' . substr($req->uri, 0, 200) . "\n" : '')
          . $res->status_line . "\n" . $res->headers->as_string;
    my $body = substr($res->content // '', 0, 400);
    return $s . "\n" . $body;
}

# The client address Apache sees for this test client.
sub loopback_ip { qr/^(?:127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/ }

# True when $res is one of the module's own error responses: short plain
# text, no HTML, no SQL, no file path.
sub is_plain_error {
    my $res = shift;
    my $ct   = $res->header('Content-Type') || '';
    my $body = $res->content;
    return 0 unless $ct =~ m{^text/plain}i;
    return 0 if length($body) > 512;
    return 0 if $body =~ m{<html|<!DOCTYPE|<body}i;
    return 0 if $body =~ m{\b(SELECT|UPDATE|INSERT|DELETE)\b.*\b(FROM|SET|INTO|WHERE)\b}i;
    return 0 if $body =~ m{/(?:tmp|var|usr|etc|work|home)/|\.sqlite|\.c:\d+};
    return 1;
}

# --- XML ------------------------------------------------------------------

# parse_doc($res) -> XML::LibXML::Document, or undef (with $@ set).
sub parse_doc {
    my $res = shift;
    my $doc = eval { XML::LibXML->load_xml(string => $res->content) };
    # what the server hands out: HA1s and clear passwords
    remember_secret(map { $_->textContent }
                    grep { ($_->getAttribute('name') // '') =~ /^(?:ha1|passwd)$/ }
                    all_entries($doc)) if $doc;
    return $doc;
}

sub _xpc {
    my $doc = shift;
    my $xpc = XML::LibXML::XPathContext->new($doc);
    $xpc->registerNs(lp => LP_NS);
    return $xpc;
}

# List of section names, in document order.
sub doc_sections {
    my $doc = shift;
    return map { $_->getAttribute('name') }
           _xpc($doc)->findnodes('/lp:config/lp:section');
}

# Entry element(s) named $name in section $section (list context: all of
# them; scalar: the first one's text or undef).
sub doc_entries {
    my($doc, $section, $name) = @_;
    return _xpc($doc)->findnodes(
        "/lp:config/lp:section[\@name='$section']/lp:entry[\@name='$name']");
}

sub doc_entry {
    my($doc, $section, $name) = @_;
    my($node) = doc_entries($doc, $section, $name);
    return $node ? $node->textContent : undef;
}

# All entry elements of the document.
sub all_entries {
    my $doc = shift;
    return _xpc($doc)->findnodes('/lp:config/lp:section/lp:entry');
}

# { name => value } of one section (first section of that name).
sub section_entries {
    my($doc, $section) = @_;
    my %h;
    for my $e (_xpc($doc)->findnodes(
                   "/lp:config/lp:section[\@name='$section'][1]/lp:entry")) {
        $h{ $e->getAttribute('name') } = $e->textContent;
    }
    return \%h;
}

1;
