#!/usr/bin/perl
# Summarises the valgrind memcheck logs of make test-valgrind (one per
# httpd process started under valgrind): the error and leak summaries, then
# every error and every loss record whose stack passes through
# mod_linphone_provisioning.so.  Exits 1 when the module has a memory error
# (invalid read or write, use of uninitialised memory, bad free) or a
# definitely lost block.
#
#   perl test/valgrind-summary.pl t/sanitizer/valgrind.*.log
use strict;
use warnings;

my $MODULE = qr/mod_linphone_provisioning(?:_sample)?\.so|\blp_[a-z_]+ \(/;
my $fail = 0;
my @logs = grep { -s } @ARGV;

if (!@logs) {
    print STDERR "valgrind-summary: no valgrind log (did httpd start under valgrind?)\n";
    exit 1;
}

for my $log (@logs) {
    open my $fh, '<', $log or die "$log: $!";
    my @lines = map { s/^==\d+== ?//r } <$fh>;
    close $fh;
    my $cmd = (grep { /^Command: / } @lines)[0] // "?\n";
    print "valgrind-summary: $log\n  $cmd";

    # Blocks: a blank line (after the prefix is gone) separates records.
    my(@blocks, @cur);
    for (@lines) {
        if (/^\s*$/) {
            push @blocks, [@cur] if @cur;
            @cur = ();
        }
        else {
            push @cur, $_;
        }
    }
    push @blocks, [@cur] if @cur;

    my(@errors, @leaks, @summary);
    for my $b (@blocks) {
        my $head = $b->[0];
        if ($head =~ /^(?:HEAP|LEAK|ERROR) SUMMARY|^\s+(?:definitely|indirectly|possibly) lost:|^\s+still reachable:|^\s+suppressed:/) {
            push @summary, @$b;
            next;
        }
        next unless grep { /$MODULE/ } @$b;
        if ($head =~ /are (definitely|indirectly|possibly) lost in loss record/) {
            push @leaks, [$1, $b];
        }
        elsif ($head =~ /^(Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function)/) {
            push @errors, $b;
        }
    }
    print "  $_" for grep { /SUMMARY|lost:|reachable:|suppressed:/ } @summary;
    printf "  module: %d memory error(s), %d loss record(s) through the module (%s)\n",
        scalar @errors, scalar @leaks,
        join(', ', map { my $k = $_; "$k " . scalar(grep { $_->[0] eq $k } @leaks) }
                   qw(definitely indirectly possibly));
    for my $b (@errors) {
        print "  --- error:\n", map { "    $_" } @$b[0 .. ($#$b > 25 ? 25 : $#$b)];
        $fail = 1;
    }
    for my $l (@leaks) {
        my($kind, $b) = @$l;
        print "  --- $kind lost:\n", map { "    $_" } @$b[0 .. ($#$b > 25 ? 25 : $#$b)];
        $fail = 1 if $kind eq 'definitely';
    }
}
print $fail ? "valgrind-summary: the module has memory errors or leaks (above)\n"
            : "valgrind-summary: no memory error and no definite leak in the module\n";
exit $fail;
