"""Writes a small random Hugging Face llama (or, with --model-type bert,
BertModel) checkpoint directory for the frontend's error tests.

    make_hf_checkpoint.py DIR [--set KEY=JSON]... [--unset KEY]...
        [--drop TENSOR] [--shards N] [--model-type T]

--set changes config.json after the weights are written (so that a bad
value meets weights of the original shapes); --drop leaves a tensor out.
"""

import argparse
import json
import os
import sys

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
from hf_reference import (BertModel, LlamaForCausalLM,  # noqa: E402
                          write_checkpoint)
from tfm_export import write_safetensors  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--set", action="append", default=[])
p.add_argument("--unset", action="append", default=[])
p.add_argument("--drop")
p.add_argument("--shards", type=int, default=1)
p.add_argument("--model-type", choices=["llama", "bert"], default="llama")
a = p.parse_args()

config = dict(model_type="llama", vocab_size=32, hidden_size=16,
              intermediate_size=24, num_hidden_layers=1,
              num_attention_heads=2, num_key_value_heads=1,
              max_position_embeddings=16, rms_norm_eps=1e-6,
              bos_token_id=1, eos_token_id=2)
if a.model_type == "bert":
    config = dict(model_type="bert", vocab_size=32, hidden_size=16,
                  num_hidden_layers=1, num_attention_heads=2,
                  intermediate_size=24, hidden_act="gelu",
                  max_position_embeddings=16, type_vocab_size=2,
                  layer_norm_eps=1e-12, pad_token_id=0,
                  position_embedding_type="absolute")
torch.manual_seed(0)
model = (BertModel if a.model_type == "bert" else LlamaForCausalLM)(config)
write_checkpoint(model, config, a.dir, shards=a.shards)
if a.drop:
    state = {k: v for k, v in model.state_dict().items() if k != a.drop}
    write_safetensors(state, os.path.join(a.dir, "model.safetensors"))
path = os.path.join(a.dir, "config.json")
with open(path) as f:
    config = json.load(f)
for item in a.set:
    key, value = item.split("=", 1)
    config[key] = json.loads(value)
for key in a.unset:
    config.pop(key)
with open(path, "w") as f:
    json.dump(config, f)
