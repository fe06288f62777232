# Bad directive values are refused at startup, with a message naming the
# directive (or the fix).  Each case starts a separate httpd (-X) on a throwaway
# configuration; a good configuration must start (positive control).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use File::Temp ();
use IO::Socket::INET ();
use POSIX ();
use Time::HiRes qw(sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my @bad = (
    'LinphoneProvisioningRequireHeader Maybe',
    'LinphoneProvisioningTokenExpiry abc',
    'LinphoneProvisioningTokenExpiry -1',
    'LinphoneProvisioningTokenExpiry 10x',
    'LinphoneProvisioningAuthTokenExpiry soon',
    'LinphoneProvisioningPasswordAlgorithm SHA-1',
    'LinphoneProvisioningPasswordAlgorithm',
    'LinphoneProvisioningOverwriteAll yes',
    'LinphoneProvisioningDBTimeout abc',
    'LinphoneProvisioningDBTimeout -3',
    'LinphoneProvisioningBaseURL sip.example.org',
    'LinphoneProvisioningRC /nonexistent/linphone.rc',
    'LinphoneProvisioningSpaces maybe',
    'LinphoneProvisioningSpacesCache -1',
    'LinphoneProvisioningEntry sip only_two',
    'LinphoneProvisioningEntry sip k v overwrite extra',
    'LinphoneProvisioningEntry sip k "expr=%{LINPHONE_NOPE}"',
    'LinphoneProvisioningEntry sip k "expr=%{unbalanced"',
    'LinphoneProvisioningInclude /nonexistent/extra.xml',
    'LinphoneDigestAlgorithms SHA-1',
    'LinphoneDigestNonceLifetime forever',
    'LinphoneDigestNonceCache nosuchprovider',
    'LinphoneDigestSecret /nonexistent/secret',
    'LinphoneAuthAPIKey sometimes',
    'LinphoneDigestNonceLifetime 0',
    'LinphoneProvisioningBaseURL https://sip.example.org/?x=1',
    "LinphoneProvisioningPasswordAlgorithm MD5\nLinphoneDigestAlgorithms SHA-256",
);

my $cfg     = Apache::Test::config();
my $httpd   = Apache::Test::vars('httpd');
my $modules = $cfg->apxs('LIBEXECDIR');

# Refused although each directive alone is valid: [lines, what the message
# must say].
my $authn = "LoadModule authn_core_module $modules/mod_authn_core.so\n"
          . "<Location /provisioning/me>\n    AuthType Linphone\n</Location>";
my $shmcb = "LoadModule socache_shmcb_module $modules/mod_socache_shmcb.so";
my @bad_together = (
    [$authn, qr/AuthType Linphone.*mod_socache_shmcb.*LinphoneDigestNonceCache/],
);

# Good configurations that must start.
my @good = (
    'LinphoneProvisioningVcardListURL "https://vcard.example/list?x=1&y=2"',
    "$authn\n$shmcb",
    "LinphoneProvisioningPasswordAlgorithm MD5\nLinphoneDigestAlgorithms MD5",
);

plan tests => 1 + 2 * @bad + 2 * @bad_together + @good;

my $t_dir   = Apache::Test::vars('t_dir');
my $so      = Apache::Test::vars('top_dir') . '/../../.libs/mod_linphone_provisioning.so';

# start_httpd($line) -> (exit status or 'running', output)
sub start_httpd {
    my $line = shift;
    my $dir  = File::Temp::tempdir(CLEANUP => 1);
    my $port = do {
        my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0);
        my $p = $s->sockport; close $s; $p;
    };
    open my $fh, '>', "$dir/httpd.conf" or die $!;
    print $fh <<"CONF";
ServerRoot "$t_dir"
LoadModule mpm_prefork_module $modules/mod_mpm_prefork.so
<IfModule !mod_unixd.c>
    LoadModule unixd_module $modules/mod_unixd.so
</IfModule>
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule dbd_module $modules/mod_dbd.so
LoadModule linphone_provisioning_module $so
ServerName localhost
Listen 127.0.0.1:$port
PidFile $dir/httpd.pid
ErrorLog $dir/error_log
DefaultRuntimeDir $dir
StartServers 1
Include $t_dir/conf/lp-db.conf
DBDriver \${LP_DB_DRIVER}
DBDParams "\${LP_DB_MAIN}"
LinphoneProvisioningRC $t_dir/conf/linphone.rc
<Location /provisioning>
    SetHandler linphone-provisioning
</Location>
$line
CONF
    close $fh;

    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        open STDOUT, '>', "$dir/out" or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT;
        { exec $httpd, '-X', '-d', $t_dir, '-f', "$dir/httpd.conf" }
        POSIX::_exit(127);
    }
    my $status = 'running';
    for (1 .. 50) {                                      # up to 5 s
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) { $status = $? >> 8; last }
        sleep 0.1;
    }
    if ($status eq 'running') {
        kill 'TERM', $pid;
        waitpid($pid, 0);
    }
    my $out = '';
    for my $f ("$dir/out", "$dir/error_log") {
        open my $in, '<', $f or next;
        local $/;
        $out .= <$in> // '';
    }
    return ($status, $out);
}

my($status, $out) = start_httpd('LinphoneProvisioningTokenExpiry 10');
is($status, 'running', 'control: a good configuration starts') or diag($out);

for my $line (@bad) {
    my($directive) = $line =~ /^(\S+)/;
    ($status, $out) = start_httpd($line);
    ok($status ne 'running' && $status != 0, "refused: $line")
        or diag("status $status\n$out");
    like($out, qr/\Q$directive\E/, "... the message names $directive")
        or diag($out);
}
for my $case (@bad_together) {
    my($lines, $says) = @$case;
    ($status, $out) = start_httpd($lines);
    ok($status ne 'running' && $status != 0, "refused: $lines")
        or diag("status $status\n$out");
    like($out, $says, '... the message names the directive and the fix')
        or diag($out);
}
for my $lines (@good) {
    ($status, $out) = start_httpd($lines);
    is($status, 'running', "starts: $lines") or diag($out);
}
