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
#                 (see upgrade_21 below).
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

# What the suite needs is conf/install-deps.sh's sets "test" and "db"
# (the pgsql and mysql passes, redis), "client" for the real Linphone
# client tests (skipped, saying why, without it) and "valgrind".
SETS="test"
[ -n "${LP_TEST_VALGRIND:-}" ] && SETS="$SETS valgrind"

LP_TEST_USER=${LP_TEST_USER:-lptest}
APXS=${APXS:-/usr/bin/apxs}
HTTPD=${HTTPD:-/usr/sbin/apache2}

top=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "run-tests: $*" >&2; }

# ---------------------------------------------------------------------------
# Stage 1 (root only): packages, unprivileged user, private copy.
if [ "$(id -u)" -eq 0 ] && [ -z "${LP_TEST_INNER:-}" ]; then
    sh "$top/conf/install-deps.sh" $SETS db
    sh "$top/conf/install-deps.sh" client \
        || say "could not install the Linphone client: its tests will be skipped"
    sh "$top/conf/install-deps.sh" ha \
        || say "could not install Galera: the galera pass will be skipped"
    # the same client on liblinphone 5.3, in a Debian trixie chroot made
    # once (cached); linphone_client53.t says why when it could not be
    trixie_rc=0
    sh "$top/test/linphone-client/trixie.sh" >/dev/null || trixie_rc=$?
    case $trixie_rc in
    0|77) ;;
    *) say "the liblinphone 5.3 client could not be built (test/linphone-client/trixie.sh)" ;;
    esac

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
        --exclude=./test/perl-framework/t/logs --exclude=./test/fuzz/out \
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
    # what the unprivileged stage needs from this one's environment
    inner_env="LP_TEST_INNER=1 APXS=$APXS HTTPD=$HTTPD
        ${LP_TEST_DRIVER:+LP_TEST_DRIVER=$(echo $LP_TEST_DRIVER | tr ' ' ,)}
        ${LP_TEST_MPM:+LP_TEST_MPM=$LP_TEST_MPM}
        ${APACHE_TEST_PORT:+APACHE_TEST_PORT=$APACHE_TEST_PORT}
        ${LP_DB_DIR:+LP_DB_DIR=$LP_DB_DIR}
        ${LP_TRIXIE_CACHE:+LP_TRIXIE_CACHE=$LP_TRIXIE_CACHE}
        ${LP_DB_KEEP:+LP_DB_KEEP=$LP_DB_KEEP}
        LP_TEST_REQUIRE_ALL=${LP_TEST_REQUIRE_ALL:-${CI:-}}
        ${LP_PG_PORT:+LP_PG_PORT=$LP_PG_PORT}
        ${LP_MY_PORT:+LP_MY_PORT=$LP_MY_PORT}
        ${LP_REDIS_PORT:+LP_REDIS_PORT=$LP_REDIS_PORT}
        ${LP_HA_BASE:+LP_HA_BASE=$LP_HA_BASE}
        ${LP_HA_TRIALS:+LP_HA_TRIALS=$LP_HA_TRIALS}"
    if [ -n "$root_netns" ] && unshare --net true >/dev/null 2>&1; then
        say "running the suite in a private network namespace (loopback only)"
        # shellcheck disable=SC2086
        unshare --net --pid --fork --kill-child \
            sh -c 'ip link set lo up && exec "$@"' sh \
            runuser -u "$LP_TEST_USER" -- env $inner_env LP_CLIENT_NETNS=root \
            sh "$LP_TEST_DIR/test/run-tests.sh" "$@" || rc=$?
    else
        # shellcheck disable=SC2086
        runuser -u "$LP_TEST_USER" -- env $inner_env \
            sh "$LP_TEST_DIR/test/run-tests.sh" "$@" || rc=$?
    fi
    # then the Debian package, installed and served like a user would
    # (test/deb/install-test.sh), on the plain whole run only
    if [ $# -eq 0 ] && [ "${LP_TEST_DEB:-1}" != 0 ] \
       && [ -z "${LP_TEST_SANITIZE:-}${LP_TEST_VALGRIND:-}${LP_TEST_MPM:-}" ]; then
        sh "$top/test/deb/install-test.sh" || rc=1
    fi
    # a 5.3 client that does not build for a reason of ours fails CI; one
    # that could not be built here (no mirror) is skipped, saying why
    case ${LP_TEST_REQUIRE_ALL:-${CI:-}} in ""|0|false|no) ;;
    *) case $trixie_rc in 0|77) ;; *) rc=1 ;; esac ;;
    esac
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

# the database passes are skipped, saying why, without theirs
missing=$(sh "$top/conf/install-deps.sh" --missing $SETS)
if [ -n "$missing" ]; then
    say "missing Debian packages: $missing"
    say "install them with: apt-get install $missing"
    exit 1
fi

cd "$top"
sanitize=${LP_TEST_SANITIZE:-}
valgrind=${LP_TEST_VALGRIND:-}
say "building the module${sanitize:+ with -fsanitize=$sanitize}"
make -f Makefile.apxs APXS="$APXS" SANITIZE="$sanitize"
say "building the C unit tests"
make -f Makefile.apxs APXS="$APXS" SANITIZE="$sanitize" unit
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
# Sanitizer and valgrind runs start httpd through test/httpd-wrapper.sh;
# their reports land in t/sanitizer/ (t/logs is Apache::Test's).
LP_TEST_REPORTS="$pf/t/sanitizer"
export LP_TEST_REPORTS
rm -rf "$LP_TEST_REPORTS"
mkdir -p "$LP_TEST_REPORTS"
extra_args=""
if [ -n "$sanitize" ] && [ -n "$valgrind" ]; then
    say "LP_TEST_SANITIZE and LP_TEST_VALGRIND do not mix"; exit 1
fi
if [ -n "$sanitize" ]; then
    # the runtimes the compiler of apxs linked the module with
    cc=$($APXS -q CC 2>/dev/null || echo cc)
    LP_WRAP_PRELOAD=""
    case ",$sanitize," in *,address,*) rts="libasan.so" ;; *) rts="" ;; esac
    case ",$sanitize," in *,undefined,*) rts="$rts libubsan.so" ;; esac
    for rt in $rts; do
        lib=$($cc -print-file-name="$rt")
        [ -e "$lib" ] || { say "$cc has no $rt"; exit 1; }
        LP_WRAP_PRELOAD="$LP_WRAP_PRELOAD $(readlink -f "$lib")"
    done
    LP_WRAP_PRELOAD=${LP_WRAP_PRELOAD# }
    LP_WRAP_MODE=sanitize
    # the unit tests are instrumented too (run by perl: reports beside)
    ASAN_OPTIONS="detect_leaks=1:log_path=$LP_TEST_REPORTS/unit-asan"
    UBSAN_OPTIONS="print_stacktrace=1:log_path=$LP_TEST_REPORTS/unit-ubsan"
    export ASAN_OPTIONS UBSAN_OPTIONS
fi
if [ -n "$valgrind" ]; then
    command -v valgrind >/dev/null 2>&1 || { say "valgrind is not installed"; exit 1; }
    LP_WRAP_MODE=valgrind
    extra_args="-one-process"
    APACHE_TEST_STARTUP_TIMEOUT=${APACHE_TEST_STARTUP_TIMEOUT:-300}
    export APACHE_TEST_STARTUP_TIMEOUT
fi
if [ -n "$sanitize$valgrind" ]; then
    if [ "${LP_TEST_EXACT_POOLS:-1}" = 1 ]; then
        make -f Makefile.apxs exact-pools
        LP_WRAP_EXACT_POOLS="$top/test/exact_pools.so"
        export LP_WRAP_EXACT_POOLS
    fi
    LP_WRAP_HTTPD=$HTTPD
    HTTPD="$top/test/httpd-wrapper.sh"
    export LP_WRAP_HTTPD LP_WRAP_MODE LP_WRAP_PRELOAD
fi

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

PSQL() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LP_PG_PORT" -U "$LP_PG_ADMIN" "$@"; }
MYSQL() { mariadb --no-defaults -h 127.0.0.1 -P "$LP_MY_PORT" -u "$LP_MY_ADMIN" \
                  -p"$LP_MY_ADMIN_PASSWORD" "$@"; }

# The account Apache uses gets exactly the privileges the documentation
# gives a site (conf/schema/grants-*.sql).
pg_grants() {   # database role
    grants_of "${3:-}" <"$top/conf/schema/grants-pgsql.sql" | PSQL -d "$1" -v role="$2" -f -
}
# The grants as a site applies them: FlexiAPI 2.1's tables only where they
# exist (third argument "2.1")
grants_of() {
    if [ "$1" = 2.1 ]; then cat; else grep -v -E 'space_digest|carddav'; fi
}
my_grants() {   # database user [2.1]
    grants_of "${3:-}" <"$top/conf/schema/grants-mysql.sql" | MYSQL "$1"
    MYSQL -e "GRANT linphone_provisioning TO $2; SET DEFAULT ROLE linphone_provisioning FOR $2"
}

# create_databases DRIVER: fresh databases main, fail, flexi and flexi21
# (FlexiAPI 2.0.7's and 2.1's own schemas) and nospaces (main's without the
# optional tables: spaces and the
# contacts ones, as an older FlexiAPI), and t/conf/lp-db.conf + t/conf/lp-db.env.
NOCONTACTS="DROP TABLE contacts; DROP TABLE contacts_list_contact;
DROP TABLE account_contacts_list; DROP TABLE contacts_lists;
DROP TABLE account_account_type; DROP TABLE account_types;
DROP TABLE account_actions;"
create_databases() {
    conf=t/conf/lp-db.conf
    env=t/conf/lp-db.env
    mkdir -p t/db
    # dbfault.t's SQLite databases (their virtual hosts are in every pass)
    for db in faultoff faulton; do
        rm -f "t/db/$db.sqlite" "t/db/$db.sqlite-wal" "t/db/$db.sqlite-shm" \
              "t/db/$db.sqlite-journal"
        sqlite3 "t/db/$db.sqlite" < "$top/conf/schema/sqlite3.sql" >/dev/null
    done
    case $1 in
    sqlite3)
        for db in main fail flexi flexi21 nospaces; do
            rm -f "t/db/$db.sqlite" "t/db/$db.sqlite-wal" "t/db/$db.sqlite-shm" \
                  "t/db/$db.sqlite-journal"
        done
        for db in main fail nospaces; do
            sqlite3 "t/db/$db.sqlite" < "$top/conf/schema/sqlite3.sql" >/dev/null
        done
        sqlite3 t/db/nospaces.sqlite "DROP TABLE spaces; $NOCONTACTS"
        sqlite3 t/db/flexi.sqlite < "$top/conf/schema/flexiapi-sqlite3.sql" >/dev/null
        sqlite3 t/db/flexi21.sqlite < "$top/conf/schema/flexiapi-2.1-sqlite3.sql" >/dev/null
        for db in main fail flexi flexi21 nospaces; do
            printf 'Define LP_DB_%s "%s"\n' "$(echo $db | tr a-z A-Z)" "$pf/t/db/$db.sqlite"
        done >"$conf"
        {
            echo "LP_DB_DRIVER=sqlite3"
            for db in main fail flexi flexi21 nospaces; do echo "LP_DB_FILE_$db=$pf/t/db/$db.sqlite"; done
        } >"$env"
        ;;
    pgsql)
        for db in main fail flexi flexi21 nospaces; do
            PSQL -d postgres -c "DROP DATABASE IF EXISTS lp_$db" \
                 -c "CREATE DATABASE lp_$db ENCODING 'UTF8' TEMPLATE template0"
        done
        PSQL -d postgres -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lp_apache') THEN CREATE ROLE lp_apache LOGIN PASSWORD 'lp_apache'; END IF; END \$\$"
        for db in main fail nospaces; do
            PSQL -d "lp_$db" -f "$top/conf/schema/pgsql.sql"
            pg_grants "lp_$db" lp_apache
        done
        PSQL -d lp_nospaces -c "DROP TABLE spaces" -c "$NOCONTACTS"
        PSQL -d lp_flexi -f "$top/conf/schema/flexiapi-pgsql.sql"
        pg_grants lp_flexi lp_apache
        PSQL -d lp_flexi21 -f "$top/conf/schema/flexiapi-2.1-pgsql.sql"
        pg_grants lp_flexi21 lp_apache 2.1
        for db in main fail flexi flexi21 nospaces; do
            printf 'Define LP_DB_%s "host=127.0.0.1 port=%s dbname=lp_%s user=lp_apache password=lp_apache"\n' \
                "$(echo $db | tr a-z A-Z)" "$LP_PG_PORT" "$db"
        done >"$conf"
        {
            echo "LP_DB_DRIVER=pgsql"
            echo "LP_PG_PORT=$LP_PG_PORT"
            echo "LP_PG_ADMIN=$LP_PG_ADMIN"
        } >"$env"
        ;;
    mysql)
        for db in main fail flexi flexi21 nospaces; do
            MYSQL -e "DROP DATABASE IF EXISTS lp_$db; CREATE DATABASE lp_$db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        done
        for u in lp_apache lp_apache_fail; do
            MYSQL -e "DROP USER IF EXISTS '$u'@'127.0.0.1'; CREATE USER '$u'@'127.0.0.1' IDENTIFIED BY '$u'"
        done
        MYSQL lp_main < "$top/conf/schema/mysql.sql"
        MYSQL lp_fail < "$top/conf/schema/mysql.sql"
        MYSQL lp_nospaces < "$top/conf/schema/mysql.sql"
        MYSQL lp_flexi < "$top/conf/schema/flexiapi-mysql.sql"
        MYSQL lp_flexi21 < "$top/conf/schema/flexiapi-2.1-mysql.sql"
        my_grants lp_main "'lp_apache'@'127.0.0.1'"
        my_grants lp_flexi "'lp_apache'@'127.0.0.1'"
        my_grants lp_flexi21 "'lp_apache'@'127.0.0.1'" 2.1
        my_grants lp_fail "'lp_apache_fail'@'127.0.0.1'"
        my_grants lp_nospaces "'lp_apache'@'127.0.0.1'"
        MYSQL lp_nospaces -e "DROP TABLE spaces; $NOCONTACTS"
        for db in main fail flexi flexi21 nospaces; do
            u=lp_apache; [ $db = fail ] && u=lp_apache_fail
            printf 'Define LP_DB_%s "host=127.0.0.1 port=%s dbname=lp_%s user=%s pass=%s"\n' \
                "$(echo $db | tr a-z A-Z)" "$LP_MY_PORT" "$db" "$u" "$u"
        done >"$conf"
        {
            echo "LP_DB_DRIVER=mysql"
            echo "LP_MY_PORT=$LP_MY_PORT"
            echo "LP_MY_ADMIN=$LP_MY_ADMIN"
            echo "LP_MY_ADMIN_PASSWORD=$LP_MY_ADMIN_PASSWORD"
        } >"$env"
        ;;
    galera)
        # the mysql pass's databases, made through node 1 (Galera
        # replicates the DDL), and one DBDParams per node
        # shellcheck disable=SC1090
        . "$ha_env"
        my_port=${LP_MY_PORT:-}
        LP_MY_PORT=${LP_GALERA_PORTS%% *}
        create_databases mysql
        n=0
        for p in $LP_GALERA_PORTS; do
            n=$((n + 1))
            printf 'Define LP_DB_GALERA%s "host=127.0.0.1 port=%s dbname=lp_main user=lp_apache pass=lp_apache"\n' "$n" "$p"
        done >>"$conf"
        printf 'LP_DB_HA=galera\nLP_GALERA_PORTS=%s\nLP_HA_CTL=%s\n' "$LP_GALERA_PORTS" "$LP_HA_CTL" >>"$env"
        LP_MY_PORT=$my_port
        return 0 ;;
    pgsql-ha)
        # the pgsql pass's databases, made on the primary, reached by
        # libpq's multi-host form: whichever member is the primary
        # shellcheck disable=SC1090
        . "$ha_env"
        sh "$LP_HA_CTL" sync off
        pg_port=${LP_PG_PORT:-}
        LP_PG_PORT=$(sh "$LP_HA_CTL" primary-port pgsql)
        create_databases pgsql
        set -- $LP_PGHA_PORTS
        sed -i "s/host=127.0.0.1 port=[0-9]* /host=127.0.0.1,127.0.0.1 port=$1,$2 target_session_attrs=read-write /" "$conf"
        printf 'LP_DB_HA=pgsql\nLP_PGHA_PORTS=%s\nLP_HA_CTL=%s\n' "$LP_PGHA_PORTS" "$LP_HA_CTL" >>"$env"
        LP_PG_PORT=$pg_port
        return 0 ;;
    esac
    printf 'Define LP_DB_DRIVER %s\n' "$1" >>"$conf"
    for v in LP_REDIS_PORT LP_DB_CTL LP_DB_DIR; do
        eval "val=\${$v:-}"
        [ -n "$val" ] && echo "$v=$val" >>"$env"
    done
    return 0
}

# upgrade_21 DRIVER: main as a site's database after FlexiAPI 2.1's
# migrations of the tables the module reads: spaces loses account_realm and
# the header flag; the digest configuration and CardDAV tables are those of
# conf/schema/flexiapi-2.1-DRIVER.sql, granted as the documentation says.
upgrade_21() {
    sql="ALTER TABLE spaces DROP COLUMN account_realm;
ALTER TABLE spaces DROP COLUMN provisioning_use_linphone_provisioning_header;
$(sed -n '/^-- FlexiAPI 2.1: the digest/,$p' "$top/conf/schema/flexiapi-2.1-$1.sql")"
    case $1 in
    sqlite3) printf '%s\n' "$sql" | sqlite3 t/db/main.sqlite ;;
    pgsql)
        printf '%s\n' "$sql" | PSQL -d lp_main -f -
        grep -E '^GRANT.*space_digest' "$top/conf/schema/grants-pgsql.sql" \
            | PSQL -d lp_main -v role=lp_apache -f - ;;
    mysql)
        printf '%s\n' "$sql" | MYSQL lp_main
        grep -E '^GRANT.*(space_digest|carddav)' "$top/conf/schema/grants-mysql.sql" \
            | MYSQL lp_main ;;
    esac
}

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
    base=${driver%-2.1}
    why=$(driver_missing "$base")
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
    if ! { create_databases "$base" && { [ "$base" = "$driver" ] || upgrade_21 "$base"; }; } \
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
