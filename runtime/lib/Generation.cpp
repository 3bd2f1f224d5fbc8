//===- Generation.cpp - the generation loops of compiled models -*- C++ -*-===//

#include "Generation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

using namespace tfm::runtime;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

/// Logits [B, S, V] at (b, s).
const float *logitsAt(const InputTensor &logits, int64_t b, int64_t s) {
  int64_t steps = logits.shape[1], vocab = logits.shape[2];
  return static_cast<const float *>(logits.ptr()) + (b * steps + s) * vocab;
}

/// The rows of a prompt batch without their trailing padding.
std::vector<std::vector<int64_t>> unpaddedPrompts(const ModelInfo &m,
                                                  const IdBatch &prompts) {
  std::vector<std::vector<int64_t>> seqs(prompts.rows);
  for (int64_t b = 0; b < prompts.rows; ++b) {
    for (int64_t s = 0; s < prompts.cols; ++s)
      seqs[b].push_back(prompts.at(b, s));
    while (!seqs[b].empty() && seqs[b].back() == m.padId)
      seqs[b].pop_back();
    if (seqs[b].empty())
      throw Error("input", "row " + std::to_string(b) +
                               " is all padding: nothing to continue");
  }
  return seqs;
}

/// Decoder-only, without a cache: each step runs `forward` over every
/// position so far.
std::vector<std::vector<int64_t>>
generateDecoderUncached(Model &model, const ModelInfo &m,
                        const IdBatch &prompts, const GenerationOptions &o,
                        Sampler &sampler, GenerationStats &stats) {
  std::vector<std::vector<int64_t>> seqs = unpaddedPrompts(m, prompts);
  std::vector<std::vector<int64_t>> rows(prompts.rows);
  std::vector<bool> done(prompts.rows);
  for (int64_t b = 0; b < prompts.rows; ++b)
    done[b] = o.maxNewTokens == 0 ||
              static_cast<int64_t>(seqs[b].size()) >= m.maxSeqLen;
  bool first = true;
  while (!std::all_of(done.begin(), done.end(), [](bool d) { return d; })) {
    IdBatch batch;
    batch.rows = prompts.rows;
    for (const auto &seq : seqs)
      batch.cols = std::max<int64_t>(batch.cols, seq.size());
    batch.ids.assign(batch.rows * batch.cols, m.padId);
    for (int64_t b = 0; b < batch.rows; ++b)
      std::copy(seqs[b].begin(), seqs[b].end(),
                batch.ids.begin() + b * batch.cols);
    InputTensor ids = idTensor(batch);
    auto start = Clock::now();
    InputTensor logits = model.call("forward", {{"ids", &ids}});
    (first ? stats.prefillMs : stats.stepMs.emplace_back()) = msSince(start);
    first = false;
    for (int64_t b = 0; b < batch.rows; ++b) {
      if (done[b])
        continue;
      int64_t length = seqs[b].size();
      int64_t token =
          sampler.pick(logitsAt(logits, b, length - 1), logits.shape[2]);
      if (token == m.eosId) {
        done[b] = true;
        continue;
      }
      rows[b].push_back(token);
      seqs[b].push_back(token);
      done[b] = static_cast<int64_t>(rows[b].size()) >= o.maxNewTokens ||
                length + 1 >= m.maxSeqLen;
    }
  }
  return rows;
}

/// Encoder-decoder, without a cache: the source is encoded once; each step
/// runs `decode` over every target position so far. Finished rows are
/// padded.
std::vector<std::vector<int64_t>>
generateEncoderDecoderUncached(Model &model, const ModelInfo &m,
                               const IdBatch &src, const GenerationOptions &o,
                               Sampler &sampler, GenerationStats &stats) {
  InputTensor srcIds = idTensor(src);
  auto start = Clock::now();
  InputTensor memory = model.call("encode", {{"src_ids", &srcIds}});
  stats.prefillMs = msSince(start);
  std::vector<std::vector<int64_t>> rows(src.rows);
  std::vector<bool> done(src.rows, o.maxNewTokens == 0);
  IdBatch tgt;
  tgt.rows = src.rows;
  tgt.cols = 1;
  tgt.ids.assign(src.rows, m.bosId);
  while (!std::all_of(done.begin(), done.end(), [](bool d) { return d; }) &&
         tgt.cols < m.maxSeqLen) {
    InputTensor tgtIds = idTensor(tgt);
    start = Clock::now();
    InputTensor logits = model.call(
        "decode",
        {{"memory", &memory}, {"src_ids", &srcIds}, {"tgt_ids", &tgtIds}});
    stats.stepMs.push_back(msSince(start));
    IdBatch next;
    next.rows = tgt.rows;
    next.cols = tgt.cols + 1;
    for (int64_t b = 0; b < tgt.rows; ++b) {
      for (int64_t t = 0; t < tgt.cols; ++t)
        next.ids.push_back(tgt.at(b, t));
      int64_t token = m.padId;
      if (!done[b]) {
        token =
            sampler.pick(logitsAt(logits, b, tgt.cols - 1), logits.shape[2]);
        if (token == m.eosId) {
          done[b] = true;
          token = m.padId;
        } else {
          rows[b].push_back(token);
          done[b] = static_cast<int64_t>(rows[b].size()) >= o.maxNewTokens;
        }
      }
      next.ids.push_back(token);
    }
    tgt = std::move(next);
  }
  return rows;
}

} // namespace

std::string GenerationStats::format() const {
  auto mean = [](auto begin, auto end) {
    return begin == end ? 0.0
                        : std::accumulate(begin, end, 0.0) / (end - begin);
  };
  size_t window = std::min<size_t>(16, stepMs.size());
  double first = mean(stepMs.begin(), stepMs.begin() + window);
  double last = mean(stepMs.end() - window, stepMs.end());
  double totalMs =
      prefillMs + std::accumulate(stepMs.begin(), stepMs.end(), 0.0);
  double perSecond = totalMs > 0 ? generated * 1000.0 / totalMs : 0.0;
  char line[256];
  std::snprintf(line, sizeof line,
                "stats: prompt_len=%lld generated=%lld prefill_ms=%.3f "
                "decode_ms_first16=%.3f decode_ms_last16=%.3f "
                "tokens_per_s=%.2f",
                (long long)promptLen, (long long)generated, prefillMs, first,
                last, perSecond);
  return line;
}

std::vector<std::vector<int64_t>>
tfm::runtime::generate(Model &model, const ModelInfo &m, const IdBatch &input,
                       const GenerationOptions &options,
                       GenerationStats &stats) {
  Sampler sampler(options.sampling);
  stats = GenerationStats();
  stats.promptLen = input.cols;
  std::vector<std::vector<int64_t>> rows =
      m.isDecoder()
          ? generateDecoderUncached(model, m, input, options, sampler, stats)
          : generateEncoderDecoderUncached(model, m, input, options, sampler,
                                           stats);
  for (const auto &row : rows)
    stats.generated += row.size();
  return rows;
}
