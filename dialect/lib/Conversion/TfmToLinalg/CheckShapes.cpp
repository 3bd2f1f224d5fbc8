//===- CheckShapes.cpp - run-time checks that sizes agree -------*- C++ -*-===//

#include "tfm/Conversion/Passes.h"

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMCHECKSHAPES
#include "tfm/Conversion/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmCheckShapesPass : tfm::impl::TfmCheckShapesBase<TfmCheckShapesPass> {
  void runOnOperation() override {
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics())
        return;
      OpBuilder b(op);
      Location loc = op.getLoc();
      // For each loop, the (operand, dimension) pairs that it indexes.
      SmallVector<SmallVector<std::pair<Value, unsigned>>> extents(
          op.getNumLoops());
      for (OpOperand &operand : op->getOpOperands()) {
        auto type = dyn_cast<RankedTensorType>(operand.get().getType());
        if (!type)
          continue;
        AffineMap map = op.getMatchingIndexingMap(&operand);
        for (auto [dim, expr] : llvm::enumerate(map.getResults()))
          if (auto d = dyn_cast<AffineDimExpr>(expr))
            extents[d.getPosition()].push_back({operand.get(), dim});
      }
      for (auto &uses : extents) {
        if (uses.size() < 2)
          continue;
        auto sizeOf = [&](std::pair<Value, unsigned> use) -> int64_t {
          return cast<RankedTensorType>(use.first.getType())
              .getDimSize(use.second);
        };
        bool anyDynamic = llvm::any_of(
            uses, [&](auto use) { return ShapedType::isDynamic(sizeOf(use)); });
        if (!anyDynamic)
          continue;
        Value first =
            tensor::DimOp::create(b, loc, uses[0].first, uses[0].second);
        for (auto use : ArrayRef(uses).drop_front()) {
          if (use == uses[0])
            continue;
          Value other = tensor::DimOp::create(b, loc, use.first, use.second);
          Value same = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             first, other);
          cf::AssertOp::create(
              b, loc, same,
              "tensor sizes do not agree in " + tfm::describeSourceOp(op) +
                  " (inputs with inconsistent dynamic dimensions)");
        }
      }
    });
  }
};
} // namespace
