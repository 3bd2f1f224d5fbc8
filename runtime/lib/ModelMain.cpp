//===- ModelMain.cpp - the command line of compiled models ------*- C++ -*-===//
//
//   MODEL (--ids "5 9 13" | --input IDS.npy | --text "...")
//         [--output H.npy] [--logits L.npy] [--max-new-tokens N]
//         [--target-ids "..." | --target-input T.npy] [--print-ids]
//         [--temperature T] [--top-k K] [--top-p P] [--seed N] [--stats]
//         [--no-cache] [--threads N] [--repeat N] [--weights FILE]
//
// Ids are used as given (no bos/eos added to sources or prompts); batches
// are padded with trailing pad_id. Every error is one line and exit code 2.
//
//===----------------------------------------------------------------------===//

#include "ModelMain.h"

#include "AttentionMaps.h"
#include "Generation.h"
#include "ModelRunner.h"
#include "OutputFiles.h"
#include "Summary.h"
#include "Threads.h"

#include "tfm/formats/Error.h"
#include "tfm/formats/Json.h"
#include "tfm/formats/Npy.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
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
  m.bosId = integer("bos_id");
  m.eosId = integer("eos_id");
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

struct ModelOptions {
  std::optional<std::string> ids, input, text;
  std::optional<std::string> targetIds, targetInput;
  std::optional<std::string> output, logits, weights, dumpAttention;
  std::optional<std::string> temperature, topK, topP, seed;
  std::optional<int64_t> maxNewTokens, threads, repeat;
  bool printIds = false, help = false, stats = false, noCache = false;
};

int64_t parsePositive(const std::string &flag, const std::string &value,
                      int64_t min) {
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE)
    throw Error(flag, "expected an integer, got " + quote(value));
  if (v < min)
    throw Error(flag, "must be at least " + std::to_string(min) + ", got " +
                          quote(value));
  return v;
}

ModelOptions parseModelOptions(int argc, char **argv) {
  ModelOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (arg == "-h" || arg == "--help") {
      o.help = true;
      return o;
    }
    if (arg == "--print-ids" || arg == "--stats" || arg == "--no-cache") {
      (arg == "--print-ids" ? o.printIds
       : arg == "--stats"   ? o.stats
                            : o.noCache) = true;
      continue;
    }
    size_t eq = arg.find('=');
    bool inlineValue = arg.rfind("--", 0) == 0 && eq != std::string::npos;
    std::string flag = inlineValue ? arg.substr(0, eq) : arg;
    auto takeValue = [&]() -> std::string {
      if (inlineValue)
        return arg.substr(eq + 1);
      if (i + 1 >= argc)
        throw Error(flag, "missing value");
      return argv[++i];
    };
    std::map<std::string, std::optional<std::string> *> strings = {
        {"--ids", &o.ids},
        {"--input", &o.input},
        {"--text", &o.text},
        {"--target-ids", &o.targetIds},
        {"--target-input", &o.targetInput},
        {"--output", &o.output},
        {"--logits", &o.logits},
        {"--weights", &o.weights},
        {"--dump-attention", &o.dumpAttention},
        {"--temperature", &o.temperature},
        {"--top-k", &o.topK},
        {"--top-p", &o.topP},
        {"--seed", &o.seed}};
    if (auto it = strings.find(flag); it != strings.end()) {
      std::string value = takeValue();
      // Ids and text may be empty (and are rejected later as empty input);
      // a path may not.
      if (value.empty() && flag != "--ids" && flag != "--text" &&
          flag != "--target-ids")
        throw Error(flag, "empty value");
      *it->second = value;
      continue;
    }
    if (flag == "--max-new-tokens")
      o.maxNewTokens = parsePositive(flag, takeValue(), 0);
    else if (flag == "--threads") {
      o.threads = parsePositive(flag, takeValue(), 1);
      if (*o.threads > (1 << 16))
        throw Error(flag,
                    "value " + std::to_string(*o.threads) + " is too large");
    } else if (flag == "--repeat")
      o.repeat = parsePositive(flag, takeValue(), 1);
    else if (arg.rfind("-", 0) == 0)
      throw Error(arg, "unknown option (see --help)");
    else
      throw Error(arg, "unexpected argument; token ids go in --ids, --input "
                       "or --text (see --help)");
  }
  return o;
}

void printModelHelp(const std::string &program, const ModelInfo &m) {
  std::printf(
      "usage: %s (--ids \"5 9 13\" | --input IDS.npy%s) [options]\n\n"
      "A compiled %s model (d_model %lld, max_seq_len %lld).\n\n"
      "  --ids \"ID ...\"        one sequence of token ids\n"
      "  --input IDS.npy       int32/int64 ids [B, S] or [S], padded with "
      "trailing pad_id (%lld)\n",
      program.c_str(),
      (m.isDecoder() ? !m.tgtVocab.empty() : !m.srcVocab.empty())
          ? " | --text \"...\""
          : "",
      m.architecture.c_str(), (long long)m.dModel, (long long)m.maxSeqLen,
      (long long)m.padId);
  if (!(m.isDecoder() ? m.tgtVocab : m.srcVocab).empty())
    std::printf("  --text \"...\"          whitespace-separated words of the "
                "model's vocabulary\n");
  if (m.isEncoder())
    std::printf("  --output H.npy        write the final hidden states, "
                "float32 [B, S, %lld] (zero at padding)\n",
                (long long)m.dModel);
  if (!m.isEncoder()) {
    std::printf(
        "  --logits L.npy        write float32 logits [B, %s, %lld]%s\n",
        m.isDecoder() ? "S" : "T", (long long)m.tgtVocabSize,
        m.isDecoder() ? " for the input" : " for --target-ids/--target-input");
    std::printf(
        "  --max-new-tokens N    generate up to N tokens (default: up to "
        "max_seq_len)\n"
        "  --temperature T       sample at temperature T > 0 (default 0: "
        "greedy)\n"
        "  --top-k K             sample among the K most likely tokens\n"
        "  --top-p P             sample among the most likely tokens whose "
        "probability reaches P, in (0, 1]\n"
        "  --seed N              seed of the sampler (default 0; same seed, "
        "same tokens)\n"
        "  --stats               print prompt length, tokens generated and "
        "timings on stderr\n"
        "  --no-cache            recompute every earlier position at each "
        "step (no key/value cache)\n");
  }
  if (m.isEncoderDecoder()) {
    std::printf("  --target-ids \"...\"   teacher-forced target ids (usually "
                "starting with bos_id %lld)\n"
                "  --target-input T.npy  the same from a .npy file\n"
                "  --print-ids           print generated ids as well as the "
                "text\n",
                (long long)m.bosId);
  }
  std::printf("  --dump-attention F.html  write the attention maps of every "
              "layer and head as an HTML page\n");
  std::printf("  --threads N           threads to use\n"
              "  --repeat N            run N times; print timings on stderr\n"
              "  --weights FILE        use this safetensors file for the "
              "weights\n");
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
              int64_t maxLen) {
  if (batch.rows == 0 || batch.cols == 0)
    throw Error(subject, "empty input: no token ids");
  if (batch.cols > maxLen)
    throw Error(subject, "sequence of " + std::to_string(batch.cols) +
                             " tokens is longer than max_seq_len " +
                             std::to_string(maxLen));
  for (int64_t i = 0; i < batch.rows * batch.cols; ++i) {
    int64_t id = batch.ids[i];
    if (id < 0 || id >= vocab)
      throw Error(subject, "token id " + std::to_string(id) + " (row " +
                               std::to_string(i / batch.cols) + ", position " +
                               std::to_string(i % batch.cols) +
                               ") is outside the vocabulary [0, " +
                               std::to_string(vocab) + ")");
  }
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

/// Row b of `batch` without its trailing padding.
std::vector<int64_t> unpadded(const IdBatch &batch, int64_t b, int64_t pad) {
  std::vector<int64_t> row(batch.ids.begin() + b * batch.cols,
                           batch.ids.begin() + (b + 1) * batch.cols);
  while (!row.empty() && row.back() == pad)
    row.pop_back();
  return row;
}

/// Rows padded on the right into one batch.
IdBatch padRows(const std::vector<std::vector<int64_t>> &rows, int64_t pad) {
  IdBatch batch;
  batch.rows = static_cast<int64_t>(rows.size());
  for (const auto &row : rows)
    batch.cols = std::max<int64_t>(batch.cols, row.size());
  batch.ids.assign(batch.rows * batch.cols, pad);
  for (int64_t b = 0; b < batch.rows; ++b)
    std::copy(rows[b].begin(), rows[b].end(),
              batch.ids.begin() + b * batch.cols);
  return batch;
}

std::vector<std::string> tokenLabels(const std::vector<int64_t> &ids,
                                     const Vocabulary &vocab) {
  std::vector<std::string> labels;
  for (int64_t id : ids)
    labels.push_back(vocab.empty() ? std::to_string(id) : vocab.decode({id}));
  return labels;
}

/// --dump-attention: runs the `*_attention` entry points on the final
/// sequences (for generation, one teacher-forced pass over the output) and
/// writes every layer's and head's weights.
void dumpAttention(Model &model, const ModelInfo &m, const std::string &path,
                   const std::vector<std::vector<int64_t>> &sources,
                   const std::vector<std::vector<int64_t>> &targets) {
  const Vocabulary &srcVocab = m.srcVocab, &tgtVocab = m.tgtVocab;
  auto labels = [](const std::vector<std::vector<int64_t>> &queries,
                   const std::vector<std::vector<int64_t>> &keys,
                   const Vocabulary &qv, const Vocabulary &kv) {
    std::vector<MapLabels> rows;
    for (size_t b = 0; b < queries.size(); ++b)
      rows.push_back({tokenLabels(queries[b], qv), tokenLabels(keys[b], kv)});
    return rows;
  };

  AttentionPage page("Attention maps (" + m.architecture + " model)");
  IdBatch src = padRows(sources, m.padId);
  InputTensor srcIds = idTensor(src);
  if (m.isDecoder()) {
    std::vector<InputTensor> maps =
        model.callAll("forward_attention", {{"ids", &srcIds}});
    auto rows = labels(sources, sources, tgtVocab, tgtVocab);
    for (size_t l = 0; l < maps.size(); ++l)
      page.add({"masked self-attention", int(l) + 1, &maps[l]}, rows);
    page.write(path);
    return;
  }
  std::vector<InputTensor> encoderMaps = model.callAll(
      "encode_attention", {{m.isEncoder() ? "ids" : "src_ids", &srcIds}});
  auto srcRows = labels(sources, sources, srcVocab, srcVocab);
  for (size_t l = 0; l < encoderMaps.size(); ++l)
    page.add({"encoder self-attention", int(l) + 1, &encoderMaps[l]}, srcRows);
  if (m.isEncoderDecoder()) {
    InputTensor memory = model.call("encode", {{"src_ids", &srcIds}});
    InputTensor tgtIds = idTensor(padRows(targets, m.padId));
    std::vector<InputTensor> decoderMaps = model.callAll(
        "decode_attention",
        {{"memory", &memory}, {"src_ids", &srcIds}, {"tgt_ids", &tgtIds}});
    auto selfRows = labels(targets, targets, tgtVocab, tgtVocab);
    auto crossRows = labels(targets, sources, tgtVocab, srcVocab);
    for (size_t l = 0; l + 1 < decoderMaps.size(); l += 2) {
      page.add(
          {"decoder masked self-attention", int(l / 2) + 1, &decoderMaps[l]},
          selfRows);
      page.add({"decoder cross-attention", int(l / 2) + 1, &decoderMaps[l + 1]},
               crossRows);
    }
  }
  page.write(path);
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
  ModelOptions o = parseModelOptions(argc, argv);
  std::string program = argc > 0 ? argv[0] : "model";
  if (size_t slash = program.rfind('/'); slash != std::string::npos)
    program = program.substr(slash + 1);
  if (o.help) {
    printModelHelp(program, m);
    return 0;
  }
  setNumThreads(static_cast<int32_t>(o.threads.value_or(defaultNumThreads())));

  // Flags that do not fit the architecture are mistakes, not no-ops.
  auto reject = [](const std::optional<std::string> &flag, const char *name,
                   const std::string &why) {
    if (flag)
      throw Error(name, why);
  };
  std::string arch = "not used by " + m.architecture + " models";
  if (!m.isEncoder())
    reject(o.output, "--output", arch + " (use --logits)");
  if (m.isEncoder()) {
    reject(o.logits, "--logits", arch + " (use --output)");
    if (o.maxNewTokens)
      throw Error("--max-new-tokens", arch);
  }
  if (!m.isEncoderDecoder()) {
    reject(o.targetIds, "--target-ids", arch);
    reject(o.targetInput, "--target-input", arch);
  }
  int sources = !!o.ids + !!o.input + !!o.text;
  if (sources != 1)
    throw Error("input", sources ? "give only one of --ids, --input and --text"
                                 : "no input: give --ids, --input or --text");
  if (o.targetIds && o.targetInput)
    throw Error("--target-ids", "cannot be combined with --target-input");
  if (m.isEncoderDecoder() && (o.targetIds || o.targetInput) && !o.logits)
    throw Error(o.targetIds ? "--target-ids" : "--target-input",
                "teacher forcing writes logits: give --logits L.npy");
  if (m.isEncoderDecoder() && o.logits && !o.targetIds && !o.targetInput)
    throw Error("--logits", "needs a target: --target-ids or --target-input");

  // Generation flags where nothing is generated are mistakes too.
  bool generating =
      m.isDecoder() ? !o.logits || o.maxNewTokens
                    : m.isEncoderDecoder() && !o.targetIds && !o.targetInput;
  std::string notGenerating =
      m.isEncoder() ? arch
                    : "only used when generating (--logits alone or with a "
                      "target does not generate)";
  for (auto [flag, name] :
       {std::pair<const std::optional<std::string> *, const char *>{
            &o.temperature, "--temperature"},
        {&o.topK, "--top-k"},
        {&o.topP, "--top-p"},
        {&o.seed, "--seed"}})
    if (!generating)
      reject(*flag, name, notGenerating);
  if (!generating && (o.stats || o.noCache))
    throw Error(o.stats ? "--stats" : "--no-cache", notGenerating);
  GenerationOptions generation;
  generation.sampling =
      parseSamplingOptions(o.temperature, o.topK, o.topP, o.seed);
  generation.noCache = o.noCache;

  // Vocabularies, only when text goes in or out.
  const Vocabulary &inVocab = m.isDecoder() ? m.tgtVocab : m.srcVocab;
  IdBatch batch;
  std::string subject;
  if (o.text) {
    if (inVocab.empty())
      throw Error("--text",
                  "the model has no vocabulary; use --ids or --input");
    batch.ids = inVocab.encode(*o.text, "--text");
    batch.rows = 1;
    batch.cols = static_cast<int64_t>(batch.ids.size());
    subject = "--text";
  } else if (o.ids) {
    batch = parseIdList("--ids", *o.ids);
    subject = "--ids";
  } else {
    batch = readIdFile(*o.input);
    subject = *o.input;
  }
  validate(batch, subject, m.inputVocabSize(), m.maxSeqLen);

  std::optional<IdBatch> target;
  if (o.targetIds || o.targetInput) {
    target = o.targetIds ? parseIdList("--target-ids", *o.targetIds)
                         : readIdFile(*o.targetInput);
    validate(*target, o.targetIds ? "--target-ids" : *o.targetInput,
             m.tgtVocabSize, m.maxSeqLen);
    if (target->rows != batch.rows)
      throw Error(o.targetIds ? "--target-ids" : *o.targetInput,
                  "has " + std::to_string(target->rows) +
                      " rows, the source has " + std::to_string(batch.rows));
  }
  for (const auto &path : {o.output, o.logits, o.dumpAttention})
    if (path)
      checkOutputFile(*path);

  ModelWeights weights(o.weights.value_or(
      module.weights_path ? std::string(module.weights_path) : ""));
  Model model(module, weights);

  std::vector<double> times;
  for (int64_t run = 0, runs = o.repeat.value_or(1); run < runs; ++run) {
    bool last = run + 1 == runs;
    auto start = std::chrono::steady_clock::now();
    std::optional<InputTensor> result;
    std::vector<std::vector<int64_t>> generated;
    GenerationStats stats;
    InputTensor ids = idTensor(batch);
    if (m.isEncoder()) {
      result = model.call("encode", {{"ids", &ids}});
      // Outputs at padded positions are zero.
      float *h = static_cast<float *>(result->data.get());
      for (int64_t b = 0; b < batch.rows; ++b)
        for (int64_t s = 0; s < batch.cols; ++s)
          if (batch.at(b, s) == m.padId)
            std::fill_n(h + (b * batch.cols + s) * m.dModel, m.dModel, 0.0f);
    } else if (m.isDecoder() && o.logits && !o.maxNewTokens) {
      result = model.call("forward", {{"ids", &ids}});
    } else if (target) {
      InputTensor memory = model.call("encode", {{"src_ids", &ids}});
      InputTensor tgtIds = idTensor(*target);
      result = model.call(
          "decode",
          {{"memory", &memory}, {"src_ids", &ids}, {"tgt_ids", &tgtIds}});
    } else {
      if (m.isDecoder() && o.logits)
        result = model.call("forward", {{"ids", &ids}});
      // By default each row goes on until it reaches max_seq_len.
      generation.maxNewTokens = o.maxNewTokens.value_or(m.maxSeqLen);
      generated =
          m.isDecoder()
              ? generateContinuations(model, m, batch, generation, stats)
              : generateTargets(model, m, batch, generation, stats);
    }
    auto end = std::chrono::steady_clock::now();
    times.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
    if (!last)
      continue;

    std::optional<std::string> outPath = m.isEncoder() ? o.output : o.logits;
    if (result && outPath)
      writeNpyFile(*outPath, *result);
    else if (result)
      std::printf("%s\n", summarize(m.isEncoder() ? "hidden" : "logits",
                                    viewOf(*result))
                              .c_str());
    if (o.dumpAttention) {
      std::vector<std::vector<int64_t>> sources, targets;
      for (int64_t b = 0; b < batch.rows; ++b) {
        sources.push_back(unpadded(batch, b, m.padId));
        if (m.isDecoder() && b < int64_t(generated.size()))
          sources.back().insert(sources.back().end(), generated[b].begin(),
                                generated[b].end());
        if (m.isEncoderDecoder()) {
          if (target) {
            targets.push_back(unpadded(*target, b, m.padId));
          } else {
            targets.push_back({m.bosId});
            targets.back().insert(targets.back().end(), generated[b].begin(),
                                  generated[b].end());
          }
        }
      }
      dumpAttention(model, m, *o.dumpAttention, sources, targets);
    }
    if (o.stats) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s\n", stats.format().c_str());
    }
    if (!generated.empty()) {
      // Encoder-decoder models print text when they have a vocabulary;
      // decoder-only models print ids.
      Vocabulary none;
      const Vocabulary &vocab = m.isEncoderDecoder() ? m.tgtVocab : none;
      for (const auto &row : generated) {
        if (vocab.empty() || o.printIds)
          std::printf("%s\n", joinIds(row).c_str());
        if (!vocab.empty())
          std::printf("%s\n", vocab.decode(row).c_str());
      }
    }
  }
  if (o.repeat) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", formatTimes(times).c_str());
  }
  return 0;
}
