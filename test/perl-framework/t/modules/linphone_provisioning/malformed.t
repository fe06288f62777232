# Malformed input never gets a 5xx, and the server keeps answering.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my @paths = (
    '/provisioning/' . ('a' x 10240),              # 10 KB token (over LimitRequestLine)
    '/provisioning/' . ('b' x 6000),               # long, but reaches the module
    '/provisioning/auth_token/' . ('c' x 6000),
    '/provisioning/%00',
    '/provisioning/abc%00def',
    '/provisioning/%zz',
    '/provisioning/%',
    '/provisioning/a%2',
    '/provisioning/a/b/c',
    '/provisioning/a/b/c/',
    '/provisioning//x',
    '/provisioning/%01%02%7f%ff%fe%80',
    '/provisioning/%C3%28',                        # invalid UTF-8
    '/provisioning/..%2f..%2fetc%2fpasswd',
    '/provisioning/../provisioning/x',
    '/provisioning/%2e%2e/x',
    "/provisioning/x'%20OR%20'1'='1",
    '/provisioning/x%22%3B--',
    '/provisioning/auth_token',
    '/provisioning/auth_token/',
    '/provisioning/auth_token/a/b',
    '/provisioning/auth_token/%ff%00',
    '/provisioning/qrcode/',
    '/provisioning/qrcode/%ff%fe',
    '/provisioning/nosuch?reset_password&reset_password=1&reset_password=%zz',
    '/provisioning/nosuch?' . ('reset_password&' x 500),
    '/provisioning/nosuch?%ff%fe=%00',
);

# Raw request lines, through a socket (bytes LWP would escape).
my @raw = (
    "GET /provisioning/\xff\xfe\x01\x7f HTTP/1.1",
    "GET /provisioning/a b HTTP/1.1",
    "GET /provisioning/\x00abc HTTP/1.1",
    "GET /provisioning/auth_token/\xc3\x28 HTTP/1.1",
);

my @long = (
    '/provisioning/' . ('b' x 6000),
    '/provisioning/auth_token/' . ('c' x 6000),
    '/provisioning/qrcode/' . ('d' x 6000),
);

plan tests => @paths + @raw + @long + 4;

for my $p (@paths) {
    my $res = hget($p, lp_header);
    is_4xx($res, 'GET ' . (length $p > 60 ? substr($p, 0, 60) . '...' : $p));
}

for my $line (@raw) {
    my $status = raw_request($line);
    (my $name = $line) =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
    ok($status >= 400 && $status < 500, "raw '$name' (got $status)");
}

# Longer than a file path may be (APR_PATH_MAX), shorter than a request
# line: the module answers (404, plain text), not core's 403 page.
for my $p (@long) {
    my $res = hget($p, lp_header);
    ok($res->code == 404 && is_plain_error($res),
       'module 404 for ' . substr($p, 0, 30) . '... (' . length($p) . ' bytes): got '
       . $res->code . ' ' . ($res->header('Content-Type') // ''));
}

# Repeated / odd header values.
my $res = hget('/provisioning', 'x-linphone-provisioning' => ("\xff" x 100));
ok($res->code == 200 || ($res->code >= 400 && $res->code < 500),
   'binary header value: 200 or 4xx (got ' . $res->code . ')');

# The server still answers, and still consumes tokens.
status_is(hget('/provisioning', lp_header), 200, 'still serving /provisioning');
my $user = uniq('after');
my $id = create_account($user, 'example.org', 'After Malformed');
status_is(hget('/provisioning/' . create_provisioning_token($id), lp_header), 200,
          'still serving tokens');

# Nothing crashed.
my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $fh, '<', $log or die "$log: $!";
my @crash = grep { /exit signal|Segmentation fault|double free|AddressSanitizer/ } <$fh>;
is(scalar @crash, 0, 'no child crashed (error_log)') or diag(@crash);

sub raw_request {
    my $line = shift;
    my $sock = Apache::TestRequest::vhost_socket() or return 0;
    print $sock "$line\r\nHost: localhost\r\nx-linphone-provisioning: 1\r\n"
              . "Connection: close\r\n\r\n";
    my $status_line = <$sock> // '';
    close $sock;
    return $status_line =~ m{^HTTP/\d\.\d (\d{3})} ? $1 : 0;
}
