package LinphoneDigest;

# The client side of RFC 7616 Digest as liblinphone speaks it, for the
# tests of AuthType Linphone (auth_*.t).

use strict;
use warnings;

use Exporter 'import';
use Digest::MD5 ();
use Digest::SHA ();
use LinphoneTest qw(random_token);

our @EXPORT = qw(challenges authorization hexdigest);

sub hexdigest {
    my($alg, $s) = @_;
    return $alg eq 'MD5' ? Digest::MD5::md5_hex($s) : Digest::SHA::sha256_hex($s);
}

# The challenges of a 401: { algorithm => { realm, nonce, opaque, qop, ... } }
sub challenges {
    my $res = shift;
    my %c;
    for my $h ($res->header('WWW-Authenticate')) {
        next unless $h =~ s/^Digest\s+//;
        my %p;
        while ($h =~ /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g) {
            $p{lc $1} = defined $2 ? $2 : $3;
        }
        $c{ $p{algorithm} } = \%p;
    }
    return \%c;
}

# The Authorization value answering challenge => $c for uri => $path, with
# user, password (or ha1), nc (default 1), realm (default the challenge's).
sub authorization {
    my(%a) = @_;
    my $c     = $a{challenge};
    my $alg   = $c->{algorithm};
    my $nc    = sprintf '%08x', $a{nc} || 1;
    my $cnonce = random_token(16);
    my $ha1   = $a{ha1} // hexdigest($alg, "$a{user}:$c->{realm}:$a{password}");
    my $ha2   = hexdigest($alg, "GET:$a{uri}");
    my $resp  = hexdigest($alg, "$ha1:$c->{nonce}:$nc:$cnonce:auth:$ha2");
    my $realm = $a{realm} // $c->{realm};
    # liblinphone's form: algorithm quoted, qop and nc bare, uri last
    return qq{Digest username="$a{user}", realm="$realm", nonce="$c->{nonce}", }
         . qq{algorithm="$alg", opaque="$c->{opaque}", qop=auth, }
         . qq{cnonce="$cnonce", nc=$nc, response="$resp", uri="$a{uri}"};
}

1;
