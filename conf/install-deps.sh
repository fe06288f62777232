#!/bin/sh
# The one place that knows which Debian packages the project needs.
#
#   sh conf/install-deps.sh SET|PACKAGE...      install what is missing
#   sh conf/install-deps.sh --missing SET...    only print what is missing
#
# Sets: build (compile the module), demo, test (the suite and its sqlite3
# pass), db (the pgsql and mysql passes, redis), ha (the galera and
# pgsql-ha passes: a Galera cluster with rsync state transfers, on top of
# db), client (the real Linphone client tests), valgrind, bench, deb (build
# and check the Debian packages).  Any other word is a package name.
# Installing needs root (or sudo); otherwise the missing packages are
# named and the script fails.
set -e

BUILD="apache2 apache2-dev libapr1-dev libaprutil1-dev libaprutil1-dbd-sqlite3
libxml2-dev libssl-dev libqrencode-dev libpng-dev gcc make pkg-config libc6-dev"
DEMO="$BUILD sqlite3 curl qrencode"
TEST="$BUILD libapache2-mod-perl2 libdbd-sqlite3-perl libxml-libxml-perl
libwww-perl sqlite3 perl zbar-tools python3 python3-vobject"
DB="postgresql mariadb-server mariadb-client redis-server redis-tools
libaprutil1-dbd-pgsql libaprutil1-dbd-mysql libdbd-pg-perl libdbd-mysql-perl"
HA="$DB galera-4 rsync socat iproute2"
CLIENT="liblinphone-dev openssl iproute2 util-linux"
BENCH="$BUILD sqlite3 curl wrk perl"
DEB="$BUILD debhelper dpkg-dev fakeroot lintian"

only_print=""
[ "${1:-}" = "--missing" ] && { only_print=1; shift; }

wanted=""
for w in "$@"; do
    case $w in
    build) wanted="$wanted $BUILD" ;;
    demo) wanted="$wanted $DEMO" ;;
    test) wanted="$wanted $TEST" ;;
    db) wanted="$wanted $DB" ;;
    ha) wanted="$wanted $HA" ;;
    client) wanted="$wanted $CLIENT" ;;
    valgrind) wanted="$wanted valgrind" ;;
    bench) wanted="$wanted $BENCH" ;;
    deb) wanted="$wanted $DEB" ;;
    *) wanted="$wanted $w" ;;
    esac
done

missing=""
for pkg in $wanted; do
    case " $missing " in *" $pkg "*) continue ;; esac
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] \
        || missing="$missing $pkg"
done
missing=${missing# }
if [ -n "$only_print" ]; then
    [ -n "$missing" ] && echo "$missing"
    exit 0
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "Missing Debian packages: $missing" >&2
    echo "Install them as root: apt-get install $missing" >&2
    exit 1
fi
echo "Installing Debian packages: $missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    --no-install-recommends $missing >/dev/null
