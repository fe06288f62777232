package LinphoneNodes;

# Apache nodes of a cluster for cluster.t and the high-availability tests
# (ha_galera.t, ha_pgsql.t): more httpd instances with the module, each on
# its own loopback port and its own DBDParams, sharing one digest secret and
# one redis nonce cache (without redis, each its own shmcb cache).  Tests
# that restart or stop a node of their own (apikey_counter.t, journal.t)
# use them too.

use strict;
use warnings;

use Exporter 'import';
use File::Temp ();
use IO::Socket::INET ();
use Time::HiRes qw(sleep);
use Apache::Test ();
use LinphoneTest qw(random_token uniq create_account ha1);

our @EXPORT = qw(free_port start_node stop_nodes node_crashes node_log node_account
                 node_ctl node_wait stop_node);

my $dir;
my $secret;
my @nodes;
my %port;        # name -> its port

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
# -> base URL; the node runs until stop_nodes() or stop_node($name).
# dbparams is the DBDParams value (an Apache Define of t/conf/lp-db.conf,
# typically); extra comes after the defaults, so it may override them.
sub start_node {
    my($name, %o) = @_;
    _setup();
    my $t_dir   = Apache::Test::vars('t_dir');
    my $httpd   = Apache::Test::vars('httpd');
    my $modules = Apache::Test::config()->apxs('LIBEXECDIR');
    my $so      = Apache::Test::vars('top_dir') . '/../../.libs/mod_linphone_provisioning.so';
    my $dbparams = $o{dbparams} // '${LP_DB_MAIN}';
    my $extra = $o{extra} // '';
    my $cache = $o{redis} ? "LinphoneDigestNonceCache redis:127.0.0.1:$o{redis}" : '';
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
LoadModule socache_shmcb_module $modules/mod_socache_shmcb.so
<IfFile $modules/mod_socache_redis.so>
    LoadModule socache_redis_module $modules/mod_socache_redis.so
</IfFile>
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
$cache
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
    $port{$name} = $port;
    return "http://127.0.0.1:$port" if node_wait($name);
    die "node $name did not listen on $port, see $nd/error_log\n";
}

# node_wait($name): 1 once the node accepts connections (up to 10 s).
sub node_wait {
    my $port = $port{$_[0]};
    for (1 .. 100) {
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 1);
        if ($s) { close $s; return 1 }
        sleep 0.1;
    }
    return 0;
}

# node_ctl($name, 'graceful'|'restart'|...): httpd -k on that node.
sub node_ctl {
    my($name, $verb) = @_;
    return system(Apache::Test::vars('httpd'), '-d', Apache::Test::vars('t_dir'),
                  '-f', "$dir/$name/httpd.conf", '-k', $verb);
}

# stop_node($name): stops it and waits until its parent (so its children)
# has exited.
sub stop_node {
    my $name = shift;
    my $nd = "$dir/$name";
    return unless grep { $_ eq $nd } @nodes;
    node_ctl($name, 'stop');
    for (1 .. 150) { last unless -e "$nd/httpd.pid"; sleep 0.1 }
    @nodes = grep { $_ ne $nd } @nodes;
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
