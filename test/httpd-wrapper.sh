#!/bin/sh
# What test/run-tests.sh gives Apache::Test as its httpd for the sanitizer
# and valgrind runs (httpd itself is not rebuilt).  Apache::Test also runs
# it for `httpd -V` and the like; only the server start is wrapped.
#
#   LP_WRAP_HTTPD    the real httpd
#   LP_WRAP_MODE     sanitize: the sanitizer runtimes in LP_WRAP_PRELOAD are
#                    preloaded (an instrumented module needs them loaded
#                    first);
#                    valgrind: the server runs under valgrind memcheck
#   LP_WRAP_EXACT_POOLS  test/exact_pools.so, preloaded too when set (the
#                    module's pool allocations become exact-size blocks)
#   LP_TEST_REPORTS  directory of the sanitizer / valgrind reports
set -eu
: "${LP_WRAP_HTTPD:?}" "${LP_TEST_REPORTS:?}"

if [ -n "${LP_WRAP_EXACT_POOLS:-}" ]; then
    LD_PRELOAD="$LP_WRAP_EXACT_POOLS${LD_PRELOAD:+ $LD_PRELOAD}"
    export LD_PRELOAD
fi

case "${LP_WRAP_MODE:-}" in
sanitize)
    # detect_leaks=0: LeakSanitizer would report every allocation httpd,
    # APR and OpenSSL still hold at exit (pools are released by exit, not
    # freed); the leak view is test-valgrind's.  halt_on_error: a memory
    # error ends the child (its report is in LP_TEST_REPORTS); UBSan
    # reports and carries on.
    LD_PRELOAD="${LP_WRAP_PRELOAD:?}${LD_PRELOAD:+ $LD_PRELOAD}"
    ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:allow_user_segv_handler=1:log_path=$LP_TEST_REPORTS/asan"
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0:log_path=$LP_TEST_REPORTS/ubsan"
    export LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS
    ;;
valgrind)
    # only the server started by -one-process (not httpd -V and the like)
    case " $* " in
    *" -D ONE_PROCESS "*|*" -X "*)
        exec valgrind --tool=memcheck --leak-check=full \
            --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite --num-callers=40 \
            --error-limit=no --child-silent-after-fork=yes \
            --log-file="$LP_TEST_REPORTS/valgrind.%p.log" \
            "$LP_WRAP_HTTPD" "$@"
        ;;
    esac
    ;;
esac
exec "$LP_WRAP_HTTPD" "$@"
