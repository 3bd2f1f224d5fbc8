//===- ModelBuilder.cpp - tfm IR for a model description --------*- C++ -*-===//
//
// Writes a model's entry points as tfm ops, following PyTorch's
// nn.TransformerEncoderLayer / nn.TransformerDecoderLayer (post-LN or pre-LN)
// so that the IR reads like the model.
//
//===----------------------------------------------------------------------===//

#include "tfmc/ModelBuilder.h"

#include "tfm/IR/TfmDialect.h"
#include "tfm/IR/TfmOps.h"
#include "tfm/Transforms/AttentionBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <functional>

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// One entry point under construction.
class FunctionBuilder {
public:
  FunctionBuilder(OpBuilder &b, const ModelConfig &config)
      : b(b), c(config), loc(b.getUnknownLoc()) {}

  /// Creates @name with `inputs` (name, type) followed by `weights`; a
  /// private function is a building block (one layer) called by entries.
  void begin(StringRef name, ArrayRef<std::pair<StringRef, Type>> inputs,
             ArrayRef<WeightSpec> weights, TypeRange resultTypes,
             bool isPrivate = false) {
    loc = NameLoc::get(b.getStringAttr(name));
    SmallVector<Type> types;
    for (auto &[inputName, type] : inputs)
      types.push_back(type);
    for (const WeightSpec &w : weights)
      types.push_back(RankedTensorType::get(w.shape, b.getF32Type()));
    func = func::FuncOp::create(b, loc, name,
                                b.getFunctionType(types, resultTypes));
    if (isPrivate)
      func.setPrivate();
    Block *entry = func.addEntryBlock();
    for (auto [i, input] : llvm::enumerate(inputs)) {
      func.setArgAttr(i, TfmDialect::kInputAttrName,
                      b.getStringAttr(input.first));
      this->inputs[input.first] = entry->getArgument(i);
    }
    // Weights as stored; tfm-choose-weight-layouts picks the layout the
    // kernels read.
    for (auto [i, w] : llvm::enumerate(weights)) {
      unsigned index = inputs.size() + i;
      func.setArgAttr(index, TfmDialect::kWeightAttrName,
                      b.getStringAttr(w.name));
      this->weights[w.name] = entry->getArgument(index);
    }
    b.setInsertionPointToStart(entry);
  }

  void finish(ValueRange results) { func::ReturnOp::create(b, loc, results); }

  /// While set, every attention also records its weights [B, H, Sq, Skv]
  /// here (for the attention maps entry points).
  void recordAttentionWeights(SmallVectorImpl<Value> *maps) {
    this->maps = maps;
  }

  Type mapType() {
    return RankedTensorType::get({ShapedType::kDynamic, c.numHeads,
                                  ShapedType::kDynamic, ShapedType::kDynamic},
                                 b.getF32Type());
  }

  Value input(StringRef name) { return inputs.lookup(name); }
  /// A weight argument by name.
  Value weight(StringRef name) { return weights.lookup(name); }

  RankedTensorType activations(int64_t features) {
    return RankedTensorType::get(
        {ShapedType::kDynamic, ShapedType::kDynamic, features}, b.getF32Type());
  }

  Value paddingMask(Value ids) {
    auto type = RankedTensorType::get(
        {ShapedType::kDynamic, ShapedType::kDynamic}, b.getI1Type());
    return PaddingMaskOp::create(b, loc, type, ids, Value(),
                                 b.getI64IntegerAttr(c.padId));
  }

  /// Token embedding (scaled by sqrt(d_model) when asked) plus positions,
  /// which start at `offset[b]` in row b when it is given (decode steps).
  Value embed(Value ids, StringRef table, StringRef positions,
              Value offset = Value()) {
    FloatAttr scale;
    if (c.embeddingScale)
      scale = b.getF32FloatAttr(std::sqrt(static_cast<double>(c.dModel)));
    Value x = EmbeddingOp::create(b, loc, activations(c.dModel), ids,
                                  weight(table), scale);
    Value posTable = c.learnedPositions ? weight(positions) : Value();
    auto kind = c.learnedPositions ? PositionalEncodingKind::learned
                                   : PositionalEncodingKind::sinusoidal;
    return PositionalEncodingOp::create(b, loc, x.getType(), kind, x, posTable,
                                        offset);
  }

  Value linear(Value x, const std::string &prefix, int64_t features) {
    return LinearOp::create(b, loc, activations(features), x,
                            weight(prefix + ".weight"),
                            weight(prefix + ".bias"));
  }

  Value norm(Value x, const std::string &prefix) {
    return LayerNormOp::create(
        b, loc, x.getType(), x, weight(prefix + ".weight"),
        weight(prefix + ".bias"), b.getF32FloatAttr(c.layerNormEps));
  }

  Value attention(Value query, Value keyValue, const std::string &prefix,
                  Value keyPadding, bool causal) {
    if (maps) {
      Value inWeight = weight(prefix + ".in_proj_weight");
      Value inBias = weight(prefix + ".in_proj_bias");
      Value q, k;
      if (query == keyValue) {
        SmallVector<Value, 3> qkv =
            projectAllHeads(b, loc, query, inWeight, inBias, c.numHeads);
        q = qkv[0], k = qkv[1];
      } else {
        q = projectHeads(b, loc, query, inWeight, inBias, 0, c.numHeads);
        k = projectHeads(b, loc, keyValue, inWeight, inBias, 1, c.numHeads);
      }
      maps->push_back(AttentionWeightsOp::create(
          b, loc, mapType(), q, k, keyPaddingToRank4(b, loc, keyPadding),
          FloatAttr(), causal ? b.getUnitAttr() : UnitAttr()));
    }
    return MultiHeadAttentionOp::create(
        b, loc, query.getType(), query, keyValue, keyValue,
        ValueRange{weight(prefix + ".in_proj_weight")},
        ValueRange{weight(prefix + ".in_proj_bias")},
        weight(prefix + ".out_proj.weight"),
        weight(prefix + ".out_proj.bias"),
        keyPadding, /*attn_mask=*/Value(), b.getI64IntegerAttr(c.numHeads),
        causal ? b.getUnitAttr() : UnitAttr());
  }

  int64_t headSize() const { return c.dModel / c.numHeads; }

  /// Keys or values in the cache's position-major layout [S, B, H, D].
  RankedTensorType cacheType() {
    return RankedTensorType::get(
        {ShapedType::kDynamic, ShapedType::kDynamic, c.numHeads, headSize()},
        b.getF32Type());
  }

  /// Keys or values in attention's layout [B, H, S, D].
  RankedTensorType headsType() {
    return RankedTensorType::get(
        {ShapedType::kDynamic, c.numHeads, ShapedType::kDynamic, headSize()},
        b.getF32Type());
  }

  /// Heads [B, H, S, D] of projection `index` (0 = q, 1 = k, 2 = v).
  Value project(Value x, const std::string &prefix, int64_t index) {
    return projectHeads(b, loc, x, weight(prefix + ".in_proj_weight"),
                        weight(prefix + ".in_proj_bias"), index, c.numHeads);
  }

  /// The q, k and v heads of self-attention over `x`, from one projection
  /// (as tfm-decompose-multi-head-attention writes it).
  SmallVector<Value, 3> projectSelf(Value x, const std::string &prefix) {
    return projectAllHeads(b, loc, x, weight(prefix + ".in_proj_weight"),
                           weight(prefix + ".in_proj_bias"), c.numHeads);
  }

  /// Attention of projected heads, then head merge and output projection:
  /// the same steps as tfm-decompose-multi-head-attention, so that cached
  /// and uncached models compute alike.
  Value attendAndProject(Value q, Value k, Value v, Value mask4, bool causal,
                         const std::string &prefix) {
    Value o =
        AttentionOp::create(b, loc, q.getType(), q, k, v, mask4, FloatAttr(),
                            causal ? b.getUnitAttr() : UnitAttr());
    auto queryType = cast<RankedTensorType>(q.getType());
    return LinearOp::create(
        b, loc, activations(queryType.getDimSize(1) * queryType.getDimSize(3)),
        mergeAttentionHeads(b, loc, o),
        weight(prefix + ".out_proj.weight"),
        weight(prefix + ".out_proj.bias"));
  }

  /// Causal self-attention over a prompt that also records its keys and
  /// values as cache entries [S, B, H, D] in `entries`.
  Value selfAttentionPrefill(Value h, const std::string &prefix,
                             Value keyPadding,
                             SmallVectorImpl<Value> &entries) {
    SmallVector<Value, 3> qkv = projectSelf(h, prefix);
    Value q = qkv[0], k = qkv[1], v = qkv[2];
    entries.push_back(KVCacheEntriesOp::create(b, loc, cacheType(), k));
    entries.push_back(KVCacheEntriesOp::create(b, loc, cacheType(), v));
    return attendAndProject(q, k, v, keyPaddingToRank4(b, loc, keyPadding),
                            /*causal=*/true, prefix);
  }

  /// Self-attention of one new position per row over the cached keys and
  /// values [L, B, H, D] and its own; `keyMask` [B, L + 1] hides the cache
  /// positions a row has not reached (and padding). Records the new
  /// position's cache entries [1, B, H, D].
  Value selfAttentionStep(Value h, const std::string &prefix, Value pastKeys,
                          Value pastValues, Value keyMask,
                          SmallVectorImpl<Value> &entries) {
    SmallVector<Value, 3> qkv = projectSelf(h, prefix);
    Value q = qkv[0], k = qkv[1], v = qkv[2];
    entries.push_back(KVCacheEntriesOp::create(b, loc, cacheType(), k));
    entries.push_back(KVCacheEntriesOp::create(b, loc, cacheType(), v));
    Value keys = KVCacheAppendOp::create(b, loc, headsType(), pastKeys, k);
    Value values = KVCacheAppendOp::create(b, loc, headsType(), pastValues, v);
    return attendAndProject(q, keys, values, keyPaddingToRank4(b, loc, keyMask),
                            /*causal=*/false, prefix);
  }

  /// Cross-attention against keys and values projected once per source.
  Value crossAttentionStep(Value h, const std::string &prefix, Value keys,
                           Value values, Value sourcePadding) {
    return attendAndProject(project(h, prefix, 0), keys, values,
                            keyPaddingToRank4(b, loc, sourcePadding),
                            /*causal=*/false, prefix);
  }

  Value feedForward(Value x, const std::string &prefix) {
    Value h = linear(x, prefix + ".linear1", c.dFF);
    h = c.gelu ? Value(GeluOp::create(b, loc, h, GeluApproximation::none))
               : Value(ReluOp::create(b, loc, h));
    return linear(h, prefix + ".linear2", c.dModel);
  }

  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }

  /// Calls a layer function with `inputs` and this function's weights named
  /// `prefix` + each of the layer's weight suffixes.
  Value callLayer(func::FuncOp layer, ValueRange inputs, StringRef prefix,
                  ArrayRef<std::string> suffixes) {
    SmallVector<Value> args(inputs.begin(), inputs.end());
    for (const std::string &suffix : suffixes)
      args.push_back(weight((prefix + suffix).str()));
    return func::CallOp::create(b, loc, layer, args).getResult(0);
  }

  /// Like callLayer, for a layer function that also returns attention maps:
  /// appends them to `collected` and returns the hidden state.
  Value callLayerWithMaps(func::FuncOp layer, ValueRange inputs,
                          StringRef prefix, ArrayRef<std::string> suffixes,
                          SmallVectorImpl<Value> &collected) {
    SmallVector<Value> args(inputs.begin(), inputs.end());
    for (const std::string &suffix : suffixes)
      args.push_back(weight((prefix + suffix).str()));
    auto call = func::CallOp::create(b, loc, layer, args);
    for (Value map : call.getResults().drop_front())
      collected.push_back(map);
    return call.getResult(0);
  }

  /// Like callLayer; returns all the layer's results.
  SmallVector<Value> callLayerAll(func::FuncOp layer, ValueRange inputs,
                                  StringRef prefix,
                                  ArrayRef<std::string> suffixes) {
    SmallVector<Value> args(inputs.begin(), inputs.end());
    for (const std::string &suffix : suffixes)
      args.push_back(weight((prefix + suffix).str()));
    auto call = func::CallOp::create(b, loc, layer, args);
    return SmallVector<Value>(call.getResults());
  }

  func::FuncOp function() { return func; }

  using Attend = std::function<Value(Value)>;

  /// nn.TransformerEncoderLayer (also the decoder-only block, with causal).
  Value encoderLayer(Value x, const std::string &p, Value keyPadding,
                     bool causal) {
    return encoderLayer(x, p, [&](Value h) {
      return attention(h, h, p + ".self_attn", keyPadding, causal);
    });
  }

  /// The same with the self-attention given.
  Value encoderLayer(Value x, const std::string &p,
                     const Attend &selfAttention) {
    if (c.normFirst) {
      x = add(x, selfAttention(norm(x, p + ".norm1")));
      return add(x, feedForward(norm(x, p + ".norm2"), p));
    }
    x = norm(add(x, selfAttention(x)), p + ".norm1");
    return norm(add(x, feedForward(x, p)), p + ".norm2");
  }

  /// nn.TransformerDecoderLayer.
  Value decoderLayer(Value x, Value memory, const std::string &p,
                     Value targetPadding, Value sourcePadding) {
    return decoderLayer(
        x, p,
        [&](Value h) {
          return attention(h, h, p + ".self_attn", targetPadding, true);
        },
        [&](Value h) {
          return attention(h, memory, p + ".multihead_attn", sourcePadding,
                           false);
        });
  }

  /// The same with both attentions given.
  Value decoderLayer(Value x, const std::string &p, const Attend &selfAttention,
                     const Attend &crossAttention) {
    if (c.normFirst) {
      x = add(x, selfAttention(norm(x, p + ".norm1")));
      x = add(x, crossAttention(norm(x, p + ".norm2")));
      return add(x, feedForward(norm(x, p + ".norm3"), p));
    }
    x = norm(add(x, selfAttention(x)), p + ".norm1");
    x = norm(add(x, crossAttention(x)), p + ".norm2");
    return norm(add(x, feedForward(x, p)), p + ".norm3");
  }

private:
  OpBuilder &b;
  const ModelConfig &c;
  Location loc;
  func::FuncOp func;
  llvm::StringMap<Value> inputs, weights;
  SmallVectorImpl<Value> *maps = nullptr;
};

/// The weights of layer 0 under `prefix` ("encoder.layers."), renamed to
/// "layer" + suffix: the parameters of a layer function, identical for
/// every layer.
std::vector<WeightSpec> layerWeights(ArrayRef<WeightSpec> weights,
                                     StringRef prefix,
                                     std::vector<std::string> &suffixes) {
  std::vector<WeightSpec> layer;
  std::string first = (prefix + "0").str();
  for (const WeightSpec &w : weights) {
    StringRef name = w.name;
    if (!name.consume_front(first) || !name.starts_with("."))
      continue;
    suffixes.push_back(name.str());
    layer.push_back({"layer" + name.str(), w.shape, w.optional});
  }
  return layer;
}

/// The weights whose names start with one of `prefixes`.
std::vector<WeightSpec> select(ArrayRef<WeightSpec> weights,
                               ArrayRef<StringRef> prefixes) {
  std::vector<WeightSpec> selected;
  for (const WeightSpec &w : weights)
    if (llvm::any_of(prefixes, [&](StringRef p) {
          return StringRef(w.name).starts_with(p);
        }))
      selected.push_back(w);
  return selected;
}

} // namespace

OwningOpRef<ModuleOp> mlir::tfm::buildModel(MLIRContext *context,
                                            const ModelConfig &c,
                                            ArrayRef<WeightSpec> weights) {
  context->loadDialect<TfmDialect, arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, tensor::TensorDialect>();
  OpBuilder b(context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
  Type ids = RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                                   b.getI64Type());
  Type mask = RankedTensorType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic}, b.getI1Type());
  FunctionBuilder f(b, c);
  Type hidden = f.activations(c.dModel);

  // Layers of one stack share their code: one private function per kind of
  // layer, called once per layer with that layer's weights. LLVM then
  // compiles each layer once, not num_layers times.
  struct Layer {
    func::FuncOp func;
    std::vector<std::string> suffixes;
  };
  // With `withMaps`, the layer function also returns the attention weights
  // of each of its attentions (self, then cross).
  auto encoderLayer = [&](StringRef name, StringRef prefix, bool causal,
                          bool withMaps = false) {
    Layer layer;
    std::vector<WeightSpec> params =
        layerWeights(weights, prefix, layer.suffixes);
    b.setInsertionPointToEnd(module->getBody());
    FunctionBuilder lf(b, c);
    SmallVector<Type> results = {hidden};
    if (withMaps)
      results.push_back(lf.mapType());
    lf.begin(name, {{"x", hidden}, {"padding", mask}}, params, results,
             /*isPrivate=*/true);
    SmallVector<Value> maps;
    if (withMaps)
      lf.recordAttentionWeights(&maps);
    SmallVector<Value> outs = {
        lf.encoderLayer(lf.input("x"), "layer", lf.input("padding"), causal)};
    outs.append(maps);
    lf.finish(outs);
    layer.func = lf.function();
    return layer;
  };
  auto decoderLayer = [&](StringRef name, StringRef prefix,
                          bool withMaps = false) {
    Layer layer;
    std::vector<WeightSpec> params =
        layerWeights(weights, prefix, layer.suffixes);
    b.setInsertionPointToEnd(module->getBody());
    FunctionBuilder lf(b, c);
    SmallVector<Type> results = {hidden};
    if (withMaps)
      results.append({lf.mapType(), lf.mapType()});
    lf.begin(name,
             {{"y", hidden},
              {"memory", hidden},
              {"tgt_padding", mask},
              {"src_padding", mask}},
             params, results, /*isPrivate=*/true);
    SmallVector<Value> maps;
    if (withMaps)
      lf.recordAttentionWeights(&maps);
    SmallVector<Value> outs = {
        lf.decoderLayer(lf.input("y"), lf.input("memory"), "layer",
                        lf.input("tgt_padding"), lf.input("src_padding"))};
    outs.append(maps);
    lf.finish(outs);
    layer.func = lf.function();
    return layer;
  };
  auto layerName = [](StringRef prefix, int64_t i) {
    return (prefix + Twine(i)).str();
  };
  auto beginEntry = [&](StringRef name,
                        ArrayRef<std::pair<StringRef, Type>> inputs,
                        ArrayRef<WeightSpec> entryWeights, TypeRange results) {
    b.setInsertionPointToEnd(module->getBody());
    f.begin(name, inputs, entryWeights, results);
  };
  // The attention maps entry points (`<entry>_attention`) run the same
  // layers and return every attention's weights, layer by layer (self, then
  // cross). They are called only when a user asks for the maps.
  auto mapTypes = [&](int64_t count) {
    return SmallVector<Type>(count, f.mapType());
  };

  // Incremental decoding. @prefill runs the prompt (decoder-only) or the
  // source (encoder-decoder: the encoder, then every decoder layer's
  // cross-attention keys and values, once per source); @decode_step runs one
  // new token per row against the cached keys and values of the earlier
  // positions. Cache entries are [S, B, H, D], position-major, so that the
  // runtime's cache, allocated once for max_seq_len, passes its first L
  // positions as one contiguous tensor. The step's `key_ids` [B, L + 1] are
  // the ids at the cached positions followed by the new token, with pad_id
  // where a row has not reached a position: their padding mask hides what
  // the uncached model's causal and padding masks hide.
  Type cache = f.cacheType(), heads = f.headsType();
  Type positions =
      RankedTensorType::get({ShapedType::kDynamic}, b.getI64Type());
  std::vector<std::string> cacheNames;
  for (int64_t i = 0; i < c.numDecoderLayers; ++i)
    for (const char *kind : {"keys.", "values."})
      cacheNames.push_back(std::string("past_") + kind + std::to_string(i));
  std::vector<std::string> crossNames;
  for (int64_t i = 0; i < c.numDecoderLayers; ++i)
    for (const char *kind : {"keys.", "values."})
      crossNames.push_back(std::string("cross_") + kind + std::to_string(i));
  auto named = [](const std::vector<std::string> &names, Type type) {
    std::vector<std::pair<StringRef, Type>> list;
    for (const std::string &name : names)
      list.push_back({name, type});
    return list;
  };
  // A layer function that also returns its self-attention's cache entries.
  auto cachedLayer =
      [&](StringRef name, StringRef prefix,
          ArrayRef<std::pair<StringRef, Type>> inputs,
          function_ref<Value(FunctionBuilder &, SmallVectorImpl<Value> &)>
              body) {
        Layer layer;
        std::vector<WeightSpec> params =
            layerWeights(weights, prefix, layer.suffixes);
        b.setInsertionPointToEnd(module->getBody());
        FunctionBuilder lf(b, c);
        lf.begin(name, inputs, params, {hidden, cache, cache},
                 /*isPrivate=*/true);
        SmallVector<Value> entries;
        Value out = body(lf, entries);
        lf.finish({out, entries[0], entries[1]});
        layer.func = lf.function();
        return layer;
      };
  // Calls one cached layer per model layer; appends their entries to `outs`.
  auto runCachedLayers = [&](const Layer &layer, StringRef prefix, Value x,
                             function_ref<SmallVector<Value>(int64_t)> inputs,
                             SmallVectorImpl<Value> &outs) {
    for (int64_t i = 0; i < c.numDecoderLayers; ++i) {
      SmallVector<Value> args = {x};
      args.append(inputs(i));
      SmallVector<Value> r = f.callLayerAll(
          layer.func, args, layerName(prefix, i), layer.suffixes);
      x = r[0];
      outs.append({r[1], r[2]});
    }
    return x;
  };
  auto withCaches = [&](std::vector<std::pair<StringRef, Type>> inputs,
                        bool cross) {
    auto past = named(cacheNames, cache);
    inputs.insert(inputs.end(), past.begin(), past.end());
    if (cross) {
      auto crossList = named(crossNames, heads);
      inputs.insert(inputs.end(), crossList.begin(), crossList.end());
    }
    return inputs;
  };
  auto cacheResults = [&](Type first) {
    SmallVector<Type> types = {first};
    types.append(2 * c.numDecoderLayers, cache);
    return types;
  };

  switch (c.architecture) {
  case Architecture::Encoder: {
    Layer layer = encoderLayer("encoder_layer", "encoder.layers.", false);
    beginEntry("encode", {{"ids", ids}}, weights, hidden);
    Value padding = f.paddingMask(f.input("ids"));
    Value x = f.embed(f.input("ids"), "embed.weight", "pos.weight");
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      x = f.callLayer(layer.func, {x, padding}, layerName("encoder.layers.", i),
                      layer.suffixes);
    if (c.finalNorm)
      x = f.norm(x, "encoder.norm");
    f.finish(x);

    Layer mapsLayer =
        encoderLayer("encoder_layer_maps", "encoder.layers.", false, true);
    beginEntry("encode_attention", {{"ids", ids}}, weights,
               mapTypes(c.numEncoderLayers));
    padding = f.paddingMask(f.input("ids"));
    x = f.embed(f.input("ids"), "embed.weight", "pos.weight");
    SmallVector<Value> maps;
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      x = f.callLayerWithMaps(mapsLayer.func, {x, padding},
                              layerName("encoder.layers.", i),
                              mapsLayer.suffixes, maps);
    f.finish(maps);
    break;
  }
  case Architecture::Decoder: {
    Layer layer = encoderLayer("decoder_layer", "layers.", true);
    beginEntry("forward", {{"ids", ids}}, weights,
               f.activations(c.tgtVocabSize));
    Value padding = f.paddingMask(f.input("ids"));
    Value x = f.embed(f.input("ids"), "embed.weight", "pos.weight");
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      x = f.callLayer(layer.func, {x, padding}, layerName("layers.", i),
                      layer.suffixes);
    auto logitsOf = [&](Value x) {
      if (c.finalNorm)
        x = f.norm(x, "norm");
      return c.tieEmbeddings
                 ? Value(LinearOp::create(b, b.getUnknownLoc(),
                                          f.activations(c.tgtVocabSize), x,
                                          f.weight("embed.weight"),
                                          Value()))
                 : f.linear(x, "lm_head", c.tgtVocabSize);
    };
    f.finish(logitsOf(x));

    Layer prefillLayer = cachedLayer(
        "decoder_layer_prefill", "layers.", {{"x", hidden}, {"padding", mask}},
        [&](FunctionBuilder &lf, SmallVectorImpl<Value> &entries) {
          return lf.encoderLayer(lf.input("x"), "layer", [&](Value h) {
            return lf.selfAttentionPrefill(h, "layer.self_attn",
                                           lf.input("padding"), entries);
          });
        });
    Layer stepLayer = cachedLayer(
        "decoder_layer_step", "layers.",
        {{"x", hidden},
         {"key_mask", mask},
         {"past_keys", cache},
         {"past_values", cache}},
        [&](FunctionBuilder &lf, SmallVectorImpl<Value> &entries) {
          return lf.encoderLayer(lf.input("x"), "layer", [&](Value h) {
            return lf.selfAttentionStep(
                h, "layer.self_attn", lf.input("past_keys"),
                lf.input("past_values"), lf.input("key_mask"), entries);
          });
        });
    Type logitsType = f.activations(c.tgtVocabSize);

    beginEntry("prefill", {{"ids", ids}}, weights, cacheResults(logitsType));
    SmallVector<Value> outs = {Value()};
    padding = f.paddingMask(f.input("ids"));
    x = runCachedLayers(
        prefillLayer, "layers.",
        f.embed(f.input("ids"), "embed.weight", "pos.weight"),
        [&](int64_t) { return SmallVector<Value>{padding}; }, outs);
    outs[0] = logitsOf(x);
    f.finish(outs);

    beginEntry(
        "decode_step",
        withCaches({{"ids", ids}, {"positions", positions}, {"key_ids", ids}},
                   /*cross=*/false),
        weights, cacheResults(logitsType));
    outs = {Value()};
    Value keyMask = f.paddingMask(f.input("key_ids"));
    x = runCachedLayers(
        stepLayer, "layers.",
        f.embed(f.input("ids"), "embed.weight", "pos.weight",
                f.input("positions")),
        [&](int64_t i) {
          return SmallVector<Value>{keyMask, f.input(cacheNames[2 * i]),
                                    f.input(cacheNames[2 * i + 1])};
        },
        outs);
    outs[0] = logitsOf(x);
    f.finish(outs);

    Layer mapsLayer = encoderLayer("decoder_layer_maps", "layers.", true, true);
    beginEntry("forward_attention", {{"ids", ids}}, weights,
               mapTypes(c.numDecoderLayers));
    padding = f.paddingMask(f.input("ids"));
    x = f.embed(f.input("ids"), "embed.weight", "pos.weight");
    SmallVector<Value> maps;
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      x = f.callLayerWithMaps(mapsLayer.func, {x, padding},
                              layerName("layers.", i), mapsLayer.suffixes,
                              maps);
    f.finish(maps);
    break;
  }
  case Architecture::EncoderDecoder: {
    Layer encLayer = encoderLayer("encoder_layer", "encoder.layers.", false);
    Layer decLayer = decoderLayer("decoder_layer", "decoder.layers.");
    beginEntry("encode", {{"src_ids", ids}},
               select(weights, {"src_", "encoder."}), hidden);
    Value srcPadding = f.paddingMask(f.input("src_ids"));
    Value x = f.embed(f.input("src_ids"), "src_embed.weight", "src_pos.weight");
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      x = f.callLayer(encLayer.func, {x, srcPadding},
                      layerName("encoder.layers.", i), encLayer.suffixes);
    if (c.finalNorm)
      x = f.norm(x, "encoder.norm");
    f.finish(x);

    beginEntry("decode",
               {{"memory", hidden}, {"src_ids", ids}, {"tgt_ids", ids}},
               select(weights, {"tgt_", "decoder.", "generator."}),
               f.activations(c.tgtVocabSize));
    srcPadding = f.paddingMask(f.input("src_ids"));
    Value tgtPadding = f.paddingMask(f.input("tgt_ids"));
    Value y = f.embed(f.input("tgt_ids"), "tgt_embed.weight", "tgt_pos.weight");
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      y = f.callLayer(decLayer.func,
                      {y, f.input("memory"), tgtPadding, srcPadding},
                      layerName("decoder.layers.", i), decLayer.suffixes);
    auto logitsOf = [&](Value y) {
      if (c.finalNorm)
        y = f.norm(y, "decoder.norm");
      return f.linear(y, "generator", c.tgtVocabSize);
    };
    f.finish(logitsOf(y));

    beginEntry("prefill", {{"src_ids", ids}},
               select(weights, {"src_", "encoder.", "decoder.layers."}),
               SmallVector<Type>(2 * c.numDecoderLayers, heads));
    srcPadding = f.paddingMask(f.input("src_ids"));
    x = f.embed(f.input("src_ids"), "src_embed.weight", "src_pos.weight");
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      x = f.callLayer(encLayer.func, {x, srcPadding},
                      layerName("encoder.layers.", i), encLayer.suffixes);
    if (c.finalNorm)
      x = f.norm(x, "encoder.norm");
    SmallVector<Value> crossKV;
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      for (int64_t kv : {1, 2})
        crossKV.push_back(f.project(
            x, layerName("decoder.layers.", i) + ".multihead_attn", kv));
    f.finish(crossKV);

    Layer stepLayer = cachedLayer(
        "decoder_layer_step", "decoder.layers.",
        {{"y", hidden},
         {"key_mask", mask},
         {"src_padding", mask},
         {"past_keys", cache},
         {"past_values", cache},
         {"cross_keys", heads},
         {"cross_values", heads}},
        [&](FunctionBuilder &lf, SmallVectorImpl<Value> &entries) {
          return lf.decoderLayer(
              lf.input("y"), "layer",
              [&](Value h) {
                return lf.selfAttentionStep(
                    h, "layer.self_attn", lf.input("past_keys"),
                    lf.input("past_values"), lf.input("key_mask"), entries);
              },
              [&](Value h) {
                return lf.crossAttentionStep(
                    h, "layer.multihead_attn", lf.input("cross_keys"),
                    lf.input("cross_values"), lf.input("src_padding"));
              });
        });
    beginEntry("decode_step",
               withCaches({{"ids", ids},
                           {"positions", positions},
                           {"key_ids", ids},
                           {"src_ids", ids}},
                          /*cross=*/true),
               select(weights, {"tgt_", "decoder.", "generator."}),
               cacheResults(f.activations(c.tgtVocabSize)));
    SmallVector<Value> outs = {Value()};
    Value keyMask = f.paddingMask(f.input("key_ids"));
    srcPadding = f.paddingMask(f.input("src_ids"));
    y = runCachedLayers(
        stepLayer, "decoder.layers.",
        f.embed(f.input("ids"), "tgt_embed.weight", "tgt_pos.weight",
                f.input("positions")),
        [&](int64_t i) {
          return SmallVector<Value>{keyMask,
                                    srcPadding,
                                    f.input(cacheNames[2 * i]),
                                    f.input(cacheNames[2 * i + 1]),
                                    f.input(crossNames[2 * i]),
                                    f.input(crossNames[2 * i + 1])};
        },
        outs);
    outs[0] = logitsOf(y);
    f.finish(outs);

    Layer encMaps =
        encoderLayer("encoder_layer_maps", "encoder.layers.", false, true);
    Layer decMaps = decoderLayer("decoder_layer_maps", "decoder.layers.", true);
    beginEntry("encode_attention", {{"src_ids", ids}},
               select(weights, {"src_", "encoder."}),
               mapTypes(c.numEncoderLayers));
    srcPadding = f.paddingMask(f.input("src_ids"));
    x = f.embed(f.input("src_ids"), "src_embed.weight", "src_pos.weight");
    SmallVector<Value> maps;
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      x = f.callLayerWithMaps(encMaps.func, {x, srcPadding},
                              layerName("encoder.layers.", i), encMaps.suffixes,
                              maps);
    f.finish(maps);

    beginEntry("decode_attention",
               {{"memory", hidden}, {"src_ids", ids}, {"tgt_ids", ids}},
               select(weights, {"tgt_", "decoder.", "generator."}),
               mapTypes(2 * c.numDecoderLayers));
    srcPadding = f.paddingMask(f.input("src_ids"));
    tgtPadding = f.paddingMask(f.input("tgt_ids"));
    y = f.embed(f.input("tgt_ids"), "tgt_embed.weight", "tgt_pos.weight");
    maps.clear();
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      y = f.callLayerWithMaps(
          decMaps.func, {y, f.input("memory"), tgtPadding, srcPadding},
          layerName("decoder.layers.", i), decMaps.suffixes, maps);
    f.finish(maps);
    break;
  }
  }
  return module;
}
