//===- SimplifyParallelRegions.cpp - lighter OpenMP regions -----*- C++ -*-===//
//
// convert-scf-to-openmp turns each scf.parallel into an omp.parallel that
// ends with an omp.wsloop. For the loops the codegen makes (no reductions,
// static schedule), that costs more than the region needs, which shows in
// decoding steps, where a region lasts microseconds:
//  - the worksharing loop ends with a barrier of its own, immediately
//    followed by the region's closing barrier, which already waits for every
//    thread;
//  - its static schedule calls into libomp at every start, and Debian's
//    libomp formats a trace string there each time;
//  - a loop with a single iteration (a row-wise op on one row) still wakes
//    every thread to do nothing.
// So the loop becomes an scf.for over this thread's contiguous share of the
// iterations (what a static schedule gives it), and the region gets an `if`
// that keeps it on the calling thread when there is one iteration. Each
// iteration runs whole on one thread, as before, so results do not change.
//
//===----------------------------------------------------------------------===//

#include "tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

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

/// Whether `loop` (without reductions) is a plain static worksharing loop
/// over an index nest
/// whose bounds are defined in front of `parallel` and whose body is one
/// block: what convert-scf-to-openmp makes of the codegen's loops.
bool isPlainStaticLoop(omp::ParallelOp parallel, omp::WsloopOp loop,
                       omp::LoopNestOp nest) {
  if (!nest || !loop.getPrivateVars().empty() ||
      !loop.getLinearVars().empty() || loop.getScheduleKind() ||
      loop.getOrdered() || loop.getOrder() || !nest.getRegion().hasOneBlock())
    return false;
  return llvm::all_of(nest.getOperands(), [&](Value v) {
    return v.getType().isIndex() &&
           !parallel->isAncestor(v.getParentRegion()->getParentOp());
  });
}

/// Iterations of each loop of `nest`, built in front of `parallel`.
SmallVector<Value> tripCounts(OpBuilder &b, Location loc,
                              omp::LoopNestOp nest) {
  SmallVector<Value> counts;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [lb, ub, step] :
       llvm::zip(nest.getLoopLowerBounds(), nest.getLoopUpperBounds(),
                 nest.getLoopSteps())) {
    // Steps are positive (scf.parallel requires it); empty ranges count 0.
    Value extent = arith::SubIOp::create(b, loc, ub, lb);
    extent = arith::MaxSIOp::create(b, loc, extent, zero);
    counts.push_back(arith::CeilDivSIOp::create(b, loc, extent, step));
  }
  return counts;
}

/// A call to libomp's `name`, an i32 query, as an index. Declared in the
/// LLVM dialect: a func.func would get an `_mlir_ciface_` name from
/// llvm-request-c-wrappers.
Value queryOpenMP(OpBuilder &b, Location loc, ModuleOp module, StringRef name) {
  auto type = LLVM::LLVMFunctionType::get(b.getI32Type(), {});
  auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (!callee) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    callee = LLVM::LLVMFuncOp::create(b, loc, name, type);
  }
  Value v = LLVM::CallOp::create(b, loc, callee, ValueRange{}).getResult();
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

/// Replaces `loop` by an scf.for over the calling thread's contiguous share
/// of the `total` iterations of `nest`, in row-major order.
void distributeStatically(ModuleOp module, omp::WsloopOp loop,
                          omp::LoopNestOp nest, ArrayRef<Value> counts,
                          Value total) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value thread = queryOpenMP(b, loc, module, "omp_get_thread_num");
  Value threads = queryOpenMP(b, loc, module, "omp_get_num_threads");
  Value share = arith::CeilDivSIOp::create(b, loc, total, threads);
  Value begin = arith::MulIOp::create(b, loc, thread, share);
  begin = arith::MinSIOp::create(b, loc, begin, total);
  Value end = arith::AddIOp::create(b, loc, begin, share);
  end = arith::MinSIOp::create(b, loc, end, total);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto forOp = scf::ForOp::create(b, loc, begin, end, one);

  b.setInsertionPointToStart(forOp.getBody());
  Block &body = nest.getRegion().front();
  Value rest = forOp.getInductionVar();
  SmallVector<Value> ivs(counts.size());
  for (int64_t d = static_cast<int64_t>(counts.size()) - 1; d >= 0; --d) {
    Value index = rest;
    if (d > 0) {
      index = arith::RemSIOp::create(b, loc, rest, counts[d]);
      rest = arith::DivSIOp::create(b, loc, rest, counts[d]);
    }
    Value offset = arith::MulIOp::create(b, loc, index, nest.getLoopSteps()[d]);
    ivs[d] =
        arith::AddIOp::create(b, loc, nest.getLoopLowerBounds()[d], offset);
  }
  for (auto [arg, iv] : llvm::zip(body.getArguments(), ivs))
    arg.replaceAllUsesWith(iv);
  // The body may lower to several blocks (an alloca scope does, before the
  // loops become blocks), which an scf.for cannot hold; an execute_region
  // can.
  auto region = scf::ExecuteRegionOp::create(b, loc, TypeRange{});
  region.setNoInline(true);
  Block *regionBody = &region.getRegion().emplaceBlock();
  b.setInsertionPointToEnd(regionBody);
  Operation *yield = scf::YieldOp::create(b, loc);
  body.getTerminator()->erase();
  regionBody->getOperations().splice(yield->getIterator(),
                                     body.getOperations());
  loop.erase();
}

struct TfmSimplifyParallelRegionsPass
    : tfm::impl::TfmSimplifyParallelRegionsBase<
          TfmSimplifyParallelRegionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<omp::ParallelOp> regions;
    module.walk([&](omp::ParallelOp op) { regions.push_back(op); });
    for (omp::ParallelOp parallel : regions) {
      omp::WsloopOp loop = closingWorksharingLoop(parallel);
      if (!loop || !loop.getReductionVars().empty())
        continue;
      auto nest = dyn_cast<omp::LoopNestOp>(loop.getWrappedLoop());
      if (!isPlainStaticLoop(parallel, loop, nest)) {
        loop.setNowait(true);
        continue;
      }
      OpBuilder b(parallel);
      Location loc = parallel.getLoc();
      SmallVector<Value> counts = tripCounts(b, loc, nest);
      Value total = arith::ConstantIndexOp::create(b, loc, 1);
      for (Value count : counts)
        total = arith::MulIOp::create(b, loc, total, count);
      if (!parallel.getIfExpr())
        parallel.getIfExprMutable().assign(
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, total,
                                  arith::ConstantIndexOp::create(b, loc, 1)));
      distributeStatically(module, loop, nest, counts, total);
    }
  }
};
} // namespace
