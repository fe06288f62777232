# Tokens are consumed once, even by simultaneous requests: 20 concurrent
# GETs of one token -> exactly one 200 and 19 404s (5 rounds for provisioning
# tokens, 2 for auth tokens).  And 20 different tokens at once all succeed
# (writers wait for each other instead of failing).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneLoad;

my $ROUNDS      = 5;
my $AUTH_ROUNDS = 2;
my $CLIENTS     = 20;

plan tests => $ROUNDS * 4 + $AUTH_ROUNDS * 3 + 5;

my $domain = 'example.org';

sub new_account {
    my $user = uniq('race');
    return create_account($user, $domain, 'Race',
                          passwords => [[ha1('SHA-256', $user, $domain, 'pw'), 'SHA-256']]);
}

for my $round (1 .. $ROUNDS) {
    my $id    = new_account();
    my $token = create_provisioning_token($id);
    my $url   = "/provisioning/$token" . ($round % 2 ? '' : '?reset_password');

    my $count = race(($url) x $CLIENTS);
    is($count->{200}, 1, "round $round: exactly one 200");
    is($count->{404}, $CLIENTS - 1, "round $round: " . ($CLIENTS - 1) . " x 404")
        or diag("other statuses: $count->{other}");
    is(fetch_provisioning_token($token)->{used}, 1, "round $round: token used");
    is(scalar @{ fetch_passwords($id) }, 1,
       "round $round: one passwords row" . ($round % 2 ? '' : ' after one reset'));
}

for my $round (1 .. $AUTH_ROUNDS) {
    my $id = new_account();
    my $t  = create_auth_token($id);
    my $count = race(("/provisioning/auth_token/$t") x $CLIENTS);
    is($count->{200}, 1, "auth token round $round: exactly one 200");
    is($count->{404}, $CLIENTS - 1, "auth token round $round: " . ($CLIENTS - 1) . " x 404")
        or diag("other statuses: $count->{other}");
    ok(!defined fetch_auth_token($t), "auth token round $round: row deleted");
}

# 20 different accounts provisioned at the same moment, half with a reset.
my(@tokens, @urls);
for my $i (1 .. $CLIENTS) {
    my $t = create_provisioning_token(new_account());
    push @tokens, $t;
    push @urls, "/provisioning/$t" . ($i % 2 ? '' : '?reset_password');
}
my $count = race(@urls);
is($count->{200}, $CLIENTS, "$CLIENTS different tokens at once: all 200")
    or diag("404: $count->{404}, other: $count->{other}");
is(scalar(grep { fetch_provisioning_token($_)->{used} } @tokens), $CLIENTS, 'all consumed');
is($count->{other}, 0, 'no 5xx under write contention');

# The same on FlexiAPI's own schema (its unique (account_id, algorithm) on
# passwords, no index on tokens): 20 accounts with neighbouring ids, each
# with an MD5 and a SHA-256 password, all reset at once.
{
    Apache::TestRequest::module('lp_flexi');
    my $fx = dbh('flexi');
    my $host = "race-$$.test";
    my $fdomain = "race-$$.example.org";
    $fx->do(q{INSERT INTO spaces (domain, host, name, super, created_at, updated_at)
              VALUES (?, ?, ?, FALSE, ?, ?)}, undef, $fdomain, $host, "Race $$", utc_ts(), utc_ts());
    my(@ids, @urls);
    for my $i (1 .. $CLIENTS) {
        my $u = uniq('fxrace');
        $fx->do(q{INSERT INTO accounts (username, domain, activated, blocked, ip_address,
                                        user_agent, created_at, updated_at)
                  VALUES (?, ?, FALSE, FALSE, '192.0.2.10', 'FlexiAPI', ?, ?)}, undef,
                $u, $fdomain, utc_ts(), utc_ts());
        my $id = db_insert_id($fx, 'accounts');
        $fx->do('INSERT INTO passwords (account_id, password, algorithm) VALUES (?, ?, ?)',
                undef, $id, ha1($_, $u, $fdomain, 'pw'), $_) for 'MD5', 'SHA-256';
        my $t = random_token(32);
        $fx->do(q{INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)
                  VALUES (?, ?, FALSE, ?, ?)}, undef, $id, $t, utc_ts(), utc_ts());
        push @ids, $id;
        push @urls, "/provisioning/$t?reset_password";
    }
    my $c = race({ Host => $host }, @urls);
    is($c->{200}, $CLIENTS, "FlexiAPI schema: $CLIENTS neighbouring accounts reset at once: all 200")
        or diag("404: $c->{404}, other: $c->{other}");
    is(scalar(grep { @{ $fx->selectall_arrayref('SELECT id FROM passwords WHERE account_id = ?',
                                                undef, $_) } == 1 } @ids), $CLIENTS,
       '... each with one password left');
}
