//===- Pipelines.cpp - tfmc's named pass pipelines --------------*- C++ -*-===//
//
// The only place where tfmc's pass lists are written down. Stages are
// textual pipelines of registered passes so that a reader can paste any of
// them into `tfm-opt --pass-pipeline=...` to reproduce one step.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"

#include <string>

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
// temporaries, and lower linalg to loops: sequential loops at -O0/-O1;
// from -O2 on, the outermost parallel loop of each nest becomes an
// scf.parallel (through affine loops, which keep the loop order of the
// linalg op, so inner loops still run along contiguous rows).
// Reductions stay sequential inside each parallel iteration, so results do
// not depend on the number of threads.
static constexpr const char *kFuseElementwise =
    "func.func(linalg-fuse-elementwise-ops),"
    "canonicalize,cse,";
// From -O2 on, before bufferization: matmul-like ops tiled for caches and
// registers and vectorized, with their epilogues fused; math functions as
// polynomials so that they vectorize.
static constexpr const char *kTileAndVectorize =
    "func.func(tfm-tile-and-vectorize-contractions),"
    "func.func(tfm-approximate-math),"
    "canonicalize,cse,";
static constexpr const char *kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,";
static constexpr const char *kForallToLoops = "func.func(scf-forall-to-for),";
static constexpr const char *kForallToThreads =
    "func.func(tfm-map-forall-to-threads),";
static constexpr const char *kSequentialLoops =
    "func.func(convert-linalg-to-loops),canonicalize,cse";
static constexpr const char *kParallelLoops =
    "func.func(convert-linalg-to-affine-loops),"
    "func.func(affine-parallelize{max-nested=1}),"
    "lower-affine,canonicalize,cse";

// From -O2 on: named ops become generics so that one pass can relax the
// summation order of every reduction (see tfm-reassociate-reductions).
static constexpr const char *kRelaxReductions =
    "func.func(linalg-generalize-named-ops),"
    "tfm-reassociate-reductions";

// Stage 3: parallel loops become OpenMP worksharing loops (from -O2 on); C
// wrappers for the runtime's ABI are requested before libm declarations
// appear (those keep their plain C names); memref ops are finalized before
// the scf loops nested in OpenMP regions turn into blocks (an alloca scope
// holds a single block); clones that deallocation left (a function returning
// its argument) become allocations and copies; then everything goes to the
// LLVM dialect. Strided copies call memrefCopy, which the runtime provides.
static constexpr const char *kOpenMP = "convert-scf-to-openmp,";
// Vector ops (from the codegen passes) to 1-D vector ops, in stages, before
// any loop moves into an OpenMP region.
static constexpr const char *kLowerVectors = "func.func(tfm-lower-vectors),";
static constexpr const char *kLoopsToLLVM =
    "func.func(llvm-request-c-wrappers),"
    "convert-bufferization-to-memref,"
    "expand-strided-metadata,"
    "lower-affine,"
    "convert-vector-to-llvm,"
    "finalize-memref-to-llvm,"
    "convert-scf-to-cf,"
    "convert-math-to-llvm,"
    "convert-math-to-libm,"
    "convert-arith-to-llvm,"
    "convert-index-to-llvm,"
    "convert-cf-to-llvm,"
    "convert-func-to-llvm,"
    "convert-openmp-to-llvm,"
    "convert-ub-to-llvm,"
    "reconcile-unrealized-casts,"
    "canonicalize,cse";

static LogicalResult addStage(OpPassManager &pm, const std::string &pipeline) {
  return parsePassPipeline(pipeline, pm, llvm::errs());
}

LogicalResult mlir::tfm::buildTfmToLinalgPipeline(OpPassManager &pm,
                                                  const LoweringOptions &) {
  return addStage(pm, kTfmToLinalg);
}

LogicalResult
mlir::tfm::buildLinalgToLoopsPipeline(OpPassManager &pm,
                                      const LoweringOptions &options) {
  bool optimize = options.optLevel >= 2;
  if (optimize && failed(addStage(pm, kRelaxReductions)))
    return failure();
  // The tile loops (scf.forall) carry the threads; the affine path of
  // kParallelLoops cannot take linalg ops nested in scf loops.
  if (optimize)
    return addStage(
        pm, std::string(kFuseElementwise) + kTileAndVectorize + kBufferize +
                (options.useOpenMP() ? kForallToThreads : kForallToLoops) +
                kSequentialLoops);
  return addStage(
      pm, std::string(kFuseElementwise) + kBufferize +
              (options.useOpenMP() ? kParallelLoops : kSequentialLoops));
}

LogicalResult
mlir::tfm::buildLoopsToLLVMPipeline(OpPassManager &pm,
                                    const LoweringOptions &options) {
  return addStage(pm, std::string(kLowerVectors) +
                          (options.useOpenMP() ? kOpenMP : "") + kLoopsToLLVM);
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
  Option<bool> parallel{*this, "parallel",
                        llvm::cl::desc("OpenMP threads from -O2 on"),
                        llvm::cl::init(false)};
  LoweringOptions get() const { return {optLevel, parallel}; }
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
