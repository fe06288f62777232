# MariaDB converts TIMESTAMP columns (FlexiAPI's created_at) through the
# session's time_zone.  FlexiAPI's Laravel connection sets none, so it
# writes its UTC strings in the server's global zone; the module must read
# in that zone too, also on pooled sessions opened before the zone changed.
# With the server's zone at -01:00, a 5-minute auth token created 6 minutes
# ago must not look 54 minutes young (and live an hour), nor a 60-minute
# provisioning token created 61 minutes ago.  The mysql pass only.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Time::HiRes qw(sleep);
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;

plan tests => 5, need { 'the mysql pass' => db_driver() eq 'mysql' };

Apache::TestRequest::module('lp_flexi_tz');
my $admin  = dbh('flexi');
my $domain = "tz-$$.example.org";
$admin->do(q{INSERT INTO spaces (domain, host, name, super, created_at, updated_at)
             VALUES (?, ?, ?, FALSE, ?, ?)}, undef,
           $domain, "tz-$$.test", "TZ $$", utc_ts(), utc_ts());

# pooled sessions opened now, in the server's current zone
burst(server_of(), ('/provisioning/' . random_token()) x 12);

my($zone) = $admin->selectrow_array('SELECT @@global.time_zone');
$admin->do(q{SET GLOBAL time_zone = '-01:00'});
END { $admin->do('SET GLOBAL time_zone = ?', undef, $zone) if $admin && defined $zone }
sleep 1.1;

# a new session, as FlexiAPI's: the server's zone, UTC strings
my $flexi = dbh_new('flexi');
my($session) = $flexi->selectrow_array('SELECT @@session.time_zone');
is($session, '-01:00', "FlexiAPI's new session is in the server's zone");

sub account {
    $flexi->do(q{INSERT INTO accounts (username, domain, activated, blocked, ip_address,
                                       user_agent, created_at, updated_at)
                 VALUES (?, ?, FALSE, FALSE, '192.0.2.1', 'FlexiAPI', ?, ?)}, undef,
               uniq('tz'), $domain, utc_ts(), utc_ts());
    return db_insert_id($flexi, 'accounts');
}
sub auth_token {
    my $t = random_token(32);
    $flexi->do('INSERT INTO auth_tokens (account_id, token, created_at, updated_at)'
               . ' VALUES (?, ?, ?, ?)', undef, account(), $t, utc_ts($_[0]), utc_ts($_[0]));
    return $t;
}
sub prov_token {
    my $t = random_token(32);
    $flexi->do('INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)'
               . ' VALUES (?, ?, FALSE, ?, ?)', undef, account(), $t, utc_ts($_[0]), utc_ts($_[0]));
    return $t;
}

my @old_auth = map { auth_token(-6 * 60) } 1 .. 4;
my @new_auth = map { auth_token(-60) } 1 .. 4;
my @old_prov = map { prov_token(-61 * 60) } 1 .. 4;
my @new_prov = map { prov_token(-30 * 60) } 1 .. 4;

# several at once, so that pooled sessions of every child answer
my %got;
my @paths = ((map { "/provisioning/auth_token/$_" } @old_auth, @new_auth),
             (map { "/provisioning/$_" } @old_prov, @new_prov));
my @res = burst(server_of(), @paths);
my @codes = map { $_->{status} } @res;
is_deeply([@codes[0 .. 3]], [(404) x 4], 'auth tokens of 6 minutes ago: expired (404)');
is_deeply([@codes[4 .. 7]], [(200) x 4], 'auth tokens of 1 minute ago: 200');
is_deeply([@codes[8 .. 11]], [(410) x 4], 'provisioning tokens of 61 minutes ago: 410');
is_deeply([@codes[12 .. 15]], [(200) x 4], 'provisioning tokens of 30 minutes ago: 200');
