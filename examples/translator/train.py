#!/usr/bin/env python3
"""Trains the toy English->Korean translator and exports it for tfmc.

    /usr/bin/python3 examples/translator/train.py [--epochs N] [--seed S]

Reads data/train.tsv, data/heldout.tsv and model/{src,tgt}_vocab.txt (from
make_corpus.py), trains python/tfm_reference.py's EncoderDecoder with
teacher forcing (cross-entropy, padding ignored) on the CPU, writes
model/model.json and model/model.safetensors with python/tfm_export.py,
and reports the held-out exact-match accuracy of the reference greedy loop
(tfm_reference.greedy, the loop the compiled executable runs).

Sources are the English words as they are (no bos/eos, as `--text` gives
them); targets are <bos> Korean words <eos>.
"""

import argparse
import math
import os
import sys
import time

# Idle OpenMP threads sleep instead of spinning: the machine may be busy.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

from tfm_export import export  # noqa: E402
from tfm_reference import build, greedy  # noqa: E402

PAD, BOS, EOS = 0, 1, 2
MODEL_DIR = os.path.join(HERE, "model")


def read_vocab(name):
    with open(os.path.join(MODEL_DIR, name), encoding="utf-8") as f:
        words = [line.rstrip("\n") for line in f]
    return words, {w: i for i, w in enumerate(words)}


def read_pairs(name):
    with open(os.path.join(HERE, "data", name), encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split("\t")) for line in f]


def config_for(src_words, tgt_words):
    return {
        "architecture": "encoder-decoder",
        "d_model": 64, "num_heads": 4, "d_ff": 256,
        "num_encoder_layers": 2, "num_decoder_layers": 2,
        "src_vocab_size": len(src_words), "tgt_vocab_size": len(tgt_words),
        "max_seq_len": 16,
        "positional_encoding": "sinusoidal", "activation": "relu",
        "norm_first": False, "embedding_scale": True, "final_norm": True,
        "pad_id": PAD, "bos_id": BOS, "eos_id": EOS,
        "src_vocab": "src_vocab.txt", "tgt_vocab": "tgt_vocab.txt",
    }


def padded(rows):
    width = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (width - len(r)) for r in rows])


def batches(src, tgt, size, generator):
    """Batches of sentences of similar lengths (little padding), in random
    order."""
    noise = torch.rand(len(src), generator=generator).tolist()
    order = sorted(range(len(src)),
                   key=lambda i: (len(src[i]), len(tgt[i]), noise[i]))
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    return [chunks[i] for i in torch.randperm(len(chunks),
                                              generator=generator).tolist()]


def heldout_accuracy(model, config, pairs, src_ids, tgt_words):
    """Exact-match accuracy of the reference greedy loop; also returns the
    wrong translations."""
    model.eval()
    wrong = []
    for en, ko in pairs:
        ids = torch.tensor([[src_ids[w] for w in en.split()]])
        out = greedy(model, config, ids, config["max_seq_len"] - 1)[0]
        got = " ".join(tgt_words[i] for i in out)
        if got != ko:
            wrong.append((en, ko, got))
    return 1 - len(wrong) / len(pairs), wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(2)
    start = time.time()
    src_words, src_ids = read_vocab("src_vocab.txt")
    tgt_words, tgt_ids = read_vocab("tgt_vocab.txt")
    train = read_pairs("train.tsv")
    heldout = read_pairs("heldout.tsv")
    config = config_for(src_words, tgt_words)

    src = [[src_ids[w] for w in en.split()] for en, _ in train]
    tgt = [[BOS] + [tgt_ids[w] for w in ko.split()] + [EOS] for _, ko in train]
    assert max(len(s) for s in src + tgt) <= config["max_seq_len"]

    model = build(config, seed=args.seed)
    d = config["d_model"]
    with torch.no_grad():  # embeddings ~ N(0, 1/d): scaled by sqrt(d), unit size
        nn.init.normal_(model.src_embed.weight, std=d ** -0.5)
        nn.init.normal_(model.tgt_embed.weight, std=d ** -0.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr,
                                 betas=(0.9, 0.98))
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = args.epochs * steps_per_epoch
    warmup = min(100, total // 10)

    def lr_at(step):  # linear warm-up, then cosine decay to zero
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    generator = torch.Generator().manual_seed(args.seed)

    for epoch in range(args.epochs):
        model.train()
        total_loss, tokens = 0.0, 0
        for batch in batches(src, tgt, args.batch_size, generator):
            s = padded([src[j] for j in batch])
            t = padded([tgt[j] for j in batch])
            logits = model(s, t[:, :-1])
            gold = t[:, 1:]
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]),
                           gold.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            n = int((gold != PAD).sum())
            total_loss += float(loss) * n
            tokens += n
        print(f"epoch {epoch + 1:3d}: loss {total_loss / tokens:.4f} "
              f"({time.time() - start:.0f} s)", flush=True)
    train_time = time.time() - start

    model.eval()
    path = export(model, config, MODEL_DIR)
    weights = os.path.join(MODEL_DIR, "model.safetensors")
    size = os.path.getsize(weights)
    params = sum(p.numel() for p in model.parameters())
    print(f"wrote {path} and {weights} ({params} parameters, {size} bytes)")
    if size >= 5 * 1024 * 1024:
        sys.exit("FAIL: weights are 5 MB or more")

    acc, wrong = heldout_accuracy(model, config, heldout, src_ids, tgt_words)
    for en, ko, got in wrong:
        print(f"  wrong: {en!r}: got {got!r}, expected {ko!r}")
    print(f"training: {train_time:.0f} s on {torch.get_num_threads()} threads")
    print(f"held-out exact match (PyTorch greedy): {len(heldout) - len(wrong)}"
          f"/{len(heldout)} = {100 * acc:.1f}%")
    if acc < 0.95:
        sys.exit("FAIL: held-out accuracy below 95%")


if __name__ == "__main__":
    main()
