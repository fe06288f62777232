#!/bin/sh
# Build mod_linphone_provisioning and run its Apache::Test suite: the
# driver matrix.
#
#   sh test/run-tests.sh [t/TEST arguments...]
#   make -f Makefile.apxs test
#
# As root (CI): test/run/provision.sh installs the missing Debian packages,
# copies the tree (without .git) to a fresh directory owned by the
# unprivileged user lptest, and runs this script there as lptest
# (Apache::Test refuses to run as root).  The copy is removed when every
# test passed, kept (with t/logs) otherwise.  As another user: runs in
# place (missing packages are listed and it stops): test/run/build.sh
# builds, test/run/databases.sh makes each pass's databases.
#
# The whole suite runs once per database driver (a matrix): sqlite3 (files
# in t/db), then pgsql and mysql against throwaway PostgreSQL and MariaDB
# servers, on loopback, that test/db-servers.sh starts (with redis for the
# cluster test) and stops afterwards.  The same .t files run each time:
# t/conf/lp-db.conf (DBDriver/DBDParams as Apache Defines) and t/conf/lp-db.env
# (for LinphoneTest.pm's DBI handle) are written per driver.  A driver whose
# server programs are missing or do not start is skipped with a SKIP line;
# as root the servers are installed first, so everything runs.
#
# Extra arguments go to t/TEST, e.g.:
#   sh test/run-tests.sh -verbose t/modules/linphone_provisioning/token.t
#   LP_TEST_DRIVER=pgsql sh test/run-tests.sh t/modules/linphone_provisioning/token.t
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
#   LP_TEST_DRIVER  drivers to run, among "sqlite3 pgsql mysql sqlite3-2.1
#                 pgsql-2.1 mysql-2.1 galera pgsql-ha" (default all; spaces
#                 or commas between them).  DRIVER-2.1 is the DRIVER pass on
#                 a main database that FlexiAPI 2.1's migrations upgraded
#                 (test/run/databases.sh).
#                 galera and pgsql-ha are the high-availability passes: a
#                 3-node Galera cluster and a PostgreSQL primary + standby
#                 (test/db-ha.sh), running only their own test file
#                 (ha_galera.t, ha_pgsql.t) to keep the matrix short
#   LP_HA_BASE    first of the HA servers' ports (default 61300, see
#                 test/db-ha.sh)
#   LP_HA_TRIALS  claim trials of ha_galera.t (default 50; make soak-ha: 1000)
#   LP_DB_DIR     where the database servers keep their data (default: a
#                 new /tmp/lp-db.XXXXXX, removed afterwards)
#   LP_PG_PORT, LP_MY_PORT, LP_REDIS_PORT  server ports (55432, 53306, 56379)
#   LP_DB_KEEP    set: leave the servers running afterwards (with LP_DB_DIR,
#                 the next run reuses them)
#   LP_TRIXIE_CACHE  where test/linphone-client/trixie.sh keeps the Debian
#                 trixie chroot of the liblinphone 5.3 client
#                 (default /var/cache/mod_linphone_provisioning/trixie)
#   LP_TEST_DEB=0  as root, skip the Debian package install test that
#                 follows the whole suite (test/deb/install-test.sh)
#   LP_TEST_REQUIRE_ALL  set (CI=true sets it): a driver pass or the cluster
#                 test that cannot run is a failure, not a SKIP

set -eu

# What the suite needs of conf/install-deps.sh's sets (the database passes
# are skipped, saying why, without "db")
SETS="test"
[ -n "${LP_TEST_VALGRIND:-}" ] && SETS="$SETS valgrind"

APXS=${APXS:-/usr/bin/apxs}
HTTPD=${HTTPD:-/usr/sbin/apache2}

top=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "run-tests: $*" >&2; }

if [ "$(id -u)" -eq 0 ] && [ -z "${LP_TEST_INNER:-}" ]; then
    exec sh "$top/test/run/provision.sh" "$@"
fi

# ---------------------------------------------------------------------------
# The unprivileged stage: build, then the driver matrix.
if [ "$(id -u)" -eq 0 ]; then
    say "refusing to run Apache::Test as root"; exit 1
fi

missing=$(sh "$top/conf/install-deps.sh" --missing $SETS)
if [ -n "$missing" ]; then
    say "missing Debian packages: $missing"
    say "install them with: apt-get install $missing"
    exit 1
fi

cd "$top"
. "$top/test/run/build.sh"

pf="$top/test/perl-framework"
cd "$pf"
perl -MApache::TestMM -e 'Apache::TestMM::generate_script("t/TEST")'
chmod +x t/TEST

# "-port select" (not the environment variable: every test process would
# pick a port again) is resolved once and saved in t/conf.
port_arg="-port select"
[ -n "${APACHE_TEST_PORT:-}" ] && port_arg=""
mpm=${LP_TEST_MPM:-event}
if [ ! -f "t/conf/mpm-$mpm.httpd" ]; then
    say "LP_TEST_MPM=$mpm: no t/conf/mpm-$mpm.httpd (event, worker or prefork)"; exit 1
fi
drivers=$(echo "${LP_TEST_DRIVER:-sqlite3 pgsql mysql sqlite3-2.1 pgsql-2.1 mysql-2.1 galera pgsql-ha}" | tr , ' ')
# the high-availability passes run their own file, and only when the
# arguments name no file or name it
ha_opts=""
ha_files=""
for a in "$@"; do
    case $a in -*) ha_opts="$ha_opts $a" ;; *) ha_files="$ha_files $a" ;; esac
done
ha_file() {   # driver -> its test file, or nothing when not asked
    f=t/modules/linphone_provisioning/ha_$(echo "$1" | sed 's/-ha$//').t
    [ -z "$ha_files" ] && { echo "$f"; return; }
    case " $ha_files " in *" $f "*|*"/$(basename "$f") "*) echo "$f" ;; esac
}

# ---------------------------------------------------------------------------
# Database servers for the pgsql and mysql passes (and redis for cluster.t).
servers=""
case " $drivers " in *" pgsql "*|*" pgsql-2.1 "*) servers="$servers pgsql" ;; esac
case " $drivers " in *" mysql "*|*" mysql-2.1 "*) servers="$servers mysql" ;; esac
ha_servers=""
for d in galera pgsql-ha; do
    case " $drivers " in *" $d "*) [ -n "$(ha_file $d)" ] && ha_servers="$ha_servers $d" ;; esac
done
db_env=""
if [ -n "$servers$ha_servers" ]; then
    if [ -z "${LP_DB_DIR:-}" ]; then
        LP_DB_DIR=$(mktemp -d /tmp/lp-db.XXXXXX)
        own_db_dir=1
    fi
    export LP_DB_DIR
    stop_servers() {
        [ -n "${LP_DB_KEEP:-}" ] && return 0
        sh "$top/test/db-servers.sh" stop >/dev/null 2>&1 || true
        for d in $ha_servers; do
            sh "$top/test/db-ha.sh" stop "$d" >/dev/null 2>&1 || true
        done
        [ -n "${own_db_dir:-}" ] && rm -rf "$LP_DB_DIR"
        return 0
    }
    trap stop_servers EXIT
    trap 'exit 130' INT TERM
    say "starting database servers:$servers redis (in $LP_DB_DIR)"
    # shellcheck disable=SC2086
    sh "$top/test/db-servers.sh" start $servers redis || true
    db_env=$LP_DB_DIR/env
    for d in $ha_servers; do
        say "starting the $d servers (in $LP_DB_DIR)"
        sh "$top/test/db-ha.sh" start "$d" || true
    done
fi
ha_env=${LP_DB_DIR:+$LP_DB_DIR/ha.env}
# shellcheck disable=SC1090
[ -n "$db_env" ] && [ -f "$db_env" ] && . "$db_env"

# driver_missing DRIVER: why the pass cannot run, or nothing.
driver_missing() {
    case $1 in
    sqlite3) ;;
    pgsql)
        [ -n "${LP_PG_PORT:-}" ] && grep -q '^LP_PG_PORT=' "$db_env" 2>/dev/null \
            || { echo "no PostgreSQL server (apt-get install postgresql)"; return; }
        [ -f /usr/lib/x86_64-linux-gnu/apr-util-1/apr_dbd_pgsql-1.so ] \
            || ls /usr/lib/*/apr-util-1/apr_dbd_pgsql*.so >/dev/null 2>&1 \
            || { echo "no APR pgsql driver (apt-get install libaprutil1-dbd-pgsql)"; return; }
        perl -MDBD::Pg -e1 2>/dev/null || echo "no DBD::Pg (apt-get install libdbd-pg-perl)" ;;
    mysql)
        grep -q '^LP_MY_PORT=' "$db_env" 2>/dev/null \
            || { echo "no MariaDB server (apt-get install mariadb-server)"; return; }
        ls /usr/lib/*/apr-util-1/apr_dbd_mysql*.so >/dev/null 2>&1 \
            || { echo "no APR mysql driver (apt-get install libaprutil1-dbd-mysql)"; return; }
        perl -MDBD::mysql -e1 2>/dev/null || echo "no DBD::mysql (apt-get install libdbd-mysql-perl)" ;;
    galera)
        why=$(sh "$top/test/db-ha.sh" missing galera) || why="test/db-ha.sh failed"
        [ -z "$why" ] || { echo "$why"; return; }
        grep -q '^LP_GALERA_PORTS=' "$ha_env" 2>/dev/null \
            || { echo "the Galera cluster did not start (see $LP_DB_DIR/galera*/server.log)"; return; }
        ls /usr/lib/*/apr-util-1/apr_dbd_mysql*.so >/dev/null 2>&1 \
            || { echo "no APR mysql driver (apt-get install libaprutil1-dbd-mysql)"; return; }
        perl -MDBD::mysql -e1 2>/dev/null || echo "no DBD::mysql (apt-get install libdbd-mysql-perl)" ;;
    pgsql-ha)
        grep -q '^LP_PGHA_PORTS=' "$ha_env" 2>/dev/null \
            || { echo "no PostgreSQL primary + standby (apt-get install postgresql; see $LP_DB_DIR/pgha-*)"; return; }
        ls /usr/lib/*/apr-util-1/apr_dbd_pgsql*.so >/dev/null 2>&1 \
            || { echo "no APR pgsql driver (apt-get install libaprutil1-dbd-pgsql)"; return; }
        perl -MDBD::Pg -e1 2>/dev/null || echo "no DBD::Pg (apt-get install libdbd-pg-perl)" ;;
    *) echo "unknown driver (sqlite3, pgsql or mysql)" ;;
    esac
}

require_all=""
case ${LP_TEST_REQUIRE_ALL:-} in ""|0|false|no) ;; *) require_all=1 ;; esac
rc=0
summary=""
if [ -n "$servers" ] && ! grep -q '^LP_REDIS_PORT=' "$db_env" 2>/dev/null; then
    say "SKIP: cluster.t: no redis server (apt-get install redis-server)"
    [ -n "$require_all" ] && rc=1
fi
for driver in $drivers; do
    case $driver in
    galera|pgsql-ha)
        # not asked for by the file arguments: not run, not a SKIP
        [ -n "$(ha_file "$driver")" ] || continue ;;
    esac
    why=$(driver_missing "${driver%-2.1}")
    if [ -n "$why" ]; then
        say "SKIP: the $driver pass: $why"
        summary="$summary
matrix $driver: SKIP ($why)"
        if [ -n "$require_all" ]; then
            say "LP_TEST_REQUIRE_ALL (CI): a skipped pass is a failure"; rc=1
        fi
        continue
    fi
    t/TEST -clean >/dev/null 2>&1 || true
    say "creating the $driver test databases"
    if ! LP_DB_ENV=$db_env sh "$top/test/run/databases.sh" "$driver" \
            >"t/db-$driver-setup.log" 2>&1; then
        cat "t/db-$driver-setup.log" >&2
        say "could not create the $driver databases"; rc=1
        summary="$summary
matrix $driver: FAIL (database setup)"
        continue
    fi
    say "running Apache::Test on $driver (MPM $mpm)"
    drc=0
    # shellcheck disable=SC2086
    case $driver in
    galera|pgsql-ha)
        t/TEST -apxs "$APXS" -httpd "$HTTPD" -httpd_conf "$pf/t/conf/mpm-$mpm.httpd" \
            -httpd_conf_extra "$pf/t/conf/modules.httpd" $port_arg $extra_args \
            $ha_opts "$(ha_file "$driver")" 2>&1 | tee "t/TEST-$driver.out" || true ;;
    *)
        t/TEST -apxs "$APXS" -httpd "$HTTPD" -httpd_conf "$pf/t/conf/mpm-$mpm.httpd" \
            -httpd_conf_extra "$pf/t/conf/modules.httpd" $port_arg $extra_args "$@" \
            2>&1 | tee "t/TEST-$driver.out" || true ;;
    esac
    # t/TEST's status is lost in the pipe: its closing lines say it
    if ! grep -q '^Result: PASS' "t/TEST-$driver.out"; then
        drc=1
    fi
    if [ $drc -ne 0 ]; then
        rc=1
        if [ -f t/logs/error_log ]; then
            say "$driver pass failed; last error lines of $pf/t/logs/error_log:"
            grep -E ':(warn|error|crit|alert|emerg)\]|exit signal|Segmentation' \
                t/logs/error_log | tail -n 40 | cut -c1-400 >&2 || true
        fi
    fi
    [ -d t/logs ] && rm -rf "t/logs-$driver" && cp -r t/logs "t/logs-$driver"
    summary="$summary
matrix $driver: $(grep -E '^(Files=|Result:)' "t/TEST-$driver.out" | tr '\n' ' ')"
done

# zz_errorlog.t looked while each server ran; reports written at shutdown
# count as well.
if [ -n "$sanitize" ]; then
    found=$(find "$LP_TEST_REPORTS" -type f -size +0c | sort | head -n 20)
    if [ -n "$found" ]; then
        say "sanitizer reports (the run fails):"
        for f in $found; do
            say "--- $f"
            head -n 60 "$f" >&2
        done
        rc=1
    else
        say "sanitizers (-fsanitize=$sanitize): no report"
    fi
fi
if [ -n "$valgrind" ]; then
    perl "$top/test/valgrind-summary.pl" "$LP_TEST_REPORTS"/valgrind.*.log || rc=1
fi

[ -z "${LP_TEST_INNER:-}" ] && say "SKIP: deb-install: the package install test needs root"
say "driver matrix:$summary"
# one plain closing line: passes that passed, failed, were skipped
npass=$(printf '%s\n' "$summary" | grep -c 'Result: PASS' || true)
nskip=$(printf '%s\n' "$summary" | grep -c ': SKIP' || true)
nrun=$(printf '%s\n' "$summary" | grep -c '^matrix ' || true)
echo "matrix: $npass passed, $((nrun - npass - nskip)) failed, $nskip skipped"
exit $rc
