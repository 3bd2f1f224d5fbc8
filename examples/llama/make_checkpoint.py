"""Writes a small random Llama checkpoint directory, as Hugging Face
publishes them (config.json, model.safetensors in bf16,
generation_config.json), and prints what the PyTorch reference
(python/hf_reference.py, written from transformers' modeling_llama)
generates greedily for the prompts run.sh gives. Nothing is downloaded.

    make_checkpoint.py DIR
"""

import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from hf_reference import LlamaForCausalLM, greedy, write_checkpoint  # noqa

# SmolLM's shape, scaled down: grouped-query attention (4 query heads, 2
# key/value heads), rotary positions with Llama 3's scaling, tied
# embeddings.
CONFIG = dict(model_type="llama", vocab_size=64, hidden_size=64,
              intermediate_size=128, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2,
              max_position_embeddings=32, rms_norm_eps=1e-5,
              rope_theta=500000.0, tie_word_embeddings=False,
              rope_scaling=dict(rope_type="llama3", factor=8.0,
                                low_freq_factor=1.0, high_freq_factor=4.0,
                                original_max_position_embeddings=16),
              hidden_act="silu", bos_token_id=1, eos_token_id=2)
PROMPTS = [[5, 9, 13], [7, 30, 41, 12, 8]]


def main():
    out = sys.argv[1]
    torch.manual_seed(7)
    model = LlamaForCausalLM(CONFIG).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(p.to(torch.bfloat16).float())  # what the file holds
    write_checkpoint(model, CONFIG, out, dtype=torch.bfloat16,
                     generation_config=dict(bos_token_id=1, eos_token_id=2))
    pad = CONFIG["vocab_size"]
    ids = np.full((len(PROMPTS), max(map(len, PROMPTS))), pad, np.int64)
    for b, p in enumerate(PROMPTS):
        ids[b, :len(p)] = p
    np.save(os.path.join(out, "prompts.npy"), ids)
    with torch.no_grad():
        rows, _ = greedy(model, PROMPTS, 8, [CONFIG["eos_token_id"]],
                         CONFIG["max_position_embeddings"])
    print(f"wrote {out}")
    print("PyTorch greedy, --max-new-tokens 8: " +
          " | ".join(" ".join(map(str, r)) for r in rows))


if __name__ == "__main__":
    main()
