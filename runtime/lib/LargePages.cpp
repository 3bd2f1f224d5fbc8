//===- LargePages.cpp - memory backed by transparent huge pages -----------===//

#include "LargePages.h"

#include <cstdint>
#include <sys/mman.h>
#include <unistd.h>

using namespace tfm::runtime;

namespace {
size_t roundUp(size_t bytes, size_t to) { return (bytes + to - 1) / to * to; }
size_t roundToPages(size_t bytes) {
  return roundUp(bytes ? bytes : 1, kLargePageBytes);
}
size_t prefixPages(size_t prefixBytes) {
  return roundUp(prefixBytes, static_cast<size_t>(::sysconf(_SC_PAGESIZE)));
}
} // namespace

void *tfm::runtime::mapLargePages(size_t bytes, size_t prefixBytes) {
  if (bytes > SIZE_MAX / 2 || prefixBytes > kLargePageBytes)
    return nullptr;
  size_t length = roundToPages(bytes), prefix = prefixPages(prefixBytes);
  // A large page more than asked, so that an aligned start with the prefix
  // below it lies inside; the slack on either side goes back at once.
  size_t mapped = prefix + length + kLargePageBytes;
  void *raw = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return nullptr;
  auto begin = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned =
      (begin + prefix + kLargePageBytes - 1) & ~(kLargePageBytes - 1);
  uintptr_t head = aligned - prefix;
  if (head > begin)
    ::munmap(raw, head - begin);
  size_t tail = begin + mapped - (aligned + length);
  if (tail)
    ::munmap(reinterpret_cast<void *>(aligned + length), tail);
  // Advice only: without huge pages the block still works. The prefix stays
  // in ordinary pages.
  ::madvise(reinterpret_cast<void *>(aligned), length, MADV_HUGEPAGE);
  return reinterpret_cast<void *>(aligned);
}

void tfm::runtime::unmapLargePages(void *block, size_t bytes,
                                   size_t prefixBytes) {
  if (!block)
    return;
  size_t prefix = prefixPages(prefixBytes);
  ::munmap(static_cast<char *>(block) - prefix, prefix + roundToPages(bytes));
}
