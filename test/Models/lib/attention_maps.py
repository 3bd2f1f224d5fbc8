#!/usr/bin/env python3
"""Checks --dump-attention against PyTorch.

    attention_maps.py CASE --workdir DIR [--tfmc PATH]

CASE is one of models.py's cases. Compiles the model, runs its executable
with --dump-attention (teacher forcing for encoder-decoder models, one
forward pass for the others) and compares every cell's data-w in the page
with the attention weights PyTorch computes for the same input (per head,
fully masked rows as zeros), to 1e-4.
"""

import argparse
import html.parser
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from models import config_of, padded_batch, CASES, ROOT  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "python"))
from tfm_export import export  # noqa: E402
from tfm_reference import build  # noqa: E402


def record_weights(model):
    """Makes every nn.MultiheadAttention of `model` record its per-head
    weights, in call order, into the returned list."""
    records = []
    for mod in model.modules():
        if not isinstance(mod, nn.MultiheadAttention):
            continue
        forward = mod.forward

        def wrapped(q, k, v, key_padding_mask=None, need_weights=True,
                    attn_mask=None, average_attn_weights=True, _f=forward):
            out = _f(q, k, v, key_padding_mask=key_padding_mask,
                     need_weights=False, attn_mask=attn_mask)
            _, w = _f(q, k, v, key_padding_mask=key_padding_mask,
                      need_weights=True, attn_mask=attn_mask,
                      average_attn_weights=False)
            records.append(w.detach().nan_to_num(0.0).numpy())
            return out
        mod.forward = wrapped
    return records


class Page(html.parser.HTMLParser):
    """Collects {(kind, layer, head, row): {(q, k): w}}."""

    def __init__(self):
        super().__init__()
        self.maps, self.current = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "data-kind" in a:
            self.current = (a["data-kind"], int(a["data-layer"]),
                            int(a["data-head"]), int(a["data-row"]))
            self.maps[self.current] = {}
        elif tag == "rect" and self.current and "data-w" in a:
            self.maps[self.current][(int(a["data-q"]), int(a["data-k"]))] = \
                float(a["data-w"])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--tfmc", default="tfmc")
    args = parser.parse_args()

    c = config_of(args.case)
    arch = c["architecture"]
    rng = np.random.default_rng(2)
    vocab_in = c.get("vocab_size", c.get("src_vocab_size"))
    ids = padded_batch(rng, vocab_in, [6, 3], 6, c["pad_id"])
    model = build(c, 0)
    records = record_weights(model)

    os.makedirs(args.workdir, exist_ok=True)
    model_dir = os.path.join(args.workdir, "model")
    export(model, c, model_dir)
    exe = os.path.join(args.workdir, "model.exe")
    subprocess.run([args.tfmc, os.path.join(model_dir, "model.json"), "-o", exe],
                   check=True)
    ids_path = os.path.join(args.workdir, "ids.npy")
    np.save(ids_path, ids)
    page_path = os.path.join(args.workdir, "maps.html")
    cmd = [exe, "--input", ids_path, "--dump-attention", page_path]
    src = torch.from_numpy(ids)
    if arch == "encoder":
        cmd += ["--output", os.path.join(args.workdir, "h.npy")]
        model(src)
        kinds = [("encoder self-attention", l + 1)
                 for l in range(c["num_layers"])]
        queries = keys = [6, 3]
        lengths = {k: (queries, keys) for k in kinds}
    elif arch == "decoder":
        cmd += ["--logits", os.path.join(args.workdir, "l.npy")]
        model(src)
        kinds = [("masked self-attention", l + 1) for l in range(c["num_layers"])]
        lengths = {k: ([6, 3], [6, 3]) for k in kinds}
    else:
        tgt = padded_batch(rng, c["tgt_vocab_size"], [4, 2], 4, c["pad_id"])
        tgt[:, 0] = c["bos_id"]
        tgt_path = os.path.join(args.workdir, "tgt.npy")
        np.save(tgt_path, tgt)
        cmd += ["--target-input", tgt_path, "--logits",
                os.path.join(args.workdir, "l.npy")]
        model(src, torch.from_numpy(tgt))
        kinds = [("encoder self-attention", l + 1)
                 for l in range(c["num_encoder_layers"])]
        lengths = {k: ([6, 3], [6, 3]) for k in kinds}
        for l in range(c["num_decoder_layers"]):
            kinds += [("decoder masked self-attention", l + 1),
                      ("decoder cross-attention", l + 1)]
            lengths[kinds[-2]] = ([4, 2], [4, 2])
            lengths[kinds[-1]] = ([4, 2], [6, 3])
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    page = Page()
    with open(page_path, encoding="utf-8") as f:
        page.feed(f.read())
    if len(records) != len(kinds):
        sys.exit(f"FAIL: PyTorch ran {len(records)} attentions, expected "
                 f"{len(kinds)}")
    worst, cells = 0.0, 0
    for (kind, layer), weights in zip(kinds, records):
        qs, ks = lengths[(kind, layer)]
        for row in range(weights.shape[0]):
            for head in range(c["num_heads"]):
                got = page.maps.get((kind, layer, head + 1, row))
                if got is None:
                    sys.exit(f"FAIL: no map for {kind} layer {layer} head "
                             f"{head + 1} row {row}")
                if len(got) != qs[row] * ks[row]:
                    sys.exit(f"FAIL: {kind} layer {layer} head {head + 1} row "
                             f"{row}: {len(got)} cells, expected "
                             f"{qs[row]}x{ks[row]}")
                for (q, k), w in got.items():
                    worst = max(worst, abs(w - weights[row, head, q, k]))
                    cells += 1
    print(f"{args.case}: {cells} cells, max abs error {worst:.3g}")
    if worst > 1e-4:
        sys.exit("FAIL: attention weights differ from PyTorch's by more than 1e-4")


if __name__ == "__main__":
    main()
