//===- AttentionBuilders.h - pieces of multi-head attention -----*- C++ -*-===//
//
// The steps tfm-decompose-multi-head-attention writes, for other builders
// of attention (the model frontend's attention maps) to write the same IR.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_TRANSFORMS_ATTENTIONBUILDERS_H
#define TFM_TRANSFORMS_ATTENTIONBUILDERS_H

#include "mlir/IR/Builders.h"

namespace mlir::tfm {

/// Projects `input` [B, S, E] with block `index` (0 = q, 1 = k, 2 = v) of a
/// packed in-projection weight [3E, E] and bias [3E] (bias may be null) and
/// splits heads: [B, H, S, E/H]. With `kvHeads` (0: as many as `heads`),
/// the weight is [(H + 2*Hkv)*D, E] (D = E/H), the bias [(H + 2*Hkv)*D],
/// and k and v are [B, Hkv, S, D].
Value projectHeads(OpBuilder &b, Location loc, Value input, Value packedWeight,
                   Value packedBias, int64_t index, int64_t heads,
                   int64_t kvHeads = 0);

/// q, k and v [B, H, S, E/H] of self-attention over `input` [B, S, E]: one
/// projection with the whole packed weight [3E, E] and bias [3E] (bias may
/// be null), sliced. With `kvHeads`, packed as for projectHeads.
SmallVector<Value, 3> projectAllHeads(OpBuilder &b, Location loc, Value input,
                                      Value packedWeight, Value packedBias,
                                      int64_t heads, int64_t kvHeads = 0);

/// Splits heads: [B, S, H*D] -> [B, H, S, D].
Value splitAttentionHeads(OpBuilder &b, Location loc, Value x, int64_t heads);

/// Merges heads: [B, H, S, D] -> [B, S, H*D].
Value mergeAttentionHeads(OpBuilder &b, Location loc, Value x);

/// A key-padding mask [B, Skv] as [B, 1, 1, Skv], to broadcast over heads and
/// queries.
Value keyPaddingToRank4(OpBuilder &b, Location loc, Value mask);

} // namespace mlir::tfm

#endif // TFM_TRANSFORMS_ATTENTIONBUILDERS_H
