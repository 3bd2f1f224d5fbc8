//===- CheckWeights.cpp - the weights file against the model ----*- C++ -*-===//

#include "tfmc/Frontend/Architecture.h"
#include "tfmc/ModelBuilder.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "tfm/formats/Safetensors.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::tfm;

FailureOr<std::vector<WeightSpec>>
mlir::tfm::checkWeights(const ModelConfig &config, std::string &error) {
  // Every shard's header; a tensor may be in any of them.
  std::vector<std::string> files = config.weightShards;
  if (files.empty())
    files.push_back(config.weightsPath);
  std::vector<::tfm::safetensors::Header> headers(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    auto buffer = llvm::MemoryBuffer::getFile(files[i], /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      error = files[i] + ": cannot read: " + buffer.getError().message();
      return failure();
    }
    StringRef data = (*buffer)->getBuffer();
    std::string headerError;
    if (!::tfm::safetensors::parseHeader(
            reinterpret_cast<const uint8_t *>(data.data()), data.size(),
            headers[i], headerError)) {
      error = files[i] + ": " + headerError;
      return failure();
    }
  }
  const std::string &path = files.size() == 1 ? files[0] : config.weightsPath;
  auto find = [&](StringRef name) -> const ::tfm::safetensors::TensorInfo * {
    for (const ::tfm::safetensors::Header &header : headers)
      if (const ::tfm::safetensors::TensorInfo *t = header.find(name.str()))
        return t;
    return nullptr;
  };

  const ArchitectureSpec *architecture =
      lookupArchitecture(config.architecture, config.huggingFace);
  std::vector<WeightSpec> used;
  std::vector<std::string> missing;
  llvm::StringSet<> expected;
  for (const WeightSpec &spec : expectedWeights(config)) {
    expected.insert(spec.name);
    const ::tfm::safetensors::TensorInfo *t = find(spec.name);
    if (!t) {
      if (!spec.optional)
        missing.push_back(spec.name);
      continue;
    }
    // Ignored tensors are never read: a saved boolean mask is fine.
    if (!spec.ignored && t->dtype != "F32" && t->dtype != "F16" &&
        t->dtype != "BF16") {
      error = path + ": " + spec.name + ": unsupported dtype " + t->dtype +
              " (expected F32, F16 or BF16)";
      return failure();
    }
    std::vector<int64_t> stored = spec.shape;
    if (spec.transposedInFile)
      std::reverse(stored.begin(), stored.end());
    if (t->shape != stored) {
      error = path + ": " + spec.name + ": expected shape " +
              ::tfm::safetensors::shapeString(stored) + ", found " +
              ::tfm::safetensors::shapeString(t->shape);
      return failure();
    }
    if (!spec.ignored)
      used.push_back(spec);
  }
  std::vector<std::string> unexpected;
  for (const ::tfm::safetensors::Header &header : headers)
    for (const ::tfm::safetensors::TensorInfo &t : header.tensors)
      if (!expected.contains(t.name) &&
          !architecture->isUnusedHeadTensor(t.name))
        unexpected.push_back(t.name);

  auto list = [](const std::vector<std::string> &names) {
    std::string s;
    for (size_t i = 0; i < names.size() && i < 8; ++i)
      s += (i ? ", " : "") + names[i];
    if (names.size() > 8)
      s += ", ... (" + std::to_string(names.size()) + " in all)";
    return s;
  };
  if (!missing.empty() || !unexpected.empty()) {
    error = path + ": ";
    if (!missing.empty())
      error += "missing tensors: " + list(missing);
    if (!missing.empty() && !unexpected.empty())
      error += "; ";
    if (!unexpected.empty())
      error += "unexpected tensors: " + list(unexpected);
    StringRef arch = config.architectureName();
    if (config.huggingFace)
      error += " (for a " + arch.str() + " checkpoint)";
    else
      error += std::string(" (for ") + (arch.starts_with("e") ? "an " : "a ") +
               arch.str() + " model as described in docs/model-format.md)";
    return failure();
  }
  return used;
}
