#!/bin/bash
# `make -f Makefile.apxs bench` / `bench-memory`: measures every endpoint of
# mod_linphone_provisioning against the same Apache serving a byte-identical
# static copy of the same response, in one run, with wrk.
#
#   bash test/bench/bench.sh [--duration S] [--connections N] [--threads N]
#                            [--driver sqlite3|pgsql|mysql] [--port P]
#                            [--only REGEX] [--keep]
#   bash test/bench/bench.sh --memory [--requests N] [--port P] [--keep]
#
# Everything lives in build/bench: an optimised build of the module
# (build/bench/src), a throwaway ServerRoot (build/bench/root: event MPM,
# settings written below, 127.0.0.1:8200 by default), an SQLite database
# made from conf/schema/sqlite3.sql holding the accounts and the tokens the
# run consumes (no token is ever sent twice), and wrk's inputs
# (build/bench/data).  The system's /etc/apache2 is not touched.
#
# Rate run (default): for each endpoint, wrk fetches the static copy
# (/static/<name>, saved from one real response of that endpoint) and the
# endpoint itself, with the same connections, threads and request headers,
# in the order static, endpoint, endpoint, static, half of --duration each
# (default 10 s per side and per row; about 3 minutes in all).  Prints one
# table: requests/s, p50/p99 latency, static requests/s, the ratio, and
# Apache's CPU time per request.  --only runs the rows whose label matches
# the regular expression; --keep leaves Apache running afterwards.
#
# Memory run (--memory): one child process (event MPM, ServerLimit 1,
# 8 threads), --requests requests (default 1,000,000) mixing the base
# document, /provisioning/me with an API key, and every token the database
# holds; samples the child's VmRSS every second; prints first/last/max.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/test/bench"
out="$top/build/bench"
root="$out/root"
data="$out/data"

duration=10
connections=16
threads=2
driver=sqlite3
port=8200
mode=rate
requests=1000000
keep=0
only=""

usage() {
    sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

while [ $# -gt 0 ]; do
    case "$1" in
    --duration) duration=$2; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --connections) connections=$2; shift 2 ;;
    --connections=*) connections=${1#*=}; shift ;;
    --threads) threads=$2; shift 2 ;;
    --threads=*) threads=${1#*=}; shift ;;
    --driver) driver=$2; shift 2 ;;
    --driver=*) driver=${1#*=}; shift ;;
    --port) port=$2; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    --requests) requests=$2; shift 2 ;;
    --requests=*) requests=${1#*=}; shift ;;
    --only) only=$2; shift 2 ;;
    --only=*) only=${1#*=}; shift ;;
    --memory) mode=memory; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; usage 2 >&2 ;;
    esac
done

for v in duration connections threads port requests; do
    case "${!v}" in
    ''|*[!0-9]*) echo "bench.sh: --$v needs a positive integer" >&2; exit 2 ;;
    esac
    [ "${!v}" -gt 0 ] || { echo "bench.sh: --$v must be > 0" >&2; exit 2; }
done
[ "$duration" -le 600 ] || { echo "bench.sh: --duration is at most 600" >&2; exit 2; }
[ "$connections" -le 1000 ] || { echo "bench.sh: --connections is at most 1000" >&2; exit 2; }
[ "$requests" -le 100000000 ] || { echo "bench.sh: --requests is at most 100000000" >&2; exit 2; }
[ "$threads" -le "$connections" ] || threads=$connections

case "$driver" in
sqlite3) ;;
pgsql|mysql)
    echo "bench.sh: --driver $driver: not measured by this script yet;" \
         "test/bench-db.sh measures the token path on $driver."
    exit 0 ;;
*) echo "bench.sh: --driver is sqlite3, pgsql or mysql" >&2; exit 2 ;;
esac

sh "$top/conf/install-deps.sh" bench

log() { printf '%s\n' "$*" >&2; }

stop_server() {
    local pid i
    [ -f "$root/run/httpd.pid" ] || return 0
    pid=$(cat "$root/run/httpd.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        apache2 -f "$root/conf/httpd.conf" -k stop 2>/dev/null \
            || kill "$pid" 2>/dev/null || true
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$root/run/httpd.pid"
}

# ---------------------------------------------------------------------------
# Build: a private copy of the sources, optimised, so that the developer's
# own build (maybe -O0 or with sanitizers) is neither used nor touched.
# Makefile.apxs hands CFLAGS_EXTRA to apxs as one -Wc, so -g (for perf and
# callgrind) gets its own.
# ---------------------------------------------------------------------------
mkdir -p "$out"
stop_server                      # a previous run left with --keep
log "building the module (-O2) in build/bench/src ..."
rm -rf "$out/src"
mkdir -p "$out/src"
cp -r "$top/Makefile.apxs" "$top/mod_linphone_provisioning.c" \
      "$top/modules" "$top/include" "$out/src/"
rm -rf "$out/src/modules/.libs" "$out/src"/modules/*.lo \
       "$out/src"/modules/*.slo "$out/src"/modules/*.o
so="$out/src/.libs/mod_linphone_provisioning.so"
if ! make -C "$out/src" -f Makefile.apxs CFLAGS_EXTRA="-O2 -Wc,-g" SANITIZE= \
        >"$out/build.log" 2>&1 || [ ! -f "$so" ]; then
    tail -20 "$out/build.log" >&2
    exit 1
fi

# ---------------------------------------------------------------------------
# Database.  Accounts have fixed-width names, so every account's document
# has the same length and one static copy stands for all; each has one
# SHA-256 password and one provisioning token (only an account's newest
# unused token is valid).  Ids 1-6 are fixed: the API key account, the
# digest account, and the sample accounts whose responses become the static
# copies (their tokens are never given to wrk).  The accounts and tokens a
# rate run consumes are added in bulk once the first rows have shown how
# fast this machine is (add_accounts, add_auth_tokens).
# ---------------------------------------------------------------------------
domain=sip.example.org
digest_password=bench-secret
api_key="bench-api-key-$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)"
id_api=1; id_digest=2; id_s_tok=3; id_s_reset=4; id_s_auth=5; id_s_qr=6
next_id=101
uname() { printf 'u%09d' "$1"; }
digest_user=$(uname $id_digest)
digest_ha1=$(printf '%s' "$digest_user:$domain:$digest_password" \
             | sha256sum | cut -d' ' -f1)

rm -rf "$root" "$data"
mkdir -p "$root/conf" "$root/logs" "$root/run" "$root/db" \
         "$root/htdocs/static" "$data"
db="$root/db/bench.sqlite"

# sqlite3 on the live database: as Apache's user when we are root, so that
# the -wal and -shm files never end up owned by root.
sql() {
    if [ "$(id -u)" -eq 0 ] && [ -f "$root/run/httpd.pid" ]; then
        runuser -u www-data -- sqlite3 -cmd '.timeout 10000' "$db"
    else
        sqlite3 -cmd '.timeout 10000' "$db"
    fi
}

# Inserts COUNT accounts, each with a password and a token; sets first and
# last to their ids.
add_accounts() {
    first=$next_id
    last=$((next_id + $1 - 1))
    next_id=$((last + 1))
    sql >/dev/null <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT $first UNION ALL SELECT i + 1 FROM n WHERE i < $last)
INSERT INTO accounts (id, username, domain, display_name, email, activated,
                      blocked, created_at, updated_at)
SELECT i, printf('u%09d', i), '$domain', printf('Bench User %09d', i),
       printf('u%09d@example.org', i), 0, 0, datetime('now'), datetime('now')
FROM n;
INSERT INTO passwords (account_id, password, algorithm)
SELECT id, lower(hex(randomblob(32))), 'SHA-256' FROM accounts
WHERE id BETWEEN $first AND $last ORDER BY id;
-- 24 characters, unique and unguessable
INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)
SELECT id, printf('P%09d', id) || lower(hex(randomblob(7))), 0,
       datetime('now'), datetime('now')
FROM accounts WHERE id BETWEEN $first AND $last ORDER BY id;
COMMIT;
SQL
}

# Inserts COUNT auth tokens (prefix TAG) spread over accounts FIRST..LAST.
add_auth_tokens() {   # count, first, last, tag
    sql >/dev/null <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
INSERT INTO auth_tokens (account_id, token, created_at, updated_at)
SELECT $2 + ((i - 1) % ($3 - $2 + 1)), '$4' || printf('%09d', i) || lower(hex(randomblob(7))),
       datetime('now'), datetime('now')
FROM n;
SQL
}

# wrk's inputs: the query's lines, one slice per wrk thread (round robin).
export_lines() {      # name, SQL query, number of slices
    echo "$2;" | sql >"$data/$1"
    (cd "$data" && split -d -a 3 -n "r/$3" "$1" "$1.")
}
tokens_of() {         # first, last account id
    echo "SELECT token FROM provisioning_tokens WHERE account_id BETWEEN $1 AND $2 ORDER BY id"
}
auth_tokens_of() {    # tag
    echo "SELECT token FROM auth_tokens WHERE token LIKE '$1%' ORDER BY id"
}

log "creating the SQLite database (WAL) ..."
{
    cat "$top/conf/schema/sqlite3.sql"
    cat <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6)
INSERT INTO accounts (id, username, domain, display_name, email, activated,
                      blocked, created_at, updated_at)
SELECT i, printf('u%09d', i), '$domain', printf('Bench User %09d', i),
       printf('u%09d@example.org', i), 0, 0, datetime('now'), datetime('now')
FROM n;
INSERT INTO passwords (account_id, password, algorithm)
SELECT id, CASE id WHEN $id_digest THEN '$digest_ha1'
                   ELSE lower(hex(randomblob(32))) END, 'SHA-256'
FROM accounts ORDER BY id;
INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)
SELECT id, printf('P%09d', id) || lower(hex(randomblob(7))), 0,
       datetime('now'), datetime('now')
FROM accounts WHERE id IN ($id_s_tok, $id_s_reset, $id_s_qr);
INSERT INTO auth_tokens (account_id, token, created_at, updated_at)
VALUES ($id_s_auth, 'S' || lower(hex(randomblob(12))), datetime('now'), datetime('now'));
INSERT INTO api_keys (account_id, key, requests, created_at, updated_at)
VALUES ($id_api, '$api_key', 0, datetime('now'), datetime('now'));
COMMIT;
SQL
} | sqlite3 "$db" >/dev/null
sample_token=$(sqlite3 "$db" "SELECT token FROM provisioning_tokens WHERE account_id = $id_s_tok")
sample_reset=$(sqlite3 "$db" "SELECT token FROM provisioning_tokens WHERE account_id = $id_s_reset")
sample_qr=$(sqlite3 "$db" "SELECT token FROM provisioning_tokens WHERE account_id = $id_s_qr")
sample_auth=$(sqlite3 "$db" "SELECT token FROM auth_tokens WHERE account_id = $id_s_auth")
if [ "$mode" = memory ]; then
    # 2,000 of each for the warm-up, 20,000 for the measured run
    add_accounts 22000
    m_first=$first; m_last=$last
    add_auth_tokens 22000 "$m_first" "$m_last" A
fi

# ---------------------------------------------------------------------------
# Apache: event MPM; keep-alive without a request limit; no access log.
# Static files are served the fastest way Apache has for small files:
# EnableMMAP On (the default) maps and unmaps the file on every request,
# which in a threaded child costs about half of the static throughput.
# ---------------------------------------------------------------------------
moddir=$(apxs -q LIBEXECDIR)
user_lines=""
if [ "$(id -u)" -eq 0 ]; then
    # children run as www-data: SQLite writes the file and its WAL beside it
    chown -R www-data:www-data "$root/db"
    user_lines="User www-data
Group www-data"
fi
if [ "$mode" = memory ]; then
    mpm_lines="# one child process for the whole run
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
MinSpareThreads 1
MaxSpareThreads 9
MaxConnectionsPerChild 0"
    mpm_desc="event MPM, 1 child x 8 threads"
else
    mpm_lines="StartServers 2
ServerLimit 2
ThreadsPerChild 32
MaxRequestWorkers 64
MinSpareThreads 1
MaxSpareThreads 64
MaxConnectionsPerChild 0"
    mpm_desc="event MPM, 2 children x 32 threads"
fi

cat >"$root/conf/httpd.conf" <<CONF
# Written by test/bench/bench.sh: the benchmark's throwaway server.
ServerRoot "$root"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$root/run/httpd.pid"
DefaultRuntimeDir "$root/run"
ErrorLog "$root/logs/error.log"
LogLevel warn
$user_lines

LoadModule mpm_event_module $moddir/mod_mpm_event.so
$mpm_lines
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
Timeout 30

LoadModule authn_core_module $moddir/mod_authn_core.so
LoadModule authz_core_module $moddir/mod_authz_core.so
LoadModule authz_user_module $moddir/mod_authz_user.so
LoadModule mime_module $moddir/mod_mime.so
LoadModule dbd_module $moddir/mod_dbd.so
LoadModule socache_shmcb_module $moddir/mod_socache_shmcb.so
LoadModule linphone_provisioning_module $so

# as Debian's apache2.conf: no .htaccess lookups, nothing outside htdocs
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
DocumentRoot "$root/htdocs"
<Directory "$root/htdocs">
    Require all granted
</Directory>
TypesConfig /dev/null
AddType application/xml .xml
AddType image/png .png
EnableMMAP Off
EnableSendfile On

DBDriver sqlite3
DBDParams "$db"
DBDPersist On
# one connection per child: APR's sqlite3 driver runs a child's statements
# one at a time anyway, and a connection's page cache survives only the
# writes made through it
DBDMin 1
DBDKeep 1
DBDMax 1

LinphoneProvisioningRC "$top/conf/linphone.rc"
LinphoneProvisioningAuthTokenExpiry 60
LinphoneDigestNonceLifetime 3600
LinphoneDigestAlgorithms SHA-256
# LP_BENCH_CONF: extra directives, e.g. LinphoneProvisioningEntry lines to
# measure their cost (one per line)
${LP_BENCH_CONF:-}

<Location "/provisioning">
    SetHandler linphone-provisioning
</Location>
<Location "/provisioning/me">
    AuthType Linphone
    AuthName x
    Require valid-user
</Location>
CONF
# for experiments: directives appended to the generated httpd.conf
if [ -n "${BENCH_CONF_APPEND:-}" ]; then
    printf '%s\n' "$BENCH_CONF_APPEND" >>"$root/conf/httpd.conf"
fi

log "starting Apache on 127.0.0.1:$port (ServerRoot build/bench/root) ..."
if ! apache2 -f "$root/conf/httpd.conf" -k start; then
    tail -5 "$root/logs/error.log" >&2 2>/dev/null || true
    exit 1
fi
if [ "$keep" -eq 0 ]; then
    trap stop_server EXIT
fi
trap 'exit 130' INT TERM
url="http://127.0.0.1:$port"
for i in $(seq 1 100); do
    curl -s --max-time 10 -o /dev/null "$url/" && break
    if [ "$i" -eq 100 ]; then
        log "Apache did not start; see $root/logs/error.log:"
        tail -5 "$root/logs/error.log" >&2
        exit 1
    fi
    sleep 0.1
done

H_PROV="x-linphone-provisioning: 1"

# Fetches one response of an endpoint into the DocumentRoot; prints its
# status and content type ("200 application/xml").
save_static() {     # name, path, curl arguments...
    local name=$1 path=$2
    shift 2
    curl -s --max-time 10 -o "$root/htdocs/static/$name" \
         -w '%{http_code} %{content_type}' "$@" "$url$path"
}
require_200() {     # what, "status type"
    case "$2" in
    200\ *) ;;
    *) log "bench: $1 answered '$2', expected 200; see $root/logs/error.log"
       tail -5 "$root/logs/error.log" >&2
       exit 1 ;;
    esac
}

# CPU time used so far by Apache (parent and children, every thread), in
# clock ticks: a measure of the cost of a request that another program's
# load on the machine disturbs much less than requests/s.
server_pids() {
    local ppid
    ppid=$(cat "$root/run/httpd.pid" 2>/dev/null) || return 0
    echo "$ppid"
    ps -o pid= --ppid "$ppid"
}
server_ticks() {
    local p sum=0 f
    for p in $(server_pids); do
        # utime and stime are fields 14 and 15 (comm holds no space here)
        f=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
        sum=$((sum + ${f% *} + ${f#* }))
    done
    echo "$sum"
}
clk_tck=$(getconf CLK_TCK)

# One wrk run; prints "requests rps p50_us p99_us status_errors
# socket_errors exhausted bytes_per_response server_cpu_us".
run_wrk() {         # threads, connections, seconds, bench.lua arguments...
    local t=$1 c=$2 d=$3 line t0 t1
    shift 3
    t0=$(server_ticks)
    line=$(wrk -t "$t" -c "$c" -d "${d}s" --timeout 10s \
               -s "$here/bench.lua" "$url" -- "$@" | grep '^BENCH ' || true)
    t1=$(server_ticks)
    if [ -z "$line" ]; then
        echo "0 0 0 0 0 0 0 0 0"
        return
    fi
    echo "$line" | awk -v cpu=$(( (t1 - t0) * 1000000 / clk_tck )) '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        rps = 0; bpr = 0
        if (v["duration_us"] > 0) rps = v["requests"] / (v["duration_us"] / 1e6)
        if (v["requests"] > 0) bpr = v["bytes"] / v["requests"]
        printf "%d %.0f %d %d %d %d %d %.0f %d\n", v["requests"], rps,
               v["p50_us"], v["p99_us"], v["status_errors"],
               v["socket_errors"], v["exhausted"], bpr, cpu
    }'
}

# ===========================================================================
# Memory run
# ===========================================================================
if [ "$mode" = memory ]; then
    # fewer connections than threads: with every thread busy, the event
    # MPM closes idle keep-alive connections (wrk's "read errors")
    mt=2; mc=4
    mkdir -p "$data/warm"
    export_lines warm/tokens "$(tokens_of "$m_first" $((m_first + 1999)))" $mt
    export_lines warm/auth_tokens "$(auth_tokens_of A) LIMIT 2000" $mt
    export_lines tokens "$(tokens_of $((m_first + 2000)) "$m_last")" $mt
    export_lines auth_tokens "$(auth_tokens_of A) LIMIT -1 OFFSET 2000" $mt

    ppid=$(cat "$root/run/httpd.pid")
    child=""
    for i in $(seq 1 50); do
        child=$(ps -o pid= --ppid "$ppid" | tr -d ' ' | head -1)
        [ -n "$child" ] && break
        sleep 0.1
    done
    [ -n "$child" ] || { log "no child process"; exit 1; }
    rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
    rss_start=$(rss "$child")

    memory_wrk() {      # total requests, dir; prints the MEMORY line
        local total=$1 dir=$2 wpid i n
        rm -f "$dir"/done.*
        wrk -t $mt -c $mc -d 1800s --timeout 10s -s "$here/memory.lua" \
            "$url" -- $((total / mt)) "$dir" "$api_key" >"$dir/wrk.out" &
        wpid=$!
        # every thread writes done.NNN at its quota, then wrk is interrupted
        # (it prints its summary on SIGINT); bounded by wrk's own -d
        for i in $(seq 1 18100); do
            n=$(ls "$dir" | grep -c '^done\.' || true)
            [ "$n" -ge $mt ] && break
            kill -0 $wpid 2>/dev/null || break
            sleep 0.1
        done
        kill -INT $wpid 2>/dev/null || true
        wait $wpid || true
        grep '^MEMORY ' "$dir/wrk.out" || echo "MEMORY requests=0"
    }

    log "memory run: warm-up (50,000 requests) ..."
    memory_wrk 50000 "$data/warm" >/dev/null
    log "memory run: $requests requests against child $child, sampling" \
        "VmRSS every second ..."
    samples="$data/rss.samples"
    : >"$samples"
    (
        # bounded: ends with the run or the child, or after an hour
        for i in $(seq 1 3600); do
            [ -f "$data/sampler.stop" ] && break
            kill -0 "$child" 2>/dev/null || break
            echo "$(date +%s) $(rss "$child")" >>"$samples"
            sleep 1
        done
    ) &
    sampler=$!
    result=$(memory_wrk "$requests" "$data")
    touch "$data/sampler.stop"
    wait $sampler || true
    echo "$(date +%s) $(rss "$child")" >>"$samples"
    still=$(ps -o pid= --ppid "$ppid" | tr -d ' ' | tr '\n' ' ')

    echo
    echo "mod_linphone_provisioning memory run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $mpm_desc, wrk -t$mt -c$mc"
    echo "$result" | awk '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        rate = 0
        if (v["duration_us"] > 0) rate = v["requests"] / (v["duration_us"] / 1e6)
        printf "requests: %d in %.0f s (%.0f/s): base %d, me (API key) %d, token %d (half with ?reset_password), auth token %d; non-2xx %d, socket errors %d\n",
               v["requests"], v["duration_us"] / 1e6, rate,
               v["base"], v["me"], v["token"], v["auth_token"],
               v["status_errors"], v["socket_errors"] }'
    awk -v start="$rss_start" -v child="$child" -v still="$still" '
        NR == 1 { first = $2; max = $2; min = $2 }
        { last = $2; if ($2 > max) max = $2; if ($2 < min) min = $2; n++ }
        END {
            printf "child %s VmRSS: %.1f MiB before the warm-up; over the run: first %.1f MiB, last %.1f MiB, max %.1f MiB, min %.1f MiB (%d samples)\n",
                   child, start / 1024, first / 1024, last / 1024, max / 1024, min / 1024, n
            verdict = "MISSED"
            if (max - first <= 2048 && last - first <= 2048) verdict = "ok"
            printf "growth: last - first %+.2f MiB, max - first %+.2f MiB (target: within 2 MiB): %s\n",
                   (last - first) / 1024, (max - first) / 1024, verdict
            if (still != child " ")
                printf "warning: the child changed during the run (now: %s)\n", still
        }' "$samples"
    echo "samples: build/bench/data/rss.samples (epoch seconds, VmRSS KiB)"
    exit 0
fi

# ===========================================================================
# Rate run
# ===========================================================================
# Static copies, one real response each (sample accounts of their own).
r=$(save_static base.xml /provisioning -H "$H_PROV"); require_200 /provisioning "$r"
r=$(save_static token.xml "/provisioning/$sample_token" -H "$H_PROV"); require_200 "/provisioning/{token}" "$r"
r=$(save_static reset.xml "/provisioning/$sample_reset?reset_password" -H "$H_PROV"); require_200 "/provisioning/{token}?reset_password" "$r"
r=$(save_static auth_token.xml "/provisioning/auth_token/$sample_auth"); require_200 "/provisioning/auth_token/{token}" "$r"
r=$(save_static me_key.xml /provisioning/me -H "$H_PROV" -H "x-api-key: $api_key"); require_200 "/provisioning/me (API key)" "$r"
qr_status=$(save_static qrcode.png "/provisioning/qrcode/$sample_qr")
case "$qr_status" in
"200 image/png"*) qr=1 ;;
*) qr=0; rm -f "$root/htdocs/static/qrcode.png" ;;
esac

# Digest: one nonce per wrk connection.  A client's nonce counts increase
# on its own connection; two connections sharing a nonce would reorder
# their counts and be refused as replays.  So this row runs wrk with one
# connection per thread, and each thread has its own nonce and nc sequence.
FROM_H="From: sip:$digest_user@$domain"
challenge() {       # prints "nonce opaque"
    curl -s --max-time 10 -D - -o /dev/null -H "$H_PROV" -H "$FROM_H" \
         "$url/provisioning/me" | tr -d '\r' \
    | sed -n 's/^WWW-Authenticate: Digest .*nonce="\([0-9a-f]*\)".*opaque="\([0-9a-f]*\)".*/\1 \2/p' \
    | head -1
}
digest_lines() {    # nonce, opaque, count, cnonce, file: nc = 1..count
    perl -MDigest::SHA=sha256_hex -e '
        my ($user, $realm, $ha1, $nonce, $opaque, $count, $cnonce) = @ARGV;
        my $uri = "/provisioning/me";
        my $ha2 = sha256_hex("GET:$uri");
        for my $i (1 .. $count) {
            my $nc = sprintf("%08x", $i);
            my $resp = sha256_hex("$ha1:$nonce:$nc:$cnonce:auth:$ha2");
            print qq{Digest username="$user", realm="$realm", nonce="$nonce", uri="$uri", algorithm=SHA-256, qop=auth, nc=$nc, cnonce="$cnonce", response="$resp", opaque="$opaque"\n};
        }' "$digest_user" "$domain" "$digest_ha1" "$1" "$2" "$3" "$4" >"$5"
}
read -r s_nonce s_opaque <<<"$(challenge)"
[ -n "${s_nonce:-}" ] || { log "bench: no digest challenge from /provisioning/me"; exit 1; }
digest_lines "$s_nonce" "$s_opaque" 1 samplecnonce "$data/digest.sample"
sample_authz=$(cat "$data/digest.sample")
r=$(save_static me_digest.xml /provisioning/me -H "$H_PROV" -H "$FROM_H" \
    -H "Authorization: $sample_authz"); require_200 "/provisioning/me (digest)" "$r"

# The rows, in run order: label, static copy, path ("{}": a line of the wrk
# input), wrk input ("": the same request every time), request headers
# ("|" between them; "{}" likewise), target ratio ("-": none).
rows=()
add_row() { local IFS=$'\x1f'; rows+=("$*"); }
add_row "/provisioning" base.xml "/provisioning" "" "$H_PROV" 0.95
add_row "/provisioning/{token}" token.xml "/provisioning/{}" tokens "$H_PROV" 0.25
if [ $qr -eq 1 ]; then
    # consumes nothing: the reset group's tokens, before the reset row
    add_row "/provisioning/qrcode/{token}" qrcode.png "/provisioning/qrcode/{}" reset_tokens "" 0.3
fi
add_row "/provisioning/{token}?reset_password" reset.xml "/provisioning/{}?reset_password" reset_tokens "$H_PROV" -
add_row "/provisioning/auth_token/{token}" auth_token.xml "/provisioning/auth_token/{}" auth_tokens "" -
add_row "/provisioning/me (API key)" me_key.xml "/provisioning/me" "" "$H_PROV|x-api-key: $api_key" 0.7
add_row "/provisioning/me (digest, nc)" me_digest.xml "/provisioning/me" digest "$H_PROV|$FROM_H|Authorization: {}" -

# The fastest rate seen so far (static or dynamic) bounds every later row:
# it sizes the tokens and the nc sequences, with a quarter more.
bound=0
raise_bound() { [ "$1" -gt "$bound" ] && bound=$1; return 0; }
generated=0
generate_tokens() {
    local n
    if [ "$bound" -eq 0 ]; then
        log "  calibration: the base document's static copy, 3 s ..."
        raise_bound "$(run_wrk "$threads" "$connections" 3 /static/base.xml \
                       "header=$H_PROV" | cut -d' ' -f2)"
    fi
    n=$((bound * half * 2 * 5 / 4 + 1000))
    log "  adding 3 x $n accounts with a token each, and $n auth tokens" \
        "(at most ${bound} requests/s for $((half * 2))s, and a quarter more) ..."
    add_accounts "$n"
    export_lines tokens "$(tokens_of "$first" "$last")" $((2 * threads))
    add_accounts "$n"
    export_lines reset_tokens "$(tokens_of "$first" "$last")" $((2 * threads))
    add_accounts "$n"
    add_auth_tokens "$n" "$first" "$last" A
    export_lines auth_tokens "$(auth_tokens_of A)" $((2 * threads))
    echo "PRAGMA wal_checkpoint(TRUNCATE);" | sql >/dev/null
    generated=1
}

# Each row runs in the order static, endpoint, endpoint, static, each for
# half of --duration (ABBA: a load that drifts during the row, like another
# program on the machine, weighs on both sides alike).  The two runs of a
# side are added up: requests/s over both; p50 and p99 are the mean of the
# two runs' values, weighted by their requests.  Files of wrk input have
# 2 x threads slices: the second endpoint run reads the second half.
half=$(( (duration + 1) / 2 ))
combine() {         # two run_wrk results -> one
    echo "$1 $2" | awk '{
        n = $1 + $10
        secs = 0; rps = 0; p50 = 0; p99 = 0; bpr = 0
        if ($2 > 0) secs += $1 / $2
        if ($11 > 0) secs += $10 / $11
        if (secs > 0) rps = n / secs
        if (n > 0) {
            p50 = ($1 * $3 + $10 * $12) / n
            p99 = ($1 * $4 + $10 * $13) / n
            bpr = ($1 * $8 + $10 * $17) / n
        }
        printf "%d %.0f %.0f %.0f %d %d %d %.0f %d\n", n, rps, p50, p99,
               $5 + $14, $6 + $15, $7 + $16, bpr, $9 + $18 }'
}
rps_of() { echo "$1" | cut -d' ' -f2; }

log "rate run: wrk -t$threads -c$connections, per endpoint: static ${half}s, endpoint 2 x ${half}s, static ${half}s ..."
results=()
for row in "${rows[@]}"; do
    IFS=$'\x1f' read -r label static path file headers target <<<"$row"
    [[ "$label" =~ $only ]] || continue
    case "$file" in
    tokens|reset_tokens|auth_tokens) [ $generated -eq 1 ] || generate_tokens ;;
    esac
    t=$threads; c=$connections
    [ "$file" = digest ] && t=$connections       # one connection per thread
    args_static=("/static/$static")
    args_dyn=("$path")
    if [ -n "$headers" ]; then
        IFS='|' read -r -a hs <<<"$headers"
        for h in "${hs[@]}"; do
            case "$h" in
            *'{}'*) args_static+=("header=${h%%:*}: $sample_authz") ;;
            *) args_static+=("header=$h") ;;
            esac
            args_dyn+=("header=$h")
        done
    fi
    [ -n "$file" ] && args_dyn+=("file=$data/$file")
    log "  $label ..."
    s1=$(run_wrk "$t" "$c" "$half" "${args_static[@]}")
    raise_bound "$(rps_of "$s1")"
    if [ "$file" = digest ]; then
        # a nonce per thread and per run, each with its nc sequence
        per=$((bound * half * 5 / 4 / t + 1000))
        log "  $label: $((2 * t)) nonces, nc 1..$per each ..."
        for i in $(seq 0 $((2 * t - 1))); do
            read -r nonce opaque <<<"$(challenge)"
            [ -n "${nonce:-}" ] || { log "bench: no digest challenge"; exit 1; }
            digest_lines "$nonce" "$opaque" "$per" "cnonce$i" \
                "$data/digest.$(printf '%03d' "$i")"
        done
    fi
    d1=$(run_wrk "$t" "$c" "$half" "${args_dyn[@]}" slice=0)
    d2=$(run_wrk "$t" "$c" "$half" "${args_dyn[@]}" slice="$t")
    s2=$(run_wrk "$t" "$c" "$half" "${args_static[@]}")
    s=$(combine "$s1" "$s2")
    d=$(combine "$d1" "$d2")
    raise_bound "$(rps_of "$s2")"
    raise_bound "$(rps_of "$d")"
    results+=("$label"$'\x1f'"$t"$'\x1f'"$c"$'\x1f'"$s"$'\x1f'"$d"$'\x1f'"$target")
done

# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)
echo
echo "mod_linphone_provisioning benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) cores ($cpu), $(apache2 -v | sed -n 's/^Server version: //p'), $mpm_desc, SQLite $(sqlite3 --version | cut -d' ' -f1) (WAL)"
echo "wrk $threads threads x $connections connections (digest row: $connections threads x 1 connection); per row: static ${half}s, endpoint 2 x ${half}s, static ${half}s"
echo "ratio = req/s / static req/s; CPU us/req = Apache's CPU time (user+system, all processes) per request: endpoint / static copy"
echo
fmt='%-38s %8s %7s %7s %10s %6s %7s %12s  %s\n'
printf "$fmt" endpoint "req/s" "p50 ms" "p99 ms" "static r/s" ratio target "CPU us/req" ""
printf "$fmt" "--------------------------------------" "--------" "-------" "-------" "----------" "------" "-------" "------------" ""
for res in "${results[@]}"; do
    IFS=$'\x1f' read -r label t c s d target <<<"$res"
    read -r s_req s_rps s_p50 s_p99 s_err s_sock s_ex s_bpr s_cpu <<<"$s"
    read -r d_req d_rps d_p50 d_p99 d_err d_sock d_ex d_bpr d_cpu <<<"$d"
    notes=""
    [ "$d_err" -gt 0 ] && notes="$notes $d_err non-2xx!"
    [ "$d_sock" -gt 0 ] && notes="$notes $d_sock socket errors!"
    [ "$d_ex" -gt 0 ] && notes="$notes ran out of tokens: under-measured!"
    [ "$s_err" -gt 0 ] && notes="$notes static: $s_err non-2xx!"
    [ "$d_req" -eq 0 ] && notes="$notes no result!"
    awk -v l="$label" -v r="$d_rps" -v p50="$d_p50" -v p99="$d_p99" \
        -v sr="$s_rps" -v tg="$target" -v notes="$notes" -v fmt="$fmt" \
        -v dn="$d_req" -v dc="$d_cpu" -v sn="$s_req" -v sc="$s_cpu" 'BEGIN {
        ratio = 0; if (sr > 0) ratio = r / sr
        verdict = ""; shown = "-"
        if (tg != "-") { shown = ">= " tg; verdict = (ratio >= tg) ? "ok" : "MISSED" }
        dcpu = 0; scpu = 0
        if (dn > 0) dcpu = dc / dn
        if (sn > 0) scpu = sc / sn
        printf fmt, l, sprintf("%.0f", r), sprintf("%.2f", p50 / 1000),
               sprintf("%.2f", p99 / 1000), sprintf("%.0f", sr),
               sprintf("%.2f", ratio), shown,
               sprintf("%.0f / %.0f", dcpu, scpu), verdict notes
    }'
done
if [ $qr -eq 0 ] && [[ "/provisioning/qrcode/{token}" =~ $only ]]; then
    printf "$fmt" "/provisioning/qrcode/{token}" n/a n/a n/a n/a n/a ">= 0.3" n/a \
        "not served by this build: $qr_status"
fi
echo
if [ "$keep" -eq 1 ]; then
    echo "Apache keeps running on $url (stop: apache2 -f $root/conf/httpd.conf -k stop)"
fi
exit 0
