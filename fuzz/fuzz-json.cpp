//===- fuzz-json.cpp - libFuzzer target: tfm::json::parse -----------------===//
//
// The JSON reader shared by tfmc (model.json, safetensors headers) and the
// runtime. Any input must give either a value or an error message.
//
//===----------------------------------------------------------------------===//

#include "tfm/formats/Json.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

// Walks the tree, so that every node the parser built is read back.
static size_t visit(const tfm::json::Value &v) {
  size_t nodes = 1 + v.kindName().size() % 2 + v.string.size() % 2;
  if (v.kind == tfm::json::Value::Kind::Array)
    for (const tfm::json::Value &item : *v.array)
      nodes += visit(item);
  if (v.kind == tfm::json::Value::Kind::Object)
    for (const auto &[key, item] : *v.object) {
      if (v.find(key) == nullptr)
        std::abort(); // every key is found again
      nodes += visit(item);
    }
  return nodes;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  tfm::json::Value value;
  std::string error;
  if (tfm::json::parse(text, value, error)) {
    visit(value);
  } else if (error.empty()) {
    std::abort(); // a failure always says why
  }
  // A shallow limit takes the depth check's other branch.
  tfm::json::parse(text, value, error, /*maxDepth=*/2);
  return 0;
}
