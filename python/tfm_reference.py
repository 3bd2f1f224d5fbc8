"""Reference PyTorch models laid out as tfmc's model format expects
(docs/model-format.md), with the greedy loop tfmc's executables run.

    model = build(config)          # seeded default initialisation by torch
    model.eval()
    hidden = model(ids)            # encoder: [B, S, D], zero at padding
    logits = model(ids)            # decoder: [B, S, V]
    logits = model(src, tgt)       # encoder-decoder: [B, T, V]
    rows = greedy(model, config, ids, max_new_tokens)

Masks follow the format: padding from pad_id on sources/inputs (also for
cross-attention) and on targets as keys; look-ahead masks in decoders.
"""

import math

import torch
import torch.nn as nn


def sinusoidal_table(length, dim):
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64) *
                    (-math.log(10000.0) / dim))
    pe = torch.zeros(length, dim, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe.float()


def causal_mask(n):
    return torch.triu(torch.ones(n, n, dtype=torch.bool), 1)


def _gelu_tanh(x):
    return torch.nn.functional.gelu(x, approximate="tanh")


ACTIVATIONS = {"relu": "relu", "gelu": "gelu", "gelu_tanh": _gelu_tanh}


def _layer_kwargs(c):
    return dict(d_model=c["d_model"], nhead=c["num_heads"],
                dim_feedforward=c["d_ff"], dropout=0.0,
                activation=ACTIVATIONS[c["activation"]], batch_first=True,
                norm_first=c["norm_first"],
                layer_norm_eps=c.get("layer_norm_eps", 1e-5))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocab_size"], c["d_model"])
        if c["positional_encoding"] == "learned":
            self.pos = nn.Embedding(c["max_seq_len"], c["d_model"])
        norm = (nn.LayerNorm(c["d_model"], eps=c.get("layer_norm_eps", 1e-5))
                if c.get("final_norm") else None)
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(**_layer_kwargs(c)), c["num_layers"],
            norm=norm, enable_nested_tensor=False)

    def forward(self, ids):
        x = _embed(self, self.embed, getattr(self, "pos", None), ids)
        h = self.encoder(x, src_key_padding_mask=ids == self.c["pad_id"])
        return h.masked_fill((ids == self.c["pad_id"])[..., None], 0.0)


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocab_size"], c["d_model"])
        if c["positional_encoding"] == "learned":
            self.pos = nn.Embedding(c["max_seq_len"], c["d_model"])
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(**_layer_kwargs(c))
            for _ in range(c["num_layers"]))
        if c.get("final_norm"):
            self.norm = nn.LayerNorm(c["d_model"],
                                     eps=c.get("layer_norm_eps", 1e-5))
        if not c.get("tie_embeddings"):
            self.lm_head = nn.Linear(c["d_model"], c["vocab_size"])

    def forward(self, ids):
        x = _embed(self, self.embed, getattr(self, "pos", None), ids)
        mask = causal_mask(ids.shape[1])
        for layer in self.layers:
            x = layer(x, src_mask=mask,
                      src_key_padding_mask=ids == self.c["pad_id"])
        if self.c.get("final_norm"):
            x = self.norm(x)
        if self.c.get("tie_embeddings"):
            return x @ self.embed.weight.T
        return self.lm_head(x)


class EncoderDecoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d = c["d_model"]
        self.src_embed = nn.Embedding(c["src_vocab_size"], d)
        self.tgt_embed = nn.Embedding(c["tgt_vocab_size"], d)
        if c["positional_encoding"] == "learned":
            self.src_pos = nn.Embedding(c["max_seq_len"], d)
            self.tgt_pos = nn.Embedding(c["max_seq_len"], d)
        eps = c.get("layer_norm_eps", 1e-5)
        final = c.get("final_norm")
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(**_layer_kwargs(c)),
            c["num_encoder_layers"], norm=nn.LayerNorm(d, eps=eps) if final else None,
            enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(**_layer_kwargs(c)),
            c["num_decoder_layers"], norm=nn.LayerNorm(d, eps=eps) if final else None)
        self.generator = nn.Linear(d, c["tgt_vocab_size"])

    def encode(self, src):
        x = _embed(self, self.src_embed, getattr(self, "src_pos", None), src)
        return self.encoder(x, src_key_padding_mask=src == self.c["pad_id"])

    def decode(self, memory, src, tgt):
        y = _embed(self, self.tgt_embed, getattr(self, "tgt_pos", None), tgt)
        pad = self.c["pad_id"]
        y = self.decoder(y, memory, tgt_mask=causal_mask(tgt.shape[1]),
                         tgt_key_padding_mask=tgt == pad,
                         memory_key_padding_mask=src == pad)
        return self.generator(y)

    def forward(self, src, tgt):
        return self.decode(self.encode(src), src, tgt)


def _embed(model, table, pos, ids):
    c = model.c
    x = table(ids)
    if c["embedding_scale"]:
        x = x * math.sqrt(c["d_model"])
    n = ids.shape[1]
    if pos is not None:
        return x + pos.weight[:n]
    return x + sinusoidal_table(n, c["d_model"])


def build(config, seed=0):
    torch.manual_seed(seed)
    arch = config["architecture"]
    model = {"encoder": Encoder, "decoder": Decoder,
             "encoder-decoder": EncoderDecoder}[arch](config)
    model.eval()
    return model


def _argmax(logits):
    return int(torch.argmax(logits.detach()))


def greedy(model, config, ids, max_new_tokens):
    """The greedy loop of tfmc's executables: argmax (ties to the lowest id),
    each row stopping at eos_id. `ids` is [B, S] with trailing pad_id (the
    prompt for a decoder, the source for an encoder-decoder). Returns one
    list of new ids per row, without bos/eos.

    Gradients stay enabled: torch then takes its reference code path rather
    than the fused inference "fast path", which treats padding differently.
    """
    pad, bos, eos = config["pad_id"], config["bos_id"], config["eos_id"]
    limit = config["max_seq_len"]
    rows = []
    for b in range(ids.shape[0]):
        new = []
        if config["architecture"] == "decoder":
            seq = [int(i) for i in ids[b]]
            while seq and seq[-1] == pad:  # trailing padding only
                seq.pop()
            while len(new) < max_new_tokens and len(seq) < limit:
                token = _argmax(model(torch.tensor([seq]))[0, -1])
                if token == eos:
                    break
                new.append(token)
                seq.append(token)
        else:
            src = ids[b:b + 1]
            memory = model.encode(src)
            tgt = [bos]
            while len(new) < max_new_tokens and len(tgt) < limit:
                logits = model.decode(memory, src, torch.tensor([tgt]))[0, -1]
                token = _argmax(logits)
                if token == eos:
                    break
                new.append(token)
                tgt.append(token)
        rows.append(new)
    return rows
