//===- TfmOps.h - tfm operations --------------------------------*- C++ -*-===//

#ifndef TFM_IR_TFMOPS_H
#define TFM_IR_TFMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "tfm/IR/TfmDialect.h"

#include "tfm/IR/TfmEnums.h.inc"

namespace mlir::tfm {
/// Query heads per key/value head of attention with queries [B, H, Sq, D]
/// and keys [B, Hkv, Skv, D]: H / Hkv when both are static, else 1 (the
/// verifier then requires them equal at run time).
int64_t attentionGroupSize(Value query, Value key);
} // namespace mlir::tfm

#define GET_OP_CLASSES
#include "tfm/IR/TfmOps.h.inc"

#endif // TFM_IR_TFMOPS_H
