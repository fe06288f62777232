# Booleans are read portably: whatever the driver stores (0/1, t/f,
# true/false), as FlexiAPI databases from other drivers or tools may hold.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my @false = ('0', 'f', 'false', 'FALSE');
my @true  = ('1', 't', 'true', 'TRUE');

plan tests => 2 * @false + @true + 2 * @true + 2 * @false;

my $domain = 'example.org';
my $dbh    = dbh();

sub set_col {
    my($table, $col, $id, $val) = @_;
    $dbh->do("UPDATE $table SET $col = ? WHERE id = ?", undef, $val, $id);
}
sub token_id { fetch_provisioning_token(shift)->{id} }

# provisioning_tokens.used
for my $v (@false) {
    my $id = create_account(uniq('boolu'), $domain, 'Bool');
    my $t  = create_provisioning_token($id);
    set_col('provisioning_tokens', 'used', token_id($t), $v);
    status_is(hget("/provisioning/$t", lp_header), 200, "used='$v' is unused: 200");
    status_is(hget("/provisioning/$t", lp_header), 404, "used='$v': consumed afterwards");
}
for my $v (@true) {
    my $id = create_account(uniq('boolu'), $domain, 'Bool');
    my $t  = create_provisioning_token($id);
    set_col('provisioning_tokens', 'used', token_id($t), $v);
    status_is(hget("/provisioning/$t", lp_header), 404, "used='$v' is used: 404");
}

# accounts.blocked
for my $v (@true) {
    my $id = create_account(uniq('boolb'), $domain, 'Bool');
    set_col('accounts', 'blocked', $id, $v);
    my $t = create_provisioning_token($id);
    status_is(hget("/provisioning/$t", lp_header), 403, "blocked='$v': 403");
    is(fetch_provisioning_token($t)->{used}, 0, "blocked='$v': token not consumed");
}
for my $v (@false) {
    my $id = create_account(uniq('boolb'), $domain, 'Bool');
    set_col('accounts', 'blocked', $id, $v);
    my $t = create_provisioning_token($id);
    status_is(hget("/provisioning/$t", lp_header), 200, "blocked='$v': 200");
    my $a = fetch_account($id)->{activated};
    ok($a eq '1' || lc($a) eq 't' || lc($a) eq 'true', "blocked='$v': activated ('$a')");
}
