#!/usr/bin/env python3
"""Held-out exact-match accuracy of the compiled translator.

    evaluate.py TRANSLATOR [--data data/heldout.tsv] [--compare-pytorch]

Runs the executable once on every sentence of the held-out split, as one
batch (`--input ids.npy --print-ids`: the English words mapped through
model/src_vocab.txt, padded with pad_id), and prints the exact-match
accuracy of its Korean output. Compiles nothing.

--compare-pytorch also runs python/tfm_reference.py's greedy loop on the
exported weights (model/model.safetensors; needs torch) and checks that
the executable generates the same ids for every sentence.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODEL_DIR = os.path.join(HERE, "model")


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def run_executable(exe, ids):
    """Greedy ids and text of every row, from one run of the executable."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ids.npy")
        np.save(path, ids)
        proc = subprocess.run([exe, "--input", path, "--print-ids"],
                              capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{exe} exited {proc.returncode}:\n{proc.stderr}")
    lines = proc.stdout.split("\n")[:-1]
    if len(lines) != 2 * len(ids):
        sys.exit(f"{exe}: expected {2 * len(ids)} lines (ids, text per "
                 f"sentence), got {len(lines)}")
    return ([[int(t) for t in lines[2 * i].split()] for i in range(len(ids))],
            [lines[2 * i + 1] for i in range(len(ids))])


def load_safetensors(path):
    import torch
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": np.float32, "F16": np.float16}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[info["dtype"]])
        tensors[name] = torch.from_numpy(
            array.astype(np.float32).reshape(info["shape"]))
    return tensors


def pytorch_greedy(config, ids):
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import torch
    from tfm_reference import build, greedy
    torch.set_num_threads(2)
    model = build(config)
    model.load_state_dict(load_safetensors(
        os.path.join(MODEL_DIR, config["weights"])))
    model.eval()
    pad = config["pad_id"]
    rows = []
    for row in ids:
        src = torch.tensor([[int(i) for i in row if i != pad]])
        rows.append(greedy(model, config, src, config["max_seq_len"] - 1)[0])
    return rows


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("translator", help="the compiled executable")
    parser.add_argument("--data", default=os.path.join(HERE, "data",
                                                       "heldout.tsv"))
    parser.add_argument("--compare-pytorch", action="store_true")
    args = parser.parse_args()

    with open(os.path.join(MODEL_DIR, "model.json")) as f:
        config = json.load(f)
    src_ids = {w: i for i, w in enumerate(
        read_lines(os.path.join(MODEL_DIR, config["src_vocab"])))}
    pairs = [line.split("\t") for line in read_lines(args.data)]
    rows = [[src_ids[w] for w in en.split()] for en, _ in pairs]
    ids = np.full((len(rows), max(map(len, rows))), config["pad_id"],
                  dtype=np.int64)
    for b, row in enumerate(rows):
        ids[b, :len(row)] = row

    got_ids, got_text = run_executable(args.translator, ids)
    right = 0
    for (en, ko), text in zip(pairs, got_text):
        if text == ko:
            right += 1
        else:
            print(f"  wrong: {en!r}: got {text!r}, expected {ko!r}")
    print(f"held-out exact match (compiled {os.path.basename(args.translator)}"
          f"): {right}/{len(pairs)} = {100 * right / len(pairs):.1f}%")

    if args.compare_pytorch:
        want = pytorch_greedy(config, ids)
        tgt_words = read_lines(os.path.join(MODEL_DIR, config["tgt_vocab"]))
        torch_right = sum(" ".join(tgt_words[i] for i in w) == ko
                          for w, (_, ko) in zip(want, pairs))
        differ = [en for (en, _), g, w in zip(pairs, got_ids, want) if g != w]
        print(f"held-out exact match (PyTorch greedy): {torch_right}/"
              f"{len(pairs)} = {100 * torch_right / len(pairs):.1f}%")
        print(f"executable and PyTorch generate the same ids for "
              f"{len(pairs) - len(differ)}/{len(pairs)} sentences")
        for en in differ:
            print(f"  differs: {en!r}")
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    main()
