#!/bin/sh
# `make -f Makefile.apxs demo`: a self-contained Apache on 127.0.0.1:8080
# serving the provisioning flow from a fresh SQLite database (demo accounts
# from conf/demo-data.sql, fresh tokens), with dave's token shown as a QR
# code in the terminal.  Everything lives in build/demo (the database in a
# directory of /var/tmp when Apache's user cannot reach build/demo, as in a
# clone under /root); the system's /etc/apache2 is not touched.  Ctrl-C (or `make -f Makefile.apxs
# demo-stop`) stops it.  DEMO_HOST=<this machine's LAN address> lets a phone
# on the same network scan the QR code; DEMO_PORT changes the port.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
root="$top/build/demo"
host="${DEMO_HOST:-127.0.0.1}"
port="${DEMO_PORT:-8080}"

case "${1:-start}" in
stop)
    if [ -f "$root/run/httpd.pid" ]; then
        kill "$(cat "$root/run/httpd.pid")" && echo "demo stopped"
    else
        echo "no demo running"
    fi
    exit 0 ;;
esac

# a database directory left in /var/tmp by the previous run
if [ -f "$root/run/data-dir" ]; then
    old=$(cat "$root/run/data-dir")
    case "$old" in /var/tmp/linphone-demo.*) rm -rf "$old" ;; esac
fi

sh "$top/conf/install-deps.sh" apache2 apache2-dev libapr1-dev libaprutil1-dev \
    libaprutil1-dbd-sqlite3 libxml2-dev libssl-dev libqrencode-dev libpng-dev \
    pkg-config sqlite3 curl qrencode
make -s -C "$top" -f Makefile.apxs >/dev/null

rm -rf "$root"
mkdir -p "$root/db" "$root/logs" "$root/run"
db_dir="$root/db"
run_user=""
if [ "$(id -u)" -eq 0 ] && id www-data >/dev/null 2>&1; then
    # children run as www-data: SQLite writes the file and its journal
    # beside it, so www-data must reach and write the directory
    run_user=www-data
    chown www-data:www-data "$root/db"
    if ! runuser -u www-data -- test -w "$root/db" -a -x "$root/db"; then
        # a private clone (/root/...): keep the database where it can
        rmdir "$root/db"
        db_dir=$(mktemp -d /var/tmp/linphone-demo.XXXXXX)
        chown www-data:www-data "$db_dir"
        echo "$db_dir" > "$root/run/data-dir"
        echo "demo: $top is private to root; the database is in $db_dir"
    fi
fi
db="$db_dir/demo.sqlite"
token() { tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24; }
t_alice=$(token); t_bob=$(token); t_carol=$(token); t_dave=$(token)
t_auth=$(token); t_check=$(token); k_alice=$(token)
now=$(date -u '+%Y-%m-%d %H:%M:%S')
{
    cat "$top/conf/schema/sqlite3.sql" "$top/conf/demo-data.sql"
    echo "INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at) VALUES
      (1, '$t_alice', 0, '$now', '$now'), (2, '$t_bob', 0, '$now', '$now'),
      (3, '$t_carol', 0, '$now', '$now'), (4, '$t_dave', 0, '$now', '$now');"
    echo "INSERT INTO auth_tokens (account_id, token, created_at, updated_at) VALUES
      (1, '$t_auth', '$now', '$now'), (2, '$t_check', '$now', '$now');"
    echo "INSERT INTO api_keys (account_id, key, created_at, updated_at) VALUES
      (1, '$k_alice', '$now', '$now');"
    # dave, a door in alice's list: a type and an action (SQLite's quoting)
    echo "INSERT INTO account_types (key) VALUES ('door');
      INSERT INTO account_account_type (account_id, account_type_id) VALUES (4, 1);
      INSERT INTO account_actions (account_id, key, code) VALUES (4, 'open', '1234#');"
} | sqlite3 "$db" >/dev/null

moddir=$(apxs -q LIBEXECDIR)
user_lines=""
if [ -n "$run_user" ]; then
    chown -R www-data:www-data "$db_dir"
    user_lines="User www-data
Group www-data"
fi
# the modules the demo needs, unless the system's httpd has them built in
load_lines=""
for m in mpm_event authz_core log_config authn_core authz_user dbd socache_shmcb; do
    load_lines="$load_lines<IfModule !${m}_module>
    LoadModule ${m}_module $moddir/mod_$m.so
</IfModule>
"
done
cat > "$root/httpd.conf" <<CONF
ServerRoot "$root"
ServerName $host
Listen $host:$port
PidFile "$root/run/httpd.pid"
DefaultRuntimeDir "$root/run"
ErrorLog "$root/logs/error.log"
LogLevel warn linphone_provisioning:info
$user_lines
$load_lines
LoadModule linphone_provisioning_module $top/.libs/mod_linphone_provisioning.so
LogFormat "%h \"%r\" %>s %b \"%{User-Agent}i\"" demo
CustomLog "$root/logs/access.log" demo
DocumentRoot "$root"

DBDriver sqlite3
DBDParams "$db"
LinphoneProvisioningRC "$top/conf/linphone.rc"
$(cat "$top/conf/site-locations.conf")
CONF

apache2 -f "$root/httpd.conf" -DFOREGROUND &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; echo; echo "demo stopped"; exit 0' INT TERM
base="http://$host:$port/provisioning"
i=0
until curl -s -o /dev/null "$base" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 50 ] || ! kill -0 $pid 2>/dev/null; then
        echo "Apache did not start; see $root/logs/error.log:" >&2
        tail -5 "$root/logs/error.log" >&2 2>/dev/null
        exit 1
    fi
    sleep 0.2
done
# one token through the running server (bob's own auth token): the
# database must be readable and writable by the children
check=$(curl -s -o /dev/null -w '%{http_code}' "$base/auth_token/$t_check" || true)
if [ "$check" != 200 ]; then
    echo "demo: self-check failed: a token request answered ${check:-nothing}," \
         "not 200; see $root/logs/error.log:" >&2
    tail -5 "$root/logs/error.log" >&2 2>/dev/null
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    exit 1
fi
echo "demo: self-check passed (a token request answered 200)"
cat <<MSG

mod_linphone_provisioning demo on http://$host:$port  (ready; database: $db)

  The base document (no account):
    curl -H 'x-linphone-provisioning: 1' $base

  Provision alice with her token (works once), then again (404):
    curl -H 'x-linphone-provisioning: 1' $base/$t_alice

  Provision bob and reset his password (a new MD5/SHA-256 HA1 is stored):
    curl -H 'x-linphone-provisioning: 1' '$base/$t_bob?reset_password'

  Provision carol (clear-text password), and alice by auth token:
    curl -H 'x-linphone-provisioning: 1' $base/$t_carol
    curl $base/auth_token/$t_auth

  alice's contacts (bob, carol, and dave from the list "Demo team"), by
  her API key, as vCard 4.0:
    curl -H 'x-api-key: $k_alice' http://$host:$port/contacts/vcard

  Provision dave from a phone: scan this QR code with the Linphone app
  (the module's PNG of it: $base/qrcode/$t_dave),
  or open the wizard page: http://$host:$port/wizard/$t_dave
MSG
# the URL the module encodes, drawn again by qrencode for the terminal;
# ANSI colours keep dark modules dark on a light terminal too
qr_url=$(curl -s -D - -o /dev/null "$base/qrcode/$t_dave" \
         | sed -n 's/^X-Qrcode-URL: *//Ip' | tr -d '\r')
if [ -t 1 ]; then qr_type=ANSIUTF8; else qr_type=UTF8; fi
qrencode -t "$qr_type" -l H -8 "$qr_url" || echo "  (qrencode failed)"
echo "  $qr_url"
[ "$host" != 127.0.0.1 ] \
    || echo "  (127.0.0.1: a phone cannot reach it; DEMO_HOST=<LAN address> can)"
cat <<MSG

  Logs: $root/logs/   Stop: Ctrl-C or make -f Makefile.apxs demo-stop

MSG
wait $pid
