package LinphoneNodes;

# Apache nodes of a cluster for cluster.t and the high-availability tests
# (ha_galera.t, ha_pgsql.t): more httpd instances with the module, each on
# its own loopback port and its own DBDParams, sharing one digest secret and
# one redis nonce cache.

use strict;
use warnings;

use Exporter 'import';
use File::Temp ();
use IO::Socket::INET ();
use Time::HiRes qw(sleep);
use Apache::Test ();
use LinphoneTest qw(random_token uniq create_account ha1);

our @EXPORT = qw(free_port start_node stop_nodes node_crashes node_log node_account);

my $dir;
my $secret;
my @nodes;

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)
        or die "no free port: $!";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub _setup {
    return if $dir;
    # under t/logs: the nodes' error logs stay with the run's
    $dir = File::Temp::tempdir('nodes-XXXX', DIR => Apache::Test::vars('t_logs'));
    $secret = "$dir/digest.secret";
    open my $sfh, '>', $secret or die "$secret: $!";
    print $sfh random_token(48);
    close $sfh;
}

# start_node($name, redis => $port, dbparams => '${LP_DB_MAIN}', extra => '')
# -> base URL; the node runs until stop_nodes().  dbparams is the DBDParams
# value (an Apache Define of t/conf/lp-db.conf, typically).
sub start_node {
    my($name, %o) = @_;
    _setup();
    my $t_dir   = Apache::Test::vars('t_dir');
    my $httpd   = Apache::Test::vars('httpd');
    my $modules = Apache::Test::config()->apxs('LIBEXECDIR');
    my $so      = Apache::Test::vars('top_dir') . '/../../.libs/mod_linphone_provisioning.so';
    my $dbparams = $o{dbparams} // '${LP_DB_MAIN}';
    my $extra = $o{extra} // '';
    my $port = free_port();
    my $nd   = "$dir/$name";
    mkdir $nd or die "$nd: $!";
    open my $fh, '>', "$nd/httpd.conf" or die $!;
    print $fh <<"CONF";
ServerRoot "$t_dir"
LoadModule mpm_event_module $modules/mod_mpm_event.so
<IfModule !mod_unixd.c>
    LoadModule unixd_module $modules/mod_unixd.so
</IfModule>
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule authn_core_module $modules/mod_authn_core.so
LoadModule authz_user_module $modules/mod_authz_user.so
LoadModule dbd_module $modules/mod_dbd.so
LoadModule socache_redis_module $modules/mod_socache_redis.so
LoadModule linphone_provisioning_module $so
ServerName localhost
Listen 127.0.0.1:$port
PidFile $nd/httpd.pid
ErrorLog $nd/error_log
LogLevel info
DefaultRuntimeDir $nd
StartServers 2
ThreadsPerChild 16
MaxRequestWorkers 64
Include $t_dir/conf/lp-db.conf
DBDriver \${LP_DB_DRIVER}
DBDParams "$dbparams"
LinphoneProvisioningRC $t_dir/conf/linphone.rc
LinphoneDigestNonceCache redis:127.0.0.1:$o{redis}
LinphoneDigestSecret $secret
$extra
<Location /provisioning>
    SetHandler linphone-provisioning
</Location>
<Location /provisioning/me>
    AuthType Linphone
    AuthName "Linphone"
    Require valid-user
</Location>
CONF
    close $fh;
    my $rc = system($httpd, '-d', $t_dir, '-f', "$nd/httpd.conf", '-k', 'start');
    die "node $name: httpd -k start failed ($rc), see $nd/error_log\n" if $rc;
    push @nodes, $nd;
    for (1 .. 100) {                                    # up to 10 s
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 1);
        if ($s) { close $s; return "http://127.0.0.1:$port" }
        sleep 0.1;
    }
    die "node $name did not listen on $port, see $nd/error_log\n";
}

sub stop_nodes {
    return unless @nodes;
    my $t_dir = Apache::Test::vars('t_dir');
    my $httpd = Apache::Test::vars('httpd');
    for my $nd (@nodes) {
        system($httpd, '-d', $t_dir, '-f', "$nd/httpd.conf", '-k', 'stop');
        for (1 .. 100) { last unless -e "$nd/httpd.pid"; sleep 0.1 }
    }
    @nodes = ();
}

# The error log of node $name.
sub node_log { return "$dir/$_[0]/error_log" }

# The lines of the nodes' error logs that tell of a crashed child.
sub node_crashes {
    my @crash;
    return () unless $dir;
    for my $log (glob "$dir/*/error_log") {
        open my $fh, '<', $log or next;
        push @crash, grep { /exit signal|Segmentation fault|AH00052/ } <$fh>;
    }
    return @crash;
}

# node_account($prefix, $domain, $display_name) -> ($id, $username): a
# new account whose password is "pw" (a SHA-256 HA1), for Digest on /me.
sub node_account {
    my($prefix, $domain, $display) = @_;
    my $user = uniq($prefix);
    my $id = create_account($user, $domain, $display,
                            passwords => [[ha1('SHA-256', $user, $domain, 'pw'), 'SHA-256']]);
    return ($id, $user);
}

END { stop_nodes() }

1;
