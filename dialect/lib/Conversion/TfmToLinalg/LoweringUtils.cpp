//===- LoweringUtils.cpp - helpers for lowering tfm to linalg ---*- C++ -*-===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfm;

Value mlir::tfm::createEmpty(OpBuilder &b, Location loc,
                             ArrayRef<OpFoldResult> sizes, Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value mlir::tfm::createFilled(OpBuilder &b, Location loc,
                              ArrayRef<OpFoldResult> sizes, TypedAttr value) {
  Value init = createEmpty(b, loc, sizes, value.getType());
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{init})
      .getResult(0);
}

Value mlir::tfm::createFloat(OpBuilder &b, Location loc, Type type,
                             double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value mlir::tfm::createGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                               ArrayRef<AffineMap> inputMaps, Value init,
                               AffineMap outputMap,
                               ArrayRef<utils::IteratorType> iterators,
                               BodyBuilder body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outputMap);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
  return generic.getResult(0);
}

Value mlir::tfm::createElementwise(OpBuilder &b, Location loc,
                                   ValueRange inputs, Type resultElementType,
                                   BodyBuilder body) {
  Value first = inputs.front();
  unsigned rank = cast<RankedTensorType>(first.getType()).getRank();
  Value init = createEmpty(b, loc, tensor::getMixedSizes(b, loc, first),
                           resultElementType);
  AffineMap id = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps(inputs.size(), id);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return createGeneric(b, loc, inputs, maps, init, id, iterators, body);
}

AffineMap mlir::tfm::dropDimMap(MLIRContext *ctx, unsigned rank,
                                unsigned dropped) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d = 0; d < rank; ++d)
    if (d != dropped)
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value mlir::tfm::createSoftmax(OpBuilder &b, Location loc, Value input,
                               unsigned axis, bool zeroFullyMasked) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elt = type.getElementType();
  unsigned rank = type.getRank();
  MLIRContext *ctx = b.getContext();

  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> reducedSizes(sizes);
  reducedSizes.erase(reducedSizes.begin() + axis);
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap reduced = dropDimMap(ctx, rank, axis);
  SmallVector<utils::IteratorType> reduction(rank,
                                             utils::IteratorType::parallel);
  reduction[axis] = utils::IteratorType::reduction;
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);

  double inf = std::numeric_limits<double>::infinity();
  Value maxInit = createFilled(b, loc, reducedSizes, b.getFloatAttr(elt, -inf));
  Value rowMax = createGeneric(
      b, loc, input, {id}, maxInit, reduced, reduction,
      [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        return arith::MaximumFOp::create(nb, nloc, args[0], args[1]);
      });

  Value expInit = createEmpty(b, loc, sizes, elt);
  Value exps = createGeneric(
      b, loc, {input, rowMax}, {id, reduced}, expInit, id, parallel,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value shifted = arith::SubFOp::create(nb, nloc, args[0], args[1]);
        Value e = math::ExpOp::create(nb, nloc, shifted);
        if (!zeroFullyMasked)
          return e;
        // A row of -inf has max -inf and -inf - -inf = NaN: give zeros.
        Value minusInf = createFloat(nb, nloc, elt, -inf);
        Value masked = arith::CmpFOp::create(
            nb, nloc, arith::CmpFPredicate::OEQ, args[1], minusInf);
        return arith::SelectOp::create(nb, nloc, masked,
                                       createFloat(nb, nloc, elt, 0.0), e);
      });

  Value sumInit = createFilled(b, loc, reducedSizes, b.getFloatAttr(elt, 0.0));
  Value rowSum =
      createGeneric(b, loc, exps, {id}, sumInit, reduced, reduction,
                    [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
                      return arith::AddFOp::create(nb, nloc, args[0], args[1]);
                    });

  Value outInit = createEmpty(b, loc, sizes, elt);
  return createGeneric(
      b, loc, {exps, rowSum}, {id, reduced}, outInit, id, parallel,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value quotient = arith::DivFOp::create(nb, nloc, args[0], args[1]);
        if (!zeroFullyMasked)
          return quotient;
        Value zero = createFloat(nb, nloc, elt, 0.0);
        Value empty = arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OEQ,
                                            args[1], zero);
        return arith::SelectOp::create(nb, nloc, empty, zero, quotient);
      });
}

Value mlir::tfm::createLinear(OpBuilder &b, Location loc, Value x,
                              Value weight, Value bias) {
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType();
  unsigned rank = xType.getRank();

  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  sizes.back() = tensor::getMixedSize(b, loc, weight, 0);
  Value init;
  if (bias) {
    SmallVector<int64_t> leading;
    for (unsigned d = 0; d + 1 < rank; ++d)
      leading.push_back(d);
    init = linalg::BroadcastOp::create(b, loc, bias,
                                       createEmpty(b, loc, sizes, elt), leading)
               .getResult()[0];
  } else {
    init = createFilled(b, loc, sizes, b.getFloatAttr(elt, 0.0));
  }

  // Loops: the leading dimensions, then n (output feature), k (input).
  unsigned numLoops = rank + 1, n = rank - 1, k = rank;
  SmallVector<AffineExpr> xExprs, outExprs;
  for (unsigned d = 0; d + 1 < rank; ++d) {
    xExprs.push_back(b.getAffineDimExpr(d));
    outExprs.push_back(b.getAffineDimExpr(d));
  }
  xExprs.push_back(b.getAffineDimExpr(k));
  outExprs.push_back(b.getAffineDimExpr(n));
  AffineMap xMap = AffineMap::get(numLoops, 0, xExprs, ctx);
  AffineMap wMap = AffineMap::get(
      numLoops, 0, {b.getAffineDimExpr(n), b.getAffineDimExpr(k)}, ctx);
  AffineMap outMap = AffineMap::get(numLoops, 0, outExprs, ctx);

  if (rank == 2) {
    SmallVector<Attribute> maps = {AffineMapAttr::get(xMap),
                                   AffineMapAttr::get(wMap),
                                   AffineMapAttr::get(outMap)};
    return linalg::MatmulOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{x, weight},
               ValueRange{init},
               {b.getNamedAttr("indexing_maps", b.getArrayAttr(maps))})
        .getResult(0);
  }
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  iterators[k] = utils::IteratorType::reduction;
  return createGeneric(
      b, loc, {x, weight}, {xMap, wMap}, init, outMap, iterators,
      [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value prod = arith::MulFOp::create(nb, nloc, args[0], args[1]);
        return arith::AddFOp::create(nb, nloc, args[2], prod);
      });
}

Value mlir::tfm::createSilu(OpBuilder &b, Location loc, Value x) {
  // exp(-x) overflows to inf for x < -88 and x / inf is -0, the limit;
  // for large x it underflows to 0 and the result is x.
  Type elt = x.getType();
  Value negated = arith::NegFOp::create(b, loc, x);
  Value denominator = arith::AddFOp::create(
      b, loc, createFloat(b, loc, elt, 1.0), math::ExpOp::create(b, loc, negated));
  return arith::DivFOp::create(b, loc, x, denominator);
}

Value mlir::tfm::createGelu(OpBuilder &b, Location loc, Value x,
                            bool useTanh) {
  Type elt = x.getType();
  auto c = [&](double v) { return createFloat(b, loc, elt, v); };
  Value inner;
  if (useTanh) {
    Value x3 = arith::MulFOp::create(b, loc, x,
                                     arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, c(0.044715), x3));
    inner = math::TanhOp::create(
        b, loc, arith::MulFOp::create(b, loc, c(std::sqrt(2.0 / M_PI)), poly));
  } else {
    inner = math::ErfOp::create(b, loc,
                                arith::MulFOp::create(b, loc, x, c(M_SQRT1_2)));
  }
  Value onePlus = arith::AddFOp::create(b, loc, c(1.0), inner);
  Value half = arith::MulFOp::create(b, loc, x, c(0.5));
  return arith::MulFOp::create(b, loc, half, onePlus);
}

Value mlir::tfm::convertFloat(OpBuilder &b, Location loc, Value value,
                              Type type) {
  unsigned from = value.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (value.getType() == type)
    return value;
  if (from < to)
    return arith::ExtFOp::create(b, loc, type, value);
  return arith::TruncFOp::create(b, loc, type, value);
}

Value mlir::tfm::castToIndex(OpBuilder &b, Location loc, Value value) {
  if (value.getType().isIndex())
    return value;
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), value);
}

Value mlir::tfm::castIfNeeded(OpBuilder &b, Location loc, Value value,
                              Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

