# A provisioning token is consumed once, even by simultaneous requests:
# 20 concurrent GETs -> exactly one 200 and 19 404s (5 rounds).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use POSIX ();
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my $ROUNDS  = 5;
my $CLIENTS = 20;

plan tests => $ROUNDS * 4;

my $domain = 'example.org';

for my $round (1 .. $ROUNDS) {
    my $user  = uniq('race');
    my $id    = create_account($user, $domain, 'Race',
                               passwords => [[ha1('SHA-256', $user, $domain, 'pw'), 'SHA-256']]);
    my $token = create_provisioning_token($id);
    my $url   = "/provisioning/$token" . ($round % 2 ? '' : '?reset_password');

    # Children block on the pipe until the parent closes it: they all start
    # their request at the same moment.  Exit code: 0 = 200, 1 = 404, 2 = else.
    pipe(my $gate_r, my $gate_w) or die "pipe: $!";
    my @pids;
    for (1 .. $CLIENTS) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if (!$pid) {
            close $gate_w;
            my $ua = Apache::TestRequest::user_agent(reset => 1);   # own connection
            <$gate_r>;
            my $res = eval { hget($url, lp_header) };
            my $code = $res ? $res->code : 0;
            POSIX::_exit($code == 200 ? 0 : $code == 404 ? 1 : 2);
        }
        push @pids, $pid;
    }
    close $gate_r;
    select(undef, undef, undef, 0.3);   # let every child reach the gate
    close $gate_w;

    my %count = (0 => 0, 1 => 0, 2 => 0);
    for my $pid (@pids) {
        waitpid($pid, 0);
        $count{ $? >> 8 }++;
    }
    is($count{0}, 1, "round $round: exactly one 200");
    is($count{1}, $CLIENTS - 1, "round $round: " . ($CLIENTS - 1) . " x 404")
        or diag("other statuses: $count{2}");
    is(fetch_provisioning_token($token)->{used}, 1, "round $round: token used");
    my $n = scalar @{ fetch_passwords($id) };
    is($n, 1, "round $round: one passwords row" . ($round % 2 ? '' : ' after one reset'));
}
