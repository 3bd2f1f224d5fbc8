//===- SimplifyParallelRegions.cpp - lighter OpenMP regions -----*- C++ -*-===//
//
// convert-scf-to-openmp turns each scf.parallel into an omp.parallel that
// ends with an omp.wsloop. Two costs follow that the region does not need:
//  - the worksharing loop ends with a barrier of its own, immediately
//    followed by the region's closing barrier, which already waits for every
//    thread: the loop gets `nowait`;
//  - a loop with a single iteration (a row-wise op on one row, as in a
//    decoding step) still wakes every thread to do nothing: the region gets
//    an `if` that keeps it on the calling thread then.
// Which iterations a thread runs is unchanged, so results are too.
//
//===----------------------------------------------------------------------===//

#include "tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMSIMPLIFYPARALLELREGIONS
#include "tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
/// The worksharing loop that ends `parallel`'s body, if any.
omp::WsloopOp closingWorksharingLoop(omp::ParallelOp parallel) {
  if (!parallel.getRegion().hasOneBlock())
    return nullptr;
  Operation *terminator = parallel.getRegion().front().getTerminator();
  return dyn_cast_or_null<omp::WsloopOp>(terminator->getPrevNode());
}

/// `iterations > 1` for the loop nest, built before `parallel`; null if a
/// bound is defined inside the region or is not an integer.
Value moreThanOneIteration(omp::ParallelOp parallel, omp::LoopNestOp nest) {
  for (Value v : nest.getOperands())
    if (parallel->isAncestor(v.getParentRegion()->getParentOp()) ||
        !v.getType().isIntOrIndex())
      return nullptr;
  OpBuilder b(parallel);
  Location loc = parallel.getLoc();
  Type type = nest.getLoopLowerBounds().front().getType();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, v));
  };
  Value total = constant(1);
  for (auto [lb, ub, step] :
       llvm::zip(nest.getLoopLowerBounds(), nest.getLoopUpperBounds(),
                 nest.getLoopSteps())) {
    // Steps are positive (scf.parallel requires it); empty ranges count 0.
    Value extent = arith::SubIOp::create(b, loc, ub, lb);
    extent = arith::MaxSIOp::create(b, loc, extent, constant(0));
    Value count = arith::CeilDivSIOp::create(b, loc, extent, step);
    total = arith::MulIOp::create(b, loc, total, count);
  }
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, total,
                               constant(1));
}

struct TfmSimplifyParallelRegionsPass
    : tfm::impl::TfmSimplifyParallelRegionsBase<
          TfmSimplifyParallelRegionsPass> {
  void runOnOperation() override {
    getOperation()->walk([](omp::ParallelOp parallel) {
      omp::WsloopOp loop = closingWorksharingLoop(parallel);
      if (!loop || !loop.getReductionVars().empty())
        return;
      loop.setNowait(true);
      auto nest = dyn_cast<omp::LoopNestOp>(loop.getWrappedLoop());
      if (nest && !parallel.getIfExpr())
        if (Value cond = moreThanOneIteration(parallel, nest))
          parallel.getIfExprMutable().assign(cond);
    });
  }
};
} // namespace
