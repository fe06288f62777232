#!/bin/sh
# GET /provisioning/{token} requests/s on each database driver, next to the
# same Apache serving the same bytes as a static file, in one run.
#
#   sh test/bench-db.sh [DURATION_S [CONNECTIONS]]       (defaults: 10, 16)
#
# Run as an unprivileged user (Apache and the database servers run as that
# user), after `make -f Makefile.apxs` (the module in .libs is used as built:
# -O2 by default).  Work files in $LP_BENCH_DIR (default a new
# /tmp/lp-bench.XXXXXX, removed afterwards); the database servers come from
# test/db-servers.sh (started here unless LP_DB_DIR names running ones).
# For each driver: ACCOUNTS accounts, each with one SHA-256 password and one
# token (fixed-width names: every document has the same length), loaded
# into a fresh database; one account's document is saved as the static
# copy; then wrk fetches the static copy for DURATION seconds, then the
# provisioning URL for DURATION seconds, every request with a token never
# sent before (one token file per wrk thread; a thread that runs out stops
# and the line says so).  Every provisioning request is a real claim: one
# transaction, token consumed, account activated.  Loopback only.
set -eu

duration=${1:-10}
connections=${2:-16}
threads=2
accounts=${LP_BENCH_ACCOUNTS:-90000}
drivers=${LP_BENCH_DRIVERS:-sqlite3 pgsql mysql}
port=${LP_BENCH_PORT:-18200}

top=$(cd "$(dirname "$0")/.." && pwd)
so=$top/.libs/mod_linphone_provisioning.so
[ -f "$so" ] || { echo "bench-db: build the module first (make -f Makefile.apxs)" >&2; exit 1; }
[ "$(id -u)" -ne 0 ] || { echo "bench-db: run as an unprivileged user" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench-db: apt-get install wrk" >&2; exit 1; }

work=${LP_BENCH_DIR:-$(mktemp -d /tmp/lp-bench.XXXXXX)}
mkdir -p "$work"
if [ -z "${LP_DB_DIR:-}" ]; then
    LP_DB_DIR=$work/servers
    own_servers=1
fi
export LP_DB_DIR
cleanup() {
    [ -f "$work/root/httpd.pid" ] && apache2 -f "$work/root/httpd.conf" -k stop 2>/dev/null
    [ -n "${own_servers:-}" ] && sh "$top/test/db-servers.sh" stop >/dev/null 2>&1
    [ -z "${LP_BENCH_DIR:-}" ] && rm -rf "$work"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

servers=""
case " $drivers " in *" pgsql "*) servers="$servers pgsql" ;; esac
case " $drivers " in *" mysql "*) servers="$servers mysql" ;; esac
# shellcheck disable=SC2086
[ -n "$servers" ] && sh "$top/test/db-servers.sh" start $servers >/dev/null
# shellcheck disable=SC1091
[ -f "$LP_DB_DIR/env" ] && . "$LP_DB_DIR/env"

# --- data: one SQL file for the three drivers, and the tokens --------------
log() { printf '%s\n' "bench-db: $*" >&2; }
log "generating $accounts accounts"
awk -v n="$accounts" -v seed="$$" -v tokens="$work/tokens" 'BEGIN {
    srand(seed);
    hex = "0123456789abcdef";
    now = "2026-01-01 00:00:00";
    for (i = 1; i <= n; i++) {
        if ((i - 1) % 500 == 0) {
            if (i > 1) { print a ";"; print p ";"; print t ";" }
            a = "INSERT INTO accounts (id, username, domain, display_name, activated, blocked, created_at, updated_at) VALUES ";
            p = "INSERT INTO passwords (account_id, password, algorithm) VALUES ";
            t = "INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at) VALUES ";
            sep = "";
        }
        h = ""; for (k = 0; k < 64; k++) h = h substr(hex, int(rand() * 16) + 1, 1);
        r = ""; for (k = 0; k < 14; k++) r = r substr(hex, int(rand() * 16) + 1, 1);
        tok = sprintf("P%09d%s", i, r);
        a = a sep sprintf("(%d, %su%09d%s, %ssip.example.org%s, %sBench User %09d%s, FALSE, FALSE, %s%s%s, %s%s%s)", i, q(), i, q(), q(), q(), q(), i, q(), q(), now, q(), q(), now, q());
        p = p sep sprintf("(%d, %s%s%s, %sSHA-256%s)", i, q(), h, q(), q(), q());
        t = t sep sprintf("(%d, %s%s%s, FALSE, %s%s%s, %s%s%s)", i, q(), tok, q(), q(), now, q(), q(), now, q());
        sep = ", ";
        print tok > tokens;
    }
    print a ";"; print p ";"; print t ";";
}
function q() { return "\047" }' >"$work/data.sql"

# --- Apache -------------------------------------------------------------------
mods=$(apxs -q LIBEXECDIR 2>/dev/null || echo /usr/lib/apache2/modules)
root=$work/root
start_apache() {   # driver params
    rm -rf "$root"
    mkdir -p "$root/htdocs/static"
    cat >"$root/httpd.conf" <<CONF
ServerRoot "$root"
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule dbd_module $mods/mod_dbd.so
LoadModule linphone_provisioning_module $so
ServerName localhost
Listen 127.0.0.1:$port
PidFile $root/httpd.pid
ErrorLog $root/error_log
LogLevel warn
DefaultRuntimeDir $root
DocumentRoot $root/htdocs
StartServers 2
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
MaxKeepAliveRequests 0
DBDriver $1
DBDParams "$2"
DBDMin 4
DBDKeep 16
DBDMax 16
LinphoneProvisioningRC $top/conf/linphone.rc
LinphoneProvisioningVcardListURL https://sip.example.org/contacts/vcard
<Location /provisioning>
    SetHandler linphone-provisioning
</Location>
CONF
    apache2 -f "$root/httpd.conf" -k start
    i=0
    until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
        i=$((i + 1)); [ $i -gt 100 ] && { log "apache did not start"; cat "$root/error_log" >&2; exit 1; }
        sleep 0.1
    done
}
stop_apache() {
    apache2 -f "$root/httpd.conf" -k stop
    i=0
    while [ -f "$root/httpd.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

cat >"$work/bench.lua" <<'LUA'
-- each thread reads its own token file: no token is ever sent twice
local n = 0
local threads = {}
function setup(thread)
    thread:set("id", n); n = n + 1; table.insert(threads, thread)
end
function init(args)
    path = args[1]
    if args[2] then fh = assert(io.open(args[2] .. "." .. id, "r")) end
    out = 0
end
function request()
    local p = path
    if fh then
        local t = fh:read("*l")
        if not t then out = 1; wrk.thread:stop(); return wrk.format("GET", "/none") end
        p = path .. t
    end
    return wrk.format("GET", p, { ["x-linphone-provisioning"] = "1" })
end
function done(summary, latency, requests)
    local ex = 0
    for _, t in ipairs(threads) do ex = ex + (t:get("out") or 0) end
    io.write(string.format("BENCH rps=%.0f requests=%d non2xx=%d errors=%d p50_ms=%.2f p99_ms=%.2f ran_out=%d\n",
        summary.requests / summary.duration * 1e6, summary.requests, summary.errors.status,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, ex))
end
LUA

bench() {   # label path [tokens-prefix]
    wrk -t"$threads" -c"$connections" -d"${duration}s" -s "$work/bench.lua" \
        "http://127.0.0.1:$port" -- "$2" ${3:-} | sed -n "s/^BENCH /$1 /p"
}

PSQL() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LP_PG_PORT" -U "$LP_PG_ADMIN" "$@"; }
MYSQL() { mariadb --no-defaults -h 127.0.0.1 -P "$LP_MY_PORT" -u "$LP_MY_ADMIN" -p"$LP_MY_ADMIN_PASSWORD" "$@"; }

results=""
for driver in $drivers; do
    case $driver in
    sqlite3)
        db=$work/bench.sqlite
        rm -f "$db"*
        { cat "$top/conf/schema/sqlite3.sql"; echo "BEGIN;"; cat "$work/data.sql"; echo "COMMIT;"; } \
            | sqlite3 "$db" >/dev/null
        params=$db ;;
    pgsql)
        [ -n "${LP_PG_PORT:-}" ] || { log "no PostgreSQL: pgsql skipped"; continue; }
        PSQL -d postgres -c "DROP DATABASE IF EXISTS lp_bench" -c "CREATE DATABASE lp_bench"
        { cat "$top/conf/schema/pgsql.sql"; echo "BEGIN;"; cat "$work/data.sql"; echo "COMMIT; ANALYZE;"; } \
            | PSQL -d lp_bench >/dev/null
        params="host=127.0.0.1 port=$LP_PG_PORT dbname=lp_bench user=$LP_PG_ADMIN" ;;
    mysql)
        [ -n "${LP_MY_PORT:-}" ] || { log "no MariaDB: mysql skipped"; continue; }
        MYSQL -e "DROP DATABASE IF EXISTS lp_bench; CREATE DATABASE lp_bench CHARACTER SET utf8mb4"
        { cat "$top/conf/schema/mysql.sql"; echo "START TRANSACTION;"; cat "$work/data.sql"; echo "COMMIT;"; } \
            | MYSQL lp_bench
        params="host=127.0.0.1 port=$LP_MY_PORT dbname=lp_bench user=$LP_MY_ADMIN pass=$LP_MY_ADMIN_PASSWORD" ;;
    esac
    start_apache "$driver" "$params"
    # the static copy: the document of account 1 (its token is not benched)
    first=$(head -n 1 "$work/tokens")
    curl -s -H 'x-linphone-provisioning: 1' "http://127.0.0.1:$port/provisioning/$first" \
        >"$root/htdocs/static/doc.xml"
    size=$(wc -c <"$root/htdocs/static/doc.xml")
    grep -q '<config' "$root/htdocs/static/doc.xml" || { log "$driver: no document"; cat "$root/error_log" >&2; exit 1; }
    # the other tokens, dealt to the wrk threads
    tail -n +2 "$work/tokens" | awk -v p="$work/tok" -v n="$threads" '{ print > (p "." ((NR - 1) % n)) }'
    s=$(bench "static" /static/doc.xml)
    d=$(bench "$driver" /provisioning/ "$work/tok")
    results="$results
$driver: $d
$driver static ($size bytes): $s"
    stop_apache
done
echo "bench-db: wrk -t$threads -c$connections -d${duration}s, $(nproc) cores, GET /provisioning/{fresh token} vs the same bytes as a static file:$results"
