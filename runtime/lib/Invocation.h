//===- Invocation.h - calling an entry point through the ABI ----*- C++ -*-===//
//
// Builds the memref descriptors of Runtime.h for the inputs, calls the entry
// point and owns what it returns: every distinct `allocated` pointer of the
// results is freed once, except the inputs' own buffers, which compiled code
// may hand back as results.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_INVOCATION_H
#define TFM_RUNTIME_LIB_INVOCATION_H

#include "AlignedBuffer.h"

#include "tfm/Runtime.h"
#include "tfm/formats/StridedView.h"

#include <string>
#include <vector>

namespace tfm::runtime {

/// One argument, loaded from a .npy file as a dense row-major array.
struct InputTensor {
  int32_t dtype = TFM_DTYPE_F32;
  std::vector<int64_t> shape;
  AlignedBuffer data;
  /// Data owned by someone else (a model's mapped weights); used instead of
  /// `data` when set.
  const void *borrowed = nullptr;

  const void *ptr() const { return borrowed ? borrowed : data.get(); }
};

class Invocation {
public:
  /// `inputs` must outlive the invocation: results may point into them.
  Invocation(const tfm_entry &entry, const std::vector<InputTensor> &inputs);
  ~Invocation() { freeResults(); }
  Invocation(const Invocation &) = delete;
  Invocation &operator=(const Invocation &) = delete;

  /// Calls the entry point after freeing the results of the previous call;
  /// returns the wall time of the call in milliseconds.
  double run();

  /// The results of the last call, checked against the entry's signature;
  /// they stay valid until the next run() or the destructor. Throws Error
  /// when a descriptor is inconsistent.
  std::vector<StridedView> results() const;

private:
  void buildArgumentDescriptors();
  void freeResults();
  /// The descriptor words of result `index` in the result storage.
  const int64_t *resultWords(int index) const {
    return resultStorage.data() + resultOffsets[index];
  }

  const tfm_entry &entry;
  const std::vector<InputTensor> &inputs;
  std::vector<std::vector<int64_t>> argDescriptors;
  std::vector<int64_t> resultStorage;
  std::vector<size_t> resultOffsets;
  std::vector<void *> callArgs;
  bool haveResults = false;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_INVOCATION_H
