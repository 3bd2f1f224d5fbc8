"""Checks that every sampled token is among the K most likely of its step.

usage: check_top_k.py MODEL_EXE "PROMPT IDS" GENERATED.txt K LOGITS.npy

Runs MODEL_EXE on the prompt followed by the generated ids (one line of
GENERATED.txt) with --logits, then checks the token at each generated
position against the top-K logits of the position before it.
"""

import subprocess
import sys

import numpy as np


def main():
    exe, prompt, generated, k, logits_path = sys.argv[1:]
    prompt = [int(t) for t in prompt.split()]
    new = [int(t) for t in open(generated).read().split()]
    if not new:
        sys.exit("no generated tokens")
    ids = " ".join(str(t) for t in prompt + new)
    subprocess.run([exe, "--ids", ids, "--logits", logits_path], check=True)
    logits = np.load(logits_path)[0]
    for i, token in enumerate(new):
        row = logits[len(prompt) + i - 1]
        top = np.argsort(-row, kind="stable")[:int(k)]
        if token not in top:
            sys.exit(f"step {i}: token {token} is not among the top {k} {top}")
    print(f"{len(new)} tokens, each among the top {k}")


if __name__ == "__main__":
    main()
