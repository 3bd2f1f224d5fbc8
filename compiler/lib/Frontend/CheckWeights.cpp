//===- CheckWeights.cpp - the weights file against the model ----*- C++ -*-===//

#include "tfmc/ModelBuilder.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "tfm/formats/Safetensors.h"

using namespace mlir;
using namespace mlir::tfm;

FailureOr<std::vector<WeightSpec>>
mlir::tfm::checkWeights(const ModelConfig &config, std::string &error) {
  const std::string &path = config.weightsPath;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = path + ": cannot read: " + buffer.getError().message();
    return failure();
  }
  StringRef data = (*buffer)->getBuffer();
  ::tfm::safetensors::Header header;
  std::string headerError;
  if (!::tfm::safetensors::parseHeader(
          reinterpret_cast<const uint8_t *>(data.data()), data.size(), header,
          headerError)) {
    error = path + ": " + headerError;
    return failure();
  }

  std::vector<WeightSpec> used;
  std::vector<std::string> missing;
  llvm::StringSet<> expected;
  for (const WeightSpec &spec : expectedWeights(config)) {
    expected.insert(spec.name);
    const ::tfm::safetensors::TensorInfo *t = header.find(spec.name);
    if (!t) {
      if (!spec.optional)
        missing.push_back(spec.name);
      continue;
    }
    if (t->dtype != "F32" && t->dtype != "F16" && t->dtype != "BF16") {
      error = path + ": " + spec.name + ": unsupported dtype " + t->dtype +
              " (expected F32, F16 or BF16)";
      return failure();
    }
    if (t->shape != spec.shape) {
      error = path + ": " + spec.name + ": expected shape " +
              ::tfm::safetensors::shapeString(spec.shape) + ", found " +
              ::tfm::safetensors::shapeString(t->shape);
      return failure();
    }
    used.push_back(spec);
  }
  std::vector<std::string> unexpected;
  for (const ::tfm::safetensors::TensorInfo &t : header.tensors)
    if (!expected.contains(t.name))
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
    error += std::string(" (for ") + (arch.starts_with("e") ? "an " : "a ") +
             arch.str() + " model as " +
             "described in docs/model-format.md)";
    return failure();
  }
  return used;
}
