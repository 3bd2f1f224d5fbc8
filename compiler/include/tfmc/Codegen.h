//===- Codegen.h - LLVM dialect to object code, in process ------*- C++ -*-===//

#ifndef TFMC_CODEGEN_H
#define TFMC_CODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace mlir::tfm {

/// A TargetMachine for the host triple and `cpu` ("" or "native" = the host
/// CPU with its features; otherwise a name of the target's CPU table, such
/// as the portable levels x86-64-v3 and x86-64-v4). Fails with a one-line
/// message for an unknown CPU, before LLVM could warn about it.
FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef cpu, unsigned optLevel, std::string &error);

/// Translates a module in the LLVM dialect to LLVM IR for `tm`.
std::unique_ptr<llvm::Module> translateToLLVMIR(ModuleOp module,
                                                llvm::LLVMContext &ctx,
                                                llvm::TargetMachine &tm);

/// Runs LLVM's optimization pipeline at `optLevel` (0-3).
LogicalResult optimizeLLVMIR(llvm::Module &module, llvm::TargetMachine &tm,
                             unsigned optLevel);

/// Emits an object file or assembly for `module`.
LogicalResult emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm,
                              bool assembly, llvm::raw_pwrite_stream &os);

} // namespace mlir::tfm

#endif // TFMC_CODEGEN_H
