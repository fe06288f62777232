#!/bin/sh
# The root stage of test/run-tests.sh (which runs it; same arguments and
# LP_* variables): installs the missing Debian packages, creates the
# unprivileged test user, copies the tree (without .git) to LP_TEST_DIR
# owned by that user, runs test/run-tests.sh there as that user (inside a
# root-made network namespace where unprivileged ones are disabled), then
# the Debian package install test.  The copy is removed when everything
# passed and LP_TEST_DIR was not given, kept (with its logs) otherwise.
set -eu

LP_TEST_USER=${LP_TEST_USER:-lptest}
APXS=${APXS:-/usr/bin/apxs}
HTTPD=${HTTPD:-/usr/sbin/apache2}
top=$(cd "$(dirname "$0")/../.." && pwd)
say() { printf '%s\n' "run-tests: $*" >&2; }

# conf/install-deps.sh's sets: "test" and "db" (the pgsql and mysql passes,
# redis), "client" for the real Linphone client tests (skipped, saying why,
# without it), "ha" for Galera, "valgrind"
sets="test"
[ -n "${LP_TEST_VALGRIND:-}" ] && sets="$sets valgrind"
sh "$top/conf/install-deps.sh" $sets db
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
