# Concurrency soak (make -f Makefile.apxs soak): LP_SOAK_TRIALS trials
# (1000 by make soak) of LP_SOAK_CLIENTS (20) simultaneous GETs of one
# fresh provisioning token each, every other trial with ?reset_password.
# Each trial must give exactly one 200 and 404s for the rest, and leave the
# token used, the account activated and one passwords row.  Skipped unless
# LP_SOAK_TRIALS is set (the ordinary suite has concurrency.t).
#
# One process drives all the clients (LinphoneLoad::burst): it opens every
# connection first, then writes the requests back to back and reads the
# answers with select(), so a trial costs milliseconds, not forks.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Time::HiRes qw(time);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;

my $TRIALS  = $ENV{LP_SOAK_TRIALS} || 0;
my $CLIENTS = $ENV{LP_SOAK_CLIENTS} || 20;
my $BUDGET  = $ENV{LP_SOAK_MAX_SECONDS} || 1800;   # bounded: stop there

plan skip_all => 'set LP_SOAK_TRIALS (make -f Makefile.apxs soak)' unless $TRIALS;
plan tests => 7;

my $domain = 'example.org';
my($host, $port) = server_of();

sub rss_kb {
    # resident memory of the server's children (the parent serves nothing)
    my $pidfile = Apache::Test::vars('t_logs') . '/httpd.pid';
    open my $fh, '<', $pidfile or return undef;
    chomp(my $parent = <$fh> // '');
    my $kb = 0;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $sfh, '<', $stat or next;
        my @f = split ' ', (<$sfh> // '');
        next unless @f > 3 && $f[3] eq $parent;
        (my $status = $stat) =~ s/stat$/status/;
        open my $st, '<', $status or next;
        while (<$st>) { $kb += $1 if /^VmRSS:\s+(\d+)/ }
    }
    return $kb;
}

my($good, $other, $unconsumed, $inactive, $passwords, $done) = (0) x 6;
my(%seen, @bad);
my $start = time;
my($rss_warm, $rss_mid);
for my $trial (1 .. $TRIALS) {
    last if time - $start > $BUDGET;
    my $user  = uniq('soak');
    my $id    = create_account($user, $domain, 'Soak',
                    passwords => [[ha1('SHA-256', $user, $domain, 'pw'), 'SHA-256']]);
    my $token = create_provisioning_token($id);
    my $path  = "/provisioning/$token" . ($trial % 2 ? '' : '?reset_password');

    my @codes = map { $_->{status} } burst($host, $port, ($path) x $CLIENTS);
    my $ok  = grep { $_ == 200 } @codes;
    my $nf  = grep { $_ == 404 } @codes;
    $seen{$_}++ for @codes;
    if ($ok == 1 && $nf == $CLIENTS - 1) {
        $good++;
    }
    else {
        push @bad, "trial $trial: " . join(' ', sort @codes) if @bad < 10;
    }
    $other += $CLIENTS - $ok - $nf;
    $unconsumed++ unless fetch_provisioning_token($token)->{used};
    $inactive++   unless fetch_account($id)->{activated};
    $passwords++  unless @{ fetch_passwords($id) } == 1;
    $done++;
    $rss_warm = rss_kb() if $trial == 50;
    $rss_mid  = rss_kb() if $trial == int($TRIALS / 2);
}
my $took = time - $start;
my $rss_end = rss_kb();

diag(sprintf "%d trials of %d concurrent requests in %.1fs (%.1f ms a trial); statuses: %s",
     $done, $CLIENTS, $took, $done ? 1000 * $took / $done : 0,
     join(', ', map { "$_ x $seen{$_}" } sort keys %seen));
diag(sprintf "children's resident memory (kB): after 50 trials %s, after %d %s, at the end %s",
     $rss_warm // '?', int($TRIALS / 2), $rss_mid // '?', $rss_end // '?');
is($done, $TRIALS, "all $TRIALS trials ran within ${BUDGET}s");
is($good, $done, "exactly one 200 (and " . ($CLIENTS - 1) . " x 404) in every trial")
    or diag(@bad);
is($other, 0, 'no status other than 200 and 404');
is($unconsumed, 0, 'every token consumed');
is($inactive, 0, 'every account activated');
is($passwords, 0, 'one passwords row per account (after a reset too)');
status_is(hget('/provisioning', lp_header), 200, 'server still answering');
