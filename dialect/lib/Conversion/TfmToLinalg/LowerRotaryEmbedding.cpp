//===- LowerRotaryEmbedding.cpp - rotary embeddings to linalg ---*- C++ -*-===//
//
// tfm.rotary_embedding becomes
//   - two small generics, the cos and sin tables [B, S, R/2] of the angles
//     position * inv_freq (float32, the frequencies a constant): they do not
//     depend on the head, so they are computed once per position and pair,
//     not once per element, and identical tables (queries and keys of a
//     layer) are one after CSE;
//   - one generic over the rotated features, viewed as [B, H, S, 2, R/2]
//     (`half`) or [B, H, S, R/2, 2] (`interleaved`) so that each element
//     finds its partner by an affine index into the input's slices of first
//     and second features: no rotate_half copy, each output element
//     written once;
//   - for partial rotary, the features that pass through inserted into the
//     same output. (The rotated slice is then copied once more: the
//     generic's unread init becomes a tensor.empty in canonicalization and
//     eliminate-empty-tensors does not follow it through the collapse_shape.)
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
    // `interleaved`: the input's two slices of first and second features.
    SmallVector<OpFoldResult> pairSizes(sizes);
    pairSizes[3] = b.getIndexAttr(pairs);
    SmallVector<OpFoldResult> secondOffsets(zeros), pairStrides(ones);
    secondOffsets[3] = b.getIndexAttr(half ? pairs : 1);
    if (!half)
      pairStrides[3] = b.getIndexAttr(2);
    Value firstIn = tensor::ExtractSliceOp::create(b, loc, x, zeros, pairSizes,
                                                   pairStrides);
    Value secondIn = tensor::ExtractSliceOp::create(b, loc, x, secondOffsets,
                                                    pairSizes, pairStrides);

    // The rotated features [0, R) of the output as [B, H, S, 2, R/2] for
    // `half` and [B, H, S, R/2, 2] for `interleaved` (a view, written in
    // place): loops (b, h, s, j, i) or (b, h, s, i, j), where j picks the
    // first or the second feature of pair i.
    SmallVector<OpFoldResult> rotarySizes(sizes);
    rotarySizes[3] = b.getIndexAttr(rotaryDim);
    Value rotaryDest = rotaryDim < headSize
                           ? Value(tensor::ExtractSliceOp::create(
                                 b, loc, output, zeros, rotarySizes, ones))
                           : output;
    SmallVector<int64_t> pairShape = llvm::to_vector(type.getShape());
    pairShape.pop_back();
    if (half)
      pairShape.append({2, pairs});
    else
      pairShape.append({pairs, 2});
    SmallVector<ReassociationIndices> groups = {{0}, {1}, {2}, {3, 4}};
    Value pairDest = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(pairShape, elt), rotaryDest, groups);

    unsigned jDim = half ? 3 : 4, iDim = half ? 4 : 3;
    AffineExpr bd = getAffineDimExpr(0, ctx), hd = getAffineDimExpr(1, ctx),
               sd = getAffineDimExpr(2, ctx), id = getAffineDimExpr(iDim, ctx);
    AffineMap table = AffineMap::get(5, 0, {bd, sd, id}, ctx);
    AffineMap feature = AffineMap::get(5, 0, {bd, hd, sd, id}, ctx);
    SmallVector<AffineMap> maps = {table, table, feature, feature};
    SmallVector<utils::IteratorType> parallel(5, utils::IteratorType::parallel);
    Value rotated = createGeneric(
        b, loc, ValueRange{cos, sin, firstIn, secondIn}, maps, pairDest,
        b.getMultiDimIdentityMap(5), parallel,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          // x * cos + rotate(x) * sin with rotate(x1, x2) = (-x2, x1): the
          // first feature is x1 c - x2 s, the second x2 c + x1 s. Products
          // are rounded one by one, as PyTorch's are.
          Value c = args[0], s = args[1], x1 = args[2], x2 = args[3];
          Value j = linalg::IndexOp::create(nb, nloc, jDim);
          Value isFirst = arith::CmpIOp::create(
              nb, nloc, arith::CmpIPredicate::eq, j,
              arith::ConstantIndexOp::create(nb, nloc, 0));
          Value own = arith::SelectOp::create(nb, nloc, isFirst, x1, x2);
          Value other = arith::SelectOp::create(nb, nloc, isFirst, x2, x1);
          Value ownCos = arith::MulFOp::create(nb, nloc, own, c);
          Value otherSin = arith::MulFOp::create(nb, nloc, other, s);
          Value minus = arith::SubFOp::create(nb, nloc, ownCos, otherSin);
          Value plus = arith::AddFOp::create(nb, nloc, ownCos, otherSin);
          return arith::SelectOp::create(nb, nloc, isFirst, minus, plus);
        });
    Value rotary = tensor::CollapseShapeOp::create(b, loc, rotaryDest.getType(),
                                                   rotated, groups);
    Value result = rotaryDim < headSize
                       ? Value(tensor::InsertSliceOp::create(
                             b, loc, rotary, output, zeros, rotarySizes, ones))
                       : rotary;
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
          Value wide =
              arith::IndexCastOp::create(nb, nloc, nb.getI64Type(), position);
          Value positionF32 = arith::SIToFPOp::create(nb, nloc, f32, wide);
          Value angle = arith::MulFOp::create(nb, nloc, args[0], positionF32);
          Value value = sine ? Value(math::SinOp::create(nb, nloc, angle))
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
