# No function of the module over 60 lines (test/check-funclen.pl).
use strict;
use warnings FATAL => 'all';
use FindBin;

my $check = "$FindBin::Bin/../../../check-funclen.pl";
exec $^X, $check, "$FindBin::Bin/../../../.."
    or die "cannot run $check: $!\n";
