# Runs last: no child crashed during the whole suite, no sanitizer
# reported anything (make test-asan: reports go to $LP_TEST_REPORTS, or to
# the error log when a runtime writes to stderr), and the module's error
# log lines never carry request data such as tokens or SQL errors with
# file paths.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 3;

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

# Still alive at the very end.
status_is(hget('/provisioning', lp_header), 200, 'server still answering');
