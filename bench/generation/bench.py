"""Driver of bench/generation/run.sh.

Builds the two cases (models.py), compiles them with tfmc -O3, installs
onnxruntime-node when it is missing, then runs each peer `--rounds` times
per thread count, in turn (so that noise hits all peers alike), and prints
medians as a markdown table. Every peer runs batch 1, greedy, to the full
number of tokens; their ids must agree (a disagreement is reported).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from models import CASES, NEW  # noqa: E402

STATS = re.compile(r"stats: prompt_len=(\d+) generated=(\d+) prefill_ms=([\d.]+) "
                   r"decode_ms_first16=([\d.]+) decode_ms_last16=([\d.]+) "
                   r"tokens_per_s=([\d.]+)")


def sh(cmd, env=None, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)
    if proc.returncode != 0:
        sys.exit(f"bench/generation: {' '.join(cmd)} failed:\n{proc.stderr}")
    return proc


def stale(target, *sources):
    return not os.path.exists(target) or any(
        os.path.getmtime(s) > os.path.getmtime(target) for s in sources)


def prepare(work, tfmc):
    if stale(os.path.join(work, "encoder-decoder", "step.onnx"),
             os.path.join(HERE, "models.py")):
        print("building models and ONNX peers ...", file=sys.stderr)
        sh(["/usr/bin/python3", os.path.join(HERE, "models.py"), "make", work])
    for case in CASES:
        d = os.path.join(work, case)
        exe = os.path.join(d, "model.exe")
        if stale(exe, tfmc, os.path.join(d, "model.json")):
            print(f"compiling {case} ...", file=sys.stderr)
            sh([tfmc, os.path.join(d, "model.json"), "-O3", "-o", exe])
    probe = subprocess.run(["node", "-e", "require('onnxruntime-node')"],
                           cwd=HERE, capture_output=True)
    if probe.returncode != 0:
        print("installing onnxruntime-node ...", file=sys.stderr)
        env = dict(os.environ, ONNXRUNTIME_NODE_INSTALL="skip")
        sh(["npm", "install", "--no-audit", "--no-fund"], env=env, cwd=HERE)


def run_peer(peer, work, case, threads, new):
    d = os.path.join(work, case)
    prompt = " ".join(map(str, __import__("numpy").load(
        os.path.join(d, "prompt.npy"))[0]))
    env = dict(os.environ)
    if peer.startswith("tfmc"):
        cmd = [os.path.join(d, "model.exe"), "--ids", prompt, "--max-new-tokens",
               str(new), "--threads", str(threads), "--stats"]
        if peer == "tfmc --no-cache":
            cmd.append("--no-cache")
        if case == "encoder-decoder":
            cmd.append("--print-ids")
    elif peer == "ONNX Runtime":
        cmd = ["node", os.path.join(HERE, "ort_gen.js"), d, case,
               "--threads", str(threads), "--new", str(new)]
    else:  # PyTorch with AVX-512 OpenBLAS kernels, passive OpenMP waits
        env.pop("OPENBLAS_CORETYPE", None)
        env.update(OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   OMP_WAIT_POLICY="PASSIVE")
        cmd = ["/usr/bin/python3", os.path.join(HERE, "models.py"), "torch", work,
               case, "--threads", str(threads), "--new", str(new)]
    proc = sh(cmd, env=env)
    m = STATS.search(proc.stderr)
    if not m:
        sys.exit(f"bench/generation: no stats line from {peer}:\n{proc.stderr}")
    ids = proc.stdout.split("\n")[0].split()
    return [float(x) for x in m.groups()], ids


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--quick", action="store_true",
                   help="a quarter of the tokens, one round, no --no-cache run")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--tfmc", default=os.path.join(ROOT, "build", "bin", "tfmc"))
    p.add_argument("--work", default=os.path.join(HERE, "work"))
    a = p.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    rounds = 1 if a.quick else a.rounds
    prepare(a.work, a.tfmc)

    peers = ["tfmc", "ONNX Runtime", "PyTorch"]
    print("| case | threads | peer | tokens/s | ms/token first 16 | ms/token last 16 "
          "| last/first | prefill ms | tfmc speed-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    notes = []
    for case in CASES:
        new = NEW[case] // (4 if a.quick else 1)
        for t in threads:
            results = {peer: [] for peer in peers}
            ids = {}
            for _ in range(rounds):
                for peer in peers:
                    stats, got = run_peer(peer, a.work, case, t, new)
                    results[peer].append(stats)
                    ids[peer] = got
            if not a.quick and t == threads[0]:
                # Without the cache each step reruns every position: one
                # round of an eighth of the tokens shows the trend.
                stats, got = run_peer("tfmc --no-cache", a.work, case, t,
                                      new // 8)
                results["tfmc --no-cache"] = [stats]
                if got != ids["tfmc"][:len(got)]:
                    notes.append(f"{case}: tfmc ids differ with --no-cache")
            for peer, got in ids.items():
                if got != ids["tfmc"]:
                    notes.append(f"{case}, {t} threads: {peer}'s ids differ from "
                                 f"tfmc's")
            med = {peer: [statistics.median(r[i] for r in runs) for i in range(6)]
                   for peer, runs in results.items()}
            for peer, s in med.items():
                _, gen, prefill, first, last, tps = s
                ratio = med["tfmc"][5] / tps
                print(f"| {case} | {t} | {peer} | {tps:.1f} | {first:.2f} | "
                      f"{last:.2f} | {last / first:.2f} | {prefill:.1f} | "
                      f"{ratio:.2f}x |")
    print(f"\n{rounds} round(s), medians; batch 1, greedy; prompt/source "
          f"{32} tokens; decoder {NEW['decoder'] // (4 if a.quick else 1)} new "
          f"tokens, encoder-decoder {NEW['encoder-decoder'] // (4 if a.quick else 1)}. "
          "tfmc speed-up = tfmc tokens/s / peer tokens/s.")
    for n in notes:
        print(f"- note: {n}")


if __name__ == "__main__":
    main()
