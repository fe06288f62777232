# Only GET and HEAD: other methods get 405 with an Allow header and change
# nothing; HEAD answers like GET without a body.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my @methods = qw(POST PUT DELETE PATCH);

plan tests => 2 * @methods * 3 + 4 + 2 + 8;

my $domain = 'example.org';
my $id     = create_account(uniq('meth'), $domain, 'Methods');
my $token  = create_provisioning_token($id);

for my $path ('/provisioning', "/provisioning/$token") {
    for my $m (@methods) {
        my $res = hrequest($m, $path, lp_header,
                           'Content-Type' => 'application/x-www-form-urlencoded',
                           'Content-Length' => 0);
        status_is($res, 405, "$m $path: 405");
        my $allow = $res->header('Allow') // '';
        ok($allow =~ /\bGET\b/ && $allow =~ /\bHEAD\b/ && $allow !~ /\b$m\b/,
           "$m: Allow lists GET and HEAD, not $m ('$allow')");
        ok(is_plain_error($res), "$m: 405 body is short plain text")
            or diag($res->as_string);
    }
}
is(fetch_provisioning_token($token)->{used}, 0, 'token not consumed by other methods');
is(fetch_account($id)->{activated}, 0, 'account not activated by other methods');
my $t2 = create_auth_token($id);
status_is(hrequest('DELETE', "/provisioning/auth_token/$t2"), 405, 'DELETE auth token URL: 405');
ok(defined fetch_auth_token($t2), 'auth token not deleted by DELETE');

# OPTIONS: 405 like the others, or a 200 that only advertises GET and HEAD.
my $res = hrequest('OPTIONS', "/provisioning/$token", lp_header);
my $allow = $res->header('Allow') // '';
ok(($res->code == 405 || $res->code == 200) && $allow =~ /\bGET\b/ && $allow =~ /\bHEAD\b/
   && $allow !~ /\b(POST|PUT|DELETE)\b/,
   "OPTIONS: 405 or 200 with Allow: GET, HEAD (got " . $res->code . ", '$allow')");
is(fetch_provisioning_token($token)->{used}, 0, 'token not consumed by OPTIONS');

# HEAD
$res = HEAD('/provisioning', lp_header);
status_is($res, 200, 'HEAD /provisioning: 200');
like($res->header('Content-Type') // '', qr{^application/xml}, 'HEAD: Content-Type application/xml');
is($res->content, '', 'HEAD: no body');
status_is(HEAD('/provisioning'), 400, 'HEAD without header: 400');
status_is(HEAD('/provisioning/' . random_token(), lp_header), 404, 'HEAD unknown token: 404');

# GET after all that: the token is still good.
$res = hget("/provisioning/$token", lp_header);
status_is($res, 200, 'GET the token afterwards: 200');
is(fetch_provisioning_token($token)->{used}, 1, 'consumed by GET');
is(fetch_account($id)->{activated}, 1, 'activated by GET');
