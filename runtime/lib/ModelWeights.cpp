//===- ModelWeights.cpp - a model's weights, mapped -------------*- C++ -*-===//

#include "ModelWeights.h"

#include "Error.h"
#include "Safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tfm::runtime;
namespace st = tfm::safetensors;

struct ModelWeights::Tensor {
  st::TensorInfo info;
  const void *data = nullptr; // F32 in place, or `converted`
  AlignedBuffer converted;
  AlignedBuffer transposed; // [in, out] F32, made on first use
};

namespace {
/// Closes a file descriptor on every path out.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
};

uint64_t readLE64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}
} // namespace

ModelWeights::ModelWeights(const std::string &path) {
  bool embedded = path.empty();
  source = embedded ? std::string("/proc/self/exe") : path;
  FileDescriptor file{::open(source.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0)
    throw Error(embedded ? "weights" : path,
                "cannot open: " + errnoMessage(errno));
  struct stat st;
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(source, "not a regular file");
  uint64_t fileSize = static_cast<uint64_t>(st.st_size);

  offset = 0;
  size = fileSize;
  if (embedded) {
    // The trailer of Runtime.h: magic, offset, size.
    unsigned char trailer[24];
    if (fileSize < sizeof(trailer) ||
        ::pread(file.fd, trailer, sizeof(trailer),
                fileSize - sizeof(trailer)) != ssize_t(sizeof(trailer)) ||
        std::memcmp(trailer, TFM_WEIGHTS_MAGIC, 8) != 0)
      throw Error("weights", "this executable has no embedded weights (was "
                             "it stripped?); pass --weights FILE");
    offset = readLE64(trailer + 8);
    size = readLE64(trailer + 16);
    if (offset > fileSize || size > fileSize - offset)
      throw Error("weights", "the embedded weights trailer is corrupt");
    source = "embedded weights";
  }
  // Map from the page that holds `offset`.
  uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t start = offset / page * page;
  mappedBytes = static_cast<size_t>(offset - start + size);
  if (mappedBytes > 0) {
    // Populated now: page faults on first touch would otherwise land in the
    // first calls (the first decoding steps touch the decoder's weights).
    mapping = ::mmap(nullptr, mappedBytes, PROT_READ,
                     MAP_PRIVATE | MAP_POPULATE, file.fd,
                     static_cast<off_t>(start));
    if (mapping == MAP_FAILED) {
      mapping = nullptr;
      throw Error(source, "cannot map: " + errnoMessage(errno));
    }
  }
  base = static_cast<const uint8_t *>(mapping) + (offset - start);

  st::Header header;
  std::string error;
  if (!st::parseHeader(base, size, header, error))
    throw Error(source, error);
  for (st::TensorInfo &info : header.tensors) {
    auto tensor = std::make_unique<Tensor>();
    const uint8_t *data = base + header.dataStart + info.begin;
    tensor->info = std::move(info);
    tensor->data = data;
    tensors[tensor->info.name] = std::move(tensor);
  }
}

ModelWeights::~ModelWeights() {
  if (mapping)
    ::munmap(mapping, mappedBytes);
}

void ModelWeights::check(const tfm_entry &entry) {
  for (int32_t i = 0; i < entry.num_args; ++i) {
    bool transposed =
        entry.arg_kinds && entry.arg_kinds[i] == TFM_ARG_WEIGHT_TRANSPOSED;
    if (!entry.arg_kinds ||
        (entry.arg_kinds[i] != TFM_ARG_WEIGHT && !transposed))
      continue;
    std::string name = entry.arg_names[i];
    // Embedded weights hold the transposed copy (see tfmc's PackWeights.h).
    if (transposed && tensors.count(name + "^T")) {
      name += "^T";
      transposed = false;
    }
    auto it = tensors.find(name);
    if (it == tensors.end())
      throw Error(source, "tensor '" + name +
                              "' is missing (the model was "
                              "compiled with it)");
    const st::TensorInfo &info = it->second->info;
    const tfm_tensor_sig &sig = entry.args[i];
    std::vector<int64_t> expected(sig.dims, sig.dims + sig.rank);
    if (transposed) // the file holds the [out, in] matrix
      std::reverse(expected.begin(), expected.end());
    if (info.shape != expected)
      throw Error(source, "tensor '" + name + "': expected shape " +
                              st::shapeString(expected) + ", found " +
                              st::shapeString(info.shape));
    if (info.dtype != "F32" && info.dtype != "F16" && info.dtype != "BF16")
      throw Error(source, "tensor '" + name + "': unsupported dtype " +
                              info.dtype + " (expected F32, F16 or BF16)");
  }
}

InputTensor ModelWeights::bind(const tfm_entry &entry, int index) {
  std::string name = entry.arg_names[index];
  bool transposed = entry.arg_kinds[index] == TFM_ARG_WEIGHT_TRANSPOSED;
  if (transposed && tensors.count(name + "^T")) {
    name += "^T";
    transposed = false;
  }
  Tensor &t = *tensors.at(name);
  const float *data = floats(t);
  InputTensor input;
  input.dtype = TFM_DTYPE_F32;
  input.shape = t.info.shape;
  input.borrowed = data;
  if (!transposed)
    return input;
  // [out, in] -> [in, out], once, in tiles that stay in cache.
  int64_t rows = t.info.shape[0], cols = t.info.shape[1];
  if (!t.transposed.get()) {
    AlignedBuffer buffer(static_cast<uint64_t>(rows) * cols * sizeof(float));
    float *out = static_cast<float *>(buffer.get());
    constexpr int64_t kTile = 16;
    for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
      int64_t r1 = std::min(rows, r0 + kTile);
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        int64_t c1 = std::min(cols, c0 + kTile);
        for (int64_t c = c0; c < c1; ++c)
          for (int64_t r = r0; r < r1; ++r)
            out[c * rows + r] = data[r * cols + c];
      }
    }
    t.transposed = std::move(buffer);
  }
  input.shape = {cols, rows};
  input.borrowed = t.transposed.get();
  return input;
}

const float *ModelWeights::floats(Tensor &t) {
  uint64_t count = 1;
  for (int64_t d : t.info.shape)
    count *= static_cast<uint64_t>(d);
  bool aligned = reinterpret_cast<uintptr_t>(t.data) % alignof(float) == 0;
  if (t.info.dtype == "F32" && aligned)
    return static_cast<const float *>(t.data);
  // Converted (or realigned) once, on first use.
  if (!t.converted.get() || t.data != t.converted.get()) {
    AlignedBuffer buffer(count * sizeof(float));
    float *out = static_cast<float *>(buffer.get());
    const uint8_t *in = static_cast<const uint8_t *>(t.data);
    for (uint64_t i = 0; i < count; ++i) {
      if (t.info.dtype == "F32") {
        std::memcpy(&out[i], in + 4 * i, 4);
      } else {
        uint16_t bits;
        std::memcpy(&bits, in + 2 * i, 2);
        out[i] = t.info.dtype == "F16" ? st::halfToFloat(bits)
                                       : st::bfloat16ToFloat(bits);
      }
    }
    t.converted = std::move(buffer);
    t.data = t.converted.get();
  }
  return static_cast<const float *>(t.data);
}
