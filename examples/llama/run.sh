#!/usr/bin/env bash
# Writes a small random Llama checkpoint directory, compiles it with tfmc
# as it stands (tfmc DIR) and generates.
# Usage: run.sh [BUILD_DIR]   (default: ../../build; writes BUILD_DIR/examples/llama)
# A downloaded checkpoint compiles the same way:
#   tfmc path/to/SmolLM-135M -o smollm && ./smollm --ids "..." --max-new-tokens 20
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$build/examples/llama"
mkdir -p "$work"

/usr/bin/python3 "$here/make_checkpoint.py" "$work/checkpoint"
"$build/bin/tfmc" "$work/checkpoint" -o "$work/llama"

echo '== llama --input prompts.npy --max-new-tokens 8   (one line per prompt)'
"$work/llama" --input "$work/checkpoint/prompts.npy" --max-new-tokens 8
