//===- Safetensors.cpp - reading safetensors files --------------*- C++ -*-===//

#include "tfm/formats/Safetensors.h"

#include "tfm/Runtime.h"
#include "tfm/formats/Json.h"

#include <algorithm>
#include <cstring>
#include <string_view>

using namespace tfm;
using namespace tfm::safetensors;

// Headers larger than this are refused rather than parsed (the format's own
// reference implementation uses the same bound).
static constexpr uint64_t kMaxHeaderSize = 100ull << 20;

const TensorInfo *Header::find(const std::string &name) const {
  for (const TensorInfo &t : tensors)
    if (t.name == name)
      return &t;
  return nullptr;
}

unsigned tfm::safetensors::elementSize(const std::string &dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64")
    return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32")
    return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16")
    return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL")
    return 1;
  return 0;
}

std::string tfm::safetensors::shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

static bool parseTensor(const std::string &name, const json::Value &v,
                        uint64_t dataSize, TensorInfo &t, std::string &error) {
  auto where = "tensor '" + name + "'";
  if (v.kind != json::Value::Kind::Object) {
    error = where + ": expected an object, found " + v.kindName();
    return false;
  }
  const json::Value *dtype = v.find("dtype"), *shape = v.find("shape"),
                    *offsets = v.find("data_offsets");
  if (!dtype || dtype->kind != json::Value::Kind::String) {
    error = where + ": missing or non-string \"dtype\"";
    return false;
  }
  t.name = name;
  t.dtype = dtype->string;
  unsigned eltSize = elementSize(t.dtype);
  if (!eltSize) {
    error = where + ": unsupported dtype \"" + t.dtype + "\"";
    return false;
  }
  if (!shape || shape->kind != json::Value::Kind::Array) {
    error = where + ": missing or non-array \"shape\"";
    return false;
  }
  // The byte count, with overflow checked at every step.
  uint64_t bytes = eltSize;
  for (const json::Value &d : *shape->array) {
    if (d.kind != json::Value::Kind::Number || !d.isInteger || d.integer < 0) {
      error = where + ": shape entries must be non-negative integers";
      return false;
    }
    t.shape.push_back(d.integer);
    uint64_t size = static_cast<uint64_t>(d.integer);
    if (size != 0 && bytes > UINT64_MAX / size) {
      error = where + ": shape " + shapeString(t.shape) + " is too large";
      return false;
    }
    bytes *= size;
  }
  if (!offsets || offsets->kind != json::Value::Kind::Array ||
      offsets->array->size() != 2) {
    error = where + ": \"data_offsets\" must be an array [begin, end]";
    return false;
  }
  const json::Value &b = (*offsets->array)[0], &e = (*offsets->array)[1];
  if (b.kind != json::Value::Kind::Number || !b.isInteger || b.integer < 0 ||
      e.kind != json::Value::Kind::Number || !e.isInteger || e.integer < 0) {
    error = where + ": data_offsets must be non-negative integers";
    return false;
  }
  t.begin = b.integer;
  t.end = e.integer;
  if (t.begin > t.end || t.end > dataSize) {
    error = where + ": data_offsets [" + std::to_string(t.begin) + ", " +
            std::to_string(t.end) + "] are outside the " +
            std::to_string(dataSize) + " bytes of data";
    return false;
  }
  if (t.end - t.begin != bytes) {
    error = where + ": data_offsets [" + std::to_string(t.begin) + ", " +
            std::to_string(t.end) + "] hold " +
            std::to_string(t.end - t.begin) + " bytes, but " + t.dtype + " " +
            shapeString(t.shape) + " needs " + std::to_string(bytes);
    return false;
  }
  return true;
}

bool tfm::safetensors::parseHeader(const uint8_t *data, uint64_t size,
                                   Header &header, std::string &error) {
  header = Header();
  if (size < 8) {
    error = "file of " + std::to_string(size) +
            " bytes is too short for a safetensors header";
    return false;
  }
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | data[i];
  if (headerSize > kMaxHeaderSize || headerSize > size - 8) {
    error = "header length " + std::to_string(headerSize) +
            " exceeds the file size " + std::to_string(size);
    return false;
  }
  std::string_view text(reinterpret_cast<const char *>(data) + 8, headerSize);
  json::Value root;
  std::string jsonError;
  if (!json::parse(text, root, jsonError)) {
    error = "invalid JSON header: " + jsonError;
    return false;
  }
  if (root.kind != json::Value::Kind::Object) {
    error = "the header must be a JSON object, found " + root.kindName();
    return false;
  }
  header.dataStart = 8 + headerSize;
  uint64_t dataSize = size - header.dataStart;
  for (const auto &[name, value] : *root.object) {
    if (name == "__metadata__")
      continue;
    TensorInfo t;
    if (!parseTensor(name, value, dataSize, t, error))
      return false;
    header.tensors.push_back(std::move(t));
  }
  std::sort(header.tensors.begin(), header.tensors.end(),
            [](const TensorInfo &a, const TensorInfo &b) {
              return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
            });
  for (size_t i = 1; i < header.tensors.size(); ++i) {
    const TensorInfo &prev = header.tensors[i - 1], &cur = header.tensors[i];
    if (cur.begin < prev.end) {
      error = "tensors '" + prev.name + "' and '" + cur.name +
              "' have overlapping data";
      return false;
    }
  }
  return true;
}

float tfm::safetensors::halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else { // subnormal: normalize
      int e = -1;
      do {
        ++e;
        man <<= 1;
      } while (!(man & 0x400));
      bits = sign | ((127 - 15 - e) << 23) | ((man & 0x3FF) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float tfm::safetensors::bfloat16ToFloat(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void tfm::safetensors::toFloats(const uint8_t *data, const std::string &dtype,
                                uint64_t count, float *out) {
  for (uint64_t i = 0; i < count; ++i) {
    if (dtype == "F32") {
      std::memcpy(&out[i], data + 4 * i, 4);
      continue;
    }
    uint16_t bits;
    std::memcpy(&bits, data + 2 * i, 2);
    out[i] = dtype == "F16" ? halfToFloat(bits) : bfloat16ToFloat(bits);
  }
}

void tfm::safetensors::transposeFloats(const float *in, int64_t rows,
                                       int64_t cols, float *out) {
  constexpr int64_t kTile = 16;
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    int64_t r1 = std::min(rows, r0 + kTile);
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      int64_t c1 = std::min(cols, c0 + kTile);
      for (int64_t c = c0; c < c1; ++c)
        for (int64_t r = r0; r < r1; ++r)
          out[c * rows + r] = in[r * cols + c];
    }
  }
}

std::vector<int64_t> tfm::safetensors::panelShape(int64_t rows, int64_t cols) {
  return {TFM_PANELS(rows), cols, TFM_PANEL_COLUMNS};
}

void tfm::safetensors::packPanels(const float *in, int64_t rows, int64_t cols,
                                  float *out) {
  constexpr int64_t kWidth = TFM_PANEL_COLUMNS;
  for (int64_t p0 = 0; p0 < rows; p0 += kWidth) {
    int64_t width = std::min(kWidth, rows - p0);
    float *panel = out + p0 * cols; // p0 / kWidth panels before it
    transposeFloats(in + p0 * cols, width, cols, panel);
    if (width == kWidth)
      continue;
    // transposeFloats wrote [cols, width]: spread it to [cols, kWidth].
    for (int64_t c = cols - 1; c >= 0; --c) {
      std::fill(panel + c * kWidth + width, panel + (c + 1) * kWidth, 0.0f);
      std::copy_backward(panel + c * width, panel + (c + 1) * width,
                         panel + c * kWidth + width);
    }
  }
}
