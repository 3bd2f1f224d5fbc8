//===- HoistLoopAllocas.cpp - stack allocations out of loops ----*- C++ -*-===//
//
// scf.for claims to be an automatic allocation scope, but convert-scf-to-cf
// does not free the stack per iteration: a memref.alloca in its body becomes
// an LLVM alloca outside the entry block, which grows the stack on every
// iteration. Scratch tiles of an scf.forall body are in that position once
// the forall is a sequential scf.for; this pass moves such allocas in front
// of the sequential loops (not out of an scf.parallel, whose threads each
// need their own, nor out of a function).
//
//===----------------------------------------------------------------------===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMHOISTLOOPALLOCAS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmHoistLoopAllocasPass
    : tfm::impl::TfmHoistLoopAllocasBase<TfmHoistLoopAllocasPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaOp> allocas;
    getOperation()->walk([&](memref::AllocaOp op) { allocas.push_back(op); });
    for (memref::AllocaOp alloca : allocas) {
      // Only out of sequential loops (an alloca under an scf.if may have
      // sizes that are meaningful only when the branch runs), and only where
      // its sizes are defined.
      while (Operation *parent = alloca->getParentOp()) {
        if (!isa<scf::ForOp, scf::WhileOp>(parent))
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
