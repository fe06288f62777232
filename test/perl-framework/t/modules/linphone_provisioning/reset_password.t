# ?reset_password: the account's passwords are replaced by one new hash.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 5 * 10 + 3;

my $domain = 'example.org';

# check_reset($name, $url_maker, $algo, $hexlen, $realm): 10 tests.
sub check_reset {
    my($name, $make_url, $algo, $hexlen, $realm, @headers) = @_;
    my $user = uniq('reset');
    my $md5  = ha1('MD5', $user, $domain, 'old');
    my $sha  = ha1('SHA-256', $user, $domain, 'old');
    my $id   = create_account($user, $domain, 'Reset Me',
                              passwords => [[$md5, 'MD5'], [$sha, 'SHA-256']]);
    my $res = hget($make_url->($id), @headers);
    status_is($res, 200, "$name: 200");

    my $rows = fetch_passwords($id);
    is(scalar @$rows, 1, "$name: exactly one passwords row left");
    my $new = $rows->[0] || {};
    is($new->{algorithm}, $algo, "$name: algorithm $algo");
    like($new->{password} // '', qr/^[0-9a-f]{$hexlen}$/, "$name: $hexlen lowercase hex digits");
    ok(($new->{password} // $md5) ne $md5 && ($new->{password} // $sha) ne $sha,
       "$name: a new password");

    my $doc = parse_doc($res);
    my @auth = $doc ? grep { /^auth_info_/ } doc_sections($doc) : ();
    is_deeply(\@auth, ['auth_info_0'], "$name: one auth_info section");
    my $e = $doc ? section_entries($doc, 'auth_info_0') : {};
    is($e->{ha1}, $new->{password}, "$name: ha1 in the document = stored hash");
    is($e->{realm}, $realm, "$name: realm $realm");
    is($e->{algorithm}, $algo, "$name: algorithm entry $algo");
    ok(!exists $e->{passwd} && $res->content !~ /name="passwd"/,
       "$name: no clear password in the document");
    return $id;
}

check_reset('?reset_password',
            sub { '/provisioning/' . create_provisioning_token($_[0]) . '?reset_password' },
            'SHA-256', 64, $domain, lp_header);

check_reset('?reset_password=1',
            sub { '/provisioning/' . create_provisioning_token($_[0]) . '?reset_password=1' },
            'SHA-256', 64, $domain, lp_header);

check_reset('auth_token ?foo=bar&reset_password',
            sub { '/provisioning/auth_token/' . create_auth_token($_[0]) . '?foo=bar&reset_password' },
            'SHA-256', 64, $domain);

check_reset('repeated ?reset_password&reset_password=1&reset_password',
            sub { '/provisioning/' . create_provisioning_token($_[0])
                  . '?reset_password&reset_password=1&reset_password' },
            'SHA-256', 64, $domain, lp_header);

Apache::TestRequest::module('lp_md5');
check_reset('lp_md5 ?reset_password',
            sub { '/provisioning/' . create_provisioning_token($_[0]) . '?reset_password' },
            'MD5', 32, 'test.realm', lp_header);
Apache::TestRequest::module('default');

# Without reset_password nothing changes; a refused request resets nothing.
my $user = uniq('noreset');
my $sha  = ha1('SHA-256', $user, $domain, 'keep');
my $id   = create_account($user, $domain, undef, passwords => [[$sha, 'SHA-256']]);
my $t    = create_provisioning_token($id);
status_is(hget("/provisioning/$t?reset_password"), 400, 'no header: 400');
status_is(hget("/provisioning/$t?reset_passwordx=1&x_reset_password&a=reset_password", lp_header),
          200, 'reset_passwordx, x_reset_password, a=reset_password are not reset_password');
is_deeply([map { $_->{password} } @{ fetch_passwords($id) }], [$sha],
          'passwords unchanged by both requests');
