//===- ModelWeights.cpp - a model's weights, mapped -------------*- C++ -*-===//

#include "ModelWeights.h"

#include "tfm/formats/Error.h"
#include "tfm/formats/Safetensors.h"

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
  AlignedBuffer packed; // the kernels' layout of the matrix, made once
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
  // Mapped from the page that holds `offset`, not copied: the page cache's
  // pages read at about 29 GB/s on one core here, 2 MiB pages of our own
  // at 32 (see LargePages.h), but filling fresh pages cost 0.02-0.2 s at
  // every start, and 256-token generations took longer from start to end
  // (median 1.10 s against 0.99 s over six runs each).
  uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t start = offset / page * page;
  size_t bytes = static_cast<size_t>(offset - start + size);
  if (bytes > 0) {
    // Populated now: page faults on first touch would otherwise land in the
    // first calls (the first decoding steps touch the decoder's weights).
    void *address =
        ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd,
               static_cast<off_t>(start));
    if (address == MAP_FAILED)
      throw Error(source, errno == ENOMEM
                              ? "out of memory: cannot allocate " +
                                    std::to_string(bytes) +
                                    " bytes to load the weights"
                              : "cannot map: " + errnoMessage(errno));
    mapping.address = address;
    mapping.bytes = bytes;
  }
  base = static_cast<const uint8_t *>(mapping.address) + (offset - start);

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

ModelWeights::~ModelWeights() = default;

ModelWeights::Mapping::~Mapping() {
  if (address)
    ::munmap(address, bytes);
}

ModelWeights::Binding ModelWeights::resolve(const tfm_entry &entry,
                                            int index) const {
  Binding binding{entry.arg_names[index], entry.arg_kinds[index]};
  // Embedded weights hold the packed copy (see tfmc's PackWeights.h).
  const char *suffix = binding.kind == TFM_ARG_WEIGHT_TRANSPOSED ? "^T"
                       : binding.kind == TFM_ARG_WEIGHT_PANELS   ? "^P"
                                                                 : nullptr;
  if (suffix && tensors.count(binding.name + suffix)) {
    binding.name += suffix;
    binding.kind = TFM_ARG_WEIGHT;
  }
  return binding;
}

bool ModelWeights::isWeight(int32_t kind) {
  return kind == TFM_ARG_WEIGHT || kind == TFM_ARG_WEIGHT_TRANSPOSED ||
         kind == TFM_ARG_WEIGHT_PANELS;
}

void ModelWeights::check(const tfm_entry &entry) {
  if (!entry.arg_kinds || checked.count(&entry))
    return;
  for (int32_t i = 0; i < entry.num_args; ++i) {
    if (!isWeight(entry.arg_kinds[i]))
      continue;
    Binding binding = resolve(entry, i);
    const std::string &name = binding.name;
    auto it = tensors.find(name);
    if (it == tensors.end())
      throw Error(source, "tensor '" + name +
                              "' is missing (the model was "
                              "compiled with it)");
    const st::TensorInfo &info = it->second->info;
    const tfm_tensor_sig &sig = entry.args[i];
    std::vector<int64_t> expected(sig.dims, sig.dims + sig.rank);
    // The file holds the [out, in] matrix.
    if (binding.kind == TFM_ARG_WEIGHT_TRANSPOSED)
      std::reverse(expected.begin(), expected.end());
    if (binding.kind == TFM_ARG_WEIGHT_PANELS)
      expected = {entry.arg_rows ? entry.arg_rows[i] : -1, sig.dims[1]};
    if (info.shape != expected)
      throw Error(source, "tensor '" + name + "': expected shape " +
                              st::shapeString(expected) + ", found " +
                              st::shapeString(info.shape));
    if (info.dtype != "F32" && info.dtype != "F16" && info.dtype != "BF16")
      throw Error(source, "tensor '" + name + "': unsupported dtype " +
                              info.dtype + " (expected F32, F16 or BF16)");
  }
  checked.insert(&entry);
}

InputTensor ModelWeights::bind(const tfm_entry &entry, int index) {
  Binding binding = resolve(entry, index);
  Tensor &t = *tensors.at(binding.name);
  const float *data = floats(t);
  InputTensor input;
  input.dtype = TFM_DTYPE_F32;
  input.shape = t.info.shape;
  input.borrowed = data;
  if (binding.kind == TFM_ARG_WEIGHT)
    return input;
  // [out, in] to the kernels' layout, once.
  int64_t rows = t.info.shape[0], cols = t.info.shape[1];
  bool panels = binding.kind == TFM_ARG_WEIGHT_PANELS;
  input.shape =
      panels ? st::panelShape(rows, cols) : std::vector<int64_t>{cols, rows};
  if (!t.packed.get()) {
    uint64_t count = 1;
    for (int64_t d : input.shape)
      count *= static_cast<uint64_t>(d);
    t.packed = AlignedBuffer(count * sizeof(float));
    auto *out = static_cast<float *>(t.packed.get());
    if (panels)
      st::packPanels(data, rows, cols, out);
    else
      st::transposeFloats(data, rows, cols, out);
  }
  input.borrowed = t.packed.get();
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
    st::toFloats(static_cast<const uint8_t *>(t.data), t.info.dtype, count,
                 static_cast<float *>(buffer.get()));
    t.converted = std::move(buffer);
    t.data = t.converted.get();
  }
  return static_cast<const float *>(t.data);
}
