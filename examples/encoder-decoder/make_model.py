#!/usr/bin/env python3
"""Builds a small encoder-decoder transformer laid out like nn.Transformer
(post-LN, ReLU, final layer norms, sinusoidal positions) with seeded default
initialisation (python/tfm_reference.py) and exports it in tfmc's model
format (docs/model-format.md), with word-level vocabularies. Writes into
OUT_DIR:
  model.json, model.safetensors   the model
  src_vocab.txt, tgt_vocab.txt    one word per line; line i is token id i
  src.npy                         two sources, the second padded with pad_id
  reference.npy                   PyTorch's logits for "5 9 13 7" / "1 4 8"
and prints PyTorch's greedy outputs for the sources run.sh uses.
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
    "architecture": "encoder-decoder",
    "d_model": 56,               # 4 heads of 14
    "num_heads": 4,
    "d_ff": 90,
    "num_encoder_layers": 2,
    "num_decoder_layers": 2,
    "src_vocab_size": 30,
    "tgt_vocab_size": 26,
    "max_seq_len": 16,
    "positional_encoding": "sinusoidal",
    "activation": "relu",
    "norm_first": False,         # post-LN, as nn.Transformer
    "final_norm": True,          # encoder.norm and decoder.norm
    "embedding_scale": True,     # embedding * sqrt(d_model)
    "pad_id": 0,
    "bos_id": 1,
    "eos_id": 2,
    "src_vocab": "src_vocab.txt",
    "tgt_vocab": "tgt_vocab.txt",
}
MAX_NEW = 8
SPECIAL = ["<pad>", "<s>", "</s>"]

out = sys.argv[1]
model = build(CONFIG, seed=7)
print("wrote", export(model, CONFIG, out))
for key, size, prefix in [("src_vocab", CONFIG["src_vocab_size"], "w"),
                          ("tgt_vocab", CONFIG["tgt_vocab_size"], "t")]:
    words = SPECIAL + [f"{prefix}{i}" for i in range(len(SPECIAL), size)]
    with open(os.path.join(out, CONFIG[key]), "w") as f:
        f.write("\n".join(words) + "\n")

src = np.array([[5, 9, 13, 7, 22, 18],
                [27, 3, 11, 0, 0, 0]], dtype=np.int64)
np.save(os.path.join(out, "src.npy"), src)
logits = model(torch.tensor([[5, 9, 13, 7]]), torch.tensor([[1, 4, 8]]))
np.save(os.path.join(out, "reference.npy"), logits.detach().numpy())
for name, ids in [('--ids "5 9 13 7"', [[5, 9, 13, 7]]),
                  ("--input src.npy", src)]:
    rows = greedy(model, CONFIG, torch.as_tensor(ids), MAX_NEW)
    print(f"PyTorch greedy for {name}:", " | ".join(
        " ".join(map(str, row)) for row in rows))
