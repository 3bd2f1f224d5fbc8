//===- FakeSingle.cpp - a one-entry module to test the runtime ------------===//
//
// With a single entry point, --entry is optional.
//
//===----------------------------------------------------------------------===//

#include "tfm/Runtime.h"
#include "tfm/RuntimeSupport.h"

#include <cstdint>
#include <cstdlib>

namespace {

struct Memref1 {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
};

// negate(f32[?]) -> f32[?]
void negate(void **args) {
  const Memref1 &x = *static_cast<Memref1 *>(args[1]);
  auto *out = static_cast<Memref1 *>(args[0]);
  int64_t n = x.sizes[0];
  auto *values =
      static_cast<float *>(tfm_workspace_alloc(n * sizeof(float) + 1));
  const float *in = static_cast<const float *>(x.aligned) + x.offset;
  for (int64_t i = 0; i < n; ++i)
    values[i] = -in[i * x.strides[0]];
  *out = {values, values, 0, {n}, {1}};
}

const int64_t kDyn[] = {-1};
const tfm_tensor_sig kSigs[] = {{TFM_DTYPE_F32, 1, kDyn}};
const tfm_entry kEntries[] = {
    {"negate", negate, 1, 1, kSigs, kSigs, nullptr, nullptr, nullptr}};

} // namespace

extern "C" const tfm_module tfm_module_desc = {TFM_ABI_VERSION, 1, kEntries,
                                               nullptr, nullptr};
