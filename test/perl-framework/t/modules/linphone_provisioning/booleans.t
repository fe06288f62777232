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
# MySQL's tinyint(1) holds numbers only: 't' or 'false' cannot be stored
# there (strict mode refuses them), so only 0 and 1 are tried.
my $numeric_only = db_driver() eq 'mysql';

plan tests => 2 * @false + @true + 2 * @true + 2 * @false + 2 * @true + 2 * @false;

my $domain = 'example.org';
my $dbh    = dbh();

sub set_col {
    my($table, $col, $id, $val) = @_;
    $dbh->do("UPDATE $table SET $col = ? WHERE id = ?", undef, $val, $id);
}
# stores($v): whether this driver's boolean column can hold $v.
sub stores { !$numeric_only || $_[0] =~ /^[01]$/ }
sub token_id { fetch_provisioning_token(shift)->{id} }

# provisioning_tokens.used
for my $v (@false) {
    SKIP: {
    skip "mysql's tinyint(1) cannot hold '$v'", 2 unless stores($v);
    my $id = create_account(uniq('boolu'), $domain, 'Bool');
    my $t  = create_provisioning_token($id);
    set_col('provisioning_tokens', 'used', token_id($t), $v);
    status_is(hget("/provisioning/$t", lp_header), 200, "used='$v' is unused: 200");
    status_is(hget("/provisioning/$t", lp_header), 404, "used='$v': consumed afterwards");
    }
}
for my $v (@true) {
    SKIP: {
    skip "mysql's tinyint(1) cannot hold '$v'", 1 unless stores($v);
    my $id = create_account(uniq('boolu'), $domain, 'Bool');
    my $t  = create_provisioning_token($id);
    set_col('provisioning_tokens', 'used', token_id($t), $v);
    status_is(hget("/provisioning/$t", lp_header), 404, "used='$v' is used: 404");
    }
}

# accounts.blocked
for my $v (@true) {
    SKIP: {
    skip "mysql's tinyint(1) cannot hold '$v'", 2 unless stores($v);
    my $id = create_account(uniq('boolb'), $domain, 'Bool');
    set_col('accounts', 'blocked', $id, $v);
    my $t = create_provisioning_token($id);
    status_is(hget("/provisioning/$t", lp_header), 403, "blocked='$v': 403");
    is(fetch_provisioning_token($t)->{used}, 0, "blocked='$v': token not consumed");
    }
}
for my $v (@false) {
    SKIP: {
    skip "mysql's tinyint(1) cannot hold '$v'", 2 unless stores($v);
    my $id = create_account(uniq('boolb'), $domain, 'Bool');
    set_col('accounts', 'blocked', $id, $v);
    my $t = create_provisioning_token($id);
    status_is(hget("/provisioning/$t", lp_header), 200, "blocked='$v': 200");
    my $a = fetch_account($id)->{activated};
    ok($a eq '1' || lc($a) eq 't' || lc($a) eq 'true', "blocked='$v': activated ('$a')");
    }
}

# "the account's newest unused token" reads `used` the same way: a newer
# token stored as used ('t', 'true': truthy text that SQLite's NOT would
# call false) does not replace the current one; a newer unused one does.
for my $v (@true) {
    SKIP: {
    skip "mysql's tinyint(1) cannot hold '$v'", 2 unless stores($v);
    my $id  = create_account(uniq('booln'), $domain, 'Bool');
    my $cur = create_provisioning_token($id);
    my $new = create_provisioning_token($id);
    set_col('provisioning_tokens', 'used', token_id($new), $v);
    status_is(hget("/provisioning/qrcode/$cur"), 200,
              "newer token used='$v': the older one's QR code is served");
    status_is(hget("/provisioning/$cur", lp_header), 200,
              "newer token used='$v': the older one is still current");
    }
}
for my $v (@false) {
    SKIP: {
    skip "mysql's tinyint(1) cannot hold '$v'", 2 unless stores($v);
    my $id  = create_account(uniq('booln'), $domain, 'Bool');
    my $old = create_provisioning_token($id);
    my $new = create_provisioning_token($id);
    set_col('provisioning_tokens', 'used', token_id($new), $v);
    status_is(hget("/provisioning/$old", lp_header), 404,
              "newer token used='$v' (unused): the older one is not current");
    status_is(hget("/provisioning/$new", lp_header), 200,
              "newer token used='$v': it is the current one");
    }
}
