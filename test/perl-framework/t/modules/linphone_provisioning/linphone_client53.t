# linphone_client.t's scenarios with liblinphone 5.3 (Debian trixie's), the
# client built by test/linphone-client/trixie.sh in its chroot and run there
# through an unprivileged user namespace (see t/lib/LinphoneClient.pm).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";
use LinphoneClient;

use_client('5.3');
do "$FindBin::Bin/linphone_client.t";
die $@ if $@;
