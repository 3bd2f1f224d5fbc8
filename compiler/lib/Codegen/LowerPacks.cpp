//===- LowerPacks.cpp - linalg.pack/unpack to copies ------------*- C++ -*-===//
//
// MLIR 22 cannot bufferize linalg.pack and linalg.unpack. Weights packed in
// panels are unpacked by linalg.unpack in the IR; the contraction codegen
// reads the panels in place, and whatever it left (another consumer, or
// code below -O2) becomes transposes, reshapes and copies here.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMLOWERPACKS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmLowerPacksPass : tfm::impl::TfmLowerPacksBase<TfmLowerPacksPass> {
  void runOnOperation() override {
    SmallVector<Operation *> packs;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::PackOp, linalg::UnPackOp>(op))
        packs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : packs) {
      rewriter.setInsertionPoint(op);
      bool lowered =
          isa<linalg::PackOp>(op)
              ? succeeded(linalg::lowerPack(rewriter, cast<linalg::PackOp>(op)))
              : succeeded(
                    linalg::lowerUnPack(rewriter, cast<linalg::UnPackOp>(op)));
      if (!lowered) {
        op->emitError("tfm: cannot lower this pack to copies");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
