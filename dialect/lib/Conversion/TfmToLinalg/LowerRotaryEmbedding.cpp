//===- LowerRotaryEmbedding.cpp - rotary embeddings to linalg ---*- C++ -*-===//
//
// tfm.rotary_embedding becomes
//   - two small generics, the cos and sin tables [B, S, R/2] of the angles
//     position * inv_freq (float32, the frequencies a constant): they do not
//     depend on the head, so they are computed once per position and pair,
//     not once per element, and identical tables (queries and keys of a
//     layer) are one after CSE;
//   - one generic over the pairs [B, H, S, R/2], which reads both features
//     of a pair straight from the input (no rotate_half copy) and writes both
//     results into their slices of the output (strided for `interleaved`),
//     so each element is read and written once;
//   - for partial rotary, the features that pass through inserted into the
//     same output.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// `value` (float32) rounded or extended to `type`.
Value convertFromF32(OpBuilder &b, Location loc, Value value, Type type) {
  if (type.isF32())
    return value;
  if (type.getIntOrFloatBitWidth() < 32)
    return arith::TruncFOp::create(b, loc, type, value);
  return arith::ExtFOp::create(b, loc, type, value);
}

struct LowerRotaryEmbedding : OpRewritePattern<RotaryEmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RotaryEmbeddingOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elt = type.getElementType();
    int64_t headSize = type.getDimSize(3);
    int64_t rotaryDim = op.getRotaryDim();
    int64_t pairs = rotaryDim / 2;
    bool half = op.getLayout() == RotaryLayout::half;

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
    Value cos = createTable(b, loc, op, sizes, pairs, elt, /*sine=*/false);
    Value sin = createTable(b, loc, op, sizes, pairs, elt, /*sine=*/true);

    // The output, with the features that pass through already in place.
    Value output = createEmpty(b, loc, sizes, elt);
    SmallVector<OpFoldResult> zeros(4, b.getIndexAttr(0));
    SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
    if (rotaryDim < headSize) {
      SmallVector<OpFoldResult> passOffsets(zeros), passSizes(sizes);
      passOffsets[3] = b.getIndexAttr(rotaryDim);
      passSizes[3] = b.getIndexAttr(headSize - rotaryDim);
      Value passing = tensor::ExtractSliceOp::create(b, loc, x, passOffsets,
                                                     passSizes, ones);
      output = tensor::InsertSliceOp::create(b, loc, passing, output,
                                             passOffsets, passSizes, ones);
    }

    // Pair i is features (i, i + R/2) for `half` and (2i, 2i + 1) for
    // `interleaved`. One iteration (b, h, s, i) reads both features of a
    // pair and writes both results into their slices of the output.
    SmallVector<OpFoldResult> pairSizes(sizes);
    pairSizes[3] = b.getIndexAttr(pairs);
    SmallVector<OpFoldResult> firstOffsets(zeros), secondOffsets(zeros),
        pairStrides(ones);
    secondOffsets[3] = b.getIndexAttr(half ? pairs : 1);
    if (!half)
      pairStrides[3] = b.getIndexAttr(2);
    Value firstDest = tensor::ExtractSliceOp::create(
        b, loc, output, firstOffsets, pairSizes, pairStrides);
    Value secondDest = tensor::ExtractSliceOp::create(
        b, loc, output, secondOffsets, pairSizes, pairStrides);

    AffineExpr bd = getAffineDimExpr(0, ctx), hd = getAffineDimExpr(1, ctx),
               sd = getAffineDimExpr(2, ctx), id = getAffineDimExpr(3, ctx);
    AffineExpr first = half ? id : id * 2;
    AffineExpr second = half ? id + pairs : id * 2 + 1;
    auto map = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(4, 0, exprs, ctx);
    };
    AffineMap identity = b.getMultiDimIdentityMap(4);
    // The tables come first: linalg takes each loop's range from the first
    // operand that indexes it by the loop alone, and the input's head size
    // is not the number of pairs.
    SmallVector<AffineMap> maps = {map({bd, sd, id}), map({bd, sd, id}),
                                   map({bd, hd, sd, first}),
                                   map({bd, hd, sd, second}),
                                   identity, identity};
    SmallVector<utils::IteratorType> parallel(4, utils::IteratorType::parallel);
    auto rotation = linalg::GenericOp::create(
        b, loc, TypeRange{firstDest.getType(), secondDest.getType()},
        ValueRange{cos, sin, x, x}, ValueRange{firstDest, secondDest}, maps,
        parallel, [&](OpBuilder &nb, Location nloc, ValueRange args) {
          // x * cos + rotate(x) * sin with rotate(x1, x2) = (-x2, x1); the
          // products are rounded one by one, as PyTorch's are.
          Value c = args[0], s = args[1], x1 = args[2], x2 = args[3];
          Value x1c = arith::MulFOp::create(nb, nloc, x1, c);
          Value x2s = arith::MulFOp::create(nb, nloc, x2, s);
          Value x2c = arith::MulFOp::create(nb, nloc, x2, c);
          Value x1s = arith::MulFOp::create(nb, nloc, x1, s);
          Value out1 = arith::SubFOp::create(nb, nloc, x1c, x2s);
          Value out2 = arith::AddFOp::create(nb, nloc, x2c, x1s);
          linalg::YieldOp::create(nb, nloc, ValueRange{out1, out2});
        });
    output = tensor::InsertSliceOp::create(b, loc, rotation.getResult(0),
                                           output, firstOffsets, pairSizes,
                                           pairStrides);
    Value result = tensor::InsertSliceOp::create(
        b, loc, rotation.getResult(1), output, secondOffsets, pairSizes,
        pairStrides);
    b.replaceOp(op, result);
    return success();
  }

private:
  /// cos or sin of position * inv_freq[i] at [b, s, i], computed in float32
  /// (the angle a float32 product, as Hugging Face's) and rounded to `elt`.
  static Value createTable(OpBuilder &b, Location loc, RotaryEmbeddingOp op,
                           ArrayRef<OpFoldResult> inputSizes, int64_t pairs,
                           Type elt, bool sine) {
    MLIRContext *ctx = b.getContext();
    Type f32 = b.getF32Type();
    SmallVector<float> invFreq = op.getInverseFrequencies();
    auto freqType = RankedTensorType::get({pairs}, f32);
    Value frequencies = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(freqType, ArrayRef<float>(invFreq)));

    SmallVector<Value> inputs = {frequencies};
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, getAffineDimExpr(2, ctx), ctx)};
    Value offset = op.getOffset();
    if (offset) {
      inputs.push_back(offset);
      maps.push_back(AffineMap::get(3, 0, getAffineDimExpr(0, ctx), ctx));
    }
    SmallVector<OpFoldResult> sizes = {inputSizes[0], inputSizes[2],
                                       b.getIndexAttr(pairs)};
    Value init = createEmpty(b, loc, sizes, elt);
    SmallVector<utils::IteratorType> parallel(3, utils::IteratorType::parallel);
    return createGeneric(
        b, loc, inputs, maps, init, b.getMultiDimIdentityMap(3), parallel,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value position = linalg::IndexOp::create(nb, nloc, 1);
          if (offset)
            position = arith::AddIOp::create(nb, nloc, position,
                                             castToIndex(nb, nloc, args[1]));
          Value wide = arith::IndexCastOp::create(nb, nloc, nb.getI64Type(),
                                                  position);
          Value positionF32 = arith::SIToFPOp::create(nb, nloc, f32, wide);
          Value angle = arith::MulFOp::create(nb, nloc, args[0], positionF32);
          Value value =
              sine ? Value(math::SinOp::create(nb, nloc, angle))
                   : Value(math::CosOp::create(nb, nloc, angle));
          return convertFromF32(nb, nloc, value, elt);
        });
  }
};
} // namespace

void mlir::tfm::populateLowerRotaryEmbeddingPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerRotaryEmbedding>(patterns.getContext());
}
