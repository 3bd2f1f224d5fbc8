//===- AlignedBuffer.h - owned, 64-byte aligned tensor storage --*- C++ -*-===//

#ifndef TFM_RUNTIME_LIB_ALIGNEDBUFFER_H
#define TFM_RUNTIME_LIB_ALIGNEDBUFFER_H

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace tfm::runtime {

/// Input tensors are 64-byte aligned so that compiled code may use aligned
/// vector loads; the pointer is never null, even for zero bytes.
class AlignedBuffer {
public:
  static constexpr size_t kAlignment = 64;

  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) {
    // aligned_alloc wants a multiple of the alignment; `bytes` is bounded by
    // a file size, so rounding up cannot overflow.
    size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    data.reset(std::aligned_alloc(kAlignment, rounded ? rounded : kAlignment));
    if (!data)
      throw std::bad_alloc();
  }

  void *get() const { return data.get(); }

private:
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> data;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_ALIGNEDBUFFER_H
