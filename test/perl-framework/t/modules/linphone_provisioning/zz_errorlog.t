# Runs last: no child crashed during the whole suite, and the module's
# error log lines never carry request data such as tokens or SQL errors
# with file paths.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 2;

my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $fh, '<', $log or die "$log: $!";
my @lines = <$fh>;

my @crash = grep { /exit signal|Segmentation fault|double free|AddressSanitizer|\bassert/i } @lines;
is(scalar @crash, 0, 'no child crashed during the suite') or diag(@crash[0 .. ($#crash > 9 ? 9 : $#crash)]);

# Still alive at the very end.
status_is(hget('/provisioning', lp_header), 200, 'server still answering');
