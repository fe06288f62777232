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
my %secret;
if (open my $sfh, '<', secrets_file()) {
    while (my $hex = <$sfh>) {
        chomp $hex;
        $secret{pack('H*', $hex)} = 1 if length $hex;
    }
}
ok(scalar(keys %secret) > 10, 'the suite remembered its secrets')
    or diag('secrets file ' . secrets_file() . ': ' . scalar(keys %secret));
my $log_text = join '', @lines;
my @leaks;
for my $value (sort keys %secret) {
    my $at = index $log_text, $value;
    next if $at < 0;
    my $start = rindex($log_text, "\n", $at) + 1;
    my $end   = index($log_text, "\n", $at);
    $end = length $log_text if $end < 0;
    push @leaks, substr($log_text, $start, $end - $start) . "\n";
}
# LP0301 (lp_claim_send) still logs the User-Agent: known, kept apart
# until it is fixed so that any other leak fails the pass.
my @known = grep { /\bLP0301: / } @leaks;
@leaks = grep { !/\bLP0301: / } @leaks;
is(scalar @leaks, 0, 'no token, key, password, HA1 or user agent in the error log')
    or diag(@leaks[0 .. ($#leaks > 9 ? 9 : $#leaks)]);
TODO: {
    local $TODO = 'LP0301 logs the User-Agent (lp_handler_provisioning.c, lp_claim_send)';
    is(scalar @known, 0, 'LP0301 carries no user agent')
        or diag(@known[0 .. ($#known > 2 ? 2 : $#known)]);
}

# Still alive at the very end.
status_is(hget('/provisioning', lp_header), 200, 'server still answering');
