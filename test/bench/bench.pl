#!/usr/bin/perl
# `make -f Makefile.apxs bench` / `bench-memory`: every endpoint of
# mod_linphone_provisioning next to the same Apache serving a byte-identical
# static copy of the same response, in one run, with wrk.
#
#   perl test/bench/bench.pl [--driver sqlite3|pgsql|mysql] [--journal wal|delete]
#                            [--tuned] [--duration S] [--connections N]
#                            [--threads N] [--port P] [--only REGEX] [--keep]
#                            [--pool defaults|MIN,KEEP,MAX]
#   perl test/bench/bench.pl --memory [--requests N] [same options]
#
# Settings.  By default the server is configured as a site configures it:
# conf/linphone_provisioning.conf's lines (the Locations, the config-uri
# entry, the access logs), Debian's event MPM and keep-alive defaults
# (2 x 25 threads to start with), mod_dbd's pool defaults on SQLite and the
# pool settings docs/operations.md recommends on PostgreSQL and MariaDB,
# and on SQLite a file in rollback-journal mode, as FlexiAPI leaves its
# own.  --tuned is the hand-tuned setup instead: 2 x 32 threads, no keep-
# alive limit, DBDMin/DBDKeep/DBDMax 1 on SQLite, sendfile, WAL.
# --journal chooses the SQLite journal mode whichever the setup; --pool
# mod_dbd's pool (defaults: none of its directives).
#
# --driver pgsql|mysql starts PostgreSQL or MariaDB with test/db-servers.sh,
# as the test suite does (data in $LP_DB_DIR, default /var/tmp/lp-bench-db;
# ports $LP_PG_PORT, $LP_MY_PORT, default 15432, 13306), and stops it
# afterwards unless LP_DB_KEEP=1.  Make: DRIVER=pgsql or BENCH_ARGS="--driver pgsql ...".
#
# Rate run (default): for each endpoint, wrk fetches the static copy
# (/static/<name>, saved from one real response of that endpoint) and the
# endpoint, with the same connections, threads and request headers, in the
# order static, endpoint, endpoint, static, half of --duration each
# (default 10 s per row).  No token is ever sent twice; every digest request
# has its own nonce count, and a connection whose nonce is refused (stale:
# evicted from the nonce cache) stops, as it cannot answer the challenge
# (the row says how many did).  The table goes to the terminal, to
# build/bench/results.md (with date, machine, driver, journal mode and
# settings) and as one JSON line appended to build/bench/results.jsonl.
#
# Memory run (--memory): one child process (1 x 8 threads), --requests
# requests (default 1,000,000) mixing the base document, /provisioning/me
# with an API key, provisioning and auth tokens; samples the child's VmRSS
# every second; prints first/last/max and whether growth stayed within 2 MiB.
#
# Everything lives in build/bench: an -O2 build of the module (src), a
# throwaway ServerRoot (root), wrk's inputs (data).  /etc/apache2 is not
# touched.  Loopback only.
use strict;
use warnings;
use feature 'current_sub';
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path remove_tree);
use Getopt::Long qw(GetOptionsFromArray);
use POSIX qw(strftime);
use Time::HiRes qw(sleep time);
use DBI;
use Digest::SHA qw(sha256_hex);

my $top  = abs_path(dirname(__FILE__) . '/../..');
my $here = "$top/test/bench";
my $out  = "$top/build/bench";
my $root = "$out/root";
my $data = "$out/data";

my %o = (duration => 10, connections => 32, threads => 2, port => 8200,
         requests => 1_000_000, driver => $ENV{DRIVER} || 'sqlite3');
my @argv = @ARGV;
GetOptionsFromArray(\@argv, \%o, 'duration=i', 'connections=i', 'threads=i',
                    'driver=s', 'journal=s', 'tuned', 'port=i', 'only=s',
                    'keep', 'memory', 'requests=i', 'pool=s', 'help|h')
    or usage(2);
usage(0) if $o{help};
die "bench: unexpected argument @argv\n" if @argv;
for my $k (qw(duration connections threads port requests)) {
    die "bench: --$k must be > 0\n" unless $o{$k} > 0;
}
die "bench: --duration is at most 600\n" if $o{duration} > 600;
die "bench: --connections is at most 1000\n" if $o{connections} > 1000;
die "bench: --requests is at most 100000000\n" if $o{requests} > 100_000_000;
die "bench: --pool is 'defaults' or MIN,KEEP,MAX\n"
    if defined $o{pool} && $o{pool} !~ /^(?:defaults|\d+,\d+,\d+)$/;
die "bench: --driver is sqlite3, pgsql or mysql\n"
    unless $o{driver} =~ /^(sqlite3|pgsql|mysql)$/;
$o{journal} //= $o{tuned} ? 'wal' : 'delete';
die "bench: --journal is wal or delete\n" unless $o{journal} =~ /^(wal|delete)$/;
$o{threads} = $o{connections} if $o{threads} > $o{connections};
my $driver = $o{driver};
my $is_root = $> == 0;

sub usage {
    open my $fh, '<', __FILE__ or die;
    <$fh>;
    while (<$fh>) { last unless s/^# ?//; print }
    exit shift;
}
sub logm { print STDERR "@_\n" }
sub run { system(@_) == 0 or die "bench: @_: failed\n" }
sub slurp { local(@ARGV, $/) = @_; <> }
sub spew { my $f = shift; open my $fh, '>', $f or die "$f: $!\n"; print $fh @_; close $fh }
sub utc_ts { strftime('%Y-%m-%d %H:%M:%S', gmtime(time + (shift || 0))) }

run('sh', "$top/conf/install-deps.sh", 'bench', ($driver eq 'sqlite3' ? () : 'db'));

# ---------------------------------------------------------------------------
# Build: a private -O2 copy, so that the developer's own build (maybe -O0 or
# with sanitizers) is neither used nor touched; -g for perf and callgrind.
# ---------------------------------------------------------------------------
stop_server();
make_path($out);
logm('building the module (-O2) in build/bench/src ...');
remove_tree("$out/src");
make_path("$out/src");
run('cp', '-r', map("$top/$_", qw(Makefile.apxs mod_linphone_provisioning.c
                                  modules include)), "$out/src/");
run("rm -rf '$out/src/modules/.libs' '$out/src'/modules/*.lo "
    . "'$out/src'/modules/*.slo '$out/src'/modules/*.o");
my $so = "$out/src/.libs/mod_linphone_provisioning.so";
if (system("make -C '$out/src' -f Makefile.apxs CFLAGS_EXTRA='-O2 -Wc,-g' "
           . "SANITIZE= >'$out/build.log' 2>&1") != 0 || !-f $so) {
    system('tail', '-20', "$out/build.log");
    exit 1;
}

# ---------------------------------------------------------------------------
# Database.  Accounts have fixed-width names, so every account's document
# has the same length and one static copy stands for all.  Ids 1-6: the API
# key account, the digest account and the sample accounts whose responses
# become the static copies (their tokens are never given to wrk); 11-60:
# the 50 contacts of accounts 1 and 2.  The accounts and tokens a rate run
# consumes are added once the first row has shown how fast this machine is.
# ---------------------------------------------------------------------------
my $domain = 'sip.example.org';
my $digest_password = 'bench-secret';
my $api_key = 'bench-api-key-' . join('', map { ('a'..'z', 0..9)[rand 36] } 1..32);
my ($ID_API, $ID_DIGEST, $ID_TOK, $ID_RESET, $ID_AUTH, $ID_QR) = (1 .. 6);
my $next_id = 101;
sub uname { sprintf('u%09d', shift) }
my $digest_user = uname($ID_DIGEST);
my $digest_ha1 = sha256_hex("$digest_user:$domain:$digest_password");

remove_tree($root, $data);
make_path(map("$root/$_", qw(conf logs run db htdocs/static)), $data);

# below Linux's ephemeral range (32768-60999): the previous runs' wrk
# connections may hold any port inside it, and the server could not bind
my %ENVDB = (LP_DB_DIR => $ENV{LP_DB_DIR} || '/var/tmp/lp-bench-db',
             LP_PG_PORT => $ENV{LP_PG_PORT} || 15432,
             LP_MY_PORT => $ENV{LP_MY_PORT} || 13306);
my $own_servers = 0;
my ($dbh, $dbd_params, $db_file, $db_version);
my $now = utc_ts();

sub db_env {
    my %e;
    for (split /\n/, slurp("$ENVDB{LP_DB_DIR}/env")) { $e{$1} = $2 if /^(\w+)=(.*)$/ }
    return \%e;
}
sub servers {
    local @ENV{keys %ENVDB} = values %ENVDB;
    system('sh', "$top/test/db-servers.sh", @_);
}

if ($driver eq 'sqlite3') {
    $db_file = "$root/db/flexiapi.sqlite";
    run("sqlite3 '$db_file' <'$top/conf/schema/sqlite3.sql' >/dev/null");
    run("sqlite3 '$db_file' 'PRAGMA journal_mode = " . uc($o{journal}) . ";' >/dev/null")
        if $o{journal} ne 'wal';
    $dbh = DBI->connect("dbi:SQLite:dbname=$db_file", '', '',
                        { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
    $dbh->sqlite_busy_timeout(10000);
    $dbd_params = "file:$db_file?mode=rw";
    $db_version = 'SQLite ' . $dbh->selectrow_array('SELECT sqlite_version()')
                  . ' (' . $dbh->selectrow_array('PRAGMA journal_mode') . ')';
}
else {
    my $which = $driver eq 'pgsql' ? 'pgsql' : 'mysql';
    $own_servers = 1;
    servers('start', $which) == 0 or die "bench: $which did not start\n";
    my $e = db_env();
    # per server: the admin connection, the fresh database, its schema
    # loaded by the server's client, DBDParams and the version query
    my %s = $driver eq 'pgsql' ? (
        dsn => "dbi:Pg:host=127.0.0.1;port=$e->{LP_PG_PORT}",
        admin => 'dbname=postgres', db => 'dbname=lp_bench',
        user => $e->{LP_PG_ADMIN}, pass => '',
        create => 'CREATE DATABASE lp_bench',
        load => "psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $e->{LP_PG_PORT} "
                . "-U $e->{LP_PG_ADMIN} -d lp_bench <'$top/conf/schema/pgsql.sql' >/dev/null",
        params => "host=127.0.0.1 port=$e->{LP_PG_PORT} dbname=lp_bench "
                  . "user=$e->{LP_PG_ADMIN} connect_timeout=3",
        version => ['PostgreSQL ', 'SHOW server_version'],
    ) : (
        dsn => "dbi:mysql:host=127.0.0.1;port=$e->{LP_MY_PORT}",
        admin => '', db => 'database=lp_bench',
        user => $e->{LP_MY_ADMIN}, pass => $e->{LP_MY_ADMIN_PASSWORD},
        create => 'CREATE DATABASE lp_bench CHARACTER SET utf8mb4',
        load => "mariadb --no-defaults -h 127.0.0.1 -P $e->{LP_MY_PORT} -u $e->{LP_MY_ADMIN} "
                . "-p$e->{LP_MY_ADMIN_PASSWORD} lp_bench <'$top/conf/schema/mysql.sql'",
        params => "host=127.0.0.1 port=$e->{LP_MY_PORT} user=$e->{LP_MY_ADMIN} "
                  . "pass=$e->{LP_MY_ADMIN_PASSWORD} dbname=lp_bench",
        version => ['MariaDB ', 'SELECT VERSION()'],
    );
    my $adm = DBI->connect(join(';', grep { $_ ne '' } $s{dsn}, $s{admin}),
                           $s{user}, $s{pass}, { RaiseError => 1, PrintError => 0 });
    $adm->do('DROP DATABASE IF EXISTS lp_bench');
    $adm->do($s{create});
    $adm->disconnect;
    run($s{load});
    $dbh = DBI->connect("$s{dsn};$s{db}", $s{user}, $s{pass},
                        { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
    $dbd_params = $s{params};
    $db_version = $s{version}[0] . $dbh->selectrow_array($s{version}[1]);
}
END {
    stop_server() unless $o{keep};
    servers('stop', $driver) if $own_servers && !$o{keep} && !$ENV{LP_DB_KEEP};
}

# Rows in bulk, generated by the database from a table of numbers (the
# expressions differ per dialect; nothing here comes from a request).
my %X = (
    sqlite3 => { name => sub { "printf('u%09d', $_[0])" },
                 hex => sub { "lower(hex(randomblob($_[1] / 2)))" },
                 cat => sub { join(' || ', @_) } },
    pgsql => { name => sub { "'u' || lpad(($_[0])::text, 9, '0')" },
               hex => sub { $_[1] <= 32 ? "substr(md5(random()::text || $_[0]), 1, $_[1])"
                            : "md5(random()::text || $_[0]) || md5(random()::text)" },
               cat => sub { join(' || ', @_) } },
    mysql => { name => sub { "CONCAT('u', LPAD($_[0], 9, '0'))" },
               hex => sub { $_[1] <= 32 ? "SUBSTR(MD5(CONCAT(RAND(), $_[0])), 1, $_[1])"
                            : "CONCAT(MD5(CONCAT(RAND(), $_[0])), MD5(RAND()))" },
               cat => sub { 'CONCAT(' . join(', ', @_) . ')' } },
);
my $x = $X{$driver};
my $seq_size = 0;
sub numbers {   # bench_n holds 0 .. n-1
    my $n = shift;
    $dbh->do('CREATE TABLE IF NOT EXISTS bench_n (i INTEGER PRIMARY KEY)') unless $seq_size;
    while ($seq_size < $n) {
        my $to = $seq_size + 5000;
        $dbh->do('INSERT INTO bench_n (i) VALUES '
                 . join(',', map { "($_)" } $seq_size .. $to - 1));
        $seq_size = $to;
    }
}
sub txn { my $f = shift; $dbh->begin_work; $f->(); $dbh->commit }

# COUNT accounts from id FIRST, each with a password and (unless NOTOKEN)
# an unused provisioning token of 24 characters.
sub add_accounts {
    my($first, $count, $notoken) = @_;
    numbers($count);
    my $id = "($first + i)";
    my $last = $first + $count - 1;
    txn(sub {
        $dbh->do("INSERT INTO accounts (id, username, domain, display_name, email,"
                 . " activated, blocked, created_at, updated_at)"
                 . " SELECT $id, " . $x->{name}($id) . ", '$domain', "
                 . $x->{cat}("'Bench User '", $x->{name}($id)) . ", "
                 . $x->{cat}($x->{name}($id), "'\@example.org'")
                 . ", FALSE, FALSE, '$now', '$now' FROM bench_n WHERE i < $count");
        $dbh->do("INSERT INTO passwords (account_id, password, algorithm)"
                 . " SELECT id, " . $x->{hex}('id', 64) . ", 'SHA-256' FROM accounts"
                 . " WHERE id BETWEEN $first AND $last ORDER BY id");
        $dbh->do("INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)"
                 . " SELECT id, " . $x->{cat}("'P'", "SUBSTR(" . $x->{name}('id') . ", 2)",
                                              $x->{hex}('id', 14))
                 . ", FALSE, '$now', '$now' FROM accounts"
                 . " WHERE id BETWEEN $first AND $last ORDER BY id") unless $notoken;
    });
}
sub add_auth_tokens {   # count, first, last account id, tag
    my($count, $first, $last, $tag) = @_;
    numbers($count);
    my $ts = utc_ts();
    $dbh->do("INSERT INTO auth_tokens (account_id, token, created_at, updated_at)"
             . " SELECT $first + (i % ($last - $first + 1)), "
             . $x->{cat}("'$tag'", $x->{name}('i'), $x->{hex}('i', 14))
             . ", '$ts', '$ts' FROM bench_n WHERE i < $count");
}
# wrk's inputs: a query's single column, one file per wrk thread and run
# (round robin): NAME.000, NAME.001, ...
sub export_lines {
    my($name, $sql, $slices) = @_;
    my @fh;
    for my $k (0 .. $slices - 1) {
        open $fh[$k], '>', sprintf('%s/%s.%03d', $data, $name, $k) or die "$!\n";
    }
    my $rows = $dbh->selectcol_arrayref($sql);
    print { $fh[$_ % $slices] } $rows->[$_], "\n" for 0 .. $#$rows;
    close $_ for @fh;
    return scalar @$rows;
}
sub tokens_of {
    "SELECT token FROM provisioning_tokens WHERE account_id BETWEEN $_[0] AND $_[1] ORDER BY id";
}

logm("creating the $driver database ...");
add_accounts(1, 6, 1);
add_accounts(11, 50, 1);
txn(sub {
    $dbh->do('UPDATE passwords SET password = ? WHERE account_id = ?', undef,
             $digest_ha1, $ID_DIGEST);
    for my $id ($ID_TOK, $ID_RESET, $ID_QR) {
        $dbh->do('INSERT INTO provisioning_tokens (account_id, token, used, created_at,'
                 . ' updated_at) VALUES (?, ?, FALSE, ?, ?)', undef, $id,
                 sprintf('S%09d%s', $id, join('', map { sprintf '%x', rand 16 } 1..14)),
                 $now, $now);
    }
    $dbh->do('INSERT INTO auth_tokens (account_id, token, created_at, updated_at)'
             . ' VALUES (?, ?, ?, ?)', undef, $ID_AUTH,
             'S' . join('', map { sprintf '%x', rand 16 } 1..24), $now, $now);
    $dbh->do('INSERT INTO api_keys (account_id, ' . ($driver eq 'mysql' ? '`key`' : 'key')
             . ', requests, created_at, updated_at) VALUES (?, ?, 0, ?, ?)',
             undef, $ID_API, $api_key, $now, $now);
    for my $owner ($ID_API, $ID_DIGEST) {
        $dbh->do('INSERT INTO contacts (account_id, contact_id, created_at, updated_at)'
                 . " SELECT $owner, id, '$now', '$now' FROM accounts WHERE id BETWEEN 11 AND 60");
    }
});
my %sample = map { $_ => scalar $dbh->selectrow_array(
    'SELECT token FROM provisioning_tokens WHERE account_id = ?', undef, $_) }
    $ID_TOK, $ID_RESET, $ID_QR;
my $sample_auth = $dbh->selectrow_array('SELECT token FROM auth_tokens WHERE account_id = ?',
                                        undef, $ID_AUTH);
my ($m_first, $m_last);
if ($o{memory}) {
    # 2,000 of each for the warm-up, 20,000 for the measured run
    ($m_first, $m_last) = ($next_id, $next_id + 21999);
    add_accounts($m_first, 22000);
    add_auth_tokens(22000, $m_first, $m_last, 'A');
    $next_id += 22000;
}
if ($is_root && $driver eq 'sqlite3') {
    # children run as www-data: SQLite writes its journal beside the file
    $dbh->disconnect;
    run('chown', '-R', 'www-data:www-data', "$root/db");
    $dbh = DBI->connect("dbi:SQLite:dbname=$db_file", '', '',
                        { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
    $dbh->sqlite_busy_timeout(10000);
}

# ---------------------------------------------------------------------------
# Apache
# ---------------------------------------------------------------------------
my $moddir = `apxs -q LIBEXECDIR`; chomp $moddir;
my ($mpm, $mpm_desc, $pool, $tuning);
if ($o{memory}) {
    $mpm = "StartServers 1\nServerLimit 1\nThreadsPerChild 8\nMaxRequestWorkers 8\n"
         . "MinSpareThreads 1\nMaxSpareThreads 9\nMaxConnectionsPerChild 0\n"
         . "KeepAlive On\nMaxKeepAliveRequests 0\nKeepAliveTimeout 30\n";
    $mpm_desc = 'event MPM, 1 child x 8 threads';
}
elsif ($o{tuned}) {
    $mpm = "StartServers 2\nServerLimit 2\nThreadsPerChild 32\nMaxRequestWorkers 64\n"
         . "MinSpareThreads 1\nMaxSpareThreads 64\nMaxConnectionsPerChild 0\n"
         . "KeepAlive On\nMaxKeepAliveRequests 0\nKeepAliveTimeout 30\n";
    $mpm_desc = 'event MPM, 2 children x 32 threads (tuned)';
}
else {
    # Debian's mods-available/mpm_event.conf and apache2.conf
    $mpm = "StartServers 2\nMinSpareThreads 25\nMaxSpareThreads 75\nThreadLimit 64\n"
         . "ThreadsPerChild 25\nMaxRequestWorkers 150\nMaxConnectionsPerChild 0\n"
         . "KeepAlive On\nMaxKeepAliveRequests 100\nKeepAliveTimeout 5\n";
    $mpm_desc = 'event MPM, Debian defaults (2+ children x 25 threads)';
}
if ($o{tuned} || $o{memory}) {
    # one connection per child on SQLite: APR's sqlite3 driver runs a
    # child's statements one at a time anyway
    $pool = $driver eq 'sqlite3' ? "DBDMin 1\nDBDKeep 1\nDBDMax 1\n"
                                 : "DBDMin 4\nDBDKeep 16\nDBDMax 32\n";
    $tuning = "EnableMMAP Off\nEnableSendfile On\n";
}
else {
    # docs/operations.md's recommendation for the servers; mod_dbd's
    # defaults on SQLite
    $pool = $driver eq 'sqlite3' ? '' : "DBDMin 1\nDBDKeep 4\nDBDMax 16\n";
    $tuning = '';
}
# --pool: mod_dbd's defaults, or DBDMin,DBDKeep,DBDMax, whatever the setup
if (defined $o{pool}) {
    my @n = split /,/, $o{pool};
    $pool = @n == 3 ? "DBDMin $n[0]\nDBDKeep $n[1]\nDBDMax $n[2]\n" : '';
}
(my $pool_desc = $pool) =~ s/\n(?=.)/, /g;
chomp $pool_desc;
$pool_desc ||= "mod_dbd's defaults";
my $user = $is_root ? "User www-data\nGroup www-data\n" : '';
my $dbd_driver = $driver;
my $lp_extra = $ENV{LP_BENCH_CONF} // '';
my $locations = slurp("$top/conf/site-locations.conf");

spew("$root/conf/httpd.conf", <<CONF, $ENV{BENCH_CONF_APPEND} ? "$ENV{BENCH_CONF_APPEND}\n" : '');
# Written by test/bench/bench.pl: the benchmark's throwaway server.
ServerRoot "$root"
ServerName 127.0.0.1
Listen 127.0.0.1:$o{port}
PidFile "$root/run/httpd.pid"
DefaultRuntimeDir "$root/run"
ErrorLog "$root/logs/error.log"
LogLevel warn
$user
LoadModule mpm_event_module $moddir/mod_mpm_event.so
$mpm
Timeout 30
LoadModule authn_core_module $moddir/mod_authn_core.so
LoadModule authz_core_module $moddir/mod_authz_core.so
LoadModule authz_user_module $moddir/mod_authz_user.so
LoadModule mime_module $moddir/mod_mime.so
LoadModule dbd_module $moddir/mod_dbd.so
LoadModule socache_shmcb_module $moddir/mod_socache_shmcb.so
LoadModule linphone_provisioning_module $so

# as Debian's apache2.conf: no .htaccess lookups, nothing outside htdocs
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
DocumentRoot "$root/htdocs"
<Directory "$root/htdocs">
    Require all granted
</Directory>
TypesConfig /dev/null
AddType application/xml .xml
AddType image/png .png
AddType text/vcard .vcf
$tuning
# the site's access log, and the module's with the token masked
# (conf/linphone_provisioning.conf)
LogFormat "%h %l %u %t \\"%r\\" %>s %O" common
CustomLog "$root/logs/access.log" common env=!LINPHONE_REQUEST
LogFormat "%h %l %u %t \\"%{LINPHONE_REQUEST}e\\" %>s %O \\"%{Referer}i\\"" linphone
CustomLog "$root/logs/linphone_access.log" linphone env=LINPHONE_REQUEST

DBDriver $dbd_driver
DBDParams "$dbd_params"
$pool
LinphoneProvisioningRC "$top/conf/linphone.rc"
LinphoneProvisioningBaseURL https://$domain
LinphoneDigestAlgorithms SHA-256
$lp_extra

$locations
<Location "/provisioning">
    LinphoneProvisioningEntry misc config-uri "expr=%{LINPHONE_ME_URL}" overwrite
</Location>
CONF

logm("starting Apache on 127.0.0.1:$o{port} (ServerRoot build/bench/root) ...");
if (system('apache2', '-f', "$root/conf/httpd.conf", '-k', 'start') != 0) {
    system('tail', '-5', "$root/logs/error.log");
    exit 1;
}
$SIG{INT} = $SIG{TERM} = sub { exit 130 };
my $url = "http://127.0.0.1:$o{port}";
for my $i (1 .. 100) {
    last if system("curl -s --max-time 10 -o /dev/null '$url/'") == 0;
    if ($i == 100) { system('tail', '-5', "$root/logs/error.log"); die "Apache did not start\n" }
    sleep 0.1;
}

sub stop_server {
    my $pidf = "$root/run/httpd.pid";
    return unless -f $pidf;
    my $pid = slurp($pidf); chomp $pid;
    if ($pid && kill 0, $pid) {
        system("apache2 -f '$root/conf/httpd.conf' -k stop 2>/dev/null") == 0
            or kill 'TERM', $pid;
        for (1 .. 100) { last unless kill 0, $pid; sleep 0.1 }
    }
    unlink $pidf;
}

# One response of an endpoint saved as a static copy; dies unless 200.
sub save_static {
    my($name, $path, @headers) = @_;
    my $res = `curl -s --max-time 10 -o '$root/htdocs/static/$name' -w '%{http_code} %{content_type}' @{[map { "-H '$_'" } @headers]} '$url$path'`;
    return $res if $res =~ /^200 /;
    system('tail', '-5', "$root/logs/error.log");
    die "bench: $path answered '$res', expected 200\n";
}

# Apache's CPU time (parent and children, all threads) in microseconds: the
# cost of a request, which another program's load disturbs much less than
# the rate.
my $clk_tck = `getconf CLK_TCK` + 0 || 100;
sub server_cpu_us {
    my $pid = eval { my $p = slurp("$root/run/httpd.pid"); chomp $p; $p } or return 0;
    my $sum = 0;
    for my $p ($pid, split ' ', `ps -o pid= --ppid $pid`) {
        my $st = eval { slurp("/proc/$p/stat") } or next;
        my @f = split ' ', ($st =~ /\)\s(.*)/)[0];
        $sum += $f[11] + $f[12];
    }
    return $sum * 1e6 / $clk_tck;
}

# One wrk run: { requests rps p50 p99 status_errors socket_errors exhausted
# bytes cpu_us }
sub run_wrk {
    my($t, $c, $d, @args) = @_;
    my $cpu0 = server_cpu_us();
    open my $w, '-|', 'wrk', '-t', $t, '-c', $c, '-d', "${d}s", '--timeout', '10s',
        '-s', "$here/bench.lua", $url, '--', @args or die "wrk: $!\n";
    my %v;
    while (<$w>) { %v = /(\w+)=(\d+)/g if /^BENCH / }
    close $w;
    my $cpu = server_cpu_us() - $cpu0;
    return { requests => 0, rps => 0, p50_us => 0, p99_us => 0, status_errors => 0,
             socket_errors => 0, exhausted => 0, refused => 0, bytes => 0, cpu_us => 0 }
        unless %v;
    $v{rps} = $v{duration_us} ? $v{requests} / ($v{duration_us} / 1e6) : 0;
    $v{cpu_us} = $cpu;
    return \%v;
}
# two runs of one side added up: rate over both, latencies weighted by
# requests
sub combine {
    my($a, $b) = @_;
    my $n = $a->{requests} + $b->{requests};
    my $secs = ($a->{rps} ? $a->{requests} / $a->{rps} : 0)
             + ($b->{rps} ? $b->{requests} / $b->{rps} : 0);
    my %r = (requests => $n, rps => $secs ? $n / $secs : 0);
    for my $k (qw(p50_us p99_us)) {
        $r{$k} = $n ? ($a->{requests} * $a->{$k} + $b->{requests} * $b->{$k}) / $n : 0;
    }
    $r{$_} = ($a->{$_} // 0) + ($b->{$_} // 0)
        for qw(status_errors socket_errors exhausted refused cpu_us bytes);
    return \%r;
}

my $H_PROV = 'x-linphone-provisioning: 1';

# Digest: one nonce per wrk connection (a client's nonce counts increase on
# its own connection).
my $FROM_H = "From: sip:$digest_user\@$domain";
sub challenge {
    my $uri = shift;
    my $h = `curl -s --max-time 10 -D - -o /dev/null -H '$H_PROV' -H '$FROM_H' '$url$uri'`;
    $h =~ /^WWW-Authenticate: Digest .*nonce="([0-9a-f]+)".*opaque="([0-9a-f]+)"/mi
        or die "bench: no digest challenge from $uri\n";
    return ($1, $2);
}
sub digest_lines {
    my($uri, $nonce, $opaque, $count, $cnonce) = @_;
    my $ha2 = sha256_hex("GET:$uri");
    my $s = '';
    for my $i (1 .. $count) {
        my $nc = sprintf('%08x', $i);
        my $resp = sha256_hex("$digest_ha1:$nonce:$nc:$cnonce:auth:$ha2");
        $s .= qq{Digest username="$digest_user", realm="$domain", nonce="$nonce", uri="$uri", algorithm=SHA-256, qop=auth, nc=$nc, cnonce="$cnonce", response="$resp", opaque="$opaque"\n};
    }
    return $s;
}

# ===========================================================================
# Memory run
# ===========================================================================
sub rss { my $s = eval { slurp("/proc/$_[0]/status") } // ''; $s =~ /^VmRSS:\s+(\d+)/m ? $1 : 0 }
if ($o{memory}) {
    my($mt, $mc) = (2, 4);
    make_path("$data/warm");
    export_lines('warm/tokens', tokens_of($m_first, $m_first + 1999), $mt);
    export_lines('warm/auth_tokens', "SELECT token FROM auth_tokens WHERE token LIKE 'A%'"
                 . " ORDER BY id LIMIT 2000", $mt);
    export_lines('tokens', tokens_of($m_first + 2000, $m_last), $mt);
    my $rest = $driver eq 'mysql' ? 'LIMIT 2000, 100000000' : 'LIMIT 100000000 OFFSET 2000';
    export_lines('auth_tokens', "SELECT token FROM auth_tokens WHERE token LIKE 'A%'"
                 . " ORDER BY id $rest", $mt);
    my $ppid = slurp("$root/run/httpd.pid"); chomp $ppid;
    my $child;
    for (1 .. 50) { ($child) = split ' ', `ps -o pid= --ppid $ppid`; last if $child; sleep 0.1 }
    die "bench: no child process\n" unless $child;
    my $rss_start = rss($child);
    my $memory_wrk = sub {
        my($total, $dir, $samples) = @_;
        unlink glob("$dir/done.*");
        my $pid = open my $w, '-|', 'wrk', '-t', $mt, '-c', $mc, '-d', '1800s',
            '--timeout', '10s', '-s', "$here/memory.lua", $url, '--',
            int($total / $mt), $dir, $api_key or die "wrk: $!\n";
        # every thread writes done.NNN at its quota, then wrk is
        # interrupted (it prints its summary on SIGINT)
        my $next = time;
        for (1 .. 18100) {
            my @done = glob("$dir/done.*");
            last if @done >= $mt || !kill 0, $pid;
            if ($samples && time >= $next) { push @$samples, rss($child); $next += 1 }
            sleep 0.1;
        }
        kill 'INT', $pid;
        my %v;
        while (<$w>) { %v = /(\w+)=(\d+)/g if /^MEMORY / }
        close $w;
        return \%v;
    };
    logm('memory run: warm-up (50,000 requests) ...');
    $memory_wrk->(50000, "$data/warm");
    logm("memory run: $o{requests} requests against child $child, sampling VmRSS every second ...");
    my @s;
    my $v = $memory_wrk->($o{requests}, $data, \@s);
    push @s, rss($child);
    my $still = join(' ', split ' ', `ps -o pid= --ppid $ppid`);
    my($first, $last) = ($s[0], $s[-1]);
    my($max, $min) = ($first, $first);
    for (@s) { $max = $_ if $_ > $max; $min = $_ if $_ < $min }
    my $rate = $v->{duration_us} ? $v->{requests} / ($v->{duration_us} / 1e6) : 0;
    my $ok = ($max - $first <= 2048 && $last - $first <= 2048) ? 'ok' : 'MISSED';
    my $key_requests = $dbh->selectrow_array('SELECT requests FROM api_keys WHERE account_id = ?',
                                             undef, $ID_API);
    print "\nmod_linphone_provisioning memory run: ", strftime('%Y-%m-%d %H:%M UTC', gmtime),
        ", $driver ($db_version), ", `nproc` + 0, " cores, $mpm_desc, wrk -t$mt -c$mc\n";
    printf "requests: %d in %.0f s (%.0f/s): base %d, me (API key) %d, token %d (half with ?reset_password), auth token %d; non-2xx %d, socket errors %d\n",
        $v->{requests} // 0, ($v->{duration_us} // 0) / 1e6, $rate, map { $v->{$_} // 0 }
        qw(base me token auth_token status_errors socket_errors);
    printf "child %s VmRSS: %.1f MiB before the warm-up; over the run: first %.1f MiB, last %.1f MiB, max %.1f MiB, min %.1f MiB (%d samples)\n",
        $child, $rss_start / 1024, $first / 1024, $last / 1024, $max / 1024, $min / 1024, scalar @s;
    printf "growth: last - first %+.2f MiB, max - first %+.2f MiB (target: within 2 MiB): %s\n",
        ($last - $first) / 1024, ($max - $first) / 1024, $ok;
    print "API key requests counted in the database: $key_requests\n";
    print "warning: the child changed during the run (now: $still)\n" if $still ne $child;
    exit 0;
}

# ===========================================================================
# Rate run
# ===========================================================================
save_static('base.xml', '/provisioning', $H_PROV);
save_static('token.xml', "/provisioning/$sample{$ID_TOK}", $H_PROV);
save_static('reset.xml', "/provisioning/$sample{$ID_RESET}?reset_password", $H_PROV);
save_static('auth_token.xml', "/provisioning/auth_token/$sample_auth");
save_static('qrcode.png', "/provisioning/qrcode/$sample{$ID_QR}");
save_static('me_key.xml', '/provisioning/me', $H_PROV, "x-api-key: $api_key");
save_static('vcard_key.vcf', '/contacts/vcard', $H_PROV, "x-api-key: $api_key");
my %sample_authz;
for my $uri ('/provisioning/me', '/contacts/vcard') {
    my @c = challenge($uri);
    ($sample_authz{$uri} = digest_lines($uri, @c, 1, 'samplecnonce')) =~ s/\n//;
}
save_static('me_digest.xml', '/provisioning/me', $H_PROV, $FROM_H,
            "Authorization: $sample_authz{'/provisioning/me'}");
save_static('vcard_digest.vcf', '/contacts/vcard', $H_PROV, $FROM_H,
            "Authorization: $sample_authz{'/contacts/vcard'}");

# label, static copy, path ("{}": a line of the wrk input), wrk input
# ('': the same request every time; 'digest:URI': nonces), headers
my @rows = (
    ['/provisioning', 'base.xml', '/provisioning', '', [$H_PROV]],
    ['/provisioning/{token}', 'token.xml', '/provisioning/{}', 'tokens', [$H_PROV]],
    # consumes nothing: the reset group's tokens, before the reset row
    ['/provisioning/qrcode/{token}', 'qrcode.png', '/provisioning/qrcode/{}', 'reset_tokens', []],
    ['/provisioning/{token}?reset_password', 'reset.xml', '/provisioning/{}?reset_password',
     'reset_tokens', [$H_PROV]],
    ['/provisioning/auth_token/{token}', 'auth_token.xml', '/provisioning/auth_token/{}',
     'auth_tokens', []],
    ['/provisioning/me (API key)', 'me_key.xml', '/provisioning/me', '',
     [$H_PROV, "x-api-key: $api_key"]],
    ['/provisioning/me (digest)', 'me_digest.xml', '/provisioning/me', 'digest:/provisioning/me',
     [$H_PROV, $FROM_H, 'Authorization: {}']],
    ['/contacts/vcard (API key, 50 contacts)', 'vcard_key.vcf', '/contacts/vcard', '',
     [$H_PROV, "x-api-key: $api_key"]],
    ['/contacts/vcard (digest, 50 contacts)', 'vcard_digest.vcf', '/contacts/vcard',
     'digest:/contacts/vcard', [$H_PROV, $FROM_H, 'Authorization: {}']],
);

# The fastest rate seen so far bounds every later row: it sizes the tokens
# and the nonce counts, with a quarter more.
my $bound = 0;
my $half = int(($o{duration} + 1) / 2);
my $generated = 0;
my($t_, $c_) = ($o{threads}, $o{connections});
sub generate_tokens {
    unless ($bound) {
        logm('  calibration: the base document\'s static copy, 3 s ...');
        $bound = run_wrk($t_, $c_, 3, '/static/base.xml', "header=$H_PROV")->{rps};
    }
    my $n = int($bound * $half * 2 * 5 / 4 + 1000);
    logm("  adding 3 x $n accounts with a token each, and $n auth tokens ...");
    my $f = $next_id;
    add_accounts($f, $n);
    export_lines('tokens', tokens_of($f, $f + $n - 1), 2 * $t_);
    add_accounts($f + $n, $n);
    export_lines('reset_tokens', tokens_of($f + $n, $f + 2 * $n - 1), 2 * $t_);
    add_accounts($f + 2 * $n, $n, 1);
    add_auth_tokens($n, $f + 2 * $n, $f + 3 * $n - 1, 'A');
    export_lines('auth_tokens', "SELECT token FROM auth_tokens WHERE token LIKE 'A%' ORDER BY id",
                 2 * $t_);
    $next_id += 3 * $n;
    $dbh->do('PRAGMA wal_checkpoint(TRUNCATE)') if $driver eq 'sqlite3' && $o{journal} eq 'wal';
    $dbh->do('ANALYZE') unless $driver eq 'mysql';
    $generated = 1;
}

logm("rate run: wrk -t$t_ -c$c_, per endpoint: static ${half}s, endpoint 2 x ${half}s, static ${half}s ...");
my @results;
for my $row (@rows) {
    my($label, $static, $path, $file, $headers) = @$row;
    next if defined $o{only} && $label !~ /$o{only}/;
    generate_tokens() if $file =~ /tokens$/ && !$generated;
    my($t, $c) = ($t_, $c_);
    my $digest = $file =~ /^digest:(.*)/ ? $1 : undef;
    $t = $c if $digest;       # one connection per thread
    my @as = ("/static/$static");
    my @ad = ($path);
    for my $h (@$headers) {
        my($name) = split /:/, $h;
        push @as, 'header=' . ($h =~ /\{\}/ ? "$name: $sample_authz{$digest}" : $h);
        push @ad, "header=$h";
    }
    logm("  $label ...");
    my $s1 = run_wrk($t, $c, $half, @as);
    $bound = $s1->{rps} if $s1->{rps} > $bound;
    # digest: a nonce per thread, issued just before the run that uses it
    # (a nonce idle while others are used is evicted from the nonce cache,
    # then stale), each with its nc sequence
    my $nonces = sub {
        my $from = shift;
        my $per = int($bound * $half * 5 / 4 / $t + 1000);
        for my $i ($from .. $from + $t - 1) {
            spew(sprintf('%s/digest.%03d', $data, $i),
                 digest_lines($digest, challenge($digest), $per, "cnonce$i"));
        }
    };
    if ($digest) {
        logm("  $label: $t nonces per run ...");
        $file = 'digest';
        $nonces->(0);
    }
    push @ad, "file=$data/$file" if $file;
    push @ad, 'stop401=1' if $digest;
    my $d1 = run_wrk($t, $c, $half, @ad, 'slice=0');
    $nonces->($t) if $digest;
    my $d2 = run_wrk($t, $c, $half, @ad, "slice=$t");
    my $s2 = run_wrk($t, $c, $half, @as);
    my($s, $d) = (combine($s1, $s2), combine($d1, $d2));
    for ($s2->{rps}, $d->{rps}) { $bound = $_ if $_ > $bound }
    push @results, { label => $label, threads => $t, connections => $c,
                     static => $s, endpoint => $d,
                     ratio => $s->{rps} ? $d->{rps} / $s->{rps} : 0 };
}

# ---------------------------------------------------------------------------
# The table: terminal, results.md, results.jsonl
# ---------------------------------------------------------------------------
my $cpu = (slurp('/proc/cpuinfo') =~ /^model name\s*:\s*(.*)$/m)[0] // 'unknown';
my($apache) = `apache2 -v` =~ /Server version: (\S+)/;
my $date = strftime('%Y-%m-%d %H:%M UTC', gmtime);
my $cores = `nproc` + 0;
my $setup = $o{tuned} ? 'tuned' : 'site';
my $head = "mod_linphone_provisioning benchmark, $date: $cores cores ($cpu), $apache\n"
    . "driver: $driver ($db_version); journal: "
    . ($driver eq 'sqlite3' ? $o{journal} : 'n/a') . "; settings: $setup ($mpm_desc; pool: $pool_desc)\n"
    . "wrk $t_ threads x $c_ connections (digest rows: $c_ threads x 1 connection); "
    . "per row: static ${half}s, endpoint 2 x ${half}s, static ${half}s\n"
    . "ratio = req/s / static req/s; CPU us/req = Apache's CPU time per request: endpoint / static copy\n";
my @table = ("| endpoint | req/s | p50 ms | p99 ms | static r/s | ratio | CPU us/req | notes |",
             "|---|---:|---:|---:|---:|---:|---:|---|");
for my $r (@results) {
    my($s, $d) = @$r{qw(static endpoint)};
    my @n;
    push @n, "$d->{status_errors} non-2xx!" if $d->{status_errors};
    push @n, "$d->{socket_errors} socket errors!" if $d->{socket_errors};
    push @n, 'ran out of tokens: under-measured!' if $d->{exhausted};
    push @n, "$d->{refused} connection(s) stopped at a stale nonce!" if $d->{refused};
    push @n, "static: $s->{status_errors} non-2xx!" if $s->{status_errors};
    push @n, 'no result!' unless $d->{requests};
    $r->{notes} = join(' ', @n);
    push @table, sprintf('| %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.0f / %.0f | %s |',
        $r->{label}, $d->{rps}, $d->{p50_us} / 1000, $d->{p99_us} / 1000, $s->{rps},
        $r->{ratio}, $d->{requests} ? $d->{cpu_us} / $d->{requests} : 0,
        $s->{requests} ? $s->{cpu_us} / $s->{requests} : 0, $r->{notes});
}
my $text = "$head\n" . join("\n", @table) . "\n";
print "\n$text";
spew("$out/results.md", "# $text");
my $json = sub {
    my $v = shift;
    return 'null' unless defined $v;
    return '{' . join(',', map { '"' . $_ . '":' . __SUB__->($v->{$_}) } sort keys %$v) . '}'
        if ref $v eq 'HASH';
    return '[' . join(',', map { __SUB__->($_) } @$v) . ']' if ref $v eq 'ARRAY';
    return $v if $v =~ /^-?\d+(\.\d+)?$/;
    (my $e = $v) =~ s/(["\\])/\\$1/g;
    $e =~ s/\n/\\n/g;
    return "\"$e\"";
};
open my $jl, '>>', "$out/results.jsonl" or die "$!\n";
print $jl $json->({ date => $date, machine => "$cores cores, $cpu", apache => $apache,
                    driver => $driver, database => $db_version,
                    journal => $driver eq 'sqlite3' ? $o{journal} : undef,
                    settings => $setup, mpm => $mpm_desc, pool => $pool_desc,
                    wrk => { threads => $t_, connections => $c_, seconds_per_side => 2 * $half },
                    rows => [map { { label => $_->{label}, ratio => sprintf('%.3f', $_->{ratio}),
                                     rps => sprintf('%.0f', $_->{endpoint}{rps}),
                                     static_rps => sprintf('%.0f', $_->{static}{rps}),
                                     p50_ms => sprintf('%.2f', $_->{endpoint}{p50_us} / 1000),
                                     p99_ms => sprintf('%.2f', $_->{endpoint}{p99_us} / 1000),
                                     non_2xx => $_->{endpoint}{status_errors},
                                     socket_errors => $_->{endpoint}{socket_errors},
                                     stale_stops => $_->{endpoint}{refused},
                                     notes => $_->{notes} } } @results] }), "\n";
close $jl;
print "results: build/bench/results.md, build/bench/results.jsonl\n";
print "Apache keeps running on $url (stop: apache2 -f $root/conf/httpd.conf -k stop)\n" if $o{keep};
exit 0;
