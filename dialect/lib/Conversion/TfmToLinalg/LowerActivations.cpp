//===- LowerActivations.cpp - relu, gelu and silu to linalg -----*- C++ -*-===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

struct LowerRelu : OpRewritePattern<ReluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReluOp op, PatternRewriter &b) const override {
    Type elt = cast<RankedTensorType>(op.getType()).getElementType();
    b.replaceOp(op, createElementwise(
                        b, op.getLoc(), op.getInput(), elt,
                        [&](OpBuilder &nb, Location nloc, ValueRange args) {
                          // maximumf propagates NaN, as torch.relu does.
                          return arith::MaximumFOp::create(
                              nb, nloc, args[0], createFloat(nb, nloc, elt, 0));
                        }));
    return success();
  }
};

struct LowerGelu : OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GeluOp op, PatternRewriter &b) const override {
    Type elt = cast<RankedTensorType>(op.getType()).getElementType();
    bool useTanh = op.getApproximate() == GeluApproximation::tanh;
    b.replaceOp(op, createElementwise(
                        b, op.getLoc(), op.getInput(), elt,
                        [&](OpBuilder &nb, Location nloc, ValueRange args) {
                          return createGelu(nb, nloc, args[0], useTanh);
                        }));
    return success();
  }
};

struct LowerSilu : OpRewritePattern<SiluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SiluOp op, PatternRewriter &b) const override {
    Type elt = cast<RankedTensorType>(op.getType()).getElementType();
    b.replaceOp(op, createElementwise(
                        b, op.getLoc(), op.getInput(), elt,
                        [&](OpBuilder &nb, Location nloc, ValueRange args) {
                          return createSilu(nb, nloc, args[0]);
                        }));
    return success();
  }
};
} // namespace

void mlir::tfm::populateLowerActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerRelu, LowerGelu, LowerSilu>(patterns.getContext());
}
