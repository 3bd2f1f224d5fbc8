//===- fuzz-model-json.cpp - libFuzzer target: loadModelConfig ------------===//
//
// The bytes become model.json in a scratch folder that also holds the files
// a valid description names (model.safetensors, vocab.txt, ...), so that
// inputs get past the path checks to the checks between keys.
//
//===----------------------------------------------------------------------===//

#include "tfmc/ModelConfig.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

static const std::string &scratchDir() {
  static std::string dir = [] {
    // In memory when possible: a file is written per input.
    const char *tmp = std::getenv("TMPDIR");
    std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                       : tmp && *tmp                 ? tmp
                                                     : "/tmp";
    std::string pattern = base + "/fuzz-model-json.XXXXXX";
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    for (const char *name : {"model.safetensors", "vocab.txt",
                             "src_vocab.txt", "tgt_vocab.txt"}) {
      std::FILE *f = std::fopen((pattern + "/" + name).c_str(), "wb");
      if (!f)
        std::abort();
      std::fclose(f);
    }
    return pattern;
  }();
  return dir;
}

// Removes the scratch folder when the fuzzer exits normally.
static void cleanUp() {
  const std::string &dir = scratchDir();
  for (const char *name : {"model.json", "model.safetensors", "vocab.txt",
                           "src_vocab.txt", "tgt_vocab.txt"})
    unlink((dir + "/" + name).c_str());
  rmdir(dir.c_str());
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  scratchDir();
  std::atexit(cleanUp);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = scratchDir() + "/model.json";
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  std::string error;
  mlir::FailureOr<mlir::tfm::ModelConfig> config =
      mlir::tfm::loadModelConfig(path, error);
  if (mlir::failed(config) && error.empty())
    std::abort(); // a failure always says why
  return 0;
}
