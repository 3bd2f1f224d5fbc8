//===- Blocks.h - the building blocks of model entry points -----*- C++ -*-===//
//
// What transformers are made of, as tfm ops: embeddings, norms, linear maps,
// feed-forwards and attention. The blocks take the names of their weights
// from the architecture that uses them (an architecture's tensor-name table
// is the only place those names are written) and know nothing of any one
// architecture. Attention is written once and plugged into a layer in one of
// four modes (plain, recording its attention maps, prefilling a key/value
// cache, one decode step against it), so that an architecture writes its
// layer body once.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_FRONTEND_BLOCKS_H
#define TFMC_FRONTEND_BLOCKS_H

#include "tfmc/ModelConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace mlir::tfm {

/// The weights of one attention block. Either `inProj` (nn.MultiheadAttention's
/// packed [3E, E] query/key/value projection, with `inProjBias`) or the
/// separate `query`, `key`, `value` projections are named; biases may be
/// empty (none).
struct AttentionWeights {
  std::string inProj, inProjBias;
  std::string query, queryBias, key, keyBias, value, valueBias;
  std::string out, outBias;
};

/// The weights of a norm; `bias` may be empty.
struct NormWeights {
  std::string weight, bias;
};

/// The weights of a feed-forward block `down(act(up(x)))`, or of a gated
/// one `down(act(gate(x)) * up(x))`; biases may be empty.
struct FeedForwardWeights {
  std::string up, upBias, down, downBias;
  std::string gate;
};

/// How an attention block runs inside a layer function.
enum class AttentionMode {
  /// The whole sequence at once (tfm.multi_head_attention).
  Plain,
  /// As Plain, also returning the attention weights [B, H, Sq, Skv].
  Maps,
  /// Causal self-attention over a prompt that also returns its keys and
  /// values as cache entries [S, B, H, D].
  Prefill,
  /// One new position per row against cached keys and values [L, B, H, D]
  /// and its own; returns the new position's cache entries.
  Step,
};

/// The inputs and outputs of one attention block in a given mode.
struct AttentionSite {
  AttentionMode mode = AttentionMode::Plain;
  /// Key padding [B, Skv] (true = a real key); for Step, the mask of the
  /// cached positions followed by the new one [B, L + 1].
  Value keyPadding;
  bool causal = false;
  /// Step: the layer's cached keys and values [L, B, H, D].
  Value pastKeys, pastValues;
  /// Positions of the first query of each row [B] (decode steps), for
  /// rotary embeddings; null: 0.
  Value positions;
  /// Cross-attention against keys and values projected once per source
  /// ([B, H, S, D]); the query alone is projected.
  Value fixedKeys, fixedValues;
  /// Where Maps appends attention weights and Prefill/Step cache entries.
  SmallVectorImpl<Value> *maps = nullptr;
  SmallVectorImpl<Value> *entries = nullptr;
};

/// Writes the body of one function (an entry point or a layer function)
/// from blocks.
class BlockBuilder {
public:
  BlockBuilder(OpBuilder &b, const ModelConfig &config);

  /// Creates @name with `inputs` (name, type) followed by `weights`; a
  /// private function is a building block (one layer) called by entries.
  void begin(StringRef name, ArrayRef<std::pair<StringRef, Type>> inputs,
             ArrayRef<WeightSpec> weights, TypeRange resultTypes,
             bool isPrivate = false);
  void finish(ValueRange results);
  func::FuncOp function() { return func; }

  Value input(StringRef name) { return inputs.lookup(name); }
  /// A weight argument by name; null for an empty name or an absent
  /// optional weight.
  Value weight(StringRef name) { return weights.lookup(name); }
  bool hasWeight(StringRef name) { return weights.count(name); }

  OpBuilder &builder() { return b; }
  const ModelConfig &config() const { return c; }
  Location location() const { return loc; }

  // Types.
  RankedTensorType activations(int64_t features);
  /// Attention weights [B, H, Sq, Skv].
  RankedTensorType mapType();
  /// Keys or values in the cache's position-major layout [S, B, Hkv, D].
  RankedTensorType cacheType();
  /// Keys or values in attention's layout [B, Hkv, S, D].
  RankedTensorType headsType();

  // Blocks.
  Value paddingMask(Value ids);
  /// Token embedding (scaled by sqrt(d_model) when the model asks).
  Value tokenEmbedding(Value ids, StringRef table);
  /// Token embedding (scaled by sqrt(d_model) when the model asks) plus
  /// positions, which start at `offset[b]` in row b when it is given.
  Value embed(Value ids, StringRef table, StringRef positions,
              Value offset = Value());
  Value linear(Value x, StringRef weightName, StringRef biasName,
               int64_t features);
  Value norm(Value x, const NormWeights &w);
  Value feedForward(Value x, const FeedForwardWeights &w);
  Value add(Value x, Value y);
  /// Attention of `query` over `keyValue` (the same value for
  /// self-attention), in the mode `site` says.
  Value attention(Value query, Value keyValue, const AttentionWeights &w,
                  const AttentionSite &site);
  /// Keys (index 1) or values (index 2) of `x` in heads [B, H, S, D], for
  /// a cross-attention's fixed keys and values.
  Value projectKeysOrValues(Value x, const AttentionWeights &w, int64_t index);

  /// Calls `layer` with `inputs`, then this function's weights named
  /// `prefix` + each of `suffixes`; returns all its results.
  SmallVector<Value> callLayer(func::FuncOp layer, ValueRange inputs,
                               StringRef prefix,
                               ArrayRef<std::string> suffixes);

private:
  /// q [B, H, S, D], k and v [B, Hkv, S, D] of `query` and `keyValue`.
  SmallVector<Value, 3> projectQueryKeyValue(Value query, Value keyValue,
                                             const AttentionWeights &w);
  /// Rotary position embeddings of heads [B, H, S, D] when the model has
  /// them; positions start at `offset[b]` (null: 0).
  Value rotate(Value heads, Value offset);
  Value attendAndProject(Value q, Value k, Value v, Value mask4, bool causal,
                         const AttentionWeights &w);

  OpBuilder &b;
  const ModelConfig &c;
  Location loc;
  func::FuncOp func;
  llvm::StringMap<Value> inputs, weights;
};

} // namespace mlir::tfm

#endif // TFMC_FRONTEND_BLOCKS_H
