#!/bin/sh
# The whole suite once per MPM (make -f Makefile.apxs test-mpm), one after
# the other; prints each run's summary line and time, fails if one fails.
#
# Environment:
#   LP_TEST_MPMS  the MPMs (default "prefork worker event")
#   LP_TEST_DIR   when set, each MPM runs in $LP_TEST_DIR-<mpm>
# Other variables (LP_TEST_SANITIZE...) and arguments go to run-tests.sh.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
mpms=${LP_TEST_MPMS:-"prefork worker event"}
logdir=$(mktemp -d /tmp/lp-test-mpm.XXXXXX)
rc=0
report=""

for mpm in $mpms; do
    log="$logdir/$mpm.log"
    start=$(date +%s)
    status=0
    if [ -n "${LP_TEST_DIR:-}" ]; then
        LP_TEST_MPM=$mpm LP_TEST_DIR="$LP_TEST_DIR-$mpm" \
            sh "$top/test/run-tests.sh" "$@" >"$log" 2>&1 || status=$?
    else
        LP_TEST_MPM=$mpm sh "$top/test/run-tests.sh" "$@" >"$log" 2>&1 || status=$?
    fi
    took=$(( $(date +%s) - start ))
    summary=$(grep -E '^(Files=|Result:)' "$log" | tr '\n' ' ')
    tail -n 5 "$log"
    if [ $status -ne 0 ]; then
        rc=1
        grep -E '^t/.*(Wstat|Failed)|not ok' "$log" | head -n 30
    fi
    report="$report
  $mpm: exit $status in ${took}s: $summary"
done

echo "run-mpms: per MPM (logs in $logdir):$report"
exit $rc
