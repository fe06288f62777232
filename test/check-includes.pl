#!/usr/bin/perl
# Checks that no include cycle exists between the module's units.  A unit
# is a name X with modules/X.c and/or include/X.h, plus the glue
# mod_linphone_provisioning.c; unit A depends on unit B when a file of
# A includes "B.h".  Prints TAP: one test per unit, failing with the cycle
# through it.  Usage: test/check-includes.pl [source root]
use strict;
use warnings;
use File::Basename qw(basename dirname);
use File::Spec;

my $root = shift // File::Spec->rel2abs(dirname(__FILE__) . '/..');
my @files = (glob("$root/modules/*.c"), glob("$root/include/*.h"),
             "$root/mod_linphone_provisioning.c");
my %headers = map { basename($_, '.h') => 1 } glob("$root/include/*.h");
my %deps;
for my $file (@files) {
    # the glue is a unit apart from the public header of the same name
    my $unit = $file =~ m{/mod_linphone_provisioning\.c$} ? 'glue'
             : basename($file) =~ s/\.[ch]$//r;
    $deps{$unit} //= {};
    open my $fh, '<', $file or die "$file: $!\n";
    while (<$fh>) {
        next unless /^\s*#\s*include\s+"([^"]+)\.h"/;
        $deps{$unit}{$1} = 1 if $headers{$1} && $1 ne $unit;
    }
}

# A path from `to` back to `from`, or nothing.
sub path_back {
    my ($from, $to, $seen) = @_;
    return ($to) if $to eq $from;
    return () if $seen->{$to}++;
    for my $next (sort keys %{ $deps{$to} || {} }) {
        my @rest = path_back($from, $next, $seen);
        return ($to, @rest) if @rest;
    }
    return ();
}

my @units = sort keys %deps;
print "1..", scalar @units, "\n";
my $n = 0;
my $failed = 0;
for my $unit (@units) {
    my @cycle;
    for my $dep (sort keys %{ $deps{$unit} }) {
        @cycle = path_back($unit, $dep, {});
        last if @cycle;
    }
    my @glue = $unit =~ /^lp_/ ? grep { /^mod_lp_/ } sort keys %{ $deps{$unit} } : ();
    $n++;
    if (@glue) {
        $failed++;
        print "not ok $n - $unit: a pure unit includes glue: @glue\n";
    } elsif (@cycle) {
        $failed++;
        print "not ok $n - $unit: include cycle ",
              join(' -> ', $unit, @cycle), "\n";
    } else {
        print "ok $n - $unit: no include cycle\n";
    }
}
exit($failed ? 1 : 0);
