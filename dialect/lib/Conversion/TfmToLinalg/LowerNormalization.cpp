//===- LowerNormalization.cpp - softmax and the norms to linalg --*- C++ -*-=//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

struct LowerSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &b) const override {
    int64_t rank = cast<RankedTensorType>(op.getType()).getRank();
    // I64Attr accessors return uint64_t: read the axis as signed.
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    // Plain softmax semantics: a row of -inf gives NaN, as in PyTorch.
    b.replaceOp(op, createSoftmax(b, op.getLoc(), op.getInput(), axis,
                                  /*zeroFullyMasked=*/false));
    return success();
  }
};

/// (x - mean) * rsqrt(var + eps) * weight + bias over the last dimension,
/// with the biased variance computed in a second pass for accuracy.
struct LowerLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elt = type.getElementType();
    unsigned rank = type.getRank(), last = rank - 1;

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
    SmallVector<OpFoldResult> rowSizes(sizes.begin(), sizes.end() - 1);
    AffineMap id = b.getMultiDimIdentityMap(rank);
    AffineMap row = dropDimMap(ctx, rank, last);
    AffineMap feature = AffineMap::get(rank, 0, b.getAffineDimExpr(last), ctx);
    SmallVector<utils::IteratorType> reduction(rank,
                                               utils::IteratorType::parallel);
    reduction[last] = utils::IteratorType::reduction;
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);

    Value n = getValueOrCreateConstantIndexOp(b, loc, sizes[last]);
    Value nFloat = arith::UIToFPOp::create(
        b, loc, elt, arith::IndexCastOp::create(b, loc, b.getI64Type(), n));

    auto sumOver = [&](Value input, Value center) {
      Value zero = createFilled(b, loc, rowSizes, b.getFloatAttr(elt, 0.0));
      SmallVector<Value> inputs = {input};
      SmallVector<AffineMap> maps = {id};
      if (center) {
        inputs.push_back(center);
        maps.push_back(row);
      }
      return createGeneric(
          b, loc, inputs, maps, zero, row, reduction,
          [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
            Value term = args[0];
            if (center) {
              Value d = arith::SubFOp::create(nb, nloc, args[0], args[1]);
              term = arith::MulFOp::create(nb, nloc, d, d);
            }
            return arith::AddFOp::create(nb, nloc, args.back(), term);
          });
    };
    auto divideByN = [&](Value sums) {
      return createElementwise(
          b, loc, sums, elt,
          [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
            return arith::DivFOp::create(nb, nloc, args[0], nFloat);
          });
    };
    Value mean = divideByN(sumOver(x, Value()));
    Value variance = divideByN(sumOver(x, mean));

    Value eps = createFloat(b, loc, elt, op.getEpsilon().convertToDouble());
    SmallVector<Value> inputs = {x, mean, variance};
    SmallVector<AffineMap> maps = {id, row, row};
    Value weight = op.getWeight(), bias = op.getBias();
    if (weight) {
      inputs.push_back(weight);
      maps.push_back(feature);
    }
    if (bias) {
      inputs.push_back(bias);
      maps.push_back(feature);
    }
    Value init = createEmpty(b, loc, sizes, elt);
    Value result = createGeneric(
        b, loc, inputs, maps, init, id, parallel,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value centered = arith::SubFOp::create(nb, nloc, args[0], args[1]);
          Value varEps = arith::AddFOp::create(nb, nloc, args[2], eps);
          Value rstd = math::RsqrtOp::create(nb, nloc, varEps);
          Value y = arith::MulFOp::create(nb, nloc, centered, rstd);
          unsigned next = 3;
          if (weight)
            y = arith::MulFOp::create(nb, nloc, y, args[next++]);
          if (bias)
            y = arith::AddFOp::create(nb, nloc, y, args[next++]);
          return y;
        });
    b.replaceOp(op, result);
    return success();
  }
};

/// Hugging Face's LlamaRMSNorm: in f32, x * rsqrt(mean(x²) + eps), back to
/// the input's element type, times the weight. One reduction (the sum of
/// squares per row), the per-row scale rsqrt(sum / E + eps) (a pass over
/// rows only), and one elementwise pass, as layer_norm's: the codegen
/// treats both alike (rows for threads, reductions relaxed so that LLVM
/// vectorizes them).
struct LowerRmsNorm : OpRewritePattern<RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RmsNormOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elt = type.getElementType(), f32 = b.getF32Type();
    unsigned rank = type.getRank(), last = rank - 1;

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
    SmallVector<OpFoldResult> rowSizes(sizes.begin(), sizes.end() - 1);
    AffineMap id = b.getMultiDimIdentityMap(rank);
    AffineMap row = dropDimMap(ctx, rank, last);
    AffineMap feature = AffineMap::get(rank, 0, b.getAffineDimExpr(last), ctx);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[last] = utils::IteratorType::reduction;

    Value zero = createFilled(b, loc, rowSizes, b.getF32FloatAttr(0.0));
    Value sumOfSquares = createGeneric(
        b, loc, x, {id}, zero, row, iterators,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value h = convertFloat(nb, nloc, args[0], f32);
          Value square = arith::MulFOp::create(nb, nloc, h, h);
          return arith::AddFOp::create(nb, nloc, args[1], square);
        });

    Value n = getValueOrCreateConstantIndexOp(b, loc, sizes[last]);
    Value nFloat = arith::UIToFPOp::create(
        b, loc, f32, arith::IndexCastOp::create(b, loc, b.getI64Type(), n));
    Value eps = createFloat(b, loc, f32, op.getEpsilon().convertToDouble());
    Value scale = createElementwise(
        b, loc, sumOfSquares, f32,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value mean = arith::DivFOp::create(nb, nloc, args[0], nFloat);
          Value meanEps = arith::AddFOp::create(nb, nloc, mean, eps);
          return math::RsqrtOp::create(nb, nloc, meanEps);
        });

    iterators[last] = utils::IteratorType::parallel;
    Value result = createGeneric(
        b, loc, {x, scale, op.getWeight()}, {id, row, feature},
        createEmpty(b, loc, sizes, elt), id, iterators,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value h = convertFloat(nb, nloc, args[0], f32);
          Value normalized = convertFloat(
              nb, nloc, arith::MulFOp::create(nb, nloc, h, args[1]), elt);
          return arith::MulFOp::create(nb, nloc, args[2], normalized);
        });
    b.replaceOp(op, result);
    return success();
  }
};
} // namespace

void mlir::tfm::populateLowerNormalizationPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerSoftmax, LowerLayerNorm, LowerRmsNorm>(patterns.getContext());
}
