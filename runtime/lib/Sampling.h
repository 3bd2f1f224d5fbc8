//===- Sampling.h - choosing the next token from logits ---------*- C++ -*-===//
//
// Greedy decoding (the default) and sampling with temperature, top-k and
// top-p (nucleus), deterministic for a given --seed: the generator and the
// arithmetic are fixed here rather than left to the standard library's
// distributions, whose output differs between implementations.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_SAMPLING_H
#define TFM_RUNTIME_LIB_SAMPLING_H

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tfm::runtime {

struct SamplingOptions {
  /// 0 = greedy. Sampling is on when it is positive.
  double temperature = 0;
  /// Keep only the k most likely tokens (0 = all).
  int64_t topK = 0;
  /// Keep the smallest set of most likely tokens whose probability reaches
  /// p (1 = all).
  double topP = 1;
  uint64_t seed = 0;

  bool greedy() const { return temperature == 0; }
};

/// Checks and combines the sampling flags; throws Error (naming the flag)
/// on a bad value. Giving --top-k or --top-p alone samples at temperature 1.
SamplingOptions
parseSamplingOptions(const std::optional<std::string> &temperature,
                     const std::optional<std::string> &topK,
                     const std::optional<std::string> &topP,
                     const std::optional<std::string> &seed);

class Sampler {
public:
  explicit Sampler(const SamplingOptions &options)
      : options(options), rng(options.seed) {}

  /// The next token for one row of `vocab` logits. Greedy ties go to the
  /// lowest id.
  int64_t pick(const float *logits, int64_t vocab);

private:
  /// A uniform double in [0, 1) from the top 53 bits of the generator.
  double uniform();

  SamplingOptions options;
  std::mt19937_64 rng;
  std::vector<std::pair<double, int64_t>> candidates;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_SAMPLING_H
