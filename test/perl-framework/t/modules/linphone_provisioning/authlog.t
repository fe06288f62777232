# Every refused Digest or API-key credential leaves one tagged info line in
# the error log naming the client, the reason and the user (never the
# password or the key), and conf/fail2ban/linphone-provisioning.conf
# matches the ones a password guesser leaves (with fail2ban-regex when
# fail2ban is installed, else with its failregex in Perl).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use File::Temp qw(tempfile);
use LinphoneTest;
use LinphoneDigest;

plan tests => 23;

my $domain = 'authlog.example.org';
my $log = Apache::Test::vars('t_logs') . '/error_log';
my $filter = "$FindBin::Bin/../../../../../conf/fail2ban/linphone-provisioning.conf";

# the error log lines written since the last call
my $seen = -s $log // 0;
sub new_lines {
    open my $fh, '<', $log or die "$log: $!";
    seek $fh, $seen, 0;
    my @lines = <$fh>;
    $seen = tell $fh;
    return @lines;
}
# the one line of the last request with that tag, or undef
sub logged {
    my($tag) = @_;
    my @l = grep { /\b$tag: / } new_lines();
    return @l == 1 ? $l[0] : undef;
}

my $user = uniq('guess');
my $password = random_token(12);
remember_secret($password);
my $id = create_account($user, $domain, undef,
                        passwords => [[ha1('SHA-256', $user, $domain, $password),
                                       'SHA-256']]);
my $user_at = "$user\@$domain";
my @from = (From => "sip:$user_at");
sub me { hget('/provisioning/me', lp_header, @_) }
sub challenge { challenges(me(@_))->{'SHA-256'} }
my %ok = (user => $user, password => $password, uri => '/provisioning/me');
my $client = qr/client (?:127\.0\.0\.1|::1|::ffff:127\.0\.0\.1): /;
my @guesses;

new_lines();
me(@from, Authorization => authorization(%ok, challenge => challenge(@from),
                                         password => 'wrong'));
my $line = logged('LP0411');
like($line // '', qr/\[linphone_provisioning:info\]/, 'wrong password: an info line');
like($line // '', qr/LP0411: ${client}digest: bad response \(wrong password\), user "\Q$user\E"/,
     '... LP0411 with the client, the reason and the user');
unlike($line // '', qr/\Q$password\E/, '... not the password');
push @guesses, $line;

my $nobody = "nobody_$$";
my $nobody_at = "$nobody\@$domain";
me(From => "sip:$nobody\@$domain",
   Authorization => authorization(%ok, user => $nobody,
                                  challenge => challenge(From => "sip:$nobody\@$domain")));
$line = logged('LP0406');
like($line // '', qr/LP0406: ${client}digest: unknown user, user "\Q$nobody_at\E"/,
     'unknown user: LP0406');
push @guesses, $line;

me(@from, Authorization => authorization(%ok, challenge => challenge(@from),
                                         realm => 'other'));
like(logged('LP0407') // '', qr/LP0407: ${client}digest: realm mismatch/,
     'realm mismatch: LP0407');

hget('/provisioning/me?x=1', lp_header, @from,
     Authorization => authorization(%ok, challenge => challenge(@from)));
like(logged('LP0408') // '', qr/LP0408: ${client}digest: uri mismatch/,
     'uri mismatch: LP0408');

my $c = challenge(@from);
me(@from, Authorization => authorization(%ok, challenge => { %$c, opaque => 'x' }));
$line = logged('LP0413');
like($line // '', qr/LP0413: ${client}digest: opaque mismatch/,
     'opaque mismatch: LP0413');
push @guesses, $line;

me(@from, Authorization => authorization(%ok, challenge => { %$c, nonce => '0' x 64 }));
like(logged('LP0414') // '', qr/LP0414: ${client}digest: nonce not signed/,
     'forged nonce: LP0414');

my $res = me(@from, Authorization => authorization(%ok, challenge => $c));
status_is($res, 200, 'right password: 200');
is(scalar(grep { /\bLP04\d\d: / } new_lines()), 0, '... nothing logged');
me(@from, Authorization => authorization(%ok, challenge => $c));
like(logged('LP0410') // '', qr/LP0410: ${client}digest: replayed nonce count/,
     'replayed nc: LP0410');

my $broken = uniq('broken');
create_account($broken, $domain, undef, passwords => [['', 'SHA-256']]);
me(From => "sip:$broken\@$domain",
   Authorization => authorization(%ok, user => $broken,
                                  challenge => challenge(From => "sip:$broken\@$domain")));
like(logged('LP0412') // '', qr/LP0412: ${client}digest: the account has no usable password row/,
     'no usable password row: LP0412');

my $blocked = uniq('blocked');
my $blocked_at = "$blocked\@$domain";
create_account($blocked, $domain, undef, blocked => 1,
               passwords => [[ha1('SHA-256', $blocked, $domain, $password), 'SHA-256']]);
me(From => "sip:$blocked\@$domain",
   Authorization => authorization(%ok, user => $blocked,
                                  challenge => challenge(From => "sip:$blocked\@$domain")));
like(logged('LP0416') // '', qr/LP0416: ${client}account blocked, user "\Q$blocked_at\E"/,
     'blocked account: LP0416');

me();
like(logged('LP0415') // '', qr/LP0415: ${client}digest: no From header/,
     'no From header: LP0415');

# --- API keys -----------------------------------------------------------------
my $bogus = random_token(40);
remember_secret($bogus);
hget('/provisioning/me', lp_header, 'x-api-key' => $bogus);
$line = logged('LP0122');
like($line // '', qr/LP0122: ${client}api key: unknown key/, 'unknown API key: LP0122');
unlike($line // '', qr/\Q$bogus\E/, '... not the key');
push @guesses, $line;

my $bound = create_api_key($id, ip => '192.0.2.1');
hget('/provisioning/me', lp_header, 'x-api-key' => $bound);
$line = logged('LP0123');
like($line // '', qr/LP0123: ${client}api key: wrong IP \(bound to 192\.0\.2\.1\), user "\Q$user_at\E"/,
     'API key of another address: LP0123');
push @guesses, $line;

my $old = create_api_key($id, expires => 1, last_used_at => utc_ts(-120));
hget('/provisioning/me', lp_header, 'x-api-key' => $old);
$line = logged('LP0124');
like($line // '', qr/LP0124: ${client}api key: expired key, user "\Q$user_at\E"/,
     'expired API key: LP0124');
push @guesses, $line;

# --- the fail2ban filter --------------------------------------------------------
ok(-r $filter, 'conf/fail2ban/linphone-provisioning.conf exists');
open my $fh, '<', $filter or die "$filter: $!";
my($failregex) = map { /^failregex\s*=\s*(.*?)\s*$/ ? $1 : () } <$fh>;
ok($failregex, '... with a failregex');
(my $re = $failregex // '') =~ s/<HOST>/(?<host>\\S+?)/;
my @hosts = map { defined && /$re/ ? $+{host} : () } @guesses;
is(scalar @hosts, scalar @guesses, 'the failregex matches every guess');
is(scalar(grep { !/^(?:127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/ } @hosts), 0,
   '... and takes the client address from each');

SKIP: {
    my $f2b = (grep { -x "$_/fail2ban-regex" } split /:/, "$ENV{PATH}:/usr/bin")[0];
    skip 'fail2ban-regex not installed', 1 unless $f2b;
    my($tfh, $tmp) = tempfile(UNLINK => 1);
    print $tfh grep { defined } @guesses;
    close $tfh;
    my $out = `$f2b/fail2ban-regex $tmp $filter 2>&1`;
    my($matched) = $out =~ /^Lines:.*?(\d+) matched/m;
    is($matched, scalar @guesses, 'fail2ban-regex matches every guess in the real log lines')
        or diag($out);
}
