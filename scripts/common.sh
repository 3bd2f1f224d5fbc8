# Shared by setup.sh and test.sh: install what is missing, configure, build.
# Sourced, not run.

set -euo pipefail

TFM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TFM_BUILD="${TFM_BUILD:-$TFM_ROOT/build}"
LLVM_ROOT=/usr/lib/llvm-22

# Debian 12 packages the build needs (LLVM/MLIR 22 come from Debian's archive).
TFM_BUILD_PACKAGES=(cmake ninja-build clang-22 lld-22 llvm-22-dev llvm-22-tools
                    libmlir-22-dev mlir-22-tools libomp-22-dev libfmt-dev
                    python3-numpy)
# What the tests use beyond the build: PyTorch for the reference outputs,
# Chromium for the attention-maps page, OpenBLAS for the benchmark harness's
# C++ baseline (Bench/smoke.test; python3-torch brings only netlib's cblas.h).
TFM_TEST_PACKAGES=(python3-torch chromium libopenblas-dev)

# Installs the packages that are not installed yet (apt-get update first, as
# a fresh machine's package lists are empty).
tfm_install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

tfm_configure() {
  if [ ! -f "$TFM_BUILD/build.ninja" ]; then
    echo "== configuring $TFM_BUILD"
    cmake -G Ninja -S "$TFM_ROOT" -B "$TFM_BUILD" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER="$LLVM_ROOT/bin/clang" \
      -DCMAKE_CXX_COMPILER="$LLVM_ROOT/bin/clang++" \
      -DLLVM_EXTERNAL_LIT="$LLVM_ROOT/bin/lit" \
      ${TFM_CMAKE_ARGS:-}
  fi
}

tfm_build() {
  tfm_configure
  echo "== building"
  ninja -C "$TFM_BUILD" "$@"
}
