#!/bin/sh
# Build mod_linphone_provisioning and run its Apache::Test suite.
#
#   sh test/run-tests.sh [t/TEST arguments...]
#   make -f Makefile.apxs test
#
# As root (CI): installs the missing Debian packages, copies the tree
# (without .git) to a fresh directory owned by the unprivileged user lptest,
# and runs everything there as lptest (Apache::Test refuses to run as root).
# The copy is removed when every test passed, kept (with t/logs) otherwise.
# As another user: runs in place; missing packages are listed and it stops.
#
# Extra arguments go to t/TEST, e.g.:
#   sh test/run-tests.sh -verbose t/modules/linphone_provisioning/token.t
# Environment:
#   LP_TEST_DIR   copy used when run as root, wiped first and kept
#                 (default: a new /var/tmp/mod_linphone_provisioning-test.XXXXXX)
#   LP_TEST_USER  unprivileged user (default lptest)
#   LP_TEST_ROOT_NETNS=1  run the whole suite in a network namespace made by
#                 root (the default only where unprivileged user namespaces
#                 are disabled; see linphone_client.t)
#   APXS, HTTPD   (default /usr/bin/apxs, /usr/sbin/apache2)
#   LP_TEST_MPM   event (default), worker or prefork
#   APACHE_TEST_PORT  base port (default "select": the first free one from
#                 8529 in steps of 20, so parallel runs do not collide)

set -eu

PACKAGES="apache2 apache2-dev libapr1-dev libaprutil1-dev
libaprutil1-dbd-sqlite3 libxml2-dev libssl-dev libqrencode-dev libpng-dev
libapache2-mod-perl2 libdbd-sqlite3-perl libxml-libxml-perl libwww-perl
sqlite3 gcc make pkg-config libc6-dev perl zbar-tools"

# Only for the real Linphone client tests (linphone_client.t), which are
# skipped, saying why, when these are missing; installed when run as root.
OPTIONAL_PACKAGES="liblinphone-dev openssl iproute2 util-linux"

LP_TEST_USER=${LP_TEST_USER:-lptest}
APXS=${APXS:-/usr/bin/apxs}
HTTPD=${HTTPD:-/usr/sbin/apache2}

top=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "run-tests: $*" >&2; }

missing_packages() {
    for p in "$@"; do
        s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$s" = installed ] || printf '%s ' "$p"
    done
}

# ---------------------------------------------------------------------------
# Stage 1 (root only): packages, unprivileged user, private copy.
if [ "$(id -u)" -eq 0 ] && [ -z "${LP_TEST_INNER:-}" ]; then
    # shellcheck disable=SC2086
    missing=$(missing_packages $PACKAGES)
    # shellcheck disable=SC2086
    optional=$(missing_packages $OPTIONAL_PACKAGES)
    if [ -n "$missing$optional" ]; then
        say "installing: $missing$optional"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        # shellcheck disable=SC2086
        [ -z "$missing" ] || apt-get install -y --no-install-recommends $missing
        # shellcheck disable=SC2086
        [ -z "$optional" ] || apt-get install -y --no-install-recommends $optional \
            || say "could not install $optional: the Linphone client tests will be skipped"
    fi

    if ! id "$LP_TEST_USER" >/dev/null 2>&1; then
        say "creating user $LP_TEST_USER"
        useradd --system --create-home --home-dir "/var/lib/$LP_TEST_USER" \
                --shell /bin/sh "$LP_TEST_USER"
    fi

    keep=1
    if [ -n "${LP_TEST_DIR:-}" ]; then
        rm -rf "$LP_TEST_DIR"
        mkdir -p "$LP_TEST_DIR"
    else
        LP_TEST_DIR=$(mktemp -d /var/tmp/mod_linphone_provisioning-test.XXXXXX)
        keep=0
    fi
    say "copying $top to $LP_TEST_DIR (as $LP_TEST_USER)"
    (cd "$top" && tar -cf - --exclude=./.git --exclude=.libs \
        --exclude='*.o' --exclude='*.lo' --exclude='*.slo' --exclude='*.la' \
        --exclude=./test/perl-framework/t/logs \
        --exclude=./test/linphone-client/lpclient .) | (cd "$LP_TEST_DIR" && tar -xf -)
    chown -R "$LP_TEST_USER:" "$LP_TEST_DIR"

    # The Linphone client tests (linphone_client.t) run the real client in
    # a private network namespace holding only the loopback.  They make it
    # themselves (unshare --user --net) where the kernel lets an unprivileged
    # user do so; where it does not, root makes one here and the whole
    # suite runs inside it (LP_TEST_ROOT_NETNS=1 forces this).
    root_netns=${LP_TEST_ROOT_NETNS:-}
    if [ -z "$root_netns" ] && command -v unshare >/dev/null 2>&1 \
       && ! runuser -u "$LP_TEST_USER" -- unshare --user --map-current-user \
            --keep-caps --net true >/dev/null 2>&1; then
        root_netns=1
    fi
    rc=0
    if [ -n "$root_netns" ] && unshare --net true >/dev/null 2>&1; then
        say "running the suite in a private network namespace (loopback only)"
        unshare --net --pid --fork --kill-child \
            sh -c 'ip link set lo up && exec "$@"' sh \
            runuser -u "$LP_TEST_USER" -- env LP_TEST_INNER=1 \
            LP_CLIENT_NETNS=root APXS="$APXS" HTTPD="$HTTPD" \
            sh "$LP_TEST_DIR/test/run-tests.sh" "$@" || rc=$?
    else
        runuser -u "$LP_TEST_USER" -- env LP_TEST_INNER=1 \
            APXS="$APXS" HTTPD="$HTTPD" \
            sh "$LP_TEST_DIR/test/run-tests.sh" "$@" || rc=$?
    fi
    if [ $rc -eq 0 ] && [ $keep -eq 0 ]; then
        rm -rf "$LP_TEST_DIR"
    else
        say "test tree and logs left in $LP_TEST_DIR"
    fi
    exit $rc
fi

# ---------------------------------------------------------------------------
# Stage 2 (unprivileged): build, databases, Apache::Test.
if [ "$(id -u)" -eq 0 ]; then
    say "refusing to run Apache::Test as root"; exit 1
fi

# shellcheck disable=SC2086
missing=$(missing_packages $PACKAGES)
if [ -n "$missing" ]; then
    say "missing Debian packages: $missing"
    say "install them with: apt-get install $missing"
    exit 1
fi

cd "$top"
say "building the module"
make -f Makefile.apxs APXS="$APXS"
say "building the C unit tests"
make -f Makefile.apxs APXS="$APXS" unit
if pkg-config --exists linphone 2>/dev/null; then
    say "building the Linphone test client (liblinphone-dev $(dpkg-query -W -f='${Version}' liblinphone-dev 2>/dev/null))"
    make -f Makefile.apxs lpclient
else
    rm -f test/linphone-client/lpclient
    say "liblinphone-dev is not installed: the Linphone client tests will be skipped"
fi

if [ ! -f .libs/mod_linphone_provisioning.so ]; then
    say ".libs/mod_linphone_provisioning.so was not built"; exit 1
fi

pf="$top/test/perl-framework"
say "creating the test databases"
mkdir -p "$pf/t/db"
for db in main fail; do
    rm -f "$pf/t/db/$db.sqlite" "$pf/t/db/$db.sqlite-wal" \
          "$pf/t/db/$db.sqlite-shm" "$pf/t/db/$db.sqlite-journal"
    sqlite3 "$pf/t/db/$db.sqlite" < conf/schema/sqlite3.sql >/dev/null
done

cd "$pf"
perl -MApache::TestMM -e 'Apache::TestMM::generate_script("t/TEST")'
chmod +x t/TEST
t/TEST -clean >/dev/null 2>&1 || true

# "-port select" (not the environment variable: every test process would
# pick a port again) is resolved once and saved in t/conf.
port_arg="-port select"
[ -n "${APACHE_TEST_PORT:-}" ] && port_arg=""
mpm=${LP_TEST_MPM:-event}
if [ ! -f "t/conf/mpm-$mpm.httpd" ]; then
    say "LP_TEST_MPM=$mpm: no t/conf/mpm-$mpm.httpd (event, worker or prefork)"; exit 1
fi
say "running Apache::Test (MPM $mpm)"
rc=0
# shellcheck disable=SC2086
t/TEST -apxs "$APXS" -httpd "$HTTPD" -httpd_conf "$pf/t/conf/mpm-$mpm.httpd" \
    -httpd_conf_extra "$pf/t/conf/modules.httpd" $port_arg "$@" || rc=$?

if [ $rc -ne 0 ] && [ -f t/logs/error_log ]; then
    say "t/TEST exited with $rc; last error lines of $pf/t/logs/error_log:"
    grep -E ':(warn|error|crit|alert|emerg)\]|exit signal|Segmentation' \
        t/logs/error_log | tail -n 40 >&2 || true
fi
exit $rc
