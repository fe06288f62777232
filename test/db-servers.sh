#!/bin/sh
# Throwaway database servers for the test matrix: PostgreSQL, MariaDB and
# redis on loopback only, each in its own data directory under $LP_DB_DIR.
#
#   sh test/db-servers.sh start [pgsql] [mysql] [redis]   (default: all three)
#   sh test/db-servers.sh stop  [pgsql] [mysql] [redis]
#   sh test/db-servers.sh restart pgsql|mysql|redis
#   sh test/db-servers.sh status
#
# Run by the unprivileged test user (test/run-tests.sh does that), the
# servers run as that user, so a test can stop and start them (dbrestart.t).
# Run by root, each runs as its own system user (postgres, mysql, redis).
# A server whose programs are missing, or that does not start, is left out:
# $LP_DB_DIR/env names only the servers that answer, and the test suites of
# the others are skipped.  Nothing listens beyond 127.0.0.1.
#
# Environment:
#   LP_DB_DIR      data directories, sockets, logs and the env file (required)
#   LP_PG_PORT     PostgreSQL port (default 55432)
#   LP_MY_PORT     MariaDB port (default 53306)
#   LP_REDIS_PORT  redis port (default 56379)
#
# $LP_DB_DIR/env (sh syntax, also read by t/lib/LinphoneTest.pm) holds, per
# running server: LP_PG_PORT, LP_PG_ADMIN (a superuser, no password over
# 127.0.0.1), LP_MY_PORT, LP_MY_ADMIN and LP_MY_ADMIN_PASSWORD (an
# all-privileges account over TCP), LP_REDIS_PORT, and LP_DB_CTL (this
# script, when the caller may restart the servers).

set -eu

LP_PG_PORT=${LP_PG_PORT:-55432}
LP_MY_PORT=${LP_MY_PORT:-53306}
LP_REDIS_PORT=${LP_REDIS_PORT:-56379}

say() { printf '%s\n' "db-servers: $*" >&2; }
. "$(dirname "$0")/db-common.sh"

# as_user USER cmd...: run as the server's user (root) or as ourselves.
as_user() {
    u=$1; shift
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$u" -- "$@"
    else
        "$@"
    fi
}
owner() {   # the user a server runs as
    if [ "$(id -u)" -eq 0 ]; then echo "$1"; else id -un; fi
}

# ---------------------------------------------------------------------------
pg_dir=$LP_DB_DIR/pg
pg_up() {
    [ -x "$PG_BIN/pg_ctl" ] || { say "pgsql: no PostgreSQL server programs (apt-get install postgresql)"; return 1; }
    u=$(owner postgres)
    mkdir -p "$pg_dir"
    chown "$u" "$pg_dir" 2>/dev/null || true
    if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
        as_user "$u" "$PG_BIN/initdb" -D "$pg_dir/data" -U "$PG_ADMIN" \
            --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
            || { say "pgsql: initdb failed, see $pg_dir/initdb.log"; return 1; }
    fi
    if as_user "$u" "$PG_BIN/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
        return 0
    fi
    if port_busy "$LP_PG_PORT"; then
        say "pgsql: port $LP_PG_PORT is taken by another program"; return 1
    fi
    # asynchronous commit: the durability of SQLite's WAL with
    # synchronous=NORMAL, which the sqlite3 suite uses
    as_user "$u" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
        -o "-p $LP_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_dir -c max_connections=400 -c synchronous_commit=off -c shared_buffers=64MB" \
        start >/dev/null \
        || { say "pgsql: did not start, see $pg_dir/server.log"; return 1; }
}
pg_down() {
    [ -f "$pg_dir/data/PG_VERSION" ] || return 0
    as_user "$(owner postgres)" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w -t 60 stop \
        >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------
my_dir=$LP_DB_DIR/mariadb
my_sock=$my_dir/mysqld.sock
my_cli() { mariadb --no-defaults --socket="$my_sock" -u "$(owner root)" "$@"; }
my_up() {
    command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] \
        || { say "mysql: no MariaDB server (apt-get install mariadb-server)"; return 1; }
    u=$(owner mysql)
    mkdir -p "$my_dir"
    chown "$u" "$my_dir" 2>/dev/null || true
    if [ -S "$my_sock" ] && my_cli -e 'SELECT 1' >/dev/null 2>&1; then
        return 0
    fi
    if port_busy "$LP_MY_PORT"; then
        say "mysql: port $LP_MY_PORT is taken by another program"; return 1
    fi
    fresh=0
    if [ ! -d "$my_dir/data/mysql" ]; then
        fresh=1
        as_user "$u" mariadb-install-db --no-defaults --datadir="$my_dir/data" \
            --auth-root-authentication-method=socket --skip-test-db \
            >"$my_dir/install.log" 2>&1 \
            || { say "mysql: mariadb-install-db failed, see $my_dir/install.log"; return 1; }
    fi
    rm -f "$my_sock"
    # the session's own user runs the server; innodb_flush_log_at_trx_commit=2
    # is the durability of the other servers here (no fsync per commit)
    as_user "$u" sh -c 'exec /usr/sbin/mariadbd --no-defaults "$@" </dev/null >/dev/null 2>&1 &' mariadbd \
        --datadir="$my_dir/data" --socket="$my_sock" --port="$LP_MY_PORT" \
        --bind-address=127.0.0.1 --pid-file="$my_dir/mysqld.pid" \
        --log-error="$my_dir/server.log" --skip-name-resolve --skip-log-bin \
        --max-connections=400 --innodb-buffer-pool-size=64M \
        --innodb-flush-log-at-trx-commit=2 --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci
    i=0
    until my_cli -e 'SELECT 1' >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -gt 120 ]; then
            say "mysql: did not start, see $my_dir/server.log"; return 1
        fi
        sleep 0.5
    done
    if [ $fresh -eq 1 ]; then
        my_cli -e "CREATE USER '$MY_ADMIN'@'127.0.0.1' IDENTIFIED BY '$MY_ADMIN_PASSWORD';
                   GRANT ALL PRIVILEGES ON *.* TO '$MY_ADMIN'@'127.0.0.1' WITH GRANT OPTION;"
    fi
}
my_down() { stop_pidfile "$my_dir/mysqld.pid"; }

# ---------------------------------------------------------------------------
redis_dir=$LP_DB_DIR/redis
redis_up() {
    command -v redis-server >/dev/null 2>&1 \
        || { say "redis: no redis-server (apt-get install redis-server)"; return 1; }
    u=$(owner redis)
    mkdir -p "$redis_dir"
    chown "$u" "$redis_dir" 2>/dev/null || true
    if redis-cli -h 127.0.0.1 -p "$LP_REDIS_PORT" ping 2>/dev/null | grep -q PONG \
       && [ -f "$redis_dir/redis.pid" ]; then
        return 0
    fi
    if port_busy "$LP_REDIS_PORT"; then
        say "redis: port $LP_REDIS_PORT is taken by another program"; return 1
    fi
    as_user "$u" redis-server --port "$LP_REDIS_PORT" --bind 127.0.0.1 \
        --daemonize yes --pidfile "$redis_dir/redis.pid" --dir "$redis_dir" \
        --logfile "$redis_dir/server.log" --save '' --appendonly no \
        || { say "redis: did not start"; return 1; }
    i=0
    until redis-cli -h 127.0.0.1 -p "$LP_REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
        i=$((i + 1))
        [ $i -gt 60 ] && { say "redis: did not start, see $redis_dir/server.log"; return 1; }
        sleep 0.25
    done
}
redis_down() { stop_pidfile "$redis_dir/redis.pid"; }

# ---------------------------------------------------------------------------
write_env() {
    env=$LP_DB_DIR/env
    : >"$env.new"
    if [ -f "$pg_dir/data/postmaster.pid" ]; then
        printf 'LP_PG_PORT=%s\nLP_PG_ADMIN=%s\n' "$LP_PG_PORT" "$PG_ADMIN" >>"$env.new"
    fi
    if [ -S "$my_sock" ]; then
        printf 'LP_MY_PORT=%s\nLP_MY_ADMIN=%s\nLP_MY_ADMIN_PASSWORD=%s\n' \
            "$LP_MY_PORT" "$MY_ADMIN" "$MY_ADMIN_PASSWORD" >>"$env.new"
    fi
    if [ -f "$redis_dir/redis.pid" ]; then
        printf 'LP_REDIS_PORT=%s\n' "$LP_REDIS_PORT" >>"$env.new"
    fi
    [ "$(id -u)" -ne 0 ] && printf 'LP_DB_CTL=%s\n' "$self" >>"$env.new"
    printf 'LP_DB_DIR=%s\n' "$LP_DB_DIR" >>"$env.new"
    mv "$env.new" "$env"
}

cmd=${1:-status}
[ $# -gt 0 ] && shift
which=${*:-pgsql mysql redis}
rc=0
case $cmd in
start)
    for s in $which; do
        case $s in
        pgsql) pg_up && say "pgsql: 127.0.0.1:$LP_PG_PORT" || rc=1 ;;
        mysql) my_up && say "mysql: 127.0.0.1:$LP_MY_PORT" || rc=1 ;;
        redis) redis_up && say "redis: 127.0.0.1:$LP_REDIS_PORT" || rc=1 ;;
        *) say "unknown server $s"; exit 2 ;;
        esac
    done
    write_env ;;
stop)
    for s in $which; do
        case $s in
        pgsql) pg_down ;; mysql) my_down ;; redis) redis_down ;;
        *) say "unknown server $s"; exit 2 ;;
        esac
    done
    write_env ;;
restart)
    for s in $which; do
        case $s in
        pgsql) pg_down; pg_up || rc=1 ;;
        mysql) my_down; my_up || rc=1 ;;
        redis) redis_down; redis_up || rc=1 ;;
        *) say "unknown server $s"; exit 2 ;;
        esac
    done
    write_env ;;
status)
    write_env
    cat "$LP_DB_DIR/env" ;;
*)
    say "usage: $0 start|stop|restart|status [pgsql] [mysql] [redis]"; exit 2 ;;
esac
exit $rc
