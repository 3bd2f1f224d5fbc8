#!/usr/bin/env bash
# Generation benchmark (see README.md): tfmc's compiled models with their
# key/value cache against ONNX Runtime and PyTorch running a cached
# decoder-step loop, at each thread count; prints a markdown table.
#   bench/generation/run.sh [--threads 1,2] [--quick] [--rounds N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../prepare.sh"
exec /usr/bin/python3 "$here/bench.py" "$@"
