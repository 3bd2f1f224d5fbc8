//===- MapForallToThreads.cpp - outermost scf.forall to threads -*- C++ -*-===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMMAPFORALLTOTHREADS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmMapForallToThreadsPass
    : tfm::impl::TfmMapForallToThreadsBase<TfmMapForallToThreadsPass> {
  void runOnOperation() override {
    // Innermost first, so that a loop is rewritten before its parent.
    SmallVector<scf::ForallOp> foralls;
    getOperation()->walk<WalkOrder::PostOrder>(
        [&](scf::ForallOp forall) { foralls.push_back(forall); });

    IRRewriter rewriter(&getContext());
    for (scf::ForallOp forall : foralls) {
      if (!forall.getOutputs().empty()) {
        forall.emitOpError("has tensor outputs: map it to threads after "
                           "bufferization");
        return signalPassFailure();
      }
      rewriter.setInsertionPoint(forall);
      bool nested = forall->getParentOfType<scf::ForallOp>() ||
                    forall->getParentOfType<scf::ParallelOp>();
      LogicalResult converted =
          nested ? scf::forallToForLoop(rewriter, forall)
                 : scf::forallToParallelLoop(rewriter, forall);
      if (failed(converted))
        return signalPassFailure();
    }
  }
};
} // namespace
