"""Writes a raw, possibly malformed .npy file.

usage: write-npy.py OUT [--magic HEX] [--version MAJOR.MINOR]
                        [--header TEXT] [--header-len N] [--no-pad]
                        [--data-bytes N]

Defaults give a valid version 1.0 file holding f32 [3] zeros. The header is
padded like NumPy's unless --no-pad is given; --header-len overrides the
stored length.
"""

import argparse
import struct

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--magic", default="934e554d5059")  # \x93NUMPY
parser.add_argument("--version", default="1.0")
parser.add_argument(
    "--header",
    default="{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")
parser.add_argument("--header-len", type=int)
parser.add_argument("--no-pad", action="store_true")
parser.add_argument("--data-bytes", type=int, default=12)
args = parser.parse_args()

major, minor = (int(v) for v in args.version.split("."))
length_format = "<H" if major == 1 else "<I"
prefix_size = 8 + struct.calcsize(length_format)
header = args.header.encode()
if args.header_len is None and not args.no_pad:
    header += b" " * (-(prefix_size + len(header) + 1) % 64) + b"\n"
    header_len = len(header)
else:
    header_len = len(header) if args.header_len is None else args.header_len

with open(args.out, "wb") as f:
    f.write(bytes.fromhex(args.magic) + bytes([major, minor]))
    f.write(struct.pack(length_format, header_len))
    f.write(header)
    f.write(b"\0" * args.data_bytes)
