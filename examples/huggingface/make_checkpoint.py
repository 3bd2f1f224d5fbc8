"""Writes a small random Hugging Face checkpoint directory, as Hugging Face
publishes them (config.json, model.safetensors in bf16,
generation_config.json), and prints what the PyTorch reference
(python/hf_reference.py, written from transformers' modeling code) computes
for the prompts run.sh gives: greedy ids for the decoders, the largest
hidden-state value for BERT. Nothing is downloaded.

    make_checkpoint.py MODEL_TYPE DIR     (llama, gpt2 or bert)
"""

import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from hf_reference import BertModel, causal_lm, greedy, write_checkpoint  # noqa

CONFIGS = {
    # SmolLM's shape, scaled down: grouped-query attention (4 query heads,
    # 2 key/value heads), rotary positions with Llama 3's scaling.
    "llama": dict(model_type="llama", vocab_size=64, hidden_size=64,
                  intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2,
                  max_position_embeddings=32, rms_norm_eps=1e-5,
                  rope_theta=500000.0,
                  rope_scaling=dict(rope_type="llama3", factor=8.0,
                                    low_freq_factor=1.0,
                                    high_freq_factor=4.0,
                                    original_max_position_embeddings=16),
                  hidden_act="silu", bos_token_id=1, eos_token_id=2),
    # GPT-2's layer (Conv1D weights, learned positions, gelu_new), untied.
    "gpt2": dict(model_type="gpt2", vocab_size=64, n_embd=64, n_layer=2,
                 n_head=4, n_positions=32, activation_function="gelu_new",
                 tie_word_embeddings=False, bos_token_id=1,
                 eos_token_id=2),
    # BERT: word, position and token-type embeddings, post-LN layers.
    "bert": dict(model_type="bert", vocab_size=64, hidden_size=64,
                 num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=128, max_position_embeddings=32,
                 type_vocab_size=2, pad_token_id=0),
}
PROMPTS = [[5, 9, 13], [7, 30, 41, 12, 8]]


def main():
    kind, out = sys.argv[1], sys.argv[2]
    config = CONFIGS[kind]
    torch.manual_seed(7)
    model = (BertModel(config) if kind == "bert" else causal_lm(config))
    model.eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.bfloat16).float())  # what the file holds
    write_checkpoint(model, config, out, dtype=torch.bfloat16,
                     generation_config=None if kind == "bert" else
                     dict(bos_token_id=1, eos_token_id=2))
    # Decoder batches are padded with vocab_size; BERT's with pad_token_id.
    pad = config.get("pad_token_id", config["vocab_size"])
    ids = np.full((len(PROMPTS), max(map(len, PROMPTS))), pad, np.int64)
    for b, p in enumerate(PROMPTS):
        ids[b, :len(p)] = p
    np.save(os.path.join(out, "prompts.npy"), ids)
    print(f"wrote {out}")
    with torch.no_grad():
        if kind == "bert":
            hidden = model(torch.from_numpy(ids),
                           attention_mask=torch.from_numpy(ids != pad))
            np.save(os.path.join(out, "reference.npy"), hidden.numpy())
            print("PyTorch last_hidden_state: float32 " +
                  str(list(hidden.shape)))
            return
        rows, _ = greedy(model, PROMPTS, 8, [config["eos_token_id"]], 32)
    print("PyTorch greedy, --max-new-tokens 8: " +
          " | ".join(" ".join(map(str, r)) for r in rows))


if __name__ == "__main__":
    main()
