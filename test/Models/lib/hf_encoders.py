#!/usr/bin/env python3
"""Hugging Face encoder checkpoints (bert) compiled by tfmc against the
PyTorch reference written from transformers' modeling code
(python/hf_reference.py).

    hf_encoders.py CASE --workdir DIR [--tfmc TFMC] [-O LEVEL]

writes a random checkpoint directory for CASE (config.json, weights in the
case's dtype), compiles `tfmc DIR` and checks the last hidden states
(--output) of a batch of rows of different lengths, padded with trailing
pad_token_id ids, with mixed token types (--token-type-input): within the
case's tolerance of BertModel with the tokenizer's attention_mask at every
real position, zero at padding, the same bytes at 1 and 2 threads under
MALLOC_PERTURB_. A single row through --ids and --token-type-ids must give
the batch's first row.

Weights stored in bf16 are compared against the reference on the same
rounded weights.
"""

import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from models import ROOT, THREADS, check_outputs, run, run_exe  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "python"))
from hf_reference import BertForMaskedLM, BertModel, write_checkpoint  # noqa


def bert(**kw):
    base = dict(model_type="bert", vocab_size=97, hidden_size=64,
                num_hidden_layers=2, num_attention_heads=4,
                intermediate_size=128, hidden_act="gelu",
                max_position_embeddings=32, type_vocab_size=2,
                layer_norm_eps=1e-12, pad_token_id=0,
                position_embedding_type="absolute")
    return dict(base, **kw)


# Each case: config.json, the model class saved, stored dtype, tolerance
# (about 10x the error observed; hidden states are unit-scale, layer-normed).
CASES = {
    # BertModel's layout (no prefix, pooler.* saved), GELU erf, f32.
    "bert_base_layout": dict(config=bert(), model=BertModel,
                             tolerance=1.5e-5),
    # BertForMaskedLM's layout (bert.* and cls.*), 3 token types,
    # gelu_new, eps 1e-5, bf16 weights.
    "bert_mlm_bf16": dict(config=bert(type_vocab_size=3,
                                      hidden_act="gelu_new",
                                      layer_norm_eps=1e-5),
                          model=BertForMaskedLM, dtype=torch.bfloat16,
                          tolerance=1.5e-5),
    # gelu_pytorch_tanh, [PAD] at id 1 (not BertConfig's default 0).
    "bert_tanh_pad1": dict(config=bert(hidden_act="gelu_pytorch_tanh",
                                       pad_token_id=1),
                           model=BertModel, tolerance=1.5e-5),
    # ReLU, one token type only (type_vocab_size 1).
    "bert_relu_one_type": dict(config=bert(hidden_act="relu",
                                           type_vocab_size=1),
                               model=BertModel, tolerance=1.5e-5),
}


def reference(case, seed):
    """The model with PyTorch's default initialization, LayerNorm gains and
    every bias random too (so that a dropped one shows), weights rounded
    through the stored dtype."""
    dtype = case.get("dtype", torch.float32)
    torch.manual_seed(seed)
    model = case["model"](case["config"])
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name and name.endswith("weight"):
                p.copy_(1 + torch.randn(p.shape, generator=gen) * 0.2)
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=gen) * 0.1)
            p.copy_(p.to(dtype).float())
    model.eval()
    return model


def batch(c):
    """Rows of different lengths (no pad id inside them) padded with
    trailing pad ids, their token types (two segments, then 0 at padding)
    and the tokenizer's attention_mask."""
    rng = np.random.default_rng(5)
    pad = c["pad_token_id"]
    lengths = (9, 4, 12)
    width = max(lengths)
    ids = np.full((len(lengths), width), pad, dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for b, n in enumerate(lengths):
        ids[b, :n] = rng.choice([i for i in range(c["vocab_size"])
                                 if i != pad], size=n)
        split = n // 2
        if c["type_vocab_size"] > 1:
            types[b, split:n] = rng.integers(1, c["type_vocab_size"],
                                             size=n - split)
        mask[b, :n] = 1
    return ids, types, mask


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--tfmc", default="tfmc")
    parser.add_argument("-O", dest="opt", help="tfmc's -O level")
    args = parser.parse_args()
    case = CASES[args.case]
    c = case["config"]
    model = reference(case, seed=0)

    work = args.workdir
    ckpt = os.path.join(work, "checkpoint")
    write_checkpoint(model, c, ckpt, dtype=case.get("dtype", torch.float32))
    exe = os.path.join(work, "model")
    cmd = [args.tfmc, ckpt, "-o", exe]
    if args.opt is not None:
        cmd.append(f"-O{args.opt}")
    run(cmd)

    ids, types, mask = batch(c)
    with torch.no_grad():
        want = model(torch.tensor(ids), torch.tensor(types),
                     torch.tensor(mask)).numpy()
    # The executable writes zeros at padding.
    want[mask == 0] = 0
    where = np.ones(want.shape, dtype=bool)
    ids_path = os.path.join(work, "ids.npy")
    types_path = os.path.join(work, "types.npy")
    np.save(ids_path, ids)
    np.save(types_path, types.astype(np.int32))
    print(f"largest |hidden| {np.abs(want).max():.3g}")
    got = check_outputs(exe, ["--input", ids_path, "--token-type-input",
                              types_path, "--output"],
                        os.path.join(work, "hidden.npy"), want, where,
                        case["tolerance"])

    # One row through the text flags: the batch's first row, unpadded.
    n = int(mask[0].sum())
    one = os.path.join(work, "one.npy")
    run_exe([exe, "--ids", " ".join(map(str, ids[0, :n])),
             "--token-type-ids", " ".join(map(str, types[0, :n])),
             "--output", one], THREADS[0])
    err = float(np.abs(np.load(one)[0] - want[0, :n]).max())
    print(f"one row through --ids: max abs error {err:.3g}")
    if err > case["tolerance"]:
        sys.exit(f"FAIL: one row: error {err:.3g} > {case['tolerance']}")
    # Token types matter: all-zero types give other hidden states.
    if types.any():
        zero = os.path.join(work, "zero.npy")
        run_exe([exe, "--input", ids_path, "--output", zero], THREADS[0])
        if np.abs(np.load(zero) - got).max() < 1e-3:
            sys.exit("FAIL: token types change nothing")
    print(f"{args.case}: threads {THREADS}: all checks passed")


if __name__ == "__main__":
    main()
