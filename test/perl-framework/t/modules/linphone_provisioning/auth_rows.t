# Password rows that would let anyone in never authenticate: an empty,
# non-hex or wrong-length HA1, an unknown algorithm; said once in the log,
# not once per request.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;
use LinphoneDigest;

my @rows = (
    # [what, stored password, stored algorithm, the HA1 an attacker answers with, algorithm]
    ['empty MD5 HA1',          '',                'MD5',     '',               'MD5'],
    ['empty SHA-256 HA1',      '',                'SHA-256', '',               'SHA-256'],
    ['non-hex MD5 HA1',        'password',        'MD5',     'password',       'MD5'],
    ['non-hex 32 chars',       'z' x 32,          'MD5',     'z' x 32,         'MD5'],
    ['MD5-length SHA-256 HA1', 'a' x 32,          'SHA-256', 'a' x 32,         'SHA-256'],
    ['empty clear password',   '',                'CLRTXT',  undef,            'MD5'],
    ['unknown algorithm',      'b' x 32,          'md4',     'b' x 32,         'MD5'],
);

plan tests => 2 * @rows + 4;

my $domain = 'rows.example.org';
my $log = Apache::Test::vars('t_logs') . '/error_log';
sub lp0405 {
    open my $fh, '<', $log or return 0;
    return scalar grep { /LP0405/ } <$fh>;
}

for my $r (@rows) {
    my($what, $stored, $alg, $ha1, $answer) = @$r;
    my $user = uniq('row');
    create_account($user, $domain, undef, passwords => [[$stored, $alg]]);
    my @from = (From => "sip:$user\@$domain");
    my $res = hget('/provisioning/me', lp_header, @from);
    my $c = challenges($res)->{$answer};
    ok($c, "$what: challenged with $answer");
    $c //= { nonce => 'x', realm => $domain, opaque => 'x', algorithm => $answer };
    $res = hget('/provisioning/me', lp_header, @from,
                Authorization => authorization(challenge => $c, user => $user,
                                               ha1 => $ha1, password => '',
                                               uri => '/provisioning/me'));
    status_is($res, 401, "$what: never authenticates");
}

# a good row next to a bad one still works
my $user = uniq('rowok');
create_account($user, $domain, undef,
               passwords => [['', 'MD5'], [ha1('MD5', $user, $domain, 'pw'), 'MD5']]);
my @from = (From => "sip:$user\@$domain");
my $c = challenges(hget('/provisioning/me', lp_header, @from))->{MD5};
my $res = hget('/provisioning/me', lp_header, @from,
               Authorization => authorization(challenge => $c, user => $user,
                                              password => 'pw', uri => '/provisioning/me'));
status_is($res, 200, 'a usable row next to an empty one: 200');
# an uppercase HA1 is the same hash
$user = uniq('rowuc');
create_account($user, $domain, undef,
               passwords => [[uc ha1('SHA-256', $user, $domain, 'pw'), 'SHA-256']]);
@from = (From => "sip:$user\@$domain");
$c = challenges(hget('/provisioning/me', lp_header, @from))->{'SHA-256'};
$res = hget('/provisioning/me', lp_header, @from,
            Authorization => authorization(challenge => $c, user => $user,
                                           password => 'pw', uri => '/provisioning/me'));
status_is($res, 200, 'an uppercase hex HA1: 200');

# flood one bad account: the log line does not follow
my $before = lp0405();
ok($before >= 1, 'unusable rows are logged (LP0405)');
my $bad = uniq('rowflood');
create_account($bad, $domain, undef, passwords => [['', 'MD5']]);
for (1 .. 30) {
    my $fc = challenges(hget('/provisioning/me', lp_header, From => "sip:$bad\@$domain"))->{MD5};
    hget('/provisioning/me', lp_header, From => "sip:$bad\@$domain",
         Authorization => authorization(challenge => $fc, user => $bad, ha1 => '',
                                        uri => '/provisioning/me'));
}
my $after = lp0405();
ok($after - $before < 30, "30 attempts: not logged each time ($before, then $after)");
