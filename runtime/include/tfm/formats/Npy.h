//===- Npy.h - reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// The .npy format (versions 1.0, 2.0 and 3.0): a magic string, a version, a
// little-endian header length, a Python dict literal describing the array,
// then the raw elements. Only little-endian, C-order arrays of the dtypes of
// Runtime.h are supported. Headers are untrusted: every length and shape is
// checked against the file size before anything is allocated.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_FORMATS_NPY_H
#define TFM_FORMATS_NPY_H

#include "tfm/formats/StridedView.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace tfm::runtime {

struct NpyHeader {
  int32_t dtype = TFM_DTYPE_F32;
  std::vector<int64_t> shape;
  /// Bytes of element data, which the file is known to contain.
  uint64_t dataBytes = 0;
};

/// "[2, 4]" or "[]", for messages and summaries.
std::string formatShape(const std::vector<int64_t> &shape);

/// Opens a .npy file and parses its header, so that the caller can check
/// the header before the data is loaded. Throws Error naming the file.
class NpyReader {
public:
  explicit NpyReader(const std::string &path);

  const NpyHeader &header() const { return hdr; }

  /// Reads the header().dataBytes bytes of element data into `dest`.
  void readData(void *dest);

private:
  struct Close {
    void operator()(std::FILE *file) const { std::fclose(file); }
  };
  std::string path;
  std::unique_ptr<std::FILE, Close> file;
  NpyHeader hdr;
};

/// Writes `view` as a .npy file (version 1.0, or 2.0 for very long headers)
/// to `file`; `path` names it in errors. Throws Error when a write fails.
void writeNpy(std::FILE *file, const StridedView &view,
              const std::string &path);

} // namespace tfm::runtime

#endif // TFM_FORMATS_NPY_H
