#!/usr/bin/env python3
"""Builds a small post-LN transformer encoder (seeded default initialisation,
python/tfm_reference.py) and exports it in tfmc's model format
(docs/model-format.md). Writes into OUT_DIR:
  model.json, model.safetensors   the model
  ids.npy                         two id rows, the second padded with pad_id
  reference.npy                   PyTorch's hidden states for ids.npy
Usage: make_model.py OUT_DIR"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python"))
from tfm_export import export  # noqa: E402
from tfm_reference import build  # noqa: E402

CONFIG = {
    "architecture": "encoder",
    "d_model": 60,               # 5 heads of 12
    "num_heads": 5,
    "d_ff": 100,
    "num_layers": 2,
    "vocab_size": 50,
    "max_seq_len": 32,
    "positional_encoding": "sinusoidal",
    "activation": "relu",
    "norm_first": False,         # post-LN, as nn.TransformerEncoderLayer
    "embedding_scale": True,     # embedding * sqrt(d_model)
    "pad_id": 0,
    "bos_id": 1,
    "eos_id": 2,
}

out = sys.argv[1]
model = build(CONFIG, seed=0)
print("wrote", export(model, CONFIG, out))
ids = np.array([[5, 9, 13, 21, 34, 8, 3],
                [7, 11, 42, 6, 0, 0, 0]], dtype=np.int64)
np.save(os.path.join(out, "ids.npy"), ids)
np.save(os.path.join(out, "reference.npy"),
        model(torch.from_numpy(ids)).detach().numpy())
