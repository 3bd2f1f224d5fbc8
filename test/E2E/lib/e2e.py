#!/usr/bin/env python3
"""End-to-end checks of tfmc-compiled executables against PyTorch.

    e2e.py CASE --exe PROGRAM

makes seeded inputs for CASE, runs PROGRAM on them (as a user would: .npy
files in, .npy file out), computes the same function with PyTorch and
compares. Prints the max abs error and exits non-zero when it exceeds the
case's tolerance, when shapes differ or when the output has NaNs.
"""

import argparse
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


class Expect:
    """What one case feeds the executable and expects back."""

    def __init__(self, entry, inputs, expected, tol, where=None, hidden=None):
        self.entry = entry
        self.inputs = [np.ascontiguousarray(x) for x in inputs]
        self.expected = expected
        self.tol = tol
        self.where = where  # boolean mask of positions to compare
        # {input index: boolean mask of its elements that no query sees}
        # (keys and values hidden by the mask): --poison fills them.
        self.hidden = hidden or {}

    def filled(self, value):
        """The inputs with every hidden element set to `value`."""
        inputs = [x.copy() for x in self.inputs]
        for i, where in self.hidden.items():
            inputs[i][np.broadcast_to(where, inputs[i].shape)] = value
        return inputs


def t(x):
    return torch.from_numpy(np.ascontiguousarray(x))


def randn(rng, *shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# --------------------------------------------------------------------------
# Elementwise and normalization ops (tolerance 1e-5)
# --------------------------------------------------------------------------

@case
def softmax_last(rng):
    x = randn(rng, 2, 3, 7)
    return Expect("softmax_last", [x], F.softmax(t(x), -1).numpy(), 1e-5)


@case
def softmax_axis1(rng):
    x = randn(rng, 3, 6, 5)
    return Expect("softmax_axis1", [x], F.softmax(t(x), 1).numpy(), 1e-5)


@case
def softmax_large(rng):
    # Stable for large magnitudes: the row maximum is subtracted first.
    x = randn(rng, 2, 3, 7, scale=1e4)
    return Expect("softmax_last", [x], F.softmax(t(x), -1).numpy(), 1e-5)


@case
def layer_norm_affine(rng):
    x, w, b = randn(rng, 2, 5, 24), randn(rng, 24), randn(rng, 24)
    ref = F.layer_norm(t(x), (24,), t(w), t(b), 1e-5).numpy()
    return Expect("layer_norm_affine", [x, w, b], ref, 1e-5)


@case
def layer_norm_plain(rng):
    x = randn(rng, 7, 33) + 3.0
    ref = F.layer_norm(t(x), (33,), eps=1e-6).numpy()
    return Expect("layer_norm_plain", [x], ref, 1e-5)


@case
def layer_norm_large(rng):
    x = randn(rng, 3, 24, scale=1e4)
    ref = F.layer_norm(t(x), (24,), eps=1e-6).numpy()
    return Expect("layer_norm_large", [x], ref, 1e-5)


@case
def relu(rng):
    x = randn(rng, 4, 9)
    return Expect("relu", [x], F.relu(t(x)).numpy(), 1e-5)


@case
def gelu(rng):
    x = randn(rng, 4, 9, scale=3.0)
    return Expect("gelu", [x], F.gelu(t(x)).numpy(), 1e-5)


@case
def gelu_tanh(rng):
    x = randn(rng, 4, 9, scale=3.0)
    return Expect("gelu_tanh", [x], F.gelu(t(x), approximate="tanh").numpy(),
                  1e-5)


# --------------------------------------------------------------------------
# Llama/Qwen2 blocks: RMSNorm, SiLU, gated feed-forwards (from Hugging Face's
# LlamaRMSNorm and LlamaMLP). Tolerances are about 10x the largest error
# measured at -O0..-O3 (noted per case).
# --------------------------------------------------------------------------

def hf_rms_norm(x, weight, eps):
    """LlamaRMSNorm.forward: in f32, then the weight in the input's dtype."""
    input_dtype = x.dtype
    h = x.to(torch.float32)
    variance = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(variance + eps)
    return weight * h.to(input_dtype)


def rms_norm_case(rng, entry, shape, eps, tol, scale=1.0):
    x = randn(rng, *shape, scale=scale)
    # Trained norms' weights are near 1 (they start at ones).
    w = (1.0 + 0.1 * rng.standard_normal(shape[-1])).astype(np.float32)
    ref = hf_rms_norm(t(x), t(w), eps).numpy()
    return Expect(entry, [x, w], ref, tol)


@case
def rms_norm_576(rng):
    # Measured: 9.5e-7.
    return rms_norm_case(rng, "rms_norm_576", (2, 7, 576), 1e-5, 1e-5)


@case
def rms_norm_20(rng):
    # Small values, so that eps = 1e-6 weighs in the scale.
    # Measured: 0 (one rounding would be 1.2e-7).
    return rms_norm_case(rng, "rms_norm_20", (3, 5, 20), 1e-6, 2e-6, scale=1e-3)


@case
def rms_norm_896(rng):
    # Measured: 9.5e-7.
    return rms_norm_case(rng, "rms_norm_896", (1, 9, 896), 1e-6, 1e-5)


@case
def rms_norm_large(rng):
    # Magnitudes of 1e4 (squares summed to ~1e11): relative accuracy holds.
    x = randn(rng, 2, 3, 576, scale=1e4)
    w = (1.0 + 0.1 * rng.standard_normal(576)).astype(np.float32)
    ref = hf_rms_norm(t(x), t(w), 1e-5).numpy()
    # Measured: 1.7e-6.
    return Expect("rms_norm_576", [x, w], ref, 2e-5)


@case
def rms_norm_rows(rng):
    # A single row (decoding) of a width known at run time only.
    # Measured: 7.2e-7.
    return rms_norm_case(rng, "rms_norm_rows", (1, 100), 1e-5, 8e-6)


@case
def silu(rng):
    # The range where PyTorch's silu is neither ~0 nor ~x.
    x = np.linspace(-20, 20, 4001, dtype=np.float32).reshape(4001, 1)
    x = np.concatenate([x, randn(rng, 4001, 8, scale=4.0)], axis=1)
    # Measured: 4.8e-7 (a quarter of an ulp of 20).
    return Expect("silu", [x], F.silu(t(x)).numpy(), 5e-6)


@case
def silu_extremes(rng):
    # exp(-x) overflows (x < -88.7) or underflows: -0 and x, never NaN.
    big = [-3.4e38, -1e4, -100, -89, -88.5, -88, -80, -50, 0, 50, 80, 88,
           89, 100, 1e4, 3.4e38]
    x = np.array(big, dtype=np.float32).reshape(2, 8)
    # Measured: 0.
    return Expect("silu", [x], F.silu(t(x)).numpy(), 1e-6)


def llama_mlp(rng, act, hidden, inter, shape, out=None):
    """LlamaMLP (bias-free): down(act(gate(x)) * up(x)), nn.Linear weights."""
    gate = torch.nn.Linear(hidden, inter, bias=False)
    up = torch.nn.Linear(hidden, inter, bias=False)
    down = torch.nn.Linear(inter, out or hidden, bias=False)
    x = randn(rng, *shape, hidden)
    with torch.no_grad():
        ref = down(act(gate(t(x))) * up(t(x))).numpy()
    weights = [m.weight.detach().numpy() for m in (gate, up, down)]
    return [x] + weights, ref


def gelu_tanh_act(x):
    return F.gelu(x, approximate="tanh")


@case
def swiglu_64(rng):
    inputs, ref = llama_mlp(rng, F.silu, 64, 172, (2, 9))
    # Measured: 1.3e-7.
    return Expect("swiglu_64", inputs, ref, 2e-6)


@case
def geglu_64(rng):
    inputs, ref = llama_mlp(rng, gelu_tanh_act, 64, 172, (3, 5))
    # Measured: 1.3e-7.
    return Expect("geglu_64", inputs, ref, 2e-6)


@case
def geglu_erf_64(rng):
    inputs, ref = llama_mlp(rng, F.gelu, 64, 172, (1, 7))
    # Measured: 1.5e-7.
    return Expect("geglu_erf_64", inputs, ref, 2e-6)


@case
def swiglu_576(rng):
    # SmolLM-135M's sizes; 70 rows = a full and a partial 64-row tile.
    inputs, ref = llama_mlp(rng, F.silu, 576, 1536, (2, 35))
    # Measured: 7.5e-7.
    return Expect("swiglu_576", inputs, ref, 8e-6)


@case
def geglu_576(rng):
    inputs, ref = llama_mlp(rng, gelu_tanh_act, 576, 1536, (1, 13))
    # Measured: 6.3e-7.
    return Expect("geglu_576", inputs, ref, 8e-6)


@case
def swiglu_decode(rng):
    # One token: the single-row kernels.
    inputs, ref = llama_mlp(rng, F.silu, 576, 1536, (1,))
    # Measured: 4.0e-7.
    return Expect("swiglu_rows", inputs, ref, 4e-6)


# --------------------------------------------------------------------------
# Projections and embeddings
# --------------------------------------------------------------------------

@case
def linear_rank3(rng):
    lin = torch.nn.Linear(20, 12)
    x = randn(rng, 2, 5, 20)
    with torch.no_grad():
        ref = lin(t(x)).numpy()
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    return Expect("linear_rank3", [x, w, b], ref, 1e-4)


@case
def linear_rank2(rng):
    lin = torch.nn.Linear(20, 12, bias=False)
    x = randn(rng, 7, 20)
    with torch.no_grad():
        ref = lin(t(x)).numpy()
    return Expect("linear_rank2", [x, lin.weight.detach().numpy()], ref, 1e-4)


@case
def embedding(rng):
    table = randn(rng, 11, 20)
    ids = rng.integers(0, 11, size=(3, 6)).astype(np.int64)
    ref = F.embedding(t(ids), t(table)).numpy()
    return Expect("embedding", [ids, table], ref, 1e-6)


def sinusoid_table(positions, dim):
    """The encoding of "Attention Is All You Need", in float64."""
    pe = np.zeros((len(positions), dim))
    pos = np.asarray(positions, dtype=np.float64)[:, None]
    div = np.exp(np.arange(0, dim, 2) * (-math.log(10000.0) / dim))
    pe[:, 0::2] = np.sin(pos * div)
    pe[:, 1::2] = np.cos(pos * div)
    return pe


@case
def positional_sinusoidal(rng):
    x = randn(rng, 2, 9, 20)
    ref = (x + sinusoid_table(range(9), 20)[None]).astype(np.float32)
    return Expect("positional_sinusoidal", [x], ref, 1e-5)


@case
def positional_sinusoidal_offset(rng):
    x = randn(rng, 3, 4, 20)
    offset = np.array([0, 5, 17], dtype=np.int64)
    ref = np.stack([x[b] + sinusoid_table(range(o, o + 4), 20)
                    for b, o in enumerate(offset)]).astype(np.float32)
    return Expect("positional_sinusoidal_offset", [x, offset], ref, 1e-5)


@case
def positional_learned(rng):
    x, table = randn(rng, 2, 9, 20), randn(rng, 16, 20)
    return Expect("positional_learned", [x, table], x + table[None, :9], 1e-6)


# --------------------------------------------------------------------------
# Rotary position embeddings: Hugging Face transformers' code paths
# (modeling_rope_utils.py, modeling_llama.py, modeling_gptj.py)
# --------------------------------------------------------------------------

def rope_inv_freq(theta, dim, scaling=None):
    """_compute_default_rope_parameters, then _compute_linear_scaling_... or
    _compute_llama3_parameters when `scaling` = ("linear", factor) or
    ("llama3", factor, low_freq_factor, high_freq_factor, original_max)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.int64)
                                .float() / dim))
    if scaling is None:
        return inv_freq
    if scaling[0] == "linear":
        inv_freq /= scaling[1]
        return inv_freq
    _, factor, low_freq_factor, high_freq_factor, old_context_len = scaling
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_freq_wavelen,
                                 inv_freq / factor, inv_freq)
    smooth_factor = ((old_context_len / wavelen - low_freq_factor)
                     / (high_freq_factor - low_freq_factor))
    smoothed_inv_freq = ((1 - smooth_factor) * inv_freq_llama / factor
                         + smooth_factor * inv_freq_llama)
    is_medium_freq = (~(wavelen < high_freq_wavelen)
                      * ~(wavelen > low_freq_wavelen))
    return torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)


def rope_positions(batch, seq, offset):
    return (torch.arange(seq)[None, :] + torch.as_tensor(offset)[:, None]
            if offset is not None else torch.arange(seq).expand(batch, seq))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rope_half_reference(x, rotary_dim, theta, offset=None, scaling=None):
    """LlamaRotaryEmbedding.forward and apply_rotary_pos_emb on [B, H, S, D],
    with GPT-NeoX's split for partial rotary."""
    q = t(x)
    inv_freq = rope_inv_freq(theta, rotary_dim, scaling)
    position_ids = rope_positions(q.shape[0], q.shape[2], offset)
    inv_freq_expanded = inv_freq[None, :, None].float().expand(
        position_ids.shape[0], -1, 1)
    position_ids_expanded = position_ids[:, None, :].float()
    freqs = (inv_freq_expanded.float()
             @ position_ids_expanded.float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(q.dtype), emb.sin().to(q.dtype)
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    q_rot, q_pass = q[..., :rotary_dim], q[..., rotary_dim:]
    q_embed = (q_rot * cos) + (rotate_half(q_rot) * sin)
    return torch.cat((q_embed, q_pass), dim=-1).numpy()


def rotate_every_two(x):
    x1 = x[:, :, :, ::2]
    x2 = x[:, :, :, 1::2]
    x = torch.stack((-x2, x1), dim=-1)
    return x.flatten(-2)


def rope_interleaved_reference(x, rotary_dim, offset=None):
    """GPT-J: create_sinusoidal_positions, rotate_every_two and
    apply_rotary_pos_emb on its [B, S, H, D] layout (x is [B, H, S, D])."""
    k = t(x).transpose(1, 2)
    position_ids = rope_positions(k.shape[0], k.shape[1], offset)
    num_pos = int(position_ids.max()) + 1
    inv_freq = 1.0 / (10000 ** (torch.arange(0, rotary_dim, 2,
                                             dtype=torch.int64) / rotary_dim))
    sinusoid_inp = torch.einsum(
        "i , j -> i j", torch.arange(num_pos, dtype=torch.int64).float(),
        inv_freq).float()
    embed_positions = torch.cat((torch.sin(sinusoid_inp),
                                 torch.cos(sinusoid_inp)), dim=1)
    sincos = embed_positions[position_ids]
    sin, cos = torch.split(sincos, sincos.shape[-1] // 2, dim=-1)
    sin = torch.repeat_interleave(sin[:, :, None, :], 2, 3)
    cos = torch.repeat_interleave(cos[:, :, None, :], 2, 3)
    k_rot, k_pass = k[:, :, :, :rotary_dim], k[:, :, :, rotary_dim:]
    k_rot = (k_rot * cos) + (rotate_every_two(k_rot) * sin)
    return torch.cat([k_rot, k_pass], dim=-1).transpose(1, 2).numpy()


# Offsets that reach positions past 8192 (angles of thousands of radians)
# and differ per batch row.
ROPE_FAR = np.array([0, 4097, 8180], dtype=np.int64)
ROPE_FAR_I32 = ROPE_FAR.astype(np.int32)


@case
def rope_half(rng):
    x = randn(rng, 2, 3, 17, 64)
    return Expect("rope_half", [x], rope_half_reference(x, 64, 10000.0),
                  5e-6)


@case
def rope_half_far(rng):
    x = randn(rng, 3, 2, 17, 64)
    ref = rope_half_reference(x, 64, 500000.0, ROPE_FAR)
    return Expect("rope_half_far", [x, ROPE_FAR], ref, 5e-6)


@case
def rope_half_far_decode(rng):
    x = randn(rng, 3, 2, 1, 64)
    offset = ROPE_FAR + 12
    ref = rope_half_reference(x, 64, 500000.0, offset)
    return Expect("rope_half_far", [x, offset], ref, 5e-6)


@case
def rope_partial(rng):
    x = randn(rng, 3, 2, 17, 64)
    ref = rope_half_reference(x, 32, 10000.0, ROPE_FAR)
    return Expect("rope_partial", [x, ROPE_FAR], ref, 5e-6)


@case
def rope_half_80(rng):
    x = randn(rng, 3, 2, 17, 80)
    ref = rope_half_reference(x, 80, 1000000.0, ROPE_FAR)
    return Expect("rope_half_80", [x, ROPE_FAR], ref, 5e-6)


@case
def rope_half_48(rng):
    x = randn(rng, 3, 2, 17, 48)
    ref = rope_half_reference(x, 48, 10000.0, ROPE_FAR)
    return Expect("rope_half_48", [x, ROPE_FAR], ref, 1e-4)


@case
def rope_interleaved(rng):
    x = randn(rng, 3, 2, 17, 64)
    ref = rope_interleaved_reference(x, 64, ROPE_FAR)
    return Expect("rope_interleaved", [x, ROPE_FAR], ref, 5e-6)


@case
def rope_interleaved_partial(rng):
    x = randn(rng, 3, 2, 17, 48)
    ref = rope_interleaved_reference(x, 16, ROPE_FAR)
    return Expect("rope_interleaved_partial", [x, ROPE_FAR_I32], ref, 5e-6)


@case
def rope_linear(rng):
    x = randn(rng, 3, 2, 17, 64)
    ref = rope_half_reference(x, 64, 10000.0, ROPE_FAR, ("linear", 4.0))
    return Expect("rope_linear", [x, ROPE_FAR], ref, 5e-6)


@case
def rope_llama3(rng):
    # Llama 3.1's rope_scaling.
    x = randn(rng, 3, 2, 17, 64)
    ref = rope_half_reference(x, 64, 500000.0, ROPE_FAR,
                              ("llama3", 8.0, 1.0, 4.0, 8192))
    return Expect("rope_llama3", [x, ROPE_FAR], ref, 5e-6)


# --------------------------------------------------------------------------
# Masks
# --------------------------------------------------------------------------

@case
def causal_mask(rng):
    sq, skv = 4, 6
    ref = np.array([[j <= i + skv - sq for j in range(skv)] for i in range(sq)])
    return Expect("causal_mask", [], ref, 0)


@case
def padding_mask_ids(rng):
    ids = np.array([[5, 3, 9, 0, 0], [0, 2, 2, 2, 1]], dtype=np.int64)
    return Expect("padding_mask_ids", [ids], ids != 0, 0)


@case
def padding_mask_lengths(rng):
    lengths = np.array([0, 3, 9], dtype=np.int32)
    ref = np.arange(9)[None, :] < lengths[:, None]
    return Expect("padding_mask_lengths", [lengths], ref, 0)


# --------------------------------------------------------------------------
# Attention
# --------------------------------------------------------------------------

def repeat_kv(x, query_heads):
    """Hugging Face's repeat_kv: keys or values [B, Hkv, S, D] as
    [B, H, S, D], query head h reading key/value head h // (H / Hkv)."""
    b, kv_heads, s, d = x.shape
    n_rep = query_heads // kv_heads
    if n_rep == 1:
        return x
    x = x[:, :, None, :, :].expand(b, kv_heads, n_rep, s, d)
    return x.reshape(b, kv_heads * n_rep, s, d)


def reference_additive(q, k, v, bias, scale):
    """softmax(QKᵀ·scale + bias)·V with zeros for rows that are all -inf
    (keys and values with fewer heads are repeated as repeat_kv does)."""
    qd, kd, vd = t(q).double(), t(k).double(), t(v).double()
    kd, vd = repeat_kv(kd, qd.shape[1]), repeat_kv(vd, qd.shape[1])
    scores = qd @ kd.transpose(-1, -2) * scale + t(bias).double()
    probs = torch.softmax(scores, -1).nan_to_num(0.0)
    return (probs @ vd).float().numpy()


def reference_attention(q, k, v, keep=None, causal=False, scale=None,
                        weights=False):
    """softmax(QKᵀ·scale + mask)·V with zeros for fully masked rows (or the
    probabilities alone with `weights`); keys and values with fewer heads
    are repeated as repeat_kv does."""
    q, k, v = t(q).double(), t(k).double(), t(v).double()
    k, v = repeat_kv(k, q.shape[1]), repeat_kv(v, q.shape[1])
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-1, -2) * scale
    sq, skv = q.shape[-2], k.shape[-2]
    visible = torch.ones(scores.shape, dtype=torch.bool)
    if keep is not None:
        visible = visible & t(keep)
    if causal:
        visible = visible & torch.tensor(
            [[j <= i + skv - sq for j in range(skv)] for i in range(sq)])
    scores = scores.masked_fill(~visible, float("-inf"))
    probs = torch.softmax(scores, -1).nan_to_num(0.0)
    if weights:
        return probs.float().numpy()
    return (probs @ v).float().numpy()


@case
def attention_plain(rng):
    q, k, v = randn(rng, 2, 3, 5, 8), randn(rng, 2, 3, 7, 8), randn(rng, 2, 3, 7, 6)
    return Expect("attention_plain", [q, k, v], reference_attention(q, k, v),
                  1e-4)


@case
def attention_masked_causal(rng):
    q, k, v = randn(rng, 2, 3, 5, 8), randn(rng, 2, 3, 7, 8), randn(rng, 2, 3, 7, 6)
    keep = rng.random((2, 1, 5, 7)) > 0.3
    keep[1, 0, 2, :] = False  # a query that sees no key gives zeros
    keep[..., 3] = False
    ref = reference_attention(q, k, v, keep, causal=True)
    keys = hidden_keys(keep)
    return Expect("attention_masked_causal", [q, k, v, keep], ref, 1e-4,
                  hidden={1: keys, 2: keys})


@case
def attention_additive_scaled(rng):
    q, k, v = randn(rng, 1, 2, 4, 8), randn(rng, 1, 2, 4, 8), randn(rng, 1, 2, 4, 8)
    bias = randn(rng, 4, 4)
    return Expect("attention_additive_scaled", [q, k, v, bias],
                  reference_additive(q, k, v, bias, 0.25), 1e-4)


# Shapes that do not fit the fused lowering's blocks (-O2 and above): odd
# sequence lengths, head dims that are not powers of two, Sq != Skv, and
# masks that hide every key of some queries.

@case
def fused_cross(rng):
    # B=2, H=3, Sq=77, Skv=130, D=40 (all dynamic in the entry point).
    q, k, v = randn(rng, 2, 3, 77, 40), randn(rng, 2, 3, 130, 40), randn(rng, 2, 3, 130, 40)
    return Expect("fused_dynamic", [q, k, v], reference_attention(q, k, v), 1e-4)


@case
def fused_causal_130(rng):
    q, k, v = randn(rng, 2, 3, 130, 40), randn(rng, 2, 3, 130, 40), randn(rng, 2, 3, 130, 40)
    return Expect("fused_causal", [q, k, v],
                  reference_attention(q, k, v, causal=True), 1e-4)


@case
def fused_causal_cross(rng):
    # Sq > Skv: the first Sq - Skv queries see no key and give zeros.
    q, k, v = randn(rng, 2, 3, 130, 40), randn(rng, 2, 3, 77, 40), randn(rng, 2, 3, 77, 40)
    return Expect("fused_causal", [q, k, v],
                  reference_attention(q, k, v, causal=True), 1e-4)


@case
def fused_causal_decode(rng):
    # One query against a cache of 77 keys sees them all.
    q, k, v = randn(rng, 2, 3, 1, 40), randn(rng, 2, 3, 77, 40), randn(rng, 2, 3, 77, 40)
    return Expect("fused_causal", [q, k, v],
                  reference_attention(q, k, v, causal=True), 1e-4)


@case
def fused_masked_rows(rng):
    # A per-query i1 mask [B, 1, Sq, Skv] with causal, D=96 and Dv=24;
    # some queries see no key.
    q, k, v = randn(rng, 2, 3, 77, 96), randn(rng, 2, 3, 130, 96), randn(rng, 2, 3, 130, 24)
    keep = rng.random((2, 1, 77, 130)) > 0.4
    keep[0, 0, 5, :] = False
    keep[1, 0, 70:, :] = False
    hide_columns(keep, 130)
    ref = reference_attention(q, k, v, keep, causal=True)
    keys = hidden_keys(keep)
    return Expect("fused_masked", [q, k, v, keep], ref, 1e-4,
                  hidden={1: keys, 2: keys})


@case
def fused_key_padding(rng):
    # A key-padding mask [B, 1, 1, Skv]; batch 1 hides every key.
    q, k, v = randn(rng, 2, 3, 130, 40), randn(rng, 2, 3, 77, 40), randn(rng, 2, 3, 77, 40)
    keep = np.ones((2, 1, 1, 77), dtype=bool)
    keep[0, 0, 0, 60:] = False
    keep[1] = False
    ref = reference_attention(q, k, v, keep)
    keys = hidden_keys(keep)
    return Expect("fused_key_padding", [q, k, v, keep], ref, 1e-4,
                  hidden={1: keys, 2: keys})


def additive(rng, entry, heads, sq, skv, d, visible, hidden_row, scale):
    """Batch 2, an additive [Sq, Skv] mask: -inf where a draw is above
    `visible` and along row `hidden_row`, with a given scale."""
    q = randn(rng, 2, heads, sq, d)
    k, v = randn(rng, 2, heads, skv, d), randn(rng, 2, heads, skv, d)
    bias = randn(rng, sq, skv)
    bias[rng.random((sq, skv)) > visible] = -np.inf
    bias[hidden_row, :] = -np.inf
    bias[:, [0, skv // 2, skv - 1]] = -np.inf
    keys = np.isneginf(bias).all(axis=0)[:, None]  # [Skv, 1]
    return Expect(entry, [q, k, v, bias],
                  reference_additive(q, k, v, bias, scale), 1e-4,
                  hidden={1: keys, 2: keys})


@case
def fused_additive(rng):
    # 77 queries over 130 keys, row 3 fully hidden.
    return additive(rng, "fused_additive", 3, 77, 130, 40, 0.7, 3, 0.2)


# Up to 16 queries with static depths take the fused lowering's
# single-query loop (depth along lanes), more take query blocks: the same
# entry point covers both.

def hidden_keys(keep):
    """[B, 1, Skv, 1]: the keys of each batch that no query sees, from an
    i1 mask [B, 1, Sq, Skv]."""
    return (~keep).all(axis=2)[..., None]


def hide_columns(keep, skv):
    """Hides a few whole key columns (the first key, one in the middle, the
    last), so that --poison has keys and values to fill."""
    for j in sorted({0, skv // 2, skv - 1}):
        keep[..., j] = False


def rows(rng, b, sq, skv, hidden=None, entry="fused_rows", d=32, dv=48,
         heads=3, kv_heads=3, tol=1e-4):
    """fused_rows: D=32, Dv=48 (fused_rows_odd: 20 and 36), an i1 mask
    [B, 1, Sq, Skv] that hides keep[hidden] entirely and a few whole key
    columns, causal; 3 query and key/value heads unless given."""
    q = randn(rng, b, heads, sq, d)
    k, v = randn(rng, b, kv_heads, skv, d), randn(rng, b, kv_heads, skv, dv)
    keep = rng.random((b, 1, sq, skv)) > 0.3
    if hidden is not None:
        keep[hidden] = False
    hide_columns(keep, skv)
    ref = reference_attention(q, k, v, keep, causal=True)
    keys = hidden_keys(keep)
    return Expect(entry, [q, k, v, keep], ref, tol,
                  hidden={1: keys, 2: keys})


@case
def fused_rows_decode(rng):
    # One query per sequence (a decoding step) against 77 keys; batch 1
    # hides every key (zeros).
    return rows(rng, 2, 1, 77, hidden=1)


@case
def fused_rows_few(rng):
    # 5 queries, 37 keys (a partial block of 16), one query hidden.
    return rows(rng, 2, 5, 37, hidden=(0, 0, 2))


@case
def fused_rows_many(rng):
    # 40 queries take blocks of queries along lanes.
    return rows(rng, 1, 40, 50)


@case
def fused_rows_additive(rng):
    # 3 queries of depth 64 over 21 keys; query 1 fully hidden.
    return additive(rng, "fused_rows_additive", 2, 3, 21, 64, 0.6, 1, 0.3)


# Keys and values appended to caches [L, B, H, D] (tfm.kv_cache_append):
# the single-query loop reads the caches and the new steps in place.

def cached(rng, l, s, sq, hidden=None, entry="fused_cached", d=32, dv=48,
           heads=3, kv_heads=3, tol=1e-4):
    """fused_cached: D=32, Dv=48 (fused_cached_odd: 40 and 8); 3 query and
    key/value heads unless given (the caches hold the key/value heads)."""
    q = randn(rng, 2, heads, sq, d)
    pk, pv = randn(rng, l, 2, kv_heads, d), randn(rng, l, 2, kv_heads, dv)
    nk, nv = randn(rng, 2, kv_heads, s, d), randn(rng, 2, kv_heads, s, dv)
    keep = rng.random((2, 1, 1, l + s)) > 0.25
    if hidden is not None:
        keep[hidden] = False
    keep[..., l - 1] = False  # the last cached position
    k = np.concatenate([pk.transpose(1, 2, 0, 3), nk], axis=2)
    v = np.concatenate([pv.transpose(1, 2, 0, 3), nv], axis=2)
    ref = reference_attention(q, k, v, keep, causal=True)
    # Hidden positions: of the caches [L, B, H, D], of the steps [B, H, S, D].
    keys = hidden_keys(keep)  # [B, 1, L + S, 1]
    past = keys[:, 0, :l, 0].T[:, :, None, None]
    new = keys[:, :, l:]
    return Expect(entry, [q, pk, nk, pv, nv, keep], ref, tol,
                  hidden={1: past, 2: new, 3: past, 4: new})


@case
def fused_rows_odd_decode(rng):
    # Depths that are not lane multiples (20, 36): rows in masked chunks.
    return rows(rng, 2, 1, 77, hidden=1, entry="fused_rows_odd", d=20, dv=36)


@case
def fused_rows_odd_few(rng):
    return rows(rng, 2, 5, 37, hidden=(0, 0, 2), entry="fused_rows_odd",
                d=20, dv=36)


@case
def fused_cached_step(rng):
    # One new position per sequence after 45 cached ones; batch 1 sees none.
    return cached(rng, 45, 1, 1, hidden=1)


@case
def fused_cached_few(rng):
    # Three new positions (causal among them) after 20 cached ones.
    return cached(rng, 20, 3, 3)


@case
def fused_cached_many(rng):
    # 20 queries take query blocks over the materialized append.
    return cached(rng, 9, 20, 20)


@case
def fused_cached_odd_step(rng):
    # Keys of depth 40 (two full chunks and half of one), values of depth 8
    # (half a chunk), read from the caches in place.
    return cached(rng, 45, 1, 1, hidden=1, entry="fused_cached_odd", d=40, dv=8)


@case
def fused_cached_odd_many(rng):
    return cached(rng, 9, 20, 20, entry="fused_cached_odd", d=40, dv=8)


# Grouped-query and multi-query attention: keys and values with fewer heads
# than the queries (query head h reads key/value head h // (H / Hkv), as
# repeat_kv), through the plain lowering (-O0/-O1) and the fused one: the
# single-query loop taking the query heads of a group together, query
# blocks, caches. Errors seen: up to 1.2e-6 (weights 1.8e-7), so the
# tolerances are 1e-5 (2e-6).

@case
def gqa_rows_decode(rng):
    # Hq=8, Hkv=2, D=64: one query per sequence; batch 1 sees no key.
    return rows(rng, 2, 1, 77, hidden=1, entry="gqa_rows", d=64, dv=64,
                heads=8, kv_heads=2, tol=1e-5)


@case
def gqa_rows_few(rng):
    return rows(rng, 2, 5, 37, hidden=(0, 0, 2), entry="gqa_rows", d=64,
                dv=64, heads=8, kv_heads=2, tol=1e-5)


@case
def gqa_rows_many(rng):
    return rows(rng, 1, 40, 50, entry="gqa_rows", d=64, dv=64, heads=8,
                kv_heads=2, tol=1e-5)


@case
def gqa9_rows_decode(rng):
    # Hq=9, Hkv=3 (groups of 3), D=64.
    return rows(rng, 2, 1, 77, hidden=1, entry="gqa9_rows", d=64, dv=64,
                heads=9, kv_heads=3, tol=1e-5)


@case
def gqa9_rows_many(rng):
    return rows(rng, 2, 33, 50, entry="gqa9_rows", d=64, dv=64, heads=9,
                kv_heads=3, tol=1e-5)


@case
def mqa_rows_decode(rng):
    # Multi-query: 16 query heads, one key/value head, D=80 (a group larger
    # than one single-query iteration takes).
    return rows(rng, 2, 1, 45, hidden=1, entry="mqa_rows", d=80, dv=80,
                heads=16, kv_heads=1, tol=1e-5)


@case
def mqa_rows_few(rng):
    return rows(rng, 2, 3, 21, hidden=(1, 0, 1), entry="mqa_rows", d=80,
                dv=80, heads=16, kv_heads=1, tol=1e-5)


@case
def mqa_rows_many(rng):
    return rows(rng, 1, 20, 30, entry="mqa_rows", d=80, dv=80, heads=16,
                kv_heads=1, tol=1e-5)


@case
def gqa_cached_step(rng):
    # Caches [L, B, 2, 48] for 8 query heads: one new position after 45.
    return cached(rng, 45, 1, 1, hidden=1, entry="gqa_cached", d=48, dv=48,
                  heads=8, kv_heads=2, tol=1e-5)


@case
def gqa_cached_few(rng):
    return cached(rng, 20, 3, 3, entry="gqa_cached", d=48, dv=48, heads=8,
                  kv_heads=2, tol=1e-5)


@case
def gqa_cached_many(rng):
    return cached(rng, 9, 20, 20, entry="gqa_cached", d=48, dv=48, heads=8,
                  kv_heads=2, tol=1e-5)


@case
def mqa_cached_step(rng):
    return cached(rng, 30, 1, 1, hidden=0, entry="mqa_cached", d=64, dv=64,
                  heads=4, kv_heads=1, tol=1e-5)


def grouped_head_mask(rng, entry, sq, skv):
    """Hq=6, Hkv=2, D=48 with an additive mask [B, Hq, Sq, Skv] that differs
    per query head: a query head's row hidden entirely, keys hidden from
    every query head of one group only."""
    b, heads, kv_heads, d = 2, 6, 2, 48
    q = randn(rng, b, heads, sq, d)
    k, v = randn(rng, b, kv_heads, skv, d), randn(rng, b, kv_heads, skv, d)
    bias = randn(rng, b, heads, sq, skv)
    bias[rng.random(bias.shape) > 0.7] = -np.inf
    bias[1, 4, sq - 1, :] = -np.inf
    bias[0, 3:, :, [1, skv - 2]] = -np.inf  # hidden from group 1 only
    bias[:, :, :, skv // 2] = -np.inf
    hidden = np.isneginf(bias).all(axis=2)  # [B, Hq, Skv]
    keys = hidden.reshape(b, kv_heads, heads // kv_heads, skv).all(axis=2)
    keys = keys[..., None]  # [B, Hkv, Skv, 1]
    return Expect(entry, [q, k, v, bias],
                  reference_additive(q, k, v, bias, 0.125), 1e-5,
                  hidden={1: keys, 2: keys})


@case
def gqa_head_mask_rows(rng):
    return grouped_head_mask(rng, "gqa_head_mask_rows", 3, 21)


@case
def gqa_head_mask_block(rng):
    return grouped_head_mask(rng, "gqa_head_mask_block", 37, 40)


@case
def gqa_weights(rng):
    q, k = randn(rng, 2, 8, 5, 48), randn(rng, 2, 2, 7, 48)
    ref = reference_attention(q, k, k, causal=True, weights=True)
    return Expect("gqa_weights", [q, k], ref, 2e-6)


def mha_module(rng, embed, heads, kdim=None, vdim=None):
    torch.manual_seed(int(rng.integers(1 << 31)))
    return torch.nn.MultiheadAttention(embed, heads, batch_first=True,
                                       kdim=kdim, vdim=vdim)


def mha_weights(m):
    return [m.in_proj_weight.detach().numpy(), m.in_proj_bias.detach().numpy(),
            m.out_proj.weight.detach().numpy(), m.out_proj.bias.detach().numpy()]


def run_mha(m, q, k, v, kpm_keep=None, causal=False):
    """PyTorch's output, with fully masked query rows replaced by what tfm
    defines for them: zeros before the output projection."""
    sq, skv = q.shape[1], k.shape[1]
    attn_mask = None
    if causal:
        attn_mask = torch.tensor(
            [[j > i + skv - sq for j in range(skv)] for i in range(sq)])
    kpm = None if kpm_keep is None else ~t(kpm_keep)
    out, _ = m(t(q), t(k), t(v), key_padding_mask=kpm, attn_mask=attn_mask,
               need_weights=False)
    out = out.detach().numpy().copy()
    visible = np.ones((q.shape[0], sq, skv), dtype=bool)
    if kpm_keep is not None:
        visible &= kpm_keep[:, None, :]
    if causal:
        visible &= ~attn_mask.numpy()[None]
    hidden = ~visible.any(-1)
    out[hidden] = m.out_proj.bias.detach().numpy()
    return out


@case
def mha_plain(rng):
    m = mha_module(rng, 24, 3)
    x = randn(rng, 2, 6, 24)
    return Expect("mha_plain", [x, x, x] + mha_weights(m), run_mha(m, x, x, x),
                  1e-4)


@case
def mha_causal(rng):
    m = mha_module(rng, 24, 3)
    x = randn(rng, 2, 6, 24)
    return Expect("mha_causal", [x, x, x] + mha_weights(m),
                  run_mha(m, x, x, x, causal=True), 1e-4)


@case
def mha_padding(rng):
    m = mha_module(rng, 24, 3)
    q, kv = randn(rng, 3, 5, 24), randn(rng, 3, 7, 24)
    keep = np.ones((3, 7), dtype=bool)
    keep[0, 4:] = False
    keep[2, :] = False  # every key padded: the rows give out_proj's bias
    return Expect("mha_padding", [q, kv, kv, keep] + mha_weights(m),
                  run_mha(m, q, kv, kv, kpm_keep=keep), 1e-4)


@case
def mha_padding_causal(rng):
    m = mha_module(rng, 20, 5)
    x = randn(rng, 2, 6, 20)
    keep = np.ones((2, 6), dtype=bool)
    keep[1, 3:] = False
    return Expect("mha_padding_causal", [x, keep] + mha_weights(m),
                  run_mha(m, x, x, x, kpm_keep=keep, causal=True), 1e-4)


@case
def mha_separate_weights(rng):
    m = mha_module(rng, 24, 4, kdim=10, vdim=14)
    q, k, v = randn(rng, 2, 5, 24), randn(rng, 2, 3, 10), randn(rng, 2, 3, 14)
    weights = [m.q_proj_weight, m.k_proj_weight, m.v_proj_weight,
               m.in_proj_bias, m.out_proj.weight, m.out_proj.bias]
    weights = [w.detach().numpy() for w in weights]
    return Expect("mha_separate_weights", [q, k, v] + weights,
                  run_mha(m, q, k, v), 1e-4)


def grouped_mha(rng, entry, embed, heads, kv_heads, sq, skv, kdim=None,
                vdim=None, packed=True, self_attention=False, keep=None,
                causal=False):
    """tfm.multi_head_attention with kv_heads: q/k/v projections (rows q,
    then k, then v of a packed [(H + 2*Hkv)*D, E] weight, or separate
    weights [E, E], [Hkv*D, Kdim], [Hkv*D, Vdim]), heads split, attention
    with repeat_kv, heads merged, output projection."""
    d = embed // heads
    kv_embed = kv_heads * d
    kdim, vdim = kdim or embed, vdim or embed
    wq, bq = randn(rng, embed, embed, scale=0.2), randn(rng, embed)
    wk, bk = randn(rng, kv_embed, kdim, scale=0.2), randn(rng, kv_embed)
    wv, bv = randn(rng, kv_embed, vdim, scale=0.2), randn(rng, kv_embed)
    wo, bo = randn(rng, embed, embed, scale=0.2), randn(rng, embed)
    xq = randn(rng, 2, sq, embed)
    xk = xq if self_attention else randn(rng, 2, skv, kdim)
    xv = xq if self_attention else randn(rng, 2, skv, vdim)

    def split(x, w, b, n):
        y = t(x).double() @ t(w).double().T + t(b).double()
        return y.reshape(x.shape[0], x.shape[1], n, d).transpose(1, 2).numpy()

    q, k, v = split(xq, wq, bq, heads), split(xk, wk, bk, kv_heads), \
        split(xv, wv, bv, kv_heads)
    mask = None if keep is None else keep[:, None, None, :]
    o = t(reference_attention(q, k, v, mask, causal=causal)).double()
    merged = o.transpose(1, 2).reshape(2, sq, embed)
    ref = (merged @ t(wo).double().T + t(bo).double()).float().numpy()
    if packed:
        weights = [np.concatenate([wq, wk, wv]), np.concatenate([bq, bk, bv])]
    else:
        weights = [wq, wk, wv, bq, bk, bv]
    inputs = [xq] if self_attention else [xq, xk, xv]
    if keep is not None:
        inputs.append(keep)
    # Errors seen: up to 2.4e-6.
    return Expect(entry, inputs + weights + [wo, bo], ref, 3e-5)


@case
def mha_gqa_packed_self(rng):
    # E=48, 6 query heads, 2 key/value heads (D=8): one packed [80, 48]
    # projection for q, k and v; causal.
    return grouped_mha(rng, "mha_gqa_packed_self", 48, 6, 2, 7, 7,
                       self_attention=True, causal=True)


@case
def mha_gqa_packed_cross(rng):
    # Queries and keys/values from different inputs, packed weight, 3
    # key/value heads, a key padding mask hiding every key of batch 1.
    keep = np.ones((2, 9), dtype=bool)
    keep[0, 6:] = False
    keep[1] = False
    return grouped_mha(rng, "mha_gqa_packed_cross", 48, 6, 3, 5, 9, keep=keep)


@case
def mha_mqa_separate(rng):
    # Multi-query: one key/value head, separate weights [64, 64], [16, 20],
    # [16, 12].
    return grouped_mha(rng, "mha_mqa_separate", 64, 4, 1, 6, 8, kdim=20,
                       vdim=12, packed=False)


# --------------------------------------------------------------------------
# A whole encoder layer
# --------------------------------------------------------------------------

def encoder_layer_case(rng, entry, norm_first, activation, d_model=36,
                       heads=3, d_ff=50, batch=3, seq=7):
    torch.manual_seed(int(rng.integers(1 << 31)))
    layer = torch.nn.TransformerEncoderLayer(
        d_model, heads, d_ff, dropout=0.0, activation=activation,
        batch_first=True, norm_first=norm_first)
    layer.eval()
    x = randn(rng, batch, seq, d_model)
    keep = np.ones((batch, seq), dtype=bool)
    keep[1, 5:] = False
    keep[2, 2:] = False
    # Gradients stay enabled so torch takes its reference (not fast) path.
    out = layer(t(x), src_key_padding_mask=~t(keep)).detach().numpy()
    sd = layer.state_dict()
    names = ["self_attn.in_proj_weight", "self_attn.in_proj_bias",
             "self_attn.out_proj.weight", "self_attn.out_proj.bias",
             "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
             "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    weights = [sd[n].numpy() for n in names]
    where = np.broadcast_to(keep[:, :, None], out.shape)
    return Expect(entry, [x, keep] + weights, out, 1e-4, where)


@case
def encoder_layer_post_ln(rng):
    return encoder_layer_case(rng, "post_ln", False, "relu")


@case
def encoder_layer_pre_ln(rng):
    return encoder_layer_case(rng, "pre_ln", True, "gelu")


# --------------------------------------------------------------------------
# Sizes that are not multiples of the codegen's tiles (64, 32, 8)
# --------------------------------------------------------------------------

@case
def linear_gelu_awkward(rng):
    lin = torch.nn.Linear(520, 1000)
    x = randn(rng, 3, 77, 520)
    with torch.no_grad():
        ref = F.gelu(lin(t(x))).numpy()
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    return Expect("linear_gelu", [x, w, b], ref, 1e-4)


@case
def matmul_awkward(rng):
    a, b = randn(rng, 77, 130), randn(rng, 130, 33)
    return Expect("matmul", [a, b], a.astype(np.float64) @ b, 1e-4)


@case
def encoder_layer_awkward(rng):
    return encoder_layer_case(rng, "post_ln_awkward", False, "relu",
                              d_model=520, heads=8, d_ff=1000, seq=77)


# --------------------------------------------------------------------------

POISONS = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf,
           "big": np.float32(3.4e38), "-big": np.float32(-3.4e38)}


def run_executable(exe, expect, threads=None, inputs=None):
    inputs = expect.inputs if inputs is None else inputs
    with tempfile.TemporaryDirectory() as tmp:
        args = [exe, "--entry", expect.entry]
        if threads:
            args += ["--threads", str(threads)]
        for i, x in enumerate(inputs):
            path = os.path.join(tmp, f"arg{i}.npy")
            np.save(path, x)
            args.append(path)
        out = os.path.join(tmp, "out.npy")
        proc = subprocess.run(args + ["-o", out], capture_output=True,
                              text=True)
        if proc.returncode != 0:
            sys.exit(f"FAIL: {' '.join(args)} exited {proc.returncode}:\n"
                     f"{proc.stderr}")
        return np.load(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--exe", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="pass --threads N to the executable")
    parser.add_argument("--poison", action="append", choices=sorted(POISONS),
                        default=[],
                        help="also run with the keys and values that no "
                        "query sees filled with this value, and require "
                        "the bytes of the run with zeros there")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    expect = CASES[args.case](np.random.default_rng(args.seed))
    if args.poison and not expect.hidden:
        sys.exit(f"FAIL {args.case}: no hidden keys to poison")
    if args.poison:
        # A masked key contributes nothing, whatever its memory holds.
        got = run_executable(args.exe, expect, args.threads, expect.filled(0.0))
        for name in args.poison:
            poisoned = run_executable(args.exe, expect, args.threads,
                                      expect.filled(POISONS[name]))
            differ = int((poisoned.view(np.uint32) != got.view(np.uint32)).sum())
            print(f"{args.case}: hidden keys and values {name}: "
                  f"{differ} elements differ from zeros there")
            if differ:
                sys.exit(f"FAIL {args.case}: hidden keys and values set to "
                         f"{name} change {differ} output elements")
    else:
        got = run_executable(args.exe, expect, args.threads)
    want = np.asarray(expect.expected)
    if got.shape != want.shape:
        sys.exit(f"FAIL {args.case}: shape {got.shape}, expected {want.shape}")
    if got.dtype == np.bool_ or want.dtype == np.bool_:
        bad = int((got != want).sum())
        print(f"{args.case}: {bad} mismatching elements")
        sys.exit(1 if bad else 0)
    where = np.ones(want.shape, bool) if expect.where is None else expect.where
    if np.isnan(got[where]).any():
        sys.exit(f"FAIL {args.case}: NaN in the output")
    err = float(np.abs(got[where].astype(np.float64) - want[where]).max())
    print(f"{args.case}: max abs error {err:.3g} (tolerance {expect.tol:g})")
    if not err <= expect.tol:
        sys.exit(f"FAIL {args.case}: error {err:.3g} above {expect.tol:g}")


if __name__ == "__main__":
    main()
