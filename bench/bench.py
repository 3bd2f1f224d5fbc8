#!/usr/bin/env python3
"""tfmc against ONNX Runtime, PyTorch eager and an OpenBLAS baseline, side
by side in one run (bench/run.sh is the command; see bench/README.md).

For each case (cases.py) it writes the inputs and PyTorch's output, the tfm
IR or model.json, and an ONNX export of the same module; compiles them with
tfmc; then, for each thread count, runs every tool in turn for several
rounds (each tool times N calls inside its own process, so start-up is not
timed) and prints the median of the rounds' medians, GFLOP/s, the share of
the fp32 peak measured at the start with an FMA loop, the ratio of each
peer's time to tfmc's, peak RSS, and tfmc's max abs error against PyTorch.
Exit status 1 when a tool fails or tfmc's error exceeds 1e-4."""

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import cases as C  # noqa: E402

TOLERANCE = 1e-4
PEERS = ["ort", "torch", "blas"]
LABEL = {"tfmc": "tfmc", "ort": "ONNX Runtime", "torch": "PyTorch",
         "blas": "OpenBLAS"}
CXX = os.environ.get("CXX", "/usr/lib/llvm-22/bin/clang++")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Result:
    def __init__(self, ok, ms=None, rss=0, err="", wall=0.0):
        self.ok, self.ms, self.rss, self.err, self.wall = ok, ms, rss, err, wall


MAXRSS = None  # the maxrss launcher (maxrss.cpp), built in main


def run(cmd, env=None, as_limit=None):
    """Runs cmd; returns Result with the reported median (ms), peak RSS
    (bytes) and the last stderr line on failure."""
    def limit():
        if as_limit:
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        p = subprocess.Popen([MAXRSS] + cmd, stdout=null,
                             stderr=subprocess.PIPE, env=env,
                             preexec_fn=limit)
        err = p.stderr.read().decode(errors="replace")
        p.wait()
        wall = (time.perf_counter() - t0) * 1e3
    m = re.search(r"^maxrss: (\d+) KiB$", err, re.M)
    rss = int(m.group(1)) * 1024 if m else 0
    err = re.sub(r"^maxrss: .*\n?", "", err, flags=re.M)
    if p.returncode != 0:
        lines = [l for l in err.splitlines() if l.strip()] or ["no message"]
        code = p.returncode
        what = ("signal %d" % (code - 128) if code > 128 else
                "exit %d" % code)
        if as_limit:
            what += " under a %d GiB address-space limit" % (as_limit >> 30)
        return Result(False, rss=rss, wall=wall,
                      err="%s: %s" % (what, lines[-1][:160]))
    m = re.search(r"median ([0-9.]+) ms", err)
    return Result(True, float(m.group(1)) if m else wall, rss, wall=wall)


def compile_cxx(src, out, extra):
    if (os.path.exists(out) and
            os.path.getmtime(out) > os.path.getmtime(src)):
        return
    cmd = [CXX, "-O3", "-march=native", "-std=c++17", src, "-o", out] + extra
    subprocess.run(cmd, check=True)


def measure_peak(work, threads, smoke):
    exe = os.path.join(work, "peak")
    compile_cxx(os.path.join(HERE, "peak.cpp"), exe, ["-pthread"])
    peak = {}
    for t in threads:
        cmd = [exe, str(t)] + (["2", "2000000"] if smoke else [])
        out = subprocess.run(cmd, capture_output=True, text=True,
                             check=True).stdout
        peak[t] = float(re.search(r"best ([0-9.]+)", out).group(1))
        log(out.strip())
    return peak


def machine_line():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    flags = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    m = re.search(r"Model name:\s*(.*)", flags)
    if m and m.group(1).strip() != model:
        model += " (" + m.group(1).strip() + ")"
    isa = "AVX-512" if "avx512f" in flags else "AVX2"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return "%s, %d cores, %s, %.0f GiB; load average %s at start" % (
        model, os.cpu_count(), isa, mem,
        " ".join("%.1f" % x for x in os.getloadavg()))


def save_npy(path, a):
    np.save(path, np.ascontiguousarray(a))


def reference(c, m, xs):
    """PyTorch's output; the memory case chunked over query rows (the full
    score matrix would take 8.6 GB)."""
    t = [torch.from_numpy(x) for x in xs.values()]
    with torch.no_grad():
        if not c.get("memory"):
            return m(*t).numpy()
        q, k, v = t
        out = torch.empty_like(q)
        scale = 1.0 / np.sqrt(q.shape[-1])
        for h in range(q.shape[1]):
            for i in range(0, q.shape[2], 1024):
                s = (q[0, h, i:i + 1024] @ k[0, h].T) * scale
                out[0, h, i:i + 1024] = torch.softmax(s, -1) @ v[0, h]
        return out.numpy()


def prepare(c, work, tfmc, flags, have_ort):
    """Writes the case's files into its folder and compiles tfmc's
    executable; returns a dict of command builders."""
    d = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "_", c["name"]).strip("_"))
    os.makedirs(d, exist_ok=True)
    # The weights' layout is part of what the files hold.
    spec = json.dumps(dict(c, kernel_layout=C.KERNEL_LAYOUT), sort_keys=True)
    stamp = os.path.join(d, "case.json")
    fresh = not (os.path.exists(stamp) and open(stamp).read() == spec)
    m = C.build(c)
    xs = C.inputs(c)
    ws = C.weights(c, m)
    inputs = [os.path.join(d, n + ".npy") for n in xs]
    wfiles = [os.path.join(d, "w_" + n + ".npy") for n in ws]
    kws = C.kernel_layout(ws)
    kfiles = [os.path.join(d, "k_" + n + ".npy") for n in kws]
    onnx = os.path.join(d, "model.onnx")
    if fresh or not all(os.path.exists(f) for f in kfiles):
        for path, a in zip(inputs, xs.values()):
            save_npy(path, a)
        for path, a in zip(wfiles, ws.values()):
            save_npy(path, a)
        for path, a in zip(kfiles, kws.values()):
            save_npy(path, a)
        save_npy(os.path.join(d, "reference.npy"), reference(c, m, xs))
        if os.path.exists(onnx):
            os.remove(onnx)
        with open(stamp, "w") as f:
            f.write(spec)
    if have_ort and not c.get("memory") and not os.path.exists(onnx):
        # With gradients enabled: torch 1.13's no_grad fast paths trace ops
        # ONNX cannot express.
        with torch.enable_grad():
            torch.onnx.export(m, tuple(torch.from_numpy(x) for x in xs.values()),
                              onnx, input_names=list(xs), output_names=["out"],
                              opset_version=14)
    exe = os.path.join(d, "tfmc_exe")
    if c["kind"] == "model":
        from tfm_export import export
        export(m, C.model_config(c), os.path.join(d, "model"))
        src = os.path.join(d, "model", "model.json")
    else:
        src = os.path.join(d, "case.mlir")
        with open(src, "w") as f:
            f.write(C.tfm_ir(c))
    t0 = time.perf_counter()
    subprocess.run([tfmc, src, "-o", exe] + flags, check=True)
    log("  compiled %s in %.1f s" % (c["name"], time.perf_counter() - t0))
    helptext = subprocess.run([exe, "--help"], capture_output=True,
                              text=True).stdout + \
        subprocess.run([exe, "--help"], capture_output=True, text=True).stderr
    return dict(dir=d, exe=exe, inputs=inputs, weights=wfiles,
                tfmc_weights=kfiles, onnx=onnx,
                names=list(xs), threads_flag="--threads" in helptext,
                repeat_flag="--repeat" in helptext,
                io_bytes=sum(a.nbytes for a in xs.values()) +
                np.load(os.path.join(d, "reference.npy"), mmap_mode="r").nbytes)


def commands(c, p, tool, threads, repeat, out):
    """The command line and environment of one tool's timed run."""
    env = dict(os.environ)
    if tool == "tfmc":
        if c["kind"] == "model":
            cmd = [p["exe"], "--input", p["inputs"][0], "--output", out]
        else:
            cmd = [p["exe"]] + p["inputs"] + p["tfmc_weights"] + ["-o", out]
        if p["threads_flag"]:
            cmd += ["--threads", str(threads)]
        if p["repeat_flag"]:
            cmd += ["--repeat", str(repeat)]
        return cmd, env
    # Peers at their best (TOOLCHAIN.md): OpenBLAS's AVX-512 kernels (this
    # machine pins OPENBLAS_CORETYPE=Haswell for tests), OpenMP threads that
    # sleep instead of spinning against OpenBLAS's own threads.
    env.pop("OPENBLAS_CORETYPE", None)
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    if threads > 1:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    if tool == "ort":
        feeds = ["%s=%s" % (n, f) for n, f in zip(p["names"], p["inputs"])]
        return (["node", os.path.join(HERE, "ort_run.js"), p["onnx"]] + feeds +
                ["--threads", str(threads), "--repeat", str(repeat), "-o", out],
                env)
    if tool == "torch":
        return ([sys.executable, os.path.join(HERE, "torch_run.py"),
                 os.path.join(p["dir"], "case.json"), "--threads",
                 str(threads), "--repeat", str(repeat)], env)
    kind = {"attention": "attention", "mha": "mha", "layer": "layer",
            "model": "model"}[c["kind"]]
    cmd = [os.path.join(os.path.dirname(p["dir"]), "blas_baseline"), kind]
    cmd += p["inputs"] + p["weights"]
    cmd += ["--heads", str(c["heads"]), "--threads", str(threads),
            "--repeat", str(repeat), "-o", out]
    if c.get("causal"):
        cmd.append("--causal")
    if c.get("act") == "gelu":
        cmd.append("--gelu")
    return cmd, env


def max_err(path, ref):
    try:
        return float(np.max(np.abs(np.load(path) - ref)))
    except Exception:  # noqa: BLE001 - a missing or malformed output
        return float("inf")


def fmt_ms(ms):
    return "%.3g" % ms if ms < 100 else "%.0f" % ms


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="fewer rounds; skip S=2048, S=16384 and the model")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny cases, one round, one call (for the lit test)")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", help="regular expression over case names")
    ap.add_argument("--no-generation", action="store_true",
                    help="skip bench/generation/run.sh")
    ap.add_argument("--peers", default="ort,torch,blas",
                    help="peers to run: ort, torch, blas (comma-separated)")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--workdir", default=os.path.join(HERE, "work"))
    ap.add_argument("--results", help="Markdown file to write (default: "
                    "bench/RESULTS.md for a full run, WORKDIR/RESULTS.md "
                    "otherwise)")
    ap.add_argument("--tfmc", default=os.environ.get(
        "TFMC", os.path.join(ROOT, "build", "bin", "tfmc")))
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    flags = os.environ.get("TFMC_FLAGS", "-O3").split()
    partial = (a.quick or a.smoke or a.only or a.threads != "1,2" or
               a.peers != "ort,torch,blas" or a.rounds)
    results_path = a.results or (os.path.join(a.workdir, "RESULTS.md")
                                 if partial else os.path.join(HERE,
                                                              "RESULTS.md"))
    rounds = a.rounds or (1 if a.smoke else 2 if a.quick else 3)
    os.makedirs(a.workdir, exist_ok=True)
    work = os.path.abspath(a.workdir)

    peers = [p for p in a.peers.split(",") if p]
    if any(p not in PEERS for p in peers):
        log("--peers: expected a list of %s" % ", ".join(PEERS))
        return 2
    have_ort = (shutil.which("node") is not None and os.path.isdir(
        os.path.join(HERE, "node_modules", "onnxruntime-node")))
    if "ort" in peers and not have_ort:
        log("note: ONNX Runtime skipped (run `ONNXRUNTIME_NODE_INSTALL=skip "
            "npm install` in bench/)")
    global MAXRSS
    MAXRSS = os.path.join(work, "maxrss")
    compile_cxx(os.path.join(HERE, "maxrss.cpp"), MAXRSS, [])
    blas_inc = "/usr/include/x86_64-linux-gnu/openblas-pthread"
    compile_cxx(os.path.join(HERE, "blas_baseline.cpp"),
                os.path.join(work, "blas_baseline"),
                (["-I" + blas_inc] if os.path.isdir(blas_inc) else []) +
                ["-fopenmp", "-lopenblas"])

    selected = [c for c in C.all_cases(a.smoke)
                if (c["quick"] or not a.quick) and
                (not a.only or re.search(a.only, c["name"]))]
    if not selected:
        log("no case matches --only %s" % a.only)
        return 2
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_line()
    log(machine)
    peak = measure_peak(work, threads, a.smoke)

    prepared = {}
    t_start = time.perf_counter()
    for c in selected:
        log("preparing %s" % c["name"])
        prepared[c["name"]] = prepare(c, work, a.tfmc, flags,
                                     have_ort and "ort" in peers)
    log("prepared in %.0f s" % (time.perf_counter() - t_start))

    rows, failures, notes = [], [], []
    for t in threads:
        for c in selected:
            p = prepared[c["name"]]
            ref = np.load(os.path.join(p["dir"], "reference.npy"))
            tools = ["tfmc"] + ([] if c.get("memory") else
                                [p for p in peers if p != "ort" or have_ort])
            t_case = time.perf_counter()
            est = C.flops(c) / 40e9 * 1e3  # ms at a pessimistic 40 GFLOP/s
            repeat = 1 if a.smoke else max(3, min(50, int(250 / max(est, 1e-3))))
            # Heavy cases: each run already times several long calls.
            case_rounds = min(rounds, 2) if est > 100 else rounds
            if c.get("memory"):
                repeat, case_rounds = 2, 1
            times = {k: [] for k in tools}
            rss = {k: 0 for k in tools}
            errs, failed = {}, {}
            for r in range(case_rounds):
                order = tools[r % len(tools):] + tools[:r % len(tools)]
                for tool in order:
                    if tool in failed:
                        continue
                    out = os.path.join(p["dir"], "out_%s.npy" % tool)
                    cmd, env = commands(c, p, tool, t, repeat, out)
                    res = run(cmd, env,
                              as_limit=(4 << 30) if c.get("memory") else None)
                    rss[tool] = max(rss[tool], res.rss)
                    if not res.ok:
                        failed[tool] = res.err
                        continue
                    times[tool].append(res.ms)
                    if r == 0 and tool != "torch":
                        errs[tool] = max_err(out, ref)
                        os.remove(out)
            med = {k: float(np.median(v)) for k, v in times.items() if v}
            row = dict(case=c, threads=t, med=med, rss=rss, errs=errs,
                       failed=failed, io=p["io_bytes"])
            rows.append(row)
            for tool, e in failed.items():
                failures.append("%s, %d threads, %s: %s" % (
                    c["name"], t, LABEL[tool], e))
            if "tfmc" in errs and not errs["tfmc"] <= TOLERANCE:
                failures.append("%s, %d threads: tfmc's max abs error %.2e "
                                "exceeds %g" % (c["name"], t, errs["tfmc"],
                                                TOLERANCE))
            for tool in ("ort", "blas"):
                if tool in errs and not errs[tool] <= 1e-3:
                    notes.append("%s, %d threads: %s's max abs error is %.2e"
                                 % (c["name"], t, LABEL[tool], errs[tool]))
            log(line(row, peak) + " [%.0f s]" % (time.perf_counter() - t_case))

    log("ran in %.0f s" % (time.perf_counter() - t_start))
    table = format_table(rows, peak, threads)
    print(table)
    text = ["# tfmc benchmark results", "",
            "Run on %s UTC (`bench/run.sh%s`, TFMC_FLAGS=`%s`, %d rounds; "
            "at most 2 for cases over 100 ms, 1 for the memory case)." % (
                started.strftime("%Y-%m-%d %H:%M"),
                " " + " ".join(sys.argv[1:]) if sys.argv[1:] else "",
                " ".join(flags), rounds),
            "", "Machine: " + machine + ".", "",
            "fp32 peak measured at the start (FMA loop, 16 independent vector "
            "accumulators, best of 7): " + ", ".join(
                "%.0f GFLOP/s at %d thread%s" % (peak[t], t, "s" if t > 1 else "")
                for t in threads) + ".", "", table, "", LEGEND]
    if notes:
        text += ["", "Notes:", ""] + ["- " + n for n in notes]
    if failures:
        text += ["", "Failures:", ""] + ["- " + f for f in failures]

    gen = os.path.join(HERE, "generation", "run.sh")
    if os.path.exists(gen) and not a.smoke and not a.no_generation:
        log("running bench/generation/run.sh")
        cmd = ["bash", gen, "--threads", a.threads] + (["--quick"] if a.quick else [])
        g = subprocess.run(cmd, capture_output=True, text=True)
        print(g.stdout)
        text += ["", "## Generation (bench/generation/run.sh)", "", g.stdout.strip()]
        if g.returncode != 0:
            failures.append("bench/generation/run.sh: exit %d: %s" % (
                g.returncode, (g.stderr.strip().splitlines() or [""])[-1]))
            text += ["", "Failed: " + failures[-1]]

    with open(results_path, "w") as f:
        f.write("\n".join(text) + "\n")
    log("wrote %s" % results_path)
    for f in failures:
        log("FAILED: " + f)
    return 1 if failures else 0


LEGEND = """\
Columns: median time in ms of each tool (the median over rounds of each
run's in-process median; tools alternate within a round), tfmc's GFLOP/s
(2·M·N·K per matmul, dense even under a causal mask) and its share of the
measured peak at that thread count, and for each peer its time divided by
tfmc's (above 1: tfmc is faster). Peak RSS in MB of each tool's process
(PyTorch's includes the interpreter and torch itself, ONNX Runtime's node).
err: tfmc's max abs error against PyTorch's output (tolerance 1e-4).
Peers: ONNX Runtime 1.30 (onnxruntime-node, an ONNX export of the same
module, all graph optimizations), PyTorch 1.13 eager (Debian, no_grad),
and bench/blas_baseline.cpp (OpenBLAS 0.3.21 sgemm plus loops, OpenMP over
heads); OpenBLAS with its AVX-512 kernels (OPENBLAS_CORETYPE unset) and
OMP_WAIT_POLICY=PASSIVE at 2 threads for PyTorch and the baseline."""


def line(row, peak):
    c, med = row["case"], row["med"]
    s = "%-36s %d thr:" % (c["name"], row["threads"])
    for k, v in med.items():
        s += " %s %.3f ms" % (k, v)
    for k, v in row["failed"].items():
        s += " %s FAILED (%s)" % (k, v)
    if row["errs"]:
        s += "; max abs err " + ", ".join(
            "%s %.1e" % (k, v) for k, v in row["errs"].items())
    return s


def format_table(rows, peak, threads):
    head = ("| case | thr | tfmc ms | GFLOP/s | % peak | ONNX RT ms (×) | "
            "PyTorch ms (×) | OpenBLAS ms (×) | peak RSS MB tfmc / ORT / "
            "torch / BLAS | err |")
    out = [head, "|" + "---|" * 10]
    mem = []
    for row in rows:
        c, med, t = row["case"], row["med"], row["threads"]
        tf = med.get("tfmc")
        cells = [c["name"], str(t)]
        if tf is None:
            cells += ["failed", "", ""]
        else:
            gf = C.flops(c) / tf / 1e6
            cells += [fmt_ms(tf), "%.0f" % gf, "%.0f%%" % (100 * gf / peak[t])]
        for peer in PEERS:
            if peer in row["failed"]:
                cells.append("failed")
            elif peer not in med:
                cells.append("—")
            elif tf is None:
                cells.append(fmt_ms(med[peer]))
            else:
                cells.append("%s (%.2f×)" % (fmt_ms(med[peer]), med[peer] / tf))
        cells.append(" / ".join("%.0f" % (row["rss"][k] / 2**20)
                                if row["rss"].get(k) else "—"
                                for k in ["tfmc"] + PEERS))
        e = row["errs"].get("tfmc")
        cells.append("—" if e is None else "%.1e" % e)
        out.append("| " + " | ".join(cells) + " |")
        if c.get("memory") and "tfmc" in med:
            mem.append("- %s, %d thread%s: tfmc's peak RSS %.0f MB, inputs and "
                       "output %.0f MB, %.0f MB above them" % (
                           c["name"], t, "s" if t > 1 else "",
                           row["rss"]["tfmc"] / 2**20, row["io"] / 2**20,
                           (row["rss"]["tfmc"] - row["io"]) / 2**20))
    if mem:
        out += ["", "Memory (peers not run: they materialize the "
                "8×S×S score matrix):", ""] + mem
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
