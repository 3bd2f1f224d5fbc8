//===- Pipelines.h - tfmc's named pass pipelines ----------------*- C++ -*-===//
//
// The lowering from tfm to the LLVM dialect, defined once and shared by tfmc,
// tfm-opt and the lit tests. Each stage ends at a level a user can print
// with `tfmc --emit=`.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_PIPELINES_H
#define TFMC_PIPELINES_H

#include "tfmc/CpuTarget.h"

#include "mlir/Pass/PassManager.h"

namespace mlir::tfm {

/// Options shared by the pipelines (and tfmc's -O flags).
struct LoweringOptions {
  unsigned optLevel = 3;
  /// From -O2 on, run the codegen passes' outermost tile loops (scf.forall)
  /// on OpenMP threads; executables then link LLVM's libomp.
  bool openmp = true;
  /// Sizes the codegen's register tiles and attention's vectors (from -O2 on).
  CpuTarget target;

  bool useOpenMP() const { return optLevel >= 2 && openmp; }
};

/// tfm -> linalg, tensor, arith and math on tensors (`--emit=linalg`).
LogicalResult buildTfmToLinalgPipeline(OpPassManager &pm,
                                       const LoweringOptions &options);
/// linalg on tensors -> loops on buffers (`--emit=loops`).
LogicalResult buildLinalgToLoopsPipeline(OpPassManager &pm,
                                         const LoweringOptions &options);
/// loops on buffers -> the LLVM dialect (`--emit=llvm-mlir`).
LogicalResult buildLoopsToLLVMPipeline(OpPassManager &pm,
                                       const LoweringOptions &options);
/// All three in order.
LogicalResult buildTfmToLLVMPipeline(OpPassManager &pm,
                                     const LoweringOptions &options);

/// Registers the pipelines with the pass registry (`tfm-opt --tfm-...`).
void registerTfmPipelines();

} // namespace mlir::tfm

#endif // TFMC_PIPELINES_H
