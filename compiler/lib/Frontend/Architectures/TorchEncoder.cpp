//===- TorchEncoder.cpp - tfm-model-v1 "encoder"
//---------------------------===//
//
// nn.TransformerEncoder over token embeddings and positions: the executable
// writes the final hidden states.
//
//===----------------------------------------------------------------------===//

#include "Registry.h"
#include "TorchTransformer.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {
class TorchEncoder : public ArchitectureSpec {
public:
  StringRef name() const override { return "encoder"; }
  ModelKind kind() const override { return ModelKind::Encoder; }

  void readKeys(ConfigReader &keys, ModelConfig &c) const override {
    c.numEncoderLayers = keys.integer("num_layers", true, 1, kMaxLayers);
    c.srcVocabSize = keys.integer("vocab_size", true, 1, kMaxVocab);
    c.srcVocabKey = "vocab";
    for (StringRef key :
         {"tie_embeddings", "num_encoder_layers", "num_decoder_layers",
          "src_vocab_size", "tgt_vocab_size", "src_vocab", "tgt_vocab"})
      keys.forbid(key, name());
  }

  std::vector<WeightSpec> weights(const ModelConfig &c) const override {
    std::vector<WeightSpec> specs;
    specs.push_back({"embed.weight", {c.srcVocabSize, c.dModel}});
    if (c.learnedPositions)
      specs.push_back({"pos.weight", {c.maxSeqLen, c.dModel}});
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      torch_transformer::addEncoderLayerWeights(
          specs, c, "encoder.layers." + std::to_string(i));
    if (c.finalNorm)
      torch_transformer::addNormWeights(specs, c, "encoder.norm");
    return specs;
  }

  void buildEntryPoints(ModuleBuilder &m) const override {
    const ModelConfig &c = m.config();
    EncoderParts parts;
    parts.layerPrefix = "encoder.layers.";
    parts.numLayers = c.numEncoderLayers;
    parts.embed = [](BlockBuilder &f, Value ids) {
      return f.embed(ids, "embed.weight", "pos.weight");
    };
    parts.layer = torch_transformer::encoderLayer;
    parts.finish = [&c](BlockBuilder &f, Value x) {
      return c.finalNorm ? f.norm(x, torch_transformer::norm("encoder.norm"))
                         : x;
    };
    buildEncoderEntryPoints(m, parts);
  }
};
} // namespace

std::unique_ptr<ArchitectureSpec> mlir::tfm::createTorchEncoderArchitecture() {
  return std::make_unique<TorchEncoder>();
}
