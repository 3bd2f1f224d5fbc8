#!/usr/bin/env bash
# Makes a small encoder model, compiles it with tfmc and runs it.
# Usage: run.sh [BUILD_DIR]   (default: ../../build; writes BUILD_DIR/examples/encoder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$build/examples/encoder"
mkdir -p "$work"

/usr/bin/python3 "$here/make_model.py" "$work/model"
"$build/bin/tfmc" "$work/model/model.json" -o "$work/encoder"

echo '== encoder --ids "5 9 13 21"'
"$work/encoder" --ids "5 9 13 21"

echo '== encoder --input ids.npy --output hidden.npy'
"$work/encoder" --input "$work/model/ids.npy" --output "$work/hidden.npy"
/usr/bin/python3 - "$work" <<'PY'
import sys
import numpy as np
work = sys.argv[1]
ids = np.load(f"{work}/model/ids.npy")
h = np.load(f"{work}/hidden.npy")
want = np.load(f"{work}/model/reference.npy")
keep = ids != 0
print(f"hidden.npy: {h.dtype} {list(h.shape)}")
print(f"max |tfmc - PyTorch| at tokens: {np.abs(h - want)[keep].max():.2e}")
print(f"max |hidden| at padding: {np.abs(h[~keep]).max()}")
PY
