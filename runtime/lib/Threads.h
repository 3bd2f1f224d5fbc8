//===- Threads.h - the thread count offered to compiled code ----*- C++ -*-===//

#ifndef TFM_RUNTIME_LIB_THREADS_H
#define TFM_RUNTIME_LIB_THREADS_H

#include <cstdint>

namespace tfm::runtime {

/// The number of online CPUs, at least 1.
int32_t defaultNumThreads();

/// Sets what tfm_runtime_num_threads() returns (--threads).
void setNumThreads(int32_t numThreads);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_THREADS_H
