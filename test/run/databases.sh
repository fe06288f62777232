#!/bin/sh
# The test databases of one pass of the driver matrix (test/run-tests.sh
# runs it as the test user, in test/perl-framework):
#
#   sh test/run/databases.sh sqlite3|pgsql|mysql|galera|pgsql-ha
#   sh test/run/databases.sh sqlite3-2.1|pgsql-2.1|mysql-2.1
#
# Fresh databases main, fail, flexi and flexi21 (FlexiAPI 2.0.7's and
# 2.1's own schemas) and nospaces (main's without the optional tables, as
# an older FlexiAPI), plus dbfail.t's SQLite ones in every pass; then
# t/conf/lp-db.conf (DBDriver/DBDParams as Apache Defines) and
# t/conf/lp-db.env (for LinphoneTest.pm's DBI handle).  The tables come
# from conf/schema/*.sql, the privileges from conf/schema/grants-*.sql as
# a site applies them, the rest from test/sql/*.sql.  The servers are the
# ones $LP_DB_ENV and $LP_DB_DIR/ha.env name (test/db-servers.sh,
# test/db-ha.sh).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
pf=$top/test/perl-framework
schema=$top/conf/schema
sql=$top/test/sql
ha_env=${LP_DB_DIR:+$LP_DB_DIR/ha.env}
# the servers test/db-servers.sh started for this run (LP_DB_ENV: its env file)
# shellcheck disable=SC1090
[ -n "${LP_DB_ENV:-}" ] && [ -f "$LP_DB_ENV" ] && . "$LP_DB_ENV"
cd "$pf"
conf=t/conf/lp-db.conf
env=t/conf/lp-db.env
dbs="main fail flexi flexi21 nospaces"

PSQL() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LP_PG_PORT" -U "$LP_PG_ADMIN" "$@"; }
MYSQL() { mariadb --no-defaults -h 127.0.0.1 -P "$LP_MY_PORT" -u "$LP_MY_ADMIN" \
                  -p"$LP_MY_ADMIN_PASSWORD" "$@"; }
# The grants as a site applies them: FlexiAPI 2.1's tables only where they
# exist (argument "2.1")
grants_of() {
    if [ "${1:-}" = 2.1 ]; then cat; else grep -v -E 'space_digest|carddav'; fi
}
upper() { echo "$1" | tr a-z A-Z; }

sqlite_fresh() {   # database...: their files in t/db removed
    for db in "$@"; do
        rm -f "t/db/$db.sqlite" "t/db/$db.sqlite-wal" "t/db/$db.sqlite-shm" \
              "t/db/$db.sqlite-journal"
    done
}

sqlite3_dbs() {
    sqlite_fresh $dbs
    for db in main fail nospaces; do
        sqlite3 "t/db/$db.sqlite" <"$schema/sqlite3.sql" >/dev/null
    done
    sqlite3 t/db/nospaces.sqlite <"$sql/nospaces.sql"
    sqlite3 t/db/flexi.sqlite <"$schema/flexiapi-sqlite3.sql" >/dev/null
    sqlite3 t/db/flexi21.sqlite <"$schema/flexiapi-2.1-sqlite3.sql" >/dev/null
    for db in $dbs; do
        printf 'Define LP_DB_%s "%s"\n' "$(upper $db)" "$pf/t/db/$db.sqlite"
    done >"$conf"
    {
        echo "LP_DB_DRIVER=sqlite3"
        for db in $dbs; do echo "LP_DB_FILE_$db=$pf/t/db/$db.sqlite"; done
    } >"$env"
}

pgsql_dbs() {
    PSQL -d postgres -f "$sql/pgsql-databases.sql"
    for db in main fail nospaces flexi flexi21; do
        case $db in
        flexi) f=flexiapi-pgsql.sql ;; flexi21) f=flexiapi-2.1-pgsql.sql ;; *) f=pgsql.sql ;;
        esac
        PSQL -d "lp_$db" -f "$schema/$f"
        v=""; [ $db = flexi21 ] && v=2.1
        grants_of $v <"$schema/grants-pgsql.sql" | PSQL -d "lp_$db" -v role=lp_apache -f -
    done
    PSQL -d lp_nospaces -f "$sql/nospaces.sql"
    for db in $dbs; do
        printf 'Define LP_DB_%s "host=127.0.0.1 port=%s dbname=lp_%s user=lp_apache password=lp_apache"\n' \
            "$(upper $db)" "$LP_PG_PORT" "$db"
    done >"$conf"
    printf 'LP_DB_DRIVER=pgsql\nLP_PG_PORT=%s\nLP_PG_ADMIN=%s\n' \
        "$LP_PG_PORT" "$LP_PG_ADMIN" >"$env"
}

mysql_dbs() {
    MYSQL <"$sql/mysql-databases.sql"
    for db in main fail nospaces flexi flexi21; do
        case $db in
        flexi) f=flexiapi-mysql.sql ;; flexi21) f=flexiapi-2.1-mysql.sql ;; *) f=mysql.sql ;;
        esac
        MYSQL "lp_$db" <"$schema/$f"
        v=""; [ $db = flexi21 ] && v=2.1
        grants_of $v <"$schema/grants-mysql.sql" | MYSQL "lp_$db"
    done
    MYSQL <"$sql/mysql-accounts.sql"
    MYSQL lp_nospaces <"$sql/nospaces.sql"
    for db in $dbs; do
        u=lp_apache; [ $db = fail ] && u=lp_apache_fail
        printf 'Define LP_DB_%s "host=127.0.0.1 port=%s dbname=lp_%s user=%s pass=%s"\n' \
            "$(upper $db)" "$LP_MY_PORT" "$db" "$u" "$u"
    done >"$conf"
    printf 'LP_DB_DRIVER=mysql\nLP_MY_PORT=%s\nLP_MY_ADMIN=%s\nLP_MY_ADMIN_PASSWORD=%s\n' \
        "$LP_MY_PORT" "$LP_MY_ADMIN" "$LP_MY_ADMIN_PASSWORD" >"$env"
}

# the mysql pass's databases, made through node 1 (Galera replicates the
# DDL), and one DBDParams per node
galera_dbs() {
    # shellcheck disable=SC1090
    . "$ha_env"
    LP_MY_PORT=${LP_GALERA_PORTS%% *}
    mysql_dbs
    common mysql
    n=0
    for p in $LP_GALERA_PORTS; do
        n=$((n + 1))
        printf 'Define LP_DB_GALERA%s "host=127.0.0.1 port=%s dbname=lp_main user=lp_apache pass=lp_apache"\n' "$n" "$p"
    done >>"$conf"
    printf 'LP_DB_HA=galera\nLP_GALERA_PORTS=%s\nLP_HA_CTL=%s\n' "$LP_GALERA_PORTS" "$LP_HA_CTL" >>"$env"
}

# the pgsql pass's databases, made on the primary, reached by libpq's
# multi-host form: whichever member is the primary
pgsql_ha_dbs() {
    # shellcheck disable=SC1090
    . "$ha_env"
    sh "$LP_HA_CTL" sync off
    LP_PG_PORT=$(sh "$LP_HA_CTL" primary-port pgsql)
    pgsql_dbs
    common pgsql
    # shellcheck disable=SC2086
    set -- $LP_PGHA_PORTS
    sed -i "s/host=127.0.0.1 port=[0-9]* /host=127.0.0.1,127.0.0.1 port=$1,$2 target_session_attrs=read-write /" "$conf"
    printf 'LP_DB_HA=pgsql\nLP_PGHA_PORTS=%s\nLP_HA_CTL=%s\n' "$LP_PGHA_PORTS" "$LP_HA_CTL" >>"$env"
}

# upgrade_21 DRIVER: main as a site's database after FlexiAPI 2.1's
# migrations of the tables the module reads: spaces loses account_realm and
# the header flag; the digest configuration and CardDAV tables are those of
# conf/schema/flexiapi-2.1-DRIVER.sql, granted as the documentation says.
upgrade_21() {
    up=$(cat "$sql/upgrade-2.1.sql"
         sed -n '/^-- FlexiAPI 2.1: the digest/,$p' "$schema/flexiapi-2.1-$1.sql")
    case $1 in
    sqlite3) printf '%s\n' "$up" | sqlite3 t/db/main.sqlite ;;
    pgsql)
        printf '%s\n' "$up" | PSQL -d lp_main -f -
        grep -E '^GRANT.*space_digest' "$schema/grants-pgsql.sql" \
            | PSQL -d lp_main -v role=lp_apache -f - ;;
    mysql)
        printf '%s\n' "$up" | MYSQL lp_main
        grep -E '^GRANT.*(space_digest|carddav)' "$schema/grants-mysql.sql" \
            | MYSQL lp_main ;;
    esac
}

common() {   # driver: what every pass's files say
    printf 'Define LP_DB_DRIVER %s\n' "$1" >>"$conf"
    for v in LP_REDIS_PORT LP_DB_CTL LP_DB_DIR; do
        eval "val=\${$v:-}"
        [ -n "$val" ] && echo "$v=$val" >>"$env"
    done
    return 0
}

mkdir -p t/db
# dbfail.t's SQLite databases (their virtual hosts are in every pass)
sqlite_fresh faultoff faulton
for db in faultoff faulton; do
    sqlite3 "t/db/$db.sqlite" <"$schema/sqlite3.sql" >/dev/null
done
case ${1:-} in
sqlite3|pgsql|mysql) "${1}_dbs"; common "$1" ;;
sqlite3-2.1|pgsql-2.1|mysql-2.1)
    base=${1%-2.1}
    "${base}_dbs"; upgrade_21 "$base"; common "$base" ;;
galera) galera_dbs ;;
pgsql-ha) pgsql_ha_dbs ;;
*) echo "usage: $0 sqlite3|pgsql|mysql[-2.1]|galera|pgsql-ha" >&2; exit 2 ;;
esac
exit 0
