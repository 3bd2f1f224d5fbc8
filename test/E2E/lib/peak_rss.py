#!/usr/bin/env python3
"""Peak memory of a compiled executable beyond its inputs and output.

    peak_rss.py --shape B,H,S,D --inputs N --limit-mb M [--entry E] -- PROGRAM

writes N seeded float32 inputs of the given shape, runs PROGRAM on them with
an output of the same shape, and fails when the child's peak resident set
exceeds the inputs plus the output plus M MiB. Prints the figures.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shape", required=True)
    parser.add_argument("--inputs", type=int, required=True)
    parser.add_argument("--limit-mb", type=float, required=True)
    parser.add_argument("--entry")
    parser.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    program = [a for a in args.program if a != "--"]
    shape = tuple(int(x) for x in args.shape.split(","))
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.inputs):
            path = os.path.join(tmp, f"in{i}.npy")
            np.save(path, rng.standard_normal(shape).astype(np.float32))
            paths.append(path)
        out = os.path.join(tmp, "out.npy")
        cmd = program + (["--entry", args.entry] if args.entry else [])
        proc = subprocess.run(cmd + paths + ["-o", out], capture_output=True,
                              text=True)
        if proc.returncode != 0:
            sys.exit(f"FAIL: {' '.join(cmd)} exited {proc.returncode}:\n"
                     f"{proc.stderr}")
        if np.isnan(np.load(out)).any():
            sys.exit("FAIL: NaN in the output")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    data_mb = (args.inputs + 1) * np.prod(shape) * 4 / 2**20
    extra = peak_mb - data_mb
    print(f"peak RSS {peak_mb:.1f} MiB: inputs and output {data_mb:.1f} MiB "
          f"+ {extra:.1f} MiB (limit {args.limit_mb:g})")
    if extra > args.limit_mb:
        sys.exit(f"FAIL: {extra:.1f} MiB above inputs and output")


if __name__ == "__main__":
    main()
