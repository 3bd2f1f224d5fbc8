//===- TfmCanonicalize.cpp - canonicalization patterns of tfm ---*- C++ -*-===//

#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tfm;

/// True when `size` is known to equal dimension `dim` of `tensor`: the same
/// static number, or a `tensor.dim` of that very tensor and dimension.
static bool isSameSize(OpFoldResult size, Value tensor, unsigned dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return getConstantIntValue(size) == type.getDimSize(dim);
  auto dimOp = dyn_cast_or_null<tensor::DimOp>(
      dyn_cast_if_present<Value>(size) ? cast<Value>(size).getDefiningOp()
                                       : nullptr);
  return dimOp && dimOp.getSource() == tensor &&
         getConstantIntValue(dimOp.getIndex()) == static_cast<int64_t>(dim);
}

namespace {
/// attention(mask = causal_mask[Sq, Skv]) -> attention {causal}
///
/// The causal flag lets the fused lowering skip tiles above the diagonal
/// instead of reading a materialized Sq×Skv mask.
struct FoldCausalMaskIntoAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    auto maskOp = op.getMask() ? op.getMask().getDefiningOp<CausalMaskOp>()
                               : CausalMaskOp();
    if (!maskOp)
      return rewriter.notifyMatchFailure(op, "mask is not a tfm.causal_mask");

    auto maskType = cast<RankedTensorType>(maskOp.getType());
    SmallVector<OpFoldResult> sizes;
    auto dynamicSizes = maskOp.getDynamicSizes();
    for (int64_t i = 0, next = 0; i < 2; ++i)
      sizes.push_back(
          maskType.isDynamicDim(i)
              ? OpFoldResult(dynamicSizes[next++])
              : OpFoldResult(rewriter.getIndexAttr(maskType.getDimSize(i))));
    if (!isSameSize(sizes[0], op.getQuery(), 2) ||
        !isSameSize(sizes[1], op.getKey(), 2))
      return rewriter.notifyMatchFailure(
          op, "causal mask sizes do not match the attention's lengths");

    rewriter.replaceOpWithNewOp<AttentionOp>(
        op, op.getType(), op.getQuery(), op.getKey(), op.getValue(),
        /*mask=*/Value(), op.getScaleAttr(), rewriter.getUnitAttr());
    return success();
  }
};
} // namespace

void AttentionOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<FoldCausalMaskIntoAttention>(context);
}
