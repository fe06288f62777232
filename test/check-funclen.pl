#!/usr/bin/perl
# Checks that no function of the module is longer than 60 lines (from its
# opening brace's line to its closing brace's), so that each reads as one
# step.  Reads mod_linphone_provisioning.c, modules/*.c and include/*.h
# (httpd style: a function's braces stand alone in column 0).  Prints TAP,
# one test per file, failing with the functions too long.
#   test/check-funclen.pl [source root] [limit]
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;

my $root = shift // File::Spec->rel2abs(dirname(__FILE__) . '/..');
my $limit = shift // 60;
my @files = ("$root/mod_linphone_provisioning.c", sort(glob("$root/modules/*.c")),
             sort(glob("$root/include/*.h")));
print "1..", scalar @files, "\n";
my ($n, $failed) = (0, 0);
for my $file (@files) {
    open my $fh, '<', $file or die "$file: $!\n";
    my @lines = <$fh>;
    my (@long, $name, $start);
    for my $i (0 .. $#lines) {
        my $l = $lines[$i];
        if (!defined $start && ($l =~ /^\{/ || $l =~ /^\w.*\)\s*\{\s*$/)) {
            # a function (not an initializer): ")" ends its signature;
            # its name is the identifier before the "(" at or above
            my $sig = $l =~ /^\{/ ? $i - 1 : $i;
            next unless $sig >= 0 && $lines[$sig] =~ /\)\s*\{?\s*$/;
            my $j = $sig;
            $j-- while $j > 0 && $lines[$j] !~ /\w\s*\(/;
            ($name) = $lines[$j] =~ /(\w+)\s*\(/;
            $start = $i;
        } elsif ($l =~ /^\}/ && defined $start) {
            my $len = $i - $start + 1;
            push @long, sprintf('%s (%d lines, line %d)', $name // '?', $len, $start + 1)
                if $len > $limit;
            undef $start;
        }
    }
    $n++;
    (my $rel = $file) =~ s{^\Q$root\E/}{};
    if (@long) {
        $failed++;
        print "not ok $n - $rel: over $limit lines: ", join(', ', @long), "\n";
    } else {
        print "ok $n - $rel\n";
    }
}
exit($failed ? 1 : 0);
