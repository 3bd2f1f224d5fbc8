//===- ApproximateMath.cpp - inline polynomial exp, erf, tanh ---*- C++ -*-===//
//
// Calls to libm's expf or erff keep LLVM from vectorizing the loops of
// softmax and GELU; MLIR's polynomial approximations are plain arithmetic.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMAPPROXIMATEMATH
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmApproximateMathPass
    : tfm::impl::TfmApproximateMathBase<TfmApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // The patterns name ops with or without the dialect prefix depending on
    // the function; accept both spellings.
    auto approximated = [](StringRef name) {
      name.consume_front("math.");
      return name == "exp" || name == "erf" || name == "tanh";
    };
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
