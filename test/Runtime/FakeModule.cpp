//===- FakeModule.cpp - a hand-written module to test the runtime ---------===//
//
// Stands in for what tfmc emits: entry points that follow the ABI of
// tfm/Runtime.h exactly, and the `tfm_module_desc` table that describes
// them. Linked with tfm_runtime, it becomes `tfm-runtime-fake`. The entries
// exercise what compiled code may legally do: return several results of
// different ranks, share one allocation between results, return strided
// views with an offset and an over-aligned `aligned` pointer, and return an
// input buffer itself.
//
//===----------------------------------------------------------------------===//

#include "tfm/Runtime.h"
#include "tfm/RuntimeSupport.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

/// MLIR's strided memref descriptor of rank R (Runtime.h).
template <int R> struct Memref {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[R];
  int64_t strides[R];
};
template <> struct Memref<0> {
  void *allocated;
  void *aligned;
  int64_t offset;
};

template <typename T, int R> T *data(const Memref<R> &m) {
  return static_cast<T *>(m.aligned) + m.offset;
}

/// A fresh, contiguous copy (from the workspace pool) of `in`, as compiled code
/// returns.
template <int R> Memref<R> copyOf(const Memref<R> &in, size_t eltSize) {
  Memref<R> out;
  int64_t elements = 1;
  if constexpr (R > 0) {
    for (int d = R - 1; d >= 0; --d) {
      out.sizes[d] = in.sizes[d];
      out.strides[d] = elements;
      elements *= in.sizes[d];
    }
  }
  out.allocated = out.aligned = tfm_workspace_alloc(elements * eltSize + 1);
  out.offset = 0;
  // Inputs are contiguous (the runtime guarantees it), so one copy will do.
  std::memcpy(out.aligned,
              static_cast<char *>(in.aligned) + in.offset * eltSize,
              elements * eltSize);
  return out;
}

template <int R> Memref<R> *arg(void **args, int index) {
  return static_cast<Memref<R> *>(args[1 + index]);
}

// add(f32[?,4], f32[?,4]) -> f32[?,4]: elementwise sum, honouring strides.
void add(void **args) {
  const Memref<2> &a = *arg<2>(args, 0), &b = *arg<2>(args, 1);
  auto *out = static_cast<Memref<2> *>(args[0]);
  int64_t rows = a.sizes[0];
  void *buffer = tfm_workspace_alloc(rows * 4 * sizeof(float) + 1);
  *out = {buffer, buffer, 0, {rows, 4}, {4, 1}};
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < 4; ++j)
      data<float>(*out)[i * 4 + j] =
          data<float>(a)[i * a.strides[0] + j * a.strides[1]] +
          data<float>(b)[i * b.strides[0] + j * b.strides[1]];
}

// split(f32[3]) -> (f32[3], i64[]): twice the input, and the number of
// positive elements as a scalar; two results of different ranks.
struct SplitResults {
  Memref<1> doubled;
  Memref<0> positives;
};
void split(void **args) {
  const Memref<1> &x = *arg<1>(args, 0);
  auto *out = static_cast<SplitResults *>(args[0]);
  out->doubled = copyOf(x, sizeof(float));
  int64_t positives = 0;
  for (int64_t i = 0; i < 3; ++i) {
    float value = data<float>(x)[i * x.strides[0]];
    data<float>(out->doubled)[i] = 2 * value;
    positives += value > 0;
  }
  void *scalar = tfm_workspace_alloc(sizeof(int64_t));
  std::memcpy(scalar, &positives, sizeof(positives));
  out->positives = {scalar, scalar, 0};
}

// identity(i32[2]) -> i32[2]: returns the input buffer itself, which the
// runtime must not free.
void identity(void **args) {
  *static_cast<Memref<1> *>(args[0]) = *arg<1>(args, 0);
}

// views(f32[2,3]) -> (f32[2,3], f32[3,2]): both results view one allocation
// (to be freed once) whose `aligned` pointer is rounded up to 64 bytes
// past `allocated`, at offset 1; the second result is the transpose.
struct ViewsResults {
  Memref<2> matrix, transposed;
};
void views(void **args) {
  const Memref<2> &x = *arg<2>(args, 0);
  auto *out = static_cast<ViewsResults *>(args[0]);
  char *raw = static_cast<char *>(tfm_workspace_alloc(64 + 7 * sizeof(float)));
  auto *aligned = reinterpret_cast<float *>(
      (reinterpret_cast<uintptr_t>(raw) + 64) & ~uintptr_t(63));
  aligned[0] = -99; // skipped by the offset
  for (int64_t i = 0; i < 6; ++i)
    aligned[1 + i] = data<float>(x)[i];
  out->matrix = {raw, aligned, 1, {2, 3}, {3, 1}};
  out->transposed = {raw, aligned, 1, {3, 2}, {1, 3}};
}

// echo(i1[?], i8[?], f16[?], i64[2,?], f64[]) -> the same: copies, to
// round-trip every dtype that .npy files can hold.
struct EchoResults {
  Memref<1> i1, i8, f16;
  Memref<2> i64;
  Memref<0> f64;
};
void echo(void **args) {
  auto *out = static_cast<EchoResults *>(args[0]);
  out->i1 = copyOf(*arg<1>(args, 0), 1);
  out->i8 = copyOf(*arg<1>(args, 1), 1);
  out->f16 = copyOf(*arg<1>(args, 2), 2);
  out->i64 = copyOf(*arg<2>(args, 3), 8);
  out->f64 = copyOf(*arg<0>(args, 4), 8);
}

// inspect(f64[?,?,2]) -> i64[4]: what the runtime passed: aligned % 64,
// allocated == aligned, the offset, and whether the strides are row-major.
void inspect(void **args) {
  const Memref<3> &x = *arg<3>(args, 0);
  auto *out = static_cast<Memref<1> *>(args[0]);
  auto *facts =
      static_cast<int64_t *>(tfm_workspace_alloc(4 * sizeof(int64_t)));
  facts[0] = int64_t(reinterpret_cast<uintptr_t>(x.aligned) % 64);
  facts[1] = x.allocated == x.aligned;
  facts[2] = x.offset;
  facts[3] = x.strides[2] == 1 && x.strides[1] == x.sizes[2] &&
             x.strides[0] == x.sizes[1] * x.sizes[2];
  *out = {facts, facts, 0, {4}, {1}};
}

// threads() -> i32[]: what tfm_runtime_num_threads() says.
void threads(void **args) {
  auto *out = static_cast<Memref<0> *>(args[0]);
  auto *value = static_cast<int32_t *>(tfm_workspace_alloc(sizeof(int32_t)));
  *value = tfm_runtime_num_threads();
  *out = {value, value, 0};
}

// make_bf16() -> bf16[2]: [1.5, -2.0], which only summaries can show.
void makeBF16(void **args) {
  auto *out = static_cast<Memref<1> *>(args[0]);
  auto *values =
      static_cast<uint16_t *>(tfm_workspace_alloc(2 * sizeof(uint16_t)));
  values[0] = 0x3fc0;
  values[1] = 0xc000;
  *out = {values, values, 0, {2}, {1}};
}

// take_bf16(bf16[2]) -> (): no .npy file can provide the argument.
void takeBF16(void **) {}

// sink(i8[?]) -> (): no results at all.
void sink(void **) {}

// bad_result() -> f32[4]: a descriptor whose size contradicts the
// signature; the runtime must report it (and still free the buffer).
void badResult(void **args) {
  auto *out = static_cast<Memref<1> *>(args[0]);
  void *buffer = tfm_workspace_alloc(5 * sizeof(float));
  std::memset(buffer, 0, 5 * sizeof(float));
  *out = {buffer, buffer, 0, {5}, {1}};
}

const int64_t kDynVec[] = {-1};
const int64_t kDyn4[] = {-1, 4};
const int64_t k3[] = {3};
const int64_t k2[] = {2};
const int64_t k4[] = {4};
const int64_t k2x3[] = {2, 3};
const int64_t k3x2[] = {3, 2};
const int64_t k2xDyn[] = {2, -1};
const int64_t kDynDyn2[] = {-1, -1, 2};

const tfm_tensor_sig kAddSigs[] = {{TFM_DTYPE_F32, 2, kDyn4},
                                   {TFM_DTYPE_F32, 2, kDyn4}};
const tfm_tensor_sig kSplitArgs[] = {{TFM_DTYPE_F32, 1, k3}};
const tfm_tensor_sig kSplitResults[] = {{TFM_DTYPE_F32, 1, k3},
                                        {TFM_DTYPE_I64, 0, nullptr}};
const tfm_tensor_sig kIdentitySigs[] = {{TFM_DTYPE_I32, 1, k2}};
const tfm_tensor_sig kViewsArgs[] = {{TFM_DTYPE_F32, 2, k2x3}};
const tfm_tensor_sig kViewsResults[] = {{TFM_DTYPE_F32, 2, k2x3},
                                        {TFM_DTYPE_F32, 2, k3x2}};
const tfm_tensor_sig kEchoSigs[] = {{TFM_DTYPE_I1, 1, kDynVec},
                                    {TFM_DTYPE_I8, 1, kDynVec},
                                    {TFM_DTYPE_F16, 1, kDynVec},
                                    {TFM_DTYPE_I64, 2, k2xDyn},
                                    {TFM_DTYPE_F64, 0, nullptr}};
const tfm_tensor_sig kInspectArgs[] = {{TFM_DTYPE_F64, 3, kDynDyn2}};
const tfm_tensor_sig kInspectResults[] = {{TFM_DTYPE_I64, 1, k4}};
const tfm_tensor_sig kThreadsResults[] = {{TFM_DTYPE_I32, 0, nullptr}};
const tfm_tensor_sig kBF16Sigs[] = {{TFM_DTYPE_BF16, 1, k2}};
const tfm_tensor_sig kSinkArgs[] = {{TFM_DTYPE_I8, 1, kDynVec}};
const tfm_tensor_sig kBadResults[] = {{TFM_DTYPE_F32, 1, k4}};

const tfm_entry kEntries[] = {
    {"add", add, 2, 1, kAddSigs, kAddSigs, nullptr, nullptr, nullptr},
    {"split", split, 1, 2, kSplitArgs, kSplitResults, nullptr, nullptr,
     nullptr},
    {"identity", identity, 1, 1, kIdentitySigs, kIdentitySigs, nullptr, nullptr,
     nullptr},
    {"views", views, 1, 2, kViewsArgs, kViewsResults, nullptr, nullptr,
     nullptr},
    {"echo", echo, 5, 5, kEchoSigs, kEchoSigs, nullptr, nullptr, nullptr},
    {"inspect", inspect, 1, 1, kInspectArgs, kInspectResults, nullptr, nullptr,
     nullptr},
    {"threads", threads, 0, 1, nullptr, kThreadsResults, nullptr, nullptr,
     nullptr},
    {"make_bf16", makeBF16, 0, 1, nullptr, kBF16Sigs, nullptr, nullptr,
     nullptr},
    {"take_bf16", takeBF16, 1, 0, kBF16Sigs, nullptr, nullptr, nullptr,
     nullptr},
    {"sink", sink, 1, 0, kSinkArgs, nullptr, nullptr, nullptr, nullptr},
    {"bad_result", badResult, 0, 1, nullptr, kBadResults, nullptr, nullptr,
     nullptr},
};

} // namespace

extern "C" const tfm_module tfm_module_desc = {
    TFM_ABI_VERSION, int32_t(sizeof(kEntries) / sizeof(kEntries[0])), kEntries,
    nullptr, nullptr};
