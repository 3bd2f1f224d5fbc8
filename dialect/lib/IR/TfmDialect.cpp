//===- TfmDialect.cpp - the tfm dialect -------------------------*- C++ -*-===//

#include "tfm/IR/TfmDialect.h"
#include "tfm/IR/TfmOps.h"
#include "tfm/Runtime.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::tfm;

#include "tfm/IR/TfmOpsDialect.cpp.inc"

void TfmDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tfm/IR/TfmOps.cpp.inc"
      >();
}

/// Checks the argument attributes of model entry points (see TfmDialect.td):
/// their kinds, that a layout is given only for a weight, and that the
/// argument's type is the layout's.
LogicalResult TfmDialect::verifyRegionArgAttribute(Operation *op,
                                                   unsigned regionIndex,
                                                   unsigned argIndex,
                                                   NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  auto fail = [&](const Twine &message) {
    return op->emitOpError() << "argument " << argIndex << ": '" << name
                             << "' " << message;
  };
  auto func = dyn_cast<FunctionOpInterface>(op);
  if (!func || regionIndex != 0)
    return fail("is only valid on arguments of functions");
  auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[argIndex]);
  auto hasWeight = [&] {
    return static_cast<bool>(func.getArgAttr(argIndex, kWeightAttrName));
  };
  if (name == kInputAttrName || name == kWeightAttrName) {
    auto value = dyn_cast<StringAttr>(attribute.getValue());
    if (!value || value.getValue().empty())
      return fail("expects a non-empty string");
    if (name == kInputAttrName && hasWeight())
      return fail("cannot be combined with '" + kWeightAttrName + "'");
    return success();
  }
  if (name == kWeightTransposedAttrName) {
    if (!isa<UnitAttr>(attribute.getValue()))
      return fail("expects a unit attribute");
    if (!hasWeight())
      return fail("needs '" + kWeightAttrName + "' on the same argument");
    if (func.getArgAttr(argIndex, kWeightPanelsAttrName))
      return fail("cannot be combined with '" + kWeightPanelsAttrName + "'");
    if (!type || type.getRank() != 2)
      return fail("expects a matrix argument");
    return success();
  }
  if (name == kWeightPanelsAttrName) {
    auto rows = dyn_cast<IntegerAttr>(attribute.getValue());
    if (!rows || rows.getInt() < 1)
      return fail("expects a positive integer (the matrix's rows)");
    if (!hasWeight())
      return fail("needs '" + kWeightAttrName + "' on the same argument");
    int64_t width = TFM_PANEL_COLUMNS;
    int64_t panels = (rows.getInt() + width - 1) / width;
    if (!type || type.getRank() != 3 || type.getDimSize(0) != panels ||
        ShapedType::isDynamic(type.getDimSize(1)) ||
        type.getDimSize(2) != width)
      return fail("expects a tensor<" + Twine(panels) + "x?x" + Twine(width) +
                  "x...> argument (panels of " + Twine(rows.getInt()) +
                  " rows)");
    return success();
  }
  return fail("is not an argument attribute of the tfm dialect");
}
