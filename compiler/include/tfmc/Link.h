//===- Link.h - static libraries and executables ----------------*- C++ -*-===//

#ifndef TFMC_LINK_H
#define TFMC_LINK_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/MemoryBuffer.h"

#include <string>

namespace mlir::tfm {

/// The runtime library next to tfmc: <bin>/../lib/libtfm_runtime.a, which is
/// where both the build tree and an installed tree keep it.
FailureOr<std::string> findRuntimeLibrary(const char *argv0,
                                          std::string &error);

/// Writes a static library holding one object file.
LogicalResult writeStaticLibrary(llvm::StringRef objectData,
                                 llvm::StringRef memberName,
                                 llvm::StringRef outputPath,
                                 std::string &error);

/// The C++ compiler driver executables are linked with when no linker is
/// given: the one tfmc was built with (its path is fixed at configure time).
llvm::StringRef defaultLinker();

/// Links `objectPath` with the runtime into an executable by invoking a C++
/// compiler driver (`linker`, or defaultLinker() when empty, or the first
/// c++, g++ or clang++ on PATH when that one is missing). With
/// `openmp`, also with LLVM's libomp (the executable's one dependency beyond
/// the C and C++ libraries, found through an rpath).
LogicalResult linkExecutable(llvm::StringRef objectPath,
                             llvm::StringRef runtimeLibrary,
                             llvm::StringRef outputPath, llvm::StringRef linker,
                             bool openmp, std::string &error);

/// The linker flags for LLVM's libomp, which code with OpenMP loops calls
/// (-L, -lomp and an rpath to Debian's LLVM library directory).
SmallVector<std::string> openMPLinkFlags();

/// Writes a safetensors file to the stream, adding the bytes written to
/// `size`; on failure sets `error`.
using WeightsWriter = llvm::function_ref<LogicalResult(
    llvm::raw_ostream &out, uint64_t &size, std::string &error)>;

/// Appends the weights that `writeWeights` writes (see PackWeights.h) to the
/// executable at `exePath`, page-aligned, followed by the trailer described
/// in Runtime.h.
LogicalResult appendWeights(llvm::StringRef exePath,
                            const WeightsWriter &writeWeights,
                            std::string &error);

} // namespace mlir::tfm

#endif // TFMC_LINK_H
