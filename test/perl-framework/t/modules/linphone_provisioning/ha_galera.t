# High availability on a MariaDB Galera cluster (the galera pass of
# test/run-tests.sh; test/db-ha.sh runs three nodes): three Apache nodes,
# each on its own Galera node, one redis nonce cache.
#
# - LP_HA_TRIALS trials (50; make soak-ha: 1000) of 20 simultaneous claims
#   of one fresh token spread over the three nodes: row locks are local to
#   a Galera node, so two nodes can both update the token and one commit
#   then fails certification (a deadlock error): that request must end as
#   the loser, 404 — exactly one 200 per trial, no 5xx, and the database
#   agrees (token used, account activated, one password after a reset);
# - a Digest nonce issued by one node is accepted by the others;
# - under steady load on every node, Galera node 3 is stopped, then started
#   (it rejoins by IST): its Apache node answers 503 + Retry-After while it
#   is out and serves again once it is back; the others never fail; no
#   token is consumed twice; every 200 a client saw is in the database;
# - node 3 cut off from the others (non-primary: "WSREP has not yet
#   prepared node for application use"): 503 + Retry-After, until it is
#   back in the primary component.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use File::Temp ();
use Time::HiRes qw(time sleep);
use LWP::UserAgent ();
use DBI ();
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;
use LinphoneNodes;
use LinphoneDigest;

my $TRIALS  = $ENV{LP_HA_TRIALS} || 50;
my $CLIENTS = 20;
my $LOAD_TOKENS = 600;

my $redis   = db_env('LP_REDIS_PORT');
my $modules = Apache::Test::config()->apxs('LIBEXECDIR');

plan tests => 8 + 4 + 2 + 9 + 4,
    need { 'the galera pass (test/run-tests.sh, LP_TEST_DRIVER=galera)'
               => (db_env('LP_DB_HA') // '') eq 'galera',
           'redis on loopback (test/db-servers.sh)' => $redis,
           'mod_socache_redis' => -f "$modules/mod_socache_redis.so" };

$ENV{LP_DB_DIR} = db_env('LP_DB_DIR');
my $ctl = db_env('LP_HA_CTL');
my @gports = split ' ', db_env('LP_GALERA_PORTS');

# a member joining the cluster holds every node's commits for the
# membership change (2 to 4 s here): the recipe's DBTimeout outlasts it
my @base = map { start_node("g$_", redis => $redis, dbparams => "\${LP_DB_GALERA$_}",
                            extra => 'LinphoneProvisioningDBTimeout 10') } 1 .. 3;
my @hp = map { [ m{^http://([^:/]+):(\d+)} ] } @base;
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);

my $domain = 'galera.example.org';
sub new_account { node_account('ga', $domain, 'Galera') }

# the admin's session on Galera node $n
sub node_dbh {
    my $n = shift;
    return DBI->connect("dbi:mysql:database=lp_main;host=127.0.0.1;port=$gports[$n - 1]",
                        db_env('LP_MY_ADMIN'), db_env('LP_MY_ADMIN_PASSWORD'),
                        { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
}
sub wsrep {
    my($n, $var) = @_;
    my $v = eval { (node_dbh($n)->selectrow_array("SHOW STATUS LIKE '$var'"))[1] };
    return $v // '';
}

# --- concurrent claims over the three nodes ---------------------------------
my($good, $other, $db_bad, $done) = (0) x 4;
my(%seen, @bad);
my $start = time;
for my $trial (1 .. $TRIALS) {
    my($id) = new_account();
    my $token = create_provisioning_token($id);
    my $reset = $trial % 2 == 0;
    my $path  = "/provisioning/$token" . ($reset ? '?reset_password' : '');
    my @codes = map { $_->{status} }
                burst(map { [ @{ $hp[$_ % 3] }, $path ] } 0 .. $CLIENTS - 1);
    my $ok = grep { $_ == 200 } @codes;
    my $nf = grep { $_ == 404 } @codes;
    $seen{$_}++ for @codes;
    if ($ok == 1 && $nf == $CLIENTS - 1) { $good++ }
    elsif (@bad < 10) { push @bad, "trial $trial: " . join(' ', sort @codes) . "\n" }
    $other += $CLIENTS - $ok - $nf;
    my $tok = fetch_provisioning_token($token);
    my $acc = fetch_account($id);
    my $pw  = fetch_passwords($id);
    $db_bad++ unless $tok->{used} && $acc->{activated} && @$pw == 1
                     && (!$reset || $pw->[0]{password} ne ha1('SHA-256', $acc->{username}, $domain, 'pw'));
    $done++;
}
my $took = time - $start;
diag(sprintf "%d trials of %d claims over 3 Galera nodes in %.1fs; statuses: %s",
     $done, $CLIENTS, $took, join(', ', map { "$_ x $seen{$_}" } sort keys %seen));
is($done, $TRIALS, "$TRIALS trials ran");
is($good, $done, 'exactly one 200 and 19 x 404 in every trial') or diag(@bad);
is($other, 0, 'no status other than 200 and 404 (no 5xx)');
is($db_bad, 0, 'the database agrees: token used, account activated, one password (a new one after a reset)');
my @cert = map { node_lines($_, qr/LP0125/) } 1 .. 3;
diag(scalar(@cert) . " claims lost a certification or a deadlock and were read again (LP0125)");
ok(1, 'certification failures counted');
is(scalar(map { node_lines($_, qr/LP0103/) } 1 .. 3), 0, 'no statement failed outright (LP0103)');
status_is($ua->get("$base[2]/provisioning", lp_header), 200, 'node 3 answers');
is(wsrep(1, 'wsrep_cluster_size'), 3, 'the cluster has its three nodes');

sub node_lines {
    my($n, $re) = @_;
    my @l;
    for my $log (node_log("g$n")) {
        open my $fh, '<', $log or next;
        push @l, grep { $_ =~ $re } <$fh>;
    }
    return @l;
}

# --- one nonce, any node ----------------------------------------------------
my($did, $duser) = new_account();
my @from = (From => "sip:$duser\@$domain");
my $c = challenges($ua->get("$base[0]/provisioning/me", lp_header, @from))->{'SHA-256'};
ok($c && $c->{nonce}, 'node 1: a SHA-256 challenge');
$c //= { nonce => 'x', realm => 'x', opaque => 'x', algorithm => 'SHA-256' };
my %a = (challenge => $c, user => $duser, password => 'pw', uri => '/provisioning/me');
status_is($ua->get("$base[1]/provisioning/me", lp_header, @from,
                   Authorization => authorization(%a, nc => 1)), 200, "node 2 accepts node 1's nonce");
my $auth2 = authorization(%a, nc => 2);
status_is($ua->get("$base[2]/provisioning/me", lp_header, @from, Authorization => $auth2),
          200, '... node 3 too, next count');
status_is($ua->get("$base[0]/provisioning/me", lp_header, @from, Authorization => $auth2),
          401, '... replayed on node 1: refused');

# --- one API key used on every node at once ----------------------------------
# the first use on each node updates the key's row (requests, last_used_at)
# at once: those writes conflict at certification like claims do; the other
# uses wait in the nodes' memory (LinphoneAuthAPIKeyFlushInterval)
my($kid) = new_account();
my $key = random_token(40);
dbh()->do('INSERT INTO api_keys (account_id, ' . db_key() . ', requests) VALUES (?, ?, 0)',
          undef, $kid, $key);
my @kcodes = map { $_->{status} } keyburst(5 * $CLIENTS);
is(scalar(grep { $_ != 200 } @kcodes), 0,
   sprintf '%d simultaneous uses of one API key over the three nodes: all 200', scalar @kcodes)
    or diag(join ' ', sort @kcodes);

sub keyburst {
    my $n = shift;
    return burst(map { [ @{ $hp[$_ % 3] }, '/provisioning/me', 'x-api-key' => $key ] } 0 .. $n - 1);
}

# --- a Galera node stops and comes back, under load --------------------------
my(@paths, %account_of);
{
    my $dbh = dbh();
    $dbh->begin_work;
    for (1 .. $LOAD_TOKENS) {
        my($id) = new_account();
        my $t = create_provisioning_token($id);
        push @paths, "/provisioning/$t";
        $account_of{"/provisioning/$t"} = $id;
    }
    $dbh->commit;
}
my $ldir = File::Temp::tempdir(CLEANUP => 1);
# every node works through the same tokens in the same order: each is
# claimed on three nodes at about the same time
my @load = map { mkdir "$ldir/$_"; start_loaders(@{ $hp[$_] }, "$ldir/$_", [ [@paths] ], pause => 0.03) } 0 .. 2;
sleep 2;
my $t_stop = time;
system('sh', $ctl, 'node-stop', 'galera', 3) == 0 or diag('node-stop failed');
my $t_stopped = time;
sleep 3;
my $t_restart = time;
my $rc = system('sh', $ctl, 'node-start', 'galera', 3);
my $t_back = time;
sleep 3;
my @rec = map { [ stop_loaders($_) ] } @load;
ok($rc == 0, sprintf 'Galera node 3 stopped (%.1fs) and rejoined (%.1fs)', $t_stopped - $t_stop, $t_back - $t_restart);

my @healthy = map { @{ $rec[$_] } } 0, 1;
my @bad_healthy = grep { $_->{status} != 200 && $_->{status} != 404 } @healthy;
is(scalar @bad_healthy, 0, sprintf 'nodes 1 and 2: %d answers, all 200 or 404', scalar @healthy)
    or diag(join(', ', map { "$_->{status} at +" . sprintf('%.1f', $_->{at} - $t_stop) } @bad_healthy[0 .. ($#bad_healthy < 9 ? $#bad_healthy : 9)]),
            "\n", map { node_lines($_, qr/:error\]/) } 1, 2);
my($slowest) = sort { $b->{took} <=> $a->{took} } @healthy;
diag(sprintf 'nodes 1 and 2: the slowest answer took %.2fs (at +%.1fs)',
     $slowest->{took}, $slowest->{at} - $t_stop) if $slowest;
my @n3 = @{ $rec[2] };
my @n3_503 = grep { $_->{status} == 503 } @n3;
my @n3_odd = grep { $_->{status} != 200 && $_->{status} != 404 && $_->{status} != 503 } @n3;
ok(@n3_503 > 0, sprintf 'node 3: %d x 503 while its Galera node was out', scalar @n3_503);
is(scalar(grep { !defined $_->{retry_after} } @n3_503), 0, '... each with Retry-After');
is(scalar @n3_odd, 0, '... and no other failure (no 500, no lost connection)')
    or diag(join ', ', map { $_->{status} } @n3_odd);
my @after = grep { $_->{at} > $t_back + 1 } @n3;
ok(@after && !grep({ $_->{status} == 503 } @after),
   sprintf 'node 3 serves again a second after its Galera node is back (%d answers)', scalar @after);
if (@n3_503) {
    diag(sprintf 'node 3: 503 from +%.2fs to +%.2fs after the stop began (the Galera node was back at +%.2fs)',
         $n3_503[0]{at} - $t_stop, $n3_503[-1]{at} + $n3_503[-1]{took} - $t_stop, $t_back - $t_stop);
}
my %ok_count;
$ok_count{ $_->{path} }++ for grep { $_->{status} == 200 } map { @$_ } @rec;
is(scalar(grep { $ok_count{$_} > 1 } keys %ok_count), 0,
   sprintf 'no token consumed twice (%d tokens consumed under load)', scalar keys %ok_count);
my $dbh1 = node_dbh(1);
my $unseen = 0;
for my $p (keys %ok_count) {
    my($t) = $p =~ m{/provisioning/(.+)$};
    my($used) = $dbh1->selectrow_array('SELECT used FROM provisioning_tokens WHERE token = ?', undef, $t);
    $unseen++ unless $used;
}
is($unseen, 0, 'every 200 a client saw is a used token in the database');
is(wsrep(3, 'wsrep_local_state_comment'), 'Synced', 'node 3 synced again');

# --- node 3 out of the primary component ------------------------------------
my $dbh3 = node_dbh(3);
$dbh3->do("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'");
for (1 .. 100) { last if wsrep(3, 'wsrep_ready') eq 'OFF'; sleep 0.1 }
my($id3) = new_account();
my $t3 = create_provisioning_token($id3);
my $res = $ua->get("$base[2]/provisioning/$t3", lp_header);
status_is($res, 503, 'node 3 isolated (non-primary): 503');
ok($res->header('Retry-After'), '... with Retry-After');
status_is($ua->get("$base[0]/provisioning/$t3", lp_header), 200, 'node 1 serves the token meanwhile');
$dbh3->do("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'");
for (1 .. 300) { last if wsrep(3, 'wsrep_ready') eq 'ON' && wsrep(3, 'wsrep_local_state_comment') eq 'Synced'; sleep 0.1 }
my($id4) = new_account();
my $t4 = create_provisioning_token($id4);
status_is($ua->get("$base[2]/provisioning/$t4", lp_header), 200, 'node 3 back in the cluster: 200');

stop_nodes();
# the uses counted in the nodes' memory are written as they stop
is((dbh()->selectrow_array('SELECT requests FROM api_keys WHERE ' . db_key() . ' = ?', undef, $key))[0],
   scalar(@kcodes), 'the API key used on every node at once: every use counted once the nodes stopped');
