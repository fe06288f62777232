package LinphoneLoad;

# Load for the concurrency and robustness tests (concurrency.t, cluster.t,
# dbfault.t, soak.t): races of forked clients, bursts of simultaneous
# requests from one process, and background loader processes that record
# every answer.  Plain HTTP/1.0 over sockets: cheap enough to run thousands
# of requests a second from the test process itself.

use strict;
use warnings;

use Exporter 'import';
use IO::Socket::INET ();
use IO::Select ();
use POSIX ();
use Time::HiRes qw(time sleep);
use LWP::UserAgent ();
use LWP::Protocol::http ();   # loaded once here, not in every child
use Apache::TestRequest ();

our @EXPORT = qw(server_of race burst raw_get start_loaders stop_loaders);

# race([{ header => value, ... },] @urls): one forked client per URL (a path
# is resolved against the current Apache::TestRequest::module), all released
# at the same moment, each with the x-linphone-provisioning header (and the
# optional headers).  Returns { 200 => n, 404 => n, other => n }.
sub race {
    my %extra = ref $_[0] eq 'HASH' ? %{ shift() } : ();
    my @urls = map { m{^/} ? Apache::TestRequest::resolve_url($_) : $_ } @_;
    # Children block on the pipe until the parent closes it.  They use a
    # bare LWP agent (cheap in a fresh child, no redirects followed).
    pipe(my $gate_r, my $gate_w) or die "pipe: $!";
    my @pids;
    for my $url (@urls) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if (!$pid) {
            close $gate_w;
            my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
            <$gate_r>;
            my $res = eval { $ua->get($url, 'x-linphone-provisioning' => 'true', %extra) };
            my $code = $res ? $res->code : 0;
            POSIX::_exit($code == 200 ? 0 : $code == 404 ? 1 : 2);
        }
        push @pids, $pid;
    }
    close $gate_r;
    sleep 0.3;                          # let every child reach the gate
    close $gate_w;

    my %count = (200 => 0, 404 => 0, other => 0);
    for my $pid (@pids) {
        waitpid($pid, 0);
        my $rc = $? >> 8;
        $count{ $rc == 0 ? 200 : $rc == 1 ? 404 : 'other' }++;
    }
    return \%count;
}

# (host, port) of the current Apache::TestRequest::module.
sub server_of {
    my $url = Apache::TestRequest::resolve_url('/');
    my($host, $port) = $url =~ m{^https?://([^:/]+):(\d+)/} or die "url $url";
    return ($host, $port);
}

sub _request {
    my($host, $port, $path, %h) = @_;
    return "GET $path HTTP/1.0\r\nHost: $host:$port\r\n"
         . "x-linphone-provisioning: load\r\nUser-Agent: lp-load/1\r\n"
         . join('', map { "$_: $h{$_}\r\n" } sort keys %h)
         . "Connection: close\r\n\r\n";
}

# A parsed answer: { status, headers => {lowercase => value}, body }.
# status 0: no answer (connection refused, reset, or closed early).
sub _parse {
    my $raw = shift // '';
    my($head, $body) = split /\r\n\r\n/, $raw, 2;
    my($status) = ($head // '') =~ m{^HTTP/1\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head // '') {
        $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/;
    }
    return { status => $status // 0, headers => \%h, body => $body // '' };
}

# burst($host, $port, @paths): every request sent at once (connections
# opened first, then the requests written back to back); the answers in
# order.  burst([$host, $port, $path, header => value...], ...): the same
# over several servers, with headers of their own.
sub burst {
    my @to = ref $_[0] ? @_ : do { my($h, $p, @paths) = @_; map { [$h, $p, $_] } @paths };
    my @paths = map { $_->[2] } @to;
    my(@socks, %buf);
    for my $t (@to) {
        my $s = IO::Socket::INET->new(PeerAddr => $t->[0], PeerPort => $t->[1],
                                      Proto => 'tcp', Timeout => 10);
        push @socks, $s;
    }
    for my $i (0 .. $#paths) {
        next unless $socks[$i];
        my $req = _request(@{ $to[$i] });
        syswrite($socks[$i], $req) or undef $socks[$i];
    }
    my @live = grep { defined } @socks;
    my %index = map { (fileno($socks[$_]) => $_) } grep { $socks[$_] } 0 .. $#socks;
    my $sel = IO::Select->new(@live);
    my $deadline = time + 60;
    while ($sel->count && time < $deadline) {
        for my $s ($sel->can_read(1)) {
            my $n = sysread($s, my $chunk, 65536);
            if (!$n) {
                $sel->remove($s);
                close $s;
                next;
            }
            $buf{ $index{ fileno $s } } .= $chunk;
        }
    }
    return map { _parse($buf{$_}) } 0 .. $#paths;
}

# One request, blocking.
sub raw_get {
    my($host, $port, $path) = @_;
    my($r) = burst($host, $port, $path);
    return $r;
}

# start_loaders($host, $port, $dir, [[@paths of loader 1], [...], ...],
#               pause => seconds between requests)
# Forks one process per list; each requests its paths in order until the
# list ends or stop_loaders() is called, and appends to $dir/load.N one line
# per answer: path, status, Retry-After, seconds taken, start time, and the
# first auth_info ha1 of a document (or "-").  Returns a handle.
sub start_loaders {
    my($host, $port, $dir, $lists, %o) = @_;
    my $pause = $o{pause} // 0.02;
    my $stop = "$dir/stop";
    unlink $stop;
    my @pids;
    for my $n (0 .. $#$lists) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if (!$pid) {
            open my $out, '>', "$dir/load.$n" or POSIX::_exit(2);
            select((select($out), $| = 1)[0]);
            for my $path (@{ $lists->[$n] }) {
                last if -e $stop;
                my $t0 = time;
                my $r = raw_get($host, $port, $path);
                my $took = time - $t0;
                my($ha1) = $r->{body} =~ m{<section name="auth_info_0">.*?<entry name="ha1">([0-9a-f]+)</entry>}s;
                printf $out "%s\t%d\t%s\t%.3f\t%.3f\t%s\n", $path, $r->{status},
                    $r->{headers}{'retry-after'} // '-', $took, $t0, $ha1 // '-';
                sleep $pause if $pause;
            }
            close $out;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    return { pids => \@pids, dir => $dir, n => scalar @$lists };
}

# Stops the loaders and returns every record:
# { path, status, retry_after, took, at, ha1 }.
sub stop_loaders {
    my $h = shift;
    open my $fh, '>', "$h->{dir}/stop" or die "$h->{dir}/stop: $!";
    close $fh;
    waitpid($_, 0) for @{ $h->{pids} };
    my @records;
    for my $n (0 .. $h->{n} - 1) {
        open my $in, '<', "$h->{dir}/load.$n" or next;
        while (<$in>) {
            chomp;
            my @f = split /\t/;
            next unless @f == 6;
            push @records, { path => $f[0], status => $f[1],
                             retry_after => $f[2] eq '-' ? undef : $f[2],
                             took => $f[3], at => $f[4],
                             ha1 => $f[5] eq '-' ? undef : $f[5] };
        }
    }
    unlink "$h->{dir}/stop", map { "$h->{dir}/load.$_" } 0 .. $h->{n} - 1;
    return sort { $a->{at} <=> $b->{at} } @records;
}

1;
