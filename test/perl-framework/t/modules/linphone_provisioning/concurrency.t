# Tokens are consumed once, even by simultaneous requests: 20 concurrent
# GETs of one token -> exactly one 200 and 19 404s (5 rounds for provisioning
# tokens, 2 for auth tokens).  And 20 different tokens at once all succeed
# (writers wait for each other instead of failing).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use POSIX ();
use LWP::UserAgent ();
use LWP::Protocol::http ();   # loaded once here, not in every child
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my $ROUNDS      = 5;
my $AUTH_ROUNDS = 2;
my $CLIENTS     = 20;

plan tests => $ROUNDS * 4 + $AUTH_ROUNDS * 3 + 3;

my $domain = 'example.org';

sub new_account {
    my $user = uniq('race');
    return create_account($user, $domain, 'Race',
                          passwords => [[ha1('SHA-256', $user, $domain, 'pw'), 'SHA-256']]);
}

# race(@paths): one child per path, all released at the same moment.
# Returns { 200 => n, 404 => n, other => n }.
sub race {
    my @urls = map { Apache::TestRequest::resolve_url($_) } @_;
    my @headers = lp_header;
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
            my $res = eval { $ua->get($url, @headers) };
            my $code = $res ? $res->code : 0;
            POSIX::_exit($code == 200 ? 0 : $code == 404 ? 1 : 2);
        }
        push @pids, $pid;
    }
    close $gate_r;
    select(undef, undef, undef, 0.2);   # let every child reach the gate
    close $gate_w;

    my %count = (200 => 0, 404 => 0, other => 0);
    for my $pid (@pids) {
        waitpid($pid, 0);
        my $rc = $? >> 8;
        $count{ $rc == 0 ? 200 : $rc == 1 ? 404 : 'other' }++;
    }
    return \%count;
}

for my $round (1 .. $ROUNDS) {
    my $id    = new_account();
    my $token = create_provisioning_token($id);
    my $url   = "/provisioning/$token" . ($round % 2 ? '' : '?reset_password');

    my $count = race(($url) x $CLIENTS);
    is($count->{200}, 1, "round $round: exactly one 200");
    is($count->{404}, $CLIENTS - 1, "round $round: " . ($CLIENTS - 1) . " x 404")
        or diag("other statuses: $count->{other}");
    is(fetch_provisioning_token($token)->{used}, 1, "round $round: token used");
    is(scalar @{ fetch_passwords($id) }, 1,
       "round $round: one passwords row" . ($round % 2 ? '' : ' after one reset'));
}

for my $round (1 .. $AUTH_ROUNDS) {
    my $id = new_account();
    my $t  = create_auth_token($id);
    my $count = race(("/provisioning/auth_token/$t") x $CLIENTS);
    is($count->{200}, 1, "auth token round $round: exactly one 200");
    is($count->{404}, $CLIENTS - 1, "auth token round $round: " . ($CLIENTS - 1) . " x 404")
        or diag("other statuses: $count->{other}");
    ok(!defined fetch_auth_token($t), "auth token round $round: row deleted");
}

# 20 different accounts provisioned at the same moment, half with a reset.
my(@tokens, @urls);
for my $i (1 .. $CLIENTS) {
    my $t = create_provisioning_token(new_account());
    push @tokens, $t;
    push @urls, "/provisioning/$t" . ($i % 2 ? '' : '?reset_password');
}
my $count = race(@urls);
is($count->{200}, $CLIENTS, "$CLIENTS different tokens at once: all 200")
    or diag("404: $count->{404}, other: $count->{other}");
is(scalar(grep { fetch_provisioning_token($_)->{used} } @tokens), $CLIENTS, 'all consumed');
is($count->{other}, 0, 'no 5xx under write contention');
