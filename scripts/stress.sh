#!/usr/bin/env bash
# Runs the whole lit suite N times in a row (lit -j4, as issue 22 asks) on
# the current build and prints one line per run; stops at nothing, so that
# every run is counted. Logs go to DIR (default build/stress).
# Usage: scripts/stress.sh [N] [DIR]
set -uo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
runs="${1:-20}"
logs="${2:-$TFM_BUILD/stress}"
mkdir -p "$logs"
commit=$(git -C "$TFM_ROOT" rev-parse --short HEAD)
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  "$LLVM_ROOT/bin/lit" -j4 "$TFM_BUILD/test" >"$logs/run$i.log" 2>&1
  rc=$?
  summary=$(grep -E "^  (Passed|Failed|Unsupported|Expectedly|Unexpectedly)" \
    "$logs/run$i.log" | tr -s ' ' | tr '\n' ';')
  echo "run $i/$runs at $commit: exit $rc, $(( $(date +%s) - start )) s," \
    "load $(cut -d' ' -f1 /proc/loadavg):$summary"
  [ $rc -eq 0 ] || { failed=$((failed + 1)); grep -E "^(FAIL|XPASS|UNRESOLVED):" "$logs/run$i.log"; }
done
echo "$((runs - failed)) of $runs runs passed"
[ $failed -eq 0 ]
