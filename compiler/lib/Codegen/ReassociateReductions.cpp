//===- ReassociateReductions.cpp - relax float reductions -------*- C++ -*-===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMREASSOCIATEREDUCTIONS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmReassociateReductionsPass
    : tfm::impl::TfmReassociateReductionsBase<TfmReassociateReductionsPass> {
  void runOnOperation() override {
    auto flags = arith::FastMathFlagsAttr::get(
        &getContext(),
        arith::FastMathFlags::reassoc | arith::FastMathFlags::contract);
    getOperation()->walk([&](linalg::GenericOp generic) {
      if (generic.getNumReductionLoops() == 0)
        return;
      generic.getBody()->walk([&](arith::ArithFastMathInterface op) {
        op->setAttr(op.getFastMathAttrName(), flags);
      });
    });
  }
};
} // namespace
