"""Checks the output of examples/encoder_layer against PyTorch.

usage: encoder-layer-reference.py INPUT_DIR OUTPUT.npy

INPUT_DIR holds the inputs written by examples/encoder_layer/make_inputs.py
(in argument order); OUTPUT.npy is what the compiled executable wrote. The
reference is torch.nn.TransformerEncoderLayer (d_model 64, 4 heads, d_ff
128, post-LN, ReLU) with the same weights; positions that are padding are
not compared. Prints the shape and the max abs error, and exits non-zero
above 1e-4.
"""

import os
import sys

import numpy as np
import torch

names = ["self_attn.in_proj_weight", "self_attn.in_proj_bias",
         "self_attn.out_proj.weight", "self_attn.out_proj.bias",
         "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
         "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]

in_dir, out_path = sys.argv[1], sys.argv[2]
arrays = [np.load(os.path.join(in_dir, f))
          for f in sorted(os.listdir(in_dir)) if f.endswith(".npy")]
x, keep, weights = arrays[0], arrays[1], arrays[2:]
layer = torch.nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0,
                                         batch_first=True, norm_first=False)
layer.eval()
layer.load_state_dict({n: torch.from_numpy(w) for n, w in zip(names, weights)})
# Gradients stay enabled so torch takes its reference (not fast) path.
want = layer(torch.from_numpy(x),
             src_key_padding_mask=~torch.from_numpy(keep)).detach().numpy()
got = np.load(out_path)
print("shape", list(got.shape))
if got.shape != want.shape:
    sys.exit(f"FAIL: shape {got.shape}, expected {want.shape}")
where = np.broadcast_to(keep[:, :, None], got.shape)
err = float(np.max(np.abs(got - want)[where]))
print("max abs error %.2e" % err)
if not err <= 1e-4:
    sys.exit("FAIL: max abs error above 1e-4")
print("OK")
