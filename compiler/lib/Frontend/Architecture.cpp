//===- Architecture.cpp - the registry and the shared entry points --------===//

#include "tfmc/Frontend/Architecture.h"
#include "tfmc/ModelBuilder.h"

#include "Architectures/Registry.h"

#include "tfm/IR/TfmDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tfm;

//===----------------------------------------------------------------------===//
// The registry
//===----------------------------------------------------------------------===//

static ArrayRef<std::unique_ptr<ArchitectureSpec>> registry() {
  static const std::vector<std::unique_ptr<ArchitectureSpec>> specs = [] {
    std::vector<std::unique_ptr<ArchitectureSpec>> list;
    registerArchitectures(list);
    return list;
  }();
  return specs;
}

const ArchitectureSpec *mlir::tfm::lookupArchitecture(StringRef name,
                                                      bool huggingFace) {
  for (const auto &spec : registry())
    if (spec->name() == name && spec->isHuggingFace() == huggingFace)
      return spec.get();
  return nullptr;
}

SmallVector<StringRef> mlir::tfm::architectureNames(bool huggingFace) {
  SmallVector<StringRef> names;
  for (const auto &spec : registry())
    if (spec->isHuggingFace() == huggingFace)
      names.push_back(spec->name());
  return names;
}

OwningOpRef<ModuleOp> mlir::tfm::buildModel(MLIRContext *context,
                                            const ModelConfig &config,
                                            ArrayRef<WeightSpec> weights) {
  context->loadDialect<TfmDialect, arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, tensor::TensorDialect>();
  ModuleBuilder m(context, config, weights);
  lookupArchitecture(config.architecture, config.huggingFace)
      ->buildEntryPoints(m);
  return m.takeModule();
}

//===----------------------------------------------------------------------===//
// ModuleBuilder
//===----------------------------------------------------------------------===//

ModuleBuilder::ModuleBuilder(MLIRContext *context, const ModelConfig &config,
                             ArrayRef<WeightSpec> weights)
    : b(context), c(config), weights(weights),
      module(ModuleOp::create(b.getUnknownLoc())), entry(b, config) {}

std::vector<WeightSpec>
ModuleBuilder::select(ArrayRef<StringRef> prefixes) const {
  std::vector<WeightSpec> selected;
  for (const WeightSpec &w : weights)
    if (llvm::any_of(prefixes, [&](StringRef p) {
          return StringRef(w.name).starts_with(p);
        }))
      selected.push_back(w);
  return selected;
}

Type ModuleBuilder::idsType() {
  return RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                               b.getI64Type());
}

Type ModuleBuilder::maskType() {
  return RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                               b.getI1Type());
}

Type ModuleBuilder::positionsType() {
  return RankedTensorType::get({ShapedType::kDynamic}, b.getI64Type());
}

Type ModuleBuilder::hiddenType() { return entry.activations(c.dModel); }

Type ModuleBuilder::logitsType() { return entry.activations(c.tgtVocabSize); }

Type ModuleBuilder::mapType() { return entry.mapType(); }

Type ModuleBuilder::cacheType() { return entry.cacheType(); }

Type ModuleBuilder::headsType() { return entry.headsType(); }

ModuleBuilder::Layer ModuleBuilder::layerFunction(
    StringRef name, StringRef prefix,
    ArrayRef<std::pair<StringRef, Type>> inputs, TypeRange results,
    function_ref<SmallVector<Value>(BlockBuilder &)> body) {
  Layer layer;
  std::vector<WeightSpec> params;
  std::string first = (prefix + "0").str();
  for (const WeightSpec &w : weights) {
    StringRef name = w.name;
    if (!name.consume_front(first) || !name.starts_with("."))
      continue;
    layer.suffixes.push_back(name.str());
    params.push_back({"layer" + name.str(), w.shape, w.optional});
  }
  b.setInsertionPointToEnd(module->getBody());
  BlockBuilder f(b, c);
  f.begin(name, inputs, params, results, /*isPrivate=*/true);
  f.finish(body(f));
  layer.func = f.function();
  return layer;
}

BlockBuilder &ModuleBuilder::beginEntry(
    StringRef name, ArrayRef<std::pair<StringRef, Type>> inputs,
    ArrayRef<WeightSpec> entryWeights, TypeRange results) {
  b.setInsertionPointToEnd(module->getBody());
  entry.begin(name, inputs, entryWeights, results);
  return entry;
}

Value ModuleBuilder::runLayers(const Layer &layer, StringRef prefix,
                               int64_t count, Value x,
                               function_ref<SmallVector<Value>(int64_t)> extra,
                               function_ref<void(ValueRange)> onResults) {
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<Value> args = {x};
    args.append(extra(i));
    SmallVector<Value> results = entry.callLayer(
        layer.func, args, (prefix + Twine(i)).str(), layer.suffixes);
    x = results[0];
    if (onResults)
      onResults(ValueRange(results).drop_front());
  }
  return x;
}

std::vector<std::string> mlir::tfm::cacheInputNames(StringRef prefix,
                                                    int64_t layers) {
  std::vector<std::string> names;
  for (int64_t i = 0; i < layers; ++i)
    for (const char *kind : {"keys.", "values."})
      names.push_back((prefix + kind + Twine(i)).str());
  return names;
}

/// (name, type) pairs of `names`, all of type `type`.
static std::vector<std::pair<StringRef, Type>>
named(const std::vector<std::string> &names, Type type) {
  std::vector<std::pair<StringRef, Type>> list;
  for (const std::string &name : names)
    list.push_back({name, type});
  return list;
}

//===----------------------------------------------------------------------===//
// Encoder stacks
//===----------------------------------------------------------------------===//

ModuleBuilder::Layer
mlir::tfm::buildEncoderEntryPoints(ModuleBuilder &m,
                                   const EncoderParts &parts) {
  Type hidden = m.hiddenType(), mask = m.maskType();
  std::vector<WeightSpec> weights =
      parts.weights.empty() ? std::vector<WeightSpec>(m.allWeights())
                            : parts.weights;
  StringRef prefix = parts.layerPrefix;
  // With `withMaps`, the layer function also returns its attention weights.
  auto layerFunction = [&](StringRef name, bool withMaps) {
    SmallVector<Type> results = {hidden};
    if (withMaps)
      results.push_back(m.mapType());
    return m.layerFunction(
        name, prefix, {{"x", hidden}, {"padding", mask}}, results,
        [&](BlockBuilder &f) {
          SmallVector<Value> maps;
          AttentionSite self;
          self.mode = withMaps ? AttentionMode::Maps : AttentionMode::Plain;
          self.keyPadding = f.input("padding");
          self.maps = &maps;
          SmallVector<Value> outs = {parts.layer(f, f.input("x"), self)};
          outs.append(maps);
          return outs;
        });
  };
  ModuleBuilder::Layer layer = layerFunction(parts.layerName, false);

  SmallVector<std::pair<StringRef, Type>> inputs = {
      {parts.idsName, m.idsType()}};
  for (const std::string &name : parts.extraIdInputs)
    inputs.push_back({name, m.idsType()});
  BlockBuilder &f = m.beginEntry(parts.entry, inputs, weights, hidden);
  Value ids = f.input(parts.idsName);
  Value padding = f.paddingMask(ids);
  Value x = m.runLayers(layer, prefix, parts.numLayers, parts.embed(f, ids),
                        [&](int64_t) { return SmallVector<Value>{padding}; });
  f.finish(parts.finish(f, x));

  ModuleBuilder::Layer mapsLayer =
      layerFunction(parts.layerName + "_maps", true);
  BlockBuilder &g =
      m.beginEntry(parts.entry + "_attention", inputs, weights,
                   SmallVector<Type>(parts.numLayers, m.mapType()));
  ids = g.input(parts.idsName);
  padding = g.paddingMask(ids);
  SmallVector<Value> maps;
  m.runLayers(
      mapsLayer, prefix, parts.numLayers, parts.embed(g, ids),
      [&](int64_t) { return SmallVector<Value>{padding}; },
      [&](ValueRange r) { maps.append(r.begin(), r.end()); });
  g.finish(maps);
  return layer;
}

//===----------------------------------------------------------------------===//
// Decoder-only language models
//===----------------------------------------------------------------------===//

// Incremental decoding. @prefill runs the prompt and returns every layer's
// keys and values as cache entries; @decode_step runs one new token per row
// against the cached keys and values of the earlier positions. Cache entries
// are [S, B, H, D], position-major, so that the runtime's cache, allocated
// once for max_seq_len, passes its first L positions as one contiguous
// tensor. The step's `key_ids` [B, L + 1] are the ids at the cached
// positions followed by the new token, with pad_id where a row has not
// reached a position: their padding mask hides what the uncached model's
// causal and padding masks hide.
void mlir::tfm::buildDecoderEntryPoints(ModuleBuilder &m,
                                        const DecoderParts &parts) {
  Type ids = m.idsType(), mask = m.maskType(), hidden = m.hiddenType();
  Type cache = m.cacheType(), logits = m.logitsType();
  StringRef prefix = parts.layerPrefix;
  int64_t layers = parts.numLayers;
  auto selfAttentionLayer = [&](StringRef name, AttentionMode mode,
                                ArrayRef<std::pair<StringRef, Type>> inputs,
                                TypeRange results) {
    return m.layerFunction(name, prefix, inputs, results, [&](BlockBuilder &f) {
      SmallVector<Value> extra;
      AttentionSite self;
      self.mode = mode;
      self.causal = true;
      self.maps = &extra;
      self.entries = &extra;
      if (mode == AttentionMode::Step) {
        self.keyPadding = f.input("key_mask");
        self.pastKeys = f.input("past_keys");
        self.pastValues = f.input("past_values");
        self.positions = f.input("positions");
      } else {
        self.keyPadding = f.input("padding");
      }
      SmallVector<Value> outs = {parts.layer(f, f.input("x"), self)};
      outs.append(extra);
      return outs;
    });
  };
  auto padded = [](Value padding) {
    return [padding](int64_t) { return SmallVector<Value>{padding}; };
  };

  ModuleBuilder::Layer layer =
      selfAttentionLayer("decoder_layer", AttentionMode::Plain,
                         {{"x", hidden}, {"padding", mask}}, {hidden});
  BlockBuilder &f =
      m.beginEntry("forward", {{"ids", ids}}, m.allWeights(), logits);
  Value padding = f.paddingMask(f.input("ids"));
  Value x =
      m.runLayers(layer, prefix, layers,
                  parts.embed(f, f.input("ids"), Value()), padded(padding));
  f.finish(parts.logits(f, x));

  ModuleBuilder::Layer prefillLayer = selfAttentionLayer(
      "decoder_layer_prefill", AttentionMode::Prefill,
      {{"x", hidden}, {"padding", mask}}, {hidden, cache, cache});
  // Rotary embeddings rotate the step's query and key by its position.
  bool rotary = m.config().rope.enabled;
  std::vector<std::pair<StringRef, Type>> stepLayerInputs = {
      {"x", hidden},
      {"key_mask", mask},
      {"past_keys", cache},
      {"past_values", cache}};
  if (rotary)
    stepLayerInputs.push_back({"positions", m.positionsType()});
  ModuleBuilder::Layer stepLayer =
      selfAttentionLayer("decoder_layer_step", AttentionMode::Step,
                         stepLayerInputs, {hidden, cache, cache});
  SmallVector<Type> withCaches = {logits};
  withCaches.append(2 * layers, cache);

  BlockBuilder &p =
      m.beginEntry("prefill", {{"ids", ids}}, m.allWeights(), withCaches);
  SmallVector<Value> outs = {Value()};
  auto collect = [&](ValueRange r) { outs.append(r.begin(), r.end()); };
  padding = p.paddingMask(p.input("ids"));
  x = m.runLayers(prefillLayer, prefix, layers,
                  parts.embed(p, p.input("ids"), Value()), padded(padding),
                  collect);
  outs[0] = parts.logits(p, x);
  p.finish(outs);

  std::vector<std::string> cacheNames = cacheInputNames("past_", layers);
  std::vector<std::pair<StringRef, Type>> stepInputs = {
      {"ids", ids}, {"positions", m.positionsType()}, {"key_ids", ids}};
  llvm::append_range(stepInputs, named(cacheNames, cache));
  BlockBuilder &s =
      m.beginEntry("decode_step", stepInputs, m.allWeights(), withCaches);
  outs = {Value()};
  Value keyMask = s.paddingMask(s.input("key_ids"));
  x = m.runLayers(
      stepLayer, prefix, layers,
      parts.embed(s, s.input("ids"), s.input("positions")),
      [&](int64_t i) {
        SmallVector<Value> extra = {keyMask, s.input(cacheNames[2 * i]),
                                    s.input(cacheNames[2 * i + 1])};
        if (rotary)
          extra.push_back(s.input("positions"));
        return extra;
      },
      collect);
  outs[0] = parts.logits(s, x);
  s.finish(outs);

  ModuleBuilder::Layer mapsLayer = selfAttentionLayer(
      "decoder_layer_maps", AttentionMode::Maps,
      {{"x", hidden}, {"padding", mask}}, {hidden, m.mapType()});
  BlockBuilder &a =
      m.beginEntry("forward_attention", {{"ids", ids}}, m.allWeights(),
                   SmallVector<Type>(layers, m.mapType()));
  padding = a.paddingMask(a.input("ids"));
  SmallVector<Value> maps;
  m.runLayers(mapsLayer, prefix, layers,
              parts.embed(a, a.input("ids"), Value()), padded(padding),
              [&](ValueRange r) { maps.append(r.begin(), r.end()); });
  a.finish(maps);
}
