//===- LowerAttention.cpp - tfm.attention to linalg -------------*- C++ -*-===//
//
// The plain (reference) lowering: scores = Q·Kᵀ, scaled and masked in one
// elementwise pass, a stable softmax that gives zeros for fully masked rows,
// then probabilities·V. It materializes the [B, H, Sq, Skv] scores. With
// grouped-query attention, query head h reads key/value head h floordiv G
// through the index maps. Hidden keys are selected away, never added to: a
// key or value that holds NaN or inf where it is masked changes nothing.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// The scale as a value of type `elt`: the attribute, or 1/sqrt(D).
Value createScale(OpBuilder &b, Location loc, FloatAttr scale, Value query,
                  Type elt) {
  if (scale)
    return createFloat(b, loc, elt, scale.getValueAsDouble());
  auto qType = cast<RankedTensorType>(query.getType());
  if (!qType.isDynamicDim(3))
    return createFloat(b, loc, elt, 1.0 / std::sqrt(qType.getDimSize(3)));
  Value d = tensor::DimOp::create(b, loc, query, 3);
  Value dInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), d);
  Value dFloat = arith::UIToFPOp::create(b, loc, elt, dInt);
  return math::RsqrtOp::create(b, loc, dFloat);
}

/// The map of `numDims` loops to the listed loop dimensions.
AffineMap dimsMap(MLIRContext *ctx, ArrayRef<unsigned> dims, unsigned numDims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// The map of `numDims` loops (b, h, ...) to keys or values [B, Hkv, ...]
/// along `dims`: with `group` query heads per key/value head, loop h reads
/// head h floordiv group (repeat_kv without the repeated copy).
AffineMap keyValueMap(MLIRContext *ctx, ArrayRef<unsigned> dims,
                      unsigned numDims, int64_t group) {
  AffineMap map = dimsMap(ctx, dims, numDims);
  if (group == 1)
    return map;
  SmallVector<AffineExpr> exprs(map.getResults());
  exprs[1] = exprs[1].floorDiv(group);
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// The map from the (b, h, i, j) iteration space to a mask that broadcasts to
/// [B, H, Sq, Skv] with trailing alignment.
AffineMap maskMap(OpBuilder &b, RankedTensorType maskType) {
  int64_t rank = maskType.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    exprs.push_back(maskType.getDimSize(i) == 1
                        ? b.getAffineConstantExpr(0)
                        : b.getAffineDimExpr(4 - rank + i));
  return AffineMap::get(4, 0, exprs, b.getContext());
}

/// softmax(Q·Kᵀ·scale + mask) as [B, H, Sq, Skv], fully masked rows zero.
Value createProbabilities(OpBuilder &b, Location loc, Value q, Value k,
                          Value mask, FloatAttr scaleAttr, bool causal,
                          int64_t group) {
  MLIRContext *ctx = b.getContext();
  Type elt = cast<RankedTensorType>(q.getType()).getElementType();
  auto par = utils::IteratorType::parallel;
  auto red = utils::IteratorType::reduction;
  auto dims = [&](ArrayRef<unsigned> ds, unsigned n) {
    return dimsMap(ctx, ds, n);
  };

  OpFoldResult batch = tensor::getMixedSize(b, loc, q, 0);
  OpFoldResult heads = tensor::getMixedSize(b, loc, q, 1);
  OpFoldResult queries = tensor::getMixedSize(b, loc, q, 2);
  OpFoldResult keys = tensor::getMixedSize(b, loc, k, 2);

  // scores[b,h,i,j] = sum_d q[b,h,i,d] * k[b,h/G,j,d]   (loops b,h,i,j,d)
  Value zeroScores = createFilled(b, loc, {batch, heads, queries, keys},
                                  b.getFloatAttr(elt, 0.0));
  Value scores = createGeneric(
      b, loc, {q, k},
      {dims({0, 1, 2, 4}, 5), keyValueMap(ctx, {0, 1, 3, 4}, 5, group)},
      zeroScores, dims({0, 1, 2, 3}, 5), {par, par, par, par, red},
      [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value prod = arith::MulFOp::create(nb, nloc, args[0], args[1]);
        return arith::AddFOp::create(nb, nloc, args[2], prod);
      });

  // Scale, then hide keys: the mask operand and the causal flag.
  Value scale = createScale(b, loc, scaleAttr, q, elt);
  Value causalOffset;
  if (causal) {
    Value sq = getValueOrCreateConstantIndexOp(b, loc, queries);
    Value skv = getValueOrCreateConstantIndexOp(b, loc, keys);
    causalOffset = arith::SubIOp::create(b, loc, skv, sq);
  }
  SmallVector<Value> inputs = {scores};
  AffineMap id4 = b.getMultiDimIdentityMap(4);
  SmallVector<AffineMap> maps = {id4};
  if (mask) {
    inputs.push_back(mask);
    maps.push_back(maskMap(b, cast<RankedTensorType>(mask.getType())));
  }
  double inf = std::numeric_limits<double>::infinity();
  Value maskedInit = createEmpty(b, loc, {batch, heads, queries, keys}, elt);
  Value masked = createGeneric(
      b, loc, inputs, maps, maskedInit, id4, {par, par, par, par},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value s = arith::MulFOp::create(nb, nloc, args[0], scale);
        Value minusInf = createFloat(nb, nloc, elt, -inf);
        if (mask) {
          // Selected, not added: a hidden key's score is -inf even where
          // its key holds NaN or inf.
          Value m = args[1];
          Value visible = m;
          if (!m.getType().isInteger(1)) {
            visible = arith::CmpFOp::create(
                nb, nloc, arith::CmpFPredicate::UNE, m, minusInf);
            s = arith::AddFOp::create(nb, nloc, s, m);
          }
          s = arith::SelectOp::create(nb, nloc, visible, s, minusInf);
        }
        if (causalOffset) {
          // Query i sees key j when j <= i + Skv - Sq.
          Value i = linalg::IndexOp::create(nb, nloc, 2);
          Value j = linalg::IndexOp::create(nb, nloc, 3);
          Value last = arith::AddIOp::create(nb, nloc, i, causalOffset);
          Value visible = arith::CmpIOp::create(
              nb, nloc, arith::CmpIPredicate::sle, j, last);
          s = arith::SelectOp::create(nb, nloc, visible, s, minusInf);
        }
        return s;
      });

  return createSoftmax(b, loc, masked, /*axis=*/3, /*zeroFullyMasked=*/true);
}

struct LowerAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value q = op.getQuery(), v = op.getValue();
    Type elt = cast<RankedTensorType>(q.getType()).getElementType();
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    auto dims = [&](ArrayRef<unsigned> ds, unsigned n) {
      return dimsMap(ctx, ds, n);
    };
    int64_t group = op.getGroupSize();
    Value probs =
        createProbabilities(b, loc, q, op.getKey(), op.getMask(),
                            op.getScaleAttr(), op.getCausal(), group);

    // out[b,h,i,e] = sum_j p[b,h,i,j] * v[b,h/G,j,e]   (loops b,h,i,j,e: the
    // innermost loop runs along rows of V and of the output, contiguous)
    Value zeroOut = createFilled(b, loc,
                                 {tensor::getMixedSize(b, loc, q, 0),
                                  tensor::getMixedSize(b, loc, q, 1),
                                  tensor::getMixedSize(b, loc, q, 2),
                                  tensor::getMixedSize(b, loc, v, 3)},
                                 b.getFloatAttr(elt, 0.0));
    Value out = createGeneric(
        b, loc, {probs, v},
        {dims({0, 1, 2, 3}, 5), keyValueMap(ctx, {0, 1, 3, 4}, 5, group)},
        zeroOut, dims({0, 1, 2, 4}, 5), {par, par, par, red, par},
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          // A hidden key (p = 0) adds nothing, whatever its value holds
          // (0 * NaN or 0 * inf would be NaN).
          Value prod = arith::MulFOp::create(nb, nloc, args[0], args[1]);
          Value sum = arith::AddFOp::create(nb, nloc, args[2], prod);
          Value hidden =
              arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OEQ,
                                    args[0], createFloat(nb, nloc, elt, 0.0));
          return arith::SelectOp::create(nb, nloc, hidden, args[2], sum);
        });
    b.replaceOp(op, castIfNeeded(b, loc, out, op.getType()));
    return success();
  }
};

struct LowerAttentionWeights : OpRewritePattern<AttentionWeightsOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionWeightsOp op,
                                PatternRewriter &b) const override {
    Value probs = createProbabilities(b, op.getLoc(), op.getQuery(),
                                      op.getKey(), op.getMask(),
                                      op.getScaleAttr(), op.getCausal(),
                                      op.getGroupSize());
    b.replaceOp(op, castIfNeeded(b, op.getLoc(), probs, op.getType()));
    return success();
  }
};
} // namespace

void mlir::tfm::populateLowerAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerAttention, LowerAttentionWeights>(patterns.getContext());
}
