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

} // namespace mlir::tfm

#endif // TFM_LIB_CONVERSION_TFMTOLINALG_LOWERINGUTILS_H
