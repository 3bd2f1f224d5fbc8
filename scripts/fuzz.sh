#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang-22, ASan + UBSan, into
# build-fuzz/) and runs each for FUZZ_SECONDS (default 60), starting from
# the seed corpus fuzz/corpus/<target>/. Prints the executions of each target
# and fails if any input crashes, leaks or times out; such inputs are kept
# in build-fuzz/crashes/<target>/ (minimize one with
# `build-fuzz/fuzz/<target> -minimize_crash=1 -runs=10000 FILE`, then add it
# to fuzz/corpus/<target>/ as a regression seed).
#   scripts/fuzz.sh                  # every target
#   FUZZ_SECONDS=600 scripts/fuzz.sh fuzz-json fuzz-npy
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TFM_BUILD="${TFM_FUZZ_BUILD:-$TFM_ROOT/build-fuzz}"
TFM_CMAKE_ARGS="-DTFM_FUZZ=ON ${TFM_CMAKE_ARGS:-}"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz-json fuzz-safetensors fuzz-npy fuzz-model-json fuzz-hf-config fuzz-tfm-ir)
fi

# libclang-rt-22-dev: libFuzzer and the sanitizers' runtimes for clang-22.
tfm_install_packages "${TFM_BUILD_PACKAGES[@]}" libclang-rt-22-dev
tfm_build "${targets[@]}"

export ASAN_SYMBOLIZER_PATH="$LLVM_ROOT/bin/llvm-symbolizer"
export UBSAN_OPTIONS="print_stacktrace=1"
failed=()
summary=()
for target in "${targets[@]}"; do
  seeds="$TFM_ROOT/fuzz/corpus/$target"
  corpus="$TFM_BUILD/corpus/$target"       # seeds plus what the runs found
  crashes="$TFM_BUILD/crashes/$target"
  log="$TFM_BUILD/logs/$target.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  echo "== $target: ${seconds} s"
  # New inputs go to the first folder; the seeds are only read.
  set +e
  "$TFM_BUILD/fuzz/$target" -max_total_time="$seconds" -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -1)
  line="$(printf '%-18s %10s executions  coverage %s' "$target" "${execs:-?}" "${cov:-?}")"
  if [ "$rc" -ne 0 ]; then
    line="$line  FAILED (exit $rc)"
    failed+=("$target")
    grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|.*runtime error)' "$log" ||
      tail -30 "$log"
    echo "   full log: $log"
  fi
  echo "$line"
  summary+=("$line")
done

echo "== fuzzing summary (${seconds} s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz.sh: failing targets: ${failed[*]} (inputs in $TFM_BUILD/crashes/)"
  exit 1
fi
