"""The two generation cases of bench/generation and their PyTorch peers.

    models.py make WORKDIR            # model.json/safetensors + ONNX peers
    models.py torch WORKDIR CASE [--threads N] [--new N]  # PyTorch cached loop

Weights are seeded random (no pretrained weights are reachable here). The
eos logit is pushed down (output bias -1e4) so that every peer generates the
full number of tokens; ids are printed so that run.sh can check that tfmc,
PyTorch and ONNX Runtime agree.

The decoder-step module takes explicit past keys/values [N, B, H, L, Dh]
and returns them grown by the new positions, as Hugging Face's exports do;
the same module runs PyTorch's cached loop and is exported to ONNX.
"""

import argparse
import json
import math
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

CASES = {
    "decoder": dict(
        architecture="decoder", d_model=512, num_heads=8, d_ff=2048,
        num_layers=6, vocab_size=8000, max_seq_len=288,
        positional_encoding="sinusoidal", activation="gelu", norm_first=True,
        embedding_scale=True, final_norm=True, pad_id=0, bos_id=1, eos_id=2),
    "encoder-decoder": dict(
        architecture="encoder-decoder", d_model=512, num_heads=8, d_ff=2048,
        num_encoder_layers=6, num_decoder_layers=6, src_vocab_size=8000,
        tgt_vocab_size=8000, max_seq_len=96, positional_encoding="sinusoidal",
        activation="relu", norm_first=False, embedding_scale=True,
        final_norm=True, pad_id=0, bos_id=1, eos_id=2),
}
PROMPT = 32  # prompt or source length
NEW = {"decoder": 256, "encoder-decoder": 64}


def prompt_ids(case):
    import numpy as np
    rng = np.random.default_rng(7)
    return rng.integers(3, 8000, size=(1, PROMPT)).astype(np.int64)


def build_model(case):
    import torch
    from tfm_reference import build
    c = CASES[case]
    model = build(c, seed=0)
    with torch.no_grad():
        # nn.TransformerEncoder/Decoder start every layer as a copy of the
        # first; distinct layers keep an exporter from sharing one weight
        # set between them (which would make the peer's weights fit in
        # cache).
        if case == "encoder-decoder":
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.01)
        head = model.lm_head if case == "decoder" else model.generator
        head.bias[c["eos_id"]] = -1e4
    return model



def step_module(model, c):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from tfm_reference import sinusoidal_table

    class DecoderStep(nn.Module):
        def __init__(self):
            super().__init__()
            self.c = c
            self.cross = c["architecture"] == "encoder-decoder"
            if self.cross:
                self.embed, self.layers = model.tgt_embed, model.decoder.layers
                self.norm, self.head = model.decoder.norm, model.generator
            else:
                self.embed, self.layers = model.embed, model.layers
                self.norm = getattr(model, "norm", None)
                self.head = model.lm_head
            self.register_buffer(
                "pe", sinusoidal_table(c["max_seq_len"], c["d_model"]))
            self.heads = c["num_heads"]
            self.act = F.gelu if c["activation"] == "gelu" else F.relu

        def split(self, x):
            b, s, d = x.shape
            return x.view(b, s, self.heads, d // self.heads).transpose(1, 2)

        def attend(self, q, k, v, mask):
            scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
            if mask is not None:
                scores = scores.masked_fill(mask, float("-inf"))
            o = torch.softmax(scores, -1) @ v
            b, h, s, dh = o.shape
            return o.transpose(1, 2).reshape(b, s, h * dh)

        def forward(self, ids, past_k, past_v, cross_k=None, cross_v=None):
            s = ids.shape[1]
            past = past_k.shape[3]
            positions = torch.arange(s) + past
            x = self.embed(ids)
            if self.c["embedding_scale"]:
                x = x * math.sqrt(self.c["d_model"])
            x = x + self.pe[positions]
            # Query i sees keys up to past + i.
            mask = torch.ones(s, past + s, dtype=torch.bool).triu(past + 1)
            d = self.c["d_model"]
            new_k, new_v = [], []
            for i, layer in enumerate(self.layers):
                sa = layer.self_attn

                def self_attention(h):
                    q, k, v = F.linear(h, sa.in_proj_weight,
                                       sa.in_proj_bias).chunk(3, -1)
                    k = torch.cat([past_k[i], self.split(k)], 2)
                    v = torch.cat([past_v[i], self.split(v)], 2)
                    new_k.append(k)
                    new_v.append(v)
                    return sa.out_proj(self.attend(self.split(q), k, v, mask))

                def cross_attention(h):
                    ca = layer.multihead_attn
                    q = F.linear(h, ca.in_proj_weight[:d], ca.in_proj_bias[:d])
                    return ca.out_proj(
                        self.attend(self.split(q), cross_k[i], cross_v[i], None))

                def ff(h):
                    return layer.linear2(self.act(layer.linear1(h)))

                last = layer.norm3 if self.cross else layer.norm2
                if self.c["norm_first"]:
                    x = x + self_attention(layer.norm1(x))
                    if self.cross:
                        x = x + cross_attention(layer.norm2(x))
                    x = x + ff(last(x))
                else:
                    x = layer.norm1(x + self_attention(x))
                    if self.cross:
                        x = layer.norm2(x + cross_attention(x))
                    x = last(x + ff(x))
            if self.norm is not None:
                x = self.norm(x)
            logits = self.head(x[:, -1])
            return logits, torch.stack(new_k), torch.stack(new_v)

    return DecoderStep()


def cross_module(model, c):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class EncoderCross(nn.Module):
        """The encoder, then every decoder layer's cross keys/values."""

        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, src):
            memory = self.model.encode(src)
            d, h = c["d_model"], c["num_heads"]
            ks, vs = [], []
            for layer in self.model.decoder.layers:
                w, b = layer.multihead_attn.in_proj_weight, layer.multihead_attn.in_proj_bias
                for out, rows in ((ks, slice(d, 2 * d)), (vs, slice(2 * d, 3 * d))):
                    x = F.linear(memory, w[rows], b[rows])
                    bs, s, _ = x.shape
                    out.append(x.view(bs, s, h, d // h).transpose(1, 2))
            return torch.stack(ks), torch.stack(vs)

    return EncoderCross()


def empty_past(c, batch=1):
    import torch
    n = c.get("num_layers", c.get("num_decoder_layers"))
    h = c["num_heads"]
    return torch.zeros(n, batch, h, 0, c["d_model"] // h)


def make(workdir, only=None):
    import numpy as np
    import torch
    from tfm_export import export
    for case, c in CASES.items():
        if only and case != only:
            continue
        d = os.path.join(workdir, case)
        os.makedirs(d, exist_ok=True)
        model = build_model(case)
        export(model, c, d)
        np.save(os.path.join(d, "prompt.npy"), prompt_ids(case))
        step = step_module(model, c)
        src = torch.from_numpy(prompt_ids(case))
        past = empty_past(c)
        # torch 1.13's inference fast paths cannot be exported: keep grad on.
        with torch.enable_grad():
            if case == "decoder":
                torch.onnx.export(
                    step, (src, past, past), os.path.join(d, "step.onnx"),
                    input_names=["ids", "past_k", "past_v"],
                    output_names=["logits", "k", "v"],
                    dynamic_axes={"ids": {0: "b", 1: "s"},
                                  "past_k": {1: "b", 3: "l"},
                                  "past_v": {1: "b", 3: "l"}},
                    opset_version=17)
            else:
                enc = cross_module(model, c)
                ck, cv = enc(src)
                torch.onnx.export(
                    enc, (src,), os.path.join(d, "encoder.onnx"),
                    input_names=["src"], output_names=["cross_k", "cross_v"],
                    dynamic_axes={"src": {0: "b", 1: "s"}}, opset_version=17)
                bos = torch.tensor([[c["bos_id"]]])
                torch.onnx.export(
                    step, (bos, past, past, ck, cv),
                    os.path.join(d, "step.onnx"),
                    input_names=["ids", "past_k", "past_v", "cross_k", "cross_v"],
                    output_names=["logits", "k", "v"],
                    dynamic_axes={"ids": {0: "b", 1: "s"},
                                  "past_k": {1: "b", 3: "l"},
                                  "past_v": {1: "b", 3: "l"},
                                  "cross_k": {1: "b", 3: "m"},
                                  "cross_v": {1: "b", 3: "m"}},
                    opset_version=17)
        print(f"{case}: {d}")


def torch_loop(workdir, case, new):
    """PyTorch running the cached loop; prints the same stats line as the
    compiled models' --stats, then the ids."""
    import torch
    c = CASES[case]
    model = build_model(case)
    step = step_module(model, c)
    src = torch.from_numpy(prompt_ids(case))
    times, ids = [], []
    with torch.no_grad():
        t0 = time.perf_counter()
        past_k = past_v = empty_past(c)
        extra = ()
        if case == "decoder":
            logits, past_k, past_v = step(src, past_k, past_v)
        else:
            extra = cross_module(model, c)(src)
            logits, past_k, past_v = step(torch.tensor([[c["bos_id"]]]),
                                          past_k, past_v, *extra)
        token = int(torch.argmax(logits[0]))
        ids.append(token)
        prefill = (time.perf_counter() - t0) * 1e3
        while len(ids) < new:
            t0 = time.perf_counter()
            logits, past_k, past_v = step(torch.tensor([[token]]), past_k,
                                          past_v, *extra)
            token = int(torch.argmax(logits[0]))
            ids.append(token)
            times.append((time.perf_counter() - t0) * 1e3)
    report(prefill, times, len(ids))
    print(" ".join(map(str, ids)))


def report(prefill, times, generated):
    w = min(16, len(times))
    first = sum(times[:w]) / w if w else 0
    last = sum(times[-w:]) / w if w else 0
    total = prefill + sum(times)
    print(f"stats: prompt_len={PROMPT} generated={generated} "
          f"prefill_ms={prefill:.3f} decode_ms_first16={first:.3f} "
          f"decode_ms_last16={last:.3f} "
          f"tokens_per_s={generated * 1000 / total:.2f}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("what", choices=["make", "torch"])
    p.add_argument("workdir")
    p.add_argument("case", nargs="?", choices=sorted(CASES))
    p.add_argument("--new", type=int)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    if a.what == "torch":
        import torch
        torch.set_num_threads(a.threads)
    if a.what == "make":
        make(a.workdir, a.case)
    else:
        torch_loop(a.workdir, a.case, a.new or NEW[a.case])


if __name__ == "__main__":
    main()
