package LinphoneClient;

# A real Linphone client against the module: helpers for
# t/modules/linphone_provisioning/linphone_client.t.
#
# The client is test/linphone-client/lpclient, built on Debian's liblinphone
# (make -f Makefile.apxs lpclient).  After provisioning, liblinphone probes
# its local IP with a UDP connect() to a public address, and a provisioned
# account may try DNS: the client therefore only ever runs inside a private
# network namespace whose only interface is the loopback, together with an
# Apache of its own (the shared Apache::Test server lives in the machine's
# namespace, which the client must not reach or leave).
#
# enter_private_netns() re-executes the calling test file under
#   unshare --user --map-current-user --keep-caps --net --pid --fork --kill-child
# i.e. an unprivileged user namespace (still the same uid, so Apache::Test
# and Apache run as they do elsewhere), a network namespace (brought up with
# `ip link set lo up`, which the kept capabilities allow) and a PID
# namespace: when the test file ends, however it ends, the kernel kills
# every process left in it, Apache included.

use strict;
use warnings;

use Exporter 'import';
use File::Path ();
use IO::Socket::INET ();
use POSIX ();
use Time::HiRes ();
use Apache::Test ();

our @EXPORT = qw(
    use_client client_version
    client_skip_reason enter_private_netns lpclient_bin client_dir
    modules_dir make_test_ca start_httpd stop_httpd run_client
    access_log_lines
);

sub top { Apache::Test::vars('top_dir') . '/../..' }

# Which client: '5.1', Debian 12's liblinphone on this machine (lpclient,
# built by the Makefile), or '5.3', Debian trixie's, in the chroot that
# test/linphone-client/trixie.sh made (lpclient-5.3, run through a user
# namespace: see run_client).
my $client = '5.1';
sub use_client { $client = shift }
sub client_version { $client }

sub trixie_cache {
    $ENV{LP_TRIXIE_CACHE} || '/var/cache/mod_linphone_provisioning/trixie'
}
sub trixie_root { trixie_cache() . '/root' }

# lpclient-5.3's path inside the chroot (see trixie_root)
my $lpclient53 = '/opt/lpclient/lpclient-5.3';

sub lpclient_bin {
    return $client eq '5.3' ? trixie_root() . $lpclient53
                            : top() . '/test/linphone-client/lpclient';
}

# Scratch directory of the client tests (under t/logs: kept after the run
# for inspection, removed by t/TEST -clean); one per client.
sub client_dir {
    my $d = Apache::Test::vars('t_logs') . '/linphone-client'
          . ($client eq '5.1' ? '' : "-$client");
    File::Path::make_path($d) unless -d $d;
    return $d;
}

sub _which {
    my $cmd = shift;
    for my $d (split(/:/, $ENV{PATH} || ''), qw(/usr/sbin /sbin /usr/bin /bin)) {
        return "$d/$cmd" if -x "$d/$cmd";
    }
    return undef;
}

sub _namespace_cmd {
    return ('unshare', '--user', '--map-current-user', '--keep-caps',
            '--net', '--pid', '--fork', '--kill-child');
}

# Why the client tests cannot run here, or undef when they can.
sub client_skip_reason {
    return _skip53() if $client eq '5.3';
    return 'liblinphone-dev is not installed, so the real Linphone client '
         . '(test/linphone-client/lpclient) was not built: '
         . 'apt-get install liblinphone-dev, then make -f Makefile.apxs lpclient'
        unless -x lpclient_bin();
    for my $cmd (qw(unshare ip openssl)) {
        return "the client tests need the `$cmd` command "
             . '(Debian packages util-linux, iproute2, openssl)'
            unless _which($cmd);
    }
    return undef if $ENV{LP_CLIENT_NETNS};
    my $ip = _which('ip');
    my $probe = join(' ', _namespace_cmd())
              . " $ip link set lo up >/dev/null 2>&1";
    return 'cannot create a private user+network namespace as uid ' . $<
         . " (`unshare --user --net` refused: unprivileged user namespaces"
         . ' disabled?); the real client must not run in the machine\'s own'
         . ' network namespace'
        if system($probe) != 0;
    return undef;
}

sub _skip53 {
    unless (-x lpclient_bin()) {
        my $why = '';
        if (open my $fh, '<', trixie_cache() . '/skip') {
            chomp($why = <$fh> // '');
        }
        return 'the liblinphone 5.3 client was not built ('
             . ($why || 'test/run-tests.sh builds it as root with '
                      . 'test/linphone-client/trixie.sh')
             . ')';
    }
    for my $cmd (qw(unshare ip openssl)) {
        return "the client tests need the `$cmd` command "
             . '(Debian packages util-linux, iproute2, openssl)'
            unless _which($cmd);
    }
    # the chroot is entered through an unprivileged user namespace, made
    # inside the private one (the root-made namespace has none)
    return 'running the 5.3 client in its chroot needs unprivileged user '
         . 'namespaces (`unshare --user` refused)'
        if _quiet(_chroot_cmd(client_dir(), '/bin/true')) != 0;
    return undef;
}

# system() without its output
sub _quiet {
    my @cmd = @_;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDOUT, '>', '/dev/null';
        open STDERR, '>&', \*STDOUT;
        exec @cmd or POSIX::_exit(127);
    }
    waitpid $pid, 0;
    return $?;
}

# unshare(1) making a user namespace whose root may chroot and a mount
# namespace binding $dir (the tests' scratch directory) at /lp in the
# chroot; then the command (a path inside the chroot).
sub _chroot_cmd {
    my($dir, @cmd) = @_;
    return ('unshare', '--user', '--map-root-user', '--mount', 'sh', '-c',
            'r=$1; shift; mount --bind "$0" "$r/lp" && exec chroot "$r" "$@"',
            $dir, trixie_root(), @cmd);
}

# Re-executes this test file inside the private namespaces (see above);
# returns only inside them, with the loopback up and no other interface.
# LP_CLIENT_NETNS=root: test/run-tests.sh already runs the whole suite in a
# network namespace made by root (no unprivileged user namespaces here).
sub enter_private_netns {
    unless ($ENV{LP_CLIENT_NETNS}) {
        $ENV{LP_CLIENT_NETNS} = 1;
        $ENV{PERL5LIB} = join ':', grep { !ref } @INC;
        $| = 1;
        exec(_namespace_cmd(), $^X, $0, @ARGV)
            or die "exec unshare: $!\n";
    }
    my $ip = _which('ip');
    if (`$ip -o link show lo 2>/dev/null` !~ /[<,]UP[,>]/) {
        system($ip, 'link', 'set', 'lo', 'up') == 0
            or die "ip link set lo up failed inside the namespace\n";
    }
    # /proc/net is this process's namespace (/sys/class/net is not)
    open my $fh, '<', '/proc/net/dev' or die "/proc/net/dev: $!\n";
    my @ifs = grep { $_ ne 'lo' } map { /^\s*([^:\s]+):/ ? $1 : () } <$fh>;
    die "not an isolated network namespace (interfaces: @ifs)\n" if @ifs;
}

sub modules_dir {
    my $apxs = Apache::Test::vars('apxs') || 'apxs';
    my $d = `$apxs -q LIBEXECDIR 2>/dev/null`;
    chomp $d if defined $d;
    return $d && -d $d ? $d : '/usr/lib/apache2/modules';
}

# A throwaway CA and a server certificate for 127.0.0.1 signed by it, made
# with openssl in $dir.  liblinphone 5.1 (belle-sip over mbedTLS 2) matches
# the host against the certificate's DNS names only (not IP addresses), so
# the name 127.0.0.1 is also given as a DNS name.
# Returns (ca.pem, server.pem, server.key).
sub make_test_ca {
    my $dir = shift;
    my($ca, $cakey, $crt, $key, $csr, $ext) =
        map { "$dir/$_" } qw(ca.pem ca.key server.pem server.key server.csr ext.cnf);
    open my $fh, '>', $ext or die "$ext: $!";
    print $fh "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost\n",
              "basicConstraints=CA:FALSE\n",
              "extendedKeyUsage=serverAuth\n";
    close $fh;
    my @cmds = (
        [qw(openssl req -x509 -newkey rsa:2048 -nodes -days 2),
         -subj => '/CN=mod_linphone_provisioning test CA',
         -addext => 'basicConstraints=critical,CA:TRUE',
         -addext => 'keyUsage=critical,keyCertSign,cRLSign',
         -keyout => $cakey, -out => $ca],
        [qw(openssl req -newkey rsa:2048 -nodes), -subj => '/CN=127.0.0.1',
         -keyout => $key, -out => $csr],
        [qw(openssl x509 -req -days 2 -set_serial 2), -in => $csr,
         -CA => $ca, -CAkey => $cakey, -extfile => $ext, -out => $crt],
    );
    for my $c (@cmds) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            open STDOUT, '>>', "$dir/openssl.log";
            open STDERR, '>&', \*STDOUT;
            exec @$c or POSIX::_exit(127);
        }
        waitpid $pid, 0;
        die "openssl failed (see $dir/openssl.log): @$c\n" if $?;
    }
    return ($ca, $crt, $key);
}

my $httpd_pid;

sub _port_open {
    my $port = shift;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 1);
    return 0 unless $s;
    close $s;
    return 1;
}

# start_httpd($conf_file, @ports): Apache in the foreground as a child of
# this process; returns when every port accepts connections (20 s at most).
sub start_httpd {
    my($conf, @ports) = @_;
    my $httpd = Apache::Test::vars('httpd') || '/usr/sbin/apache2';
    my $out = client_dir() . '/httpd.out';
    $httpd_pid = fork // die "fork: $!";
    if (!$httpd_pid) {
        # its own session: on shutdown the prefork MPM signals its whole
        # process group, which would otherwise be the test harness's
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $out;
        open STDERR, '>&', \*STDOUT;
        exec $httpd, '-f', $conf, '-DFOREGROUND' or POSIX::_exit(127);
    }
    my $deadline = time + 20;
    for my $port (@ports) {
        until (_port_open($port)) {
            if (waitpid($httpd_pid, POSIX::WNOHANG()) == $httpd_pid
                || time > $deadline) {
                undef $httpd_pid;
                die "Apache did not start (see $out and the error log)\n";
            }
            Time::HiRes::sleep(0.1);
        }
    }
    return $httpd_pid;
}

sub stop_httpd {
    return unless $httpd_pid && $httpd_pid > 1;
    kill 'TERM', $httpd_pid;
    my $deadline = time + 10;
    while (waitpid($httpd_pid, POSIX::WNOHANG()) == 0) {
        if (time > $deadline) {
            kill 'KILL', $httpd_pid;
            waitpid $httpd_pid, 0;
            last;
        }
        Time::HiRes::sleep(0.1);
    }
    undef $httpd_pid;
}

END { stop_httpd() }

# run_client(uri => URL, rc_in => FILE, rc_out => FILE, ca => FILE,
#            contacts => SECONDS, name => 'label')
# Runs lpclient (bounded: its own 20 s wait, and `timeout` kills it after
# 60 s) and parses its output:
#   { exit, status, message, config_uri, stderr => FILE,
#     accounts => [ { identity, server } ... ],
#     auth_infos => [ { username, domain, realm, ha1, algorithm, passwd } ... ],
#     friend_lists => [ { list_name, list_uri, friends => [ { friend_name,
#                         friend_address } ... ] } ... ] (with contacts) }
my $runs = 0;
sub run_client {
    my %o = @_;
    my $dir = client_dir();
    $runs++;
    my $name = $o{name} || "run$runs";
    $name =~ s/[^A-Za-z0-9_.-]/_/g;
    my $err = "$dir/client-$runs-$name.stderr";
    # the 5.3 client sees $dir as /lp
    my $in = sub { my $f = shift;
                   $f =~ s{^\Q$dir\E(?=/|$)}{/lp} if $client eq '5.3'; $f };
    my @args = ('-v', '-t', '20');
    push @args, '-i', $in->($o{rc_in})  if $o{rc_in};
    push @args, '-o', $in->($o{rc_out}) if $o{rc_out};
    push @args, '-a', $in->($o{ca})     if $o{ca};
    push @args, '-c', $o{contacts}      if $o{contacts};
    push @args, $o{uri}                 if $o{uri};
    my @cmd = ('timeout', '-k', '5', '60',
               $client eq '5.3' ? _chroot_cmd($dir, $lpclient53, @args)
                                : (lpclient_bin(), @args));

    my $pid = open(my $fh, '-|') // die "fork: $!";
    if (!$pid) {
        open STDERR, '>', $err;
        $ENV{TMPDIR} = $client eq '5.3' ? '/lp' : $dir;
        exec @cmd or POSIX::_exit(127);
    }
    my %r = (accounts => [], auth_infos => [], friend_lists => [],
             remote_contact_directories => [], stderr => $err);
    my $cur = \%r;
    while (my $line = <$fh>) {
        chomp $line;
        my($k, $v) = split /=/, $line, 2;
        next unless defined $v;
        if ($k eq 'account') {
            push @{ $r{accounts} }, $cur = {};
        }
        elsif ($k eq 'auth_info') {
            push @{ $r{auth_infos} }, $cur = {};
        }
        elsif ($k eq 'friend_list') {
            push @{ $r{friend_lists} }, $cur = { friends => [] };
        }
        elsif ($k eq 'friend') {
            my $list = $r{friend_lists}[-1] or next;
            push @{ $list->{friends} }, $cur = {};
        }
        elsif ($k eq 'remote_contact_directory_api') {
            $r{$k} = $v;
        }
        elsif ($k eq 'remote_contact_directory') {
            push @{ $r{remote_contact_directories} }, $cur = { section => $v };
        }
        elsif ($k =~ /^rcd\.(.+)/) {
            $cur->{$1} = $v;
        }
        else {
            $cur->{$k} = $v;
        }
    }
    close $fh;
    $r{exit} = $? >> 8;
    $r{status} //= '(none)';
    return \%r;
}

# The access log lines written since the previous call (one log file).
# Apache logs a request after sending its response, so the client may be
# done before the line is written: wait (5 s at most) for $min lines.
my %log_offset;
sub access_log_lines {
    my($file, $min) = @_;
    my @lines;
    my $deadline = Time::HiRes::time() + 5;
    while (1) {
        if (open my $fh, '<', $file) {
            seek $fh, $log_offset{$file} || 0, 0;
            while (defined(my $l = <$fh>)) {
                last unless $l =~ /\n\z/;     # a line still being written
                chomp $l;
                push @lines, $l;
                $log_offset{$file} = tell $fh;
            }
        }
        last if @lines >= ($min || 0) || Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.05);
    }
    return @lines;
}

1;
