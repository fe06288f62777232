# LinphoneProvisioningOverwriteAll On (lp_overwrite): overwrite="true" on
# every entry of every document.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

plan tests => 8;

Apache::TestRequest::module('lp_overwrite');
my $domain = 'example.org';

sub check_all_overwrite {
    my($res, $name) = @_;
    status_is($res, 200, "$name: 200");
    my $doc = parse_doc($res);
    my @entries = $doc ? all_entries($doc) : ();
    ok(@entries > 0, "$name: has entries");
    my @missing = grep { ($_->getAttribute('overwrite') // '') ne 'true' } @entries;
    is(scalar @missing, 0, "$name: every entry has overwrite=\"true\"")
        or diag(join ', ', map { $_->getAttribute('name') } @missing);
    return $doc;
}

check_all_overwrite(hget('/provisioning', lp_header), 'base document');

my $user = uniq('ow');
my $id = create_account($user, $domain, 'Over Write',
                        passwords => [[ha1('MD5', $user, $domain, 'p'), 'MD5'],
                                      ['clear', 'CLRTXT']]);
my $doc = check_all_overwrite(hget('/provisioning/' . create_provisioning_token($id), lp_header),
                              'account document');
is_deeply($doc ? [doc_sections($doc)] : undef,
          ['sip', 'misc', 'proxy_0', 'auth_info_0', 'auth_info_1'], 'account document sections');
is($doc ? doc_entry($doc, 'proxy_0', 'reg_identity') : undef,
   qq{"Over Write" <sip:$user\@$domain>}, 'values unchanged by overwrite');
