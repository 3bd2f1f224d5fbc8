//===- ModelMain.cpp - the command line of compiled models ------*- C++ -*-===//
//
//   MODEL (--ids "5 9 13" | --input IDS.npy | --text "...")
//         [--output H.npy] [--logits L.npy] [--max-new-tokens N]
//         [--target-ids "..." | --target-input T.npy] [--print-ids]
//         [--temperature T] [--top-k K] [--top-p P] [--seed N] [--stats]
//         [--no-cache] [--dump-attention F.html] [--threads N] [--repeat N]
//         [--weights FILE]
//
// The flags and their help are in Flags.cpp; what depends on the
// architecture is in Architecture.cpp. Ids are used as given (no bos/eos added
// to sources or prompts); batches are padded with trailing pad_id. Every error
// is one line and exit code 2.
//
//===----------------------------------------------------------------------===//

#include "ModelMain.h"

#include "Architecture.h"
#include "CommandLine.h"
#include "Generation.h"
#include "ModelRunner.h"
#include "OutputFiles.h"
#include "Summary.h"
#include "Threads.h"

#include "tfm/Version.h"
#include "tfm/formats/Error.h"
#include "tfm/formats/Json.h"
#include "tfm/formats/Npy.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>

using namespace tfm::runtime;

namespace {

ModelInfo parseModelInfo(const char *text) {
  tfm::json::Value root;
  std::string error;
  if (!tfm::json::parse(text, root, error) ||
      root.kind != tfm::json::Value::Kind::Object)
    throw Error("model", "corrupt model description: " + error);
  auto integer = [&](const char *key) -> int64_t {
    const tfm::json::Value *v = root.find(key);
    return v && v->isInteger ? v->integer : 0;
  };
  auto string = [&](const char *key) -> std::string {
    const tfm::json::Value *v = root.find(key);
    return v ? v->string : "";
  };
  ModelInfo m;
  m.architecture = string("architecture");
  m.dModel = integer("d_model");
  m.srcVocabSize = integer("src_vocab_size");
  m.tgtVocabSize = integer("tgt_vocab_size");
  m.maxSeqLen = integer("max_seq_len");
  m.padId = integer("pad_id");
  m.typeVocabSize = integer("type_vocab_size");
  m.bosId = integer("bos_id");
  m.eosId = integer("eos_id");
  m.eosIds = {m.eosId};
  if (const tfm::json::Value *v = root.find("eos_ids"); v && v->array)
    for (const tfm::json::Value &id : *v->array)
      if (id.isInteger && !m.isEos(id.integer))
        m.eosIds.push_back(id.integer);
  auto tokens = [&](const char *key) {
    std::vector<std::string> list;
    if (const tfm::json::Value *v = root.find(key); v && v->array)
      for (const tfm::json::Value &token : *v->array)
        list.push_back(token.string);
    return Vocabulary(std::move(list));
  };
  m.srcVocab = tokens("src_tokens");
  m.tgtVocab = tokens("tgt_tokens");
  return m;
}

void printModelHelp(const std::string &program, const ModelInfo &m,
                    const Architecture &arch) {
  bool text = !arch.inputVocab(m).empty();
  std::vector<Flag> hidden;
  if (!text)
    hidden.push_back(Flag::Text);
  if (m.typeVocabSize == 0)
    hidden.insert(hidden.end(), {Flag::TokenTypeIds, Flag::TokenTypeInput});
  std::printf("usage: %s (--ids \"5 9 13\" | --input IDS.npy%s) [options]\n\n"
              "A compiled %s model (d_model %lld, max_seq_len %lld).\n\n",
              program.c_str(), text ? " | --text \"...\"" : "",
              m.architecture.c_str(), (long long)m.dModel,
              (long long)m.maxSeqLen);
  printFlagHelp(stdout, arch.kind(), 24,
                {{"d_model", std::to_string(m.dModel)},
                 {"pad_id", std::to_string(m.padId)},
                 {"tgt_vocab_size", std::to_string(m.tgtVocabSize)},
                 {"bos_id", std::to_string(m.bosId)},
                 {"type_vocab_size", std::to_string(m.typeVocabSize)}},
                hidden);
}

IdBatch parseIdList(const std::string &flag, const std::string &text) {
  IdBatch batch;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    char *end = nullptr;
    errno = 0;
    long long v = std::strtoll(word.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE)
      throw Error(flag, "expected integer token ids, got " + quote(word));
    batch.ids.push_back(v);
  }
  batch.rows = 1;
  batch.cols = static_cast<int64_t>(batch.ids.size());
  return batch;
}

IdBatch readIdFile(const std::string &path) {
  NpyReader reader(path);
  const NpyHeader &h = reader.header();
  if (h.dtype != TFM_DTYPE_I32 && h.dtype != TFM_DTYPE_I64)
    throw Error(path, "token ids must be int32 or int64, found " +
                          dtypeName(h.dtype));
  if (h.shape.size() != 1 && h.shape.size() != 2)
    throw Error(path, "token ids must be [B, S] or [S], found shape " +
                          formatShape(h.shape));
  IdBatch batch;
  batch.rows = h.shape.size() == 2 ? h.shape[0] : 1;
  batch.cols = h.shape.back();
  AlignedBuffer data(h.dataBytes);
  reader.readData(data.get());
  int64_t count = batch.rows * batch.cols;
  batch.ids.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    if (h.dtype == TFM_DTYPE_I64) {
      std::memcpy(&batch.ids[i], static_cast<char *>(data.get()) + 8 * i, 8);
    } else {
      int32_t v;
      std::memcpy(&v, static_cast<char *>(data.get()) + 4 * i, 4);
      batch.ids[i] = v;
    }
  }
  return batch;
}

/// Checks ids against the vocabulary and the model's maximum length.
void validate(const IdBatch &batch, const std::string &subject, int64_t vocab,
              int64_t maxLen, int64_t padId) {
  if (batch.rows == 0 || batch.cols == 0)
    throw Error(subject, "empty input: no token ids");
  if (batch.cols > maxLen)
    throw Error(subject, "sequence of " + std::to_string(batch.cols) +
                             " tokens is longer than max_seq_len " +
                             std::to_string(maxLen));
  // Trailing padding may use a pad id outside the vocabulary (Hugging Face
  // checkpoints reserve none; tfmc gives them vocab_size).
  std::vector<int64_t> ends(batch.rows, batch.cols);
  for (int64_t b = 0; b < batch.rows; ++b)
    while (ends[b] > 0 && batch.at(b, ends[b] - 1) == padId)
      --ends[b];
  for (int64_t i = 0; i < batch.rows * batch.cols; ++i) {
    int64_t id = batch.ids[i];
    bool trailingPad = i % batch.cols >= ends[i / batch.cols];
    if (!trailingPad && (id < 0 || id >= vocab))
      throw Error(subject, "token id " + std::to_string(id) + " (row " +
                               std::to_string(i / batch.cols) + ", position " +
                               std::to_string(i % batch.cols) +
                               ") is outside the vocabulary [0, " +
                               std::to_string(vocab) + ")");
  }
}

/// Reads the token types of --token-type-ids or --token-type-input into
/// `batch`: the same shape as its ids, each in [0, type_vocab_size).
void readTokenTypes(const CommandLine &o, const ModelInfo &m, IdBatch &batch) {
  const auto &text = o.value(Flag::TokenTypeIds);
  const auto &file = o.value(Flag::TokenTypeInput);
  if (!text && !file)
    return;
  std::string subject = text ? "--token-type-ids" : *file;
  if (text && file)
    throw Error("--token-type-ids",
                "cannot be combined with --token-type-input");
  if (m.typeVocabSize == 0)
    throw Error(subject, "the model takes no token types");
  IdBatch types = text ? parseIdList(subject, *text) : readIdFile(subject);
  if (types.rows != batch.rows || types.cols != batch.cols)
    throw Error(subject, "token types of shape [" + std::to_string(types.rows) +
                             ", " + std::to_string(types.cols) +
                             "] for ids of shape [" +
                             std::to_string(batch.rows) + ", " +
                             std::to_string(batch.cols) + "]");
  for (int64_t i = 0; i < types.rows * types.cols; ++i)
    if (types.ids[i] < 0 || types.ids[i] >= m.typeVocabSize)
      throw Error(subject, "token type " + std::to_string(types.ids[i]) +
                               " (row " + std::to_string(i / types.cols) +
                               ", position " + std::to_string(i % types.cols) +
                               ") is outside [0, " +
                               std::to_string(m.typeVocabSize) + ")");
  batch.tokenTypes = std::move(types.ids);
}

StridedView viewOf(const InputTensor &t) {
  StridedView v;
  v.dtype = t.dtype;
  v.origin = static_cast<const char *>(t.ptr());
  v.sizes = t.shape;
  v.strides.assign(t.shape.size(), 1);
  for (size_t d = t.shape.size(); d-- > 1;)
    v.strides[d - 1] = v.strides[d] * t.shape[d];
  return v;
}

void writeNpyFile(const std::string &path, const InputTensor &t) {
  OutputFiles files;
  files.write(path, viewOf(t));
  files.commit();
}

std::string joinIds(const std::vector<int64_t> &ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i)
    s += (i ? " " : "") + std::to_string(ids[i]);
  return s;
}

} // namespace

int tfm::runtime::runModel(int argc, char **argv, const tfm_module &module) {
  ModelInfo m = parseModelInfo(module.model_config);
  const Architecture *found = findArchitecture(m.architecture);
  if (!found)
    throw Error("model", "corrupt model description: unknown architecture " +
                             quote(m.architecture));
  const Architecture &arch = *found;
  // Every model flag is parsed, so that another architecture's is named as
  // such below rather than as unknown.
  CommandLine o = parseCommandLine(argc, argv, kAnyModel);
  if (o.has(Flag::Help)) {
    printModelHelp(programName(argc, argv), m, arch);
    return 0;
  }
  if (o.has(Flag::Version)) {
    std::printf("%s\n", TFM_VERSION_STRING);
    return 0;
  }
  setNumThreads(static_cast<int32_t>(
      o.number(Flag::Threads).value_or(defaultNumThreads())));

  // Flags that do not fit the architecture are mistakes, not no-ops.
  rejectFlagsOfOtherKinds(o, arch.kind(), arch.name());
  int sources = o.has(Flag::Ids) + o.has(Flag::Input) + o.has(Flag::Text);
  if (sources != 1)
    throw Error("input", sources ? "give only one of --ids, --input and --text"
                                 : "no input: give --ids, --input or --text");
  if (o.has(Flag::TargetIds) && o.has(Flag::TargetInput))
    throw Error("--target-ids", "cannot be combined with --target-input");
  arch.checkFlags(o);

  // Generation flags where nothing is generated are mistakes too.
  bool generating = arch.generates(o);
  for (Flag flag : {Flag::Temperature, Flag::TopK, Flag::TopP, Flag::Seed,
                    Flag::Stats, Flag::NoCache})
    if (!generating && o.has(flag))
      throw Error(flagName(flag),
                  "only used when generating (--logits alone or with a "
                  "target does not generate)");
  GenerationOptions generation;
  generation.sampling =
      parseSamplingOptions(o.value(Flag::Temperature), o.value(Flag::TopK),
                           o.value(Flag::TopP), o.value(Flag::Seed));
  generation.noCache = o.has(Flag::NoCache);

  // Vocabularies, only when text goes in or out.
  const Vocabulary &inVocab = arch.inputVocab(m);
  IdBatch batch;
  std::string subject;
  if (const auto &text = o.value(Flag::Text)) {
    if (inVocab.empty())
      throw Error("--text",
                  "the model has no vocabulary; use --ids or --input");
    batch.ids = inVocab.encode(*text, "--text");
    batch.rows = 1;
    batch.cols = static_cast<int64_t>(batch.ids.size());
    subject = "--text";
  } else if (const auto &ids = o.value(Flag::Ids)) {
    batch = parseIdList("--ids", *ids);
    subject = "--ids";
  } else {
    subject = *o.value(Flag::Input);
    batch = readIdFile(subject);
  }
  validate(batch, subject, arch.inputVocabSize(m), m.maxSeqLen, m.padId);
  readTokenTypes(o, m, batch);

  std::optional<IdBatch> target;
  if (o.has(Flag::TargetIds) || o.has(Flag::TargetInput)) {
    const auto &targetIds = o.value(Flag::TargetIds);
    std::string targetSubject =
        targetIds ? "--target-ids" : *o.value(Flag::TargetInput);
    target = targetIds ? parseIdList("--target-ids", *targetIds)
                       : readIdFile(targetSubject);
    validate(*target, targetSubject, m.tgtVocabSize, m.maxSeqLen, m.padId);
    if (target->rows != batch.rows)
      throw Error(targetSubject, "has " + std::to_string(target->rows) +
                                     " rows, the source has " +
                                     std::to_string(batch.rows));
  }
  const std::optional<std::string> &outPath = o.value(arch.resultFlag());
  for (const auto &path : {outPath, o.value(Flag::DumpAttention)})
    if (path)
      checkOutputFile(*path);

  ModelWeights weights(o.value(Flag::Weights)
                           .value_or(module.weights_path
                                         ? std::string(module.weights_path)
                                         : ""));
  Model model(module, weights);

  std::vector<double> times;
  for (int64_t run = 0, runs = o.number(Flag::Repeat).value_or(1); run < runs;
       ++run) {
    bool last = run + 1 == runs;
    auto start = std::chrono::steady_clock::now();
    std::optional<InputTensor> result = arch.run(model, m, batch, target, o);
    std::vector<std::vector<int64_t>> generated;
    // Each row's tokens as the loop hands them over; printed at the end.
    std::vector<std::vector<int64_t>> streamed(batch.rows);
    GenerationStats stats;
    if (generating) {
      // By default each row goes on until it reaches max_seq_len.
      generation.maxNewTokens =
          o.number(Flag::MaxNewTokens).value_or(m.maxSeqLen);
      generation.onToken = [&](int64_t row, int64_t token) {
        streamed[row].push_back(token);
      };
      generated = arch.generate(model, m, batch, generation, stats);
    }
    auto end = std::chrono::steady_clock::now();
    times.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
    if (!last)
      continue;

    if (result && outPath)
      writeNpyFile(*outPath, *result);
    else if (result)
      std::printf("%s\n",
                  summarize(arch.resultName(), viewOf(*result)).c_str());
    if (const auto &path = o.value(Flag::DumpAttention))
      arch.dumpAttention(model, m, *path, batch, target, generated);
    if (o.has(Flag::Stats)) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s\n", stats.format().c_str());
    }
    if (generating) {
      // Text when the architecture prints text and the model has a
      // vocabulary (ids too with --print-ids); ids otherwise.
      const Vocabulary *vocab = arch.outputVocab(m);
      bool words = vocab && !vocab->empty();
      for (const auto &row : streamed) {
        if (!words || o.has(Flag::PrintIds))
          std::printf("%s\n", joinIds(row).c_str());
        if (words)
          std::printf("%s\n", vocab->decode(row).c_str());
      }
    }
  }
  if (o.has(Flag::Repeat)) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", formatTimes(times).c_str());
  }
  return 0;
}
