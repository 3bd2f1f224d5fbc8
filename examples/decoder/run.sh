#!/usr/bin/env bash
# Makes a small decoder-only model, compiles it with tfmc and generates.
# Usage: run.sh [BUILD_DIR]   (default: ../../build; writes BUILD_DIR/examples/decoder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$build/examples/decoder"
mkdir -p "$work"

/usr/bin/python3 "$here/make_model.py" "$work/model"
"$build/bin/tfmc" "$work/model/model.json" -o "$work/decoder"

echo '== decoder --ids "5 9 13" --max-new-tokens 8'
"$work/decoder" --ids "5 9 13" --max-new-tokens 8

echo '== decoder --input prompts.npy --max-new-tokens 8   (one line per prompt)'
"$work/decoder" --input "$work/model/prompts.npy" --max-new-tokens 8

echo '== decoder --ids "5 9 13"   (no --logits, --max-new-tokens: generates up to max_seq_len)'
"$work/decoder" --ids "5 9 13"

echo '== decoder --input prompts.npy --logits logits.npy'
"$work/decoder" --input "$work/model/prompts.npy" --logits "$work/logits.npy"
/usr/bin/python3 -c 'import sys, numpy as np; l = np.load(sys.argv[1]); print("logits.npy:", l.dtype, list(l.shape))' "$work/logits.npy"
