//===- EntryPoints.h - the entry points of a compiled module ----*- C++ -*-===//
//
// Every public func.func of the input becomes an entry point. Their tensor
// signatures are recorded before lowering (the LLVM dialect has lost them)
// and emitted, next to uniform `invoke` wrappers, as the `tfm_module_desc`
// table that the runtime reads (runtime/include/tfm/Runtime.h).
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_ENTRYPOINTS_H
#define TFMC_ENTRYPOINTS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir::tfm {

/// One tensor of an entry point: a tfm_dtype code and its dimensions
/// (negative = dynamic).
struct TensorSignature {
  int32_t dtype;
  llvm::SmallVector<int64_t> dims;
};

struct EntryPoint {
  std::string name;
  llvm::SmallVector<TensorSignature> args, results;
};

/// Collects the public functions of `module`; emits a diagnostic and fails
/// when one takes or returns something other than a ranked tensor of a
/// supported element type, or when there is none.
FailureOr<llvm::SmallVector<EntryPoint>> collectEntryPoints(ModuleOp module);

/// Adds `__tfm_invoke_<name>` wrappers, and the `tfm_module_desc` table when
/// `withTable` is set, to a translated module; the raw lowered functions
/// become internal so that their names cannot clash with the runtime's.
void emitEntryPoints(llvm::Module &module, llvm::ArrayRef<EntryPoint> entries,
                     bool withTable);

/// Writes a C header that declares the entry points' C interfaces for users
/// who link the static library into their own program.
void writeCHeader(llvm::raw_ostream &os, llvm::ArrayRef<EntryPoint> entries,
                  llvm::StringRef source);

} // namespace mlir::tfm

#endif // TFMC_ENTRYPOINTS_H
