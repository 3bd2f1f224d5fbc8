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

echo '== decoder --ids "5 9 13 21 7"   (no --max-new-tokens: up to max_seq_len 24 tokens in all)'
"$work/decoder" --ids "5 9 13 21 7"

echo '== decoder --input prompts.npy --logits logits.npy'
"$work/decoder" --input "$work/model/prompts.npy" --logits "$work/logits.npy"
/usr/bin/python3 - "$work" <<'PY'
import sys
import numpy as np
work = sys.argv[1]
ids = np.load(f"{work}/model/prompts.npy")
logits = np.load(f"{work}/logits.npy")
want = np.load(f"{work}/model/reference.npy")
print(f"logits.npy: {logits.dtype} {list(logits.shape)}")
print(f"max |tfmc - PyTorch| at tokens: {np.abs(logits - want)[ids != 0].max():.2e}")
PY
