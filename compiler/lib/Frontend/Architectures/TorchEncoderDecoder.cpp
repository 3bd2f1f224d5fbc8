//===- TorchEncoderDecoder.cpp - tfm-model-v1 "encoder-decoder" -----------===//
//
// nn.Transformer with source and target embeddings and a generator: the
// model of "Attention Is All You Need", for translation.
//
//===----------------------------------------------------------------------===//

#include "Registry.h"
#include "TorchTransformer.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {
class TorchEncoderDecoder : public ArchitectureSpec {
public:
  StringRef name() const override { return "encoder-decoder"; }
  ModelKind kind() const override { return ModelKind::EncoderDecoder; }

  void readKeys(ConfigReader &keys, ModelConfig &c) const override {
    c.numEncoderLayers =
        keys.integer("num_encoder_layers", true, 1, kMaxLayers);
    c.numDecoderLayers =
        keys.integer("num_decoder_layers", true, 1, kMaxLayers);
    c.srcVocabSize = keys.integer("src_vocab_size", true, 1, kMaxVocab);
    c.tgtVocabSize = keys.integer("tgt_vocab_size", true, 1, kMaxVocab);
    c.srcVocabKey = "src_vocab";
    c.tgtVocabKey = "tgt_vocab";
    for (StringRef key :
         {"num_layers", "vocab_size", "vocab", "tie_embeddings"})
      keys.forbid(key, name());
  }

  std::vector<WeightSpec> weights(const ModelConfig &c) const override {
    std::vector<WeightSpec> specs;
    specs.push_back({"src_embed.weight", {c.srcVocabSize, c.dModel}});
    if (c.learnedPositions)
      specs.push_back({"src_pos.weight", {c.maxSeqLen, c.dModel}});
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      torch_transformer::addEncoderLayerWeights(
          specs, c, "encoder.layers." + std::to_string(i));
    if (c.finalNorm)
      torch_transformer::addNormWeights(specs, c, "encoder.norm");
    specs.push_back({"tgt_embed.weight", {c.tgtVocabSize, c.dModel}});
    if (c.learnedPositions)
      specs.push_back({"tgt_pos.weight", {c.maxSeqLen, c.dModel}});
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      torch_transformer::addDecoderLayerWeights(
          specs, c, "decoder.layers." + std::to_string(i));
    if (c.finalNorm)
      torch_transformer::addNormWeights(specs, c, "decoder.norm");
    specs.push_back({"generator.weight", {c.tgtVocabSize, c.dModel}});
    specs.push_back({"generator.bias", {c.tgtVocabSize}});
    return specs;
  }

  void buildEntryPoints(ModuleBuilder &m) const override;
};
} // namespace

/// Entry points: @encode(src_ids) -> memory and @decode(memory, src_ids,
/// tgt_ids) -> logits; for generation, @prefill(src_ids) -> each decoder
/// layer's cross-attention keys and values (projected once per source) and
/// @decode_step (one target position per row against the self-attention
/// cache and those); @encode_attention and @decode_attention for the maps.
void TorchEncoderDecoder::buildEntryPoints(ModuleBuilder &m) const {
  const ModelConfig &c = m.config();
  Type ids = m.idsType(), mask = m.maskType(), hidden = m.hiddenType();
  Type cache = m.cacheType(), heads = m.headsType(), logits = m.logitsType();
  std::vector<WeightSpec> encoderWeights = m.select({"src_", "encoder."});
  std::vector<WeightSpec> decoderWeights =
      m.select({"tgt_", "decoder.", "generator."});
  const char *decoderPrefix = "decoder.layers.";
  int64_t layers = c.numDecoderLayers;

  auto finalNorm = [&c](BlockBuilder &f, Value x, const char *name) {
    return c.finalNorm ? f.norm(x, torch_transformer::norm(name)) : x;
  };
  EncoderParts encoder;
  encoder.idsName = "src_ids";
  encoder.layerPrefix = "encoder.layers.";
  encoder.numLayers = c.numEncoderLayers;
  encoder.weights = encoderWeights;
  encoder.embed = [](BlockBuilder &f, Value ids) {
    return f.embed(ids, "src_embed.weight", "src_pos.weight");
  };
  encoder.layer = torch_transformer::encoderLayer;
  encoder.finish = [&](BlockBuilder &f, Value x) {
    return finalNorm(f, x, "encoder.norm");
  };
  ModuleBuilder::Layer encoderLayer = buildEncoderEntryPoints(m, encoder);

  auto embedTarget = [](BlockBuilder &f, Value ids, Value offset = Value()) {
    return f.embed(ids, "tgt_embed.weight", "tgt_pos.weight", offset);
  };
  auto generator = [&](BlockBuilder &f, Value y) {
    return f.linear(finalNorm(f, y, "decoder.norm"), "generator.weight",
                    "generator.bias", c.tgtVocabSize);
  };
  // A decoder layer function: self-attention and cross-attention over
  // `memory` in Plain or Maps mode.
  auto decoderLayer = [&](StringRef name, AttentionMode mode) {
    SmallVector<Type> results = {hidden};
    if (mode == AttentionMode::Maps)
      results.append({m.mapType(), m.mapType()});
    return m.layerFunction(
        name, decoderPrefix,
        {{"y", hidden},
         {"memory", hidden},
         {"tgt_padding", mask},
         {"src_padding", mask}},
        results, [&](BlockBuilder &f) {
          SmallVector<Value> maps;
          AttentionSite self, cross;
          self.mode = cross.mode = mode;
          self.maps = cross.maps = &maps;
          self.keyPadding = f.input("tgt_padding");
          self.causal = true;
          cross.keyPadding = f.input("src_padding");
          SmallVector<Value> outs = {torch_transformer::decoderLayer(
              f, f.input("y"), f.input("memory"), self, cross)};
          outs.append(maps);
          return outs;
        });
  };
  auto decoderInputs = [&](BlockBuilder &f, Value tgtPadding,
                           Value srcPadding) {
    return [&f, tgtPadding, srcPadding](int64_t) {
      return SmallVector<Value>{f.input("memory"), tgtPadding, srcPadding};
    };
  };
  std::vector<std::pair<StringRef, Type>> decodeInputs = {
      {"memory", hidden}, {"src_ids", ids}, {"tgt_ids", ids}};

  ModuleBuilder::Layer layer =
      decoderLayer("decoder_layer", AttentionMode::Plain);
  BlockBuilder &d =
      m.beginEntry("decode", decodeInputs, decoderWeights, logits);
  Value srcPadding = d.paddingMask(d.input("src_ids"));
  Value tgtPadding = d.paddingMask(d.input("tgt_ids"));
  Value y = m.runLayers(layer, decoderPrefix, layers,
                        embedTarget(d, d.input("tgt_ids")),
                        decoderInputs(d, tgtPadding, srcPadding));
  d.finish(generator(d, y));

  BlockBuilder &p =
      m.beginEntry("prefill", {{"src_ids", ids}},
                   m.select({"src_", "encoder.", "decoder.layers."}),
                   SmallVector<Type>(2 * layers, heads));
  srcPadding = p.paddingMask(p.input("src_ids"));
  Value x = m.runLayers(encoderLayer, encoder.layerPrefix, encoder.numLayers,
                        encoder.embed(p, p.input("src_ids")), [&](int64_t) {
                          return SmallVector<Value>{srcPadding};
                        });
  x = encoder.finish(p, x);
  SmallVector<Value> crossKeysValues;
  for (int64_t i = 0; i < layers; ++i)
    for (int64_t kv : {1, 2})
      crossKeysValues.push_back(p.projectKeysOrValues(
          x,
          torch_transformer::attention(decoderPrefix + std::to_string(i) +
                                       ".multihead_attn"),
          kv));
  p.finish(crossKeysValues);

  ModuleBuilder::Layer stepLayer = m.layerFunction(
      "decoder_layer_step", decoderPrefix,
      {{"y", hidden},
       {"key_mask", mask},
       {"src_padding", mask},
       {"past_keys", cache},
       {"past_values", cache},
       {"cross_keys", heads},
       {"cross_values", heads}},
      {hidden, cache, cache}, [&](BlockBuilder &f) {
        SmallVector<Value> entries;
        AttentionSite self, cross;
        self.mode = AttentionMode::Step;
        self.keyPadding = f.input("key_mask");
        self.pastKeys = f.input("past_keys");
        self.pastValues = f.input("past_values");
        self.entries = &entries;
        cross.keyPadding = f.input("src_padding");
        cross.fixedKeys = f.input("cross_keys");
        cross.fixedValues = f.input("cross_values");
        SmallVector<Value> outs = {torch_transformer::decoderLayer(
            f, f.input("y"), Value(), self, cross)};
        outs.append(entries);
        return outs;
      });
  std::vector<std::string> cacheNames = cacheInputNames("past_", layers);
  std::vector<std::string> crossNames = cacheInputNames("cross_", layers);
  std::vector<std::pair<StringRef, Type>> stepInputs = {
      {"ids", ids},
      {"positions", m.positionsType()},
      {"key_ids", ids},
      {"src_ids", ids}};
  for (const std::string &name : cacheNames)
    stepInputs.push_back({name, cache});
  for (const std::string &name : crossNames)
    stepInputs.push_back({name, heads});
  SmallVector<Type> stepResults = {logits};
  stepResults.append(2 * layers, cache);
  BlockBuilder &s =
      m.beginEntry("decode_step", stepInputs, decoderWeights, stepResults);
  SmallVector<Value> outs = {Value()};
  Value keyMask = s.paddingMask(s.input("key_ids"));
  srcPadding = s.paddingMask(s.input("src_ids"));
  y = m.runLayers(
      stepLayer, decoderPrefix, layers,
      embedTarget(s, s.input("ids"), s.input("positions")),
      [&](int64_t i) {
        return SmallVector<Value>{keyMask,
                                  srcPadding,
                                  s.input(cacheNames[2 * i]),
                                  s.input(cacheNames[2 * i + 1]),
                                  s.input(crossNames[2 * i]),
                                  s.input(crossNames[2 * i + 1])};
      },
      [&](ValueRange r) { outs.append(r.begin(), r.end()); });
  outs[0] = generator(s, y);
  s.finish(outs);

  ModuleBuilder::Layer mapsLayer =
      decoderLayer("decoder_layer_maps", AttentionMode::Maps);
  BlockBuilder &a =
      m.beginEntry("decode_attention", decodeInputs, decoderWeights,
                   SmallVector<Type>(2 * layers, m.mapType()));
  srcPadding = a.paddingMask(a.input("src_ids"));
  tgtPadding = a.paddingMask(a.input("tgt_ids"));
  SmallVector<Value> maps;
  m.runLayers(mapsLayer, decoderPrefix, layers,
              embedTarget(a, a.input("tgt_ids")),
              decoderInputs(a, tgtPadding, srcPadding),
              [&](ValueRange r) { maps.append(r.begin(), r.end()); });
  a.finish(maps);
}

std::unique_ptr<ArchitectureSpec>
mlir::tfm::createTorchEncoderDecoderArchitecture() {
  return std::make_unique<TorchEncoderDecoder>();
}
