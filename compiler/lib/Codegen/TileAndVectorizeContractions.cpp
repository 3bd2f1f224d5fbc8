//===- TileAndVectorizeContractions.cpp - matmul codegen --------*- C++ -*-===//
//
// Cache and register tiling of every matmul-like linalg op on tensors, with
// its elementwise consumer and its accumulator initialization fused into the
// output tiles, then vectorization of the register tiles to vector.contract
// and hoisting of the accumulators out of the reduction loop. Contractions
// of the same shape that feed one elementwise consumer together (the gate
// and up projections of a gated feed-forward) share its output tiles.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Codegen/Passes.h"

#include "tfm/Runtime.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Utils/VectorUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMTILEANDVECTORIZECONTRACTIONS
#include "tfmc/Codegen/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;

namespace {

// Cache tiles: 64×64 output tiles, reduced in chunks of 256 (the 64 KB of B
// a chunk reads stay in L2; fewer chunks mean fewer trips of the
// accumulators through memory: 2% faster than chunks of 64 on an encoder
// layer on a Zen 4 host, the same on others). The columns are the width of
// the weight panels, a layout shared with tfm-choose-weight-layouts and the
// runtime: TFM_PANEL_COLUMNS, the same for every target.
constexpr int64_t kCacheM = 64, kCacheN = TFM_PANEL_COLUMNS, kCacheK = 256;
constexpr int64_t kRegK = 1;

/// Register tiles, from the target's vector registers (pass options). Half
/// of the registers hold accumulators (AVX-512: 16 zmm; AVX2: 8 ymm), the
/// rest the row of B and the broadcasts of A. Where every cache tile is a
/// full 64 columns wide, rows of four vectors (AVX-512: 4×64, each step
/// reading one weight-panel row and broadcasting 4 values of A; about 10%
/// faster than 8×32 on an encoder layer); otherwise rows of two (8×32 on
/// AVX-512), whose full tiles need no lane masks when N is a multiple of
/// two vectors. Epilogues run on rows of two vectors.
struct TileSizes {
  TileSizes(int64_t vectorBits, int64_t vectorRegisters) {
    int64_t lanes = vectorBits / 32; // f32
    int64_t accumulators = vectorRegisters / 2;
    regN = 2 * lanes;
    regM = std::max<int64_t>(1, accumulators / 2);
    wideRegN = std::min(kCacheN, 4 * lanes);
    wideRegM = std::max<int64_t>(1, accumulators / (wideRegN / lanes));
    epilogueN = 2 * lanes;
  }
  int64_t regM, regN, wideRegM, wideRegN, epilogueN;
};

/// The loops of a contraction C[.., m, n] += A[.., m, k] · B[.., k, n] by
/// role. `nInner` is the loop of C's innermost dimension (vector lanes),
/// `mInner` the m loop nearest to it in C, `kInner` the innermost k loop.
struct Roles {
  linalg::ContractionDimensions dims;
  unsigned a = 0, b = 1;
  std::optional<unsigned> mInner;
  unsigned nInner = 0, kInner = 0;
};

unsigned dimPos(AffineExpr e) { return cast<AffineDimExpr>(e).getPosition(); }

bool allDims(AffineMap map) {
  return llvm::all_of(map.getResults(), llvm::IsaPred<AffineDimExpr>);
}

std::optional<Roles> analyze(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  Type elt = getElementTypeOrSelf(op->getResult(0).getType());
  if (!isa<FloatType>(elt))
    return std::nullopt;
  for (AffineMap map : op.getIndexingMapsArray())
    if (!allDims(map))
      return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->k.empty())
    return std::nullopt;
  Roles r;
  r.dims = *dims;
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (out.getNumResults() == 0)
    return std::nullopt;
  unsigned inner = dimPos(out.getResults().back());
  if (llvm::is_contained(r.dims.m, inner)) {
    // C's innermost dimension comes from the first operand: swap roles.
    std::swap(r.a, r.b);
    std::swap(r.dims.m, r.dims.n);
  } else if (!llvm::is_contained(r.dims.n, inner)) {
    return std::nullopt; // innermost is a batch dimension
  }
  r.nInner = inner;
  for (AffineExpr e : out.getResults())
    if (llvm::is_contained(r.dims.m, dimPos(e)))
      r.mInner = dimPos(e);
  r.kInner = r.dims.k.back();
  return r;
}

/// A view of B's data whose innermost dimension is the n loop, with its
/// indexing expressions.
struct PackedView {
  Value value;
  SmallVector<AffineExpr> exprs;
  /// Set when `value` is (a column slice of) a matrix unpacked from panels
  /// of kCacheN columns: the output tiles then read their panel in place
  /// (readPanels). The slice's offsets; the column one is a multiple of
  /// kCacheN.
  Value panels;
  OpFoldResult rowOffset, columnOffset;
};

/// Whether `unpack` turns panels [ceil(N/kCacheN), K, kCacheN] into the
/// [K, N] matrix: the layout weights may be passed in (tfm.weight_panels).
bool isPanelUnpack(linalg::UnPackOp unpack) {
  return unpack.getSourceType().getRank() == 3 &&
         unpack.getDestType().getRank() == 2 &&
         unpack.getInnerDimsPos() == ArrayRef<int64_t>{1} &&
         unpack.getOuterDimsPerm() == ArrayRef<int64_t>{1, 0} &&
         unpack.getStaticInnerTiles() == ArrayRef<int64_t>{kCacheN};
}

/// B in the layout the kernel reads, without a copy, when B is a view
/// (slice, then head split) of the [1, 0] transpose of a matrix S: weights
/// passed in the kernels' [in, out] layout reach tfm.linear that way (see
/// ModelBuilder). The same view of S, with the two groups of dimensions
/// swapped, has n innermost.
std::optional<PackedView> findPackedSource(RewriterBase &rewriter,
                                           Location loc, Value b,
                                           AffineMap map, unsigned nInner) {
  Value v = b;
  SmallVector<ReassociationIndices> groups = {{0}, {1}};
  auto expand = v.getDefiningOp<tensor::ExpandShapeOp>();
  if (expand) {
    if (expand.getSrcType().getRank() != 2)
      return std::nullopt;
    groups = expand.getReassociationIndices();
    v = expand.getSrc();
  }
  auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (slice) {
    if (!slice.hasUnitStride() || slice.getSourceType().getRank() != 2 ||
        slice.getType().getRank() != 2)
      return std::nullopt;
    v = slice.getSource();
  }
  // A linalg.transpose, generalized or not (tfm-reassociate-reductions
  // runs after linalg-generalize-named-ops).
  Value source;
  if (auto transpose = v.getDefiningOp<linalg::TransposeOp>()) {
    if (transpose.getPermutation() == ArrayRef<int64_t>{1, 0})
      source = transpose.getInput();
  } else if (auto generic = v.getDefiningOp<linalg::GenericOp>()) {
    std::optional<SmallVector<int64_t>> perm =
        linalg::isaTransposeOpInterface(generic);
    if (perm && *perm == ArrayRef<int64_t>{1, 0})
      source = generic.getDpsInputOperand(0)->get();
  }
  if (!source)
    return std::nullopt;
  Value matrix = source; // S

  PackedView view;
  for (int g : {1, 0})
    for (int64_t d : groups[g])
      view.exprs.push_back(map.getResult(d));
  if (dimPos(view.exprs.back()) != nInner)
    return std::nullopt;
  if (slice) {
    SmallVector<OpFoldResult> offsets(llvm::reverse(slice.getMixedOffsets()));
    SmallVector<OpFoldResult> sizes(llvm::reverse(slice.getMixedSizes()));
    SmallVector<OpFoldResult> ones(2, rewriter.getIndexAttr(1));
    source = tensor::ExtractSliceOp::create(rewriter, loc, source, offsets,
                                            sizes, ones);
  }
  if (expand) {
    auto bType = cast<RankedTensorType>(b.getType());
    SmallVector<int64_t> shape;
    SmallVector<ReassociationIndices> swapped(2);
    for (int g : {1, 0})
      for (int64_t d : groups[g]) {
        swapped[g == 1 ? 0 : 1].push_back(shape.size());
        shape.push_back(bType.getDimSize(d));
      }
    if (llvm::any_of(shape, ShapedType::isDynamic))
      return std::nullopt;
    source = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(shape, bType.getElementType()),
        source, swapped);
  }
  view.value = source;
  // `source` is S, or the slice of S made above.
  SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0));
  if (slice)
    offsets = source.getDefiningOp<tensor::ExtractSliceOp>().getMixedOffsets();
  auto unpack = matrix.getDefiningOp<linalg::UnPackOp>();
  std::optional<int64_t> column = getConstantIntValue(offsets[1]);
  if (!expand && unpack && isPanelUnpack(unpack) && column &&
      *column % kCacheN == 0) {
    view.panels = unpack.getSource();
    view.rowOffset = offsets[0];
    view.columnOffset = offsets[1];
  }
  return view;
}

/// Reads B's tile from its panel: `operand` is the output tile's slice of
/// the [K, N] matrix `view` unpacked from panels of kCacheN columns; its
/// column offset is a multiple of kCacheN (the tile size), so its columns
/// are the first ones of a single panel, whose rows are contiguous.
void readPanels(RewriterBase &rewriter, OpOperand &operand,
                const PackedView &view) {
  auto tile = operand.get().getDefiningOp<tensor::ExtractSliceOp>();
  if (!tile || tile.getSource() != view.value || !tile.hasUnitStride())
    return;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(tile);
  Location loc = tile.getLoc();
  AffineExpr d0, d1;
  bindDims(rewriter.getContext(), d0, d1);
  SmallVector<OpFoldResult> offsets = tile.getMixedOffsets();
  OpFoldResult row = affine::makeComposedFoldedAffineApply(
      rewriter, loc, d0 + d1, {view.rowOffset, offsets[0]});
  OpFoldResult panel = affine::makeComposedFoldedAffineApply(
      rewriter, loc, (d0 + d1).floorDiv(kCacheN),
      {view.columnOffset, offsets[1]});
  SmallVector<OpFoldResult> sizes = tile.getMixedSizes();
  Value read = tensor::ExtractSliceOp::create(
      rewriter, loc, tile.getType(), view.panels,
      {panel, row, rewriter.getIndexAttr(0)},
      {rewriter.getIndexAttr(1), sizes[0], sizes[1]},
      SmallVector<OpFoldResult>(3, rewriter.getIndexAttr(1)));
  rewriter.modifyOpInPlace(operand.getOwner(), [&] { operand.set(read); });
}

/// Makes the n loop the innermost dimension of B, by transposing B into a
/// new tensor if needed: the register kernel then reads rows of B. This is
/// the packing of `tfm.linear`'s weight (stored as [out, in]), unless it
/// arrives already packed (findPackedSource), whose view is returned.
std::optional<PackedView> packB(RewriterBase &rewriter, linalg::GenericOp op,
                                const Roles &r) {
  OpOperand &bOperand = op->getOpOperand(r.b);
  AffineMap map = op.getMatchingIndexingMap(&bOperand);
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(op);
    if (std::optional<PackedView> view = findPackedSource(
            rewriter, op.getLoc(), bOperand.get(), map, r.nInner)) {
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      maps[r.b] = AffineMap::get(map.getNumDims(), 0, view->exprs,
                                 rewriter.getContext());
      rewriter.modifyOpInPlace(op, [&] {
        bOperand.set(view->value);
        op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
      return view;
    }
  }
  unsigned rank = map.getNumResults();
  auto pos = llvm::find_if(map.getResults(),
                           [&](AffineExpr e) { return dimPos(e) == r.nInner; });
  unsigned p = pos - map.getResults().begin();
  if (p + 1 == rank)
    return std::nullopt;
  SmallVector<int64_t> perm;
  for (unsigned i = 0; i < rank; ++i)
    if (i != p)
      perm.push_back(i);
  perm.push_back(p);

  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value b = bOperand.get();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, b);
  SmallVector<OpFoldResult> packedSizes;
  SmallVector<AffineExpr> packedExprs;
  for (int64_t i : perm) {
    packedSizes.push_back(sizes[i]);
    packedExprs.push_back(map.getResult(i));
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  maps[r.b] =
      AffineMap::get(map.getNumDims(), 0, packedExprs, rewriter.getContext());

  // Rows whose length is a multiple of 128 floats are padded by 16: rows a
  // power of two apart map to the same cache sets and evict each other.
  SmallVector<OpFoldResult> allocSizes(packedSizes);
  std::optional<int64_t> rowLength = getConstantIntValue(packedSizes.back());
  if (rowLength && *rowLength % 128 == 0)
    allocSizes.back() = rewriter.getIndexAttr(*rowLength + 16);
  Type elt = getElementTypeOrSelf(b.getType());
  Value dest = tensor::EmptyOp::create(rewriter, loc, allocSizes, elt);
  if (allocSizes.back() != packedSizes.back()) {
    SmallVector<OpFoldResult> zeros(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> ones(rank, rewriter.getIndexAttr(1));
    dest = tensor::ExtractSliceOp::create(rewriter, loc, dest, zeros,
                                          packedSizes, ones);
  }
  auto transpose = linalg::TransposeOp::create(rewriter, loc, b, dest, perm);
  Value packed = transpose.getResult()[0];
  // In 16×16 blocks, so that both the rows read and the rows written stay
  // in cache; the blocks are a forall, so threads share them.
  scf::SCFTilingOptions blocks;
  blocks.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  SmallVector<int64_t> blockSizes(rank, 1);
  blockSizes[rank - 1] = 16;
  if (rank >= 2)
    blockSizes[rank - 2] = 16;
  blocks.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), blockSizes));
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(transpose.getOperation()), blocks);
  if (succeeded(tiled)) {
    rewriter.replaceOp(transpose, tiled->replacements);
    packed = tiled->replacements[0];
  }
  rewriter.modifyOpInPlace(op, [&] {
    bOperand.set(packed);
    op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
  return std::nullopt;
}

/// The elementwise op that consumes the whole result of `op` (bias, residual,
/// activation, scaling), if any: its tile is computed right after the
/// contraction's tile, while the tile is still in cache.
linalg::GenericOp findEpilogue(linalg::GenericOp op) {
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return {};
  OpOperand &use = *result.getUses().begin();
  auto user = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!user || !user.hasPureTensorSemantics() ||
      user.getNumReductionLoops() != 0 || user.getNumDpsInits() != 1 ||
      !user.isDpsInput(&use))
    return {};
  auto type = cast<RankedTensorType>(result.getType());
  if (user.getNumLoops() != type.getRank() ||
      !user.getMatchingIndexingMap(&use).isIdentity() ||
      !user.getMatchingIndexingMap(user.getDpsInitOperand(0)).isIdentity())
    return {};
  for (AffineMap map : user.getIndexingMapsArray())
    if (!map.isProjectedPermutation())
      return {};
  return user;
}

bool sameRoles(const Roles &x, const Roles &y) {
  return x.dims.batch == y.dims.batch && x.dims.m == y.dims.m &&
         x.dims.n == y.dims.n && x.dims.k == y.dims.k && x.a == y.a &&
         x.b == y.b && x.mInner == y.mInner && x.nInner == y.nInner &&
         x.kInner == y.kInner;
}

/// The other contractions whose whole result `epilogue` reads element for
/// element beside that of `op`, and nothing else does: with the same loops
/// and roles as `op`, each can be computed in the epilogue's output tiles
/// too (act(gate) * up reads two such results), so that none of them is
/// written to memory whole.
SmallVector<linalg::GenericOp> findSiblings(linalg::GenericOp op,
                                            const Roles &roles,
                                            linalg::GenericOp epilogue) {
  SmallVector<linalg::GenericOp> siblings;
  for (OpOperand *use : epilogue.getDpsInputOperands()) {
    auto other = use->get().getDefiningOp<linalg::GenericOp>();
    if (!other || other == op || !use->get().hasOneUse() ||
        other->getNumResults() != 1 ||
        other->getResult(0).getType() != op->getResult(0).getType() ||
        !epilogue.getMatchingIndexingMap(use).isIdentity() ||
        other.getIndexingMapsArray() != op.getIndexingMapsArray() ||
        other->getParentOfType<scf::ForallOp>() ||
        llvm::is_contained(siblings, other))
      continue;
    std::optional<Roles> r = analyze(other);
    if (r && sameRoles(*r, roles))
      siblings.push_back(other);
  }
  return siblings;
}

/// Vector sizes for a tiled op: static loop extents, and for dynamic ones
/// (partial tiles) the tile size, which bounds them; the vectorizer masks.
std::optional<SmallVector<int64_t>> vectorSizes(linalg::LinalgOp op,
                                                ArrayRef<int64_t> tileSizes) {
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  for (auto [i, s] : llvm::enumerate(sizes)) {
    if (!ShapedType::isDynamic(s))
      continue;
    if (i >= tileSizes.size() || tileSizes[i] <= 0)
      return std::nullopt;
    s = tileSizes[i];
  }
  return sizes;
}

LogicalResult vectorizeOp(RewriterBase &rewriter, linalg::LinalgOp op,
                          ArrayRef<int64_t> tileSizes) {
  std::optional<SmallVector<int64_t>> sizes = vectorSizes(op, tileSizes);
  if (!sizes)
    return failure();
  bool isStatic = !op.hasDynamicShape();
  ArrayRef<int64_t> inputSizes =
      isStatic ? ArrayRef<int64_t>() : ArrayRef<int64_t>(*sizes);
  if (failed(linalg::vectorizeOpPrecondition(op, inputSizes)))
    return failure();
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
      rewriter, op, inputSizes, /*inputScalableVecDims=*/{},
      /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false);
  if (failed(result))
    return failure();
  if (op->getNumResults() == 0)
    rewriter.eraseOp(op);
  else
    rewriter.replaceOp(op, result->replacements);
  return success();
}

/// Writes `vec` at the origin of `dest`, masked to `dest`'s sizes when they
/// are not the vector's.
Value writeVector(OpBuilder &b, Location loc, Value vec, Value dest) {
  auto vecType = cast<VectorType>(vec.getType());
  auto destType = cast<RankedTensorType>(dest.getType());
  unsigned rank = vecType.getRank();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  SmallVector<Value> indices(rank, zero);
  SmallVector<bool> inBounds(rank, true);
  if (destType.getShape() == vecType.getShape())
    return vector::TransferWriteOp::create(b, loc, vec, dest, indices, inBounds)
        .getResult();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, dest);
  for (unsigned i = 0; i < rank; ++i)
    inBounds[i] = destType.getDimSize(i) == vecType.getDimSize(i);
  Value mask = vector::CreateMaskOp::create(
      b, loc, VectorType::get(vecType.getShape(), b.getI1Type()), sizes);
  Operation *write =
      vector::TransferWriteOp::create(b, loc, vec, dest, indices, inBounds);
  return vector::maskOperation(b, write, mask)->getResult(0);
}

/// The register tile as one vector.contract with the op's indexing maps.
/// Operands are read padded with zeros, so a partial tile needs no mask on
/// the contraction itself: padded products are zero and padded lanes of
/// the accumulator are not written back.
LogicalResult vectorizeContraction(RewriterBase &rewriter, linalg::LinalgOp op,
                                   ArrayRef<int64_t> tileSizes) {
  std::optional<SmallVector<int64_t>> sizes = vectorSizes(op, tileSizes);
  if (!sizes)
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> vectors;
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    SmallVector<int64_t> shape = llvm::map_to_vector(
        map.getResults(), [&](AffineExpr e) { return (*sizes)[dimPos(e)]; });
    Type elt = getElementTypeOrSelf(operand.get().getType());
    vectors.push_back(vector::createReadOrMaskedRead(
        rewriter, loc, operand.get(), VectorType::get(shape, elt),
        arith::getZeroConstant(rewriter, loc, elt)));
  }
  SmallVector<Attribute> iterators = llvm::map_to_vector(
      op.getIteratorTypesArray(), [&](utils::IteratorType t) -> Attribute {
        return vector::IteratorTypeAttr::get(
            rewriter.getContext(), t == utils::IteratorType::parallel
                                       ? vector::IteratorType::parallel
                                       : vector::IteratorType::reduction);
      });
  Value contract = vector::ContractionOp::create(
      rewriter, loc, vectors[0], vectors[1], vectors[2], op.getIndexingMaps(),
      rewriter.getArrayAttr(iterators), vector::CombiningKind::ADD);
  Value written =
      writeVector(rewriter, loc, contract, op.getDpsInitOperand(0)->get());
  rewriter.replaceOp(op, written);
  return success();
}

/// Tiles with scf.for loops; returns the tiled op and the loops.
FailureOr<scf::SCFTilingResult> tileWithFor(RewriterBase &rewriter,
                                            linalg::LinalgOp op,
                                            ArrayRef<int64_t> sizes,
                                            ArrayRef<int64_t> interchange) {
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  if (!interchange.empty())
    options.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  return tiled;
}

/// Peels the partial last iteration off each loop (innermost first), so
/// that the full tiles have static sizes and their vector masks fold away.
void peel(RewriterBase &rewriter, ArrayRef<LoopLikeOpInterface> loops) {
  for (LoopLikeOpInterface loop : llvm::reverse(loops)) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    if (!forOp)
      continue;
    scf::ForOp partial;
    (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
  }
}

struct Contraction {
  linalg::GenericOp op;
  Roles roles;
  // The register tile: regM × regN or wideRegM × wideRegN of TileSizes.
  int64_t regM = 0, regN = 0;
};

class TileAndVectorize {
public:
  TileAndVectorize(func::FuncOp func, TileSizes sizes)
      : func(func), rewriter(func.getContext()), sizes(sizes) {}

  LogicalResult run() {
    // Named contractions (linalg.matmul, batch_matmul, ...) as generics.
    SmallVector<linalg::LinalgOp> named;
    func.walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::GenericOp>(op) && analyze(op))
        named.push_back(op);
    });
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }
    SmallVector<Contraction> contractions;
    func.walk([&](linalg::GenericOp op) {
      // Only top-level ops: a second run leaves tiled code alone.
      if (op->getParentOfType<scf::ForallOp>())
        return;
      if (std::optional<Roles> r = analyze(op))
        contractions.push_back({op, *r, sizes.regM, sizes.regN});
    });
    for (Contraction &c : contractions) {
      // Tiled (and erased) as the sibling of an earlier one: only the
      // pointer is compared.
      if (fusedAway.contains(c.op.getOperation()))
        continue;
      if (failed(tileContraction(c)))
        return failure();
    }
    return cleanUp();
  }

private:
  LogicalResult tileContraction(Contraction &c) {
    const Roles &r = c.roles;
    // c.op is erased once tiled: errors point at its location.
    Location loc = c.op.getLoc();
    int64_t columns = c.op.getStaticLoopRanges()[r.nInner];
    if (!ShapedType::isDynamic(columns) && columns % kCacheN == 0) {
      c.regM = sizes.wideRegM;
      c.regN = sizes.wideRegN;
    }
    linalg::GenericOp epilogue = findEpilogue(c.op);
    SmallVector<linalg::GenericOp> siblings =
        epilogue ? findSiblings(c.op, r, epilogue)
                 : SmallVector<linalg::GenericOp>();
    SmallVector<std::optional<PackedView>> views = {packB(rewriter, c.op, r)};
    for (linalg::GenericOp sibling : siblings) {
      views.push_back(packB(rewriter, sibling, r));
      fusedAway.insert(sibling.getOperation());
    }
    unsigned numLoops = c.op.getNumLoops();
    AffineMap outMap = c.op.getMatchingIndexingMap(c.op.getDpsInitOperand(0));

    // Level 1: output tiles, on an scf.forall (threads come from it).
    SmallVector<int64_t> cacheTile(numLoops, 0);
    for (AffineExpr e : outMap.getResults()) {
      unsigned d = dimPos(e);
      cacheTile[d] = d == r.nInner ? kCacheN : d == r.mInner ? kCacheM : 1;
    }
    Operation *root = epilogue ? epilogue.getOperation() : c.op.getOperation();
    // The epilogue's loop i is C's dimension i.
    SmallVector<int64_t> rootTile =
        epilogue ? llvm::map_to_vector(
                       outMap.getResults(),
                       [&](AffineExpr e) { return cacheTile[dimPos(e)]; })
                 : cacheTile;
    // The contractions and the initializations of their accumulators
    // (siblings may share one, after CSE).
    llvm::SmallPtrSet<Operation *, 4> fusable;
    SmallVector<linalg::GenericOp> contractions = {c.op};
    contractions.append(siblings);
    for (linalg::GenericOp op : contractions)
      fusable.insert(op);
    for (linalg::GenericOp op : contractions) {
      Operation *init = op.getDpsInitOperand(0)->get().getDefiningOp();
      auto initOp = dyn_cast_or_null<linalg::LinalgOp>(init);
      if (initOp && initOp.getNumReductionLoops() == 0 &&
          init->getNumResults() == 1 &&
          llvm::all_of(init->getUsers(), [&](Operation *user) {
            return llvm::is_contained(contractions, user);
          }))
        fusable.insert(init);
    }

    scf::SCFTilingOptions tiling;
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    tiling.setTileSizes(
        getAsIndexOpFoldResult(rewriter.getContext(), rootTile));
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (fusable.contains(producer.getOwner()))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> fused =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(root), options);
    if (failed(fused))
      return c.op.emitError("tfm: cannot tile this contraction");
    for (OpResult res : root->getResults())
      if (Value v = fused->replacements.lookup(res))
        rewriter.replaceAllUsesWith(res, v);

    SmallVector<linalg::GenericOp> tiledContractions;
    SmallVector<linalg::LinalgOp> others;
    for (Operation *op : fused->tiledAndFusedOps) {
      auto generic = dyn_cast<linalg::GenericOp>(op);
      if (generic && generic.getNumReductionLoops() != 0 && analyze(generic))
        tiledContractions.push_back(generic);
      else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        others.push_back(linalgOp);
    }
    if (tiledContractions.size() != contractions.size())
      return emitError(loc, "tfm: contraction was not fused into its tile");
    // Each reads the panels of its own weight (readPanels leaves a tile
    // whose B is another view alone).
    for (linalg::GenericOp tiled : tiledContractions)
      for (const std::optional<PackedView> &view : views)
        if (view && view->panels)
          readPanels(rewriter, tiled->getOpOperand(r.b), *view);
    // Erase the untiled ops (the contractions, their inits, the epilogue).
    for (Operation *op : llvm::reverse(fused->fusedProducers))
      if (op->use_empty())
        rewriter.eraseOp(op);
    if (root->use_empty())
      rewriter.eraseOp(root);

    // Level 2: the reduction in cache-sized steps. Level 3: register tiles
    // of c.regM rows, then the rows left over in tiles of half as many, down
    // to one: a kernel masked on rows would read A element by element
    // (decoding steps have a single row). (Below the first level, MLIR 22's
    // peeling cannot prove the full tiles full, so tiles of 4 and 2 rows
    // keep row masks; still faster than one row at a time, which reads B
    // once per row.)
    SmallVector<int64_t> kTile(numLoops, 0);
    for (unsigned d : r.dims.k)
      kTile[d] = d == r.kInner ? kCacheK : 1;
    for (linalg::GenericOp tiled : tiledContractions) {
      FailureOr<scf::SCFTilingResult> kTiled =
          tileWithFor(rewriter, tiled, kTile, {});
      if (failed(kTiled))
        return emitError(loc, "tfm: cannot tile the reduction");
      auto kTiledOp = cast<linalg::LinalgOp>(kTiled->tiledOps.back());
      if (failed(tileRows(c, kTiledOp, c.regM)))
        return failure();
    }

    // Epilogue and initialization: rows of sizes.epilogueN lanes.
    for (linalg::LinalgOp op : others)
      if (failed(tileElementwise(op)))
        return failure();
    return success();
  }

  /// Tiles the rows of `op` by `rows`, register-tiles the full tiles and
  /// the rows left over by the next smaller power of two.
  LogicalResult tileRows(Contraction &c, linalg::LinalgOp op, int64_t rows) {
    const Roles &r = c.roles;
    if (!r.mInner || rows == 1)
      return tileRegisters(c, op, rows);
    SmallVector<int64_t> rowTile(op.getNumLoops(), 0);
    rowTile[*r.mInner] = rows;
    FailureOr<scf::SCFTilingResult> tiled =
        tileWithFor(rewriter, op, rowTile, {});
    if (failed(tiled))
      return op.emitError("tfm: cannot tile for registers");
    auto full = cast<linalg::LinalgOp>(tiled->tiledOps.back());
    if (tiled->loops.empty()) {
      // Fewer static rows than `rows`: no loop was made.
      bool isFull = full.getStaticLoopRanges()[*r.mInner] == rows;
      return tileRows(c, full, isFull ? rows : rows / 2);
    }
    scf::ForOp partial;
    SmallVector<linalg::LinalgOp> leftOver;
    if (succeeded(scf::peelForLoopAndSimplifyBounds(
            rewriter, cast<scf::ForOp>(tiled->loops.front()), partial)))
      partial.walk([&](linalg::GenericOp generic) {
        if (analyze(generic))
          leftOver.push_back(generic);
      });
    if (failed(tileRegisters(c, full, rows)))
      return failure();
    for (linalg::LinalgOp rest : leftOver)
      if (failed(tileRows(c, rest, rows / 2)))
        return failure();
    return success();
  }

  /// Tiles `op` into register tiles of `rows` × c.regN (one row: × kCacheN)
  /// with the reduction loop innermost, vectorizes them, and peels partial
  /// columns.
  LogicalResult tileRegisters(Contraction &c, linalg::LinalgOp op,
                              int64_t rows) {
    const Roles &r = c.roles;
    unsigned numLoops = op.getNumLoops();
    // A one-row kernel has registers to spare: it spans the whole cache
    // tile, so that each row of B is read in one contiguous run (decoding
    // steps are bound by streaming the weights).
    int64_t columns = rows == 1 ? kCacheN : c.regN;
    SmallVector<int64_t> regTile(numLoops, 0);
    regTile[r.nInner] = columns;
    if (r.mInner)
      regTile[*r.mInner] = rows;
    regTile[r.kInner] = kRegK;
    SmallVector<int64_t> interchange;
    for (unsigned d = 0; d < numLoops; ++d)
      if (!llvm::is_contained(r.dims.k, d))
        interchange.push_back(d);
    for (unsigned d = 0; d < numLoops; ++d)
      if (llvm::is_contained(r.dims.k, d))
        interchange.push_back(d);
    FailureOr<scf::SCFTilingResult> regTiled =
        tileWithFor(rewriter, op, regTile, interchange);
    if (failed(regTiled))
      return op.emitError("tfm: cannot tile for registers");
    auto kernel = cast<linalg::LinalgOp>(regTiled->tiledOps.back());
    SmallVector<int64_t> kernelSizes(numLoops, 1);
    kernelSizes[r.nInner] = columns;
    if (r.mInner)
      kernelSizes[*r.mInner] = rows;
    if (failed(vectorizeContraction(rewriter, kernel, kernelSizes)))
      return kernel.emitError("tfm: cannot vectorize the register tile");
    // Peel the column loop (rows are whole tiles by now; the reduction
    // loop's step is 1).
    // Loops are made for the tiled dimensions, in interchange order.
    SmallVector<LoopLikeOpInterface> columnLoop;
    unsigned loopIndex = 0;
    for (unsigned d : interchange) {
      if (regTile[d] == 0)
        continue;
      if (d == r.nInner && loopIndex < regTiled->loops.size())
        columnLoop.push_back(regTiled->loops[loopIndex]);
      ++loopIndex;
    }
    peel(rewriter, columnLoop);
    return success();
  }

  /// Tiles an epilogue into rows of sizes.epilogueN lanes and peels the partial
  /// row; full rows are vectorized once canonicalization made them static.
  /// (Masked vectorization of ops with broadcast operands builds malformed
  /// mask types in MLIR 22, so partial rows of dynamic size stay scalar.)
  LogicalResult tileElementwise(linalg::LinalgOp op) {
    if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0)
      return success(); // left to the loop lowering
    AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    if (!out.isPermutation() || out.getNumResults() == 0)
      return success();
    unsigned numLoops = op.getNumLoops();
    SmallVector<int64_t> tile(numLoops, 1);
    tile[dimPos(out.getResults().back())] = sizes.epilogueN;
    FailureOr<scf::SCFTilingResult> tiled = tileWithFor(rewriter, op, tile, {});
    if (failed(tiled))
      return op.emitError("tfm: cannot tile an epilogue");
    peel(rewriter, tiled->loops);
    return success();
  }

  /// Vectorizes the elementwise ops of the output tiles whose shapes are
  /// static (full rows, and partial rows of static size).
  void vectorizeStaticElementwise() {
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op->getParentOfType<scf::ForallOp>() &&
          op.getNumReductionLoops() == 0 && !op.hasDynamicShape() &&
          op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      (void)vectorizeOp(rewriter, op, {});
  }

  LogicalResult canonicalize(bool withVectorFolds) {
    MLIRContext *ctx = func.getContext();
    // Masked transfers as transfers with mask operands, first: folding
    // tensor.cast into a masked transfer_write would put the cast inside
    // the vector.mask region, which takes one op only.
    RewritePatternSet maskPatterns(ctx);
    vector::populateVectorMaskLoweringPatternsForSideEffectingOps(maskPatterns);
    if (failed(applyPatternsGreedily(func, std::move(maskPatterns))))
      return func.emitError("tfm: mask lowering did not converge");
    RewritePatternSet patterns(ctx);
    for (Dialect *dialect : ctx->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    if (withVectorFolds) {
      // Transfers read and write the loop-carried tiles directly, so that
      // the accumulators' reads and writes meet and can be hoisted.
      tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
    }
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return func.emitError("tfm: contraction cleanup did not converge");
    return success();
  }

  LogicalResult cleanUp() {
    if (failed(canonicalize(false)))
      return failure();
    vectorizeStaticElementwise();
    if (failed(canonicalize(true)))
      return failure();
    // Innermost loops first, so that hoisted accumulators move outward.
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops) {
      moveLoopInvariantCode(loop);
      hoistLoopInvariantSubsets(rewriter, loop);
    }
    return canonicalize(true);
  }
  func::FuncOp func;
  IRRewriter rewriter;
  TileSizes sizes;
  /// Contractions tiled as siblings of another (see findSiblings).
  llvm::DenseSet<Operation *> fusedAway;
};

struct TfmTileAndVectorizeContractionsPass
    : tfm::impl::TfmTileAndVectorizeContractionsBase<
          TfmTileAndVectorizeContractionsPass> {
  using TfmTileAndVectorizeContractionsBase::
      TfmTileAndVectorizeContractionsBase;

  void runOnOperation() override {
    // f32 lanes: a power of two, at least two (a row of two vectors).
    if (vectorBits < 64 || !llvm::isPowerOf2_64(vectorBits) ||
        vectorRegisters < 4) {
      getOperation()->emitError()
          << "tfm-tile-and-vectorize-contractions: vector-bits must be a "
             "power of two of at least 64 and vector-registers at least 4, "
             "got "
          << int64_t(vectorBits) << " and " << int64_t(vectorRegisters);
      return signalPassFailure();
    }
    TileSizes sizes(vectorBits, vectorRegisters);
    if (failed(TileAndVectorize(getOperation(), sizes).run()))
      signalPassFailure();
  }
};
} // namespace
