//===- Summary.cpp - one-line statistics of a result ----------------------===//

#include "Summary.h"

#include "tfm/formats/Npy.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace tfm::runtime;

template <typename T> static T load(const char *element) {
  T value;
  std::memcpy(&value, element, sizeof(value));
  return value;
}

static std::string format(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static std::string format(const char *fmt, ...) {
  va_list args, copy;
  va_start(args, fmt);
  va_copy(copy, args);
  int size = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  std::string result(size_t(size > 0 ? size : 0), '\0');
  std::vsnprintf(result.data(), result.size() + 1, fmt, args);
  va_end(args);
  return result;
}

static double loadFloat(int32_t dtype, const char *element) {
  switch (dtype) {
  case TFM_DTYPE_F32:
    return load<float>(element);
  case TFM_DTYPE_F16:
    return halfToFloat(load<uint16_t>(element));
  case TFM_DTYPE_BF16:
    return bfloat16ToFloat(load<uint16_t>(element));
  default:
    return load<double>(element);
  }
}

static int64_t loadInt(int32_t dtype, const char *element) {
  switch (dtype) {
  case TFM_DTYPE_I1:
    return load<uint8_t>(element) != 0;
  case TFM_DTYPE_I8:
    return load<int8_t>(element);
  case TFM_DTYPE_I32:
    return load<int32_t>(element);
  default:
    return load<int64_t>(element);
  }
}

static std::string floatStats(const StridedView &view) {
  double min = INFINITY, max = -INFINITY;
  long double sum = 0;
  int64_t count = 0, nans = 0;
  forEachElement(view, [&](const char *element) {
    double value = loadFloat(view.dtype, element);
    if (std::isnan(value)) {
      ++nans;
      return;
    }
    min = std::min(min, value);
    max = std::max(max, value);
    sum += value;
    ++count;
  });
  std::string result = count ? format("min %.6f max %.6f mean %.6f", min, max,
                                      double(sum / count))
                             : "min nan max nan mean nan";
  if (nans)
    result += format(" nan %" PRId64, nans);
  return result;
}

static std::string intStats(const StridedView &view) {
  int64_t min = std::numeric_limits<int64_t>::max();
  int64_t max = std::numeric_limits<int64_t>::min();
  long double sum = 0;
  int64_t count = 0;
  forEachElement(view, [&](const char *element) {
    int64_t value = loadInt(view.dtype, element);
    min = std::min(min, value);
    max = std::max(max, value);
    sum += value;
    ++count;
  });
  return format("min %" PRId64 " max %" PRId64 " mean %.6f", min, max,
                double(sum / count));
}

std::string tfm::runtime::summarize(const std::string &name,
                                    const StridedView &view) {
  std::string result =
      name + ": " + dtypeName(view.dtype) + " " + formatShape(view.sizes) + " ";
  if (view.numElements() == 0)
    return result + "empty";
  bool isFloat = view.dtype == TFM_DTYPE_F32 || view.dtype == TFM_DTYPE_F64 ||
                 view.dtype == TFM_DTYPE_F16 || view.dtype == TFM_DTYPE_BF16;
  return result + (isFloat ? floatStats(view) : intStats(view));
}

std::string tfm::runtime::formatTimes(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  char line[128];
  std::snprintf(line, sizeof(line),
                "time: min %.3f ms, median %.3f ms, %zu runs", times[0], median,
                n);
  return line;
}
