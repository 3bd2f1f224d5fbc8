//===- HoistLoopAllocas.cpp - stack allocations out of loops ----*- C++ -*-===//
//
// A memref.alloca inside a sequential loop becomes an LLVM alloca outside the
// entry block, which grows the stack on every iteration. Scratch tiles of an
// scf.forall body are in that position once the forall is a sequential
// scf.for; this pass moves such allocas in front of the loops (up to the
// nearest automatic allocation scope: a function, or an scf.parallel whose
// threads each need their own).
//
//===----------------------------------------------------------------------===//

#include "tfm/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMHOISTLOOPALLOCAS
#include "tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmHoistLoopAllocasPass
    : tfm::impl::TfmHoistLoopAllocasBase<TfmHoistLoopAllocasPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaOp> allocas;
    getOperation()->walk([&](memref::AllocaOp op) { allocas.push_back(op); });
    for (memref::AllocaOp alloca : allocas) {
      // Only out of loops (an alloca under an scf.if may have sizes that are
      // meaningful only when the branch runs), and only where its sizes are
      // defined.
      while (Operation *parent = alloca->getParentOp()) {
        if (parent->hasTrait<OpTrait::AutomaticAllocationScope>() ||
            !isa<LoopLikeOpInterface>(parent))
          break;
        if (llvm::any_of(alloca->getOperands(), [&](Value v) {
              return parent->isAncestor(v.getParentRegion()->getParentOp());
            }))
          break;
        alloca->moveBefore(parent);
      }
    }
  }
};
} // namespace
