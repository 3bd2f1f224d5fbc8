//===- Invocation.cpp - calling an entry point through the ABI ------------===//

#include "Invocation.h"

#include "tfm/RuntimeSupport.h"
#include "tfm/formats/Error.h"
#include "tfm/formats/Npy.h"

#include "Signature.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace tfm::runtime;

// Descriptors are arrays of 8-byte words; pointers are stored bitwise.
static_assert(sizeof(void *) == sizeof(int64_t), "the ABI assumes 64 bits");

static int64_t pointerWord(const void *pointer) {
  int64_t word;
  std::memcpy(&word, &pointer, sizeof(word));
  return word;
}

static void *wordPointer(int64_t word) {
  void *pointer;
  std::memcpy(&pointer, &word, sizeof(pointer));
  return pointer;
}

Invocation::Invocation(const tfm_entry &entry,
                       const std::vector<InputTensor> &inputs)
    : entry(entry), inputs(inputs) {
  size_t words = 0;
  for (int32_t i = 0; i < entry.num_results; ++i) {
    resultOffsets.push_back(words);
    words += TFM_MEMREF_DESC_WORDS(entry.results[i].rank);
  }
  resultStorage.assign(words, 0);
  argDescriptors.resize(inputs.size());
  callArgs.assign(1 + inputs.size(), nullptr);
}

void Invocation::buildArgumentDescriptors() {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const InputTensor &input = inputs[i];
    const size_t rank = input.shape.size();
    std::vector<int64_t> &desc = argDescriptors[i];
    desc.assign(TFM_MEMREF_DESC_WORDS(rank), 0);
    desc[0] = desc[1] = pointerWord(input.ptr()); // allocated, aligned
    desc[2] = 0;                                  // offset
    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      desc[3 + d] = input.shape[d];
      desc[3 + rank + d] = stride;
      stride *= input.shape[d]; // cannot overflow: checked by the reader
    }
    callArgs[1 + i] = desc.data();
  }
}

double Invocation::run() {
  freeResults();
  // Rebuilt every time: nothing guarantees that compiled code leaves the
  // descriptors alone, and each run must see the same inputs.
  buildArgumentDescriptors();
  std::fill(resultStorage.begin(), resultStorage.end(), 0);
  callArgs[0] = resultStorage.empty() ? nullptr : resultStorage.data();

  auto start = std::chrono::steady_clock::now();
  entry.invoke(callArgs.data());
  auto end = std::chrono::steady_clock::now();
  haveResults = true;
  return std::chrono::duration<double, std::milli>(end - start).count();
}

void Invocation::freeResults() {
  if (!haveResults)
    return;
  haveResults = false;
  // Collect first: results may share a buffer, and a freed pointer's value
  // must not be used again, not even in comparisons.
  std::vector<void *> owned;
  for (int32_t i = 0; i < entry.num_results; ++i) {
    void *allocated = wordPointer(resultWords(i)[0]);
    if (!allocated)
      continue;
    bool isInput = std::any_of(inputs.begin(), inputs.end(),
                               [&](auto &in) { return in.ptr() == allocated; });
    if (!isInput &&
        std::find(owned.begin(), owned.end(), allocated) == owned.end())
      owned.push_back(allocated);
  }
  for (void *allocated : owned)
    tfm_workspace_free(allocated);
}

std::vector<StridedView> Invocation::results() const {
  std::vector<StridedView> views;
  for (int32_t i = 0; i < entry.num_results; ++i) {
    const tfm_tensor_sig &sig = entry.results[i];
    const int64_t *words = resultWords(i);
    const size_t rank = size_t(sig.rank);
    StridedView view;
    view.dtype = sig.dtype;
    view.sizes.assign(words + 3, words + 3 + rank);
    view.strides.assign(words + 3 + rank, words + 3 + 2 * rank);

    std::string what = "result " + std::to_string(i);
    int64_t elements = 1;
    for (size_t d = 0; d < rank; ++d) {
      int64_t size = view.sizes[d];
      if (size < 0 || __builtin_mul_overflow(elements, size, &elements))
        throw Error(entrySubject(entry),
                    what + " has invalid sizes " + formatShape(view.sizes));
      if (sig.dims[d] >= 0 && size != sig.dims[d])
        throw Error(entrySubject(entry),
                    what + " has shape " + formatShape(view.sizes) +
                        ", expected " + formatTensorSig(sig));
    }
    const char *aligned = static_cast<const char *>(wordPointer(words[1]));
    if (elements > 0 && !aligned)
      throw Error(entrySubject(entry), what + " has no data pointer");
    view.origin = elements > 0
                      ? aligned + words[2] * int64_t(dtypeSize(sig.dtype))
                      : aligned;
    views.push_back(std::move(view));
  }
  return views;
}
