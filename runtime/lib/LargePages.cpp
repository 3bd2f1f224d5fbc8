//===- LargePages.cpp - memory backed by transparent huge pages -----------===//

#include "LargePages.h"

#include <cstdint>
#include <sys/mman.h>

using namespace tfm::runtime;

namespace {
size_t roundToPages(size_t bytes) {
  return (bytes + kLargePageBytes - 1) / kLargePageBytes * kLargePageBytes;
}
} // namespace

void *tfm::runtime::mapLargePages(size_t bytes) {
  size_t length = roundToPages(bytes ? bytes : 1);
  if (length < bytes || length > SIZE_MAX - kLargePageBytes)
    return nullptr;
  // One page more than asked, so that an aligned start lies inside; the
  // slack on either side goes back at once.
  size_t mapped = length + kLargePageBytes;
  void *raw = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return nullptr;
  auto begin = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (begin + kLargePageBytes - 1) & ~(kLargePageBytes - 1);
  if (aligned > begin)
    ::munmap(raw, aligned - begin);
  size_t tail = begin + mapped - (aligned + length);
  if (tail)
    ::munmap(reinterpret_cast<void *>(aligned + length), tail);
  // Advice only: without huge pages the block still works.
  ::madvise(reinterpret_cast<void *>(aligned), length, MADV_HUGEPAGE);
  return reinterpret_cast<void *>(aligned);
}

void tfm::runtime::unmapLargePages(void *block, size_t bytes) {
  if (block)
    ::munmap(block, roundToPages(bytes ? bytes : 1));
}
