# Sourced by bench/run.sh and bench/generation/run.sh: installs what the
# benchmarks need and is missing, and builds tfmc. Prints on stderr only
# (stdout carries the tables).
# bench/run.sh runs generation/run.sh: once is enough.
if [ -n "${TFM_BENCH_PREPARED:-}" ]; then
  return 0
fi
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/common.sh"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$TFM_ROOT")}"
# The peers: PyTorch, OpenBLAS for the C++ baseline, Node.js for ONNX
# Runtime (a Node.js installed from elsewhere is kept).
bench_packages=(python3-torch libopenblas-dev)
command -v node >/dev/null || bench_packages+=(nodejs)
command -v npm >/dev/null || bench_packages+=(npm)
tfm_install_packages "${TFM_BUILD_PACKAGES[@]}" "${bench_packages[@]}" >&2
tfm_build >&2
export TFM_BENCH_PREPARED=1
