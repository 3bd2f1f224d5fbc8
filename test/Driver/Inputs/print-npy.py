"""Prints a .npy file for FileCheck: its dtype and shape on one line, then
each row of the last dimension, values with six decimals.

usage: print-npy.py FILE
"""

import sys

import numpy as np

a = np.load(sys.argv[1])
print(a.dtype, list(a.shape))
for row in a.reshape(-1, a.shape[-1] if a.ndim else 1):
    print(" ".join("%.6f" % v for v in row))
