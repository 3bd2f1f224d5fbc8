#!/usr/bin/env bash
# Makes a small encoder-decoder model with word-level vocabularies, compiles
# it with tfmc and runs greedy decoding and teacher forcing.
# Usage: run.sh [BUILD_DIR]   (default: ../../build; writes BUILD_DIR/examples/encoder-decoder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$build/examples/encoder-decoder"
mkdir -p "$work"

/usr/bin/python3 "$here/make_model.py" "$work/model"
"$build/bin/tfmc" "$work/model/model.json" -o "$work/translator"

echo '== translator --ids "5 9 13 7" --max-new-tokens 8'
"$work/translator" --ids "5 9 13 7" --max-new-tokens 8

echo '== translator --text "w5 w9 w13 w7" --max-new-tokens 8 --print-ids'
"$work/translator" --text "w5 w9 w13 w7" --max-new-tokens 8 --print-ids

echo '== translator --input src.npy --max-new-tokens 8 --print-ids   (two sources)'
"$work/translator" --input "$work/model/src.npy" --max-new-tokens 8 --print-ids

echo '== translator --ids "5 9 13 7" --target-ids "1 4 8" --logits logits.npy'
"$work/translator" --ids "5 9 13 7" --target-ids "1 4 8" --logits "$work/logits.npy"
/usr/bin/python3 - "$work" <<'PY'
import sys
import numpy as np
work = sys.argv[1]
logits = np.load(f"{work}/logits.npy")
want = np.load(f"{work}/model/reference.npy")
print(f"logits.npy: {logits.dtype} {list(logits.shape)}")
print(f"max |tfmc - PyTorch|: {np.abs(logits - want).max():.2e}")
print("argmax per step:", logits[0].argmax(-1).tolist())
PY
