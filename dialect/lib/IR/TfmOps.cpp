//===- TfmOps.cpp - verifiers of the tfm operations -------------*- C++ -*-===//
//
// Every verifier names the operand and the sizes involved, so that a model
// author can find the inconsistent tensor without reading the verifier.
//
//===----------------------------------------------------------------------===//

#include "tfm/IR/TfmOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfm;

#include "tfm/IR/TfmEnums.cpp.inc"

//===----------------------------------------------------------------------===//
// Shape-checking helpers shared by the verifiers
//===----------------------------------------------------------------------===//

namespace {
/// A tensor operand or result together with the name the diagnostics use.
struct Named {
  StringRef name;
  RankedTensorType type;
  int64_t dim(unsigned i) const { return type.getDimSize(i); }
};

/// Checks the shapes of one op, emitting the first inconsistency found.
class ShapeChecker {
public:
  explicit ShapeChecker(Operation *op) : op(op) {}

  static std::string str(int64_t size) {
    return ShapedType::isDynamic(size) ? "?" : std::to_string(size);
  }
  static bool compatible(int64_t a, int64_t b) {
    return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
  }

  LogicalResult rank(Named t, int64_t expected) {
    if (t.type.getRank() == expected)
      return success();
    return op->emitOpError()
           << t.name << " must have rank " << expected << ", got rank "
           << t.type.getRank() << " (" << t.type << ")";
  }

  LogicalResult minRank(Named t, int64_t expected) {
    if (t.type.getRank() >= expected)
      return success();
    return op->emitOpError() << t.name << " must have rank at least "
                             << expected << ", got " << t.type;
  }

  /// `what` names the meaning of the two dimensions, e.g. "batch size".
  LogicalResult sameDim(StringRef what, Named a, unsigned da, Named b,
                        unsigned db) {
    if (compatible(a.dim(da), b.dim(db)))
      return success();
    return op->emitOpError()
           << what << " mismatch: " << a.name << " dimension " << da << " is "
           << str(a.dim(da)) << " but " << b.name << " dimension " << db
           << " is " << str(b.dim(db));
  }

  /// Checks that dimension `da` of `a` equals the number `expected`.
  LogicalResult dimIs(StringRef what, Named a, unsigned da, int64_t expected,
                      StringRef why) {
    if (compatible(a.dim(da), expected))
      return success();
    return op->emitOpError()
           << a.name << " dimension " << da << " (" << what << ") is "
           << str(a.dim(da)) << ", expected " << str(expected) << " " << why;
  }

  LogicalResult sameElementType(Named a, Named b) {
    if (a.type.getElementType() == b.type.getElementType())
      return success();
    return op->emitOpError()
           << b.name << " element type " << b.type.getElementType()
           << " does not match " << a.name << " element type "
           << a.type.getElementType();
  }

  /// A mask is i1 (keep) or additive with the element type of `data`.
  LogicalResult maskElementType(Named mask, Named data) {
    Type elt = mask.type.getElementType();
    if (elt.isInteger(1) || elt == data.type.getElementType())
      return success();
    return op->emitOpError()
           << mask.name << " element type must be i1 or "
           << data.type.getElementType() << " (additive), got " << elt;
  }

  /// `mask` broadcasts to `target` with trailing alignment: each of its
  /// dimensions is 1 or equal to the one it lines up with.
  LogicalResult broadcastsTo(Named mask, ArrayRef<int64_t> target,
                             ArrayRef<StringRef> targetNames) {
    int64_t rank = mask.type.getRank();
    int64_t targetRank = target.size();
    if (rank > targetRank)
      return op->emitOpError() << mask.name << " has rank " << rank
                               << ", expected at most " << targetRank;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t t = targetRank - rank + i;
      int64_t size = mask.dim(i);
      if (size == 1 || compatible(size, target[t]))
        continue;
      return op->emitOpError()
             << mask.name << " dimension " << i << " is " << str(size)
             << ", expected 1 or " << str(target[t]) << " (" << targetNames[t]
             << ") to broadcast to [" << shapeStr(target) << "]";
    }
    return success();
  }

  static std::string shapeStr(ArrayRef<int64_t> shape) {
    std::string s;
    for (auto [i, d] : llvm::enumerate(shape))
      s += (i ? ", " : "") + str(d);
    return s;
  }

private:
  Operation *op;
};
} // namespace

/// A float as a person writes it: 0.125, -0.5, inf, nan.
static std::string floatStr(const APFloat &value) {
  if (value.isNaN())
    return "nan";
  if (value.isInfinity())
    return value.isNegative() ? "-inf" : "inf";
  SmallString<16> str;
  value.toString(str);
  return str.str().str();
}

static Named named(StringRef name, Value v) {
  return {name, cast<RankedTensorType>(v.getType())};
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

int64_t mlir::tfm::attentionGroupSize(Value query, Value key) {
  int64_t queryHeads = cast<ShapedType>(query.getType()).getDimSize(1);
  int64_t keyHeads = cast<ShapedType>(key.getType()).getDimSize(1);
  if (ShapedType::isDynamic(queryHeads) || ShapedType::isDynamic(keyHeads) ||
      keyHeads <= 0 || queryHeads % keyHeads != 0)
    return 1;
  return queryHeads / keyHeads;
}

/// Grouped-query attention: the key/value heads (of keys, and values when
/// given) divide the query heads. A grouping is only known when every head
/// count is static; with a dynamic one, all are equal (checked at run time
/// by the lowerings, as any dynamic size that must agree).
static LogicalResult verifyHeadGroups(Operation *op, ShapeChecker &check,
                                      Named q, ArrayRef<Named> keyValues) {
  for (Named kv : keyValues.drop_front())
    if (failed(check.sameDim("key/value head count", keyValues[0], 1, kv, 1)))
      return failure();
  bool anyDynamic = ShapedType::isDynamic(q.dim(1));
  for (Named kv : keyValues)
    anyDynamic |= ShapedType::isDynamic(kv.dim(1));
  for (Named kv : keyValues) {
    int64_t queryHeads = q.dim(1), heads = kv.dim(1);
    if (ShapedType::isDynamic(queryHeads) || ShapedType::isDynamic(heads))
      continue;
    if (anyDynamic && heads != queryHeads)
      return op->emitOpError()
             << "key/value head count " << heads << " (" << kv.name
             << " dimension 1) must equal query head count " << queryHeads
             << " (" << q.name
             << " dimension 1) when a head count is dynamic (grouped-query "
                "attention needs static head counts)";
    if (heads == 0 || queryHeads % heads != 0)
      return op->emitOpError()
             << "key/value head count " << heads << " (" << kv.name
             << " dimension 1) does not divide query head count "
             << queryHeads << " (" << q.name << " dimension 1)";
  }
  return success();
}

/// Checks queries, keys, the scale and the mask shared by tfm.attention and
/// tfm.attention_weights.
static LogicalResult verifyScoresOperands(Operation *op, ShapeChecker &check,
                                          Named q, Named k, Value mask,
                                          FloatAttr scale) {
  for (Named t : {q, k})
    if (failed(check.rank(t, 4)))
      return failure();
  if (failed(check.sameElementType(q, k)) ||
      failed(check.sameDim("batch size", q, 0, k, 0)) ||
      failed(check.sameDim("head size", q, 3, k, 3)))
    return failure();
  if (scale && !scale.getValue().isFinite())
    return op->emitOpError()
           << "scale must be finite, got " << floatStr(scale.getValue());
  if (mask) {
    Named m = named("mask", mask);
    SmallVector<int64_t> target = {q.dim(0), q.dim(1), q.dim(2), k.dim(2)};
    if (failed(check.maskElementType(m, q)) ||
        failed(check.broadcastsTo(m, target,
                                  {"batch", "heads", "queries", "keys"})))
      return failure();
  }
  return success();
}

LogicalResult AttentionOp::verify() {
  ShapeChecker check(*this);
  Named q = named("queries", getQuery()), k = named("keys", getKey()),
        v = named("values", getValue()), r = named("result", getResult());
  for (Named t : {v, r})
    if (failed(check.rank(t, 4)))
      return failure();
  if (failed(
          verifyScoresOperands(*this, check, q, k, getMask(), getScaleAttr())))
    return failure();
  if (failed(verifyHeadGroups(*this, check, q, {k, v})))
    return failure();
  for (Named t : {v, r})
    if (failed(check.sameElementType(q, t)))
      return failure();
  if (failed(check.sameDim("batch size", q, 0, v, 0)) ||
      failed(check.sameDim("key/value length", k, 2, v, 2)) ||
      failed(check.sameDim("batch size", q, 0, r, 0)) ||
      failed(check.sameDim("head count", q, 1, r, 1)) ||
      failed(check.sameDim("query length", q, 2, r, 2)) ||
      failed(check.sameDim("value head size", v, 3, r, 3)))
    return failure();
  return success();
}

LogicalResult AttentionWeightsOp::verify() {
  ShapeChecker check(*this);
  Named q = named("queries", getQuery()), k = named("keys", getKey()),
        r = named("result", getResult());
  if (failed(check.rank(r, 4)) ||
      failed(verifyScoresOperands(*this, check, q, k, getMask(),
                                  getScaleAttr())) ||
      failed(verifyHeadGroups(*this, check, q, {k})) ||
      failed(check.sameElementType(q, r)) ||
      failed(check.sameDim("batch size", q, 0, r, 0)) ||
      failed(check.sameDim("head count", q, 1, r, 1)) ||
      failed(check.sameDim("query length", q, 2, r, 2)) ||
      failed(check.sameDim("key length", k, 2, r, 3)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// MultiHeadAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult MultiHeadAttentionOp::verify() {
  ShapeChecker check(*this);
  Named q = named("query", getQuery()), k = named("key", getKey()),
        v = named("value", getValue()), r = named("result", getResult());
  for (Named t : {q, k, v, r})
    if (failed(check.rank(t, 3)))
      return failure();
  for (Named t : {k, v, r})
    if (failed(check.sameElementType(q, t)))
      return failure();
  if (failed(check.sameDim("batch size", q, 0, k, 0)) ||
      failed(check.sameDim("batch size", q, 0, v, 0)) ||
      failed(check.sameDim("key/value length", k, 1, v, 1)) ||
      failed(check.sameDim("batch size", q, 0, r, 0)) ||
      failed(check.sameDim("query length", q, 1, r, 1)) ||
      failed(check.sameDim("embedding size", q, 2, r, 2)))
    return failure();

  int64_t embed = q.dim(2);
  if (ShapedType::isDynamic(embed))
    return emitOpError("query embedding size (dimension 2) must be static");
  int64_t heads = getNumHeads();
  if (heads <= 0)
    return emitOpError() << "head count must be positive, got " << heads;
  if (embed % heads != 0)
    return emitOpError() << "head count " << heads
                         << " does not divide embedding size " << embed;
  int64_t kvHeads = getKeyValueHeads();
  if (kvHeads <= 0)
    return emitOpError() << "key/value head count must be positive, got "
                         << kvHeads;
  if (heads % kvHeads != 0)
    return emitOpError() << "key/value head count " << kvHeads
                         << " does not divide head count " << heads;
  // Rows of the key and value projections, and of all three packed.
  int64_t kvEmbed = kvHeads * (embed / heads);
  int64_t packedRows = embed + 2 * kvEmbed;

  // Weights and biases must match exactly: they describe the model.
  auto expectShape = [&](Named t, ArrayRef<int64_t> shape) -> LogicalResult {
    if (failed(check.sameElementType(q, t)))
      return failure();
    if (t.type.getShape() == shape)
      return success();
    return emitOpError() << t.name << " must have shape ["
                         << ShapeChecker::shapeStr(shape) << "], got "
                         << t.type;
  };

  auto weights = getInProjWeights();
  if (weights.size() == 1) {
    if (failed(expectShape(named("packed in_proj weight", weights[0]),
                           {packedRows, embed})) ||
        failed(check.dimIs("embedding size", k, 2, embed,
                           "with a packed in_proj weight")) ||
        failed(check.dimIs("embedding size", v, 2, embed,
                           "with a packed in_proj weight")))
      return failure();
  } else if (weights.size() == 3) {
    Named wk = named("key in_proj weight", weights[1]);
    Named wv = named("value in_proj weight", weights[2]);
    if (failed(expectShape(named("query in_proj weight", weights[0]),
                           {embed, embed})) ||
        failed(check.rank(wk, 2)) || failed(check.rank(wv, 2)))
      return failure();
    // The weights fix the key and value feature sizes (kdim, vdim).
    for (auto [w, input, what] :
         {std::tuple<Named, Named, StringRef>{wk, k, "key features"},
          std::tuple<Named, Named, StringRef>{wv, v, "value features"}}) {
      if (w.type.isDynamicDim(1))
        return emitOpError()
               << w.name << " must have a static shape, got " << w.type;
      int64_t features =
          ShapedType::isDynamic(input.dim(2)) ? w.dim(1) : input.dim(2);
      if (failed(expectShape(w, {kvEmbed, features})) ||
          failed(check.sameDim(what, input, 2, w, 1)))
        return failure();
    }
  } else {
    return emitOpError() << "in_proj takes 1 packed weight "
                         << (getNumKvHeads() ? "[(H + 2*Hkv)*D, E]" : "[3E, E]")
                         << " or 3 separate weights, got " << weights.size();
  }

  auto biases = getInProjBiases();
  if (biases.size() == 1) {
    if (failed(
            expectShape(named("packed in_proj bias", biases[0]), {packedRows})))
      return failure();
  } else if (biases.size() == 3) {
    // A named array: an ArrayRef of a braced list inside the range
    // expression would dangle (stack-use-after-scope).
    const StringRef names[] = {"query in_proj bias", "key in_proj bias",
                               "value in_proj bias"};
    const int64_t rows[] = {embed, kvEmbed, kvEmbed};
    for (auto [name, bias, size] : llvm::zip(names, biases, rows))
      if (failed(expectShape(named(name, bias), {size})))
        return failure();
  } else if (!biases.empty()) {
    return emitOpError() << "in_bias takes 1 packed bias "
                         << (getNumKvHeads() ? "[(H + 2*Hkv)*D] or 3 biases "
                                               "[E], [Hkv*D], [Hkv*D]"
                                             : "[3E] or 3 biases [E]")
                         << ", got " << biases.size();
  }

  if (failed(expectShape(named("out_proj weight", getOutProjWeight()),
                         {embed, embed})))
    return failure();
  if (Value bias = getOutProjBias())
    if (failed(expectShape(named("out_proj bias", bias), {embed})))
      return failure();

  if (Value mask = getKeyPaddingMask()) {
    Named m = named("key_padding_mask", mask);
    if (failed(check.maskElementType(m, q)) || failed(check.rank(m, 2)) ||
        failed(check.sameDim("batch size", m, 0, q, 0)) ||
        failed(check.sameDim("key length", m, 1, k, 1)))
      return failure();
  }
  if (Value mask = getAttnMask()) {
    Named m = named("attn_mask", mask);
    if (failed(check.maskElementType(m, q)))
      return failure();
    int64_t rank = m.type.getRank();
    if (rank != 2 && rank != 3)
      return emitOpError() << "attn_mask must have rank 2 [Sq, Skv] or 3 "
                              "[B*heads, Sq, Skv], got "
                           << m.type;
    if (rank == 3 && !ShapedType::isDynamic(q.dim(0)) &&
        failed(check.dimIs("batch*heads", m, 0, q.dim(0) * heads,
                           "(batch size times head count)")))
      return failure();
    if (failed(check.sameDim("query length", m, rank - 2, q, 1)) ||
        failed(check.sameDim("key length", m, rank - 1, k, 1)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Key/value cache
//===----------------------------------------------------------------------===//

LogicalResult KVCacheAppendOp::verify() {
  ShapeChecker check(*this);
  Named c = named("cache", getCache()), s = named("step", getStep()),
        r = named("result", getResult());
  for (Named t : {c, s, r})
    if (failed(check.rank(t, 4)))
      return failure();
  for (Named t : {s, r})
    if (failed(check.sameElementType(c, t)))
      return failure();
  // cache [L, B, H, D], step [B, H, S, D], result [B, H, L + S, D].
  if (failed(check.sameDim("batch size", c, 1, s, 0)) ||
      failed(check.sameDim("head count", c, 2, s, 1)) ||
      failed(check.sameDim("head size", c, 3, s, 3)) ||
      failed(check.sameDim("batch size", s, 0, r, 0)) ||
      failed(check.sameDim("head count", s, 1, r, 1)) ||
      failed(check.sameDim("head size", s, 3, r, 3)))
    return failure();
  int64_t cached = c.dim(0), added = s.dim(2);
  if (!ShapedType::isDynamic(cached) && !ShapedType::isDynamic(added) &&
      failed(check.dimIs("positions", r, 2, cached + added,
                         "(cache dimension 0 plus step dimension 2)")))
    return failure();
  return success();
}

LogicalResult KVCacheEntriesOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput()), r = named("result", getResult());
  if (failed(check.rank(in, 4)) || failed(check.rank(r, 4)) ||
      failed(check.sameElementType(in, r)))
    return failure();
  // input [B, H, S, D], result [S, B, H, D].
  if (failed(check.sameDim("positions", in, 2, r, 0)) ||
      failed(check.sameDim("batch size", in, 0, r, 1)) ||
      failed(check.sameDim("head count", in, 1, r, 2)) ||
      failed(check.sameDim("head size", in, 3, r, 3)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Masks
//===----------------------------------------------------------------------===//

LogicalResult CausalMaskOp::verify() {
  auto type = cast<RankedTensorType>(getResult().getType());
  if (type.getRank() != 2)
    return emitOpError() << "result must have rank 2 [Sq, Skv], got " << type;
  int64_t numDynamic = type.getNumDynamicDims();
  if (static_cast<int64_t>(getDynamicSizes().size()) != numDynamic)
    return emitOpError() << "expected " << numDynamic
                         << " dynamic size operands for " << type << ", got "
                         << getDynamicSizes().size();
  return success();
}

LogicalResult PaddingMaskOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput()), r = named("result", getResult());
  if (failed(check.rank(r, 2)))
    return failure();
  if (std::optional<int64_t> pad = getPadId()) {
    auto intType = dyn_cast<IntegerType>(in.type.getElementType());
    unsigned width = intType ? intType.getWidth() : 64;
    if (width < 64 && !llvm::isIntN(width, *pad) && !llvm::isUIntN(width, *pad))
      return emitOpError() << "pad id " << *pad << " does not fit the ids' "
                           << in.type.getElementType() << " elements";
    if (failed(check.rank(in, 2)) ||
        failed(check.sameDim("batch size", in, 0, r, 0)) ||
        failed(check.sameDim("sequence length", in, 1, r, 1)))
      return failure();
    if (getSeqLen())
      return emitOpError("seq_len is only used with lengths input, not with "
                         "token ids and pad");
    return success();
  }
  // Without pad(N), the input holds one length per batch row.
  if (failed(check.rank(in, 1)))
    return failure();
  if (failed(check.sameDim("batch size", in, 0, r, 0)))
    return failure();
  bool dynamicLength = r.type.isDynamicDim(1);
  if (dynamicLength && !getSeqLen())
    return emitOpError("seq_len operand is required when the result's "
                       "sequence length is dynamic");
  if (!dynamicLength && getSeqLen())
    return emitOpError() << "seq_len operand given but the result's sequence "
                            "length is static ("
                         << r.dim(1) << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// Positional encoding and embeddings
//===----------------------------------------------------------------------===//

LogicalResult PositionalEncodingOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput()), r = named("result", getResult());
  if (failed(check.rank(in, 3)))
    return failure();
  if (in.type != r.type)
    return emitOpError() << "result type " << r.type
                         << " must equal input type " << in.type;
  int64_t embed = in.dim(2);
  if (getKind() == PositionalEncodingKind::sinusoidal) {
    if (getTable())
      return emitOpError("sinusoidal encoding takes no table");
    if (ShapedType::isDynamic(embed))
      return emitOpError("sinusoidal encoding needs a static embedding size");
    if (embed % 2 != 0)
      return emitOpError() << "sinusoidal encoding needs an even embedding "
                              "size, got "
                           << embed;
  } else {
    if (!getTable())
      return emitOpError("learned encoding needs a table [maxS, E]");
    Named t = named("table", getTable());
    if (failed(check.rank(t, 2)) || failed(check.sameElementType(in, t)) ||
        failed(check.sameDim("embedding size", t, 1, in, 2)))
      return failure();
    if (t.dim(0) == 0)
      return emitOpError("table has no positions");
    if (!getOffset() && !ShapedType::isDynamic(t.dim(0)) &&
        !ShapedType::isDynamic(in.dim(1)) && in.dim(1) > t.dim(0))
      return emitOpError() << "sequence length " << in.dim(1)
                           << " exceeds the table's " << t.dim(0)
                           << " positions";
  }
  if (Value offset = getOffset()) {
    Named o = named("offset", offset);
    if (failed(check.rank(o, 1)) ||
        failed(check.sameDim("batch size", o, 0, in, 0)))
      return failure();
  }
  return success();
}

LogicalResult RotaryEmbeddingOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput()), r = named("result", getResult());
  if (failed(check.rank(in, 4)))
    return failure();
  if (in.type != r.type)
    return emitOpError() << "result type " << r.type
                         << " must equal input type " << in.type;
  int64_t headSize = in.dim(3);
  if (ShapedType::isDynamic(headSize))
    return emitOpError("input head size (dimension 3) must be static");
  int64_t rotaryDim = getRotaryDim();
  if (rotaryDim <= 0 || rotaryDim % 2 != 0 || rotaryDim > headSize)
    return emitOpError() << "rotary_dim must be even, positive and at most "
                            "the head size "
                         << headSize << ", got " << rotaryDim;
  APFloat theta = getTheta();
  if (!theta.isFiniteNonZero() || theta.isNegative())
    return emitOpError() << "theta must be positive and finite, got "
                         << floatStr(theta);

  // The parameters each rope_scaling type takes, as Hugging Face's
  // _validate_*_parameters name them.
  RopeScaling scaling = getScaling();
  auto positiveFinite = [](const APFloat &value) {
    return value.isFiniteNonZero() && !value.isNegative();
  };
  std::pair<StringRef, bool> given[] = {
      {"factor", getFactor().has_value()},
      {"low_freq_factor", getLowFreqFactor().has_value()},
      {"high_freq_factor", getHighFreqFactor().has_value()},
      {"original_max_position_embeddings",
       getOriginalMaxPositionEmbeddings().has_value()}};
  size_t taken = scaling == RopeScaling::none     ? 0
                 : scaling == RopeScaling::linear ? 1
                                                  : 4;
  for (auto [i, parameter] : llvm::enumerate(given)) {
    if (i < taken && !parameter.second)
      return emitOpError() << stringifyRopeScaling(scaling) << " scaling needs "
                           << parameter.first;
    if (i >= taken && parameter.second)
      return emitOpError() << parameter.first << " is not a parameter of "
                           << stringifyRopeScaling(scaling) << " scaling";
  }
  if (taken > 0) {
    APFloat factor = *getFactor();
    if (!factor.isFinite() ||
        factor.compare(APFloat(1.0)) == APFloat::cmpLessThan)
      return emitOpError() << "scaling factor must be finite and at least 1, "
                              "got "
                           << floatStr(factor);
  }
  if (scaling == RopeScaling::llama3) {
    APFloat low = *getLowFreqFactor(), high = *getHighFreqFactor();
    if (!positiveFinite(low) || !positiveFinite(high))
      return emitOpError() << "low_freq_factor and high_freq_factor must be "
                              "positive and finite, got "
                           << floatStr(low) << " and " << floatStr(high);
    if (high.compare(low) != APFloat::cmpGreaterThan)
      return emitOpError() << "high_freq_factor " << floatStr(high)
                           << " must be greater than low_freq_factor "
                           << floatStr(low);
    if (*getOriginalMaxPositionEmbeddings() <= 0)
      return emitOpError() << "original_max_position_embeddings must be "
                              "positive, got "
                           << *getOriginalMaxPositionEmbeddings();
  }

  if (Value offset = getOffset()) {
    Named o = named("offset", offset);
    if (failed(check.rank(o, 1)) ||
        failed(check.sameDim("batch size", o, 0, in, 0)))
      return failure();
  }
  return success();
}

LogicalResult EmbeddingOp::verify() {
  ShapeChecker check(*this);
  Named ids = named("ids", getIds()), table = named("table", getTable()),
        r = named("result", getResult());
  if (failed(check.rank(table, 2)) ||
      failed(check.rank(r, ids.type.getRank() + 1)) ||
      failed(check.sameElementType(table, r)))
    return failure();
  if (table.dim(0) == 0)
    return emitOpError("table has no rows");
  for (int64_t i = 0, e = ids.type.getRank(); i < e; ++i)
    if (failed(check.sameDim("ids dimension", ids, i, r, i)))
      return failure();
  if (FloatAttr scale = getScaleAttr())
    if (!scale.getValue().isFinite())
      return emitOpError() << "scale must be finite, got "
                           << floatStr(scale.getValue());
  return check.sameDim("embedding size", table, 1, r, ids.type.getRank());
}

//===----------------------------------------------------------------------===//
// Normalization, projections, feed-forwards
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  auto type = cast<RankedTensorType>(getInput().getType());
  if (type != getResult().getType())
    return emitOpError() << "result type " << getResult().getType()
                         << " must equal input type " << type;
  int64_t rank = type.getRank(), axis = getAxis();
  if (rank == 0)
    return emitOpError("input must have rank at least 1");
  if (axis < -rank || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << rank << " (expected " << -rank << " to " << rank - 1
                         << ")";
  return success();
}

LogicalResult LayerNormOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput());
  if (failed(check.minRank(in, 1)))
    return failure();
  if (in.type != getResult().getType())
    return emitOpError() << "result type " << getResult().getType()
                         << " must equal input type " << in.type;
  unsigned last = in.type.getRank() - 1;
  for (auto [name, value] : {std::pair<StringRef, Value>{"weight", getWeight()},
                             {"bias", getBias()}}) {
    if (!value)
      continue;
    Named p = named(name, value);
    if (failed(check.rank(p, 1)) || failed(check.sameElementType(in, p)) ||
        failed(check.sameDim("normalized size", p, 0, in, last)))
      return failure();
  }
  APFloat eps = getEpsilonAttr().getValue();
  if (!eps.isFinite() || eps.isNegative() || eps.isZero())
    return emitOpError() << "epsilon must be positive and finite, got "
                         << floatStr(eps);
  return success();
}

LogicalResult RmsNormOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput()), w = named("weight", getWeight());
  if (failed(check.minRank(in, 1)))
    return failure();
  if (in.type != getResult().getType())
    return emitOpError() << "result type " << getResult().getType()
                         << " must equal input type " << in.type;
  if (failed(check.rank(w, 1)) || failed(check.sameElementType(in, w)) ||
      failed(check.sameDim("normalized size", w, 0, in,
                           in.type.getRank() - 1)))
    return failure();
  APFloat eps = getEpsilonAttr().getValue();
  if (!eps.isFinite() || eps.isNegative() || eps.isZero())
    return emitOpError() << "epsilon must be positive and finite, got "
                         << floatStr(eps);
  return success();
}

LogicalResult LinearOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput()), w = named("weight", getWeight()),
        r = named("result", getResult());
  if (failed(check.minRank(in, 1)) || failed(check.rank(w, 2)) ||
      failed(check.rank(r, in.type.getRank())) ||
      failed(check.sameElementType(in, w)) ||
      failed(check.sameElementType(in, r)))
    return failure();
  unsigned last = in.type.getRank() - 1;
  if (failed(check.sameDim("input features", in, last, w, 1)) ||
      failed(check.sameDim("output features", r, last, w, 0)))
    return failure();
  for (unsigned i = 0; i < last; ++i)
    if (failed(check.sameDim("leading dimension", in, i, r, i)))
      return failure();
  if (Value bias = getBias()) {
    Named b = named("bias", bias);
    if (failed(check.rank(b, 1)) || failed(check.sameElementType(in, b)) ||
        failed(check.sameDim("output features", b, 0, w, 0)))
      return failure();
  }
  return success();
}

LogicalResult GatedFeedForwardOp::verify() {
  ShapeChecker check(*this);
  Named in = named("input", getInput()), r = named("result", getResult()),
        gate = named("gate weight", getGateWeight()),
        up = named("up weight", getUpWeight()),
        down = named("down weight", getDownWeight());
  if (failed(check.minRank(in, 1)) ||
      failed(check.rank(r, in.type.getRank())))
    return failure();
  for (Named t : {gate, up, down})
    if (failed(check.rank(t, 2)) || failed(check.sameElementType(in, t)))
      return failure();
  if (failed(check.sameElementType(in, r)))
    return failure();
  // input [..., E], gate and up [F, E], down [E', F], result [..., E'].
  unsigned last = in.type.getRank() - 1;
  if (failed(check.sameDim("input features", in, last, gate, 1)) ||
      failed(check.sameDim("input features", in, last, up, 1)) ||
      failed(check.sameDim("hidden features", gate, 0, up, 0)) ||
      failed(check.sameDim("hidden features", gate, 0, down, 1)) ||
      failed(check.sameDim("hidden features", up, 0, down, 1)) ||
      failed(check.sameDim("output features", r, last, down, 0)))
    return failure();
  for (unsigned i = 0; i < last; ++i)
    if (failed(check.sameDim("leading dimension", in, i, r, i)))
      return failure();
  return success();
}

#define GET_OP_CLASSES
#include "tfm/IR/TfmOps.cpp.inc"
