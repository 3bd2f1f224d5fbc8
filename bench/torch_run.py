"""The PyTorch peer: rebuilds a case's module (cases.py), runs it N times in
eager mode under no_grad and prints "time: min X ms, median Y ms, N runs" on
stderr. OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / OMP_WAIT_POLICY come from
the caller (they must be set before torch is imported).
    torch_run.py CASE.json --threads N --repeat N"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import cases  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("case")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--repeat", type=int, default=1)
a = p.parse_args()
with open(a.case) as f:
    c = json.load(f)
torch.set_num_threads(a.threads)
m = cases.build(c)
xs = [torch.from_numpy(x) for x in cases.inputs(c).values()]
times = []
with torch.no_grad():
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        m(*xs)
        times.append((time.perf_counter() - t0) * 1e3)
times.sort()
print("time: min %.3f ms, median %.3f ms, %d runs"
      % (times[0], times[len(times) // 2], a.repeat), file=sys.stderr)
