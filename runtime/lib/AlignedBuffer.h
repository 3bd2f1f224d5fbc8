//===- AlignedBuffer.h - owned, 64-byte aligned tensor storage --*- C++ -*-===//

#ifndef TFM_RUNTIME_LIB_ALIGNEDBUFFER_H
#define TFM_RUNTIME_LIB_ALIGNEDBUFFER_H

#include "LargePages.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace tfm::runtime {

/// Input tensors are 64-byte aligned so that compiled code may use aligned
/// vector loads; the pointer is never null, even for zero bytes. Buffers of
/// a large page or more (caches, long inputs) get large pages.
class AlignedBuffer {
public:
  static constexpr size_t kAlignment = 64;

  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) : bytes(bytes) {
    if (usesLargePages(bytes)) {
      data = mapLargePages(bytes);
    } else {
      // aligned_alloc wants a multiple of the alignment; `bytes` is bounded
      // by a file size, so rounding up cannot overflow.
      size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
      data = std::aligned_alloc(kAlignment, rounded ? rounded : kAlignment);
    }
    if (!data)
      throw std::bad_alloc();
  }
  /// A buffer whose bytes are all zero: large pages come zero-filled from
  /// the system (mapLargePages), smaller blocks are cleared here.
  static AlignedBuffer zeroed(size_t bytes) {
    AlignedBuffer buffer(bytes);
    if (!usesLargePages(bytes))
      std::memset(buffer.data, 0, bytes);
    return buffer;
  }
  AlignedBuffer(AlignedBuffer &&other) noexcept
      : data(std::exchange(other.data, nullptr)), bytes(other.bytes) {}
  AlignedBuffer &operator=(AlignedBuffer &&other) noexcept {
    if (this != &other) {
      release();
      data = std::exchange(other.data, nullptr);
      bytes = other.bytes;
    }
    return *this;
  }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  ~AlignedBuffer() { release(); }

  void *get() const { return data; }

private:
  void release() {
    if (usesLargePages(bytes))
      unmapLargePages(data, bytes);
    else
      std::free(data);
    data = nullptr;
  }

  void *data = nullptr;
  size_t bytes = 0;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_ALIGNEDBUFFER_H
