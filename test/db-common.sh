# Sourced by test/db-servers.sh and test/db-ha.sh: what both kinds of
# throwaway servers share (the caller sets say() first).
: "${LP_DB_DIR:?LP_DB_DIR must name a directory for the servers' data}"
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
# the admin accounts the tests use (LP_MY_ADMIN..., LP_PG_ADMIN in the env files)
MY_ADMIN=lpadmin
MY_ADMIN_PASSWORD=lpadmin
PG_ADMIN=lpadmin
# the calling script, for the env files (LP_DB_CTL, LP_HA_CTL)
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
mkdir -p "$LP_DB_DIR"
LP_DB_DIR=$(cd "$LP_DB_DIR" && pwd)

port_busy() {   # something listens on port $1 already
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

stop_pidfile() {   # file: stop the server it names, wait up to 60 s for it
    [ -f "$1" ] || return 0
    pid=$(cat "$1" 2>/dev/null || true)
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
    rm -f "$1"
}
