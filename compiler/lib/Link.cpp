//===- Link.cpp - static libraries and executables --------------*- C++ -*-===//

#include "tfmc/Link.h"

#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;
using namespace mlir::tfm;

// Any function of this binary: getMainExecutable needs an address in it.
static void anchor() {}

FailureOr<std::string> mlir::tfm::findRuntimeLibrary(const char *argv0,
                                                     std::string &error) {
  std::string exe =
      llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&anchor));
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
  llvm::NewArchiveMember member(
      llvm::MemoryBufferRef(objectData, memberName));
  if (llvm::Error err = llvm::writeArchive(
          outputPath, {std::move(member)}, llvm::SymtabWritingMode::NormalSymtab,
          llvm::object::Archive::K_GNU, /*Deterministic=*/true,
          /*Thin=*/false)) {
    error = llvm::toString(std::move(err));
    return failure();
  }
  return success();
}

LogicalResult mlir::tfm::linkExecutable(StringRef objectPath,
                                        StringRef runtimeLibrary,
                                        StringRef outputPath, StringRef linker,
                                        std::string &error) {
  std::string driver = linker.str();
  if (driver.empty()) {
    for (StringRef name : {"c++", "g++", "clang++"}) {
      if (llvm::ErrorOr<std::string> found =
              llvm::sys::findProgramByName(name)) {
        driver = *found;
        break;
      }
    }
    if (driver.empty()) {
      error = "no C++ compiler driver (c++, g++ or clang++) found on PATH to "
              "link with; pass --linker=PATH";
      return failure();
    }
  }
  SmallVector<StringRef> args = {driver,         objectPath, runtimeLibrary,
                                 "-o",           outputPath, "-lm",
                                 "-lpthread"};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(driver, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    error = "linking with " + driver + " failed" +
            (message.empty() ? "" : ": " + message) + " (exit " +
            std::to_string(rc) + ")";
    return failure();
  }
  return success();
}
