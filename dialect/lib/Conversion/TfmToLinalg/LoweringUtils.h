//===- LoweringUtils.h - helpers for lowering tfm to linalg -----*- C++ -*-===//

#ifndef TFM_LIB_CONVERSION_TFMTOLINALG_LOWERINGUTILS_H
#define TFM_LIB_CONVERSION_TFMTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "tfm/IR/SourceOp.h"

namespace mlir::tfm {

using BodyBuilder = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// A tensor.empty of the given (possibly dynamic) sizes.
Value createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType);

/// A tensor of the given sizes filled with `value`.
Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   TypedAttr value);

/// A floating-point constant of type `type`.
Value createFloat(OpBuilder &b, Location loc, Type type, double value);

/// A linalg.generic with one result written to `init`; `body` receives the
/// block arguments (inputs then the output) and returns the value to yield.
Value createGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                    ArrayRef<AffineMap> inputMaps, Value init,
                    AffineMap outputMap,
                    ArrayRef<utils::IteratorType> iterators, BodyBuilder body);

/// An elementwise linalg.generic over `inputs` of identical shape.
Value createElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                        Type resultElementType, BodyBuilder body);

/// The identity map of `rank` dimensions without dimension `dropped`.
AffineMap dropDimMap(MLIRContext *ctx, unsigned rank, unsigned dropped);

/// Softmax of `input` along `axis`, subtracting the maximum for stability.
/// When `zeroFullyMasked` is set, a row whose entries are all -inf gives
/// zeros instead of NaN.
Value createSoftmax(OpBuilder &b, Location loc, Value input, unsigned axis,
                    bool zeroFullyMasked);

/// x·Wᵀ + b for `input` [..., in] and `weight` [out, in] (PyTorch's layout),
/// `bias` [out] optional: a linalg.matmul reading W transposed for a 2-D
/// input, the same contraction as a linalg.generic otherwise, accumulated
/// into the broadcast bias or zeros. The result is [..., out], as static as
/// the operands make it.
Value createLinear(OpBuilder &b, Location loc, Value input, Value weight,
                   Value bias);

/// Scalar bodies of the activations, for `x` of a float type.
/// SiLU: x / (1 + exp(-x)), as PyTorch computes it.
Value createSilu(OpBuilder &b, Location loc, Value x);
/// GELU: x/2 · (1 + erf(x/√2)), or with `useTanh` PyTorch's approximation
/// x/2 · (1 + tanh(√(2/π) · (x + 0.044715·x³))).
Value createGelu(OpBuilder &b, Location loc, Value x, bool useTanh);

/// `value` converted to the float type `type` (extf, truncf or itself).
Value convertFloat(OpBuilder &b, Location loc, Value value, Type type);

/// `value` (an integer or index) as an index.
Value castToIndex(OpBuilder &b, Location loc, Value value);

/// `value` as `type` (a tensor.cast where the static information differs).
Value castIfNeeded(OpBuilder &b, Location loc, Value value, Type type);

/// Populate functions, one per op family (one file each).
void populateLowerAttentionPatterns(RewritePatternSet &patterns);
void populateLowerNormalizationPatterns(RewritePatternSet &patterns);
void populateLowerProjectionPatterns(RewritePatternSet &patterns);
void populateLowerEncodingAndMaskPatterns(RewritePatternSet &patterns);
void populateLowerActivationPatterns(RewritePatternSet &patterns);
void populateLowerKVCachePatterns(RewritePatternSet &patterns);
void populateLowerRotaryEmbeddingPatterns(RewritePatternSet &patterns);
void populateLowerFeedForwardPatterns(RewritePatternSet &patterns);

} // namespace mlir::tfm

#endif // TFM_LIB_CONVERSION_TFMTOLINALG_LOWERINGUTILS_H
