//===- Link.cpp - static libraries and executables --------------*- C++ -*-===//

#include "tfmc/Link.h"

#include "tfm/Runtime.h"

#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <vector>

using namespace mlir;
using namespace mlir::tfm;

// Any function of this binary: getMainExecutable needs an address in it.
static void anchor() {}

FailureOr<std::string> mlir::tfm::findRuntimeLibrary(const char *argv0,
                                                     std::string &error) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&anchor));
  llvm::SmallString<256> path(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(path, "..", "lib", "libtfm_runtime.a");
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  if (!llvm::sys::fs::exists(path)) {
    error = "runtime library not found at " + path.str().str() +
            " (tfmc looks in ../lib next to its own binary)";
    return failure();
  }
  return path.str().str();
}

LogicalResult mlir::tfm::writeStaticLibrary(StringRef objectData,
                                            StringRef memberName,
                                            StringRef outputPath,
                                            std::string &error) {
  llvm::NewArchiveMember member(llvm::MemoryBufferRef(objectData, memberName));
  if (llvm::Error err = llvm::writeArchive(
          outputPath, {std::move(member)},
          llvm::SymtabWritingMode::NormalSymtab, llvm::object::Archive::K_GNU,
          /*Deterministic=*/true,
          /*Thin=*/false)) {
    error = llvm::toString(std::move(err));
    return failure();
  }
  return success();
}

SmallVector<std::string> mlir::tfm::openMPLinkFlags() {
  std::string dir = TFM_OPENMP_LIBRARY_DIR;
  return {"-L" + dir, "-lomp", "-Wl,-rpath," + dir};
}

StringRef mlir::tfm::defaultLinker() { return TFM_DEFAULT_LINKER; }

/// The driver to link with when none is given: the one tfmc was built with,
/// else (a build tree moved to a machine without it) the first C++ driver on
/// PATH.
static FailureOr<std::string> findDefaultLinker(std::string &error) {
  StringRef builtWith = defaultLinker();
  if (llvm::sys::fs::can_execute(builtWith))
    return builtWith.str();
  for (StringRef name : {"c++", "g++", "clang++"})
    if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name))
      return *found;
  error = "no C++ compiler driver to link with: " + builtWith.str() +
          " is missing and none of c++, g++ or clang++ is on PATH; pass "
          "--linker=PATH";
  return failure();
}

LogicalResult mlir::tfm::linkExecutable(StringRef objectPath,
                                        StringRef runtimeLibrary,
                                        StringRef outputPath, StringRef linker,
                                        bool openmp, std::string &error) {
  std::string driver = linker.str();
  if (driver.empty()) {
    FailureOr<std::string> found = findDefaultLinker(error);
    if (failed(found))
      return failure();
    driver = *found;
  }
  SmallVector<std::string> args = {driver,     objectPath.str(),
                                   runtimeLibrary.str(), "-o",
                                   outputPath.str(), "-lm", "-lpthread"};
  if (openmp)
    llvm::append_range(args, openMPLinkFlags());
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::string message;
  int rc =
      llvm::sys::ExecuteAndWait(driver, argRefs, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    error = "linking with " + driver + " failed" +
            (message.empty() ? "" : ": " + message) + " (exit " +
            std::to_string(rc) + ")";
    return failure();
  }
  return success();
}

LogicalResult mlir::tfm::appendWeights(StringRef exePath,
                                       const WeightsWriter &writeWeights,
                                       std::string &error) {
  // tell() of an appending stream counts from where it started, not from
  // the start of the file: take the size first.
  uint64_t offset = 0;
  std::error_code ec = llvm::sys::fs::file_size(exePath, offset);
  if (ec) {
    error = exePath.str() + ": " + ec.message();
    return failure();
  }
  llvm::raw_fd_ostream out(exePath, ec, llvm::sys::fs::OF_Append);
  if (ec) {
    error = exePath.str() + ": " + ec.message();
    return failure();
  }
  constexpr uint64_t kPage = 4096;
  uint64_t padding = (kPage - offset % kPage) % kPage;
  out.write_zeros(padding);
  offset += padding;

  uint64_t size = 0;
  if (failed(writeWeights(out, size, error)))
    return failure();

  char trailer[24];
  std::memcpy(trailer, TFM_WEIGHTS_MAGIC, 8);
  for (int i = 0; i < 8; ++i) {
    trailer[8 + i] = static_cast<char>(offset >> (8 * i));
    trailer[16 + i] = static_cast<char>(size >> (8 * i));
  }
  out.write(trailer, sizeof(trailer));
  out.close();
  if (out.has_error()) {
    error = exePath.str() + ": " + out.error().message();
    out.clear_error();
    return failure();
  }
  return success();
}
