//===- Sampling.cpp - choosing the next token from logits -------*- C++ -*-===//

#include "Sampling.h"

#include "tfm/formats/Error.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace tfm::runtime;

static double parseNumber(const std::string &flag, const std::string &value) {
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(value.c_str(), &end);
  // ERANGE also flags a subnormal result, which is a number all the same.
  bool overflow = errno == ERANGE && std::fabs(v) >= 1;
  if (value.empty() || *end != '\0' || overflow || !std::isfinite(v))
    throw Error(flag, "expected a finite number, got " + quote(value));
  return v;
}

static uint64_t parseUnsigned(const std::string &flag,
                              const std::string &value) {
  char *end = nullptr;
  errno = 0;
  if (value.empty() || value[0] == '-' || value[0] == '+')
    throw Error(flag, "expected a non-negative integer, got " + quote(value));
  unsigned long long v = std::strtoull(value.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE)
    throw Error(flag, "expected a non-negative integer, got " + quote(value));
  return v;
}

SamplingOptions tfm::runtime::parseSamplingOptions(
    const std::optional<std::string> &temperature,
    const std::optional<std::string> &topK,
    const std::optional<std::string> &topP,
    const std::optional<std::string> &seed) {
  SamplingOptions o;
  if (temperature) {
    o.temperature = parseNumber("--temperature", *temperature);
    if (o.temperature < 0)
      throw Error("--temperature", "must be at least 0 (0 = greedy), got " +
                                       quote(*temperature));
  } else if (topK || topP) {
    o.temperature = 1;
  }
  if (topK) {
    uint64_t k = parseUnsigned("--top-k", *topK);
    if (k < 1 || k > (uint64_t(1) << 40))
      throw Error("--top-k", "must be a positive integer, got " + quote(*topK));
    o.topK = static_cast<int64_t>(k);
  }
  if (topP) {
    o.topP = parseNumber("--top-p", *topP);
    if (!(o.topP > 0 && o.topP <= 1))
      throw Error("--top-p", "must be in (0, 1], got " + quote(*topP));
  }
  if (o.greedy() && (topK || topP))
    throw Error(topK ? "--top-k" : "--top-p",
                "cannot be combined with --temperature 0 (greedy)");
  if (seed)
    o.seed = parseUnsigned("--seed", *seed);
  return o;
}

double Sampler::uniform() { return (rng() >> 11) * 0x1.0p-53; }

int64_t Sampler::pick(const float *logits, int64_t vocab) {
  if (options.greedy()) {
    int64_t best = 0;
    for (int64_t v = 1; v < vocab; ++v)
      if (logits[v] > logits[best])
        best = v;
    return best;
  }
  // Most likely first; equal logits in id order, so that the result depends
  // only on the logits and the seed.
  candidates.clear();
  for (int64_t v = 0; v < vocab; ++v)
    candidates.push_back({double(logits[v]), v});
  auto before = [](const std::pair<double, int64_t> &a,
                   const std::pair<double, int64_t> &b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  size_t keep = candidates.size();
  if (options.topK > 0 && static_cast<uint64_t>(options.topK) < keep)
    keep = static_cast<size_t>(options.topK);
  std::partial_sort(candidates.begin(), candidates.begin() + keep,
                    candidates.end(), before);
  candidates.resize(keep);
  // Softmax of logits / T over the kept tokens. The largest logit is
  // subtracted before dividing: logit / T alone overflows for a tiny T
  // (inf - inf would be NaN), while (logit - max) / T only goes to -inf.
  double max = candidates[0].first, total = 0;
  for (auto &[p, id] : candidates) {
    p = std::exp((p - max) / options.temperature);
    total += p;
  }
  if (options.topP < 1) {
    double cumulative = 0;
    size_t n = 0;
    while (n < candidates.size()) {
      cumulative += candidates[n++].first / total;
      if (cumulative >= options.topP)
        break;
    }
    candidates.resize(n);
    total = 0;
    for (auto &c : candidates)
      total += c.first;
  }
  double u = uniform() * total;
  for (const auto &[p, id] : candidates) {
    if (u < p)
      return id;
    u -= p;
  }
  return candidates.back().second;
}
