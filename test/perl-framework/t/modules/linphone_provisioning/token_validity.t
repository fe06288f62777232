# Which provisioning tokens are refused: unknown, used, not the account's
# current one, expired, blocked account.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 28;

my $domain = 'example.org';

sub account { create_account(uniq(shift), $domain, 'Test User') }

# Unknown token.
my $res = hget('/provisioning/' . random_token(), lp_header);
status_is($res, 404, 'unknown token: 404');
ok(is_plain_error($res), '404 body is short plain text') or diag($res->as_string);

# Token already used.
my $id = account('used');
my $t = create_provisioning_token($id, undef, 1);
status_is(hget("/provisioning/$t", lp_header), 404, 'used token: 404');
is(fetch_account($id)->{activated}, 0, 'used token: account not activated');

# Older unused token when a newer unused one exists: only the newest counts.
$id = account('older');
my $old = create_provisioning_token($id, undef, 0, utc_ts(-3600));
my $new = create_provisioning_token($id, undef, 0, utc_ts());
status_is(hget("/provisioning/$old", lp_header), 404, 'older unused token: 404');
is(fetch_provisioning_token($old)->{used}, 0, 'older token left unused');
is(fetch_account($id)->{activated}, 0, 'older token: account not activated');
status_is(hget("/provisioning/$new", lp_header), 200, 'newest unused token: 200');

# A used newer token does not hide the current unused one.
$id = account('usednewer');
my $cur = create_provisioning_token($id, undef, 0, utc_ts(-60));
create_provisioning_token($id, undef, 1, utc_ts());
status_is(hget("/provisioning/$cur", lp_header), 200,
          'current unused token with a newer used one: 200');

# No expiry by default (LinphoneProvisioningTokenExpiry 0).
$id = account('ancient');
$t = create_provisioning_token($id, undef, 0, '2015-01-01 00:00:00');
status_is(hget("/provisioning/$t", lp_header), 200, 'no expiry by default: 10 year old token 200');

# lp_expiry: LinphoneProvisioningTokenExpiry 1.
Apache::TestRequest::module('lp_expiry');
$id = account('expired');
$t = create_provisioning_token($id, undef, 0, utc_ts(-120));
$res = hget("/provisioning/$t", lp_header);
status_is($res, 410, 'token older than TokenExpiry: 410');
ok(is_plain_error($res), '410 body is short plain text') or diag($res->as_string);
is(fetch_provisioning_token($t)->{used}, 0, 'expired token not consumed');
is(fetch_account($id)->{activated}, 0, 'expired token: account not activated');
$id = account('fresh');
$t = create_provisioning_token($id, undef, 0, utc_ts(-20));
status_is(hget("/provisioning/$t", lp_header), 200, 'token younger than TokenExpiry: 200');
Apache::TestRequest::module('default');

# Blocked account: 403, nothing consumed (documented decision).
$id = create_account(uniq('blocked'), $domain, 'Blocked', blocked => 1);
$t = create_provisioning_token($id);
$res = hget("/provisioning/$t", lp_header);
status_is($res, 403, 'blocked account: 403');
ok(is_plain_error($res), '403 body is short plain text') or diag($res->as_string);
is(fetch_provisioning_token($t)->{used}, 0, 'blocked: token not consumed');
is(fetch_account($id)->{activated}, 0, 'blocked: account not activated');

# The token is matched exactly (no prefix / case-insensitive match).
$id = account('exact');
$t = create_provisioning_token($id, 'ExactTok' . random_token(16));
status_is(hget('/provisioning/' . lc($t), lp_header), 404, 'token in another case: 404');
status_is(hget('/provisioning/' . substr($t, 0, 10), lp_header), 404, 'token prefix: 404');

# URL equivalence: a percent-encoded unreserved character is the same URL.
$id = account('pct');
$t = create_provisioning_token($id, 'Pct' . random_token(16));
status_is(hget('/provisioning/%50' . substr($t, 1), lp_header), 200,
          'token with its first character percent-encoded: 200');

# Unrelated query arguments do not matter.
$id = account('query');
$t = create_provisioning_token($id);
status_is(hget("/provisioning/$t?utm_source=mail&x=1", lp_header), 200,
          'token with unrelated query arguments: 200');
is(fetch_provisioning_token($t)->{used}, 1, '... and consumed');

# No pattern matching on tokens: SQL LIKE wildcards are plain characters.
$id = account('wild');
$t = create_provisioning_token($id, 'wild_' . random_token(16));
(my $other = $t) =~ s/_/X/;
status_is(hget("/provisioning/$other", lp_header), 404, "'_' in a token is not a wildcard");
status_is(hget('/provisioning/%25', lp_header), 404, "'%' alone is not a wildcard");
status_is(hget('/provisioning/wild%25', lp_header), 404, "'wild%' is not a wildcard");

# A token whose account row is gone (SQLite does not enforce the foreign key).
SKIP: {
    skip db_driver() . ' enforces the foreign key: no token without its account', 1
        unless db_driver() eq 'sqlite3';
    $t = create_provisioning_token(999_999_999);
    status_is(hget("/provisioning/$t", lp_header), 404, 'token of a missing account: 404');
}
