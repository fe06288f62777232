# Runs last: no child crashed during the whole suite, no sanitizer
# reported anything (make test-asan: reports go to $LP_TEST_REPORTS, or to
# the error log when a runtime writes to stderr), and no secret the suite
# created or sent (tokens, API keys, passwords clear and hashed, user
# agents: LinphoneTest.pm's remember_secret) appears in the error log,
# which the test server writes at LogLevel linphone_provisioning:debug.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 6;

my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $fh, '<', $log or die "$log: $!";
my @lines = <$fh>;

my @crash = grep { /exit signal|Segmentation fault|double free|\bassert/i } @lines;
is(scalar @crash, 0, 'no child crashed during the suite') or diag(@crash[0 .. ($#crash > 9 ? 9 : $#crash)]);

# Sanitizer reports: in the error log (a runtime writing to stderr) or as
# files of $LP_TEST_REPORTS (test/httpd-wrapper.sh's log_path).
my @reports = grep { /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|==\d+==ERROR/ } @lines;
my $dir = $ENV{LP_TEST_REPORTS};
if ($dir && opendir my $dh, $dir) {
    for my $f (sort grep { !/^\./ && !/^valgrind\./ } readdir $dh) {
        next unless -s "$dir/$f";
        open my $rfh, '<', "$dir/$f" or next;
        my @r = <$rfh>;
        push @reports, "$dir/$f:\n", @r[0 .. ($#r > 30 ? 30 : $#r)];
    }
}
is(scalar @reports, 0, 'no sanitizer report') or diag(@reports[0 .. ($#reports > 60 ? 60 : $#reports)]);

# Secrets: every value remembered by the tests of this pass.
my(%secret, %ua);
if (open my $sfh, '<', secrets_file()) {
    while (my $hex = <$sfh>) {
        chomp $hex;
        my $is_ua = $hex =~ s/^ua://;
        next unless length $hex;
        ($is_ua ? \%ua : \%secret)->{pack('H*', $hex)} = 1;
    }
}
ok(scalar(keys %secret) > 10, 'the suite remembered its secrets')
    or diag('secrets file ' . secrets_file() . ': ' . scalar(keys %secret));
my $log_text = join '', @lines;
# the lines holding $value, optionally those of which $keep is true left out
sub lines_with {
    my($value, $keep) = @_;
    my @found;
    for (my $at = index $log_text, $value; $at >= 0;
         $at = index $log_text, $value, $at + 1) {
        my $start = rindex($log_text, "\n", $at) + 1;
        my $end   = index($log_text, "\n", $at);
        $end = length $log_text if $end < 0;
        my $line = substr($log_text, $start, $end - $start);
        push @found, "$line\n" unless $keep && $keep->($line);
    }
    return @found;
}
my @leaks = map { lines_with($_) } sort keys %secret;
is(scalar @leaks, 0, 'no token, key, password or HA1 in the error log')
    or diag(@leaks[0 .. ($#leaks > 9 ? 9 : $#leaks)]);
# the audit line of a change names the client's user agent, nothing else does
my @ua = map { lines_with($_, sub { $_[0] =~ /\bLP0301: / }) } sort keys %ua;
is(scalar @ua, 0, 'user agents only in the audit line of a change (LP0301)')
    or diag(@ua[0 .. ($#ua > 9 ? 9 : $#ua)]);

# Still alive at the very end.
status_is(hget('/provisioning', lp_header), 200, 'server still answering');
