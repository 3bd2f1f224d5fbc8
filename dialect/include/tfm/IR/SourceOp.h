//===- SourceOp.h - naming the op a lowering came from ----------*- C++ -*-===//

#ifndef TFM_IR_SOURCEOP_H
#define TFM_IR_SOURCEOP_H

#include "mlir/IR/Operation.h"

#include <string>

namespace mlir::tfm {

/// Where an op came from, for run-time error messages: "model.mlir:12:8"
/// (or the name) of the location the lowering kept, else the op's name.
/// Every pass that emits a run-time check names the op the same way.
std::string describeSourceOp(Operation *op);

} // namespace mlir::tfm

#endif // TFM_IR_SOURCEOP_H
