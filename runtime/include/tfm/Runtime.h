/*===- Runtime.h - the C ABI between tfmc's code and the runtime -*- C -*-===*\
|*                                                                          *|
|* tfmc emits, next to the compiled entry points, one `tfm_module` named     *|
|* `tfm_module_desc` that describes them. The runtime's `main` reads it to   *|
|* parse, check and pass tensors. This header is the whole contract; it is   *|
|* versioned by TFM_ABI_VERSION.                                             *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef TFM_RUNTIME_H
#define TFM_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TFM_ABI_VERSION 1

/* Element types of entry-point tensors. */
typedef enum tfm_dtype {
  TFM_DTYPE_F32 = 0,
  TFM_DTYPE_F64 = 1,
  TFM_DTYPE_F16 = 2,
  TFM_DTYPE_BF16 = 3,
  TFM_DTYPE_I1 = 4, /* one byte per element, as numpy's bool */
  TFM_DTYPE_I8 = 5,
  TFM_DTYPE_I32 = 6,
  TFM_DTYPE_I64 = 7
} tfm_dtype;

/* The type of one tensor argument or result. dims[i] < 0 means dynamic. */
typedef struct tfm_tensor_sig {
  int32_t dtype; /* a tfm_dtype */
  int32_t rank;
  const int64_t *dims;
} tfm_tensor_sig;

/* A strided memref descriptor as MLIR lays it out for rank R:
 *   { void *allocated; void *aligned; int64_t offset;
 *     int64_t sizes[R]; int64_t strides[R]; }
 * Every field is 8 bytes, so a descriptor is 8 * (3 + 2R) bytes and several
 * of them (multiple results) follow each other without padding. */
#define TFM_MEMREF_DESC_WORDS(rank) (3 + 2 * (rank))

/* Calls one entry point.
 *   args[0]      points to storage for the result descriptors, laid out one
 *                after the other (absent when the entry has no result: then
 *                args[0] is ignored and may be NULL);
 *   args[1 + i]  points to the descriptor of argument i.
 * Result buffers are allocated with malloc by the generated code and owned
 * by the caller, which frees `allocated` of each result once (two results
 * may share a buffer). */
typedef void (*tfm_invoke_fn)(void **args);

typedef struct tfm_entry {
  const char *name;
  tfm_invoke_fn invoke;
  int32_t num_args;
  int32_t num_results;
  const tfm_tensor_sig *args;
  const tfm_tensor_sig *results;
} tfm_entry;

typedef struct tfm_module {
  int32_t abi_version; /* TFM_ABI_VERSION */
  int32_t num_entries;
  const tfm_entry *entries;
} tfm_module;

/* Emitted by tfmc in every compiled module. */
extern const tfm_module tfm_module_desc;

#ifdef __cplusplus
}
#endif

#endif /* TFM_RUNTIME_H */
