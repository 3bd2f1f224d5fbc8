//===- LowerToLinalg.cpp - the tfm-lower-to-linalg pass ---------*- C++ -*-===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"
#include "tfm/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMLOWERTOLINALG
#include "tfm/Conversion/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {
struct TfmLowerToLinalgPass
    : tfm::impl::TfmLowerToLinalgBase<TfmLowerToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLowerAttentionPatterns(patterns);
    populateLowerNormalizationPatterns(patterns);
    populateLowerProjectionPatterns(patterns);
    populateLowerEncodingAndMaskPatterns(patterns);
    populateLowerActivationPatterns(patterns);
    populateLowerKVCachePatterns(patterns);
    populateLowerRotaryEmbeddingPatterns(patterns);
    populateLowerFeedForwardPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Every tfm op must be gone; multi_head_attention needs decomposing first.
    WalkResult left =
        getOperation()->walk(
            [](Operation *op) {
              if (!isa<TfmDialect>(op->getDialect()))
                return WalkResult::advance();
              op->emitError()
                  << "'" << op->getName() << "' was not lowered to linalg"
                  << (isa<MultiHeadAttentionOp>(op)
                          ? " (run tfm-decompose-multi-head-attention first)"
                          : "");
              return WalkResult::interrupt();
            });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
