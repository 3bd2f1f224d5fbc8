#!/bin/sh
# The benchmark: tfmc against ONNX Runtime, PyTorch and an OpenBLAS baseline,
# side by side (see bench/README.md). Builds what is missing, then runs
# bench/bench.py with the arguments given (--quick, --threads 1,2,
# --only REGEX, ...). A full run writes bench/RESULTS.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$root")}"
if [ ! -x "$root/build/bin/tfmc" ] || [ -f "$root/build/build.ninja" ]; then
  if [ ! -f "$root/build/build.ninja" ]; then
    cmake -G Ninja -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=/usr/lib/llvm-22/bin/clang \
      -DCMAKE_CXX_COMPILER=/usr/lib/llvm-22/bin/clang++ \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >&2
  fi
  ninja -C "$root/build" >&2
fi
# ONNX Runtime's CPU build is inside the npm package; its install script
# would fetch a CUDA provider.
if [ ! -d "$here/node_modules/onnxruntime-node" ]; then
  (cd "$here" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund >&2)
fi
# Debian's torch needs Debian's python3 (a pyenv python may shadow it).
exec /usr/bin/python3 "$here/bench.py" "$@"
