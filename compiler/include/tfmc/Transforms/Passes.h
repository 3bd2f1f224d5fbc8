//===- Passes.h - model-level passes of tfmc --------------------*- C++ -*-===//

#ifndef TFMC_TRANSFORMS_PASSES_H
#define TFMC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tfm {

#define GEN_PASS_DECL
#include "tfmc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfmc/Transforms/Passes.h.inc"

} // namespace mlir::tfm

#endif // TFMC_TRANSFORMS_PASSES_H
