//===- LowerVectors.cpp - staged lowering of vector ops ---------*- C++ -*-===//
//
// What the codegen passes leave (vector.contract, masks, n-D transfers,
// multi_reductions) lowered to 1-D vector ops that convert-vector-to-llvm
// turns into LLVM vector code. Each stage is its own greedy rewrite: mixing
// broadcast, shape_cast and multi_reduction lowerings in one set can
// ping-pong without end (TOOLCHAIN.md).
//
//===----------------------------------------------------------------------===//

#include "tfmc/Codegen/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMLOWERVECTORS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {
struct TfmLowerVectorsPass
    : tfm::impl::TfmLowerVectorsBase<TfmLowerVectorsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    bool hasVectors = false;
    getOperation().walk([&](Operation *op) {
      if (isa<vector::VectorDialect>(op->getDialect()))
        hasVectors = true;
    });
    if (!hasVectors)
      return;

    using Populate = void (*)(RewritePatternSet &);
    auto stage = [&](Populate populate) {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      vector::populateVectorToVectorCanonicalizationPatterns(patterns);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        signalPassFailure();
    };
    // Contractions to outer products (a broadcast row of A times a row of
    // B per step: FMAs on the accumulators), masked ops to ops with mask
    // operands, permuted transfers to minor-identity ones.
    stage([](RewritePatternSet &p) {
      vector::populateVectorContractLoweringPatterns(
          p, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorMaskLoweringPatternsForSideEffectingOps(p);
      vector::populateVectorTransferPermutationMapLoweringPatterns(p);
      vector::populateVectorMultiReductionLoweringPatterns(
          p, vector::VectorMultiReductionLowering::InnerParallel);
    });
    // n-D transfers to unrolled 1-D transfers, then to loads and stores.
    stage([](RewritePatternSet &p) {
      populateVectorToSCFConversionPatterns(
          p, VectorTransferToSCFOptions().enableFullUnroll());
    });
    stage([](RewritePatternSet &p) {
      vector::populateVectorTransferLoweringPatterns(p, /*maxTransferRank=*/1);
      vector::populateScalarVectorTransferLoweringPatterns(
          p, /*benefit=*/1, /*allowMultipleUses=*/true);
    });
    stage([](RewritePatternSet &p) {
      vector::populateVectorOuterProductLoweringPatterns(p);
      vector::populateVectorMaskOpLoweringPatterns(p);
      vector::populateVectorStepLoweringPatterns(p);
    });
    stage([](RewritePatternSet &p) {
      vector::populateVectorBroadcastLoweringPatterns(p);
    });
    stage([](RewritePatternSet &p) {
      vector::populateVectorTransposeLoweringPatterns(
          p, vector::VectorTransposeLowering::EltWise);
    });
    stage([](RewritePatternSet &p) {
      vector::populateVectorShapeCastLoweringPatterns(p);
      vector::populateVectorInsertExtractStridedSliceTransforms(p);
    });
  }
};
} // namespace
