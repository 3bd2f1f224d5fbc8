//===- fuzz-hf-config.cpp - libFuzzer target: loadCheckpoint --------------===//
//
// The bytes become config.json in a scratch checkpoint directory that also
// holds an (empty) model.safetensors, so that inputs get past the search
// for the weights to every architecture's key checks.
//
//===----------------------------------------------------------------------===//

#include "tfmc/ModelConfig.h"

#include "llvm/Support/LogicalResult.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

static const std::string &scratchDir() {
  static std::string dir = [] {
    const char *tmp = std::getenv("TMPDIR");
    std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                       : tmp && *tmp                 ? tmp
                                                     : "/tmp";
    std::string pattern = base + "/fuzz-hf-config.XXXXXX";
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::FILE *f = std::fopen((pattern + "/model.safetensors").c_str(), "wb");
    if (!f)
      std::abort();
    std::fclose(f);
    return pattern;
  }();
  return dir;
}

// Removes the scratch folder when the fuzzer exits normally.
static void cleanUp() {
  const std::string &dir = scratchDir();
  for (const char *name : {"config.json", "model.safetensors"})
    unlink((dir + "/" + name).c_str());
  rmdir(dir.c_str());
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  scratchDir();
  std::atexit(cleanUp);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = scratchDir() + "/config.json";
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  std::string error;
  mlir::FailureOr<mlir::tfm::ModelConfig> config =
      mlir::tfm::loadCheckpoint(scratchDir(), error);
  if (mlir::failed(config) && error.empty())
    std::abort(); // a failure always says why
  if (mlir::succeeded(config))
    (void)mlir::tfm::expectedWeights(*config); // the tensor-name table
  return 0;
}
