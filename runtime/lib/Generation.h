//===- Generation.h - the generation loops of compiled models ---*- C++ -*-===//
//
// Decoder-only models continue each row of a prompt batch; encoder-decoder
// models generate a target for each source row, starting from bos_id. Rows
// stop at eos_id, max_new_tokens or max_seq_len, each at its own step.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_GENERATION_H
#define TFM_RUNTIME_LIB_GENERATION_H

#include "ModelRunner.h"
#include "Sampling.h"

#include <functional>
#include <string>
#include <vector>

namespace tfm::runtime {

/// Receives each generated token (row, id) as soon as it is chosen, in the
/// order the loop picks them; eos is not passed on. Row b's calls spell out
/// exactly the row that generation returns for b.
using TokenCallback = std::function<void(int64_t row, int64_t token)>;

struct GenerationOptions {
  int64_t maxNewTokens = 0;
  SamplingOptions sampling;
  /// Regenerate every earlier position at each step (--no-cache), for
  /// comparison with the cached loop.
  bool noCache = false;
  /// Optional; for streaming.
  TokenCallback onToken;
};

/// Timings of one generation, for --stats.
struct GenerationStats {
  int64_t promptLen = 0, generated = 0;
  /// The prompt (decoder-only) or the source (encoder-decoder).
  double prefillMs = 0;
  /// One entry per decode step.
  std::vector<double> stepMs;

  /// `stats: prompt_len=P generated=N prefill_ms=X decode_ms_first16=Y
  /// decode_ms_last16=Z tokens_per_s=R`; per-token figures are averages
  /// over the first and the last 16 decode steps.
  std::string format() const;
};

/// Decoder-only models: continues each row of `prompts` (trailing pad_id
/// removed). Returns the generated ids of each row (without eos).
std::vector<std::vector<int64_t>>
generateContinuations(Model &model, const ModelInfo &m, const IdBatch &prompts,
                      const GenerationOptions &options, GenerationStats &stats);

/// Encoder-decoder models: generates a target for each row of `sources`,
/// starting from bos_id. Returns the generated ids of each row (without
/// bos and eos).
std::vector<std::vector<int64_t>>
generateTargets(Model &model, const ModelInfo &m, const IdBatch &sources,
                const GenerationOptions &options, GenerationStats &stats);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_GENERATION_H
