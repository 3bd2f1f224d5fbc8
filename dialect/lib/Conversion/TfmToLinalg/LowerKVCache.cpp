//===- LowerKVCache.cpp - key/value cache ops to linalg ---------*- C++ -*-===//
//
// Both ops only move data between the cache's position-major layout
// [L, B, H, D] and attention's [B, H, L, D]: transposes into slices of one
// destination, which bufferization writes in place.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// result = empty[B, H, L + S, D]; result[:, :, 0:L] = transpose(cache);
/// result[:, :, L:L+S] = step.
struct LowerKVCacheAppend : OpRewritePattern<KVCacheAppendOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(KVCacheAppendOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value cache = op.getCache(), step = op.getStep();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<OpFoldResult> c = tensor::getMixedSizes(b, loc, cache);
    SmallVector<OpFoldResult> s = tensor::getMixedSizes(b, loc, step);
    std::optional<int64_t> cachedSize = getConstantIntValue(c[0]),
                           addedSize = getConstantIntValue(s[2]);
    OpFoldResult total =
        cachedSize && addedSize
            ? OpFoldResult(b.getIndexAttr(*cachedSize + *addedSize))
            : OpFoldResult(arith::AddIOp::create(
                               b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, c[0]),
                               getValueOrCreateConstantIndexOp(b, loc, s[2]))
                               .getResult());
    Value init = createEmpty(b, loc, {s[0], s[1], total, s[3]},
                             resultType.getElementType());

    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    SmallVector<OpFoldResult> unit(4, one);
    SmallVector<OpFoldResult> cachedSizes = {c[1], c[2], c[0], c[3]};
    SmallVector<OpFoldResult> origin(4, zero);
    Value cachedInit =
        tensor::ExtractSliceOp::create(b, loc, init, origin, cachedSizes, unit);
    Value cached = linalg::TransposeOp::create(b, loc, cache, cachedInit,
                                               ArrayRef<int64_t>{1, 2, 0, 3})
                       .getResult()[0];
    Value result = tensor::InsertSliceOp::create(b, loc, cached, init, origin,
                                                 cachedSizes, unit)
                       .getResult();
    SmallVector<OpFoldResult> stepOffsets = {zero, zero, c[0], zero};
    result = tensor::InsertSliceOp::create(b, loc, step, result, stepOffsets, s,
                                           unit)
                 .getResult();
    b.replaceOp(op, castIfNeeded(b, loc, result, resultType));
    return success();
  }
};

/// [B, H, S, D] -> [S, B, H, D].
struct LowerKVCacheEntries : OpRewritePattern<KVCacheEntriesOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(KVCacheEntriesOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<OpFoldResult> s = tensor::getMixedSizes(b, loc, input);
    Value init = createEmpty(b, loc, {s[2], s[0], s[1], s[3]},
                             resultType.getElementType());
    Value result = linalg::TransposeOp::create(b, loc, input, init,
                                               ArrayRef<int64_t>{2, 0, 1, 3})
                       .getResult()[0];
    b.replaceOp(op, castIfNeeded(b, loc, result, resultType));
    return success();
  }
};

} // namespace

void mlir::tfm::populateLowerKVCachePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerKVCacheAppend, LowerKVCacheEntries>(patterns.getContext());
}
