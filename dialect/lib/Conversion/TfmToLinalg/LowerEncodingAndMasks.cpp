//===- LowerEncodingAndMasks.cpp - positions and masks to linalg -*- C++ -*-=//

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

/// x[b, s, e] + PE(s + offset[b], e). Sinusoids are computed in f64 and
/// rounded once, so the encoding is accurate at every position.
struct LowerPositionalEncoding : OpRewritePattern<PositionalEncodingOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PositionalEncodingOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elt = type.getElementType();
    Type f64 = b.getF64Type();
    bool sinusoidal = op.getKind() == PositionalEncodingKind::sinusoidal;

    SmallVector<Value> inputs = {x};
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(3)};
    Value offset = op.getOffset();
    if (offset) {
      inputs.push_back(offset);
      maps.push_back(AffineMap::get(3, 0, b.getAffineDimExpr(0), ctx));
    }

    Value table = op.getTable(), lastRow;
    if (table) {
      Value rows = tensor::DimOp::create(b, loc, table, 0);
      lastRow = arith::SubIOp::create(
          b, loc, rows, arith::ConstantIndexOp::create(b, loc, 1));
    }
    int64_t embed = type.getDimSize(2);

    Value init = createEmpty(b, loc, tensor::getMixedSizes(b, loc, x), elt);
    SmallVector<utils::IteratorType> parallel(3, utils::IteratorType::parallel);
    Value result = createGeneric(
        b, loc, inputs, maps, init, b.getMultiDimIdentityMap(3), parallel,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value pos = linalg::IndexOp::create(nb, nloc, 1);
          if (offset)
            pos = arith::AddIOp::create(nb, nloc, pos,
                                        castToIndex(nb, nloc, args[1]));
          Value e = linalg::IndexOp::create(nb, nloc, 2);
          Value encoding;
          if (sinusoidal) {
            // PE(p, 2i) = sin(p / 10000^(2i/E)), PE(p, 2i+1) = cos(...).
            Value two = arith::ConstantIndexOp::create(nb, nloc, 2);
            Value parity = arith::RemUIOp::create(nb, nloc, e, two);
            Value evenIndex = arith::SubIOp::create(nb, nloc, e, parity);
            auto toF64 = [&](Value index) -> Value {
              Value i64 =
                  arith::IndexCastOp::create(nb, nloc, nb.getI64Type(), index);
              return arith::SIToFPOp::create(nb, nloc, f64, i64);
            };
            Value exponent = arith::MulFOp::create(
                nb, nloc, toF64(evenIndex),
                createFloat(nb, nloc, f64, -std::log(10000.0) / embed));
            Value angle = arith::MulFOp::create(
                nb, nloc, toF64(pos), math::ExpOp::create(nb, nloc, exponent));
            Value isOdd = arith::CmpIOp::create(
                nb, nloc, arith::CmpIPredicate::ne, parity,
                arith::ConstantIndexOp::create(nb, nloc, 0));
            Value sin = math::SinOp::create(nb, nloc, angle);
            Value cos = math::CosOp::create(nb, nloc, angle);
            Value value = arith::SelectOp::create(nb, nloc, isOdd, cos, sin);
            encoding =
                elt == f64
                    ? value
                    : Value(arith::TruncFOp::create(nb, nloc, elt, value));
          } else {
            Value zero = arith::ConstantIndexOp::create(nb, nloc, 0);
            Value row = arith::MaxSIOp::create(nb, nloc, pos, zero);
            row = arith::MinSIOp::create(nb, nloc, row, lastRow);
            encoding =
                tensor::ExtractOp::create(nb, nloc, table, ValueRange{row, e});
          }
          return arith::AddFOp::create(nb, nloc, args[0], encoding);
        });
    b.replaceOp(op, result);
    return success();
  }
};

/// mask[i, j] = j <= i + Skv - Sq, as i1 or as an additive 0 / -inf.
struct LowerCausalMask : OpRewritePattern<CausalMaskOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CausalMaskOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elt = type.getElementType();
    SmallVector<OpFoldResult> sizes;
    auto dynamicSizes = op.getDynamicSizes();
    for (int64_t d = 0, next = 0; d < 2; ++d)
      sizes.push_back(type.isDynamicDim(d)
                          ? OpFoldResult(dynamicSizes[next++])
                          : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
    Value sq = getValueOrCreateConstantIndexOp(b, loc, sizes[0]);
    Value skv = getValueOrCreateConstantIndexOp(b, loc, sizes[1]);
    Value offset = arith::SubIOp::create(b, loc, skv, sq);
    Value init = createEmpty(b, loc, sizes, elt);
    SmallVector<utils::IteratorType> parallel(2, utils::IteratorType::parallel);
    Value result = createGeneric(
        b, loc, {}, {}, init, b.getMultiDimIdentityMap(2), parallel,
        [&](OpBuilder &nb, Location nloc, ValueRange) -> Value {
          Value i = linalg::IndexOp::create(nb, nloc, 0);
          Value j = linalg::IndexOp::create(nb, nloc, 1);
          Value last = arith::AddIOp::create(nb, nloc, i, offset);
          Value visible = arith::CmpIOp::create(
              nb, nloc, arith::CmpIPredicate::sle, j, last);
          if (elt.isInteger(1))
            return visible;
          return arith::SelectOp::create(
              nb, nloc, visible, createFloat(nb, nloc, elt, 0.0),
              createFloat(nb, nloc, elt,
                          -std::numeric_limits<double>::infinity()));
        });
    b.replaceOp(op, result);
    return success();
  }
};

/// ids form: ids[b, s] != pad. Lengths form: s < lengths[b].
struct LowerPaddingMask : OpRewritePattern<PaddingMaskOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PaddingMaskOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value input = op.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<utils::IteratorType> parallel(2, utils::IteratorType::parallel);
    AffineMap id = b.getMultiDimIdentityMap(2);

    if (std::optional<int64_t> pad = op.getPadId()) {
      Type idType = cast<RankedTensorType>(input.getType()).getElementType();
      Value padValue = arith::ConstantOp::create(
          b, loc, idType, b.getIntegerAttr(idType, *pad));
      Value init = createEmpty(b, loc, tensor::getMixedSizes(b, loc, input),
                               b.getI1Type());
      Value result = createGeneric(
          b, loc, input, {id}, init, id, parallel,
          [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
            return arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::ne,
                                         args[0], padValue);
          });
      b.replaceOp(op, castIfNeeded(b, loc, result, type));
      return success();
    }

    OpFoldResult length =
        type.isDynamicDim(1) ? OpFoldResult(op.getSeqLen())
                             : OpFoldResult(b.getIndexAttr(type.getDimSize(1)));
    Value init =
        createEmpty(b, loc, {tensor::getMixedSize(b, loc, input, 0), length},
                    b.getI1Type());
    Value result = createGeneric(
        b, loc, input, {AffineMap::get(2, 0, b.getAffineDimExpr(0), ctx)}, init,
        id, parallel,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value s = linalg::IndexOp::create(nb, nloc, 1);
          return arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::slt, s,
                                       castToIndex(nb, nloc, args[0]));
        });
    b.replaceOp(op, castIfNeeded(b, loc, result, type));
    return success();
  }
};
} // namespace

void mlir::tfm::populateLowerEncodingAndMaskPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerPositionalEncoding, LowerCausalMask, LowerPaddingMask>(
      patterns.getContext());
}
