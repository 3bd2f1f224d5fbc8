#!/usr/bin/env python3
"""Builds a small pre-LN decoder-only transformer (GPT-like: learned
positions, GELU, final layer norm, a separate lm head) with seeded
default initialisation (python/tfm_reference.py) and exports it in tfmc's
model format (docs/model-format.md). Writes into OUT_DIR:
  model.json, model.safetensors   the model
  prompts.npy                     two prompts, the second padded with pad_id
  reference.npy                   PyTorch's logits for prompts.npy
and prints PyTorch's greedy continuations of the prompts run.sh uses.
Usage: make_model.py OUT_DIR"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python"))
from tfm_export import export  # noqa: E402
from tfm_reference import build, greedy  # noqa: E402

CONFIG = {
    "architecture": "decoder",
    "d_model": 48,               # 4 heads of 12
    "num_heads": 4,
    "d_ff": 72,
    "num_layers": 2,
    "vocab_size": 40,
    "max_seq_len": 24,
    "positional_encoding": "learned",
    "activation": "gelu",
    "norm_first": True,          # pre-LN
    "final_norm": True,          # a layer norm after the last layer
    "embedding_scale": False,
    "tie_embeddings": False,     # an lm_head (weight and bias) gives the logits
    "pad_id": 0,
    "bos_id": 1,
    "eos_id": 2,
}
MAX_NEW = 8

out = sys.argv[1]
model = build(CONFIG, seed=5)
print("wrote", export(model, CONFIG, out))
prompts = np.array([[5, 9, 13, 21, 7],
                    [30, 4, 0, 0, 0]], dtype=np.int64)
np.save(os.path.join(out, "prompts.npy"), prompts)
np.save(os.path.join(out, "reference.npy"),
        model(torch.from_numpy(prompts)).detach().numpy())
limit = CONFIG["max_seq_len"]
for name, ids, max_new in [
        ('--ids "5 9 13" --max-new-tokens 8', [[5, 9, 13]], MAX_NEW),
        ("--input prompts.npy --max-new-tokens 8", prompts, MAX_NEW),
        ('--ids "5 9 13 21 7"', [[5, 9, 13, 21, 7]], limit - 5)]:
    rows = greedy(model, CONFIG, torch.as_tensor(ids), max_new)
    print(f"PyTorch greedy for {name}:", " | ".join(
        " ".join(map(str, row)) for row in rows))
