//===- Architecture.cpp - what each kind of model runs --------------------===//

#include "Architecture.h"

#include "AttentionMaps.h"

#include "tfm/formats/Error.h"

#include <algorithm>

using namespace tfm::runtime;

namespace {

using Rows = std::vector<std::vector<int64_t>>;

/// Row b of `batch` without its trailing padding.
std::vector<int64_t> unpadded(const IdBatch &batch, int64_t b, int64_t pad) {
  std::vector<int64_t> row(batch.ids.begin() + b * batch.cols,
                           batch.ids.begin() + (b + 1) * batch.cols);
  while (!row.empty() && row.back() == pad)
    row.pop_back();
  return row;
}

/// Rows padded on the right into one batch.
IdBatch padRows(const Rows &rows, int64_t pad) {
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

/// Each row's labels of queries and keys.
std::vector<MapLabels> labels(const Rows &queries, const Rows &keys,
                              const Vocabulary &queryVocab,
                              const Vocabulary &keyVocab) {
  std::vector<MapLabels> rows;
  for (size_t b = 0; b < queries.size(); ++b)
    rows.push_back({tokenLabels(queries[b], queryVocab),
                    tokenLabels(keys[b], keyVocab)});
  return rows;
}

/// Adds the maps of one kind, one per layer, to the page.
void addMaps(AttentionPage &page, const char *kind,
             const std::vector<InputTensor> &maps,
             const std::vector<MapLabels> &rows) {
  for (size_t l = 0; l < maps.size(); ++l)
    page.add({kind, int(l) + 1, &maps[l]}, rows);
}

AttentionPage pageFor(const ModelInfo &m) {
  return AttentionPage("Attention maps (" + m.architecture + " model)");
}

/// The encoder's self-attention maps of `sources`, whose ids the entry
/// point takes as `idsName`.
void addEncoderMaps(AttentionPage &page, Model &model, const ModelInfo &m,
                    const char *idsName, const Rows &sources,
                    const InputTensor &srcIds) {
  addMaps(page, "encoder self-attention",
          model.callAll("encode_attention", {{idsName, &srcIds}}),
          labels(sources, sources, m.srcVocab, m.srcVocab));
}

Rows unpaddedRows(const IdBatch &batch, int64_t pad) {
  Rows rows;
  for (int64_t b = 0; b < batch.rows; ++b)
    rows.push_back(unpadded(batch, b, pad));
  return rows;
}

/// Hidden states [B, S, d_model] from `encode`.
class Encoder : public Architecture {
public:
  const char *name() const override { return "encoder"; }
  ExecutableKind kind() const override { return kEncoderModel; }
  const Vocabulary &inputVocab(const ModelInfo &m) const override {
    return m.srcVocab;
  }
  int64_t inputVocabSize(const ModelInfo &m) const override {
    return m.srcVocabSize;
  }
  Flag resultFlag() const override { return Flag::HiddenStates; }
  const char *resultName() const override { return "hidden"; }

  /// The inputs of @encode and @encode_attention: the ids, and their token
  /// types when the model takes them.
  static std::map<std::string, const InputTensor *>
  inputs(const ModelInfo &m, const InputTensor &ids, const InputTensor &types) {
    std::map<std::string, const InputTensor *> in = {{"ids", &ids}};
    if (m.typeVocabSize > 0)
      in["token_type_ids"] = &types;
    return in;
  }

  std::optional<InputTensor> run(Model &model, const ModelInfo &m,
                                 const IdBatch &batch,
                                 const std::optional<IdBatch> &,
                                 const CommandLine &) const override {
    InputTensor ids = idTensor(batch), types = tokenTypeTensor(batch);
    InputTensor result = model.call("encode", inputs(m, ids, types));
    // Outputs at padded positions are zero.
    float *h = static_cast<float *>(result.data.get());
    for (int64_t b = 0; b < batch.rows; ++b)
      for (int64_t s = 0; s < batch.cols; ++s)
        if (batch.at(b, s) == m.padId)
          std::fill_n(h + (b * batch.cols + s) * m.dModel, m.dModel, 0.0f);
    return result;
  }

  void dumpAttention(Model &model, const ModelInfo &m, const std::string &path,
                     const IdBatch &batch, const std::optional<IdBatch> &,
                     const Rows &) const override {
    Rows sources = unpaddedRows(batch, m.padId);
    IdBatch padded = padRows(sources, m.padId);
    // Each row's token types, cut as its ids are.
    if (!batch.tokenTypes.empty()) {
      padded.tokenTypes.assign(padded.rows * padded.cols, 0);
      for (int64_t b = 0; b < padded.rows; ++b)
        std::copy_n(batch.tokenTypes.begin() + b * batch.cols,
                    sources[b].size(),
                    padded.tokenTypes.begin() + b * padded.cols);
    }
    InputTensor srcIds = idTensor(padded), types = tokenTypeTensor(padded);
    AttentionPage page = pageFor(m);
    addMaps(page, "encoder self-attention",
            model.callAll("encode_attention", inputs(m, srcIds, types)),
            labels(sources, sources, m.srcVocab, m.srcVocab));
    page.write(path);
  }
};

/// Logits [B, S, V] from `forward`; continues prompts.
class Decoder : public Architecture {
public:
  const char *name() const override { return "decoder"; }
  ExecutableKind kind() const override { return kDecoderModel; }
  const Vocabulary &inputVocab(const ModelInfo &m) const override {
    return m.tgtVocab;
  }
  int64_t inputVocabSize(const ModelInfo &m) const override {
    return m.tgtVocabSize;
  }
  Flag resultFlag() const override { return Flag::Logits; }
  const char *resultName() const override { return "logits"; }

  /// --logits alone writes the prompt's logits; with --max-new-tokens it
  /// generates as well.
  bool generates(const CommandLine &commandLine) const override {
    return !commandLine.has(Flag::Logits) ||
           commandLine.has(Flag::MaxNewTokens);
  }

  std::optional<InputTensor>
  run(Model &model, const ModelInfo &, const IdBatch &batch,
      const std::optional<IdBatch> &,
      const CommandLine &commandLine) const override {
    if (!commandLine.has(Flag::Logits))
      return std::nullopt;
    InputTensor ids = idTensor(batch);
    return model.call("forward", {{"ids", &ids}});
  }

  Rows generate(Model &model, const ModelInfo &m, const IdBatch &prompts,
                const GenerationOptions &options,
                GenerationStats &stats) const override {
    return generateContinuations(model, m, prompts, options, stats);
  }

  void dumpAttention(Model &model, const ModelInfo &m, const std::string &path,
                     const IdBatch &batch, const std::optional<IdBatch> &,
                     const Rows &generated) const override {
    Rows sequences = unpaddedRows(batch, m.padId);
    for (size_t b = 0; b < sequences.size() && b < generated.size(); ++b)
      sequences[b].insert(sequences[b].end(), generated[b].begin(),
                          generated[b].end());
    InputTensor ids = idTensor(padRows(sequences, m.padId));
    AttentionPage page = pageFor(m);
    addMaps(page, "masked self-attention",
            model.callAll("forward_attention", {{"ids", &ids}}),
            labels(sequences, sequences, m.tgtVocab, m.tgtVocab));
    page.write(path);
  }
};

/// Teacher-forced logits [B, T, V] from `encode` and `decode`; generates a
/// target for each source, printed as text when there is a vocabulary.
class EncoderDecoder : public Architecture {
public:
  const char *name() const override { return "encoder-decoder"; }
  ExecutableKind kind() const override { return kEncoderDecoderModel; }
  const Vocabulary &inputVocab(const ModelInfo &m) const override {
    return m.srcVocab;
  }
  int64_t inputVocabSize(const ModelInfo &m) const override {
    return m.srcVocabSize;
  }
  Flag resultFlag() const override { return Flag::Logits; }
  const char *resultName() const override { return "logits"; }

  void checkFlags(const CommandLine &commandLine) const override {
    bool target = commandLine.has(Flag::TargetIds) ||
                  commandLine.has(Flag::TargetInput);
    if (target && !commandLine.has(Flag::Logits))
      throw Error(commandLine.has(Flag::TargetIds) ? "--target-ids"
                                                   : "--target-input",
                  "teacher forcing writes logits: give --logits L.npy");
    if (commandLine.has(Flag::Logits) && !target)
      throw Error("--logits", "needs a target: --target-ids or --target-input");
  }

  bool generates(const CommandLine &commandLine) const override {
    return !commandLine.has(Flag::TargetIds) &&
           !commandLine.has(Flag::TargetInput);
  }

  std::optional<InputTensor> run(Model &model, const ModelInfo &,
                                 const IdBatch &batch,
                                 const std::optional<IdBatch> &target,
                                 const CommandLine &) const override {
    if (!target)
      return std::nullopt;
    InputTensor ids = idTensor(batch);
    InputTensor memory = model.call("encode", {{"src_ids", &ids}});
    InputTensor tgtIds = idTensor(*target);
    return model.call(
        "decode",
        {{"memory", &memory}, {"src_ids", &ids}, {"tgt_ids", &tgtIds}});
  }

  Rows generate(Model &model, const ModelInfo &m, const IdBatch &sources,
                const GenerationOptions &options,
                GenerationStats &stats) const override {
    return generateTargets(model, m, sources, options, stats);
  }

  const Vocabulary *outputVocab(const ModelInfo &m) const override {
    return &m.tgtVocab;
  }

  void dumpAttention(Model &model, const ModelInfo &m, const std::string &path,
                     const IdBatch &batch, const std::optional<IdBatch> &target,
                     const Rows &generated) const override {
    Rows sources = unpaddedRows(batch, m.padId);
    // The target given, or bos and what was generated.
    Rows targets;
    if (target) {
      targets = unpaddedRows(*target, m.padId);
    } else {
      for (const auto &row : generated) {
        targets.push_back({m.bosId});
        targets.back().insert(targets.back().end(), row.begin(), row.end());
      }
    }
    InputTensor srcIds = idTensor(padRows(sources, m.padId));
    AttentionPage page = pageFor(m);
    addEncoderMaps(page, model, m, "src_ids", sources, srcIds);
    InputTensor memory = model.call("encode", {{"src_ids", &srcIds}});
    InputTensor tgtIds = idTensor(padRows(targets, m.padId));
    std::vector<InputTensor> maps = model.callAll(
        "decode_attention",
        {{"memory", &memory}, {"src_ids", &srcIds}, {"tgt_ids", &tgtIds}});
    // Each layer's masked self-attention, then its cross-attention.
    auto selfRows = labels(targets, targets, m.tgtVocab, m.tgtVocab);
    auto crossRows = labels(targets, sources, m.tgtVocab, m.srcVocab);
    for (size_t l = 0; l + 1 < maps.size(); l += 2) {
      page.add({"decoder masked self-attention", int(l / 2) + 1, &maps[l]},
               selfRows);
      page.add({"decoder cross-attention", int(l / 2) + 1, &maps[l + 1]},
               crossRows);
    }
    page.write(path);
  }
};

} // namespace

std::vector<std::vector<int64_t>>
Architecture::generate(Model &, const ModelInfo &, const IdBatch &,
                       const GenerationOptions &, GenerationStats &) const {
  throw Error("model", std::string(name()) + " models do not generate");
}

const Architecture *tfm::runtime::findArchitecture(const std::string &name) {
  static const Encoder encoder;
  static const Decoder decoder;
  static const EncoderDecoder encoderDecoder;
  for (const Architecture *arch :
       {static_cast<const Architecture *>(&encoder),
        static_cast<const Architecture *>(&decoder),
        static_cast<const Architecture *>(&encoderDecoder)})
    if (name == arch->name())
      return arch;
  return nullptr;
}
