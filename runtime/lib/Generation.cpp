//===- Generation.cpp - the generation loops of compiled models -*- C++ -*-===//

#include "Generation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <numeric>
#include <optional>

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

/// One generation step of row b: picks the next token from its logits at
/// (b, s). End of sequence finishes the row and gives nullopt; any other
/// token is appended to `row` and passed to the callback, and the row
/// finishes once it holds maxNewTokens.
std::optional<int64_t> takeToken(Sampler &sampler, const InputTensor &logits,
                                 int64_t b, int64_t s, const ModelInfo &m,
                                 const GenerationOptions &o,
                                 std::vector<int64_t> &row, bool &done) {
  int64_t token = sampler.pick(logitsAt(logits, b, s), logits.shape[2]);
  if (m.isEos(token)) {
    done = true;
    return std::nullopt;
  }
  row.push_back(token);
  if (o.onToken)
    o.onToken(b, token);
  done = static_cast<int64_t>(row.size()) >= o.maxNewTokens;
  return token;
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
      bool finished = false;
      if (std::optional<int64_t> token = takeToken(
              sampler, logits, b, length - 1, m, o, rows[b], finished)) {
        seqs[b].push_back(*token);
        finished = finished || length + 1 >= m.maxSeqLen;
      }
      done[b] = finished;
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
        bool finished = false;
        token =
            takeToken(sampler, logits, b, tgt.cols - 1, m, o, rows[b], finished)
                .value_or(m.padId);
        done[b] = finished;
      }
      next.ids.push_back(token);
    }
    tgt = std::move(next);
  }
  return rows;
}

/// Every decoder layer's keys and values, [capacity, B, H, D] each
/// (position-major, see tfm.kv_cache_append), allocated once for
/// max_seq_len positions and reused by every step. A step reads `length`
/// positions of every row, also those a shorter or finished row never
/// wrote (masked, so they contribute nothing whatever they hold); the
/// buffers start zeroed all the same, so that no step ever reads memory
/// nobody defined.
class KVCache {
public:
  /// Sizes the cache from `decode_step`'s `past_keys.*` / `past_values.*`
  /// arguments [?, ?, H, D].
  KVCache(Model &model, int64_t rows, int64_t capacity)
      : rows(rows), capacity(capacity) {
    const tfm_entry &e = model.entry("decode_step");
    for (int32_t i = 0; i < e.num_args; ++i) {
      std::string name = e.arg_names[i] ? e.arg_names[i] : "";
      if (name.rfind("past_", 0) != 0)
        continue;
      const tfm_tensor_sig &sig = e.args[i];
      if (sig.rank != 4 || sig.dims[2] < 1 || sig.dims[3] < 1)
        throw Error("model", "corrupt executable: cache argument " + name);
      block = sig.dims[2] * sig.dims[3];
      heads = sig.dims[2];
      names.push_back(name);
      buffers.push_back(
          AlignedBuffer::zeroed(capacity * rows * block * sizeof(float)));
    }
    if (names.empty())
      throw Error("model", "corrupt executable: decode_step has no cache");
  }

  /// The first `length` positions of every buffer, by argument name.
  void bind(int64_t length, std::vector<InputTensor> &views,
            std::map<std::string, const InputTensor *> &inputs) {
    views.resize(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      views[i].dtype = TFM_DTYPE_F32;
      views[i].shape = {length, rows, heads, block / heads};
      views[i].borrowed = buffers[i].get();
      inputs[names[i]] = &views[i];
    }
  }

  /// Stores entries [S, B, H, D] (results 1.. of a prefill or a step) of
  /// row b at positions start[b] + s, for the rows where `store[b]` is set.
  void store(const std::vector<InputTensor> &results,
             const std::vector<int64_t> &start,
             const std::vector<bool> &storeRow) {
    for (size_t i = 0; i < names.size(); ++i) {
      const InputTensor &entries = results.at(1 + i);
      int64_t steps = entries.shape[0];
      auto *from = static_cast<const float *>(entries.ptr());
      auto *to = static_cast<float *>(buffers[i].get());
      for (int64_t s = 0; s < steps; ++s)
        for (int64_t b = 0; b < rows; ++b) {
          int64_t position = start[b] + s;
          if (!storeRow[b] || position >= capacity)
            continue;
          std::copy_n(from + (s * rows + b) * block, block,
                      to + (position * rows + b) * block);
        }
    }
  }

private:
  int64_t rows, capacity, block = 0, heads = 1;
  std::vector<std::string> names;
  std::vector<AlignedBuffer> buffers;
};

/// Ids [rows, cols] from a function of (row, column).
template <typename F> InputTensor idsOf(int64_t rows, int64_t cols, F at) {
  IdBatch batch;
  batch.rows = rows;
  batch.cols = cols;
  for (int64_t b = 0; b < rows; ++b)
    for (int64_t s = 0; s < cols; ++s)
      batch.ids.push_back(at(b, s));
  return idTensor(batch);
}

InputTensor positionsOf(const std::vector<int64_t> &positions) {
  InputTensor t;
  t.dtype = TFM_DTYPE_I64;
  t.shape = {static_cast<int64_t>(positions.size())};
  t.data = AlignedBuffer(positions.size() * sizeof(int64_t));
  std::copy(positions.begin(), positions.end(),
            static_cast<int64_t *>(t.data.get()));
  return t;
}

/// Decoder-only with the cache: `prefill` runs the prompts, then each
/// `decode_step` runs the last token of every unfinished row against the
/// cached positions. The same rows finish at the same steps as without
/// the cache.
std::vector<std::vector<int64_t>>
generateDecoderCached(Model &model, const ModelInfo &m, const IdBatch &prompts,
                      const GenerationOptions &o, Sampler &sampler,
                      GenerationStats &stats) {
  std::vector<std::vector<int64_t>> seqs = unpaddedPrompts(m, prompts);
  int64_t rowCount = prompts.rows;
  std::vector<std::vector<int64_t>> rows(rowCount);
  std::vector<bool> done(rowCount);
  for (int64_t b = 0; b < rowCount; ++b)
    done[b] = o.maxNewTokens == 0 ||
              static_cast<int64_t>(seqs[b].size()) >= m.maxSeqLen;
  auto allDone = [&] {
    return std::all_of(done.begin(), done.end(), [](bool d) { return d; });
  };
  if (allDone())
    return rows;

  // Appends the token chosen from `logits` at (b, s) to row b.
  auto advance = [&](const InputTensor &logits, int64_t b, int64_t s) {
    bool finished = false;
    if (std::optional<int64_t> token =
            takeToken(sampler, logits, b, s, m, o, rows[b], finished)) {
      seqs[b].push_back(*token);
      finished =
          finished || static_cast<int64_t>(seqs[b].size()) >= m.maxSeqLen;
    }
    done[b] = finished;
  };

  int64_t cols = 0;
  for (const auto &seq : seqs)
    cols = std::max<int64_t>(cols, seq.size());
  // No row goes past its prompt and maxNewTokens: a model that can reach
  // 128k positions does not get a 128k cache for a short generation.
  KVCache cache(model, rowCount,
                std::min<int64_t>(m.maxSeqLen, cols + o.maxNewTokens));
  InputTensor ids = idsOf(rowCount, cols, [&](int64_t b, int64_t s) {
    return s < static_cast<int64_t>(seqs[b].size()) ? seqs[b][s] : m.padId;
  });
  auto start = Clock::now();
  std::vector<InputTensor> results = model.callAll("prefill", {{"ids", &ids}});
  cache.store(results, std::vector<int64_t>(rowCount, 0),
              std::vector<bool>(rowCount, true));
  for (int64_t b = 0; b < rowCount; ++b)
    if (!done[b])
      advance(results[0], b, static_cast<int64_t>(seqs[b].size()) - 1);
  stats.prefillMs = msSince(start);

  std::vector<InputTensor> views;
  while (!allDone()) {
    start = Clock::now();
    // Row b's newest token is at position cached[b]; the positions before
    // it are in the cache. Finished rows ride along fully masked.
    std::vector<int64_t> cached(rowCount, 0);
    std::vector<bool> active(rowCount);
    int64_t length = 0;
    for (int64_t b = 0; b < rowCount; ++b) {
      active[b] = !done[b];
      if (active[b])
        cached[b] = static_cast<int64_t>(seqs[b].size()) - 1;
      length = std::max(length, cached[b]);
    }
    InputTensor newIds = idsOf(rowCount, 1, [&](int64_t b, int64_t) {
      return active[b] ? seqs[b].back() : m.padId;
    });
    InputTensor keyIds = idsOf(rowCount, length + 1, [&](int64_t b, int64_t s) {
      if (!active[b])
        return m.padId;
      return s < cached[b] ? seqs[b][s]
             : s == length ? seqs[b].back()
                           : m.padId;
    });
    InputTensor positions = positionsOf(cached);
    std::map<std::string, const InputTensor *> inputs = {
        {"ids", &newIds}, {"positions", &positions}, {"key_ids", &keyIds}};
    cache.bind(length, views, inputs);
    results = model.callAll("decode_step", inputs);
    cache.store(results, cached, active);
    for (int64_t b = 0; b < rowCount; ++b)
      if (active[b])
        advance(results[0], b, 0);
    stats.stepMs.push_back(msSince(start));
  }
  return rows;
}

/// Encoder-decoder with the cache: `prefill` encodes the sources and
/// projects every decoder layer's cross-attention keys and values once;
/// each `decode_step` runs one target position of every row. Finished rows
/// get pad_id, as without the cache.
std::vector<std::vector<int64_t>>
generateEncoderDecoderCached(Model &model, const ModelInfo &m,
                             const IdBatch &src, const GenerationOptions &o,
                             Sampler &sampler, GenerationStats &stats) {
  int64_t rowCount = src.rows;
  InputTensor srcIds = idTensor(src);
  auto start = Clock::now();
  std::vector<InputTensor> cross =
      model.callAll("prefill", {{"src_ids", &srcIds}});
  stats.prefillMs = msSince(start);
  std::map<std::string, const InputTensor *> inputs = {{"src_ids", &srcIds}};
  for (size_t i = 0; i < cross.size(); ++i)
    inputs[(i % 2 ? "cross_values." : "cross_keys.") + std::to_string(i / 2)] =
        &cross[i];

  KVCache cache(model, rowCount, m.maxSeqLen);
  std::vector<std::vector<int64_t>> rows(rowCount);
  std::vector<bool> done(rowCount, o.maxNewTokens == 0);
  // Every row's target so far, bos first; finished rows continue with pad.
  std::vector<std::vector<int64_t>> tgt(rowCount, {m.bosId});
  std::vector<InputTensor> views;
  for (int64_t t = 0;
       !std::all_of(done.begin(), done.end(), [](bool d) { return d; }) &&
       t + 1 < m.maxSeqLen;
       ++t) {
    start = Clock::now();
    InputTensor newIds =
        idsOf(rowCount, 1, [&](int64_t b, int64_t) { return tgt[b][t]; });
    InputTensor keyIds =
        idsOf(rowCount, t + 1, [&](int64_t b, int64_t s) { return tgt[b][s]; });
    InputTensor positions = positionsOf(std::vector<int64_t>(rowCount, t));
    inputs["ids"] = &newIds;
    inputs["positions"] = &positions;
    inputs["key_ids"] = &keyIds;
    cache.bind(t, views, inputs);
    std::vector<InputTensor> results = model.callAll("decode_step", inputs);
    cache.store(results, std::vector<int64_t>(rowCount, t),
                std::vector<bool>(rowCount, true));
    for (int64_t b = 0; b < rowCount; ++b) {
      int64_t token = m.padId;
      if (!done[b]) {
        bool finished = false;
        token = takeToken(sampler, results[0], b, 0, m, o, rows[b], finished)
                    .value_or(m.padId);
        done[b] = finished;
      }
      tgt[b].push_back(token);
    }
    stats.stepMs.push_back(msSince(start));
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

namespace {

/// What both kinds of generation share: one sampler, the stats, and the
/// choice between the cached loop and the one without a cache.
template <typename Loop>
std::vector<std::vector<int64_t>>
runGeneration(Model &model, const ModelInfo &m, const IdBatch &input,
              const GenerationOptions &options, GenerationStats &stats,
              Loop cached, Loop uncached) {
  Sampler sampler(options.sampling);
  stats = GenerationStats();
  stats.promptLen = input.cols;
  std::vector<std::vector<int64_t>> rows =
      (options.noCache ? uncached : cached)(model, m, input, options, sampler,
                                            stats);
  for (const auto &row : rows)
    stats.generated += row.size();
  return rows;
}

} // namespace

std::vector<std::vector<int64_t>> tfm::runtime::generateContinuations(
    Model &model, const ModelInfo &m, const IdBatch &prompts,
    const GenerationOptions &options, GenerationStats &stats) {
  return runGeneration(model, m, prompts, options, stats, generateDecoderCached,
                       generateDecoderUncached);
}

std::vector<std::vector<int64_t>> tfm::runtime::generateTargets(
    Model &model, const ModelInfo &m, const IdBatch &sources,
    const GenerationOptions &options, GenerationStats &stats) {
  return runGeneration(model, m, sources, options, stats,
                       generateEncoderDecoderCached,
                       generateEncoderDecoderUncached);
}
