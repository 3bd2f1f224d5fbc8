//===- Summary.h - one-line statistics of a result --------------*- C++ -*-===//

#ifndef TFM_RUNTIME_LIB_SUMMARY_H
#define TFM_RUNTIME_LIB_SUMMARY_H

#include "tfm/formats/StridedView.h"

#include <string>
#include <vector>

namespace tfm::runtime {

/// "result0: f32 [2, 4, 8] min -1.234567 max 2.345678 mean 0.012345".
/// Floats: min/max/mean skip NaNs, which are counted in a trailing
/// "nan N" when there are any. Integers and i1 print min/max as integers.
/// A tensor without elements prints "empty" instead of statistics.
std::string summarize(const std::string &name, const StridedView &view);

/// "time: min X ms, median Y ms, N runs" for the --repeat report.
std::string formatTimes(std::vector<double> times);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_SUMMARY_H
