//===- LowerActivations.cpp - relu and gelu to linalg -----------*- C++ -*-===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

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

/// erf form: x/2 · (1 + erf(x/√2)); tanh form (PyTorch's approximate='tanh'):
/// x/2 · (1 + tanh(√(2/π) · (x + 0.044715·x³))).
struct LowerGelu : OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GeluOp op, PatternRewriter &b) const override {
    Type elt = cast<RankedTensorType>(op.getType()).getElementType();
    bool useTanh = op.getApproximate() == GeluApproximation::tanh;
    b.replaceOp(
        op,
        createElementwise(
            b, op.getLoc(), op.getInput(), elt,
            [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
              Value x = args[0];
              auto c = [&](double v) { return createFloat(nb, nloc, elt, v); };
              Value inner;
              if (useTanh) {
                Value x3 = arith::MulFOp::create(
                    nb, nloc, x, arith::MulFOp::create(nb, nloc, x, x));
                Value poly = arith::AddFOp::create(
                    nb, nloc, x,
                    arith::MulFOp::create(nb, nloc, c(0.044715), x3));
                inner = math::TanhOp::create(
                    nb, nloc,
                    arith::MulFOp::create(nb, nloc, c(std::sqrt(2.0 / M_PI)),
                                          poly));
              } else {
                inner = math::ErfOp::create(
                    nb, nloc, arith::MulFOp::create(nb, nloc, x, c(M_SQRT1_2)));
              }
              Value onePlus = arith::AddFOp::create(nb, nloc, c(1.0), inner);
              Value half = arith::MulFOp::create(nb, nloc, x, c(0.5));
              return arith::MulFOp::create(nb, nloc, half, onePlus);
            }));
    return success();
  }
};
} // namespace

void mlir::tfm::populateLowerActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerRelu, LowerGelu>(patterns.getContext());
}
