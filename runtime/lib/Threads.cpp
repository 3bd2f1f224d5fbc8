//===- Threads.cpp - the thread count offered to compiled code ------------===//

#include "Threads.h"

#include "tfm/RuntimeSupport.h"

#include <atomic>
#include <climits>
#include <unistd.h>

using namespace tfm::runtime;

// 0 until --threads is given; compiled code may read it from any thread.
static std::atomic<int32_t> numThreadsOption{0};

// Executables compiled at -O2 and above run parallel loops with libomp;
// those compiled at -O0/-O1 do not link it. A weak reference lets one
// runtime library serve both.
extern "C" void omp_set_num_threads(int) __attribute__((weak));

int32_t tfm::runtime::defaultNumThreads() {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1)
    return 1;
  return cpus > INT32_MAX ? INT32_MAX : int32_t(cpus);
}

void tfm::runtime::setNumThreads(int32_t numThreads) {
  numThreadsOption.store(numThreads, std::memory_order_relaxed);
  if (omp_set_num_threads)
    omp_set_num_threads(numThreads);
}

extern "C" int32_t tfm_runtime_num_threads(void) {
  int32_t numThreads = numThreadsOption.load(std::memory_order_relaxed);
  return numThreads > 0 ? numThreads : defaultNumThreads();
}
