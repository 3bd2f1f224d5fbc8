//===- TileRowsForThreads.cpp - outer parallel loops to scf.forall -*- C++ -*-//
//
// The codegen passes tile what they know (contractions, attention) into
// scf.forall loops; everything else would stay on one thread. Tiling the
// leading parallel loops by 1 gives OpenMP rows to share out while each row
// keeps its innermost loop, which LLVM vectorizes, except in copies (heads
// split and merged, key/value cache layouts): LLVM unrolls their short rows
// into scalar moves, so rows of a static length are vectorized here.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMTILEROWSFORTHREADS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

/// Tile sizes: 1 for each leading parallel loop, 0 (untiled) from the first
/// reduction on; the innermost loop always stays whole. Empty when no loop
/// would be tiled.
static SmallVector<OpFoldResult> rowTileSizes(linalg::LinalgOp op,
                                              Builder &b) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<OpFoldResult> sizes(iterators.size(), b.getIndexAttr(0));
  bool tiled = false;
  for (size_t i = 0; i + 1 < iterators.size(); ++i) {
    if (iterators[i] != utils::IteratorType::parallel)
      break;
    sizes[i] = b.getIndexAttr(1);
    tiled = true;
  }
  if (!tiled)
    sizes.clear();
  return sizes;
}

/// Whether the op is known to be too small to be worth a parallel region.
static bool isSmall(linalg::LinalgOp op, int64_t minElements) {
  int64_t iterations = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return false;
    iterations *= range;
    if (iterations >= minElements)
      return false;
  }
  return true;
}

/// Whether `op` only moves data: one input, all loops parallel, and a body
/// that yields the input element (a copy or a transpose).
static bool isCopy(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0 || !op.getBlock())
    return false;
  auto yield = dyn_cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  return yield && yield->getNumOperands() == 1 &&
         yield->getOperand(0) == op.getBlock()->getArgument(0);
}

/// Rows of a copy as vector transfers, when their shape is static.
static void vectorizeCopyRows(RewriterBase &rewriter, linalg::LinalgOp op) {
  if (!isCopy(op) || op.hasDynamicShape() ||
      failed(linalg::vectorizeOpPrecondition(op)))
    return;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
      rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{});
  if (succeeded(result))
    rewriter.replaceOp(op, result->replacements);
}

namespace {
struct TfmTileRowsForThreadsPass
    : tfm::impl::TfmTileRowsForThreadsBase<TfmTileRowsForThreadsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          !op->getParentOfType<scf::ForallOp>() &&
          !isSmall(op, minElements))
        candidates.push_back(op);
    });

    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      SmallVector<OpFoldResult> sizes = rowTileSizes(op, rewriter);
      if (sizes.empty())
        continue;
      scf::SCFTilingOptions options;
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
          .setTileSizes(sizes);
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled)) {
        op->emitOpError("could not be tiled into rows for threads");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, tiled->replacements);
      for (Operation *rows : tiled->tiledOps)
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(rows))
          vectorizeCopyRows(rewriter, linalgOp);
    }
  }
};
} // namespace
