#!/usr/bin/env python3
"""Writes a tiny model (model.json + model.safetensors) for tfmc's tests,
then applies at most one kind of mutation to it.

usage: make_model.py OUT_DIR [--arch encoder|decoder|encoder-decoder]
           [--config KEY=JSON]... [--dtype f32|f16|bf16] [--round f16|bf16]
           [--seed N] [--from DIR] [--vocab N] [--set KEY=JSON]...
           [--drop KEY]... [--replace OLD NEW]... [--json TEXT]
           [--corrupt KIND]

The reference module of python/tfm_reference.py is built from a tiny
configuration (d_model 16, 2 heads, 1 layer, vocabularies of 12, max_seq_len
8), changed by --config, and exported with tfm_export.export, its weights
stored as --dtype (or rounded to --round and stored as F32). --from DIR
copies the model of DIR instead (fast: no torch). Then:

  --vocab N      adds "vocab": "vocab.txt" (decoder and encoder; src_vocab and
                 tgt_vocab for encoder-decoder) and writes N words w0 .. wN-1
  --set K=JSON   sets key K of model.json to a JSON value
  --drop K       removes key K from model.json
  --replace O N  replaces the first O in the text of model.json by N (after
                 --set and --drop); O must occur
  --json TEXT    replaces model.json by TEXT
  --corrupt KIND damages model.safetensors; KIND is one of the kinds of
                 corrupt() below, each with a comment saying which tensor it
                 damages (the tests' expected messages name it): short,
                 empty, truncate, header-length, header-length-huge,
                 invalid-json, non-object, overlap, out-of-range,
                 size-mismatch, unknown-dtype, i16, f64, wrong-shape,
                 transposed, missing, extra, missing-and-extra, duplicate,
                 and the malformed entries of ENTRY_FIXES (missing-dtype,
                 shape-overflow, reversed-offsets, ...).
"""

import argparse
import json
import os
import shutil
import struct
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

BASE = dict(d_model=16, num_heads=2, d_ff=24, max_seq_len=8, pad_id=0,
            bos_id=1, eos_id=2, positional_encoding="sinusoidal",
            activation="relu", norm_first=True, embedding_scale=True)
ARCH = {
    "encoder": dict(num_layers=1, vocab_size=12),
    "decoder": dict(num_layers=1, vocab_size=12),
    "encoder-decoder": dict(num_encoder_layers=1, num_decoder_layers=1,
                            src_vocab_size=12, tgt_vocab_size=12),
}


# --- safetensors, read and written by hand so that any field can lie ----------

def read_safetensors(path):
    """Returns [(name, dtype, shape, bytes)] in file order."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        tensors.append((name, info["dtype"], list(info["shape"]), body[b:e]))
    return tensors


def write_safetensors(path, tensors, fix=None):
    """Writes [(name, dtype, shape, bytes)] with consecutive offsets;
    fix(header) may then change the header's entries."""
    header, offset = {}, 0
    for name, dtype, shape, blob in tensors:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
    if fix:
        fix(header)
    write_raw(path, json.dumps(header).encode(), b"".join(t[3] for t in tensors))


def write_raw(path, header_text, body, length=None):
    header_text += b" " * ((8 - len(header_text) % 8) % 8)
    if length is None:
        length = len(header_text)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", length) + header_text + body)


def as_f32(blob):
    import numpy as np
    return np.frombuffer(blob, dtype=np.float32)


def retype(tensors, name, dtype, np_dtype):
    """Stores tensor `name` (F32) as `dtype` with the same shape."""
    return [(n, dtype, s, as_f32(b).astype(np_dtype).tobytes()) if n == name
            else (n, d, s, b) for n, d, s, b in tensors]


def _set(key, value):
    return lambda entry, span: dict(entry, **{key: value})


def _drop(key):
    return lambda entry, span: {k: v for k, v in entry.items() if k != key}


def _offsets(make):
    return lambda entry, span: dict(entry, data_offsets=make(*span))


# Malformed header entries of one tensor (`first` in corrupt()): kind ->
# fix(entry, (begin, end)) returning the entry to write instead.
ENTRY_FIXES = {
    "entry-not-object": lambda entry, span: [entry["dtype"], entry["shape"]],
    "missing-dtype": _drop("dtype"),
    "dtype-not-string": _set("dtype", 32),
    "lowercase-dtype": _set("dtype", "f32"),
    "missing-shape": _drop("shape"),
    "shape-not-array": _set("shape", 16),
    "negative-dimension": _set("shape", [-16]),
    "fractional-dimension": _set("shape", [16.0]),
    "string-dimension": _set("shape", ["16"]),
    "huge-dimension": _set("shape", [2 ** 64]),  # beyond int64 and uint64
    # 2^31 * 2^31 elements of 4 bytes: 2^64 bytes overflow 64 bits.
    "shape-overflow": _set("shape", [2 ** 31, 2 ** 31]),
    # 2^62 * 2^62 elements: the element count itself overflows 64 bits.
    "elements-overflow": _set("shape", [2 ** 62, 2 ** 62]),
    # 2^61 * 3 elements of 4 bytes: 1.5 * 2^64 bytes; 2^62 * 3 elements of
    # 1 byte (U8): 1.5 * 2^63, beyond int64 but within uint64.
    "bytes-overflow": _set("shape", [2 ** 61, 3]),
    "u8-beyond-int64": lambda entry, span: dict(entry, dtype="U8",
                                                shape=[2 ** 62, 3]),
    "missing-offsets": _drop("data_offsets"),
    "offsets-not-array": _set("data_offsets", "0-64"),
    "offsets-one-entry": _offsets(lambda b, e: [b]),
    "offsets-three-entries": _offsets(lambda b, e: [b, e, e]),
    "negative-offsets": _offsets(lambda b, e: [-4, e - b - 4]),
    "fractional-offsets": _offsets(lambda b, e: [float(b), e]),
    "string-offsets": _offsets(lambda b, e: [str(b), str(e)]),
    "huge-offsets": _offsets(lambda b, e: [b, 2 ** 64]),
    "reversed-offsets": _offsets(lambda b, e: [e, b]),
}


def corrupt(path, kind, arch):
    import numpy as np  # slow to import: only when needed
    tensors = read_safetensors(path)
    with open(path, "rb") as f:
        raw = f.read()
    (hlen,) = struct.unpack("<Q", raw[:8])
    embed = "src_embed.weight" if arch == "encoder-decoder" else "embed.weight"
    # The two biases of the same size in every architecture's first layer.
    layer = {"encoder": "encoder.layers.0", "decoder": "layers.0",
             "encoder-decoder": "encoder.layers.0"}[arch]
    first, second = layer + ".norm1.bias", layer + ".norm2.bias"

    def offsets(name, begin, end):
        def fix(header):
            header[name]["data_offsets"] = [begin, end]
        return fix

    layout = {}
    pos = 0
    for n, _, _, b in tensors:
        layout[n] = (pos, pos + len(b))
        pos += len(b)
    total = pos

    if kind == "short":  # 5 bytes: not even the header length
        with open(path, "wb") as f:
            f.write(raw[:5])
    elif kind == "truncate":  # the last tensor's data is cut short
        with open(path, "wb") as f:
            f.write(raw[:-4])
    elif kind == "header-length":  # the header length exceeds the file
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(raw) + 1000) + raw[8:])
    elif kind == "header-length-huge":  # 2^60, beyond any bound
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", 1 << 60) + raw[8:])
    elif kind == "invalid-json":  # the header is not JSON
        write_raw(path, b'{"embed.weight": {"dtype": "F32",,}}', raw[8 + hlen:])
    elif kind == "non-object":  # the header is a JSON array
        write_raw(path, b"[1, 2, 3]", raw[8 + hlen:])
    elif kind == "overlap":  # `second` starts 4 bytes into `first`
        b, e = layout[first]
        write_safetensors(path, tensors, offsets(second, b + 4, e + 4))
    elif kind == "out-of-range":  # `first` lies past the end of the data
        b, e = layout[first]
        write_safetensors(path, tensors, offsets(first, total, total + e - b))
    elif kind == "size-mismatch":  # `first` has offsets one element short
        b, e = layout[first]
        write_safetensors(path, tensors, offsets(first, b, e - 4))
    elif kind == "unknown-dtype":  # `first` is of dtype "Q4"
        def fix(header):
            header[first]["dtype"] = "Q4"
        write_safetensors(path, tensors, fix)
    elif kind in ENTRY_FIXES:  # one field of `first`'s entry is malformed
        def fix(header):
            header[first] = ENTRY_FIXES[kind](header[first], layout[first])
        write_safetensors(path, tensors, fix)
    elif kind == "duplicate":  # `first`'s entry appears twice
        header, offset = {}, 0
        for name, dtype, shape, blob in tensors:
            header[name] = {"dtype": dtype, "shape": shape,
                            "data_offsets": [offset, offset + len(blob)]}
            offset += len(blob)
        text = json.dumps(header)
        entry = json.dumps({first: header[first]})[1:-1]
        write_raw(path, ("{" + entry + ", " + text[1:]).encode(),
                  b"".join(t[3] for t in tensors))
    elif kind == "i16":  # `first` holds int16 values, consistently
        write_safetensors(path, retype(tensors, first, "I16", np.int16))
    elif kind == "f64":  # `first` holds float64 values, consistently
        write_safetensors(path, retype(tensors, first, "F64", np.float64))
    elif kind == "wrong-shape":  # `embed` has one column too many
        out = []
        for n, d, s, b in tensors:
            if n == embed:
                a = as_f32(b).reshape(s)
                a = np.concatenate([a, np.zeros((s[0], 1), np.float32)], 1)
                s, b = list(a.shape), a.tobytes()
            out.append((n, d, s, b))
        write_safetensors(path, out)
    elif kind == "transposed":  # `embed` is stored transposed
        out = []
        for n, d, s, b in tensors:
            if n == embed:
                a = np.ascontiguousarray(as_f32(b).reshape(s).T)
                s, b = list(a.shape), a.tobytes()
            out.append((n, d, s, b))
        write_safetensors(path, out)
    elif kind == "missing":  # `second` is absent
        write_safetensors(path, [t for t in tensors if t[0] != second])
    elif kind == "extra":  # an unexpected "extra.weight" [2]
        write_safetensors(path, tensors + [
            ("extra.weight", "F32", [2], np.zeros(2, np.float32).tobytes())])
    elif kind == "missing-and-extra":  # `second` renamed "renamed.bias"
        write_safetensors(path, [("renamed.bias" if t[0] == second else t[0],)
                                 + t[1:] for t in tensors])
    elif kind == "empty":  # an empty file
        open(path, "wb").close()
    else:
        sys.exit("make_model.py: unknown --corrupt kind %r" % kind)


def parse_assignments(items, what):
    result = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            sys.exit("make_model.py: %s expects KEY=JSON, got %r" % (what, item))
        result[key] = json.loads(value)
    return result


def build_model(args):
    import torch
    from tfm_export import export
    from tfm_reference import build

    config = dict(BASE, architecture=args.arch, **ARCH[args.arch])
    config.update(parse_assignments(args.config, "--config"))
    dtypes = {"f32": torch.float32, "f16": torch.float16,
              "bf16": torch.bfloat16}
    state = build(config, args.seed).state_dict()
    if args.round:
        state = {k: v.to(dtypes[args.round]).float() for k, v in state.items()}
    export(state, config, args.out_dir, dtypes[args.dtype])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--arch", default="encoder", choices=sorted(ARCH))
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--dtype", default="f32", choices=["f32", "f16", "bf16"])
    parser.add_argument("--round", choices=["f16", "bf16"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--from", dest="source")
    parser.add_argument("--vocab", type=int)
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--drop", action="append", default=[])
    parser.add_argument("--replace", nargs=2, action="append", default=[])
    parser.add_argument("--json")
    parser.add_argument("--corrupt")
    args = parser.parse_args()

    path = os.path.join(args.out_dir, "model.json")
    if args.source:
        os.makedirs(args.out_dir, exist_ok=True)
        for name in os.listdir(args.source):
            shutil.copy(os.path.join(args.source, name), args.out_dir)
    else:
        build_model(args)
    with open(path) as f:
        description = json.load(f)
    arch = description["architecture"]
    if args.vocab is not None:
        words = "".join("w%d\n" % i for i in range(args.vocab))
        with open(os.path.join(args.out_dir, "vocab.txt"), "w") as f:
            f.write(words)
        if arch == "encoder-decoder":
            description["src_vocab"] = description["tgt_vocab"] = "vocab.txt"
        else:
            description["vocab"] = "vocab.txt"
    description.update(parse_assignments(args.set, "--set"))
    for key in args.drop:
        del description[key]
    text = json.dumps(description, indent=2) + "\n"
    for old, new in args.replace:
        if old not in text:
            sys.exit("make_model.py: %r is not in model.json" % old)
        text = text.replace(old, new, 1)
    if args.json is not None:
        text = args.json
    with open(path, "w") as f:
        f.write(text)

    if args.corrupt:
        corrupt(os.path.join(args.out_dir, "model.safetensors"), args.corrupt,
                arch)


if __name__ == "__main__":
    main()
