//===- Blocks.cpp - the building blocks of model entry points ---*- C++ -*-===//

#include "tfmc/Frontend/Blocks.h"

#include "tfm/IR/TfmDialect.h"
#include "tfm/IR/TfmOps.h"
#include "tfm/Transforms/AttentionBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfm;

BlockBuilder::BlockBuilder(OpBuilder &b, const ModelConfig &config)
    : b(b), c(config), loc(b.getUnknownLoc()) {}

void BlockBuilder::begin(StringRef name,
                         ArrayRef<std::pair<StringRef, Type>> inputList,
                         ArrayRef<WeightSpec> weightList, TypeRange resultTypes,
                         bool isPrivate) {
  loc = NameLoc::get(b.getStringAttr(name));
  inputs.clear();
  weights.clear();
  SmallVector<Type> types;
  for (auto &[inputName, type] : inputList)
    types.push_back(type);
  for (const WeightSpec &w : weightList)
    types.push_back(RankedTensorType::get(w.shape, b.getF32Type()));
  func =
      func::FuncOp::create(b, loc, name, b.getFunctionType(types, resultTypes));
  if (isPrivate)
    func.setPrivate();
  Block *entry = func.addEntryBlock();
  for (auto [i, input] : llvm::enumerate(inputList)) {
    func.setArgAttr(i, TfmDialect::kInputAttrName,
                    b.getStringAttr(input.first));
    inputs[input.first] = entry->getArgument(i);
  }
  // Weights as stored; tfm-choose-weight-layouts picks the layout the
  // kernels read.
  for (auto [i, w] : llvm::enumerate(weightList)) {
    unsigned index = inputList.size() + i;
    func.setArgAttr(index, TfmDialect::kWeightAttrName,
                    b.getStringAttr(w.name));
    weights[w.name] = entry->getArgument(index);
  }
  b.setInsertionPointToStart(entry);
}

void BlockBuilder::finish(ValueRange results) {
  func::ReturnOp::create(b, loc, results);
}

RankedTensorType BlockBuilder::activations(int64_t features) {
  return RankedTensorType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic, features}, b.getF32Type());
}

RankedTensorType BlockBuilder::mapType() {
  return RankedTensorType::get({ShapedType::kDynamic, c.numHeads,
                                ShapedType::kDynamic, ShapedType::kDynamic},
                               b.getF32Type());
}

RankedTensorType BlockBuilder::cacheType() {
  return RankedTensorType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic, c.kvHeads(), c.headSize()},
      b.getF32Type());
}

RankedTensorType BlockBuilder::headsType() {
  return RankedTensorType::get(
      {ShapedType::kDynamic, c.kvHeads(), ShapedType::kDynamic, c.headSize()},
      b.getF32Type());
}

Value BlockBuilder::paddingMask(Value ids) {
  auto type = RankedTensorType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic}, b.getI1Type());
  return PaddingMaskOp::create(b, loc, type, ids, Value(),
                               b.getI64IntegerAttr(c.padId));
}

Value BlockBuilder::tokenEmbedding(Value ids, StringRef table) {
  FloatAttr scale;
  if (c.embeddingScale)
    scale = b.getF32FloatAttr(std::sqrt(static_cast<double>(c.dModel)));
  return EmbeddingOp::create(b, loc, activations(c.dModel), ids, weight(table),
                             scale);
}

Value BlockBuilder::embed(Value ids, StringRef table, StringRef positions,
                          Value offset) {
  Value x = tokenEmbedding(ids, table);
  Value posTable = c.learnedPositions ? weight(positions) : Value();
  auto kind = c.learnedPositions ? PositionalEncodingKind::learned
                                 : PositionalEncodingKind::sinusoidal;
  return PositionalEncodingOp::create(b, loc, x.getType(), kind, x, posTable,
                                      offset);
}

Value BlockBuilder::linear(Value x, StringRef weightName, StringRef biasName,
                           int64_t features) {
  return LinearOp::create(b, loc, activations(features), x, weight(weightName),
                          weight(biasName));
}

Value BlockBuilder::norm(Value x, const NormWeights &w) {
  if (c.norm == NormKind::RMS)
    return RmsNormOp::create(b, loc, x.getType(), x, weight(w.weight),
                             b.getF32FloatAttr(c.layerNormEps));
  return LayerNormOp::create(b, loc, x.getType(), x, weight(w.weight),
                             weight(w.bias), b.getF32FloatAttr(c.layerNormEps));
}

Value BlockBuilder::feedForward(Value x, const FeedForwardWeights &w) {
  if (c.gatedFeedForward) {
    GateActivation act = GateActivation::silu;
    if (c.activation == Activation::Gelu)
      act = GateActivation::gelu;
    else if (c.activation == Activation::GeluTanh)
      act = GateActivation::gelu_tanh;
    return GatedFeedForwardOp::create(b, loc, activations(c.dModel), act, x,
                                      weight(w.gate), weight(w.up),
                                      weight(w.down));
  }
  Value h = linear(x, w.up, w.upBias, c.dFF);
  switch (c.activation) {
  case Activation::Silu:
    h = SiluOp::create(b, loc, h);
    break;
  case Activation::Relu:
    h = ReluOp::create(b, loc, h);
    break;
  case Activation::Gelu:
    h = GeluOp::create(b, loc, h, GeluApproximation::none);
    break;
  case Activation::GeluTanh:
    h = GeluOp::create(b, loc, h, GeluApproximation::tanh);
    break;
  }
  return linear(h, w.down, w.downBias, c.dModel);
}

Value BlockBuilder::add(Value x, Value y) {
  return arith::AddFOp::create(b, loc, x, y);
}

Value BlockBuilder::attendAndProject(Value q, Value k, Value v, Value mask4,
                                     bool causal, const AttentionWeights &w) {
  Value o =
      AttentionOp::create(b, loc, q.getType(), q, k, v, mask4, FloatAttr(),
                          causal ? b.getUnitAttr() : UnitAttr());
  return LinearOp::create(b, loc, activations(c.dModel),
                          mergeAttentionHeads(b, loc, o), weight(w.out),
                          weight(w.outBias));
}

Value BlockBuilder::rotate(Value heads, Value offset) {
  const RotaryConfig &r = c.rope;
  if (!r.enabled)
    return heads;
  RopeScaling scaling = RopeScaling::none;
  FloatAttr factor, low, high;
  IntegerAttr original;
  if (r.scaling == "linear") {
    scaling = RopeScaling::linear;
    factor = b.getF64FloatAttr(r.factor);
  } else if (r.scaling == "llama3") {
    scaling = RopeScaling::llama3;
    factor = b.getF64FloatAttr(r.factor);
    low = b.getF64FloatAttr(r.lowFreqFactor);
    high = b.getF64FloatAttr(r.highFreqFactor);
    original = b.getI64IntegerAttr(r.originalMaxPositions);
  }
  MLIRContext *ctx = b.getContext();
  return RotaryEmbeddingOp::create(
      b, loc, heads.getType(),
      RotaryLayoutAttr::get(ctx, r.interleaved ? RotaryLayout::interleaved
                                               : RotaryLayout::half),
      heads, offset, b.getF64FloatAttr(r.theta), b.getI64IntegerAttr(r.dim),
      RopeScalingAttr::get(ctx, scaling), factor, low, high, original);
}

SmallVector<Value, 3>
BlockBuilder::projectQueryKeyValue(Value query, Value keyValue,
                                   const AttentionWeights &w) {
  int64_t heads = c.numHeads, kvHeads = c.kvHeads();
  if (!w.inProj.empty()) {
    Value inWeight = weight(w.inProj), inBias = weight(w.inProjBias);
    if (query == keyValue)
      return projectAllHeads(b, loc, query, inWeight, inBias, heads, kvHeads);
    return {
        projectHeads(b, loc, query, inWeight, inBias, 0, heads, kvHeads),
        projectHeads(b, loc, keyValue, inWeight, inBias, 1, heads, kvHeads),
        projectHeads(b, loc, keyValue, inWeight, inBias, 2, heads, kvHeads)};
  }
  auto project = [&](Value x, StringRef name, StringRef bias, int64_t n) {
    return splitAttentionHeads(b, loc, linear(x, name, bias, n * c.headSize()),
                               n);
  };
  return {project(query, w.query, w.queryBias, heads),
          project(keyValue, w.key, w.keyBias, kvHeads),
          project(keyValue, w.value, w.valueBias, kvHeads)};
}

Value BlockBuilder::projectKeysOrValues(Value x, const AttentionWeights &w,
                                        int64_t index) {
  return projectQueryKeyValue(x, x, w)[index];
}

Value BlockBuilder::attention(Value query, Value keyValue,
                              const AttentionWeights &w,
                              const AttentionSite &site) {
  // nn.MultiheadAttention's packed form without positions in the heads is
  // one tfm.multi_head_attention (decomposed by its pass); anything else is
  // written out here.
  bool packedPlain = !w.inProj.empty() && !c.rope.enabled &&
                     c.kvHeads() == c.numHeads && !site.fixedKeys;
  if (site.mode == AttentionMode::Plain && packedPlain)
    return MultiHeadAttentionOp::create(
        b, loc, query.getType(), query, keyValue, keyValue,
        ValueRange{weight(w.inProj)}, ValueRange{weight(w.inProjBias)},
        weight(w.out), weight(w.outBias), site.keyPadding,
        /*attn_mask=*/Value(), b.getI64IntegerAttr(c.numHeads),
        site.causal ? b.getUnitAttr() : UnitAttr());

  Value mask4 = keyPaddingToRank4(b, loc, site.keyPadding);
  if (site.fixedKeys) {
    Value q = projectQueryKeyValue(query, query, w)[0];
    return attendAndProject(q, site.fixedKeys, site.fixedValues, mask4,
                            site.causal, w);
  }
  SmallVector<Value, 3> qkv = projectQueryKeyValue(query, keyValue, w);
  Value q = rotate(qkv[0], site.positions), k = rotate(qkv[1], site.positions);
  Value v = qkv[2];
  switch (site.mode) {
  case AttentionMode::Maps:
    site.maps->push_back(
        AttentionWeightsOp::create(b, loc, mapType(), q, k, mask4, FloatAttr(),
                                   site.causal ? b.getUnitAttr() : UnitAttr()));
    [[fallthrough]];
  case AttentionMode::Plain:
    return attendAndProject(q, k, v, mask4, site.causal, w);
  case AttentionMode::Prefill:
  case AttentionMode::Step:
    break;
  }
  site.entries->push_back(KVCacheEntriesOp::create(b, loc, cacheType(), k));
  site.entries->push_back(KVCacheEntriesOp::create(b, loc, cacheType(), v));
  if (site.mode == AttentionMode::Prefill)
    return attendAndProject(q, k, v, mask4, /*causal=*/true, w);
  Value keys = KVCacheAppendOp::create(b, loc, headsType(), site.pastKeys, k);
  Value values =
      KVCacheAppendOp::create(b, loc, headsType(), site.pastValues, v);
  return attendAndProject(q, keys, values, mask4, /*causal=*/false, w);
}

SmallVector<Value> BlockBuilder::callLayer(func::FuncOp layer,
                                           ValueRange inputList,
                                           StringRef prefix,
                                           ArrayRef<std::string> suffixes) {
  SmallVector<Value> args(inputList.begin(), inputList.end());
  for (const std::string &suffix : suffixes)
    args.push_back(weight((prefix + suffix).str()));
  auto call = func::CallOp::create(b, loc, layer, args);
  return SmallVector<Value>(call.getResults());
}
