//===- fuzz-safetensors.cpp - libFuzzer target: safetensors headers -------===//
//
// tfm::safetensors::parseHeader on the bytes of a whole file; every tensor
// it accepts must lie inside the data section.
//
//===----------------------------------------------------------------------===//

#include "tfm/formats/Safetensors.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tfm::safetensors::Header header;
  std::string error;
  if (!tfm::safetensors::parseHeader(data, size, header, error)) {
    if (error.empty())
      std::abort();
    return 0;
  }
  uint64_t dataSize = size - header.dataStart;
  for (const tfm::safetensors::TensorInfo &t : header.tensors) {
    if (t.begin > t.end || t.end > dataSize)
      std::abort();
    if (header.find(t.name) == nullptr)
      std::abort();
    // Touch the tensor's first and last bytes, as the loader would.
    if (t.end > t.begin) {
      volatile uint8_t first = data[header.dataStart + t.begin];
      volatile uint8_t last = data[header.dataStart + t.end - 1];
      (void)first;
      (void)last;
    }
    (void)tfm::safetensors::shapeString(t.shape);
  }
  return 0;
}
