"""Writes a small random gpt2 checkpoint directory for tfmc's tests.

usage: make_gpt2_checkpoint.py DIR [--set KEY=JSON]... [--drop TENSOR]...
           [--transpose TENSOR]... [--buffers] [--lm-head]

The model is python/hf_reference.py's GPT2LMHeadModel (2 layers, n_embd
16, 2 heads, vocabulary 11, 8 positions). --set changes config.json after
the weights are written (so that any value can be tried); --drop leaves a
tensor out, --transpose stores one transposed (a Conv1D weight in
nn.Linear's layout); --buffers adds the attn.bias and attn.masked_bias
buffers older transformers saved; --lm-head saves the tied lm_head.weight.
"""

import argparse
import json
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "python"))
from hf_reference import GPT2LMHeadModel  # noqa: E402
from tfm_export import write_safetensors  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--drop", action="append", default=[])
    parser.add_argument("--transpose", action="append", default=[])
    parser.add_argument("--buffers", action="store_true")
    parser.add_argument("--lm-head", action="store_true")
    args = parser.parse_args()
    config = dict(model_type="gpt2", vocab_size=11, n_embd=16, n_layer=2,
                  n_head=2, n_positions=8, bos_token_id=1, eos_token_id=2)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config)
    state = dict(model.state_dict())
    if not args.lm_head:
        del state["lm_head.weight"]
    if args.buffers:
        p = config["n_positions"]
        for i in range(config["n_layer"]):
            state[f"transformer.h.{i}.attn.bias"] = torch.tril(
                torch.ones(p, p)).view(1, 1, p, p)
            state[f"transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    for name in args.drop:
        del state[name]
    for name in args.transpose:
        state[name] = state[name].t()
    os.makedirs(args.dir, exist_ok=True)
    write_safetensors(state, os.path.join(args.dir, "model.safetensors"))
    for item in args.set:
        key, value = item.split("=", 1)
        config[key] = json.loads(value)
    with open(os.path.join(args.dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)


if __name__ == "__main__":
    main()
