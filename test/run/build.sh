# Sourced by test/run-tests.sh (unprivileged stage, in the tree's top
# directory): builds the module, the unit tests and the Linphone test
# client, and for LP_TEST_SANITIZE / LP_TEST_VALGRIND runs sets httpd up
# behind test/httpd-wrapper.sh.  Sets sanitize, valgrind, extra_args (more
# t/TEST arguments), LP_TEST_REPORTS and HTTPD for the runner.
sanitize=${LP_TEST_SANITIZE:-}
valgrind=${LP_TEST_VALGRIND:-}
extra_args=""
if [ -n "$sanitize" ] && [ -n "$valgrind" ]; then
    say "LP_TEST_SANITIZE and LP_TEST_VALGRIND do not mix"; exit 1
fi
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

# Sanitizer and valgrind runs start httpd through test/httpd-wrapper.sh;
# their reports land in t/sanitizer/ (t/logs is Apache::Test's).
LP_TEST_REPORTS="$top/test/perl-framework/t/sanitizer"
export LP_TEST_REPORTS
rm -rf "$LP_TEST_REPORTS"
mkdir -p "$LP_TEST_REPORTS"
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
