#!/usr/bin/env bash
# Compiles encoder_layer.mlir to a standalone executable and runs it on
# seeded example inputs. Usage: run.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
work="$build/examples/encoder_layer"
mkdir -p "$work"

"$build/bin/tfmc" "$here/encoder_layer.mlir" -o "$work/encoder_layer"
/usr/bin/python3 "$here/make_inputs.py" "$work/inputs"
echo "== $work/encoder_layer $work/inputs/*.npy"
"$work/encoder_layer" "$work"/inputs/*.npy
