#!/usr/bin/env python3
"""Writes example inputs for encoder_layer.mlir into a folder: a batch of two
sequences (the second padded after 5 tokens) and seeded weights initialised
like PyTorch's defaults. Usage: make_inputs.py OUT_DIR"""

import os
import sys

import numpy as np

D, FF, B, S = 64, 128, 2, 8
rng = np.random.default_rng(0)


def uniform(shape, fan_in):
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, shape).astype(np.float32)


keep = np.ones((B, S), dtype=bool)
keep[1, 5:] = False
inputs = [
    ("x", rng.standard_normal((B, S, D)).astype(np.float32)),
    ("mask", keep),
    ("in_proj_weight", uniform((3 * D, D), D)),
    ("in_proj_bias", np.zeros(3 * D, np.float32)),
    ("out_proj_weight", uniform((D, D), D)),
    ("out_proj_bias", np.zeros(D, np.float32)),
    ("linear1_weight", uniform((FF, D), D)),
    ("linear1_bias", uniform(FF, D)),
    ("linear2_weight", uniform((D, FF), FF)),
    ("linear2_bias", uniform(D, FF)),
    ("norm1_weight", np.ones(D, np.float32)),
    ("norm1_bias", np.zeros(D, np.float32)),
    ("norm2_weight", np.ones(D, np.float32)),
    ("norm2_bias", np.zeros(D, np.float32)),
]
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for i, (name, value) in enumerate(inputs):
    np.save(os.path.join(out, f"{i:02d}_{name}.npy"), value)
