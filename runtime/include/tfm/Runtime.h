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

#define TFM_ABI_VERSION 2

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
 * Result buffers are allocated by the generated code with
 * tfm_workspace_alloc (RuntimeSupport.h) and owned by the caller, which
 * frees `allocated` of each result once with tfm_workspace_free (two results
 * may share a buffer). */
typedef void (*tfm_invoke_fn)(void **args);

/* What an argument of a model's entry point is bound to. */
typedef enum tfm_arg_kind {
  TFM_ARG_TENSOR = 0, /* given by the user (plain modules) */
  TFM_ARG_INPUT = 1,  /* a model input: arg_names[i] is "ids", "memory", ... */
  TFM_ARG_WEIGHT = 2, /* a weight: arg_names[i] is its safetensors name */
  /* the [in, out] transpose of the 2-D [out, in] weight arg_names[i] (the
     matmul kernels' layout), transposed once when the weights are loaded */
  TFM_ARG_WEIGHT_TRANSPOSED = 3,
  /* the 2-D [out, in] weight arg_names[i] packed in panels of
     TFM_PANEL_COLUMNS output columns, [ceil(out / TFM_PANEL_COLUMNS), in,
     TFM_PANEL_COLUMNS] (zero-padded): the matmul kernels read each panel as
     one contiguous run; arg_rows[i] is `out`. Packed once when the weights
     are loaded, unless the file holds "<name>^P". */
  TFM_ARG_WEIGHT_PANELS = 4
} tfm_arg_kind;

/* The width of a weight panel (the matmul kernels' cache tile), and the
   number of panels of a matrix of `rows` output rows. */
#define TFM_PANEL_COLUMNS 64
#define TFM_PANELS(rows) (((rows) + TFM_PANEL_COLUMNS - 1) / TFM_PANEL_COLUMNS)

typedef struct tfm_entry {
  const char *name;
  tfm_invoke_fn invoke;
  int32_t num_args;
  int32_t num_results;
  const tfm_tensor_sig *args;
  const tfm_tensor_sig *results;
  const char *const *arg_names; /* num_args names (NULL entries allowed) */
  const int32_t *arg_kinds;     /* num_args tfm_arg_kind values */
  const int64_t *arg_rows;      /* num_args: rows of TFM_ARG_WEIGHT_PANELS
                                   weights, 0 for other arguments */
} tfm_entry;

typedef struct tfm_module {
  int32_t abi_version; /* TFM_ABI_VERSION */
  int32_t num_entries;
  const tfm_entry *entries;
  /* Compiled from a model description: its settings as one JSON object
   * (architecture, d_model, vocabulary sizes, max_seq_len, pad/bos/eos ids,
   * vocabulary files); NULL for modules compiled from tfm IR. */
  const char *model_config;
  /* The weights file recorded by --external-weights; NULL when the weights
   * are embedded in the executable (appended after it, see below). */
  const char *weights_path;
} tfm_module;

/* Embedded weights: the safetensors file is appended to the executable at a
 * page-aligned offset, followed by a 24-byte trailer: the magic
 * TFM_WEIGHTS_MAGIC (8 bytes), the offset and the size (little-endian
 * uint64 each). */
#define TFM_WEIGHTS_MAGIC "TFMWGHT1"

/* Emitted by tfmc in every compiled module. */
extern const tfm_module tfm_module_desc;

#ifdef __cplusplus
}
#endif

#endif /* TFM_RUNTIME_H */
