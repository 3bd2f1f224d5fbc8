//===- LowerFeedForward.cpp - gated feed-forwards to linalg -----*- C++ -*-===//

#include "LoweringUtils.h"
#include "tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// down(act(gate(x)) * up(x)) as three contractions of tfm.linear's form
/// and one elementwise op between them. The gate and up contractions have
/// the same shape and the product is their only use, in that order: the
/// codegen (tfm-tile-and-vectorize-contractions) computes both in each
/// output tile of the product, which is their epilogue, so neither is
/// written to memory whole.
struct LowerGatedFeedForward : OpRewritePattern<GatedFeedForwardOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GatedFeedForwardOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    Type elt = cast<RankedTensorType>(x.getType()).getElementType();
    GateActivation activation = op.getActivation();

    Value gate = createLinear(b, loc, x, op.getGateWeight(), Value());
    Value up = createLinear(b, loc, x, op.getUpWeight(), Value());
    Value hidden = createElementwise(
        b, loc, {gate, up}, elt,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value g = args[0];
          Value activated =
              activation == GateActivation::silu
                  ? createSilu(nb, nloc, g)
                  : createGelu(nb, nloc, g,
                               activation == GateActivation::gelu_tanh);
          return arith::MulFOp::create(nb, nloc, activated, args[1]);
        });
    Value result = createLinear(b, loc, hidden, op.getDownWeight(), Value());
    b.replaceOp(op, castIfNeeded(b, loc, result, op.getType()));
    return success();
  }
};
} // namespace

void mlir::tfm::populateLowerFeedForwardPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerGatedFeedForward>(patterns.getContext());
}
