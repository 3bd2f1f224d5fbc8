#!/usr/bin/env bash
# The benchmark: tfmc against ONNX Runtime, PyTorch and an OpenBLAS baseline,
# side by side (see bench/README.md). Installs and builds what is missing,
# then runs bench/bench.py with the arguments given (--quick, --threads 1,2,
# --only REGEX, ...). A full run writes bench/RESULTS.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/prepare.sh"
# ONNX Runtime's CPU build is inside the npm package; its install script
# would fetch a CUDA provider.
if [ ! -d "$here/node_modules/onnxruntime-node" ]; then
  (cd "$here" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund >&2)
fi
# Debian's torch needs Debian's python3 (a pyenv python may shadow it).
exec /usr/bin/python3 "$here/bench.py" "$@"
