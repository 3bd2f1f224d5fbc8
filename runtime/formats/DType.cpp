//===- DType.cpp - element types of entry-point tensors -------------------===//

#include "tfm/formats/DType.h"

#include <cmath>
#include <cstring>

using namespace tfm::runtime;

namespace {
struct DTypeInfo {
  const char *name;
  size_t size;
  const char *npyDescr;
};
} // namespace

// Indexed by tfm_dtype: Runtime.h numbers them 0 to 7 in this order.
static const DTypeInfo kDTypes[] = {
    {"f32", 4, "<f4"},    {"f64", 8, "<f8"}, {"f16", 2, "<f2"},
    {"bf16", 2, nullptr}, {"i1", 1, "|b1"},  {"i8", 1, "|i1"},
    {"i32", 4, "<i4"},    {"i64", 8, "<i8"},
};
static_assert(TFM_DTYPE_F32 == 0 && TFM_DTYPE_BF16 == 3 && TFM_DTYPE_I1 == 4 &&
                  TFM_DTYPE_I64 == 7,
              "kDTypes follows the tfm_dtype numbering");

bool tfm::runtime::isKnownDType(int32_t dtype) {
  return dtype >= 0 && dtype < int32_t(sizeof(kDTypes) / sizeof(kDTypes[0]));
}

std::string tfm::runtime::dtypeName(int32_t dtype) {
  if (!isKnownDType(dtype))
    return "dtype(" + std::to_string(dtype) + ")";
  return kDTypes[dtype].name;
}

size_t tfm::runtime::dtypeSize(int32_t dtype) {
  return isKnownDType(dtype) ? kDTypes[dtype].size : 0;
}

const char *tfm::runtime::npyDescr(int32_t dtype) {
  return isKnownDType(dtype) ? kDTypes[dtype].npyDescr : nullptr;
}

std::string tfm::runtime::supportedNpyDescrs() {
  std::string result;
  for (const DTypeInfo &info : kDTypes) {
    if (!info.npyDescr)
      continue;
    if (!result.empty())
      result += ", ";
    result += info.npyDescr;
  }
  return result;
}

float tfm::runtime::halfToFloat(uint16_t bits) {
  bool negative = bits & 0x8000;
  unsigned exponent = (bits >> 10) & 0x1f;
  unsigned mantissa = bits & 0x3ff;
  float value;
  if (exponent == 0)
    value = std::ldexp(float(mantissa), -24); // zero or subnormal
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = std::ldexp(float(mantissa | 0x400), int(exponent) - 25);
  return negative ? -value : value;
}

float tfm::runtime::bfloat16ToFloat(uint16_t bits) {
  uint32_t word = uint32_t(bits) << 16;
  float value;
  std::memcpy(&value, &word, sizeof(value));
  return value;
}
