"""Compares two float .npy files.

usage: compare.py GOT.npy WANT.npy --atol X [--rtol-of-max R]

Fails unless the shapes agree and max|GOT - WANT| <= X + R * max|WANT|.
Prints the maximum difference.
"""

import argparse
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("got")
    parser.add_argument("want")
    parser.add_argument("--atol", type=float, required=True)
    parser.add_argument("--rtol-of-max", type=float, default=0.0)
    args = parser.parse_args()
    got, want = np.load(args.got), np.load(args.want)
    if got.shape != want.shape or got.dtype != want.dtype:
        sys.exit("FAIL: %s is %s %s, %s is %s %s" % (
            args.got, got.dtype, got.shape, args.want, want.dtype, want.shape))
    if not np.all(np.isfinite(got)):
        sys.exit("FAIL: %s has non-finite values" % args.got)
    err = float(np.abs(got - want).max())
    bound = args.atol + args.rtol_of_max * float(np.abs(want).max())
    if not err <= bound:
        sys.exit("FAIL: max abs difference %g above %g" % (err, bound))
    print("max abs difference within bound")


if __name__ == "__main__":
    main()
