#!/bin/sh
# Replicated database servers for the high-availability passes, run by the
# unprivileged test user on loopback with throwaway data directories under
# $LP_DB_DIR:
#
#   sh test/db-ha.sh start galera|pgsql-ha|pgsql-ha-sync   start (bootstrap)
#   sh test/db-ha.sh stop  galera|pgsql-ha                  stop everything
#   sh test/db-ha.sh node-stop  galera N | pgsql-primary    one member down
#   sh test/db-ha.sh node-start galera N                    rejoin (IST/SST)
#   sh test/db-ha.sh promote pgsql                          standby -> primary
#   sh test/db-ha.sh rebuild pgsql                          a new standby
#   sh test/db-ha.sh primary-port pgsql                     where it is now
#   sh test/db-ha.sh sync on|off                            pgsql replication
#
# galera: three MariaDB nodes (Debian's galera-4), node 1 bootstraps the
#   cluster, nodes 2 and 3 join it by rsync SST.  Node N listens on
#   127.0.0.1:$LP_HA_BASE+N for SQL, +10+N for group communication, +20+N
#   for IST and +30+N for SST.
# pgsql-ha: a primary on $LP_HA_BASE+41 and a hot standby made by
#   pg_basebackup -R on +42, streaming; pgsql-ha-sync makes the standby a
#   synchronous one (synchronous_standby_names; synchronous_commit is on).
#   After a failover (node-stop pgsql-primary, promote) "rebuild" makes the
#   dead member a standby of the new primary: the ports swap roles.
#
# Nothing listens beyond 127.0.0.1.  $LP_DB_DIR/ha.env (sh syntax, read by
# test/run-tests.sh and t/lib/LinphoneTest.pm) names what runs:
# LP_GALERA_PORTS="p1 p2 p3", LP_PGHA_PORTS="primary standby", the admin
# accounts, and LP_HA_CTL (this script).
#
# Environment: LP_DB_DIR (required), LP_HA_BASE (default 61300: above the
# kernel's ephemeral ports, 32768-60999 by default, which the many client
# connections of a test run pick from; a listener there can find its port
# taken).

set -eu

BASE=${LP_HA_BASE:-61300}
GALERA_LIB=${GALERA_LIB:-$(ls /usr/lib/galera/libgalera_smm.so /usr/lib/libgalera_smm.so 2>/dev/null | head -n 1)}

say() { printf '%s\n' "db-ha: $*" >&2; }
[ "$(id -u)" -ne 0 ] || { say "run me as an unprivileged user"; exit 1; }
. "$(dirname "$0")/db-common.sh"
if read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null \
   && [ $((BASE + 42)) -ge "$lo" ] && [ "$BASE" -le "$hi" ]; then
    say "warning: ports $BASE-$((BASE + 42)) overlap the ephemeral ports $lo-$hi: a server may find its port taken"
fi

# ---------------------------------------------------------------------------
# Galera
gdir() { echo "$LP_DB_DIR/galera$1"; }
gport() { echo $((BASE + $1)); }
gcli() {   # node, args...: root over the node's socket
    n=$1; shift
    mariadb --no-defaults --socket="$(gdir "$n")/mysqld.sock" -u "$(id -un)" "$@"
}
gpeers() { echo "127.0.0.1:$((BASE + 11)),127.0.0.1:$((BASE + 12)),127.0.0.1:$((BASE + 13))"; }

galera_missing() {
    [ -x /usr/sbin/mariadbd ] || { echo "no MariaDB server (apt-get install mariadb-server)"; return; }
    [ -n "$GALERA_LIB" ] || { echo "no Galera library (apt-get install galera-4)"; return; }
    command -v rsync >/dev/null 2>&1 || { echo "no rsync for the state transfer (apt-get install rsync)"; return; }
    command -v socat >/dev/null 2>&1 || { echo "no socat (apt-get install socat)"; return; }
}

# galera_node_start N [bootstrap]
galera_node_start() {
    n=$1; d=$(gdir "$n")
    mkdir -p "$d"
    if [ -S "$d/mysqld.sock" ] && gcli "$n" -e 'SELECT 1' >/dev/null 2>&1; then
        return 0
    fi
    for p in $(gport "$n") $((BASE + 10 + n)) $((BASE + 20 + n)) $((BASE + 30 + n)); do
        port_busy "$p" && { say "galera$n: port $p is taken"; return 1; }
    done
    if [ ! -d "$d/data/mysql" ]; then
        if [ "${2:-}" = bootstrap ]; then
            mariadb-install-db --no-defaults --datadir="$d/data" \
                --auth-root-authentication-method=socket --skip-test-db \
                >"$d/install.log" 2>&1 \
                || { say "galera$n: mariadb-install-db failed, see $d/install.log"; return 1; }
        else
            mkdir -p "$d/data"          # filled by the state transfer
        fi
    fi
    new=""
    [ "${2:-}" = bootstrap ] && new="--wsrep-new-cluster"
    # the SST script finds its settings in the option file it is given
    cat >"$d/my.cnf" <<EOF
[mysqld]
datadir=$d/data
socket=$d/mysqld.sock
port=$(gport "$n")
bind-address=127.0.0.1
pid-file=$d/mysqld.pid
log-error=$d/server.log
skip-name-resolve
max-connections=300
innodb-buffer-pool-size=48M
innodb-log-file-size=16M
innodb-flush-log-at-trx-commit=2
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
binlog-format=ROW
default-storage-engine=InnoDB
innodb-autoinc-lock-mode=2
wsrep-on=ON
wsrep-provider=$GALERA_LIB
wsrep-cluster-name=lp_ha
wsrep-cluster-address=gcomm://$(gpeers)
wsrep-node-name=node$n
wsrep-node-address=127.0.0.1:$((BASE + 10 + n))
wsrep-node-incoming-address=127.0.0.1:$(gport "$n")
wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:$((BASE + 10 + n));ist.recv_addr=127.0.0.1:$((BASE + 20 + n));gcache.size=32M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT4S
wsrep-sst-method=rsync
wsrep-sst-receive-address=127.0.0.1:$((BASE + 30 + n))
wsrep-slave-threads=2
# causal reads: a token FlexiAPI wrote on one node is seen on the others
wsrep-sync-wait=1
[sst]
EOF
    rm -f "$d/mysqld.sock" "$d/mysqld.pid"
    sh -c 'exec /usr/sbin/mariadbd "$@" </dev/null >/dev/null 2>&1 &' mariadbd \
        --defaults-file="$d/my.cnf" $new
    i=0
    until [ "$(gcli "$n" -N -e "SHOW STATUS LIKE 'wsrep_ready'" 2>/dev/null | awk '{print $2}')" = ON ]; do
        i=$((i + 1))
        if [ $i -gt 240 ] || { [ -f "$d/mysqld.pid" ] && ! kill -0 "$(cat "$d/mysqld.pid")" 2>/dev/null; }; then
            say "galera$n: not ready, see $d/server.log"; return 1
        fi
        sleep 0.5
    done
    if [ "${2:-}" = bootstrap ] && ! gcli "$n" -N -e "SELECT 1 FROM mysql.user WHERE user='$MY_ADMIN'" | grep -q 1; then
        gcli "$n" -e "CREATE USER '$MY_ADMIN'@'127.0.0.1' IDENTIFIED BY '$MY_ADMIN_PASSWORD';
                      GRANT ALL PRIVILEGES ON *.* TO '$MY_ADMIN'@'127.0.0.1' WITH GRANT OPTION;"
    fi
}

galera_node_stop() { stop_pidfile "$(gdir "$1")/mysqld.pid"; }

galera_up() {
    why=$(galera_missing)
    [ -z "$why" ] || { say "galera: $why"; return 1; }
    # a cluster stopped whole restarts from node 1 (throwaway data: its
    # state is as good as any)
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' \
        "$(gdir 1)/data/grastate.dat" 2>/dev/null || true
    galera_node_start 1 bootstrap || return 1
    galera_node_start 2 || return 1
    galera_node_start 3 || return 1
    size=$(gcli 1 -N -e "SHOW STATUS LIKE 'wsrep_cluster_size'" | awk '{print $2}')
    [ "$size" = 3 ] || { say "galera: cluster size $size, not 3"; return 1; }
}
galera_down() { for n in 3 2 1; do galera_node_stop "$n"; done; }

# ---------------------------------------------------------------------------
# PostgreSQL primary + hot standby: two data directories, pgha-a on port
# +41 and pgha-b on +42; either can be the primary (after a failover and
# a rebuild the roles are swapped).
pgdir() { echo "$LP_DB_DIR/pgha-$1"; }          # a | b
pgport() { if [ "$1" = a ]; then echo $((BASE + 41)); else echo $((BASE + 42)); fi; }
pgq() {   # port sql
    psql -X -A -t -q -h 127.0.0.1 -p "$1" -U "$PG_ADMIN" -d postgres -c "$2" 2>/dev/null
}
pg_role() {   # a|b -> primary, standby or nothing (down)
    case $(pgq "$(pgport "$1")" 'SELECT pg_is_in_recovery()') in
    f) echo primary ;; t) echo standby ;; esac
}
pg_which() {   # role -> a or b
    for x in a b; do [ "$(pg_role $x)" = "$1" ] && { echo $x; return 0; }; done
    return 1
}
pg_start() {   # a|b
    d=$(pgdir "$1"); p=$(pgport "$1")
    "$PG_BIN/pg_ctl" -D "$d/data" status >/dev/null 2>&1 && return 0
    port_busy "$p" && { say "pgsql-ha: port $p is taken"; return 1; }
    "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 -o "-p $p -c listen_addresses=127.0.0.1 -c unix_socket_directories=$d -c max_connections=200 -c shared_buffers=32MB -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on -c wal_keep_size=64MB" start >/dev/null \
        || { say "pgsql-ha: $1 did not start, see $d/server.log"; return 1; }
}
pg_standby_from() {   # new-standby-dir primary-port
    d=$(pgdir "$1")
    rm -rf "$d"; mkdir -p "$d"
    "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$2" -U "$PG_ADMIN" -D "$d/data" \
        -R -X stream -c fast >"$d/basebackup.log" 2>&1 \
        || { say "pgsql-ha: pg_basebackup failed, see $d/basebackup.log"; return 1; }
    echo "primary_conninfo = 'host=127.0.0.1 port=$2 user=$PG_ADMIN application_name=standby'" \
        >>"$d/data/postgresql.auto.conf"
    pg_start "$1"
}
pgha_up() {   # sync: "sync" or ""
    [ -x "$PG_BIN/pg_ctl" ] || { say "pgsql-ha: no PostgreSQL server programs (apt-get install postgresql)"; return 1; }
    A=$(pgdir a)
    if [ ! -f "$A/data/PG_VERSION" ]; then
        rm -rf "$(pgdir b)"
        mkdir -p "$A"
        "$PG_BIN/initdb" -D "$A/data" -U "$PG_ADMIN" --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$A/initdb.log" 2>&1 \
            || { say "pgsql-ha: initdb failed, see $A/initdb.log"; return 1; }
        echo "host replication all 127.0.0.1/32 trust" >>"$A/data/pg_hba.conf"
    fi
    for x in a b; do [ -f "$(pgdir $x)/data/PG_VERSION" ] && { pg_start $x || return 1; }; done
    pgha_rebuild || return 1
    pgha_sync "${1:-}"
}
# A standby again: the member that is down is discarded and copied afresh
# from the primary (a crashed primary may hold commits its standby never
# got: it cannot simply follow the new one).
pgha_rebuild() {
    p=$(pg_which primary) || { say "pgsql-ha: no primary"; return 1; }
    pg_which standby >/dev/null && return 0
    if [ $p = a ]; then s=b; else s=a; fi
    "$PG_BIN/pg_ctl" -D "$(pgdir $s)/data" -m immediate -w stop >/dev/null 2>&1 || true
    pg_standby_from $s "$(pgport $p)"
}
pgha_sync() {   # "sync" or other, on the primary; waits for streaming
    p=$(pgport "$(pg_which primary)") || { say "pgsql-ha: no primary"; return 1; }
    if [ "${1:-}" = sync ]; then names="'standby'"; else names="''"; fi
    pgq "$p" "ALTER SYSTEM SET synchronous_standby_names = $names" >/dev/null
    pgq "$p" "SELECT pg_reload_conf()" >/dev/null
    i=0
    until pgq "$p" "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby' AND state = 'streaming'" \
          | grep -qx "$([ "${1:-}" = sync ] && echo sync || echo async)"; do
        i=$((i + 1))
        [ $i -gt 240 ] && { say "pgsql-ha: the standby does not stream"; return 1; }
        sleep 0.25
    done
}
pgha_down() {
    for x in b a; do
        d=$(pgdir $x)
        [ -f "$d/data/PG_VERSION" ] && "$PG_BIN/pg_ctl" -D "$d/data" -m fast -w -t 60 stop >/dev/null 2>&1
    done
    return 0
}
# A crash of the primary (immediate: no shutdown checkpoint, no last WAL
# sent), then the promotion of the standby.
pg_primary_kill() {
    x=$(pg_which primary) || return 0
    "$PG_BIN/pg_ctl" -D "$(pgdir $x)/data" -m immediate -w stop >/dev/null 2>&1 || true
}
pg_promote() {
    x=$(pg_which standby) || { say "pgsql-ha: no standby"; return 1; }
    "$PG_BIN/pg_ctl" -D "$(pgdir $x)/data" -w -t 60 promote >/dev/null
}

# ---------------------------------------------------------------------------
write_env() {
    env=$LP_DB_DIR/ha.env
    : >"$env.new"
    if [ -S "$(gdir 1)/mysqld.sock" ]; then
        printf 'LP_GALERA_PORTS="%s %s %s"\nLP_MY_ADMIN=%s\nLP_MY_ADMIN_PASSWORD=%s\n' \
            "$(gport 1)" "$(gport 2)" "$(gport 3)" "$MY_ADMIN" "$MY_ADMIN_PASSWORD" >>"$env.new"
    fi
    if [ -f "$(pgdir a)/data/postmaster.pid" ] || [ -f "$(pgdir b)/data/postmaster.pid" ]; then
        printf 'LP_PGHA_PORTS="%s %s"\nLP_PG_ADMIN=%s\n' "$(pgport a)" "$(pgport b)" "$PG_ADMIN" >>"$env.new"
    fi
    printf 'LP_HA_CTL=%s\nLP_DB_DIR=%s\n' "$self" "$LP_DB_DIR" >>"$env.new"
    mv "$env.new" "$env"
}

cmd=${1:-}; what=${2:-}
case $cmd:$what in
start:galera) galera_up; write_env ;;
start:pgsql-ha) pgha_up ""; write_env ;;
start:pgsql-ha-sync) pgha_up sync; write_env ;;
stop:galera) galera_down; write_env ;;
stop:pgsql-ha) pgha_down; write_env ;;
node-stop:galera) galera_node_stop "${3:?node}" ;;
node-start:galera) galera_node_start "${3:?node}" ;;
node-stop:pgsql-primary) pg_primary_kill ;;
promote:*) pg_promote ;;
rebuild:*) pgha_rebuild ;;
primary-port:*) pgport "$(pg_which primary)" ;;
sync:*) pgha_sync "$([ "$what" = on ] && echo sync)" ;;
missing:galera) galera_missing ;;
*) say "usage: see the head of $0"; exit 2 ;;
esac
