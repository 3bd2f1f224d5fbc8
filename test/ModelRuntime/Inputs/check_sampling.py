"""Checks sampled tokens against the distribution the sampling flags define.

usage: check_sampling.py prompts OUT.npy --rows N --ids "ID ..."
       check_sampling.py check LOGITS.npy DRAWS.txt --temperature T
           [--top-k K] [--top-p P] [--eos ID] [--alpha A]
           [--expect-reject] [--power-against T2]

`prompts` writes N identical rows of the prompt (int64 [N, S]).

`check` takes the logits [N, S, V] a decoder wrote for those N rows
(--logits, in the same run as --max-new-tokens 1) and the ids it printed,
one line per row: one token, or an empty line where the row drew eos_id
(which ends a row without printing it). The expected distribution is built
in float64 as Hugging Face's warpers do, in their order: logits / T; top-k
keeps the k largest; top-p sorts the remaining probabilities in ascending
order and drops those whose cumulative sum is <= 1 - p (so the kept tokens
are the smallest set of most likely tokens whose probability reaches p);
softmax over what is kept. The same set is also derived directly ("smallest
prefix of the descending order with cumulative >= p") and must agree.

The draws pass when
  * no token outside the kept set was drawn (top-k / top-p exclusions);
  * Pearson's chi-square over the kept tokens (tokens expected fewer than 5
    times pooled into one bin) has a p-value >= alpha;
  * every kept token's count is within the exact two-sided binomial bound at
    level alpha (so one badly off token fails even when the rest are fine).
With a fixed --seed the draws, and so the verdict, are deterministic; alpha
(default 1e-6) is strict so that a correct sampler passes for practically
any seed, while a wrong distribution (see the numbers printed by
--power-against) fails by many standard deviations.

--expect-reject inverts the verdict: the check must fail (a sampler known
to draw from another distribution, standing in for a broken one, must be
caught). --power-against T2 prints, for a sampler that ignored the
temperature and drew at T2, the expected chi-square statistic (df +
lambda, lambda = N sum (q2 - q)^2 / q over the bins) and the number of
standard deviations the most likely token would be off, and fails unless
that statistic, 5 standard deviations below its mean, is still 10 times
the critical value (the logits are spread enough for the test to notice).

One summary line goes to stdout (no counts: the exact draws depend on the
last bits of the logits); the statistics go to stderr.
"""

import argparse
import math
import sys

import numpy as np


def expected_distribution(logits, temperature, top_k, top_p):
    """Probabilities [V] (float64) of the next token, Hugging Face style."""
    x = logits.astype(np.float64) / temperature
    vocab = x.size
    if top_k and top_k < vocab:
        kth = np.sort(x)[::-1][top_k - 1]
        # HF keeps ties at the boundary, tfm keeps the lower ids: refuse
        # logits where that matters.
        if np.sort(x)[::-1][top_k] == kth:
            sys.exit("check_sampling.py: tie at the top-k boundary")
        x = np.where(x < kth, -np.inf, x)
    if top_p < 1:
        # TopPLogitsWarper: ascending sort, drop cumulative <= 1 - p, keep
        # at least one token.
        order = np.argsort(x, kind="stable")
        sorted_p = softmax(x[order])
        remove = np.cumsum(sorted_p) <= 1 - top_p
        remove[-1] = False
        hf_kept = set(order[~remove].tolist()) - set(np.flatnonzero(
            np.isinf(x)).tolist())
        # The same set as the smallest prefix of the descending order whose
        # cumulative probability reaches p.
        probs = softmax(x)
        desc = np.argsort(-probs, kind="stable")
        cumulative = np.cumsum(probs[desc])
        reached = cumulative >= top_p
        n = int(np.argmax(reached)) + 1 if reached.any() else \
            int((probs > 0).sum())
        prefix = set(desc[:n].tolist())
        if prefix != hf_kept:
            sys.exit("check_sampling.py: HF's top-p set %s differs from the "
                     "smallest prefix %s" % (sorted(hf_kept), sorted(prefix)))
        # float32 logits must not decide the cut: p must lie well inside
        # (cumulative[n-2], cumulative[n-1]].
        below = cumulative[n - 2] if n >= 2 else 0.0
        if not (below + 1e-3 < top_p <= cumulative[n - 1] - 1e-3):
            sys.exit("check_sampling.py: top-p %g is too close to a cumulative "
                     "probability (%g, %g): choose another p" %
                     (top_p, below, cumulative[n - 1]))
        x = np.where(np.isin(np.arange(vocab), desc[:n]), x, -np.inf)
    return softmax(x)


def softmax(x):
    finite = np.isfinite(x)
    e = np.zeros_like(x)
    e[finite] = np.exp(x[finite] - x[finite].max())
    return e / e.sum()


def gamma_q(a, x):
    """The regularized upper incomplete gamma function Q(a, x)."""
    if x <= 0:
        return 1.0
    log_prefix = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:  # series for P
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    # Continued fraction for Q (modified Lentz).
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(log_prefix) * h


def chi2_sf(stat, df):
    return gamma_q(df / 2.0, stat / 2.0)


def chi2_critical(alpha, df):
    lo, hi = 0.0, 1.0
    while chi2_sf(hi, df) > alpha:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if chi2_sf(mid, df) > alpha:
            lo = mid
        else:
            hi = mid
    return hi


def binomial_two_sided(count, n, q):
    """Exact two-sided p-value of `count` successes in n trials: twice the
    smaller tail, at most 1."""
    if q <= 0:
        return 1.0 if count == 0 else 0.0
    if q >= 1:
        return 1.0 if count == n else 0.0
    logs = [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) +
            k * math.log(q) + (n - k) * math.log1p(-q) for k in range(n + 1)]
    top = max(logs)
    pmf = np.exp(np.array(logs) - top)
    pmf /= pmf.sum()
    lower = pmf[:count + 1].sum()
    upper = pmf[count:].sum()
    return min(1.0, 2 * min(lower, upper))


def bins_of(q, n):
    """Token groups for the chi-square: tokens expected >= 5 times alone,
    the others pooled (the pool joins the smallest bin if it is itself
    expected fewer than 5 times)."""
    kept = [int(t) for t in np.argsort(-q, kind="stable") if q[t] > 0]
    bins = [[t] for t in kept if n * q[t] >= 5]
    pool = [t for t in kept if n * q[t] < 5]
    if pool:
        if n * q[pool].sum() >= 5 or not bins:
            bins.append(pool)
        else:
            bins[-1].extend(pool)
    return bins


def chi_square(counts, q, n, bins):
    stat = 0.0
    for b in bins:
        e = n * q[b].sum()
        stat += (counts[b].sum() - e) ** 2 / e
    return stat


def read_draws(path, eos, vocab):
    with open(path) as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    draws = []
    for i, line in enumerate(lines):
        words = line.split()
        if not words:
            draws.append(eos)
        elif len(words) == 1 and words[0].isdigit() and int(words[0]) < vocab:
            draws.append(int(words[0]))
        else:
            sys.exit("check_sampling.py: %s:%d: expected one token id or an "
                     "empty line (eos), got %r" % (path, i + 1, line))
    return np.array(draws, dtype=np.int64)


def describe(args):
    parts = ["T=%g" % args.temperature]
    if args.top_k:
        parts.append("top-k %d" % args.top_k)
    if args.top_p < 1:
        parts.append("top-p %g" % args.top_p)
    return ", ".join(parts)


def check(args):
    logits = np.load(args.logits)
    if logits.ndim != 3:
        sys.exit("check_sampling.py: expected logits [N, S, V], got %s" %
                 (logits.shape,))
    last = logits[:, -1, :]
    # Identical prompts must give identical logits (a row mix-up would
    # show here).
    spread = np.abs(last - last[0]).max()
    if spread > 1e-4:
        sys.exit("check_sampling.py: the rows' logits differ by %g" % spread)
    row = last[0]
    vocab = row.size
    q = expected_distribution(row, args.temperature, args.top_k, args.top_p)
    draws = read_draws(args.draws, args.eos, vocab)
    n = draws.size
    if n != last.shape[0]:
        sys.exit("check_sampling.py: %d draws for %d rows" % (n, last.shape[0]))
    counts = np.bincount(draws, minlength=vocab).astype(np.float64)

    problems = []
    outside = [t for t in range(vocab) if q[t] == 0 and counts[t] > 0]
    for t in outside:
        problems.append("token %d drawn %d times, but it is outside the kept "
                        "set %s" % (t, counts[t], np.flatnonzero(q).tolist()))
    bins = bins_of(q, n)
    df = len(bins) - 1
    stat = chi_square(counts, q, n, bins)
    critical = chi2_critical(args.alpha, df) if df > 0 else 0.0
    pvalue = chi2_sf(stat, df) if df > 0 else 1.0
    if df > 0 and pvalue < args.alpha:
        problems.append("chi-square %.1f with %d degrees of freedom, p-value "
                        "%.3g < %g (critical value %.1f)" %
                        (stat, df, pvalue, args.alpha, critical))
    log = sys.stderr
    log.write("%s: %d draws, %d kept tokens, chi-square %.2f, df %d, "
              "p-value %.3g, critical %.2f at alpha %g\n" %
              (describe(args), n, int((q > 0).sum()), stat, df, pvalue,
               critical, args.alpha))
    for t in np.argsort(-q, kind="stable"):
        if q[t] == 0 and counts[t] == 0:
            continue
        e = n * q[t]
        p = binomial_two_sided(int(counts[t]), n, q[t])
        sd = math.sqrt(e * (1 - q[t])) if 0 < q[t] < 1 else 0.0
        log.write("  token %2d: expected %7.1f (q %.4f), drawn %5d, %+.2f sd, "
                  "binomial p %.3g\n" % (t, e, q[t], counts[t],
                                         (counts[t] - e) / sd if sd else 0.0,
                                         p))
        if q[t] > 0 and p < args.alpha:
            problems.append("token %d drawn %d times, expected %.1f "
                            "(binomial p-value %.3g < %g)" %
                            (t, counts[t], e, p, args.alpha))

    if args.power_against is not None:
        alt = expected_distribution(row, args.power_against, args.top_k,
                                    args.top_p)
        # Under the alternative the statistic is about df + lambda, with
        # variance 2 (df + 2 lambda) (non-central chi-square).
        lam = sum(n * (alt[b].sum() - q[b].sum()) ** 2 / q[b].sum()
                  for b in bins)
        mean, sd = df + lam, math.sqrt(2 * (df + 2 * lam))
        top = int(np.argmax(q))
        z = (n * alt[top] - n * q[top]) / math.sqrt(n * q[top] * (1 - q[top]))
        log.write("power: a sampler at T=%g instead of T=%g gives an expected "
                  "chi-square of %.0f (sd %.0f), %.0f times the critical value "
                  "%.1f; token %d would be off by %+.1f sd\n" %
                  (args.power_against, args.temperature, mean, sd,
                   mean / critical, critical, top, z))
        if mean - 5 * sd < 10 * critical:
            problems.append("too little power against T=%g: expected "
                            "chi-square %.0f (sd %.0f), critical %.1f: the "
                            "logits are not spread enough" %
                            (args.power_against, mean, sd, critical))

    if args.expect_reject:
        # The power check is about the test design; here only the draws
        # count.
        rejected = [p for p in problems if not p.startswith("too little")]
        if not rejected:
            sys.exit("check_sampling.py: %s: expected the draws to be "
                     "rejected, but they fit" % describe(args))
        sys.stderr.write("rejected as expected: %s\n" % "; ".join(rejected))
        print("%s: rejected as expected" % describe(args))
        return 0
    if problems:
        sys.exit("check_sampling.py: %s:\n  %s" % (describe(args),
                                                   "\n  ".join(problems)))
    print("%s: %d draws fit, %d kept tokens" % (describe(args), n,
                                                 int((q > 0).sum())))
    return 0


def prompts(args):
    ids = [int(t) for t in args.ids.split()]
    np.save(args.out, np.tile(np.array([ids], dtype=np.int64), (args.rows, 1)))
    return 0


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prompts")
    p.add_argument("out")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--ids", required=True)
    c = sub.add_parser("check")
    c.add_argument("logits")
    c.add_argument("draws")
    c.add_argument("--temperature", type=float, required=True)
    c.add_argument("--top-k", type=int, default=0)
    c.add_argument("--top-p", type=float, default=1.0)
    c.add_argument("--eos", type=int, default=2)
    c.add_argument("--alpha", type=float, default=1e-6)
    c.add_argument("--expect-reject", action="store_true")
    c.add_argument("--power-against", type=float)
    args = parser.parse_args()
    return prompts(args) if args.command == "prompts" else check(args)


if __name__ == "__main__":
    sys.exit(main())
