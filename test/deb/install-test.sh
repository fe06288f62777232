#!/bin/sh
# The Debian package, tested the way a sysadmin uses it (run as root by
# `make -f Makefile.apxs test`, after the suite; a SKIP line otherwise):
#
#   1. build the packages (conf/build-deb.sh: lintian-clean) and
#      `apt-get install ./libapache2-mod-linphone-provisioning_*.deb` on the
#      machine's own apache2;
#   2. the module and its dependencies are enabled, `apache2ctl configtest`
#      passes; with a SQLite database made from the shipped schema, the
#      conffile edited to use it and a small site, the system Apache serves
#      the base document and an account's document by token;
#      -dev: the example hook module builds against the header and .pc;
#   3. upgrade to a newer version: the edited conffile survives;
#   4. purge: the module, its .load, .conf and enabled links are gone.
#
# It leaves the machine as it found it by running steps 1-4 in private
# namespaces: a mount namespace where / is an overlay (on a tmpfs) of the
# real root, chrooted into, a network namespace holding only the loopback
# (the system Apache listens there, ports.conf's port 80 included) and a PID
# namespace (nothing it starts survives it).  dpkg's database, /etc/apache2
# and the Apache started are the real ones as seen through the overlay;
# every change disappears with it, and test suites running meanwhile on the
# host never see the packaged module.
#
#   sh test/deb/install-test.sh
# Where namespaces or overlayfs are not available the test is skipped with
# a SKIP line (a failure when LP_TEST_REQUIRE_ALL or CI is set).
# Environment: LP_DEB_WORK  work directory (default: a new
#   /var/tmp/lp-deb-install.XXXXXX, removed afterwards unless a check failed)
set -u

pkg=libapache2-mod-linphone-provisioning
share=/usr/share/$pkg
conffile=/etc/apache2/mods-available/linphone_provisioning.conf
port=8080

say() { printf '%s\n' "deb-install: $*" >&2; }

# ---------------------------------------------------------------------------
# Stage 3, in the chroot: the checks, as TAP-like lines on stdout.
if [ "${1:-}" = "--chroot" ]; then
    debdir=$2
    n=${3:-0}       # checks already counted by stage 1
    ok() { n=$((n + 1)); echo "ok $n - $*"; }
    nok() { n=$((n + 1)); echo "not ok $n - $*"; }
    check() {   # description command...
        d=$1; shift
        if "$@" >/tmp/check.out 2>&1; then ok "$d"; else
            nok "$d"; sed 's/^/#   /' /tmp/check.out | tail -n 20
        fi
    }
    export DEBIAN_FRONTEND=noninteractive
    # maintainer scripts must not start the (stopped) system Apache
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    deb=$(ls "$debdir/${pkg}_"*.deb)
    version=$(dpkg-deb -f "$deb" Version)
    APT="apt-get -q -y --no-install-recommends -o Dpkg::Use-Pty=0"

    # 1. install
    check "apt-get install ./$(basename "$deb")" $APT install "$deb"
    check "$pkg $version is installed" \
        sh -c "dpkg-query -W -f='\${db:Status-Status} \${Version}' $pkg | grep -qx 'installed $version'"
    check "the module is in Apache's module directory" \
        test -f /usr/lib/apache2/modules/mod_linphone_provisioning.so
    check ".load and .conf are conffiles" sh -c \
        "dpkg-query -W -f='\${Conffiles}' $pkg | grep -q 'linphone_provisioning.load' &&
         dpkg-query -W -f='\${Conffiles}' $pkg | grep -q 'linphone_provisioning.conf'"

    # 2. enabled, configtest, served
    for m in linphone_provisioning dbd socache_shmcb authn_core authz_user; do
        check "module $m is enabled" a2query -q -m $m
    done
    check "apache2ctl configtest (as installed)" apache2ctl configtest

    dbdir=/var/lib/linphone-provisioning
    db=$dbdir/flexiapi.sqlite
    token=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24)
    now=$(date -u '+%Y-%m-%d %H:%M:%S')
    mkdir -p $dbdir
    check "a database from the shipped schema, an account and its token" sh -c "
        { cat $share/schema/sqlite3.sql
          echo \"INSERT INTO accounts (username, domain, display_name, activated, blocked, created_at, updated_at)
                VALUES ('debuser', 'sip.example.org', 'Deb User', FALSE, FALSE, '$now', '$now');
                INSERT INTO passwords (account_id, password, algorithm)
                VALUES ((SELECT id FROM accounts WHERE username = 'debuser'), 'deb-secret', 'CLRTXT');
                INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at)
                VALUES ((SELECT id FROM accounts WHERE username = 'debuser'), '$token', 0, '$now', '$now');\"
        } | sqlite3 $db && chown -R www-data:www-data $dbdir"

    # the sysadmin's edit: uncomment the database and rc lines
    sed -i -e 's|^\( *\)# \(DBDriver sqlite3\)$|\1\2|' \
        -e 's|^\( *\)# \(DBDParams "file:/var/lib/linphone-provisioning/flexiapi.sqlite?mode=rw"\)$|\1\2|' \
        -e "s|^\\( *\\)# LinphoneProvisioningRC /etc/linphone/linphone.rc\$|\\1LinphoneProvisioningRC $share/linphone.rc|" \
        -e "s|^\\( *\\)# LinphoneProvisioningBaseURL https://sip.example.org\$|\\1LinphoneProvisioningBaseURL http://127.0.0.1:$port|" \
        $conffile
    check "the conffile edit took (4 directives uncommented)" \
        sh -c "[ \$(grep -cE '^ *(DBDriver|DBDParams|LinphoneProvisioningRC|LinphoneProvisioningBaseURL) ' $conffile) -eq 4 ]"
    # a small site: the locations the source tree's example gives
    {
        echo "Listen 127.0.0.1:$port"
        echo "<VirtualHost 127.0.0.1:$port>"
        cat /tmp/site-locations.conf
        echo "</VirtualHost>"
    } >/etc/apache2/sites-available/lp-install-test.conf
    check "a2ensite lp-install-test" a2ensite -q lp-install-test
    check "apache2ctl configtest (configured)" apache2ctl configtest
    check "apache2ctl start" apache2ctl start
    i=0
    until curl -s -o /dev/null "http://127.0.0.1:$port/" || [ $i -ge 50 ]; do
        sleep 0.2; i=$((i + 1))
    done
    get() {   # path: body in /tmp/body, status on stdout
        curl -s -o /tmp/body -w '%{http_code}' -H 'x-linphone-provisioning: 1' \
            "http://127.0.0.1:$port$1"
    }
    code=$(get /provisioning)
    check "GET /provisioning: 200 ($code), the base document with the rc's proxy" \
        sh -c "[ '$code' = 200 ] && grep -q '<config' /tmp/body && grep -q 'sip.example.org' /tmp/body"
    code=$(get "/provisioning/$token")
    check "GET /provisioning/{token}: 200 ($code), the account's document" \
        sh -c "[ '$code' = 200 ] && grep -q '>debuser<' /tmp/body && grep -q 'deb-secret' /tmp/body"
    code=$(get "/provisioning/$token")
    check "the token is consumed: 404 ($code)" test "$code" = 404
    check "the startup log names the version (v${version%-*})" \
        grep -q "mod_linphone_provisioning (v${version%-*})" /var/log/apache2/error.log
    apache2ctl stop >/dev/null 2>&1
    i=0
    while pidof apache2 >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
    check "apache2ctl stop" sh -c '! pidof apache2'

    # the -dev package: a companion module builds against it (C and C++)
    dev=$(ls "$debdir/${pkg}-dev_"*.deb)
    check "apt-get install ./$(basename "$dev")" $APT install "$dev"
    check "pkg-config mod_linphone_provisioning: version ${version%-*}" \
        sh -c "[ \$(pkg-config --modversion mod_linphone_provisioning) = '${version%-*}' ]"
    mkdir -p /tmp/sample
    cp /usr/share/doc/$pkg-dev/examples/mod_linphone_provisioning_sample.c /tmp/sample/
    check "the example hook module builds with apxs and the .pc" sh -c \
        "cd /tmp/sample && apxs -c \$(pkg-config --cflags mod_linphone_provisioning) \
            mod_linphone_provisioning_sample.c && test -f .libs/mod_linphone_provisioning_sample.so"
    check "the header compiles as C++" sh -c \
        "echo '#include \"mod_linphone_provisioning.h\"' | g++ -fsyntax-only -x c++ \
            -I\$(apxs -q INCLUDEDIR) \$(pkg-config --cflags mod_linphone_provisioning) -"
    check "apt-get purge $pkg-dev" $APT purge $pkg-dev

    # 3. upgrade to a newer version (the same files, version +test1)
    rm -rf /tmp/up && dpkg-deb -R "$deb" /tmp/up
    sed -i "s/^Version: .*/Version: $version+test1/" /tmp/up/DEBIAN/control
    dpkg-deb -b /tmp/up "/tmp/${pkg}_$version+test1.deb" >/dev/null
    check "upgrade to $version+test1 (apt-get install ./...deb)" \
        $APT install "/tmp/${pkg}_$version+test1.deb"
    check "the upgrade kept the edited conffile" \
        sh -c "grep -q '^ *DBDriver sqlite3' $conffile && grep -q '^ *LinphoneProvisioningRC $share/linphone.rc' $conffile && ! ls $conffile.dpkg-* 2>/dev/null"
    check "the module is still enabled" a2query -q -m linphone_provisioning
    check "apache2ctl configtest (upgraded)" apache2ctl configtest

    # 4. purge
    a2dissite -q lp-install-test >/dev/null
    rm -f /etc/apache2/sites-available/lp-install-test.conf
    check "apt-get purge $pkg" $APT purge $pkg
    check "the package is gone from dpkg" \
        sh -c "! dpkg-query -W -f='\${db:Status-Status}' $pkg 2>/dev/null | grep -q installed"
    check "the module is gone" test ! -e /usr/lib/apache2/modules/mod_linphone_provisioning.so
    check "its .load and .conf are gone" sh -c \
        "! ls /etc/apache2/mods-available/linphone_provisioning.* 2>/dev/null"
    check "its enabled links are gone" sh -c \
        "! ls /etc/apache2/mods-enabled/linphone_provisioning.* 2>/dev/null"
    check "apache2ctl configtest (purged)" apache2ctl configtest
    echo "1..$n"
    exit 0
fi

# ---------------------------------------------------------------------------
# Stage 2, in the new namespaces: the overlay root, then the chroot.
if [ "${1:-}" = "--inner" ]; then
    work=$2
    set -e
    mount --make-rprivate /
    mount -t tmpfs -o size=2g tmpfs "$work/ns"
    mkdir "$work/ns/upper" "$work/ns/work" "$work/ns/root"
    root=$work/ns/root
    mount -t overlay overlay \
        -o "lowerdir=/,upperdir=$work/ns/upper,workdir=$work/ns/work" "$root"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount -t tmpfs tmpfs "$root/tmp"
    ip link set lo up
    cp "$0" "$root/tmp/install-test.sh"
    cp "$(dirname "$0")/../../conf/site-locations.conf" "$root/tmp/"
    set +e
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 sh /tmp/install-test.sh --chroot "$work/deb" 1
    exit $?
fi

# ---------------------------------------------------------------------------
# Stage 1, on the host.
if [ "$(id -u)" -ne 0 ]; then
    say "SKIP: the package install test needs root"
    echo "deb-install: 0 passed, 0 failed (skipped: not root)"
    exit 0
fi
for c in unshare chroot mount ip curl sqlite3 dpkg-deb apt-get; do
    command -v $c >/dev/null 2>&1 || {
        say "SKIP: $c is missing"
        echo "deb-install: 0 passed, 0 failed (skipped: no $c)"
        exit 0
    }
done
top=$(cd "$(dirname "$0")/../.." && pwd)
start=$(date +%s)
work=${LP_DEB_WORK:-$(mktemp -d /var/tmp/lp-deb-install.XXXXXX)}
mkdir -p "$work/ns"
# the namespaces and an overlay of / must be possible (not in every container)
if ! unshare --mount --net --pid --fork --propagation private sh -c '
        mount -t tmpfs tmpfs "$1" && mkdir "$1/u" "$1/w" "$1/r" &&
        mount -t overlay overlay -o "lowerdir=/,upperdir=$1/u,workdir=$1/w" "$1/r"' \
        sh "$work/ns" >/dev/null 2>&1; then
    [ -z "${LP_DEB_WORK:-}" ] && rm -rf "$work"
    say "SKIP: cannot make private namespaces with an overlay of / here"
    echo "deb-install: 0 passed, 0 failed (skipped: no namespaces/overlayfs)"
    case ${LP_TEST_REQUIRE_ALL:-${CI:-}} in ""|0|false|no) exit 0 ;; *) exit 1 ;; esac
fi
sh "$top/conf/install-deps.sh" sqlite3 curl iproute2 util-linux >/dev/null

say "building the packages"
rc=0
if ! LP_DEB_DIR=$work/deb sh "$top/conf/build-deb.sh"; then
    echo "not ok 1 - make deb (conf/build-deb.sh)" >"$work/results"
    rc=1
else
    echo "ok 1 - make deb: built and lintian-clean" >"$work/results"
    say "installing, serving, upgrading and purging in an overlay of / (private namespaces)"
    unshare --mount --net --pid --fork --propagation private \
        sh "$0" --inner "$work" >>"$work/results" 2>"$work/stderr" || rc=1
    [ -s "$work/stderr" ] && sed 's/^/# /' "$work/stderr" | tail -n 30 >&2
fi
cat "$work/results"
pass=$(grep -c '^ok ' "$work/results")
fail=$(grep -c '^not ok ' "$work/results")
grep -q '^1\.\.' "$work/results" || { [ $rc -eq 0 ] && fail=$((fail + 1)) && say "the checks did not finish"; }
[ "$fail" -eq 0 ] || rc=1
if [ $rc -eq 0 ] && [ -z "${LP_DEB_WORK:-}" ]; then
    rm -rf "$work"
else
    say "work files left in $work"
fi
say "took $(( $(date +%s) - start ))s"
echo "deb-install: $pass passed, $fail failed"
exit $rc
