"""PyTorch references of Hugging Face decoder checkpoints, written from
transformers' modeling code (transformers itself is not installable here):
modeling_llama.py (LlamaRMSNorm, LlamaRotaryEmbedding and the rope
initialization functions of modeling_rope_utils.py, rotate_half,
apply_rotary_pos_emb, repeat_kv, eager attention, LlamaMLP,
LlamaDecoderLayer, LlamaForCausalLM), which Qwen2 (q/k/v biases) and
Mistral share; and modeling_gpt2.py (Conv1D, GPT2Attention's eager path,
GPT2MLP, GPT2Block, GPT2LMHeadModel).

    from hf_reference import LlamaForCausalLM, write_checkpoint
    model = LlamaForCausalLM(config)        # config: a config.json dict
    model = GPT2LMHeadModel(config)         # model_type "gpt2"
    logits = model(ids)                     # ids [B, S] without padding
    write_checkpoint(model, config, dir)    # config.json + safetensors

Needs torch and numpy only.
"""

import json
import math
import os

import torch
from torch import nn

from tfm_export import write_safetensors


def rope_parameters(c, head_dim):
    """inv_freq and the rotary dimension, as modeling_rope_utils computes
    them (_compute_default_rope_parameters, _compute_linear_scaling_rope_
    parameters, _compute_llama3_parameters)."""
    base = c.get("rope_theta", 10000.0)
    dim = int(head_dim * c.get("partial_rotary_factor", 1.0))
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64)
                               .float() / dim))
    scaling = c.get("rope_scaling") or {}
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    if kind == "linear":
        inv_freq /= scaling["factor"]
    elif kind == "llama3":
        factor = scaling["factor"]
        low_freq_factor = scaling["low_freq_factor"]
        high_freq_factor = scaling["high_freq_factor"]
        old_context_len = scaling["original_max_position_embeddings"]
        low_freq_wavelen = old_context_len / low_freq_factor
        high_freq_wavelen = old_context_len / high_freq_factor
        wavelen = 2 * math.pi / inv_freq
        inv_freq_llama = torch.where(wavelen > low_freq_wavelen,
                                     inv_freq / factor, inv_freq)
        smooth_factor = (old_context_len / wavelen - low_freq_factor) / (
            high_freq_factor - low_freq_factor)
        smoothed_inv_freq = ((1 - smooth_factor) * inv_freq_llama / factor +
                             smooth_factor * inv_freq_llama)
        is_medium_freq = ~(wavelen < high_freq_wavelen) * \
            ~(wavelen > low_freq_wavelen)
        inv_freq = torch.where(is_medium_freq, smoothed_inv_freq,
                               inv_freq_llama)
    elif kind != "default":
        raise ValueError(f"rope type {kind}")
    return inv_freq, dim


class RMSNorm(nn.Module):
    def __init__(self, hidden, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance +
                                                    self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin, rotary_dim):
    """Llama's apply_rotary_pos_emb; with a partial rotary dimension, the
    first rotary_dim features rotate and the rest pass (as GPT-NeoX)."""
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)

    def rotate(x):
        rot, rest = x[..., :rotary_dim], x[..., rotary_dim:]
        return torch.cat((rot * cos + rotate_half(rot) * sin, rest), dim=-1)
    return rotate(q), rotate(k)


def repeat_kv(hidden_states, n_rep):
    batch, kv_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(
        batch, kv_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, kv_heads * n_rep, slen, head_dim)


class Attention(nn.Module):
    def __init__(self, c, qkv_bias, o_bias):
        super().__init__()
        e = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads", self.heads)
        self.head_dim = c.get("head_dim") or e // self.heads
        self.q_proj = nn.Linear(e, self.heads * self.head_dim, bias=qkv_bias)
        self.k_proj = nn.Linear(e, self.kv_heads * self.head_dim,
                                bias=qkv_bias)
        self.v_proj = nn.Linear(e, self.kv_heads * self.head_dim,
                                bias=qkv_bias)
        self.o_proj = nn.Linear(self.heads * self.head_dim, e, bias=o_bias)
        inv_freq, self.rotary_dim = rope_parameters(c, self.head_dim)
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def rotary(self, x, position_ids):
        # LlamaRotaryEmbedding.forward (attention_scaling 1 for these types)
        inv = self.inv_freq[None, :, None].float().expand(
            position_ids.shape[0], -1, 1)
        pos = position_ids[:, None, :].float()
        freqs = (inv.float() @ pos.float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)

    def forward(self, h, position_ids):
        b, s, _ = h.shape
        shape = (b, s, -1, self.head_dim)
        q = self.q_proj(h).view(shape).transpose(1, 2)
        k = self.k_proj(h).view(shape).transpose(1, 2)
        v = self.v_proj(h).view(shape).transpose(1, 2)
        cos, sin = self.rotary(v, position_ids)
        q, k = apply_rotary_pos_emb(q, k, cos, sin, self.rotary_dim)
        groups = self.heads // self.kv_heads
        k, v = repeat_kv(k, groups), repeat_kv(v, groups)
        scores = q @ k.transpose(2, 3) * self.head_dim ** -0.5
        causal = torch.triu(torch.ones(s, s, dtype=torch.bool), 1)
        scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        weights = nn.functional.softmax(scores, dim=-1,
                                        dtype=torch.float32).to(q.dtype)
        out = (weights @ v).transpose(1, 2).reshape(b, s, -1)
        return self.o_proj(out)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        e, f = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(e, f, bias=False)
        self.up_proj = nn.Linear(e, f, bias=False)
        self.down_proj = nn.Linear(f, e, bias=False)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) *
                              self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c, qkv_bias, o_bias):
        super().__init__()
        eps = c.get("rms_norm_eps", 1e-6)
        self.self_attn = Attention(c, qkv_bias, o_bias)
        self.mlp = MLP(c)
        self.input_layernorm = RMSNorm(c["hidden_size"], eps)
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], eps)

    def forward(self, x, position_ids):
        x = x + self.self_attn(self.input_layernorm(x), position_ids)
        return x + self.mlp(self.post_attention_layernorm(x))


class Model(nn.Module):
    def __init__(self, c, qkv_bias, o_bias):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(
            DecoderLayer(c, qkv_bias, o_bias)
            for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c.get("rms_norm_eps", 1e-6))

    def forward(self, ids):
        x = self.embed_tokens(ids)
        positions = torch.arange(ids.shape[1])[None].expand(ids.shape[0], -1)
        for layer in self.layers:
            x = layer(x, positions)
        return self.norm(x)


class LlamaForCausalLM(nn.Module):
    """Also Qwen2ForCausalLM (q/k/v biases) and MistralForCausalLM."""

    def __init__(self, c):
        super().__init__()
        qwen2 = c["model_type"] == "qwen2"
        bias = c.get("attention_bias", False)
        self.config = c
        self.model = Model(c, qkv_bias=qwen2 or bias, o_bias=bias and not qwen2)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"],
                                 bias=False)
        if c.get("tie_word_embeddings", False):
            self.lm_head.weight = self.model.embed_tokens.weight

    def forward(self, ids):
        return self.lm_head(self.model(ids))


class Conv1D(nn.Module):
    """transformers' pytorch_utils.Conv1D: a linear map whose weight is
    stored [in, out] (nf outputs, nx inputs). Initialized as nn.Linear is,
    for unit-scale activations (GPT-2's own init uses std 0.02)."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        bound = 1 / math.sqrt(nx)
        self.weight = nn.Parameter(torch.empty(nx, nf).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(nf).uniform_(-bound, bound))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


def gpt2_activation(name):
    """ACT2FN's entries GPT-2 configs name."""
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        # NewGELUActivation: the tanh approximation, written out.
        return lambda x: 0.5 * x * (1.0 + torch.tanh(
            math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    if name == "gelu":
        return nn.functional.gelu
    if name == "relu":
        return nn.functional.relu
    raise ValueError(f"activation {name}")


class GPT2Attention(nn.Module):
    """Self-attention, eager path (_attn): scores / sqrt(head size), the
    causal mask filled with finfo.min, softmax, dropout off."""

    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.heads = c["n_head"]
        self.head_dim = e // self.heads
        self.split_size = e
        self.c_attn = Conv1D(3 * e, e)
        self.c_proj = Conv1D(e, e)

    def _split_heads(self, t):
        return t.view(t.size()[:-1] + (self.heads, self.head_dim)).permute(
            0, 2, 1, 3)

    def forward(self, h):
        query, key, value = self.c_attn(h).split(self.split_size, dim=2)
        q, k, v = (self._split_heads(t) for t in (query, key, value))
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
        s = q.size(-2)
        causal = torch.tril(torch.ones((s, s), dtype=torch.bool))
        w = torch.where(causal, w, torch.full([], torch.finfo(w.dtype).min))
        w = nn.functional.softmax(w, dim=-1).type(v.dtype)
        out = torch.matmul(w, v).permute(0, 2, 1, 3).contiguous()
        return self.c_proj(out.view(out.size()[:-2] + (-1,)))


class GPT2MLP(nn.Module):
    def __init__(self, inner, c):
        super().__init__()
        self.c_fc = Conv1D(inner, c["n_embd"])
        self.c_proj = Conv1D(c["n_embd"], inner)
        self.act = gpt2_activation(c.get("activation_function", "gelu_new"))

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        e, eps = c["n_embd"], c.get("layer_norm_epsilon", 1e-5)
        inner = c.get("n_inner") or 4 * e
        self.ln_1 = nn.LayerNorm(e, eps=eps)
        self.attn = GPT2Attention(c)
        self.ln_2 = nn.LayerNorm(e, eps=eps)
        self.mlp = GPT2MLP(inner, c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.wte = nn.Embedding(c["vocab_size"], e)
        self.wpe = nn.Embedding(c["n_positions"], e)
        self.h = nn.ModuleList(GPT2Block(c) for _ in range(c["n_layer"]))
        self.ln_f = nn.LayerNorm(e, eps=c.get("layer_norm_epsilon", 1e-5))

    def forward(self, ids):
        positions = torch.arange(ids.shape[1])[None]
        x = self.wte(ids) + self.wpe(positions)
        for block in self.h:
            x = block(x)
        return self.ln_f(x)


class GPT2LMHeadModel(nn.Module):
    """logits = ln_f(h) @ lm_head; lm_head is wte unless
    tie_word_embeddings is false (PretrainedConfig ties by default)."""

    def __init__(self, c):
        super().__init__()
        self.config = c
        self.transformer = GPT2Model(c)
        self.lm_head = nn.Linear(c["n_embd"], c["vocab_size"], bias=False)
        if c.get("tie_word_embeddings", True):
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, ids):
        return self.lm_head(self.transformer(ids))


def causal_lm(config):
    """The reference model of a config.json dict's model_type."""
    if config["model_type"] == "gpt2":
        return GPT2LMHeadModel(config)
    return LlamaForCausalLM(config)


def greedy(model, rows, max_new, eos_ids, limit):
    """Greedy decoding of each prompt (a list of ids) on its own, as
    generate() does for batch 1: argmax, stop at any eos id, at max_new new
    tokens or when the sequence reaches `limit`. Returns the new ids per
    row (eos not included) and the smallest gap between the two most likely
    tokens over all steps."""
    out, gap = [], float("inf")
    for prompt in rows:
        seq, new = list(prompt), []
        while len(new) < max_new and len(seq) < limit:
            logits = model(torch.tensor([seq]))[0, -1].detach().double()
            top = torch.topk(logits, 2).values
            gap = min(gap, float(top[0] - top[1]))
            token = int(torch.argmax(logits))
            if token in eos_ids:
                break
            new.append(token)
            seq.append(token)
        out.append(new)
    return out, gap


def write_checkpoint(model, config, out_dir, dtype=torch.float32, shards=1,
                     generation_config=None):
    """A Hugging Face checkpoint directory: config.json, the weights in
    `dtype` as model.safetensors or `shards` files with
    model.safetensors.index.json, and generation_config.json when given.
    Tied weights are saved once, as save_pretrained does."""
    os.makedirs(out_dir, exist_ok=True)
    state = model.state_dict()
    tied_default = config["model_type"] == "gpt2"
    if config.get("tie_word_embeddings", tied_default):
        state.pop("lm_head.weight", None)
    names = sorted(state)
    tensors = {n: state[n].detach().to(dtype) for n in names}
    if shards == 1:
        write_safetensors(tensors, os.path.join(out_dir, "model.safetensors"))
    else:
        weight_map = {}
        for i in range(shards):
            part = names[i::shards]
            file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
            write_safetensors({n: tensors[n] for n in part},
                              os.path.join(out_dir, file))
            weight_map.update({n: file for n in part})
        with open(os.path.join(out_dir, "model.safetensors.index.json"),
                  "w") as f:
            json.dump({"metadata": {}, "weight_map": weight_map}, f,
                      indent=2)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(dict(config, torch_dtype=str(dtype).split(".")[-1],
                       architectures=[type(model).__name__]), f, indent=2)
    if generation_config is not None:
        with open(os.path.join(out_dir, "generation_config.json"), "w") as f:
            json.dump(generation_config, f, indent=2)


# BERT, from modeling_bert.py: BertEmbeddings, BertSelfAttention (eager,
# with the extended attention mask), BertSelfOutput, BertIntermediate,
# BertOutput, BertLayer, BertModel (last_hidden_state; the pooler is not
# computed).

def bert_activation(name):
    """ACT2FN of activations.py for the names BERT configs use."""
    if name == "gelu":
        return nn.functional.gelu  # GELUActivation: erf
    if name == "gelu_new":  # NewGELUActivation
        return lambda x: 0.5 * x * (1.0 + torch.tanh(
            math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    if name == "gelu_pytorch_tanh":
        return lambda x: nn.functional.gelu(x, approximate="tanh")
    if name == "relu":
        return nn.functional.relu
    raise ValueError(f"hidden_act {name}")


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["hidden_size"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], e,
                                            padding_idx=c.get("pad_token_id"))
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"],
                                                e)
        self.token_type_embeddings = nn.Embedding(c.get("type_vocab_size", 2),
                                                  e)
        self.LayerNorm = nn.LayerNorm(e, eps=c.get("layer_norm_eps", 1e-12))

    def forward(self, ids, token_type_ids):
        positions = torch.arange(ids.shape[1])[None]
        embeddings = self.word_embeddings(ids) + \
            self.token_type_embeddings(token_type_ids)
        embeddings += self.position_embeddings(positions)
        return self.LayerNorm(embeddings)


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.head_size = e // self.heads
        self.query = nn.Linear(e, e)
        self.key = nn.Linear(e, e)
        self.value = nn.Linear(e, e)

    def forward(self, x, extended_mask):
        b, s, _ = x.shape

        def heads(t):
            return t.view(b, s, self.heads, self.head_size).transpose(1, 2)
        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(
            self.head_size)
        scores = scores + extended_mask
        probs = nn.functional.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(b, s, -1)


class BertDenseNorm(nn.Module):
    """BertSelfOutput and BertOutput: LayerNorm(dense(h) + input)."""

    def __init__(self, c, inputs):
        super().__init__()
        self.dense = nn.Linear(inputs, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"],
                                      eps=c.get("layer_norm_eps", 1e-12))

    def forward(self, h, input_tensor):
        return self.LayerNorm(self.dense(h) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertDenseNorm(c, c["hidden_size"])

    def forward(self, x, extended_mask):
        return self.output(self.self(x, extended_mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.act = bert_activation(c.get("hidden_act", "gelu"))

    def forward(self, x):
        return self.act(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertDenseNorm(c, c["intermediate_size"])

    def forward(self, x, extended_mask):
        a = self.attention(x, extended_mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(c)
                                   for _ in range(c["num_hidden_layers"]))


class BertPooler(nn.Module):
    """Saved with BertModel's weights; its output is not compared."""

    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def forward(self, ids, token_type_ids=None, attention_mask=None):
        """last_hidden_state [B, S, E]; attention_mask [B, S] (1 = attend)
        as the tokenizer gives it, all ones when None."""
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(ids)
        if attention_mask is None:
            attention_mask = torch.ones_like(ids)
        # get_extended_attention_mask: [B, 1, 1, S], 0 or the dtype's min.
        extended = (1.0 - attention_mask[:, None, None, :].float()) * \
            torch.finfo(torch.float32).min
        x = self.embeddings(ids, token_type_ids)
        for layer in self.encoder.layer:
            x = layer(x, extended)
        return x


class BertForMaskedLM(nn.Module):
    """The base model under `bert.` and the masked-LM head's tensors
    (cls.predictions.*), which tfmc does not compute."""

    def __init__(self, c):
        super().__init__()
        self.config = c
        self.bert = BertModel(c)
        e = c["hidden_size"]
        self.cls = nn.Module()
        self.cls.predictions = nn.Module()
        self.cls.predictions.transform = nn.Module()
        self.cls.predictions.transform.dense = nn.Linear(e, e)
        self.cls.predictions.transform.LayerNorm = nn.LayerNorm(e)
        self.cls.predictions.bias = nn.Parameter(torch.zeros(c["vocab_size"]))

    def forward(self, *args, **kw):
        return self.bert(*args, **kw)
