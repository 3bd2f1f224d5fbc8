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
#include <vector>

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
  // From the `tfm.input` / `tfm.weight` argument attributes of model
  // entry points (tfm_arg_kind values and names; empty names otherwise).
  llvm::SmallVector<int32_t> argKinds;
  llvm::SmallVector<std::string> argNames;
  // Rows of the stored matrix of TFM_ARG_WEIGHT_PANELS arguments, else 0.
  llvm::SmallVector<int64_t> argRows;
};

/// What the runtime learns about a compiled module besides its entries.
struct ModuleInfo {
  std::string modelConfig; // JSON; empty for plain tfm IR
  std::string weightsPath; // external weights; empty when embedded
};

/// Collects the public functions of `module`; emits a diagnostic and fails
/// when one takes or returns something other than a ranked tensor of a
/// supported element type, or when there is none.
FailureOr<std::vector<EntryPoint>> collectEntryPoints(ModuleOp module);

/// Adds `__tfm_invoke_<name>` wrappers, and the `tfm_module_desc` table when
/// `withTable` is set, to a translated module; the raw lowered functions
/// become internal so that their names cannot clash with the runtime's.
void emitEntryPoints(llvm::Module &module, llvm::ArrayRef<EntryPoint> entries,
                     bool withTable, const ModuleInfo &info = {});

/// Writes a C header that declares the entry points' C interfaces for users
/// who link the static library into their own program.
/// `libraryName` (the header's own name) makes its include guard.
void writeCHeader(llvm::raw_ostream &os, llvm::ArrayRef<EntryPoint> entries,
                  llvm::StringRef source, llvm::StringRef libraryName,
                  llvm::StringRef linkFlags);

} // namespace mlir::tfm

#endif // TFMC_ENTRYPOINTS_H
