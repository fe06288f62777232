# The C unit test test/unit/test_key_counter (pure logic, no server), whose TAP the
# harness reads like any other test file (make -f Makefile.apxs unit builds it).
use strict;
use warnings FATAL => 'all';
use FindBin;

my $bin = "$FindBin::Bin/../../../unit/test_key_counter";
exec $bin or die "cannot run $bin: $! (make -f Makefile.apxs unit)\n";
