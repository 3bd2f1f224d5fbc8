//===- Safetensors.h - reading safetensors files ----------------*- C++ -*-===//
//
// The safetensors format: an 8-byte little-endian header length N, N bytes
// of JSON mapping tensor names to {dtype, shape, data_offsets}, then the
// data. Shared by tfmc (validation at compile time) and the runtime
// (loading), and fuzzed; every check is against the actual file size.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_FORMATS_SAFETENSORS_H
#define TFM_FORMATS_SAFETENSORS_H

#include <cstdint>
#include <string>
#include <vector>

namespace tfm::safetensors {

struct TensorInfo {
  std::string name;
  std::string dtype; // "F32", "F16", "BF16", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0; // offsets from the start of the data
};

struct Header {
  std::vector<TensorInfo> tensors; // in file order of their data
  uint64_t dataStart = 0;          // file offset of the data section

  const TensorInfo *find(const std::string &name) const;
};

/// Bytes per element of a safetensors dtype, 0 for an unknown one.
unsigned elementSize(const std::string &dtype);

/// Parses and validates the header of a file of `size` bytes at `data`.
/// On failure returns false with a one-line `error` (without the file name).
bool parseHeader(const uint8_t *data, uint64_t size, Header &header,
                 std::string &error);

/// "[2, 3]"
std::string shapeString(const std::vector<int64_t> &shape);

/// Converts one IEEE half or bfloat16 value to float.
float halfToFloat(uint16_t bits);
float bfloat16ToFloat(uint16_t bits);

/// Converts `count` elements of dtype F32, F16 or BF16 (any alignment) to
/// float.
void toFloats(const uint8_t *data, const std::string &dtype, uint64_t count,
              float *out);

/// out [cols, rows] = the transpose of in [rows, cols], in tiles that stay
/// in cache. (Entry points take linear maps' matrices transposed.)
void transposeFloats(const float *in, int64_t rows, int64_t cols, float *out);

/// The shape packPanels writes for a [rows, cols] matrix:
/// [TFM_PANELS(rows), cols, TFM_PANEL_COLUMNS].
std::vector<int64_t> panelShape(int64_t rows, int64_t cols);

/// out [TFM_PANELS(rows), cols, TFM_PANEL_COLUMNS] = in [rows, cols] cut
/// into panels of TFM_PANEL_COLUMNS rows, each transposed, the last one
/// padded with zeros (TFM_ARG_WEIGHT_PANELS).
void packPanels(const float *in, int64_t rows, int64_t cols, float *out);

} // namespace tfm::safetensors

#endif // TFM_FORMATS_SAFETENSORS_H
