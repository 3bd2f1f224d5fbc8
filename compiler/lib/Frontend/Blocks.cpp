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
      {ShapedType::kDynamic, ShapedType::kDynamic, c.numHeads, c.headSize()},
      b.getF32Type());
}

RankedTensorType BlockBuilder::headsType() {
  return RankedTensorType::get(
      {ShapedType::kDynamic, c.numHeads, ShapedType::kDynamic, c.headSize()},
      b.getF32Type());
}

Value BlockBuilder::paddingMask(Value ids) {
  auto type = RankedTensorType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic}, b.getI1Type());
  return PaddingMaskOp::create(b, loc, type, ids, Value(),
                               b.getI64IntegerAttr(c.padId));
}

Value BlockBuilder::embed(Value ids, StringRef table, StringRef positions,
                          Value offset) {
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

Value BlockBuilder::linear(Value x, StringRef weightName, StringRef biasName,
                           int64_t features) {
  return LinearOp::create(b, loc, activations(features), x, weight(weightName),
                          weight(biasName));
}

Value BlockBuilder::norm(Value x, const NormWeights &w) {
  return LayerNormOp::create(b, loc, x.getType(), x, weight(w.weight),
                             weight(w.bias), b.getF32FloatAttr(c.layerNormEps));
}

Value BlockBuilder::feedForward(Value x, const FeedForwardWeights &w) {
  Value h = linear(x, w.up, w.upBias, c.dFF);
  switch (c.activation) {
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
  auto queryType = cast<RankedTensorType>(q.getType());
  return LinearOp::create(
      b, loc, activations(queryType.getDimSize(1) * queryType.getDimSize(3)),
      mergeAttentionHeads(b, loc, o), weight(w.out), weight(w.outBias));
}

Value BlockBuilder::projectKeysOrValues(Value x, const AttentionWeights &w,
                                        int64_t index) {
  return projectHeads(b, loc, x, weight(w.inProj), weight(w.inProjBias), index,
                      c.numHeads);
}

Value BlockBuilder::attention(Value query, Value keyValue,
                              const AttentionWeights &w,
                              const AttentionSite &site) {
  Value inWeight = weight(w.inProj), inBias = weight(w.inProjBias);
  bool self = query == keyValue;
  switch (site.mode) {
  case AttentionMode::Maps: {
    Value q, k;
    if (self) {
      SmallVector<Value, 3> qkv =
          projectAllHeads(b, loc, query, inWeight, inBias, c.numHeads);
      q = qkv[0], k = qkv[1];
    } else {
      q = projectHeads(b, loc, query, inWeight, inBias, 0, c.numHeads);
      k = projectHeads(b, loc, keyValue, inWeight, inBias, 1, c.numHeads);
    }
    site.maps->push_back(AttentionWeightsOp::create(
        b, loc, mapType(), q, k, keyPaddingToRank4(b, loc, site.keyPadding),
        FloatAttr(), site.causal ? b.getUnitAttr() : UnitAttr()));
    [[fallthrough]];
  }
  case AttentionMode::Plain:
    if (site.fixedKeys)
      break;
    return MultiHeadAttentionOp::create(
        b, loc, query.getType(), query, keyValue, keyValue,
        ValueRange{inWeight}, ValueRange{inBias}, weight(w.out),
        weight(w.outBias), site.keyPadding, /*attn_mask=*/Value(),
        b.getI64IntegerAttr(c.numHeads),
        site.causal ? b.getUnitAttr() : UnitAttr());
  case AttentionMode::Prefill:
  case AttentionMode::Step:
    break;
  }

  Value mask4 = keyPaddingToRank4(b, loc, site.keyPadding);
  if (site.fixedKeys)
    return attendAndProject(
        projectHeads(b, loc, query, inWeight, inBias, 0, c.numHeads),
        site.fixedKeys, site.fixedValues, mask4, site.causal, w);

  // The same steps as tfm-decompose-multi-head-attention, so that cached and
  // uncached models compute alike.
  SmallVector<Value, 3> qkv =
      projectAllHeads(b, loc, query, inWeight, inBias, c.numHeads);
  Value q = qkv[0], k = qkv[1], v = qkv[2];
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
