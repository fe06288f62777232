#!/bin/sh
# The real Linphone test client on liblinphone 5.3: a minimal Debian trixie
# chroot holding liblinphone-dev, gcc and pkg-config, in which
# test/linphone-client/lpclient.c is built as /opt/lpclient/lpclient-5.3.
#
#   sh test/linphone-client/trixie.sh      (as root; test/run-tests.sh runs it)
#
# The chroot is made once and kept in LP_TRIXIE_CACHE (default
# /var/cache/mod_linphone_provisioning/trixie/root); later runs only rebuild
# the client when lpclient.c changed.  linphone_client53.t runs the client
# in it as the unprivileged test user, through a user namespace
# (unshare --user --map-root-user --mount, then chroot): nothing in it runs
# as the machine's root once it is built.
#
# Exit status: 0 ready (the chroot path on stdout), 77 it cannot be built
# here for a reason outside the project (not root, no debootstrap, Debian's
# mirror unreachable: the reason is also written to LP_TRIXIE_CACHE/skip),
# 1 it could not be built for a reason of ours (lpclient.c does not compile
# against 5.3).  Every step is bounded by a timeout.
#
# Environment: LP_TRIXIE_CACHE, LP_TRIXIE_MIRROR (http://deb.debian.org/debian).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${LP_TRIXIE_CACHE:-/var/cache/mod_linphone_provisioning/trixie}
mirror=${LP_TRIXIE_MIRROR:-http://deb.debian.org/debian}
root=$cache/root
src=$top/test/linphone-client/lpclient.c
pkgs="liblinphone-dev gcc pkg-config libc6-dev"

say() { printf '%s\n' "trixie: $*" >&2; }
skip() {
    say "SKIP: $*"
    { printf '%s\n' "$*" >"$cache/skip"; } 2>/dev/null || true
    exit 77
}

[ "$(id -u)" -eq 0 ] || skip "making the trixie chroot needs root"
# the test user reads the chroot: new directories 755, files 644
umask 022
mkdir -p "$cache"
chmod 755 "$cache"
rm -f "$cache/skip"

# one builder at a time (several test runs may share the cache)
exec 9>"$cache/lock"
if command -v flock >/dev/null 2>&1; then
    flock -w 1800 9 || skip "another run held $cache/lock for 30 minutes"
fi

# apt and the compiler in the chroot, in a mount namespace of their own so
# that /proc is unmounted with it, however the command ends
in_root() {   # seconds command...
    t=$1; shift
    timeout -k 10 "$t" unshare --mount --fork sh -c \
        'mount -t proc proc "$0/proc" 2>/dev/null || true; exec chroot "$0" "$@"' \
        "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

if [ ! -f "$root/.lp-ready" ]; then
    sh "$top/conf/install-deps.sh" debootstrap >&2 \
        || skip "debootstrap is not installed and could not be"
    rm -rf "$root.tmp" "$root"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    say "debootstrap --variant=minbase trixie from $mirror"
    start=$(date +%s)
    if ! timeout -k 10 1200 debootstrap --variant=minbase \
         ${keyring:+--keyring="$keyring"} trixie "$root.tmp" "$mirror" \
         >"$cache/debootstrap.log" 2>&1; then
        tail -n 20 "$cache/debootstrap.log" >&2
        rm -rf "$root.tmp"
        skip "debootstrap of trixie from $mirror failed (see $cache/debootstrap.log)"
    fi
    cp /etc/resolv.conf "$root.tmp/etc/resolv.conf" 2>/dev/null || true
    mv "$root.tmp" "$root"
    say "installing $pkgs in the chroot"
    apt_opts="-o Acquire::Retries=3 -o Acquire::http::Timeout=30 -q"
    # shellcheck disable=SC2086
    if ! { in_root 600 apt-get $apt_opts update \
           && in_root 1200 apt-get $apt_opts install -y --no-install-recommends $pkgs \
           && in_root 120 apt-get clean; } >"$cache/apt.log" 2>&1; then
        tail -n 20 "$cache/apt.log" >&2
        rm -rf "$root"
        skip "could not install $pkgs in the trixie chroot (see $cache/apt.log)"
    fi
    # the mount point of the tests' scratch directory, seen as /lp
    mkdir -p "$root/lp" "$root/opt/lpclient"
    in_root 60 dpkg-query -W -f='${Version}\n' liblinphone-dev >"$root/.lp-ready"
    say "chroot made in $(( $(date +%s) - start )) s ($(du -sm "$root" | cut -f1) MB)"
fi

sum=$(sha256sum <"$src" | cut -d' ' -f1)
bin=$root/opt/lpclient/lpclient-5.3
if [ ! -x "$bin" ] || [ "$(cat "$bin.sha256" 2>/dev/null)" != "$sum" ]; then
    say "building lpclient-5.3 against liblinphone-dev $(cat "$root/.lp-ready")"
    rm -f "$bin" "$bin.sha256"
    cp "$src" "$root/opt/lpclient/lpclient.c"
    # trixie's linphone.pc names -lmediastreamer_* whose -dev package
    # liblinphone-dev does not pull in: only the libraries that are there
    if ! in_root 300 sh -c 'cd /opt/lpclient && libs="" &&
            for l in $(pkg-config --libs linphone); do
                case $l in
                -l*) ls /usr/lib/*/lib${l#-l}.so >/dev/null 2>&1 || continue ;;
                esac
                libs="$libs $l"
            done &&
            cc -g -O1 -Wall -Wextra $(pkg-config --cflags linphone) \
                -o lpclient-5.3 lpclient.c -llinphone $libs' >&2; then
        say "lpclient.c does not build against liblinphone 5.3"
        echo "lpclient.c does not build against liblinphone 5.3 (test/linphone-client/trixie.sh says why)" >"$cache/skip"
        exit 1
    fi
    echo "$sum" >"$bin.sha256"
fi
echo "$root"
