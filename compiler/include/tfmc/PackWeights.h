//===- PackWeights.h - weights in the entry points' layout ------*- C++ -*-===//
//
// The weights a model executable embeds, written in the layout its entry
// points take them: the matrices passed transposed (TFM_ARG_WEIGHT_TRANSPOSED)
// or in panels (TFM_ARG_WEIGHT_PANELS) are packed here, at compile time, and
// stored as "<name>^T" or "<name>^P", so that the executable maps them as
// they are instead of packing them at start-up.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_PACKWEIGHTS_H
#define TFMC_PACKWEIGHTS_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <set>
#include <string>

namespace mlir::tfm {

/// Which tensors of the weights file the entry points take, and how.
struct WeightLayout {
  std::set<std::string> plain;      // as stored
  std::set<std::string> transposed; // 2-D [out, in], taken as [in, out]
  std::set<std::string> panels;     // 2-D [out, in], taken in panels
  /// Matrices [out, in] that the files store as [in, out] (GPT-2's Conv1D
  /// weights): reordered here, so that the entry points take every layout
  /// above as they would of an [out, in] file.
  std::set<std::string> storedTransposed;
};

/// The name a transposed copy of tensor `name` has in an embedded file (`^`
/// never appears in PyTorch's parameter names).
std::string transposedName(StringRef name);
/// The same for the copy in panels.
std::string panelsName(StringRef name);

/// Writes a safetensors file with the tensors of `files` (one checkpoint's
/// shards) that `layout` names: the plain ones as they are, the packed ones
/// as F32 "<name>^T" or "<name>^P". Adds the bytes written to `size`. Memory
/// holds two copies of one matrix at a time, three for one stored
/// transposed (the inputs are mapped).
LogicalResult writePackedWeights(ArrayRef<std::string> files,
                                 const WeightLayout &layout,
                                 llvm::raw_ostream &out, uint64_t &size,
                                 std::string &error);

} // namespace mlir::tfm

#endif // TFMC_PACKWEIGHTS_H
