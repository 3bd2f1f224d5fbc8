//===- Passes.h - tfmc CPU codegen passes -----------------------*- C++ -*-===//
//
// Tiling, vectorization and threads on linalg, vector, scf and OpenMP; no
// tfm op appears in them. Sizes that depend on the target (vector width,
// registers) are pass options the pipelines set (see tfmc/CpuTarget.h).
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_CODEGEN_PASSES_H
#define TFMC_CODEGEN_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace tfm {
#define GEN_PASS_DECL
#include "tfmc/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfmc/Codegen/Passes.h.inc"
} // namespace tfm
} // namespace mlir

#endif // TFMC_CODEGEN_PASSES_H
