# SQLite in a rollback-journal mode (as FlexiAPI leaves its file): the
# module says so once per process at warn (LP0132) at the first use of a
# connection, and leaves the mode as it is; a file in WAL mode (the suite's
# own) gets no such line.  On a node of its own (LinphoneNodes.pm, one
# child) on a database file made for it.  The sqlite3 pass only.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Time::HiRes qw(sleep);
use LWP::UserAgent ();
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneNodes;

my $top = Apache::Test::vars('top_dir') . '/../..';

plan tests => 7, need { 'the sqlite3 pass' => db_driver() eq 'sqlite3' };

my $db = db_file('journal');
unlink $db, "$db-journal", "$db-wal", "$db-shm";
system("sqlite3 '$db' <'$top/conf/schema/sqlite3.sql' >/dev/null") == 0
    or die "cannot create $db\n";
system('sqlite3', $db, 'PRAGMA journal_mode=DELETE;') == 0 or die;

my $url = start_node('journal', dbparams => $db, extra => <<'CONF');
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
CONF
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
sub lines {
    my($log, $re) = @_;
    open my $fh, '<', $log or return ();
    return grep { /$re/ } <$fh>;
}

my $domain = 'journal.example.org';
my @st;
for (1 .. 4) {
    my $id = create_account(uniq('jr'), $domain, 'Journal', db => 'journal');
    my $t = create_provisioning_token($id, undef, undef, undef, db => 'journal');
    push @st, $ua->get("$url/provisioning/$t", lp_header)->code;
}
is("@st", '200 200 200 200', 'a database in rollback-journal mode serves tokens');
sleep 0.2;
my @lines = lines(node_log('journal'), qr/LP0132/);
is(scalar @lines, 1, 'LP0132 once for the process');
like($lines[0] // '', qr/\[linphone_provisioning:warn\]/, '... at warn');
like($lines[0] // '', qr/journal_mode=delete/, '... naming the mode');
like($lines[0] // '', qr/PRAGMA journal_mode=WAL/, '... and the one-line fix');
is(lc(`sqlite3 '$db' 'PRAGMA journal_mode;'` =~ s/\s+//gr), 'delete', 'the mode is left as it was');

# the suite's own database is in WAL mode: its server said nothing
is(scalar lines(Apache::Test::vars('t_logs') . '/error_log', qr/LP0132/), 0,
   'a database in WAL mode: no LP0132');
