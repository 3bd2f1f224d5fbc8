"""The benchmark's cases: for each, a PyTorch module with seeded weights, its
inputs, the tfm IR (or model.json) that tfmc compiles for the same
computation, the FLOP count, and the OpenBLAS baseline's command line.

A case is a dict (JSON-serializable, so workers rebuild the same module):
  name, kind ("attention" | "mha" | "layer" | "model"), sizes, seed.
"""

import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))


class Attention(nn.Module):
    """softmax(Q Kᵀ / sqrt(D) + causal) V on [B, H, S, D]."""

    def __init__(self, seq, causal):
        super().__init__()
        self.causal = causal
        if causal:
            self.register_buffer(
                "mask", torch.triu(torch.ones(seq, seq, dtype=torch.bool), 1),
                persistent=False)

    def forward(self, q, k, v):
        scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(q.shape[-1]))
        if self.causal:
            scores = scores.masked_fill(self.mask, float("-inf"))
        return torch.softmax(scores, dim=-1) @ v


class SelfAttention(nn.Module):
    """nn.MultiheadAttention used as self-attention, batch first."""

    def __init__(self, d, heads):
        super().__init__()
        self.mha = nn.MultiheadAttention(d, heads, batch_first=True)

    def forward(self, x):
        return self.mha(x, x, x, need_weights=False)[0]


def model_config(c):
    return {"architecture": "encoder", "d_model": c["d"],
            "num_heads": c["heads"], "d_ff": c["ff"],
            "num_layers": c["layers"], "vocab_size": c["vocab"],
            "max_seq_len": c["seq"], "positional_encoding": "sinusoidal",
            "activation": c["act"], "norm_first": False,
            "embedding_scale": True, "pad_id": 0, "bos_id": 1, "eos_id": 2}


def build(c):
    """The case's PyTorch module in eval mode (weights seeded)."""
    torch.manual_seed(c["seed"])
    k = c["kind"]
    if k == "attention":
        m = Attention(c["seq"], c["causal"])
    elif k == "mha":
        m = SelfAttention(c["d"], c["heads"])
    elif k == "layer":
        m = nn.TransformerEncoderLayer(
            c["d"], c["heads"], c["ff"], dropout=0.0, activation=c["act"],
            batch_first=True)
    elif k == "model":
        from tfm_reference import build as build_reference
        m = build_reference(model_config(c), seed=c["seed"])
    else:
        raise ValueError(k)
    return m.eval()


def inputs(c):
    """The module's inputs as NumPy arrays, name -> array (ordered)."""
    g = np.random.default_rng(c["seed"] + 1)
    k = c["kind"]
    if k == "attention":
        shape = (1, c["heads"], c["seq"], c["dim"])
        return {n: g.standard_normal(shape, dtype=np.float32)
                for n in ("q", "k", "v")}
    if k in ("mha", "layer"):
        return {"x": g.standard_normal((1, c["seq"], c["d"]),
                                       dtype=np.float32)}
    return {"ids": g.integers(3, c["vocab"], (1, c["seq"]), dtype=np.int64)}


def layer_tensors(sd, prefix):
    """An encoder layer's 12 tensors in tfm IR argument order."""
    names = ["self_attn.in_proj_weight", "self_attn.in_proj_bias",
             "self_attn.out_proj.weight", "self_attn.out_proj.bias",
             "linear1.weight", "linear1.bias", "linear2.weight",
             "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight",
             "norm2.bias"]
    return [(prefix + n, sd[prefix + n]) for n in names]


def weights(c, m):
    """Weight tensors passed as inputs to tfmc's executable and the
    baseline, in order: name -> array."""
    sd = {n: t.detach().numpy() for n, t in m.state_dict().items()}
    k = c["kind"]
    if k == "attention":
        return {}
    if k == "mha":
        return {n: sd["mha." + n] for n in
                ("in_proj_weight", "in_proj_bias", "out_proj.weight",
                 "out_proj.bias")}
    if k == "layer":
        return dict(layer_tensors(sd, ""))
    out = {"embed.weight": sd["embed.weight"]}
    for i in range(c["layers"]):
        out.update(layer_tensors(sd, "encoder.layers.%d." % i))
    return out


LINEAR_MATRICES = ("in_proj_weight", "out_proj.weight", "linear1.weight",
                   "linear2.weight")


def panel_columns():
    """TFM_PANEL_COLUMNS, from its one definition in the runtime's ABI."""
    header = os.path.join(HERE, "..", "runtime", "include", "tfm", "Runtime.h")
    with open(header) as f:
        for line in f:
            if line.startswith("#define TFM_PANEL_COLUMNS "):
                return int(line.split()[2])
    sys.exit(f"{header}: no TFM_PANEL_COLUMNS")


PANEL = panel_columns()
KERNEL_LAYOUT = "panels of %d" % PANEL


def panels(a):
    """[out, in] -> [ceil(out / 64), in, 64], zero-padded: the layout in
    which tfmc's matmul kernels read weights (TFM_ARG_WEIGHT_PANELS)."""
    out, inp = a.shape
    n = -(-out // PANEL)
    padded = np.zeros((n * PANEL, inp), a.dtype)
    padded[:out] = a
    return np.ascontiguousarray(padded.reshape(n, PANEL, inp).transpose(0, 2, 1))


def kernel_layout(ws):
    """The weights as tfmc's IR takes them: the matrices of linear maps in
    panels, the layout its matmul kernels read (as models compiled from
    model.json take them; tfm_ir unpacks and transposes them back for the
    tfm ops, which the codegen folds into its reads)."""
    return {n: (panels(a) if n.endswith(LINEAR_MATRICES) else a)
            for n, a in ws.items()}


def flops(c):
    """2·M·N·K per matmul, dense even under a causal mask."""
    s = c["seq"]
    if c["kind"] == "attention":
        return 4.0 * c["heads"] * s * s * c["dim"]
    d = c["d"]
    mha = 2.0 * s * d * 3 * d + 4.0 * s * s * d + 2.0 * s * d * d
    if c["kind"] == "mha":
        return mha
    layer = mha + 4.0 * s * d * c["ff"]
    return layer * (c.get("layers") or 1)


def _t(*dims):
    return "tensor<%sxf32>" % "x".join(str(d) for d in dims)


def tfm_ir(c):
    """tfm IR of the case (attention, mha, layer); dynamic batch and
    sequence dimensions, weights as arguments."""
    k = c["kind"]
    if k == "attention":
        t = "tensor<?x%dx?x%dxf32>" % (c["heads"], c["dim"])
        causal = " causal" if c["causal"] else ""
        return (f"func.func @attention(%q: {t}, %k: {t}, %v: {t}) -> {t} {{\n"
                f"  %0 = tfm.attention %q, %k, %v{causal} : {t}, {t}, {t} -> {t}\n"
                f"  return %0 : {t}\n}}\n")
    d, h = c["d"], c["heads"]
    x = "tensor<?x?x%dxf32>" % d

    def back(name, rows, cols):
        """%name [rows, cols] from the argument %name_p, its panels."""
        p = _t(-(-rows // 64), cols, 64)
        return (f"  %{name}_u = tensor.empty() : {_t(cols, rows)}\n"
                f"  %{name}_k = linalg.unpack %{name}_p outer_dims_perm = [1, 0]"
                f" inner_dims_pos = [1] inner_tiles = [64] into %{name}_u"
                f" : {p} -> {_t(cols, rows)}\n"
                f"  %{name}_e = tensor.empty() : {_t(rows, cols)}\n"
                f"  %{name} = linalg.transpose ins(%{name}_k : {_t(cols, rows)})"
                f" outs(%{name}_e : {_t(rows, cols)}) permutation = [1, 0]\n")

    def pt(rows, cols):
        return _t(-(-rows // 64), cols, 64)
    mha = (back("in_w", 3 * d, d) + back("out_w", d, d) +
           f"  %sa = tfm.multi_head_attention %x, %x, %x heads({h})\n"
           f"      in_proj(%in_w : {_t(3 * d, d)}) in_bias(%in_b : {_t(3 * d)})\n"
           f"      out_proj(%out_w : {_t(d, d)}) out_bias(%out_b : {_t(d)})\n"
           f"      : {x}, {x}, {x} -> {x}\n")
    args = (f"%x: {x}, %in_w_p: {pt(3 * d, d)}, %in_b: {_t(3 * d)}, "
            f"%out_w_p: {pt(d, d)}, %out_b: {_t(d)}")
    if k == "mha":
        return (f"func.func @mha({args}) -> {x} {{\n{mha}"
                f"  return %sa : {x}\n}}\n")
    f = c["ff"]
    act = "tfm.gelu" if c["act"] == "gelu" else "tfm.relu"
    fx = "tensor<?x?x%dxf32>" % f
    return (f"func.func @layer({args},\n"
            f"    %w1_p: {pt(f, d)}, %b1: {_t(f)}, %w2_p: {pt(d, f)}, %b2: {_t(d)},\n"
            f"    %g1: {_t(d)}, %be1: {_t(d)}, %g2: {_t(d)}, %be2: {_t(d)})"
            f" -> {x} {{\n{mha}" + back("w1", f, d) + back("w2", d, f) +
            f"  %r1 = arith.addf %x, %sa : {x}\n"
            f"  %h1 = tfm.layer_norm %r1 weight(%g1 : {_t(d)}) bias(%be1 : {_t(d)})"
            f" : {x} -> {x}\n"
            f"  %ff1 = tfm.linear %h1, %w1 bias(%b1 : {_t(f)}) : {x}, {_t(f, d)} -> {fx}\n"
            f"  %act = {act} %ff1 : {fx}\n"
            f"  %ff2 = tfm.linear %act, %w2 bias(%b2 : {_t(d)}) : {fx}, {_t(d, f)} -> {x}\n"
            f"  %r2 = arith.addf %h1, %ff2 : {x}\n"
            f"  %out = tfm.layer_norm %r2 weight(%g2 : {_t(d)}) bias(%be2 : {_t(d)})"
            f" : {x} -> {x}\n"
            f"  return %out : {x}\n}}\n")


def attention_case(seq, causal, heads=8, dim=64, **kw):
    name = "attention S=%d%s" % (seq, " causal" if causal else "")
    return dict(name=name, kind="attention", heads=heads, dim=dim, seq=seq,
                causal=causal, seed=seq + causal, **kw)


def all_cases(smoke=False):
    """Every case in run order; `quick` marks what --quick keeps."""
    if smoke:
        return [
            attention_case(16, True, heads=2, dim=8, quick=True),
            dict(name="MHA d=32 S=8", kind="mha", d=32, heads=4, seq=8,
                 seed=3, quick=True),
            dict(name="encoder layer d=32 S=8 gelu", kind="layer", d=32,
                 heads=4, ff=48, seq=8, act="gelu", seed=4, quick=True),
            dict(name="encoder model 2 layers d=32 S=8", kind="model", d=32,
                 heads=4, ff=48, layers=2, vocab=20, seq=8, act="relu",
                 seed=5, quick=True),
        ]
    cases = []
    for s in (128, 512, 2048):
        for causal in (False, True):
            cases.append(attention_case(s, causal, quick=s < 2048))
    for s in (128, 512):
        cases.append(dict(name="MHA d=512 S=%d" % s, kind="mha", d=512,
                          heads=8, seq=s, seed=10 + s, quick=True))
    for s in (128, 512):
        cases.append(dict(name="encoder layer d=512 S=%d" % s, kind="layer",
                          d=512, heads=8, ff=2048, seq=s, act="relu",
                          seed=20 + s, quick=True))
    cases.append(dict(name="BERT-base layer S=128 gelu", kind="layer", d=768,
                      heads=12, ff=3072, seq=128, act="gelu", seed=30,
                      quick=True))
    cases.append(dict(name="encoder model 6 layers d=512 S=128", kind="model",
                      d=512, heads=8, ff=2048, layers=6, vocab=1000, seq=128,
                      act="relu", seed=40, quick=False))
    # Memory: tfmc only (the peers materialize the 8.6 GB score matrix).
    cases.append(attention_case(16384, False, quick=False, memory=True))
    return cases
