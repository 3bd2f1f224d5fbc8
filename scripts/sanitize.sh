#!/usr/bin/env bash
# Builds tfmc, tfm-opt and the runtime with AddressSanitizer and UBSan
# (TFM_SANITIZE=ON, into build-asan/; Debian's libMLIR/libLLVM are not
# instrumented) and runs the whole lit suite against that build, leak
# checking on. Executables that tfmc makes link the instrumented runtime
# through build-asan/sanitize-link/c++ (see CMakeLists.txt). Every sanitizer
# report of any process, even one whose failure a test expects, goes to
# build-asan/sanitizer-reports/ and fails the run. Ends with lit's summary,
# then the reports if there are any.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TFM_BUILD="${TFM_SANITIZE_BUILD:-$TFM_ROOT/build-asan}"
TFM_CMAKE_ARGS="-DTFM_SANITIZE=ON ${TFM_CMAKE_ARGS:-}"

# What test.sh installs, plus the sanitizers' runtimes for clang-22.
tfm_install_packages "${TFM_BUILD_PACKAGES[@]}" "${TFM_TEST_PACKAGES[@]}" \
  libclang-rt-22-dev
tfm_build

reports="$TFM_BUILD/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_SYMBOLIZER_PATH="$LLVM_ROOT/bin/llvm-symbolizer"
# ASan and UBSan share one report file per process: report.<pid>. No leak
# suppressions are needed: libMLIR/libLLVM free what they allocate or keep it
# reachable from globals.
export ASAN_OPTIONS="detect_leaks=1:log_path=$reports/report"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$reports/report"

set +e
ninja -C "$TFM_BUILD" check-tfm
rc=$?
set -e

shopt -s nullglob
found=("$reports"/*)
if [ ${#found[@]} -ne 0 ]; then
  echo "== sanitizer reports (${#found[@]} processes):"
  for f in "${found[@]}"; do
    echo "-- $f"
    cat "$f"
  done
  echo "sanitize.sh: ${#found[@]} sanitizer report(s) in $reports"
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "sanitize.sh: lit failed (exit $rc)"
  exit "$rc"
fi
echo "sanitize.sh: no sanitizer reports"
