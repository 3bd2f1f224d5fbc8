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

#include <string>
#include <vector>

namespace tfm::runtime {

struct GenerationOptions {
  int64_t maxNewTokens = 0;
  SamplingOptions sampling;
  /// Regenerate every earlier position at each step (--no-cache), for
  /// comparison with the cached loop.
  bool noCache = false;
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

/// The generated ids of each row (without eos).
std::vector<std::vector<int64_t>> generate(Model &model, const ModelInfo &m,
                                           const IdBatch &input,
                                           const GenerationOptions &options,
                                           GenerationStats &stats);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_GENERATION_H
