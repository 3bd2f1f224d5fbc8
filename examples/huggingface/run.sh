#!/usr/bin/env bash
# Writes small random Hugging Face checkpoint directories (llama, gpt2,
# bert), compiles each as it stands (tfmc DIR) and runs it.
# Usage: run.sh [BUILD_DIR]   (default: ../../build; writes BUILD_DIR/examples/huggingface)
# A downloaded checkpoint compiles the same way:
#   tfmc path/to/SmolLM-135M -o smollm && ./smollm --ids "..." --max-new-tokens 20
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$build/examples/huggingface"
mkdir -p "$work"

for kind in llama gpt2; do
  /usr/bin/python3 "$here/make_checkpoint.py" $kind "$work/$kind"
  "$build/bin/tfmc" "$work/$kind" -o "$work/$kind.exe"
  echo "== $kind --input prompts.npy --max-new-tokens 8   (one line per prompt)"
  "$work/$kind.exe" --input "$work/$kind/prompts.npy" --max-new-tokens 8
done

/usr/bin/python3 "$here/make_checkpoint.py" bert "$work/bert"
"$build/bin/tfmc" "$work/bert" -o "$work/bert.exe"
echo '== bert --input prompts.npy --output hidden.npy'
"$work/bert.exe" --input "$work/bert/prompts.npy" --output "$work/hidden.npy"
/usr/bin/python3 - "$work" <<'PY'
import sys
import numpy as np
work = sys.argv[1]
ids = np.load(f"{work}/bert/prompts.npy")
got = np.load(f"{work}/hidden.npy")
want = np.load(f"{work}/bert/reference.npy")
print(f"hidden.npy: {got.dtype} {list(got.shape)}")
print(f"max |tfmc - PyTorch| at tokens: {np.abs(got - want)[ids != 0].max():.2e}")
PY
