//===- LargePages.h - memory backed by transparent huge pages ---*- C++ -*-===//
//
// Key/value caches, inputs and large workspaces are read over and over: a
// decoding step reads every cached key and value. On the machines tfmc is
// measured on (virtual machines, where a TLB miss walks two page tables) one
// core reads 88 MB of fresh anonymous memory at about 18 GB/s through 4 KiB
// pages and 32 GB/s through 2 MiB pages; a 6-layer decoder generated about
// 10% more tokens per second with its caches and workspaces in 2 MiB pages.
// Large blocks are therefore anonymous mappings aligned to 2 MiB with
// MADV_HUGEPAGE, which Linux honours when transparent huge pages are
// `always` or `madvise`; elsewhere they are ordinary pages. (With THP's
// `defrag` setting at its default, a fault in such a block may compact
// memory first: a slower start on a fragmented machine, never a failure.)
// Weights stay mapped from their file (see ModelWeights.cpp).
//
// Under AddressSanitizer every block comes from malloc instead, so that
// overflows still hit redzones.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_LARGEPAGES_H
#define TFM_RUNTIME_LIB_LARGEPAGES_H

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define TFM_LARGE_PAGES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TFM_LARGE_PAGES 0
#endif
#endif
#ifndef TFM_LARGE_PAGES
#define TFM_LARGE_PAGES 1
#endif

namespace tfm::runtime {

/// The huge page size asked for (x86-64's PMD size).
constexpr size_t kLargePageBytes = size_t(2) << 20;

/// Whether a block of `bytes` is given whole large pages: smaller blocks
/// would waste most of one.
inline bool usesLargePages(size_t bytes) {
  return TFM_LARGE_PAGES && bytes >= kLargePageBytes;
}

/// `bytes` rounded up to whole large pages, zero-filled and aligned to
/// kLargePageBytes, with `prefixBytes` (at most kLargePageBytes) of
/// ordinary pages just below it for a caller's header; nullptr when the
/// system refuses.
void *mapLargePages(size_t bytes, size_t prefixBytes = 0);

/// Gives back a block of mapLargePages(bytes, prefixBytes).
void unmapLargePages(void *block, size_t bytes, size_t prefixBytes = 0);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_LARGEPAGES_H
