#!/bin/sh
# Build mod_linphone_provisioning and run its Apache::Test suite.
#
#   sh test/run-tests.sh [t/TEST arguments...]
#   make -f Makefile.apxs test
#
# As root (CI): installs the missing Debian packages, copies the tree
# (without .git) to $LP_TEST_DIR, owned by the unprivileged user lptest, and
# runs everything there as lptest (Apache::Test refuses to run as root).
# As another user: runs in place; missing packages are listed and it stops.
#
# Extra arguments go to t/TEST, e.g.:
#   sh test/run-tests.sh -verbose t/modules/linphone_provisioning/token.t
# Environment:
#   LP_TEST_DIR   copy used when run as root
#                 (default /var/tmp/mod_linphone_provisioning-test)
#   LP_TEST_USER  unprivileged user (default lptest)
#   APXS, HTTPD   (default /usr/bin/apxs, /usr/sbin/apache2)

set -eu

PACKAGES="apache2 apache2-dev libapr1-dev libaprutil1-dev
libaprutil1-dbd-sqlite3 libxml2-dev libssl-dev libqrencode-dev libpng-dev
libapache2-mod-perl2 libdbd-sqlite3-perl libxml-libxml-perl libwww-perl
sqlite3 gcc make pkg-config libc6-dev perl zbar-tools"

LP_TEST_USER=${LP_TEST_USER:-lptest}
LP_TEST_DIR=${LP_TEST_DIR:-/var/tmp/mod_linphone_provisioning-test}
APXS=${APXS:-/usr/bin/apxs}
HTTPD=${HTTPD:-/usr/sbin/apache2}

top=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "run-tests: $*" >&2; }

missing_packages() {
    for p in $PACKAGES; do
        s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$s" = installed ] || printf '%s ' "$p"
    done
}

# ---------------------------------------------------------------------------
# Stage 1 (root only): packages, unprivileged user, private copy.
if [ "$(id -u)" -eq 0 ] && [ -z "${LP_TEST_INNER:-}" ]; then
    missing=$(missing_packages)
    if [ -n "$missing" ]; then
        say "installing: $missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        # shellcheck disable=SC2086
        apt-get install -y --no-install-recommends $missing
    fi

    if ! id "$LP_TEST_USER" >/dev/null 2>&1; then
        say "creating user $LP_TEST_USER"
        useradd --system --create-home --home-dir "/var/lib/$LP_TEST_USER" \
                --shell /bin/sh "$LP_TEST_USER"
    fi

    say "copying $top to $LP_TEST_DIR (as $LP_TEST_USER)"
    rm -rf "$LP_TEST_DIR"
    mkdir -p "$LP_TEST_DIR"
    (cd "$top" && tar -cf - --exclude=./.git --exclude=.libs \
        --exclude='*.o' --exclude='*.lo' --exclude='*.slo' --exclude='*.la' \
        --exclude=./test/perl-framework/t/logs .) | (cd "$LP_TEST_DIR" && tar -xf -)
    chown -R "$LP_TEST_USER:" "$LP_TEST_DIR"

    rc=0
    runuser -u "$LP_TEST_USER" -- env LP_TEST_INNER=1 \
        APXS="$APXS" HTTPD="$HTTPD" \
        sh "$LP_TEST_DIR/test/run-tests.sh" "$@" || rc=$?
    say "test tree and logs left in $LP_TEST_DIR"
    exit $rc
fi

# ---------------------------------------------------------------------------
# Stage 2 (unprivileged): build, databases, Apache::Test.
if [ "$(id -u)" -eq 0 ]; then
    say "refusing to run Apache::Test as root"; exit 1
fi

missing=$(missing_packages)
if [ -n "$missing" ]; then
    say "missing Debian packages: $missing"
    say "install them with: apt-get install $missing"
    exit 1
fi

cd "$top"
say "building the module"
make -f Makefile.apxs
say "building the C unit tests"
make -f Makefile.apxs unit

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

rc=0
t/TEST -apxs "$APXS" -httpd "$HTTPD" "$@" || rc=$?

if [ $rc -ne 0 ] && [ -f t/logs/error_log ]; then
    say "t/TEST exited with $rc; last lines of $pf/t/logs/error_log:"
    tail -n 60 t/logs/error_log >&2
fi
exit $rc
