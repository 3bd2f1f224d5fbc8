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
//    every thread to do nothing, and a loop with little work in all (a
//    decoding step's transposes copy a few hundred floats) spends more on
//    the fork and the join than it saves.
// So the loop becomes an scf.for over this thread's contiguous share of the
// iterations (what a static schedule gives it), and the region gets an `if`
// that keeps it on the calling thread when there is one iteration, or too
// few for the operations one iteration executes (counted statically) to
// reach kMinParallelOperations. Each iteration runs whole on one thread, as
// before, so results do not change.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include <optional>

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMSIMPLIFYPARALLELREGIONS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
/// Below this many operations in all, a loop runs on the calling thread: a
/// fork and a join cost about 4 microseconds on 2 threads here (what
/// dropping 36 of them per decoding step saved), about as long as one thread
/// takes for this many (a vector operation counts as one; a loop of vector
/// copies from memory would be slower, hence no higher bound).
constexpr int64_t kMinParallelOperations = int64_t(1) << 13;

std::optional<int64_t> operationsOf(Block &block);

/// Operations `op` executes, nested ones included, up to
/// kMinParallelOperations (any count past it forks alike, and capping keeps
/// sums and products from overflowing); std::nullopt when that is not known
/// statically (a loop with a bound that is not a constant, a
/// call, a whole-buffer copy, an op with regions or a region with several
/// blocks not modelled here).
std::optional<int64_t> operationsOf(Operation &op) {
  if (op.hasTrait<OpTrait::IsTerminator>())
    return 0;
  // One op, any amount of work.
  if (isa<CallOpInterface, memref::CopyOp>(op) ||
      isa_and_nonnull<linalg::LinalgDialect>(op.getDialect()))
    return std::nullopt;
  if (op.getNumRegions() == 0)
    return 1;
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    std::optional<APInt> trips = loop.getStaticTripCount();
    std::optional<int64_t> body = operationsOf(*loop.getBody());
    if (!trips || !body)
      return std::nullopt;
    int64_t count =
        static_cast<int64_t>(trips->getLimitedValue(kMinParallelOperations));
    return std::min(kMinParallelOperations, 1 + count * *body);
  }
  if (!isa<scf::IfOp, scf::ExecuteRegionOp, memref::AllocaScopeOp>(op))
    return std::nullopt;
  // The costlier branch of an scf.if; the one region of the others. (A
  // region of several blocks may loop.)
  int64_t most = 0;
  for (Region &region : op.getRegions()) {
    if (!region.hasOneBlock()) {
      if (region.empty())
        continue;
      return std::nullopt;
    }
    std::optional<int64_t> count = operationsOf(region.front());
    if (!count)
      return std::nullopt;
    most = std::max(most, *count);
  }
  return std::min(kMinParallelOperations, 1 + most);
}

std::optional<int64_t> operationsOf(Block &block) {
  int64_t total = 0;
  for (Operation &op : block) {
    std::optional<int64_t> count = operationsOf(op);
    if (!count)
      return std::nullopt;
    total = std::min(kMinParallelOperations, total + *count);
  }
  return total;
}

/// The fewest iterations of `nest` worth forking for: two, or enough to
/// reach kMinParallelOperations when one iteration's count is known.
int64_t minParallelIterations(omp::LoopNestOp nest) {
  std::optional<int64_t> perIteration = operationsOf(nest.getRegion().front());
  if (!perIteration || *perIteration <= 0)
    return 2;
  return std::max<int64_t>(
      2, llvm::divideCeil(kMinParallelOperations, *perIteration));
}

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
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, total,
                                  arith::ConstantIndexOp::create(
                                      b, loc, minParallelIterations(nest))));
      distributeStatically(module, loop, nest, counts, total);
    }
  }
};
} // namespace
