# GET {provisioning}/qrcode/{token}[?reset_password]: a PNG QR code of the
# token's provisioning URL, decoded here with a real decoder (zbarimg, from
# zbar-tools), and the same URL in X-Qrcode-URL.  It consumes nothing.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/../../lib";

use File::Temp ();
use POSIX ();
use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use LinphoneTest;

my $PARALLEL = 32;

plan tests => 56;

my $domain = 'example.org';

sub account { create_account(uniq(shift), $domain, 'QR User',
                             passwords => [['0123456789abcdef', 'MD5']]) }

# The text of the QR code in a PNG, as a phone would read it.  zbarimg
# reads the file through ImageMagick; an exit other than 0 (decoded) or 4
# (no symbol: deterministic, a real failure) is the tool's own trouble and
# is tried again.  What it said, and the PNG, are kept for a failure.
my $failed_png = 0;
sub decode_qr {
    my $png = shift;
    my $tmp = File::Temp->new(SUFFIX => '.png');
    binmode $tmp;
    print $tmp $png;
    close $tmp;
    my $err = File::Temp->new;
    my($text, $status);
    for my $try (1 .. 3) {
        $text = `zbarimg --raw -q $tmp 2>$err`;
        $status = $? >> 8;
        last if $status == 0 || $status == 4;
    }
    if ($status != 0) {
        my $keep = Apache::Test::vars('t_logs') . '/qr-failed-' . ++$failed_png . '.png';
        if (open my $kfh, '>', $keep) {
            binmode $kfh;
            print $kfh $png;
            close $kfh;
        }
        open my $efh, '<', "$err";
        diag("zbarimg: exit $status (apt-get install zbar-tools), PNG kept as $keep: "
             . join('', $efh ? <$efh> : ()));
    }
    chomp $text;
    return $text;
}

# (signature ok, width, height, bit depth, colour type) from the IHDR.
sub png_header {
    my $png = shift;
    my($sig, undef, $type, $w, $h, $depth, $colour) =
        unpack('a8 N a4 N N C C', $png);
    return ($sig eq "\x89PNG\r\n\x1a\n" && $type eq 'IHDR', $w, $h, $depth, $colour);
}

# A QR request, checked as a whole: 200, PNG, 300x300 1-bit gray, the URL in
# X-Qrcode-URL is $want, and so is the decoded QR code.  6 tests.
sub qr_ok {
    my($path, $want, $name) = @_;
    my $res = hget($path);
    status_is($res, 200, "$name: 200");
    is($res->header('Content-Type'), 'image/png', "$name: image/png");
    is($res->header('X-Qrcode-URL'), $want, "$name: X-Qrcode-URL");
    my($sig, $w, $h, $depth, $colour) = png_header($res->content);
    ok($sig, "$name: PNG signature and IHDR");
    ok($w == 300 && $h == 300 && $depth == 1 && $colour == 0,
       "$name: 300x300, 1-bit grayscale (${w}x$h, depth $depth, colour $colour)");
    is(decode_qr($res->content), $want, "$name: the QR code decodes to it");
    return $res;
}

my $hostport = Apache::TestRequest::hostport();

# --- a valid token: served, nothing consumed ---------------------------------
my $id = account('qr');
my $t  = create_provisioning_token($id);
my $url = "http://$hostport/provisioning/$t";
my $res = qr_ok("/provisioning/qrcode/$t", $url, 'QR code');
is($res->header('Cache-Control'), 'no-store', 'Cache-Control: no-store');
my $png = $res->content;
diag('PNG size: ' . length($png) . ' bytes');

qr_ok("/provisioning/qrcode/$t?reset_password", "$url?reset_password=1",
      'with ?reset_password');
is(hget("/provisioning/qrcode/$t?reset_password=1")->header('X-Qrcode-URL'),
   "$url?reset_password=1", '?reset_password=1 alike');
is(hget("/provisioning/qrcode/$t?foo=bar")->header('X-Qrcode-URL'), $url,
   'other query arguments are not carried over');

$res = HEAD("/provisioning/qrcode/$t");
status_is($res, 200, 'HEAD: 200');
ok($res->header('X-Qrcode-URL') eq $url && $res->content eq '',
   'HEAD: X-Qrcode-URL, no body');

my $row = fetch_provisioning_token($t);
ok(!$row->{used} && !defined $row->{ip} && !defined $row->{user_agent},
   'token row untouched (not used, no ip, no user agent)');
is(fetch_account($id)->{activated}, 0, 'account not activated');
is_deeply([map { [$_->{password}, $_->{algorithm}] } @{ fetch_passwords($id) }],
          [['0123456789abcdef', 'MD5']], '?reset_password on the QR code reset nothing');

# The decoded URL provisions the account: the token was still usable.
(my $path = $url) =~ s{^http://[^/]+}{};
status_is(hget($path, lp_header), 200, 'the decoded URL provisions the account');
is(fetch_provisioning_token($t)->{used}, 1, '... and consumes the token');
$res = hget("/provisioning/qrcode/$t");
status_is($res, 404, 'QR code of a used token: 404');
ok(is_plain_error($res), '404 body is short plain text') or diag($res->as_string);

# --- refused tokens -------------------------------------------------------
status_is(hget('/provisioning/qrcode/' . random_token()), 404, 'unknown token: 404');
$id = account('qrold');
my $old = create_provisioning_token($id, undef, 0, utc_ts(-3600));
my $new = create_provisioning_token($id, undef, 0, utc_ts());
status_is(hget("/provisioning/qrcode/$old"), 404, 'older unused token: 404');
status_is(hget("/provisioning/qrcode/$new"), 200, 'the current token: 200');
$id = create_account(uniq('qrblk'), $domain, 'Blocked', blocked => 1);
$t  = create_provisioning_token($id);
status_is(hget("/provisioning/qrcode/$t"), 403, 'blocked account: 403, as its token URL');
for my $p ('/provisioning/qrcode/', '/provisioning/qrcode/a/b',
           '/provisioning/qrcode/%3Cscript%3E', '/provisioning/qrcode/' . ('a' x 256)) {
    status_is(hget($p), 404, 'GET ' . substr($p, 0, 40) . ': 404');
}
$res = hrequest('POST', "/provisioning/qrcode/$new", 'Content-Length' => 0);
status_is($res, 405, 'POST: 405');
ok(($res->header('Allow') // '') =~ /GET.*HEAD/, 'POST: Allow: GET, HEAD');

# --- {base} variants ------------------------------------------------------
Apache::TestRequest::module('lp_expiry');
$id = account('qrexp');
$t  = create_provisioning_token($id, undef, 0, utc_ts(-120));
status_is(hget("/provisioning/qrcode/$t"), 410, 'expired token (lp_expiry): 410, as its token URL');

Apache::TestRequest::module('lp_baseurl');
$id = account('qrbase');
$t  = create_provisioning_token($id);
qr_ok("/provisioning/qrcode/$t?reset_password",
      "https://sip.example.org/provisioning/$t?reset_password=1",
      'LinphoneProvisioningBaseURL');

Apache::TestRequest::module('lp_prefix');
my $prefix_hp = Apache::TestRequest::hostport();
$id = account('qrpfx');
$t  = create_provisioning_token($id);
qr_ok("/sip/provisioning/qrcode/$t", "http://$prefix_hp/sip/provisioning/$t",
      'under /sip/provisioning');
is(hget("/provisioning/qrcode/$t")->header('X-Qrcode-URL'),
   "http://$prefix_hp/provisioning/$t", 'the same vhost\'s /provisioning keeps its own prefix');

Apache::TestRequest::module('lp_escape');
$id = account('qresc');
$t  = create_provisioning_token($id);
qr_ok("/provisioning/qrcode/$t", qq{https://sip.example.org/a&b'c"d<e>/provisioning/$t},
      'base URL with HTML specials, verbatim');

# --- 32 simultaneous requests: identical bytes ----------------------------
Apache::TestRequest::module('default');
$id = account('qrpar');
$t  = create_provisioning_token($id);
my $want = hget("/provisioning/qrcode/$t")->content;

pipe(my $gate_r, my $gate_w) or die "pipe: $!";
my(@pids, @outs);
for my $i (1 .. $PARALLEL) {
    pipe(my $out_r, my $out_w) or die "pipe: $!";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        close $gate_w;
        close $out_r;
        Apache::TestRequest::user_agent(reset => 1);   # own connection
        <$gate_r>;
        my $res = eval { hget("/provisioning/qrcode/$t") };
        binmode $out_w;
        print $out_w ($res && $res->code == 200 ? $res->content : 'failed');
        close $out_w;
        POSIX::_exit(0);
    }
    close $out_w;
    push @pids, $pid;
    push @outs, $out_r;
}
close $gate_r;
select(undef, undef, undef, 0.3);   # let every child reach the gate
close $gate_w;
my $same = 0;
for my $fh (@outs) {
    binmode $fh;
    local $/;
    my $got = <$fh>;
    $same++ if defined $got && $got eq $want;
}
waitpid($_, 0) for @pids;
is($same, $PARALLEL, "$PARALLEL simultaneous requests: identical PNGs");
is(fetch_provisioning_token($t)->{used}, 0, '... and the token is still unused');
