//===- TorchDecoder.cpp - tfm-model-v1 "decoder"
//---------------------------===//
//
// A decoder-only language model: nn.TransformerEncoderLayer blocks with a
// causal self-attention, then logits through `lm_head` or the token
// embedding (tied).
//
//===----------------------------------------------------------------------===//

#include "Registry.h"
#include "TorchTransformer.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {
class TorchDecoder : public ArchitectureSpec {
public:
  StringRef name() const override { return "decoder"; }
  ModelKind kind() const override { return ModelKind::Decoder; }

  void readKeys(ConfigReader &keys, ModelConfig &c) const override {
    c.numDecoderLayers = keys.integer("num_layers", true, 1, kMaxLayers);
    c.tgtVocabSize = keys.integer("vocab_size", true, 1, kMaxVocab);
    c.tieEmbeddings = keys.boolean("tie_embeddings", false);
    c.tgtVocabKey = "vocab";
    for (StringRef key :
         {"num_encoder_layers", "num_decoder_layers", "src_vocab_size",
          "tgt_vocab_size", "src_vocab", "tgt_vocab"})
      keys.forbid(key, name());
  }

  std::vector<WeightSpec> weights(const ModelConfig &c) const override {
    std::vector<WeightSpec> specs;
    specs.push_back({"embed.weight", {c.tgtVocabSize, c.dModel}});
    if (c.learnedPositions)
      specs.push_back({"pos.weight", {c.maxSeqLen, c.dModel}});
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      torch_transformer::addEncoderLayerWeights(specs, c,
                                                "layers." + std::to_string(i));
    if (c.finalNorm)
      torch_transformer::addNormWeights(specs, c, "norm");
    if (!c.tieEmbeddings) {
      specs.push_back({"lm_head.weight", {c.tgtVocabSize, c.dModel}});
      specs.push_back({"lm_head.bias", {c.tgtVocabSize}, /*optional=*/true});
    }
    return specs;
  }

  void buildEntryPoints(ModuleBuilder &m) const override {
    const ModelConfig &c = m.config();
    DecoderParts parts;
    parts.layerPrefix = "layers.";
    parts.numLayers = c.numDecoderLayers;
    parts.embed = [](BlockBuilder &f, Value ids, Value offset) {
      return f.embed(ids, "embed.weight", "pos.weight", offset);
    };
    parts.layer = torch_transformer::encoderLayer;
    parts.logits = [&c](BlockBuilder &f, Value x) {
      if (c.finalNorm)
        x = f.norm(x, torch_transformer::norm("norm"));
      if (c.tieEmbeddings)
        return f.linear(x, "embed.weight", "", c.tgtVocabSize);
      return f.linear(x, "lm_head.weight", "lm_head.bias", c.tgtVocabSize);
    };
    buildDecoderEntryPoints(m, parts);
  }
};
} // namespace

std::unique_ptr<ArchitectureSpec> mlir::tfm::createTorchDecoderArchitecture() {
  return std::make_unique<TorchDecoder>();
}
