# No include cycle between the module's units, no glue header in a pure
# unit (test/check-includes.pl).
use strict;
use warnings FATAL => 'all';
use FindBin;

my $check = "$FindBin::Bin/../../../check-includes.pl";
exec $^X, $check, "$FindBin::Bin/../../../.."
    or die "cannot run $check: $!\n";
