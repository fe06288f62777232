# A database without the spaces table (made for this module alone, or of
# neither FlexiAPI 2.0's nor 2.1's shape): no spaces statement can be
# prepared, and only LinphoneProvisioningSpaces needs one.  With
# spaces off everything is served; with spaces on the requests that need a
# space answer 503 (LP0112 in the error log) and consume nothing.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 9;

my $domain = 'nospaces.example.org';

sub account_with_token {
    my $user = uniq('nosp');
    my $id = create_account($user, $domain, 'No Spaces',
                            passwords => [[ha1('MD5', $user, $domain, 'pw'), 'MD5']],
                            db => 'nospaces');
    return ($user, $id, create_provisioning_token($id, undef, 0, undef, db => 'nospaces'));
}

Apache::TestRequest::module('lp_nospaces');
status_is(hget('/provisioning', lp_header), 200, 'spaces off: the base document');
my($user, $id, $token) = account_with_token();
my $res = hget("/provisioning/$token", lp_header);
status_is($res, 200, 'spaces off: a token provisions');
like($res->content, qr{<entry name="username">\Q$user\E</entry>}, '... with its account');
ok(fetch_provisioning_token($token, db => 'nospaces')->{used}, '... and is consumed');
status_is(hget('/provisioning/me', lp_header), 401, 'spaces off: /me challenges');

Apache::TestRequest::module('lp_nospaces_on');
(undef, undef, $token) = account_with_token();
$res = hget("/provisioning/$token", lp_header);
status_is($res, 503, 'spaces on: 503 (the spaces table is missing)');
like($res->header('Retry-After') // '', qr/^\d+$/, '... with Retry-After');
ok(is_plain_error($res), '... in plain text');
ok(!fetch_provisioning_token($token, db => 'nospaces')->{used}, '... and the token is not consumed');
