//===- StridedView.h - the elements a memref descriptor denotes -*- C++ -*-===//
//
// Results come back as strided memref descriptors that need not be
// contiguous (transposes, slices); writers and summaries walk them through
// this view, in row-major order.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_FORMATS_STRIDEDVIEW_H
#define TFM_FORMATS_STRIDEDVIEW_H

#include "tfm/formats/DType.h"

#include <cstdint>
#include <vector>

namespace tfm::runtime {

struct StridedView {
  int32_t dtype = TFM_DTYPE_F32;
  /// The element at index (0, ..., 0), i.e. aligned + offset elements.
  const char *origin = nullptr;
  std::vector<int64_t> sizes;
  /// In elements, as in the descriptor.
  std::vector<int64_t> strides;

  /// The product of the sizes (validated not to overflow by whoever built
  /// the view).
  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t size : sizes)
      n *= size;
    return n;
  }

  /// Whether the elements are laid out densely in row-major order, so that
  /// they can be copied in one go.
  bool isRowMajor() const {
    int64_t expected = 1;
    for (size_t i = sizes.size(); i-- > 0;) {
      if (sizes[i] != 1 && strides[i] != expected)
        return false;
      expected *= sizes[i];
    }
    return true;
  }
};

/// Calls `fn(const char *element)` for every element of `view` in row-major
/// order. Offsets are computed in integers so that negative strides are fine.
template <typename Fn> void forEachElement(const StridedView &view, Fn fn) {
  if (view.numElements() == 0)
    return;
  const size_t rank = view.sizes.size();
  const int64_t eltSize = int64_t(dtypeSize(view.dtype));
  if (rank == 0) {
    fn(view.origin);
    return;
  }
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0; // of index[0 .. rank-2] with index[rank-1] = 0
  const int64_t innerSize = view.sizes[rank - 1];
  const int64_t innerStride = view.strides[rank - 1];
  for (;;) {
    for (int64_t i = 0; i < innerSize; ++i)
      fn(view.origin + (offset + i * innerStride) * eltSize);
    // Advance the outer index like an odometer.
    size_t dim = rank - 1;
    for (;;) {
      if (dim == 0)
        return;
      --dim;
      offset += view.strides[dim];
      if (++index[dim] < view.sizes[dim])
        break;
      offset -= view.strides[dim] * view.sizes[dim];
      index[dim] = 0;
    }
  }
}

} // namespace tfm::runtime

#endif // TFM_FORMATS_STRIDEDVIEW_H
