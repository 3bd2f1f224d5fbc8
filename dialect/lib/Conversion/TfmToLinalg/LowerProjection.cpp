//===- LowerProjection.cpp - linear and embedding to linalg -----*- C++ -*-===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// x·Wᵀ + b, accumulated into the broadcast bias (see createLinear). A 2-D
/// input becomes a linalg.matmul reading W transposed through its indexing
/// map; other ranks become the same contraction as a linalg.generic over
/// all leading dimensions. (Collapsing them into one would need a
/// memref.expand_shape of several dynamic sizes afterwards, which MLIR 22's
/// expand-strided-metadata crashes on.)
struct LowerLinear : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &b) const override {
    Value result = createLinear(b, op.getLoc(), op.getInput(), op.getWeight(),
                                op.getBias());
    b.replaceOp(op, castIfNeeded(b, op.getLoc(), result, op.getType()));
    return success();
  }
};

/// out[..., e] = table[clamp(ids[...]), e]. Clamping keeps a bad id from
/// reading outside the table; model executables reject such ids earlier.
struct LowerEmbedding : OpRewritePattern<EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EmbeddingOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value ids = op.getIds(), table = op.getTable();
    auto resultType = cast<RankedTensorType>(op.getType());
    unsigned rank = resultType.getRank();

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, ids);
    sizes.push_back(tensor::getMixedSize(b, loc, table, 1));
    Value init = createEmpty(b, loc, sizes, resultType.getElementType());
    Value vocab = tensor::DimOp::create(b, loc, table, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value lastRow = arith::SubIOp::create(b, loc, vocab, one);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);

    AffineMap idsMap = dropDimMap(b.getContext(), rank, rank - 1);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value result = createGeneric(
        b, loc, ids, {idsMap}, init, b.getMultiDimIdentityMap(rank), parallel,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value id = castToIndex(nb, nloc, args[0]);
          id = arith::MaxSIOp::create(nb, nloc, id, zero);
          id = arith::MinSIOp::create(nb, nloc, id, lastRow);
          Value e = linalg::IndexOp::create(nb, nloc, rank - 1);
          Value row =
              tensor::ExtractOp::create(nb, nloc, table, ValueRange{id, e});
          if (FloatAttr scale = op.getScaleAttr())
            row = arith::MulFOp::create(
                nb, nloc, row,
                createFloat(nb, nloc, row.getType(), scale.getValueAsDouble()));
          return row;
        });
    b.replaceOp(op, castIfNeeded(b, loc, result, resultType));
    return success();
  }
};
} // namespace

void mlir::tfm::populateLowerProjectionPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerLinear, LowerEmbedding>(patterns.getContext());
}
