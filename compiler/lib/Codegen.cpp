//===- Codegen.cpp - LLVM dialect to object code, in process ----*- C++ -*-===//

#include "tfmc/Codegen.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace mlir::tfm;

FailureOr<std::unique_ptr<llvm::TargetMachine>>
mlir::tfm::createTargetMachine(StringRef cpu, unsigned optLevel,
                               std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return failure();

  std::string features;
  bool host = cpu.empty() || cpu == "native";
  std::string cpuName = host ? llvm::sys::getHostCPUName().str() : cpu.str();
  if (host) {
    llvm::SubtargetFeatures subtarget;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      subtarget.AddFeature(feature.first(), feature.second);
    features = subtarget.getString();
  } else {
    // Checked against the target's CPU table before a TargetMachine exists:
    // LLVM would warn about an unknown CPU on stderr, once per subtarget, and
    // go on with a generic one.
    std::unique_ptr<llvm::MCSubtargetInfo> generic(
        target->createMCSubtargetInfo(triple, "", ""));
    if (generic && !generic->isCPUStringValid(cpuName)) {
      error = "unknown CPU '" + cpuName +
              "' (expected native, x86-64-v3, x86-64-v4 or another " +
              triple.getArchName().str() + " CPU that `llc -mcpu=help` lists)";
      return failure();
    }
  }
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpuName, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt,
      optLevel == 0   ? llvm::CodeGenOptLevel::None
      : optLevel == 1 ? llvm::CodeGenOptLevel::Less
      : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                      : llvm::CodeGenOptLevel::Aggressive));
  if (!tm) {
    error = "cannot create a target machine for " + triple.str();
    return failure();
  }
  return tm;
}

std::unique_ptr<llvm::Module>
mlir::tfm::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &ctx,
                             llvm::TargetMachine &tm) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, ctx);
  if (!llvmModule)
    return nullptr;
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());
  return llvmModule;
}

LogicalResult mlir::tfm::optimizeLLVMIR(llvm::Module &module,
                                        llvm::TargetMachine &tm,
                                        unsigned optLevel) {
  auto transformer = makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, &tm);
  if (llvm::Error err = transformer(&module)) {
    llvm::errs() << "tfmc: LLVM optimization failed: "
                 << llvm::toString(std::move(err)) << "\n";
    return failure();
  }
  return success();
}

LogicalResult mlir::tfm::emitMachineCode(llvm::Module &module,
                                         llvm::TargetMachine &tm, bool assembly,
                                         llvm::raw_pwrite_stream &os) {
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             assembly ? llvm::CodeGenFileType::AssemblyFile
                                      : llvm::CodeGenFileType::ObjectFile)) {
    llvm::errs() << "tfmc: the target cannot emit this file type\n";
    return failure();
  }
  pm.run(module);
  return success();
}
