//===- CpuTarget.cpp - what the codegen passes know of the CPU --*- C++ -*-===//

#include "tfmc/CpuTarget.h"

#include "tfmc/Codegen.h"

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::tfm;

CpuTarget CpuTarget::get(const llvm::TargetMachine &tm) {
  const llvm::MCSubtargetInfo *info = tm.getMCSubtargetInfo();
  if (info->checkFeatures("+avx512f"))
    return {512, 32};
  if (info->checkFeatures("+avx"))
    return {256, 16};
  return {128, 16};
}

FailureOr<CpuTarget> CpuTarget::forCpu(StringRef cpu, std::string &error) {
  // Only the features are read: the optimization level does not matter.
  FailureOr<std::unique_ptr<llvm::TargetMachine>> tm =
      createTargetMachine(cpu, /*optLevel=*/0, error);
  if (failed(tm))
    return failure();
  return get(**tm);
}

std::string CpuTarget::passOptions() const {
  return "vector-bits=" + std::to_string(vectorBits) +
         " vector-registers=" + std::to_string(vectorRegisters);
}
