//===- FuseAttention.cpp - flash-style fused tfm.attention ------*- C++ -*-===//
//
// Rewrites tfm.attention into one scf.forall over (batch, head, query block)
// whose body streams blocks of keys and values through an online softmax
// (running maximum and sum, rescaled accumulator), so the Sq×Skv scores never
// exist in memory; only a [key block × query block] tile does.
//
// Inside a block the queries lie along vector lanes: Qᵀ (scaled once) is a
// [D × Bq] tile, scores are Sᵀ = K·Qᵀ, the accumulator is Oᵀ [Dv × Bq]. Every
// softmax step is then lane-wise (no horizontal reductions), both products
// are register tiles of broadcast-times-vector FMAs, and lanes are always
// full whatever D, Dv, Sq and Skv are: rows past the end of a dimension are
// computed on clamped indices and never written. The only transposes are Q
// on entry and O on exit, once per query block.
//
// A single query (a decoding step: Sq = 1) would fill one lane of L (the
// f32 lanes of the target's vectors: 16 with AVX-512, 8 with AVX2): when D
// and Dv are static, such a query takes its own loop instead, with the depth
// along lanes: q·k is a dot product of ceil(D/L) vectors per key (the last
// one masked when D is not a lane multiple; L keys' sums across lanes taken
// together by a shuffle-and-add tree), the accumulator O is ceil(Dv/L)
// vectors, and L keys at a time share one softmax step.
//
// The body is written on buffers (inputs through bufferization.to_buffer,
// scratch tiles as stack allocas) and the result handed back to the tensor
// world with bufferization.to_tensor, so one-shot bufferization leaves it as
// it is. Element types other than f32 keep the plain lowering.
//
//===----------------------------------------------------------------------===//

#include "tfm/IR/SourceOp.h"
#include "tfm/IR/TfmOps.h"
#include "tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <limits>

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSEATTENTION
#include "tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// Rows of a register tile covering `dim` rows: 4 to 6 (with 4 vectors of
/// queries on AVX-512, 16 to 24 accumulators), the one that pads `dim`
/// least.
int64_t tileRows(int64_t dim) {
  if (ShapedType::isDynamic(dim))
    return 4;
  int64_t best = 0, bestPadded = 0;
  for (int64_t rows : {6, 5, 4}) {
    int64_t padded = llvm::divideCeil(dim, rows) * rows;
    if (!best || padded < bestPadded) {
      best = rows;
      bestPadded = padded;
    }
  }
  return best;
}

/// Builds the fused loops for one attention op.
class FlashBuilder {
public:
  /// `keyT` and `valueT` stand for the op's keys and values. With
  /// `appends` (single-query loop only), the keys and values are those two
  /// tfm.kv_cache_append results, read from their cache and step operands in
  /// place instead.
  FlashBuilder(OpBuilder &b, Location loc, AttentionOp op, int64_t lanes,
               int64_t queryBlock, int64_t keyBlock, Value keyT, Value valueT,
               std::pair<KVCacheAppendOp, KVCacheAppendOp> appends = {})
      : b(b), loc(loc), op(op), keyT(keyT), valueT(valueT),
        keyAppend(appends.first), valueAppend(appends.second), lanes(lanes),
        bq(queryBlock), nv(queryBlock / lanes), keyRows(tileRows(keyBlock)) {
    // The key block is a whole number of register tiles.
    bk = llvm::divideCeil(keyBlock, keyRows) * keyRows;
    auto vType = cast<RankedTensorType>(valueT.getType());
    valueRows = tileRows(vType.getDimSize(3));
    group = op.getGroupSize();
    if (bq == kSingleQuery)
      headsPerRow = rowHeads(group);
    f32 = b.getF32Type();
    vecType = VectorType::get({lanes}, f32);
  }

  Value build();
  scf::ForallOp getForall() const { return forall; }

  /// Whether `op` can take the single-query loop: D and Dv static.
  static bool hasStaticDepths(AttentionOp op);
  /// One query per forall iteration, with the depth along lanes.
  static constexpr int64_t kSingleQuery = 1;
  /// At most this many query heads of a key/value group share one
  /// single-query iteration (each adds its own copy of the loop body).
  static constexpr int64_t kMaxRowHeads = 8;
  /// Query heads that one single-query iteration takes together: the
  /// largest divisor of `group` up to kMaxRowHeads.
  static int64_t rowHeads(int64_t group) {
    for (int64_t n = std::min(group, kMaxRowHeads); n > 1; --n)
      if (group % n == 0)
        return n;
    return 1;
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value minIdx(Value a, Value c) {
    return arith::MinSIOp::create(b, loc, a, c);
  }
  Value add(Value a, Value c) { return arith::AddIOp::create(b, loc, a, c); }
  Value sub(Value a, Value c) { return arith::SubIOp::create(b, loc, a, c); }
  Value mul(Value a, Value c) { return arith::MulIOp::create(b, loc, a, c); }
  Value ceilDiv(Value a, Value c) {
    return arith::CeilDivSIOp::create(b, loc, a, c);
  }
  Value splat(double v) {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType, b.getF32FloatAttr(v)));
  }
  Value maxVec(Value a, Value c) {
    // A plain compare and select (vmaxps); NaN propagation is not needed.
    Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, a, c);
    return arith::SelectOp::create(b, loc, gt, a, c);
  }
  Value loadVec(Value mem, ValueRange indices) {
    return vector::LoadOp::create(b, loc, vecType, mem, indices);
  }
  void storeVec(Value v, Value mem, ValueRange indices) {
    vector::StoreOp::create(b, loc, v, mem, indices);
  }
  /// Chunk `c` (lanes wide) of a row of `depth` elements whose chunk
  /// starts at `indices`: past the row's end, lanes are masked (loaded as
  /// zeros, not stored), which keeps rows of any depth in vectors.
  Value loadChunk(Value mem, ValueRange indices, int64_t c, int64_t depth) {
    int64_t used = std::min(lanes, depth - c * lanes);
    if (used == lanes)
      return loadVec(mem, indices);
    return vector::MaskedLoadOp::create(b, loc, vecType, mem, indices,
                                        chunkMask(used), splat(0.0));
  }
  void storeChunk(Value v, Value mem, ValueRange indices, int64_t c,
                  int64_t depth) {
    int64_t used = std::min(lanes, depth - c * lanes);
    if (used == lanes)
      return storeVec(v, mem, indices);
    vector::MaskedStoreOp::create(b, loc, mem, indices, chunkMask(used), v);
  }
  Value chunkMask(int64_t used) {
    return vector::ConstantMaskOp::create(
        b, loc, VectorType::get({lanes}, b.getI1Type()),
        b.getDenseI64ArrayAttr({used}));
  }
  Value toBuffer(Value tensor, bool unitInnerStride = false);
  /// A constant where the size is static.
  Value dimOf(Value tensor, int64_t i) {
    return getValueOrCreateConstantIndexOp(
        b, loc, tensor::getMixedSize(b, loc, tensor, i));
  }
  void checkSizes();
  Value scaleValue();
  void buildBlock(ValueRange ivs, Value out);
  SmallVector<Value> buildScores(bool masked, Value k0, Value nk);
  Value applyMask(Value s, Value key, Value clampedKey, int64_t lanesBlock);
  void buildValues(Value k0, Value nk, ArrayRef<Value> alpha, bool guarded);
  void buildRow(ValueRange ivs, Value out);
  Value maskPenalty(Value head, Value row, Value key);
  /// The key/value head that query head `head` reads: head / group.
  Value keyValueHead(Value head) {
    return group == 1 ? head
                      : Value(arith::DivUIOp::create(b, loc, head, idx(group)));
  }
  /// Scores plus the mask's penalties, -inf where a penalty is -inf: selected
  /// rather than added, so that a hidden key's score is -inf even where its
  /// key holds NaN or inf.
  Value addPenalties(Value scores, Value penalties);
  /// acc + p·x, or acc where p is 0: a hidden key adds nothing whatever its
  /// value holds (0 · NaN and 0 · inf are NaN). With AVX-512 this is one
  /// masked FMA.
  Value fmaUnlessHidden(Value p, Value x, Value acc);
  /// Lane r of the result is the sum of the lanes of vectors[r].
  Value sumLanesOfEach(ArrayRef<Value> vectors);

  OpBuilder &b;
  Location loc;
  AttentionOp op;
  Value keyT, valueT;
  KVCacheAppendOp keyAppend, valueAppend;
  /// f32 lanes per vector (a power of two): 16 with AVX-512, 8 with AVX2.
  int64_t lanes;
  int64_t bq, nv, keyRows, bk = 0, valueRows = 0;
  /// Query heads per key/value head, and query heads per single-query
  /// iteration (a divisor of group).
  int64_t group = 1, headsPerRow = 1;
  Type f32;
  VectorType vecType;

  // Buffers and sizes, set by build(); with appends, the cached keys and
  // values [L, B, H, D] and the new ones [B, H, S, D] instead of k and v.
  Value q, k, v, mask;
  Value pastK, pastV, newK, newV, pastLength;
  Value batch, heads, kvHeads, sq, skv, depth, valueDepth, valueDepthPadded;
  Value causalOffset; // Skv - Sq
  Value scale;
  scf::ForallOp forall;

  // Per forall iteration, set by buildBlock() (hi the query head, hk its
  // key/value head).
  Value bi, hi, hk, q0, qT, sT, oT;
};

Value FlashBuilder::toBuffer(Value tensor, bool unitInnerStride) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
  if (unitInnerStride)
    strides.back() = 1;
  auto layout =
      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, strides);
  auto memType =
      MemRefType::get(type.getShape(), type.getElementType(), layout);
  return bufferization::ToBufferOp::create(b, loc, memType, tensor,
                                           /*read_only=*/true);
}

/// Dynamic sizes that must agree are checked at run time (the loops read
/// out of bounds otherwise), as tfm-check-shapes does for linalg ops.
void FlashBuilder::checkSizes() {
  std::string message = "tensor sizes do not agree in " + describeSourceOp(op) +
                        " (inputs with inconsistent dynamic dimensions)";
  auto check = [&](Value a, Value c) {
    if (getConstantIntValue(a) && getConstantIntValue(c))
      return;
    Value same = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, c);
    cf::AssertOp::create(b, loc, same, message);
  };
  auto dim = [&](Value t, int64_t i) { return dimOf(t, i); };
  // Batch, heads and depth of keys or values held in `t` at dimensions
  // (b, h, d): [B, H, S, D] for attention's operands and a cache append's
  // step, [L, B, H, D] for a cache.
  auto checkOperand = [&](Value t, int64_t b, int64_t h, Value d) {
    check(batch, dim(t, b));
    check(kvHeads, dim(t, h));
    check(d, dim(t, 3));
  };
  if (keyAppend) {
    Value pk = keyAppend.getCache(), nk = keyAppend.getStep();
    Value pv = valueAppend.getCache(), nv = valueAppend.getStep();
    checkOperand(pk, 1, 2, depth);
    checkOperand(pv, 1, 2, valueDepth);
    checkOperand(nk, 0, 1, depth);
    checkOperand(nv, 0, 1, valueDepth);
    check(dim(pk, 0), dim(pv, 0));
    check(dim(nk, 2), dim(nv, 2));
  } else {
    checkOperand(keyT, 0, 1, depth);
    checkOperand(valueT, 0, 1, valueDepth);
    check(skv, dim(valueT, 2));
  }
  Value result[] = {batch, heads, sq, valueDepth};
  auto resultType = cast<RankedTensorType>(op.getType());
  for (int64_t i = 0; i < 4; ++i)
    if (!resultType.isDynamicDim(i))
      check(result[i], idx(resultType.getDimSize(i)));
  if (Value m = op.getMask()) {
    auto maskType = cast<RankedTensorType>(m.getType());
    int64_t rank = maskType.getRank();
    Value full[] = {batch, heads, sq, skv};
    for (int64_t i = 0; i < rank; ++i)
      if (maskType.getDimSize(i) != 1)
        check(full[4 - rank + i], dim(m, i));
  }
}

/// The scale as an f32: the attribute, or 1/sqrt(D).
Value FlashBuilder::scaleValue() {
  if (FloatAttr attr = op.getScaleAttr())
    return arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(attr.getValueAsDouble()));
  int64_t d = cast<RankedTensorType>(op.getQuery().getType()).getDimSize(3);
  if (!ShapedType::isDynamic(d))
    return arith::ConstantOp::create(b, loc,
                                     b.getF32FloatAttr(1.0 / std::sqrt(d)));
  Value dInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), depth);
  Value dFloat = arith::UIToFPOp::create(b, loc, f32, dInt);
  return math::RsqrtOp::create(b, loc, dFloat);
}

Value FlashBuilder::build() {
  Value qTensor = op.getQuery();
  batch = dimOf(qTensor, 0);
  heads = dimOf(qTensor, 1);
  // Grouped heads are static (the verifier requires it).
  kvHeads = group == 1 ? heads : idx(cast<RankedTensorType>(qTensor.getType())
                                         .getDimSize(1) /
                                     group);
  sq = dimOf(qTensor, 2);
  depth = dimOf(qTensor, 3);
  if (keyAppend) {
    pastLength = dimOf(keyAppend.getCache(), 0);
    skv = add(pastLength, dimOf(keyAppend.getStep(), 2));
  } else {
    skv = dimOf(keyT, 2);
  }
  valueDepth = dimOf(valueT, 3);
  if (std::optional<int64_t> dv = getConstantIntValue(valueDepth))
    valueDepthPadded = idx(llvm::divideCeil(*dv, valueRows) * valueRows);
  else
    valueDepthPadded = mul(ceilDiv(valueDepth, idx(valueRows)), idx(valueRows));
  causalOffset = sub(skv, sq);
  checkSizes();
  scale = scaleValue();
  // The single-query loop reads rows with vector loads, which need unit
  // innermost strides (bufferization copies an operand without them).
  bool rows = bq == kSingleQuery;
  q = toBuffer(qTensor, rows);
  if (keyAppend) {
    pastK = toBuffer(keyAppend.getCache(), rows);
    newK = toBuffer(keyAppend.getStep(), rows);
    pastV = toBuffer(valueAppend.getCache(), rows);
    newV = toBuffer(valueAppend.getStep(), rows);
  } else {
    k = toBuffer(keyT, rows);
    v = toBuffer(valueT, rows);
  }
  if (op.getMask())
    mask = toBuffer(op.getMask());

  // Every iteration writes its own rows of the output.
  auto resultType = cast<RankedTensorType>(op.getType());
  SmallVector<Value> dynSizes;
  Value sizes[] = {batch, heads, sq, valueDepth};
  for (int64_t i = 0; i < 4; ++i)
    if (resultType.isDynamicDim(i))
      dynSizes.push_back(sizes[i]);
  auto outType = MemRefType::get(resultType.getShape(), f32);
  Value out = memref::AllocOp::create(b, loc, outType, dynSizes,
                                      b.getI64IntegerAttr(64));

  // A single-query iteration takes headsPerRow query heads of one group.
  Value headSteps =
      headsPerRow == 1 ? heads : idx(*getConstantIntValue(heads) / headsPerRow);
  SmallVector<OpFoldResult> ubs = {batch, headSteps, ceilDiv(sq, idx(bq))};
  forall = scf::ForallOp::create(b, loc, ubs, ValueRange(), std::nullopt);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(forall.getBody()->getTerminator());
    if (bq == kSingleQuery)
      buildRow(forall.getInductionVars(), out);
    else
      buildBlock(forall.getInductionVars(), out);
  }
  return bufferization::ToTensorOp::create(b, loc, resultType, out,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

void FlashBuilder::buildBlock(ValueRange ivs, Value out) {
  bi = ivs[0];
  hi = ivs[1];
  hk = keyValueHead(hi);
  q0 = mul(ivs[2], idx(bq));
  Value nq = minIdx(idx(bq), sub(sq, q0));
  Value c0 = idx(0), c1 = idx(1);

  // Scratch tiles on the stack (tfm-hoist-loop-allocas moves them out of
  // sequential loops; each thread of a parallel loop gets its own).
  auto tile = [&](int64_t rows, Value dynRows) {
    auto type = MemRefType::get({rows, bq}, f32);
    return memref::AllocaOp::create(
        b, loc, type, dynRows ? ValueRange{dynRows} : ValueRange{},
        ValueRange{}, b.getI64IntegerAttr(64));
  };
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  qT = qType.isDynamicDim(3) ? tile(ShapedType::kDynamic, depth)
                             : tile(qType.getDimSize(3), nullptr);
  sT = tile(bk, nullptr);
  std::optional<int64_t> dvPad = getConstantIntValue(valueDepthPadded);
  oT = dvPad ? tile(*dvPad, nullptr)
             : tile(ShapedType::kDynamic, valueDepthPadded);
  Value invL =
      memref::AllocaOp::create(b, loc, MemRefType::get({bq}, f32), ValueRange{},
                               ValueRange{}, b.getI64IntegerAttr(64));

  // Qᵀ·scale; rows past Sq repeat the last query (their lanes are dropped).
  Value lastQuery = sub(sq, c1);
  scf::ForOp::create(
      b, loc, c0, idx(bq), c1, ValueRange{},
      [&](OpBuilder &, Location, Value i, ValueRange) {
        Value row = minIdx(add(q0, i), lastQuery);
        scf::ForOp::create(
            b, loc, c0, depth, c1, ValueRange{},
            [&](OpBuilder &, Location, Value d, ValueRange) {
              Value x =
                  memref::LoadOp::create(b, loc, q, ValueRange{bi, hi, row, d});
              Value scaled = arith::MulFOp::create(b, loc, x, scale);
              memref::StoreOp::create(b, loc, scaled, qT, ValueRange{d, i});
              scf::YieldOp::create(b, loc);
            });
        scf::YieldOp::create(b, loc);
      });

  // Oᵀ = 0.
  Value zero = splat(0.0);
  scf::ForOp::create(b, loc, c0, valueDepthPadded, c1, ValueRange{},
                     [&](OpBuilder &, Location, Value e, ValueRange) {
                       for (int64_t c = 0; c < nv; ++c)
                         storeVec(zero, oT, {e, idx(c * lanes)});
                       scf::YieldOp::create(b, loc);
                     });

  // Keys past kvEnd are hidden from every query of the block by the causal
  // mask: those blocks are never visited.
  Value kvEnd = skv;
  if (op.getCausal()) {
    Value end = add(add(q0, nq), causalOffset);
    kvEnd = arith::MaxSIOp::create(b, loc, minIdx(end, skv), c0);
  }
  Value numKeyBlocks = ceilDiv(kvEnd, idx(bk));
  double inf = std::numeric_limits<double>::infinity();
  SmallVector<Value> init(nv, splat(-inf));
  init.append(nv, zero);
  auto kvLoop = scf::ForOp::create(
      b, loc, c0, numKeyBlocks, c1, init,
      [&](OpBuilder &, Location, Value kb, ValueRange state) {
        Value k0 = mul(kb, idx(bk));
        Value nk = minIdx(idx(bk), sub(skv, k0));
        // Masking is needed with a mask operand, and on blocks that cross
        // the diagonal (a key past the first query's last visible one).
        SmallVector<Value> blockMax;
        Value crosses;
        if (mask) {
          blockMax = buildScores(/*masked=*/true, k0, nk);
        } else if (op.getCausal()) {
          Value lastKey = sub(add(k0, nk), c1);
          Value firstVisible = add(q0, causalOffset);
          crosses = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::sgt, lastKey, firstVisible);
          SmallVector<Type> types(nv, vecType);
          auto ifOp = scf::IfOp::create(b, loc, types, crosses,
                                        /*withElse=*/true);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(&ifOp.getThenRegion().front());
            scf::YieldOp::create(b, loc, buildScores(true, k0, nk));
            b.setInsertionPointToStart(&ifOp.getElseRegion().front());
            scf::YieldOp::create(b, loc, buildScores(false, k0, nk));
          }
          blockMax = SmallVector<Value>(ifOp.getResults());
        } else {
          blockMax = buildScores(/*masked=*/false, k0, nk);
        }

        // New running maximum; while a row has seen no visible key it stays
        // -inf and exponents are taken against 0, so nothing becomes NaN.
        SmallVector<Value> base, alpha, next;
        Value minusInf = splat(-inf);
        for (int64_t c = 0; c < nv; ++c) {
          Value m = maxVec(state[c], blockMax[c]);
          Value none = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                             m, minusInf);
          base.push_back(arith::SelectOp::create(b, loc, none, zero, m));
          Value shift = arith::SubFOp::create(b, loc, state[c], base[c]);
          alpha.push_back(math::ExpOp::create(b, loc, shift));
          next.push_back(m);
        }

        // P = exp(S - max) in place, with its row sums.
        auto expLoop = scf::ForOp::create(
            b, loc, c0, nk, c1, SmallVector<Value>(nv, zero),
            [&](OpBuilder &, Location, Value j, ValueRange sums) {
              SmallVector<Value> newSums;
              for (int64_t c = 0; c < nv; ++c) {
                Value col = idx(c * lanes);
                Value s = loadVec(sT, {j, col});
                Value p = math::ExpOp::create(
                    b, loc, arith::SubFOp::create(b, loc, s, base[c]));
                storeVec(p, sT, {j, col});
                newSums.push_back(arith::AddFOp::create(b, loc, sums[c], p));
              }
              scf::YieldOp::create(b, loc, newSums);
            });
        for (int64_t c = 0; c < nv; ++c) {
          Value l = arith::MulFOp::create(b, loc, state[nv + c], alpha[c]);
          next.push_back(
              arith::AddFOp::create(b, loc, l, expLoop.getResult(c)));
        }

        // Only blocks that cross the diagonal hold keys the causal flag
        // hides; the others take the unguarded FMAs.
        if (crosses) {
          auto ifOp = scf::IfOp::create(b, loc, TypeRange{}, crosses,
                                        /*withElse=*/true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(&ifOp.getThenRegion().front());
          buildValues(k0, nk, alpha, /*guarded=*/true);
          b.setInsertionPointToStart(&ifOp.getElseRegion().front());
          buildValues(k0, nk, alpha, /*guarded=*/false);
        } else {
          buildValues(k0, nk, alpha, /*guarded=*/static_cast<bool>(mask));
        }
        scf::YieldOp::create(b, loc, next);
      });

  // 1/l, or 0 for rows that saw no key.
  for (int64_t c = 0; c < nv; ++c) {
    Value l = kvLoop.getResult(nv + c);
    Value positive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, l, zero);
    Value inv = arith::DivFOp::create(b, loc, splat(1.0), l);
    storeVec(arith::SelectOp::create(b, loc, positive, inv, zero), invL,
             {idx(c * lanes)});
  }

  // O = (Oᵀ)ᵀ / l for the block's rows that exist.
  scf::ForOp::create(
      b, loc, c0, nq, c1, ValueRange{},
      [&](OpBuilder &, Location, Value i, ValueRange) {
        Value inv = memref::LoadOp::create(b, loc, invL, ValueRange{i});
        Value row = add(q0, i);
        scf::ForOp::create(b, loc, c0, valueDepth, c1, ValueRange{},
                           [&](OpBuilder &, Location, Value e, ValueRange) {
                             Value x = memref::LoadOp::create(b, loc, oT,
                                                              ValueRange{e, i});
                             Value y = arith::MulFOp::create(b, loc, x, inv);
                             memref::StoreOp::create(
                                 b, loc, y, out, ValueRange{bi, hi, row, e});
                             scf::YieldOp::create(b, loc);
                           });
        scf::YieldOp::create(b, loc);
      });
}

bool FlashBuilder::hasStaticDepths(AttentionOp op) {
  auto isStatic = [](Value t) {
    return !ShapedType::isDynamic(
        cast<RankedTensorType>(t.getType()).getDimSize(3));
  };
  return isStatic(op.getQuery()) && isStatic(op.getValue());
}

/// The value the mask operand adds to the score of (row, key): the float
/// mask, or 0 / -inf for a boolean one. The mask broadcasts to
/// [B, H, Sq, Skv] with trailing alignment.
Value FlashBuilder::maskPenalty(Value head, Value row, Value key) {
  auto maskType = cast<MemRefType>(mask.getType());
  int64_t rank = maskType.getRank();
  Value full[] = {bi, head, row, key};
  SmallVector<Value> indices;
  for (int64_t i = 0; i < rank; ++i)
    indices.push_back(maskType.getDimSize(i) == 1 ? idx(0)
                                                  : full[4 - rank + i]);
  Value m = memref::LoadOp::create(b, loc, mask, indices);
  if (!maskType.getElementType().isInteger(1))
    return m;
  double inf = std::numeric_limits<double>::infinity();
  return arith::SelectOp::create(
      b, loc, m, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0)),
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(-inf)));
}

/// A transpose-and-add tree: each level adds pairs of vectors into one that
/// holds twice as many rows in half as many lanes each, so the sums of
/// `lanes` vectors take lanes - 1 additions and twice as many two-source
/// shuffles instead of a horizontal reduction (log2(lanes) shuffles and
/// additions) and an insertion per vector.
Value FlashBuilder::sumLanesOfEach(ArrayRef<Value> vectors) {
  assert(int64_t(vectors.size()) == lanes && llvm::isPowerOf2_64(lanes));
  SmallVector<Value> level(vectors);
  // Each vector of `level` holds `rows` rows' partial sums, `width` lanes
  // each, in row order.
  for (int64_t rows = 1, width = lanes; width > 1; rows *= 2, width /= 2) {
    int64_t half = width / 2;
    SmallVector<int64_t> low, high;
    for (int64_t lane = 0; lane < lanes; ++lane) {
      int64_t row = lane / half, offset = lane % half;
      // Rows [0, rows) come from the first vector, the rest from the second
      // (lanes `lanes` and up of a two-source shuffle).
      int64_t from = row < rows ? row * width : lanes + (row - rows) * width;
      low.push_back(from + offset);
      high.push_back(from + half + offset);
    }
    SmallVector<Value> next;
    for (size_t i = 0; i < level.size(); i += 2) {
      Value x = level[i], y = level[i + 1];
      next.push_back(arith::AddFOp::create(
          b, loc, vector::ShuffleOp::create(b, loc, x, y, low),
          vector::ShuffleOp::create(b, loc, x, y, high)));
    }
    level = std::move(next);
  }
  return level.front();
}

/// One query row: q·scale in ceil(D/lanes) vectors; per block of `lanes`
/// keys, the scores as one vector (a dot product per key, summed across
/// lanes for all those keys at once by sumLanesOfEach), one online-softmax
/// step, and O += p·V as ceil(Dv/lanes) vectors. Keys past the end or hidden
/// by the causal flag score -inf; a row that sees no key gets zeros.
///
/// With grouped-query attention an iteration takes headsPerRow query heads
/// that share a key/value head: per block of keys, one head after the other
/// runs the same step against the block's rows of K and V, which the first
/// head brings into the L1 cache and the others read there, so the cache
/// or K/V tensors stream from memory once per group instead of once per
/// query head. Their softmax states and scaled queries live in small stack
/// buffers, loaded and stored once per block of keys.
void FlashBuilder::buildRow(ValueRange ivs, Value out) {
  bi = ivs[0];
  bool grouped = headsPerRow > 1;
  hi = grouped ? mul(ivs[1], idx(headsPerRow)) : ivs[1];
  hk = keyValueHead(hi);
  Value row = ivs[2];
  Value c0 = idx(0), c1 = idx(1);
  // D and Dv in chunks of lanes, the last one masked where they are not
  // lane multiples.
  int64_t depthQK =
      cast<RankedTensorType>(op.getQuery().getType()).getDimSize(3);
  int64_t depthV = cast<RankedTensorType>(valueT.getType()).getDimSize(3);
  int64_t dq = llvm::divideCeil(depthQK, lanes);
  int64_t dv = llvm::divideCeil(depthV, lanes);
  double inf = std::numeric_limits<double>::infinity();
  auto scalar = [&](double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  };
  auto reassoc = arith::FastMathFlags::reassoc;

  Value scaleVec = vector::BroadcastOp::create(b, loc, vecType, scale);
  auto loadQuery = [&](Value head) {
    SmallVector<Value> qv;
    for (int64_t c = 0; c < dq; ++c)
      qv.push_back(arith::MulFOp::create(
          b, loc, loadChunk(q, {bi, head, row, idx(c * lanes)}, c, depthQK),
          scaleVec));
    return qv;
  };
  SmallVector<Value> qv;
  // Grouped: per head of the iteration, the scaled query, the running
  // maximum and sum, and the O accumulator.
  Value qBuf, mBuf, lBuf, oBuf;
  auto stackBuffer = [&](ArrayRef<int64_t> shape) -> Value {
    return memref::AllocaOp::create(b, loc, MemRefType::get(shape, f32),
                                    ValueRange{}, ValueRange{},
                                    b.getI64IntegerAttr(64));
  };
  auto forEachHead = [&](function_ref<void(Value g)> body) {
    scf::ForOp::create(b, loc, c0, idx(headsPerRow), c1, ValueRange{},
                       [&](OpBuilder &, Location, Value g, ValueRange) {
                         body(g);
                         scf::YieldOp::create(b, loc);
                       });
  };
  if (!grouped) {
    qv = loadQuery(hi);
  } else {
    qBuf = stackBuffer({headsPerRow, dq * lanes});
    mBuf = stackBuffer({headsPerRow});
    lBuf = stackBuffer({headsPerRow});
    oBuf = stackBuffer({headsPerRow, dv * lanes});
    forEachHead([&](Value g) {
      SmallVector<Value> chunks = loadQuery(add(hi, g));
      for (int64_t c = 0; c < dq; ++c)
        storeVec(chunks[c], qBuf, {g, idx(c * lanes)});
      memref::StoreOp::create(b, loc, scalar(-inf), mBuf, ValueRange{g});
      memref::StoreOp::create(b, loc, scalar(0.0), lBuf, ValueRange{g});
      for (int64_t c = 0; c < dv; ++c)
        storeVec(splat(0.0), oBuf, {g, idx(c * lanes)});
    });
  }

  // The row sees keys [0, kvEnd).
  Value kvEnd = skv;
  if (op.getCausal())
    kvEnd = arith::MaxSIOp::create(
        b, loc, minIdx(add(add(row, causalOffset), c1), skv), c0);
  auto i32 = b.getI32Type();
  auto i32Vec = VectorType::get({lanes}, i32);
  Value laneIds = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(i32Vec, ArrayRef<int32_t>(llvm::to_vector(
                                         llvm::seq<int32_t>(0, lanes)))));
  using RowLoad = function_ref<Value(Value key, int64_t chunk)>;

  // The keys [k0, k0 + lanes) (rows read by loadK and loadV from a key
  // index clamped to lastRow, hidden at or past the key whose index is in
  // the lanes of end32) for the query `qv` of query head `head`: the
  // softmax state (max, sum, O vectors) after `state`.
  auto step = [&](Value k0, Value lastRow, Value end32, RowLoad loadK,
                  RowLoad loadV, ArrayRef<Value> qv, Value head,
                  ValueRange state) {
    SmallVector<Value> keys, products;
    for (int64_t r = 0; r < lanes; ++r) {
      keys.push_back(minIdx(add(k0, idx(r)), lastRow));
      Value acc = splat(0.0);
      for (int64_t c = 0; c < dq; ++c)
        acc = vector::FMAOp::create(b, loc, loadK(keys[r], c), qv[c], acc);
      products.push_back(acc);
    }
    Value scores = sumLanesOfEach(products);
    if (mask) {
      Value penalties = splat(0.0);
      for (int64_t r = 0; r < lanes; ++r)
        penalties = vector::InsertOp::create(
            b, loc, maskPenalty(head, row, keys[r]), penalties,
            ArrayRef<OpFoldResult>{b.getIndexAttr(r)});
      scores = addPenalties(scores, penalties);
    }
    // Keys at or past `end` (the end, or the causal limit) are hidden.
    Value k032 = vector::BroadcastOp::create(
        b, loc, i32Vec, arith::IndexCastOp::create(b, loc, i32, k0));
    Value lanesKeys = arith::AddIOp::create(b, loc, k032, laneIds);
    Value visible = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                          lanesKeys, end32);
    scores = arith::SelectOp::create(b, loc, visible, scores, splat(-inf));

    // Online softmax; while nothing is visible the maximum stays -inf
    // and exponents are taken against 0, so nothing becomes NaN.
    Value blockMax = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::MAXNUMF, scores);
    Value m = arith::MaxNumFOp::create(b, loc, state[0], blockMax);
    Value none = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, m,
                                       scalar(-inf));
    Value base = arith::SelectOp::create(b, loc, none, scalar(0.0), m);
    Value alpha = math::ExpOp::create(
        b, loc, arith::SubFOp::create(b, loc, state[0], base));
    Value p = math::ExpOp::create(
        b, loc,
        arith::SubFOp::create(
            b, loc, scores,
            vector::BroadcastOp::create(b, loc, vecType, base)));
    Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                            p, Value(), reassoc);
    Value l = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, state[1], alpha), sum);

    SmallVector<Value> next = {m, l};
    Value alphaVec = vector::BroadcastOp::create(b, loc, vecType, alpha);
    for (int64_t c = 0; c < dv; ++c)
      next.push_back(arith::MulFOp::create(b, loc, state[2 + c], alphaVec));
    // Hidden keys have p = 0 and read a row of V that may hold
    // anything (a cache slot nobody wrote, a clamped row): skipped.
    for (int64_t r = 0; r < lanes; ++r) {
      Value pr = vector::BroadcastOp::create(
          b, loc, vecType,
          vector::ExtractOp::create(b, loc, p,
                                    ArrayRef<OpFoldResult>{b.getIndexAttr(r)}));
      for (int64_t c = 0; c < dv; ++c)
        next[2 + c] = fmaUnlessHidden(pr, loadV(keys[r], c), next[2 + c]);
    }
    return next;
  };

  // Keys [begin, end) in blocks of lanes (see `step`); returns the softmax
  // state after them, or, grouped, updates the heads' buffers.
  auto walkKeys = [&](Value begin, Value end, Value lastRow, RowLoad loadK,
                      RowLoad loadV, ValueRange init) {
    Value count = arith::MaxSIOp::create(b, loc, sub(end, begin), c0);
    Value end32 = vector::BroadcastOp::create(
        b, loc, i32Vec, arith::IndexCastOp::create(b, loc, i32, end));
    auto loop = scf::ForOp::create(
        b, loc, c0, ceilDiv(count, idx(lanes)), c1, init,
        [&](OpBuilder &, Location, Value kb, ValueRange state) {
          Value k0 = add(begin, mul(kb, idx(lanes)));
          if (!grouped) {
            scf::YieldOp::create(
                b, loc, step(k0, lastRow, end32, loadK, loadV, qv, hi, state));
            return;
          }
          forEachHead([&](Value g) {
            SmallVector<Value> headQuery, headState = {
                memref::LoadOp::create(b, loc, mBuf, ValueRange{g}),
                memref::LoadOp::create(b, loc, lBuf, ValueRange{g})};
            for (int64_t c = 0; c < dq; ++c)
              headQuery.push_back(loadVec(qBuf, {g, idx(c * lanes)}));
            for (int64_t c = 0; c < dv; ++c)
              headState.push_back(loadVec(oBuf, {g, idx(c * lanes)}));
            SmallVector<Value> next = step(k0, lastRow, end32, loadK, loadV,
                                           headQuery, add(hi, g), headState);
            memref::StoreOp::create(b, loc, next[0], mBuf, ValueRange{g});
            memref::StoreOp::create(b, loc, next[1], lBuf, ValueRange{g});
            for (int64_t c = 0; c < dv; ++c)
              storeVec(next[2 + c], oBuf, {g, idx(c * lanes)});
          });
          scf::YieldOp::create(b, loc);
        });
    return SmallVector<Value>(loop.getResults());
  };

  SmallVector<Value> init;
  if (!grouped) {
    init = {scalar(-inf), scalar(0.0)};
    init.append(dv, splat(0.0));
  }
  SmallVector<Value> state;
  if (keyAppend) {
    // The cached positions [0, L) from the caches [L, B, H, D], then the new
    // ones [L, Skv) from the steps [B, H, S, D]: no concatenated copy.
    auto fromCache = [&](Value cache, int64_t depth) {
      return [&, cache, depth](Value key, int64_t c) {
        return loadChunk(cache, {key, bi, hk, idx(c * lanes)}, c, depth);
      };
    };
    auto fromStep = [&](Value step, int64_t depth) {
      return [&, step, depth](Value key, int64_t c) {
        return loadChunk(step, {bi, hk, sub(key, pastLength), idx(c * lanes)},
                         c, depth);
      };
    };
    auto pastKeys = fromCache(pastK, depthQK);
    auto pastValues = fromCache(pastV, depthV);
    auto newKeys = fromStep(newK, depthQK), newValues = fromStep(newV, depthV);
    state = walkKeys(c0, minIdx(pastLength, kvEnd), sub(pastLength, c1),
                     pastKeys, pastValues, init);
    state =
        walkKeys(pastLength, kvEnd, sub(skv, c1), newKeys, newValues, state);
  } else {
    auto keys = [&](Value key, int64_t c) {
      return loadChunk(k, {bi, hk, key, idx(c * lanes)}, c, depthQK);
    };
    auto values = [&](Value key, int64_t c) {
      return loadChunk(v, {bi, hk, key, idx(c * lanes)}, c, depthV);
    };
    state = walkKeys(c0, kvEnd, sub(skv, c1), keys, values, init);
  }

  // O / l, or 0 for a row that saw no key.
  auto finish = [&](Value head, Value l, ArrayRef<Value> o) {
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                           l, scalar(0.0));
    Value inv = arith::SelectOp::create(
        b, loc, positive, arith::DivFOp::create(b, loc, scalar(1.0), l),
        scalar(0.0));
    Value invVec = vector::BroadcastOp::create(b, loc, vecType, inv);
    for (int64_t c = 0; c < dv; ++c)
      storeChunk(arith::MulFOp::create(b, loc, o[c], invVec), out,
                 {bi, head, row, idx(c * lanes)}, c, depthV);
  };
  if (!grouped)
    return finish(hi, state[1], ArrayRef<Value>(state).drop_front(2));
  forEachHead([&](Value g) {
    Value l = memref::LoadOp::create(b, loc, lBuf, ValueRange{g});
    SmallVector<Value> o;
    for (int64_t c = 0; c < dv; ++c)
      o.push_back(loadVec(oBuf, {g, idx(c * lanes)}));
    finish(add(hi, g), l, o);
  });
}

/// Sᵀ rows [0, nk) of the key block at k0 into sT, keyRows keys at a time
/// (the last tile may run past nk on clamped keys: rows that are ignored and
/// whose scores are never above those of a real key). Returns the lane-wise
/// maximum.
SmallVector<Value> FlashBuilder::buildScores(bool masked, Value k0, Value nk) {
  Value c0 = idx(0), c1 = idx(1);
  double inf = std::numeric_limits<double>::infinity();
  Value lastKey = sub(skv, c1);
  Value numTiles = ceilDiv(nk, idx(keyRows));
  auto tileLoop = scf::ForOp::create(
      b, loc, c0, numTiles, c1, SmallVector<Value>(nv, splat(-inf)),
      [&](OpBuilder &, Location, Value t, ValueRange maxes) {
        Value j0 = mul(t, idx(keyRows));
        SmallVector<Value> keys, clamped;
        for (int64_t r = 0; r < keyRows; ++r) {
          keys.push_back(add(add(k0, j0), idx(r)));
          clamped.push_back(minIdx(keys.back(), lastKey));
        }
        // acc[r][c] += K[key_r, d] * Qᵀ[d, lanes c]
        auto dLoop = scf::ForOp::create(
            b, loc, c0, depth, c1, SmallVector<Value>(keyRows * nv, splat(0.0)),
            [&](OpBuilder &, Location, Value d, ValueRange acc) {
              SmallVector<Value> qv, next;
              for (int64_t c = 0; c < nv; ++c)
                qv.push_back(loadVec(qT, {d, idx(c * lanes)}));
              for (int64_t r = 0; r < keyRows; ++r) {
                Value x = memref::LoadOp::create(
                    b, loc, k, ValueRange{bi, hk, clamped[r], d});
                Value xs = vector::BroadcastOp::create(b, loc, vecType, x);
                for (int64_t c = 0; c < nv; ++c)
                  next.push_back(vector::FMAOp::create(b, loc, xs, qv[c],
                                                       acc[r * nv + c]));
              }
              scf::YieldOp::create(b, loc, next);
            });
        SmallVector<Value> newMax(maxes.begin(), maxes.end());
        for (int64_t r = 0; r < keyRows; ++r) {
          Value row = add(j0, idx(r));
          for (int64_t c = 0; c < nv; ++c) {
            Value s = dLoop.getResult(r * nv + c);
            if (masked)
              s = applyMask(s, keys[r], clamped[r], c);
            storeVec(s, sT, {row, idx(c * lanes)});
            newMax[c] = maxVec(newMax[c], s);
          }
        }
        scf::YieldOp::create(b, loc, newMax);
      });
  return SmallVector<Value>(tileLoop.getResults());
}

/// Scores of one key for the queries of lane block c, with the causal flag
/// and the mask operand applied (-inf where hidden).
Value FlashBuilder::applyMask(Value s, Value key, Value clampedKey, int64_t c) {
  double inf = std::numeric_limits<double>::infinity();
  Value rowBase = add(q0, idx(c * lanes));
  if (op.getCausal()) {
    // Query i sees the key when i >= key - (Skv - Sq).
    auto i32Vec = VectorType::get({lanes}, b.getI32Type());
    Value threshold = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                                 sub(key, causalOffset));
    Value base32 = arith::IndexCastOp::create(b, loc, b.getI32Type(), rowBase);
    Value rows = arith::AddIOp::create(
        b, loc, vector::BroadcastOp::create(b, loc, i32Vec, base32),
        arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(
                i32Vec, ArrayRef<int32_t>(
                            llvm::to_vector(llvm::seq<int32_t>(0, lanes))))));
    Value visible = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::sge, rows,
        vector::BroadcastOp::create(b, loc, i32Vec, threshold));
    s = arith::SelectOp::create(b, loc, visible, s, splat(-inf));
  }
  if (!mask)
    return s;

  // The mask broadcasts to [B, H, Sq, Skv] with trailing alignment.
  auto maskType = cast<MemRefType>(mask.getType());
  int64_t rank = maskType.getRank();
  bool isBool = maskType.getElementType().isInteger(1);
  Value minusInf = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(-inf));
  Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
  auto maskIndices = [&](Value row) {
    Value full[] = {bi, hi, row, clampedKey};
    SmallVector<Value> indices;
    for (int64_t i = 0; i < rank; ++i)
      indices.push_back(maskType.getDimSize(i) == 1 ? idx(0)
                                                    : full[4 - rank + i]);
    return indices;
  };
  // The value added to a score: the float mask, or 0 / -inf.
  auto penalty = [&](Value row) -> Value {
    Value m = memref::LoadOp::create(b, loc, mask, maskIndices(row));
    return isBool ? Value(arith::SelectOp::create(b, loc, m, zeroF, minusInf))
                  : m;
  };
  bool perQuery = rank >= 2 && maskType.getDimSize(rank - 2) != 1;
  Value penalties;
  if (!perQuery) {
    penalties = vector::BroadcastOp::create(b, loc, vecType, penalty(idx(0)));
  } else {
    // One value per lane (query); lanes past Sq read the last row.
    Value lastQuery = sub(sq, idx(1));
    auto laneLoop = scf::ForOp::create(
        b, loc, idx(0), idx(lanes), idx(1), ValueRange{splat(0.0)},
        [&](OpBuilder &, Location, Value lane, ValueRange vec) {
          Value row =
              minIdx(arith::AddIOp::create(b, loc, rowBase, lane), lastQuery);
          Value p = penalty(row);
          Value nextVec = vector::InsertOp::create(
              b, loc, p, vec[0], ArrayRef<OpFoldResult>{lane});
          scf::YieldOp::create(b, loc, nextVec);
        });
    penalties = laneLoop.getResult(0);
  }
  return addPenalties(s, penalties);
}

Value FlashBuilder::addPenalties(Value scores, Value penalties) {
  Value minusInf = splat(-std::numeric_limits<double>::infinity());
  Value hidden = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                       penalties, minusInf);
  Value sum = arith::AddFOp::create(b, loc, scores, penalties);
  return arith::SelectOp::create(b, loc, hidden, minusInf, sum);
}

Value FlashBuilder::fmaUnlessHidden(Value p, Value x, Value acc) {
  Value hidden =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, p, splat(0.0));
  return arith::SelectOp::create(b, loc, hidden, acc,
                                 vector::FMAOp::create(b, loc, p, x, acc));
}

/// Oᵀ = Oᵀ·alpha + Vᵀ·P for the key block at k0 (nk keys), valueRows rows
/// of Oᵀ at a time; rows of the padding read the last column of V. Hidden
/// keys are skipped lane by lane, whatever their values hold.
void FlashBuilder::buildValues(Value k0, Value nk, ArrayRef<Value> alpha,
                               bool guarded) {
  Value c0 = idx(0), c1 = idx(1);
  // Keys hidden from a query (p = 0) add nothing to its row, whatever V
  // holds there: `guarded` where the block may hold hidden keys.
  bool maybeHidden = guarded;
  Value lastColumn = sub(valueDepth, c1);
  Value numTiles = ceilDiv(valueDepthPadded, idx(valueRows));
  scf::ForOp::create(
      b, loc, c0, numTiles, c1, ValueRange{},
      [&](OpBuilder &, Location, Value t, ValueRange) {
        Value e0 = mul(t, idx(valueRows));
        SmallVector<Value> rows, columns, init;
        for (int64_t r = 0; r < valueRows; ++r) {
          rows.push_back(add(e0, idx(r)));
          columns.push_back(minIdx(rows.back(), lastColumn));
          for (int64_t c = 0; c < nv; ++c) {
            Value o = loadVec(oT, {rows[r], idx(c * lanes)});
            init.push_back(arith::MulFOp::create(b, loc, o, alpha[c]));
          }
        }
        auto jLoop = scf::ForOp::create(
            b, loc, c0, nk, c1, init,
            [&](OpBuilder &, Location, Value j, ValueRange acc) {
              Value key = add(k0, j);
              SmallVector<Value> pv, next;
              for (int64_t c = 0; c < nv; ++c)
                pv.push_back(loadVec(sT, {j, idx(c * lanes)}));
              for (int64_t r = 0; r < valueRows; ++r) {
                Value x = memref::LoadOp::create(
                    b, loc, v, ValueRange{bi, hk, key, columns[r]});
                Value xs = vector::BroadcastOp::create(b, loc, vecType, x);
                for (int64_t c = 0; c < nv; ++c)
                  next.push_back(
                      maybeHidden
                          ? fmaUnlessHidden(pv[c], xs, acc[r * nv + c])
                          : vector::FMAOp::create(b, loc, xs, pv[c],
                                                  acc[r * nv + c]));
              }
              scf::YieldOp::create(b, loc, next);
            });
        for (int64_t r = 0; r < valueRows; ++r)
          for (int64_t c = 0; c < nv; ++c)
            storeVec(jLoop.getResult(r * nv + c), oT,
                     {rows[r], idx(c * lanes)});
        scf::YieldOp::create(b, loc);
      });
}

/// f32 throughout (mask: i1 or f32); other types keep the plain lowering.
bool isFusable(AttentionOp op) {
  auto isF32 = [](Value v) {
    return cast<ShapedType>(v.getType()).getElementType().isF32();
  };
  if (!isF32(op.getQuery()) || !isF32(op.getKey()) || !isF32(op.getValue()) ||
      !isF32(op.getResult()))
    return false;
  if (Value m = op.getMask()) {
    Type elt = cast<ShapedType>(m.getType()).getElementType();
    if (!elt.isF32() && !elt.isInteger(1))
      return false;
  }
  return true;
}

struct TfmFuseAttentionPass
    : tfm::impl::TfmFuseAttentionBase<TfmFuseAttentionPass> {
  using TfmFuseAttentionBase::TfmFuseAttentionBase;

  void runOnOperation() override {
    // The single-query loop sums lanes by halving: a power of two of them.
    if (vectorBits < 64 || !llvm::isPowerOf2_64(vectorBits) ||
        vectorRegisters < 8) {
      getOperation()->emitError()
          << "tfm-fuse-attention: vector-bits must be a power of two of at "
             "least 64 and vector-registers at least 8, got "
          << int64_t(vectorBits) << " and " << int64_t(vectorRegisters);
      return signalPassFailure();
    }
    int64_t lanes = vectorBits / 32;
    // By default a query block is registers / 8 vectors: a register tile of
    // 4 to 6 key rows then keeps 16 to 24 of 32 (AVX-512) or 8 to 12 of 16
    // (AVX2) registers as accumulators.
    int64_t queryBlock = this->queryBlock != 0
                             ? int64_t(this->queryBlock)
                             : lanes * (vectorRegisters / 8);
    if (queryBlock <= 0 || queryBlock % lanes != 0) {
      getOperation()->emitError()
          << "tfm-fuse-attention: query-block must be a positive multiple of "
          << lanes << ", got " << queryBlock;
      return signalPassFailure();
    }
    if (keyBlock <= 0) {
      getOperation()->emitError()
          << "tfm-fuse-attention: key-block must be positive, got "
          << int64_t(keyBlock);
      return signalPassFailure();
    }

    SmallVector<AttentionOp> ops;
    getOperation()->walk([&](AttentionOp op) {
      if (isFusable(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> exps;
    auto fuse = [&](AttentionOp op, int64_t block, Value keys, Value values,
                    std::pair<KVCacheAppendOp, KVCacheAppendOp> appends) {
      FlashBuilder builder(rewriter, op.getLoc(), op, lanes, block, keyBlock,
                           keys, values, appends);
      Value result = builder.build();
      builder.getForall()->walk([&](math::ExpOp exp) { exps.push_back(exp); });
      return result;
    };
    for (AttentionOp op : ops) {
      rewriter.setInsertionPoint(op);
      Value keys = op.getKey(), values = op.getValue();
      // Queries lie along lanes: a decoding step (one query per sequence)
      // would leave all but one lane of a wide block idle, so up to lanes
      // queries take the single-query loop, or blocks of lanes where the
      // depths are dynamic (chosen at run time if Sq is dynamic).
      int64_t sq =
          cast<RankedTensorType>(op.getQuery().getType()).getDimSize(2);
      int64_t smallBlock = FlashBuilder::hasStaticDepths(op)
                               ? FlashBuilder::kSingleQuery
                               : lanes;
      // The single-query loop reads keys and values appended to a cache from
      // the cache and the step in place (the append is only materialized
      // for query blocks).
      auto keyAppend = keys.getDefiningOp<KVCacheAppendOp>();
      auto valueAppend = values.getDefiningOp<KVCacheAppendOp>();
      std::pair<KVCacheAppendOp, KVCacheAppendOp> appends;
      if (smallBlock == FlashBuilder::kSingleQuery && keyAppend &&
          valueAppend && keyAppend != valueAppend && keyAppend->hasOneUse() &&
          valueAppend->hasOneUse())
        appends = {keyAppend, valueAppend};
      Value result;
      if ((queryBlock == lanes && smallBlock == lanes) ||
          (!ShapedType::isDynamic(sq) && sq > lanes)) {
        result = fuse(op, queryBlock, keys, values, {});
      } else if (!ShapedType::isDynamic(sq)) {
        result = fuse(op, smallBlock, keys, values, appends);
      } else {
        Location loc = op.getLoc();
        Value sqValue = tensor::DimOp::create(rewriter, loc, op.getQuery(), 2);
        Value few = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::ule, sqValue,
            arith::ConstantIndexOp::create(rewriter, loc, lanes));
        auto ifOp = scf::IfOp::create(rewriter, loc, TypeRange{op.getType()},
                                      few, /*addThenBlock=*/true,
                                      /*addElseBlock=*/true);
        rewriter.setInsertionPointToStart(ifOp.thenBlock());
        scf::YieldOp::create(rewriter, loc,
                             fuse(op, smallBlock, keys, values, appends));
        rewriter.setInsertionPointToStart(ifOp.elseBlock());
        Value blockKeys = keys, blockValues = values;
        if (appends.first) {
          blockKeys = rewriter.clone(*keyAppend)->getResult(0);
          blockValues = rewriter.clone(*valueAppend)->getResult(0);
        }
        scf::YieldOp::create(rewriter, loc,
                             fuse(op, queryBlock, blockKeys, blockValues, {}));
        rewriter.setInsertionPointAfter(ifOp);
        result = ifOp.getResult(0);
      }
      rewriter.replaceOp(op, result);
      if (appends.first) {
        rewriter.eraseOp(appends.first);
        rewriter.eraseOp(appends.second);
      }
    }

    // exp as a polynomial on vectors (libm's expf would be called per lane).
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) { return name == "math.exp"; });
    if (failed(applyOpPatternsGreedily(exps, std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
