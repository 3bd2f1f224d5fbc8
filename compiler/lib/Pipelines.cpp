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
// flag meet the canonicalizer), then lower every tfm op to linalg. From -O2
// on, attention first becomes fused flash-style loops (kFuseAttention).
// Weights in the layout the kernels read; it leaves arguments that already
// have one as they are, so tfmc may run it first on its own (to read the
// entry points' signatures) and again here.
static constexpr const char *kWeightLayouts = "tfm-choose-weight-layouts,";
static constexpr const char *kDecompose = "tfm-decompose-multi-head-attention,"
                                          "canonicalize,";
// Attention's vectors follow the target (forTarget).
static constexpr const char *kFuseAttention = "tfm-fuse-attention";
static constexpr const char *kTfmToLinalg =
    "tfm-lower-to-linalg,"
    "func.func(convert-elementwise-to-linalg),"
    "canonicalize,cse,"
    "tfm-check-shapes,"
    "canonicalize,cse";

// Stage 2: fuse elementwise producers, bufferize with identity layouts at
// function boundaries (the runtime passes contiguous buffers), free
// temporaries, and lower linalg to loops. Threads come from scf.forall tile
// loops (from -O2 on): those of the codegen passes, and rows of every other
// linalg op (tfm-tile-rows-for-threads); with OpenMP the outermost forall of
// each nest becomes an scf.parallel, otherwise all become sequential loops.
// Each iteration writes its own part of the output and keeps its reductions
// sequential, so results do not depend on the number of threads.
static constexpr const char *kFuseElementwise =
    "func.func(tfm-fuse-elementwise),"
    "canonicalize,cse,";
static constexpr const char *kTileRowsForThreads =
    "func.func(tfm-tile-rows-for-threads),canonicalize,";
// From -O2 on, before bufferization: matmul-like ops tiled for caches and
// registers and vectorized, with their epilogues fused; register tiles are
// sized for the target (forTarget).
static constexpr const char *kTileAndVectorize =
    "tfm-tile-and-vectorize-contractions";
static constexpr const char *kAfterTileAndVectorize = "canonicalize,cse,";
// Packed weights the codegen did not read in place become copies first
// (MLIR 22 does not bufferize linalg.unpack).
static constexpr const char *kBufferize =
    "func.func(tfm-lower-packs),"
    "eliminate-empty-tensors,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,";
static constexpr const char *kForallToThreads =
    "func.func(tfm-map-forall-to-threads),";
static constexpr const char *kForallToLoops = "func.func(scf-forall-to-for),";
// Scratch tiles of forall bodies (fused attention) leave the loops that
// are sequential now (see tfm-hoist-loop-allocas).
static constexpr const char *kLinalgToLoops =
    "func.func(tfm-hoist-loop-allocas),"
    "func.func(convert-linalg-to-loops),canonicalize,cse";

// From -O2 on: named ops become generics so that one pass can relax the
// summation order of every reduction (see tfm-reassociate-reductions).
static constexpr const char *kRelaxReductions =
    "func.func(linalg-generalize-named-ops),"
    "tfm-reassociate-reductions";

// Stage 3: parallel loops become OpenMP regions in which each thread runs
// its static share of the iterations (tfm-simplify-parallel-regions); C
// wrappers for the runtime's ABI are requested before libm declarations
// appear (those keep their plain C names); memref ops are finalized before
// the scf loops nested in OpenMP regions turn into blocks (an alloca scope
// holds a single block); clones that deallocation left (a function returning
// its argument) become allocations and copies; then everything goes to the
// LLVM dialect. Strided copies call memrefCopy, which the runtime provides.
static constexpr const char *kOpenMP =
    "convert-scf-to-openmp,tfm-simplify-parallel-regions,";
// From -O2 on: exp, erf and tanh become inline polynomials (see
// tfm-approximate-math) so that LLVM can vectorize softmax and GELU loops.
static constexpr const char *kApproximateMath =
    "func.func(tfm-approximate-math),";
// Vector ops (from the codegen passes) to 1-D vector ops, in stages, before
// any loop moves into an OpenMP region.
static constexpr const char *kLowerVectors = "func.func(tfm-lower-vectors),";
static constexpr const char *kLoopsToLLVM =
    "func.func(llvm-request-c-wrappers),"
    "convert-bufferization-to-memref,"
    "expand-strided-metadata,"
    "lower-affine,"
    "finalize-memref-to-llvm,"
    "convert-scf-to-cf,"
    "convert-vector-to-llvm,"
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

/// `pass` with the options of `target` ("pass{vector-bits=... ...}").
static std::string forTarget(const char *pass, const CpuTarget &target) {
  return std::string(pass) + "{" + target.passOptions() + "}";
}

LogicalResult
mlir::tfm::buildTfmToLinalgPipeline(OpPassManager &pm,
                                    const LoweringOptions &options) {
  return addStage(pm, std::string(kWeightLayouts) + kDecompose +
                          (options.optLevel >= 2
                               ? forTarget(kFuseAttention, options.target) + ","
                               : "") +
                          kTfmToLinalg);
}

LogicalResult
mlir::tfm::buildLinalgToLoopsPipeline(OpPassManager &pm,
                                      const LoweringOptions &options) {
  bool optimize = options.optLevel >= 2;
  if (optimize && failed(addStage(pm, kRelaxReductions)))
    return failure();
  bool threads = options.useOpenMP();
  std::string tileAndVectorize =
      optimize ? "func.func(" + forTarget(kTileAndVectorize, options.target) +
                     ")," + kAfterTileAndVectorize
               : "";
  return addStage(pm, std::string(kFuseElementwise) + tileAndVectorize +
                          (threads ? kTileRowsForThreads : "") + kBufferize +
                          (threads ? kForallToThreads : kForallToLoops) +
                          kLinalgToLoops);
}

LogicalResult
mlir::tfm::buildLoopsToLLVMPipeline(OpPassManager &pm,
                                    const LoweringOptions &options) {
  return addStage(pm,
                  std::string(options.optLevel >= 2 ? kApproximateMath : "") +
                      kLowerVectors + (options.useOpenMP() ? kOpenMP : "") +
                      kLoopsToLLVM);
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
  Option<bool> openmp{*this, "openmp",
                      llvm::cl::desc("Run tile loops on OpenMP threads "
                                     "from -O2 on"),
                      llvm::cl::init(true)};
  Option<std::string> targetCpu{
      *this, "target-cpu",
      llvm::cl::desc("Target CPU whose vector registers size the codegen's "
                     "tiles, as tfmc's --target-cpu (default: the host)"),
      llvm::cl::init("native")};
  FailureOr<LoweringOptions> get(std::string &error) const {
    FailureOr<CpuTarget> target = CpuTarget::forCpu(targetCpu, error);
    if (failed(target))
      return failure();
    return LoweringOptions{optLevel, openmp, *target};
  }
};
} // namespace

void mlir::tfm::registerTfmPipelines() {
  auto reg =
      [](StringRef name, StringRef description,
         LogicalResult (*build)(OpPassManager &, const LoweringOptions &)) {
        // PassPipelineRegistration, with a way to report an unknown CPU.
        registerPassPipeline(
            name, description,
            [build](OpPassManager &pm, StringRef text,
                    function_ref<LogicalResult(const Twine &)> errorHandler) {
              PipelineOptions options;
              if (failed(options.parseFromString(text)))
                return failure();
              std::string error;
              FailureOr<LoweringOptions> lowering = options.get(error);
              if (failed(lowering))
                return errorHandler(error);
              // Errors in a built-in pipeline string are bugs caught by the
              // tests; report rather than silently run less.
              if (failed(build(pm, *lowering)))
                llvm::report_fatal_error("tfm: invalid built-in pipeline");
              return success();
            },
            [](function_ref<void(const detail::PassOptions &)> handler) {
              handler(PipelineOptions());
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
