//===- MemrefCopy.cpp - strided copies for compiled code --------*- C++ -*-===//
//
// MLIR lowers a memref.copy between non-contiguous memrefs to a call to
// `memrefCopy` (from MLIR's C runner utilities, which compiled programs do
// not link). This is the same function, with the same ABI, for any rank.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {
/// MLIR's unranked memref: a rank and a pointer to a ranked descriptor
/// { allocated, aligned, offset, sizes[rank], strides[rank] }.
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

struct View {
  char *data;
  const int64_t *sizes, *strides;
};

View viewOf(const UnrankedMemRef &m, int64_t elementSize) {
  auto *words = static_cast<int64_t *>(m.descriptor);
  char *aligned;
  std::memcpy(&aligned, &words[1], sizeof(aligned));
  return {aligned + words[2] * elementSize, words + 3, words + 3 + m.rank};
}
} // namespace

extern "C" void memrefCopy(int64_t elementSize, UnrankedMemRef *src,
                           UnrankedMemRef *dst) {
  int64_t rank = src->rank;
  View from = viewOf(*src, elementSize), to = viewOf(*dst, elementSize);
  for (int64_t d = 0; d < rank; ++d)
    if (from.sizes[d] == 0)
      return;
  if (rank == 0) {
    std::memcpy(to.data, from.data, elementSize);
    return;
  }
  // Odometer over all indices; offsets in elements.
  std::vector<int64_t> index(rank, 0);
  int64_t srcOffset = 0, dstOffset = 0;
  while (true) {
    std::memcpy(to.data + dstOffset * elementSize,
                from.data + srcOffset * elementSize, elementSize);
    int64_t d = rank - 1;
    for (; d >= 0; --d) {
      ++index[d];
      srcOffset += from.strides[d];
      dstOffset += to.strides[d];
      if (index[d] < from.sizes[d])
        break;
      srcOffset -= from.strides[d] * index[d];
      dstOffset -= to.strides[d] * index[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}
