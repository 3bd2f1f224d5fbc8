"""Export a PyTorch transformer to tfmc's model format (docs/model-format.md).

    from tfm_export import export
    export(module, config, out_dir)

writes out_dir/model.json and out_dir/model.safetensors. `module` is an
nn.Module (or a state_dict) whose tensor names follow docs/model-format.md
(tfm_reference.py has one module per architecture laid out that way; a
`transformer.` prefix, as an nn.Transformer held in a `transformer`
attribute gives, is removed). `config` holds the model.json keys other than
`format` and `weights`, which export fills in. Needs torch and numpy only.
"""

import json
import os
import struct

import numpy as np
import torch

_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def write_safetensors(tensors, path):
    """Writes a dict name -> torch.Tensor as a safetensors file."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _DTYPES:
            t = t.float()
        if t.dtype == torch.bfloat16:
            data = t.view(torch.int16).numpy().tobytes()
        else:
            data = t.numpy().tobytes()
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # keeps the data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def export(module, config, out_dir, dtype=torch.float32):
    """Writes model.json and model.safetensors for `module` into out_dir.

    dtype: torch.float32 (default), torch.float16 or torch.bfloat16 for the
    stored weights (tfmc converts them to f32 when it loads them).
    Returns the path of model.json.
    """
    state = module if isinstance(module, dict) else module.state_dict()
    tensors = {}
    for name, value in state.items():
        if name.startswith("transformer."):
            name = name[len("transformer."):]
        tensors[name] = value.to(dtype)
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(tensors, os.path.join(out_dir, "model.safetensors"))
    description = {"format": "tfm-model-v1"}
    description.update(config)
    description["weights"] = "model.safetensors"
    path = os.path.join(out_dir, "model.json")
    with open(path, "w") as f:
        json.dump(description, f, indent=2)
        f.write("\n")
    return path
