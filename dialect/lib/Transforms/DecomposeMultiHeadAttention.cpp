//===- DecomposeMultiHeadAttention.cpp - MHA into its parts -----*- C++ -*-===//
//
// tfm.multi_head_attention becomes: the q, k and v projections, a head split
// ([B,S,E] -> [B,S,H,D] -> [B,H,S,D]), one tfm.attention with the masks
// combined, a head merge and the output tfm.linear. Keeping tfm.attention
// intact lets its own lowerings (plain or fused) apply afterwards.
//
// Self-attention with a packed in-projection (query, key and value the same
// tensor, one [3E, E] weight) projects once, with the whole weight, and
// slices the [B, S, 3E] result: one matmul instead of three (one parallel
// loop, wider tiles), and the weight is never sliced, so its packed layout
// is read as it is whatever E is (rows E and 2E need not fall on a panel
// boundary). Each output element is the same dot product as before.
//
// With kv_heads (grouped-query attention) the key and value projections
// have Hkv*D rows each and split into Hkv heads; tfm.attention reads them
// grouped, never repeated.
//
//===----------------------------------------------------------------------===//

#include "tfm/IR/TfmOps.h"
#include "tfm/Transforms/AttentionBuilders.h"
#include "tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMDECOMPOSEMULTIHEADATTENTION
#include "tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// Rows [offset, offset + rows) of a packed weight [(H + 2*Hkv)*D, ...] or
/// bias [(H + 2*Hkv)*D] ([3E, ...] and [3E] without grouped heads).
Value sliceRows(OpBuilder &b, Location loc, Value packed, int64_t offset,
                int64_t rows) {
  auto type = cast<RankedTensorType>(packed.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  offsets[0] = b.getIndexAttr(offset);
  sizes.push_back(b.getIndexAttr(rows));
  for (int64_t d = 1; d < type.getRank(); ++d)
    sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
  return tensor::ExtractSliceOp::create(b, loc, packed, offsets, sizes,
                                        strides);
}

/// A permutation of `input`'s dimensions into a fresh tensor.
Value transpose(OpBuilder &b, Location loc, Value input,
                ArrayRef<int64_t> perm) {
  SmallVector<OpFoldResult> inSizes = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> outSizes;
  for (int64_t p : perm)
    outSizes.push_back(inSizes[p]);
  Type elt = cast<RankedTensorType>(input.getType()).getElementType();
  Value init = tensor::EmptyOp::create(b, loc, outSizes, elt);
  return linalg::TransposeOp::create(b, loc, input, init, perm).getResult()[0];
}

/// [B, S, E] -> [B, H, S, D].
Value splitHeads(OpBuilder &b, Location loc, Value x, int64_t heads) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t headSize = type.getDimSize(2) / heads;
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  SmallVector<OpFoldResult> outShape = {
      sizes[0], sizes[1], b.getIndexAttr(heads), b.getIndexAttr(headSize)};
  auto expandedType = RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1), heads, headSize},
      type.getElementType());
  Value expanded = tensor::ExpandShapeOp::create(
      b, loc, expandedType, x, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}},
      outShape);
  return transpose(b, loc, expanded, {0, 2, 1, 3});
}

/// [B, H, S, D] -> [B, S, H*D].
Value mergeHeads(OpBuilder &b, Location loc, Value x) {
  Value transposed = transpose(b, loc, x, {0, 2, 1, 3});
  return tensor::CollapseShapeOp::create(
      b, loc, transposed, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// Inserts unit dimensions so that `mask` is rank 4 and lines up with
/// [B, H, Sq, Skv]:
///   key padding [B, Skv]        -> [B, 1, 1, Skv]
///   attention   [Sq, Skv]       -> [1, 1, Sq, Skv]
///   attention   [B*H, Sq, Skv]  -> [B, H, Sq, Skv]
Value maskToRank4(OpBuilder &b, Location loc, Value mask, bool isKeyPadding,
                  OpFoldResult batch, int64_t heads) {
  auto type = cast<RankedTensorType>(mask.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, mask);
  OpFoldResult one = b.getIndexAttr(1);
  SmallVector<OpFoldResult> shape;
  SmallVector<ReassociationIndices> reassociation;
  if (isKeyPadding) {
    shape = {sizes[0], one, one, sizes[1]};
    reassociation = {{0, 1, 2}, {3}};
  } else if (type.getRank() == 2) {
    shape = {one, one, sizes[0], sizes[1]};
    reassociation = {{0, 1, 2}, {3}};
  } else {
    // [B*H, ...] -> [B, H, ...]: B follows the mask's own first dimension,
    // which the verifier matched with the query's batch when both are static.
    OpFoldResult maskBatch =
        type.isDynamicDim(0)
            ? batch
            : OpFoldResult(b.getIndexAttr(type.getDimSize(0) / heads));
    if (type.isDynamicDim(0) && getConstantIntValue(batch))
      maskBatch = getValueOrCreateConstantIndexOp(b, loc, batch);
    shape = {maskBatch, b.getIndexAttr(heads), sizes[1], sizes[2]};
    reassociation = {{0, 1}, {2}, {3}};
  }
  // A dimension is static exactly when its size is an attribute, which is
  // what expand_shape requires of a group with a dynamic source dimension.
  SmallVector<int64_t> staticShape;
  for (OpFoldResult s : shape)
    staticShape.push_back(isa<Attribute>(s) ? *getConstantIntValue(s)
                                            : ShapedType::kDynamic);
  auto resultType = RankedTensorType::get(staticShape, type.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, resultType, mask, reassociation,
                                       shape);
}

/// Combines two rank-4 masks into one that broadcasts like both: logical and
/// when both are i1, a sum of additive masks otherwise.
Value combineMasks(OpBuilder &b, Location loc, Value lhs, Value rhs,
                   Type floatType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  bool bothKeep = lhsType.getElementType().isInteger(1) &&
                  rhsType.getElementType().isInteger(1);
  Type resultElt = bothKeep ? b.getI1Type() : floatType;

  // Result dimension d comes from whichever mask is not a unit there.
  SmallVector<OpFoldResult> lhsSizes = tensor::getMixedSizes(b, loc, lhs);
  SmallVector<OpFoldResult> rhsSizes = tensor::getMixedSizes(b, loc, rhs);
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> lhsExprs, rhsExprs;
  for (int64_t d = 0; d < 4; ++d) {
    bool lhsUnit = lhsType.getDimSize(d) == 1;
    bool rhsUnit = rhsType.getDimSize(d) == 1;
    sizes.push_back(lhsUnit ? rhsSizes[d] : lhsSizes[d]);
    lhsExprs.push_back(lhsUnit ? b.getAffineConstantExpr(0)
                               : b.getAffineDimExpr(d));
    rhsExprs.push_back(rhsUnit ? b.getAffineConstantExpr(0)
                               : b.getAffineDimExpr(d));
  }
  Value init = tensor::EmptyOp::create(b, loc, sizes, resultElt);
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, lhsExprs, ctx),
                                 AffineMap::get(4, 0, rhsExprs, ctx),
                                 b.getMultiDimIdentityMap(4)};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{lhs, rhs}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        if (bothKeep) {
          linalg::YieldOp::create(
              nb, nloc,
              arith::AndIOp::create(nb, nloc, args[0], args[1]).getResult());
          return;
        }
        auto additive = [&](Value v) -> Value {
          if (!v.getType().isInteger(1))
            return v;
          Value zero = arith::ConstantOp::create(
              nb, nloc, nb.getFloatAttr(floatType, 0.0));
          Value minusInf = arith::ConstantOp::create(
              nb, nloc,
              nb.getFloatAttr(floatType,
                              -std::numeric_limits<double>::infinity()));
          return arith::SelectOp::create(nb, nloc, v, zero, minusInf);
        };
        linalg::YieldOp::create(nb, nloc,
                                arith::AddFOp::create(nb, nloc,
                                                      additive(args[0]),
                                                      additive(args[1]))
                                    .getResult());
      });
  return generic.getResult(0);
}

/// Where the rows of projection `index` (0 = q, 1 = k, 2 = v) start in a
/// packed in-projection, and how many there are, for `embed` = H*D query
/// features and `kvEmbed` = Hkv*D key/value features.
std::pair<int64_t, int64_t> packedRows(int64_t index, int64_t embed,
                                       int64_t kvEmbed) {
  if (index == 0)
    return {0, embed};
  return {embed + (index - 1) * kvEmbed, kvEmbed};
}

} // namespace

Value mlir::tfm::projectHeads(OpBuilder &b, Location loc, Value input,
                              Value packedWeight, Value packedBias,
                              int64_t index, int64_t heads, int64_t kvHeads) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t embed = cast<RankedTensorType>(packedWeight.getType()).getDimSize(1);
  if (kvHeads == 0)
    kvHeads = heads;
  auto [offset, rows] =
      packedRows(index, embed, kvHeads * (embed / heads));
  Value weight = sliceRows(b, loc, packedWeight, offset, rows);
  Value bias =
      packedBias ? sliceRows(b, loc, packedBias, offset, rows) : Value();
  auto outType =
      RankedTensorType::get({inType.getDimSize(0), inType.getDimSize(1), rows},
                            inType.getElementType());
  Value projected = LinearOp::create(b, loc, outType, input, weight, bias);
  return splitHeads(b, loc, projected, index == 0 ? heads : kvHeads);
}

SmallVector<Value, 3> mlir::tfm::projectAllHeads(OpBuilder &b, Location loc,
                                                 Value input,
                                                 Value packedWeight,
                                                 Value packedBias,
                                                 int64_t heads,
                                                 int64_t kvHeads) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t embed = cast<RankedTensorType>(packedWeight.getType()).getDimSize(1);
  if (kvHeads == 0)
    kvHeads = heads;
  int64_t kvEmbed = kvHeads * (embed / heads);
  auto outType = RankedTensorType::get(
      {inType.getDimSize(0), inType.getDimSize(1), embed + 2 * kvEmbed},
      inType.getElementType());
  Value projected =
      LinearOp::create(b, loc, outType, input, packedWeight, packedBias);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, projected);
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  SmallVector<Value, 3> result;
  for (int64_t i = 0; i < 3; ++i) {
    auto [offset, rows] = packedRows(i, embed, kvEmbed);
    sizes[2] = b.getIndexAttr(rows);
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                         b.getIndexAttr(offset)};
    Value part = tensor::ExtractSliceOp::create(b, loc, projected, offsets,
                                                sizes, strides);
    result.push_back(splitHeads(b, loc, part, i == 0 ? heads : kvHeads));
  }
  return result;
}

Value mlir::tfm::splitAttentionHeads(OpBuilder &b, Location loc, Value x,
                                     int64_t heads) {
  return splitHeads(b, loc, x, heads);
}

Value mlir::tfm::mergeAttentionHeads(OpBuilder &b, Location loc, Value x) {
  return mergeHeads(b, loc, x);
}

Value mlir::tfm::keyPaddingToRank4(OpBuilder &b, Location loc, Value mask) {
  return maskToRank4(b, loc, mask, /*isKeyPadding=*/true,
                     tensor::getMixedSize(b, loc, mask, 0), /*heads=*/1);
}

namespace {
/// q [B, H, S, D], k and v [B, Hkv, S, D] of `op`, each projected with its
/// own weight and bias (rows of packed ones).
std::tuple<Value, Value, Value> projectSeparately(OpBuilder &b,
                                                  MultiHeadAttentionOp op,
                                                  int64_t embed, int64_t heads,
                                                  int64_t kvHeads) {
  Location loc = op.getLoc();
  auto inWeights = op.getInProjWeights();
  auto inBiases = op.getInProjBiases();
  int64_t kvEmbed = kvHeads * (embed / heads);
  SmallVector<Value, 3> weights, biases(3, Value());
  for (int64_t i = 0; i < 3; ++i) {
    auto [offset, rows] = packedRows(i, embed, kvEmbed);
    weights.push_back(inWeights.size() == 1
                          ? sliceRows(b, loc, inWeights[0], offset, rows)
                          : inWeights[i]);
  }
  if (!inBiases.empty())
    for (int64_t i = 0; i < 3; ++i) {
      auto [offset, rows] = packedRows(i, embed, kvEmbed);
      biases[i] = inBiases.size() == 1
                      ? sliceRows(b, loc, inBiases[0], offset, rows)
                      : inBiases[i];
    }
  Value inputs[] = {op.getQuery(), op.getKey(), op.getValue()};
  SmallVector<Value, 3> projected;
  for (int64_t i = 0; i < 3; ++i) {
    auto inType = cast<RankedTensorType>(inputs[i].getType());
    auto outType = RankedTensorType::get(
        {inType.getDimSize(0), inType.getDimSize(1), i == 0 ? embed : kvEmbed},
        inType.getElementType());
    projected.push_back(splitHeads(
        b, loc,
        LinearOp::create(b, loc, outType, inputs[i], weights[i], biases[i]),
        i == 0 ? heads : kvHeads));
  }
  return {projected[0], projected[1], projected[2]};
}

struct DecomposeMultiHeadAttentionPattern
    : OpRewritePattern<MultiHeadAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MultiHeadAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto queryType = cast<RankedTensorType>(op.getQuery().getType());
    Type elt = queryType.getElementType();
    int64_t embed = queryType.getDimSize(2);
    int64_t heads = op.getNumHeads();
    int64_t kvHeads = op.getKeyValueHeads();

    auto inWeights = op.getInProjWeights();
    auto inBiases = op.getInProjBiases();
    Value q, k, v;
    if (inWeights.size() == 1 && inBiases.size() <= 1 &&
        op.getQuery() == op.getKey() && op.getKey() == op.getValue()) {
      SmallVector<Value, 3> qkv =
          projectAllHeads(rewriter, loc, op.getQuery(), inWeights[0],
                          inBiases.empty() ? Value() : inBiases[0], heads,
                          kvHeads);
      q = qkv[0], k = qkv[1], v = qkv[2];
    } else {
      std::tie(q, k, v) =
          projectSeparately(rewriter, op, embed, heads, kvHeads);
    }

    OpFoldResult batch = tensor::getMixedSize(rewriter, loc, op.getQuery(), 0);
    Value mask;
    if (Value kpm = op.getKeyPaddingMask())
      mask =
          maskToRank4(rewriter, loc, kpm, /*isKeyPadding=*/true, batch, heads);
    if (Value am = op.getAttnMask()) {
      Value expanded =
          maskToRank4(rewriter, loc, am, /*isKeyPadding=*/false, batch, heads);
      mask = mask ? combineMasks(rewriter, loc, mask, expanded, elt) : expanded;
    }

    auto qType = cast<RankedTensorType>(q.getType());
    Value attention = AttentionOp::create(
        rewriter, loc, qType, q, k, v, mask, /*scale=*/FloatAttr(),
        op.getCausal() ? rewriter.getUnitAttr() : UnitAttr());
    Value merged = mergeHeads(rewriter, loc, attention);
    rewriter.replaceOpWithNewOp<LinearOp>(
        op, op.getType(), merged, op.getOutProjWeight(), op.getOutProjBias());
    return success();
  }
};

struct TfmDecomposeMultiHeadAttentionPass
    : tfm::impl::TfmDecomposeMultiHeadAttentionBase<
          TfmDecomposeMultiHeadAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeMultiHeadAttentionPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
