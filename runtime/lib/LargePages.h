//===- LargePages.h - memory backed by transparent huge pages ---*- C++ -*-===//
//
// Caches, large inputs and workspaces are read over and over (a decoding
// step reads every cached key and value). On the machines tfmc is measured
// on (virtual machines, where a TLB miss walks two page tables) one core
// reads 88 MB of anonymous memory at about 18 GB/s through 4 KiB pages and
// 32 GB/s through 2 MiB ones. Large blocks are therefore anonymous mappings
// aligned to 2 MiB with MADV_HUGEPAGE, which Linux honours when transparent
// huge pages are `always` or `madvise`; elsewhere they are ordinary pages.
// (Mapped weights are file pages: the page cache's large folios already
// read at about 29 GB/s, and copying them into fresh memory costs up to
// 0.3 s of page zeroing at startup on these machines.)
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_LARGEPAGES_H
#define TFM_RUNTIME_LIB_LARGEPAGES_H

#include <cstddef>

namespace tfm::runtime {

/// The huge page size asked for (x86-64's PMD size).
constexpr size_t kLargePageBytes = size_t(2) << 20;

/// Whether a block of `bytes` is given whole large pages: smaller blocks
/// would waste most of one.
inline bool usesLargePages(size_t bytes) { return bytes >= kLargePageBytes; }

/// `bytes` rounded up to whole large pages, zero-filled and aligned to
/// kLargePageBytes; nullptr when the system refuses.
void *mapLargePages(size_t bytes);

/// Gives back a block of mapLargePages(bytes).
void unmapLargePages(void *block, size_t bytes);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_LARGEPAGES_H
