#!/bin/sh
# Builds the libFuzzer targets of test/fuzz and runs each for a bounded
# time; fails when any of them finds a crash, an overrun, undefined
# behaviour, a leak, a hang or a broken property.
#
#   sh test/fuzz/run-fuzz.sh          (make -f Makefile.apxs fuzz)
# Environment:
#   FUZZ_SECONDS  time per target (default 60)
#   FUZZ_TARGETS  targets to run (default: all of them)
#   FUZZ_OUT      working directory: grown corpora, crash artifacts, logs
#                 (default test/fuzz/out, not in git)
#   FUZZ_CC       clang (default clang)
#
# As root, missing Debian packages (clang, its libFuzzer and sanitizer
# runtimes, the module's build dependencies) are installed first.
set -eu

PACKAGES="clang libclang-rt-14-dev llvm apache2-dev libapr1-dev
libaprutil1-dev libxml2-dev libssl-dev libqrencode-dev libpng-dev
pkg-config make"

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-"digest sip_address route rc xml"}
FUZZ_OUT=${FUZZ_OUT:-$top/test/fuzz/out}
FUZZ_CC=${FUZZ_CC:-clang}

say() { printf '%s\n' "fuzz: $*" >&2; }

missing=""
for p in $PACKAGES; do
    s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$s" = installed ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        say "installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        # shellcheck disable=SC2086
        apt-get install -y --no-install-recommends $missing
    else
        say "missing Debian packages:$missing (apt-get install them)"
        exit 1
    fi
fi

bins=""
for t in $FUZZ_TARGETS; do bins="$bins test/fuzz/fuzz_$t"; done
# shellcheck disable=SC2086
make -f Makefile.apxs FUZZ_CC="$FUZZ_CC" $bins

# Symbolized reports; leaks count (a pool or libxml2 object kept past its
# input is a leak); undefined behaviour aborts.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
command -v llvm-symbolizer >/dev/null 2>&1 \
    && export ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"

rc=0
summary=""
for t in $FUZZ_TARGETS; do
    out="$FUZZ_OUT/$t"
    mkdir -p "$out/corpus"
    max_len=4096
    [ "$t" = rc ] && max_len=16384
    say "$t: ${FUZZ_SECONDS}s"
    status=0
    "test/fuzz/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
        -dict="test/fuzz/$t.dict" -artifact_prefix="$out/" \
        "$out/corpus" "test/fuzz/corpus/$t" >"$out/log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -n 1)
    if [ $status -ne 0 ]; then
        rc=1
        say "$t FAILED (exit $status); log $out/log:"
        grep -E 'ERROR|runtime error|property failed|SUMMARY|Test unit written' \
            "$out/log" | head -n 20 >&2 || true
        say "reproduce: test/fuzz/fuzz_$t <artifact above>"
        summary="$summary
  $t: FAILED after ${execs:-?} execs"
    else
        summary="$summary
  $t: ok, ${execs:-?} execs in ${FUZZ_SECONDS}s, corpus $(ls "$out/corpus" | wc -l) inputs"
    fi
done
say "summary:$summary"
exit $rc
