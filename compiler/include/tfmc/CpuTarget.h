//===- CpuTarget.h - what the codegen passes know of the CPU ----*- C++ -*-===//
//
// The target features that size the codegen's register tiles, derived once
// from the TargetMachine of `--target-cpu` and handed to the passes as
// options. Cache tiles and the weight panel width (TFM_PANEL_COLUMNS) are
// layout decisions shared with the frontend and the runtime: not in here.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_CPUTARGET_H
#define TFMC_CPUTARGET_H

#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace mlir::tfm {

struct CpuTarget {
  /// Width of a vector register; the passes take as many f32 lanes.
  int64_t vectorBits = 512;
  /// Number of vector registers.
  int64_t vectorRegisters = 32;

  /// The widest vector unit of `tm`'s CPU: AVX-512 (avx512f) 512 bits and
  /// 32 zmm registers, AVX/AVX2 256 bits and 16 ymm, otherwise SSE 128 bits
  /// and 16 xmm.
  static CpuTarget get(const llvm::TargetMachine &tm);
  /// The same for a CPU named as tfmc's --target-cpu takes it ("native" or
  /// "" = the host); fails with a message for an unknown CPU.
  static FailureOr<CpuTarget> forCpu(StringRef cpu, std::string &error);

  /// The codegen passes' options for this target:
  /// "vector-bits=512 vector-registers=32".
  std::string passOptions() const;
};

} // namespace mlir::tfm

#endif // TFMC_CPUTARGET_H
