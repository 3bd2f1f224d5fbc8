//===- Bert.cpp - Hugging Face bert ---------------------------------------===//
//
// transformers' BertModel: word, absolute position and token-type
// embeddings summed and layer-normed (BertEmbeddings), then post-LN encoder
// layers (BertLayer: self-attention with separate query/key/value
// projections, LayerNorm(x + attention), LayerNorm(x + feed-forward)). The
// executable writes the last hidden state. The pooler and the task heads
// (cls.*, classifier.*, ...) are not computed; their tensors are accepted
// and not read.
//
//===----------------------------------------------------------------------===//

#include "Registry.h"

using namespace mlir;
using namespace mlir::tfm;
using JsonKind = ::tfm::json::Value::Kind;

namespace {

/// The state_dict names of BertModel: the only place they are written.
/// `p` is "" (BertModel) or "bert." (BertFor* models).
AttentionWeights attentionNames(const std::string &p) {
  AttentionWeights w;
  w.query = p + ".attention.self.query.weight";
  w.queryBias = p + ".attention.self.query.bias";
  w.key = p + ".attention.self.key.weight";
  w.keyBias = p + ".attention.self.key.bias";
  w.value = p + ".attention.self.value.weight";
  w.valueBias = p + ".attention.self.value.bias";
  w.out = p + ".attention.output.dense.weight";
  w.outBias = p + ".attention.output.dense.bias";
  return w;
}

NormWeights normNames(const std::string &p) {
  return {p + ".weight", p + ".bias"};
}

FeedForwardWeights feedForwardNames(const std::string &p) {
  FeedForwardWeights w;
  w.up = p + ".intermediate.dense.weight";
  w.upBias = p + ".intermediate.dense.bias";
  w.down = p + ".output.dense.weight";
  w.downBias = p + ".output.dense.bias";
  return w;
}

std::string attentionNormName(const std::string &p) {
  return p + ".attention.output.LayerNorm";
}
std::string outputNormName(const std::string &p) {
  return p + ".output.LayerNorm";
}

struct EmbeddingNames {
  std::string words, positions, tokenTypes, norm;
};
EmbeddingNames embeddingNames(const std::string &prefix) {
  std::string p = prefix + "embeddings.";
  return {p + "word_embeddings.weight", p + "position_embeddings.weight",
          p + "token_type_embeddings.weight", p + "LayerNorm"};
}
std::string layerPrefix(const std::string &prefix) {
  return prefix + "encoder.layer.";
}

/// The prefix of the base model's tensors in checkpoints of the head
/// models (BertForMaskedLM, BertForSequenceClassification, ...), as
/// transformers' base_model_prefix.
const char *kBasePrefix = "bert.";

/// The executable's input of token types.
const char *kTokenTypes = "token_type_ids";

class Bert : public ArchitectureSpec {
public:
  StringRef name() const override { return "bert"; }
  ModelKind kind() const override { return ModelKind::Encoder; }
  bool isHuggingFace() const override { return true; }

  void readKeys(ConfigReader &keys, ModelConfig &c) const override;
  std::vector<WeightSpec> weights(const ModelConfig &c) const override;
  bool isUnusedHeadTensor(StringRef name) const override;
  void buildEntryPoints(ModuleBuilder &m) const override;
};
} // namespace

void Bert::readKeys(ConfigReader &keys, ModelConfig &c) const {
  c.srcVocabSize = keys.integer("vocab_size", true, 1, kMaxVocab);
  c.dModel = keys.integer("hidden_size", true, 1, kMaxDim);
  c.numEncoderLayers = keys.integer("num_hidden_layers", true, 1, kMaxLayers);
  c.numHeads = keys.integer("num_attention_heads", true, 1, kMaxDim);
  c.dFF = keys.integer("intermediate_size", true, 1, kMaxDim);
  c.maxSeqLen = keys.integer("max_position_embeddings", true, 1, 1 << 24);
  c.typeVocabSize = keys.integer("type_vocab_size", false, 1, kMaxVocab, 2);
  c.layerNormEps = keys.number("layer_norm_eps", false, 0, 1, 1e-12);
  c.norm = NormKind::Layer;
  c.normFirst = false;
  c.finalNorm = false;
  c.learnedPositions = true;
  c.embeddingScale = false;
  c.gatedFeedForward = false;
  c.qkvBias = c.outputBias = true;
  if (!keys.ok())
    return;
  if (c.dModel % c.numHeads != 0)
    keys.fail("num_attention_heads", Twine(c.numHeads) +
                                         " does not divide hidden_size " +
                                         Twine(c.dModel));

  // BertConfig's default hidden_act is "gelu", the exact (erf) GELU.
  std::string act = keys.string("hidden_act", false);
  if (act.empty() || act == "gelu")
    c.activation = Activation::Gelu;
  else if (act == "gelu_new" || act == "gelu_pytorch_tanh")
    c.activation = Activation::GeluTanh;
  else if (act == "relu")
    c.activation = Activation::Relu;
  else if (keys.ok())
    keys.fail("hidden_act", "unsupported activation \"" + act +
                                "\" (tfmc supports \"gelu\", \"gelu_new\", "
                                "\"gelu_pytorch_tanh\" and \"relu\")");

  std::string positions = keys.string("position_embedding_type", false);
  if (keys.ok() && !positions.empty() && positions != "absolute")
    keys.fail("position_embedding_type",
              "unsupported position embedding type \"" + positions +
                  "\" (tfmc supports \"absolute\")");
  if (keys.boolean("is_decoder", false, false))
    keys.fail("is_decoder", "BERT as a decoder is not supported");

  // Padding is pad_token_id (BertConfig's default 0, [PAD]), masked as the
  // attention_mask of BERT's tokenizers masks it; null: nothing is padding
  // (vocab_size, as for language models).
  c.padId = c.srcVocabSize;
  if (const auto *pad = keys.get("pad_token_id", false);
      !pad || pad->kind != JsonKind::Null)
    c.padId = keys.integer("pad_token_id", false, 0, c.srcVocabSize - 1, 0);

  // Checkpoints of the head models name the base model's tensors "bert.*";
  // BertModel's do not. config.json's `architectures` says which saved it.
  c.weightPrefix.clear();
  if (const auto *list = keys.get("architectures", false);
      list && list->kind == JsonKind::Array)
    for (const auto &model : *list->array)
      if (model.kind == JsonKind::String && model.string != "BertModel" &&
          StringRef(model.string).starts_with("Bert"))
        c.weightPrefix = kBasePrefix;
}

std::vector<WeightSpec> Bert::weights(const ModelConfig &c) const {
  std::vector<WeightSpec> specs;
  int64_t e = c.dModel, f = c.dFF;
  EmbeddingNames embed = embeddingNames(c.weightPrefix);
  NormWeights embedNorm = normNames(embed.norm);
  specs.push_back({embed.words, {c.srcVocabSize, e}});
  specs.push_back({embed.positions, {c.maxSeqLen, e}});
  specs.push_back({embed.tokenTypes, {c.typeVocabSize, e}});
  specs.push_back({embedNorm.weight, {e}});
  specs.push_back({embedNorm.bias, {e}});
  for (int64_t i = 0; i < c.numEncoderLayers; ++i) {
    std::string p = layerPrefix(c.weightPrefix) + std::to_string(i);
    AttentionWeights a = attentionNames(p);
    for (const auto &[weight, bias] :
         {std::pair(a.query, a.queryBias), std::pair(a.key, a.keyBias),
          std::pair(a.value, a.valueBias), std::pair(a.out, a.outBias)}) {
      specs.push_back({weight, {e, e}});
      specs.push_back({bias, {e}});
    }
    NormWeights n = normNames(attentionNormName(p));
    specs.push_back({n.weight, {e}});
    specs.push_back({n.bias, {e}});
    FeedForwardWeights ff = feedForwardNames(p);
    specs.push_back({ff.up, {f, e}});
    specs.push_back({ff.upBias, {f}});
    specs.push_back({ff.down, {e, f}});
    specs.push_back({ff.downBias, {e}});
    n = normNames(outputNormName(p));
    specs.push_back({n.weight, {e}});
    specs.push_back({n.bias, {e}});
  }
  return specs;
}

bool Bert::isUnusedHeadTensor(StringRef name) const {
  name.consume_front(kBasePrefix);
  // The pooler, the heads of BertFor* models, and the position_ids buffer
  // older checkpoints store.
  return name.starts_with("pooler.") || name.starts_with("cls.") ||
         name.starts_with("classifier.") || name.starts_with("qa_outputs.") ||
         name == "embeddings.position_ids";
}

void Bert::buildEntryPoints(ModuleBuilder &m) const {
  const ModelConfig &c = m.config();
  EncoderParts parts;
  parts.layerPrefix = layerPrefix(c.weightPrefix);
  parts.numLayers = c.numEncoderLayers;
  parts.extraIdInputs = {kTokenTypes};
  // BertEmbeddings: words + token types + positions, then LayerNorm.
  parts.embed = [&c](BlockBuilder &f, Value ids) {
    EmbeddingNames names = embeddingNames(c.weightPrefix);
    Value x = f.embed(ids, names.words, names.positions);
    x = f.add(x, f.tokenEmbedding(f.input(kTokenTypes), names.tokenTypes));
    return f.norm(x, normNames(names.norm));
  };
  // BertLayer: post-LN residual blocks.
  parts.layer = [](BlockBuilder &f, Value x, const AttentionSite &self) {
    Value a = f.attention(x, x, attentionNames("layer"), self);
    x = f.norm(f.add(a, x), normNames(attentionNormName("layer")));
    Value h = f.feedForward(x, feedForwardNames("layer"));
    return f.norm(f.add(h, x), normNames(outputNormName("layer")));
  };
  parts.finish = [](BlockBuilder &, Value x) { return x; };
  buildEncoderEntryPoints(m, parts);
}

std::unique_ptr<ArchitectureSpec> mlir::tfm::createBertArchitecture() {
  return std::make_unique<Bert>();
}
