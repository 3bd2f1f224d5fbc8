//===- Pipelines.cpp - tfmc's named pass pipelines --------------*- C++ -*-===//
//
// The only place where tfmc's pass lists are written down. Stages are
// textual pipelines of registered passes so that a reader can paste any of
// them into `tfm-opt --pass-pipeline=...` to reproduce one step.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::tfm;

// Stage 1: decompose multi-head attention (so attention masks and the causal
// flag meet the canonicalizer), then lower every tfm op to linalg.
static constexpr const char *kTfmToLinalg =
    "tfm-decompose-multi-head-attention,"
    "canonicalize,"
    "tfm-lower-to-linalg,"
    "func.func(convert-elementwise-to-linalg),"
    "canonicalize,cse,"
    "tfm-check-shapes,"
    "canonicalize,cse";

// Stage 2: fuse elementwise producers, bufferize with identity layouts at
// function boundaries (the runtime passes contiguous buffers), free
// temporaries, and lower linalg to loops.
static constexpr const char *kLinalgToLoops =
    "func.func(linalg-fuse-elementwise-ops),"
    "canonicalize,cse,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,"
    "func.func(convert-linalg-to-loops),"
    "canonicalize,cse";

// Stage 3: C wrappers for the runtime's ABI (requested before libm
// declarations appear, which must keep their plain C names), then everything
// to the LLVM dialect.
static constexpr const char *kLoopsToLLVM =
    "func.func(llvm-request-c-wrappers),"
    "lower-affine,"
    "convert-scf-to-cf,"
    "expand-strided-metadata,"
    "lower-affine,"
    "convert-math-to-llvm,"
    "convert-math-to-libm,"
    "finalize-memref-to-llvm,"
    "convert-arith-to-llvm,"
    "convert-index-to-llvm,"
    "convert-cf-to-llvm,"
    "convert-func-to-llvm,"
    "convert-ub-to-llvm,"
    "reconcile-unrealized-casts,"
    "canonicalize,cse";

static LogicalResult addStage(OpPassManager &pm, const char *pipeline) {
  return parsePassPipeline(pipeline, pm, llvm::errs());
}

LogicalResult mlir::tfm::buildTfmToLinalgPipeline(OpPassManager &pm,
                                                  const LoweringOptions &) {
  return addStage(pm, kTfmToLinalg);
}

// From -O2 on: named ops become generics so that one pass can relax the
// summation order of every reduction (see tfm-reassociate-reductions).
static constexpr const char *kRelaxReductions =
    "func.func(linalg-generalize-named-ops),"
    "tfm-reassociate-reductions";

LogicalResult
mlir::tfm::buildLinalgToLoopsPipeline(OpPassManager &pm,
                                      const LoweringOptions &options) {
  if (options.optLevel >= 2 && failed(addStage(pm, kRelaxReductions)))
    return failure();
  return addStage(pm, kLinalgToLoops);
}

LogicalResult mlir::tfm::buildLoopsToLLVMPipeline(OpPassManager &pm,
                                                  const LoweringOptions &) {
  return addStage(pm, kLoopsToLLVM);
}

LogicalResult
mlir::tfm::buildTfmToLLVMPipeline(OpPassManager &pm,
                                  const LoweringOptions &options) {
  return success(succeeded(buildTfmToLinalgPipeline(pm, options)) &&
                 succeeded(buildLinalgToLoopsPipeline(pm, options)) &&
                 succeeded(buildLoopsToLLVMPipeline(pm, options)));
}

namespace {
struct PipelineOptions : public PassPipelineOptions<PipelineOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimization level 0-3"),
                            llvm::cl::init(3)};
  LoweringOptions get() const { return {optLevel}; }
};
} // namespace

void mlir::tfm::registerTfmPipelines() {
  auto reg =
      [](StringRef name, StringRef description,
         LogicalResult (*build)(OpPassManager &, const LoweringOptions &)) {
        PassPipelineRegistration<PipelineOptions>(
            name, description,
            [build](OpPassManager &pm, const PipelineOptions &options) {
              // Errors in a built-in pipeline string are bugs caught by the
              // tests; report rather than silently run less.
              if (failed(build(pm, options.get())))
                llvm::report_fatal_error("tfm: invalid built-in pipeline");
            });
      };
  reg("tfm-to-linalg", "Lower tfm to linalg on tensors",
      buildTfmToLinalgPipeline);
  reg("tfm-linalg-to-loops", "Bufferize linalg and lower it to loops",
      buildLinalgToLoopsPipeline);
  reg("tfm-loops-to-llvm", "Lower loops on buffers to the LLVM dialect",
      buildLoopsToLLVMPipeline);
  reg("tfm-lower-to-llvm", "Lower tfm all the way to the LLVM dialect",
      buildTfmToLLVMPipeline);
}
