# docs/operations.md's table of log tags lists every LPnnnn tag the code
# logs, and nothing else.
use strict;
use warnings FATAL => 'all';
use FindBin;

my $root = "$FindBin::Bin/../../../..";
my(%code, %doc);
for my $file (glob("$root/modules/*.c"), "$root/mod_linphone_provisioning.c") {
    open my $fh, '<', $file or die "$file: $!";
    local $/;
    my $text = <$fh>;
    $code{$1}++ while $text =~ /LPLOGNO\((\d{4})\)/g;
}
open my $fh, '<', "$root/docs/operations.md" or die "operations.md: $!";
while (<$fh>) {
    $doc{$1} = 1 if /^\| LP(\d{4}) \|/;
}
my @missing = grep { !$doc{$_} } sort keys %code;
my @stale = grep { !$code{$_} } sort keys %doc;
print "1..2\n";
print @missing ? "not ok 1 - tags missing from docs/operations.md: @missing\n"
               : "ok 1 - every tag of the code is in docs/operations.md\n";
print @stale ? "not ok 2 - tags in docs/operations.md the code no longer logs: @stale\n"
             : "ok 2 - docs/operations.md lists no tag the code does not log\n";
