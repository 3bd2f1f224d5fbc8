//===- DType.h - element types of entry-point tensors -----------*- C++ -*-===//
//
// Names, sizes and NumPy spellings of the tfm_dtype codes of Runtime.h.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_FORMATS_DTYPE_H
#define TFM_FORMATS_DTYPE_H

#include "tfm/Runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace tfm::runtime {

/// Whether `dtype` is one of the tfm_dtype codes.
bool isKnownDType(int32_t dtype);

/// The short name used in signatures and messages: "f32", "i1", ...; for an
/// unknown code, "dtype(N)".
std::string dtypeName(int32_t dtype);

/// Bytes per element; 0 for an unknown code.
size_t dtypeSize(int32_t dtype);

/// The .npy descr written for `dtype` ("<f4", "|b1", ...), or nullptr when
/// NumPy has no such dtype (bf16).
const char *npyDescr(int32_t dtype);

/// The NumPy descrs that are accepted, for messages.
std::string supportedNpyDescrs();

/// IEEE half and bfloat16 bit patterns as float, for summaries.
float halfToFloat(uint16_t bits);
float bfloat16ToFloat(uint16_t bits);

} // namespace tfm::runtime

#endif // TFM_FORMATS_DTYPE_H
