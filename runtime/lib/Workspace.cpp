//===- Workspace.cpp - memory for compiled code's buffers -----------------===//
//
// Executables route every allocation of compiled code here (tfmc renames
// malloc, aligned_alloc and free in their module). Large blocks are kept in
// per-size-class free lists when freed and handed out again, so a workspace
// is taken from the system once per run and reused by every later call and
// layer: glibc would serve each large temporary with mmap and give it back
// with munmap, paying page faults and zeroing on every call (TOOLCHAIN.md
// measured 13x on attention). Blocks of a large page or more are given
// large pages (see LargePages.h).
//
//===----------------------------------------------------------------------===//

#include "tfm/RuntimeSupport.h"

#include "LargePages.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <vector>

namespace {

// Blocks below this size are cheap for malloc and are not pooled.
constexpr size_t kPooledMinBytes = size_t(64) << 10;
// Every block starts this far before the pointer handed out, which keeps
// the alignment compiled code asks for (it asks for at most 64 bytes unless
// an op says otherwise; larger alignments get a larger header).
constexpr size_t kHeaderBytes = 64;
constexpr uint64_t kMagic = 0x7466'6d77'6b73'7063; // "tfmwkspc"

// What free needs to know, stored just below the user pointer.
struct BlockHeader {
  void *base;         // what the system allocator returned
  uint32_t sizeClass; // log2 of the capacity, or 0 when not pooled
  uint32_t headerBytes;
  uint64_t magic;
};
using tfm::runtime::mapLargePages;
using tfm::runtime::unmapLargePages;
using tfm::runtime::usesLargePages;

static_assert(sizeof(BlockHeader) <= kHeaderBytes);

// Pooled blocks are rounded up to powers of two, so that the growing sizes
// of a generation loop keep landing in the same classes: the pool then holds
// at most about twice the largest working set instead of one block per size
// ever seen. (A block of large pages keeps its header in an ordinary page
// just below them, so that it is exactly a power of two of them.)
constexpr unsigned kNumClasses = 64;

// Compiled code does not check its allocations: running out of memory is
// reported here, as a one-line error and exit code 2, instead of a crash.
[[noreturn]] void outOfMemory(size_t size) {
  std::string message = "out of memory: cannot allocate " +
                        std::to_string(size) +
                        " bytes for the compiled code's buffers";
  tfm_runtime_check_failed(message.c_str());
  std::abort(); // not reached: the runtime exits
}

class WorkspacePool {
public:
  void *allocate(size_t alignment, size_t size) {
    size_t header = kHeaderBytes;
    while (header < alignment)
      header *= 2;
    if (size > SIZE_MAX / 2 - header)
      outOfMemory(size);
    unsigned sizeClass = 0;
    size_t capacity = size;
    if (size >= kPooledMinBytes) {
      sizeClass = ceilLog2(size);
      capacity = size_t(1) << sizeClass;
      if (void *reused = take(sizeClass, header))
        return reused;
    }
    if (inLargePages(sizeClass, header)) {
      void *data = mapLargePages(capacity, header);
      if (!data)
        outOfMemory(size);
      return place(static_cast<char *>(data) - header, sizeClass, header);
    }
    void *base = std::aligned_alloc(header, header + roundUp(capacity, header));
    if (!base)
      outOfMemory(size);
    return place(base, sizeClass, header);
  }

  void release(void *ptr) {
    if (!ptr)
      return;
    BlockHeader *h = headerOf(ptr);
    if (h->magic != kMagic) {
      // A pointer this pool did not hand out: a bug in compiled code or the
      // runtime, never an input's fault. Crash loudly rather than corrupt.
      std::abort();
    }
    if (h->sizeClass == 0) {
      h->magic = 0;
      std::free(h->base);
      return;
    }
    std::lock_guard<std::mutex> lock(mutex);
    freeBlocks[h->sizeClass].push_back(ptr);
  }

  ~WorkspacePool() {
    for (unsigned c = 0; c < kNumClasses; ++c)
      for (void *ptr : freeBlocks[c]) {
        BlockHeader *h = headerOf(ptr);
        if (inLargePages(c, h->headerBytes))
          unmapLargePages(ptr, size_t(1) << c, h->headerBytes);
        else
          std::free(h->base);
      }
  }

private:
  static unsigned ceilLog2(size_t n) {
    unsigned log = 0;
    while ((size_t(1) << log) < n)
      ++log;
    return log;
  }
  static size_t roundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }
  static BlockHeader *headerOf(void *ptr) {
    return reinterpret_cast<BlockHeader *>(static_cast<char *>(ptr) -
                                           sizeof(BlockHeader));
  }
  // Whether a block of class `sizeClass` (0: unpooled) with a header of
  // `header` bytes is a mapping of large pages rather than from malloc. (A
  // large page's alignment covers every header but absurd ones.)
  static bool inLargePages(unsigned sizeClass, size_t header) {
    return sizeClass && usesLargePages(size_t(1) << sizeClass) &&
           header <= tfm::runtime::kLargePageBytes;
  }
  static void *place(void *base, unsigned sizeClass, size_t header) {
    void *ptr = static_cast<char *>(base) + header;
    *headerOf(ptr) = {base, sizeClass, uint32_t(header), kMagic};
    return ptr;
  }

  // A free block of the class whose header is at least `header` bytes (so
  // that it satisfies the alignment asked for).
  void *take(unsigned sizeClass, size_t header) {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<void *> &blocks = freeBlocks[sizeClass];
    for (size_t i = blocks.size(); i-- > 0;) {
      void *ptr = blocks[i];
      if (headerOf(ptr)->headerBytes >= header) {
        blocks[i] = blocks.back();
        blocks.pop_back();
        return ptr;
      }
    }
    return nullptr;
  }

  std::mutex mutex;
  std::vector<void *> freeBlocks[kNumClasses];
};

WorkspacePool &pool() {
  // Never destroyed before compiled code's last free (static destructors of
  // other objects may still run code that frees).
  static WorkspacePool *instance = new WorkspacePool;
  return *instance;
}

} // namespace

extern "C" void *tfm_workspace_alloc(size_t size) {
  return pool().allocate(16, size);
}

extern "C" void *tfm_workspace_aligned_alloc(size_t alignment, size_t size) {
  return pool().allocate(alignment, size);
}

extern "C" void tfm_workspace_free(void *ptr) { pool().release(ptr); }
