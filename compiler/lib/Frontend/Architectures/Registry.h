//===- Registry.h - every architecture tfmc compiles ------------*- C++ -*-===//
//
// One line per architecture file. Their order is the order the errors list
// them in.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_LIB_FRONTEND_ARCHITECTURES_REGISTRY_H
#define TFMC_LIB_FRONTEND_ARCHITECTURES_REGISTRY_H

#include "tfmc/Frontend/Architecture.h"

#include <memory>
#include <vector>

namespace mlir::tfm {

std::unique_ptr<ArchitectureSpec> createTorchEncoderArchitecture();
std::unique_ptr<ArchitectureSpec> createTorchDecoderArchitecture();
std::unique_ptr<ArchitectureSpec> createTorchEncoderDecoderArchitecture();
std::unique_ptr<ArchitectureSpec> createLlamaArchitecture();
std::unique_ptr<ArchitectureSpec> createQwen2Architecture();
std::unique_ptr<ArchitectureSpec> createMistralArchitecture();
std::unique_ptr<ArchitectureSpec> createGpt2Architecture();
std::unique_ptr<ArchitectureSpec> createBertArchitecture();

inline void
registerArchitectures(std::vector<std::unique_ptr<ArchitectureSpec>> &list) {
  list.push_back(createTorchEncoderArchitecture());
  list.push_back(createTorchDecoderArchitecture());
  list.push_back(createTorchEncoderDecoderArchitecture());
  // Hugging Face model types.
  list.push_back(createLlamaArchitecture());
  list.push_back(createQwen2Architecture());
  list.push_back(createMistralArchitecture());
  list.push_back(createGpt2Architecture());
  list.push_back(createBertArchitecture());
}

} // namespace mlir::tfm

#endif // TFMC_LIB_FRONTEND_ARCHITECTURES_REGISTRY_H
