//===- ChooseWeightLayouts.cpp - weights in the kernels' layout -*- C++ -*-===//
//
// The one place that decides how each weight argument is passed: as stored,
// in panels of TFM_PANEL_COLUMNS output features, or transposed (see
// Passes.td). Callees are decided before their callers, so that an argument
// forwarded to a call takes the layout of the callee's argument.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Transforms/Passes.h"

#include "tfm/IR/TfmDialect.h"
#include "tfm/IR/TfmOps.h"
#include "tfm/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMCHOOSEWEIGHTLAYOUTS
#include "tfmc/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

enum class Layout { Stored, Panels, Transposed };

/// What one use of a weight [out, in] can read.
enum class Need {
  Stored,         // the stored tensor (an embedding table, a norm, ...)
  Kernel,         // a matmul's weight: panels or transposed
  TransposedOnly, // rows that do not start on a panel boundary
  CalleePanels,   // forwarded to a callee argument in panels
  CalleeTransposed,
};

constexpr int64_t kPanelWidth = TFM_PANEL_COLUMNS;

/// The layout a function argument was given (by this pass or by hand).
Layout layoutOf(FunctionOpInterface func, unsigned index) {
  if (func.getArgAttr(index, TfmDialect::kWeightPanelsAttrName))
    return Layout::Panels;
  if (func.getArgAttr(index, TfmDialect::kWeightTransposedAttrName))
    return Layout::Transposed;
  return Layout::Stored;
}

/// Whether `slice` takes whole rows [offset, offset + size) of a matrix and
/// feeds only the weights of linear maps; sets `offset` and `size`.
bool isRowSliceOfLinearWeights(tensor::ExtractSliceOp slice, int64_t &offset,
                               int64_t &size) {
  auto source = cast<RankedTensorType>(slice.getSourceType());
  ArrayRef<int64_t> offsets = slice.getStaticOffsets();
  ArrayRef<int64_t> sizes = slice.getStaticSizes();
  if (source.getRank() != 2 || !slice.hasUnitStride() ||
      ShapedType::isDynamic(offsets[0]) || offsets[1] != 0 ||
      sizes[1] != source.getDimSize(1))
    return false;
  for (OpOperand &use : slice->getUses()) {
    auto linear = dyn_cast<LinearOp>(use.getOwner());
    if (!linear || use.get() != linear.getWeight() ||
        linear.getInput() == use.get())
      return false;
  }
  offset = offsets[0];
  size = sizes[0];
  return !ShapedType::isDynamic(size);
}

/// What `use` of a weight argument [out, in] needs.
Need needOf(OpOperand &use, ModuleOp module) {
  Operation *user = use.getOwner();
  Value weight = use.get();
  if (auto linear = dyn_cast<LinearOp>(user))
    return use.getOperandNumber() == 1 && linear.getInput() != weight
               ? Need::Kernel
               : Need::Stored;
  // Its gate, up and down weights each lower to a contraction of
  // tfm.linear's form (see GatedFeedForwardOp).
  if (auto ffn = dyn_cast<GatedFeedForwardOp>(user))
    return use.get() != ffn.getInput() ? Need::Kernel : Need::Stored;
  if (auto mha = dyn_cast<MultiHeadAttentionOp>(user)) {
    unsigned n = use.getOperandNumber();
    auto [inProj, inProjCount] = mha.getODSOperandIndexAndLength(3);
    bool isInProj = n >= inProj && n < inProj + inProjCount;
    bool isOutProj = n == mha.getODSOperandIndexAndLength(5).first;
    if (!isInProj && !isOutProj)
      return Need::Stored;
    // One packed in-projection of attention that is not self-attention is
    // sliced into q, k and v rows of E each (its decomposition): whole
    // panels only when E is a multiple of the panel width.
    int64_t rows = cast<RankedTensorType>(weight.getType()).getDimSize(0);
    bool self = mha.getQuery() == mha.getKey() && mha.getKey() == mha.getValue();
    if (isInProj && inProjCount == 1 && !self && (rows / 3) % kPanelWidth)
      return Need::TransposedOnly;
    return Need::Kernel;
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(user)) {
    // The kernels read rows in place from panels when they are whole
    // panels: a slice that starts and ends on panel boundaries (or all of
    // the rows). Other slices read the transposed matrix.
    int64_t offset = 0, size = 0;
    if (!isRowSliceOfLinearWeights(slice, offset, size))
      return Need::Stored;
    int64_t rows = slice.getSourceType().getDimSize(0);
    bool wholePanels = (offset % kPanelWidth == 0 && size % kPanelWidth == 0) ||
                       (offset == 0 && size == rows);
    return wholePanels ? Need::Kernel : Need::TransposedOnly;
  }
  if (auto call = dyn_cast<func::CallOp>(user)) {
    auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
    if (!callee || callee.isExternal())
      return Need::Stored;
    switch (layoutOf(callee, use.getOperandNumber())) {
    case Layout::Panels:
      return Need::CalleePanels;
    case Layout::Transposed:
      return Need::CalleeTransposed;
    case Layout::Stored:
      return Need::Stored;
    }
  }
  return Need::Stored;
}

class WeightLayoutChooser {
public:
  explicit WeightLayoutChooser(ModuleOp module) : module(module) {}

  void run(func::FuncOp func);

private:
  /// Whether weight argument `index` of `func` may change: every caller
  /// passes a weight argument of its own there (which then follows), and a
  /// public function has no callers.
  bool mayChange(func::FuncOp func, unsigned index);
  /// Gives `func` an argument for weight `index`, of type `stored`, in
  /// `layout` (the argument itself when `reuse`, else a new one right after
  /// it, forwarded by every caller) and moves `uses` onto it.
  void apply(func::FuncOp func, unsigned index, RankedTensorType stored,
             Layout layout, bool reuse, ArrayRef<OpOperand *> uses);
  /// [out, in] at the function's entry from an argument in `layout`.
  Value storedFrom(OpBuilder &b, Location loc, Value arg, Layout layout,
                   int64_t rows);

  ModuleOp module;
};

bool WeightLayoutChooser::mayChange(func::FuncOp func, unsigned index) {
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(func, module);
  if (!uses)
    return false;
  for (const SymbolTable::SymbolUse &use : *uses) {
    auto call = dyn_cast<func::CallOp>(use.getUser());
    if (!call || func.isPublic())
      return false;
    auto arg = dyn_cast<BlockArgument>(call.getOperand(index));
    auto caller = dyn_cast<func::FuncOp>(call->getParentOp());
    if (!arg || !caller || arg.getOwner() != &caller.getBody().front() ||
        !caller.getArgAttr(arg.getArgNumber(), TfmDialect::kWeightAttrName))
      return false;
  }
  return true;
}

void WeightLayoutChooser::run(func::FuncOp func) {
  // Indices shift as arguments are added: walk from the last one.
  for (unsigned i = func.getNumArguments(); i-- > 0;) {
    if (!func.getArgAttr(i, TfmDialect::kWeightAttrName) ||
        layoutOf(func, i) != Layout::Stored)
      continue;
    auto type = dyn_cast<RankedTensorType>(func.getArgument(i).getType());
    if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
        !mayChange(func, i))
      continue;
    // Uses grouped by the layout they will read.
    SmallVector<OpOperand *> stored, panels, transposed, flexible;
    for (OpOperand &use : func.getArgument(i).getUses()) {
      switch (needOf(use, module)) {
      case Need::Stored:
        stored.push_back(&use);
        break;
      case Need::Kernel:
        flexible.push_back(&use);
        break;
      case Need::CalleePanels:
        panels.push_back(&use);
        break;
      case Need::TransposedOnly:
      case Need::CalleeTransposed:
        transposed.push_back(&use);
        break;
      }
    }
    // Matmul weights read panels fastest; they share a transposed copy
    // instead only when one is needed anyway and panels are not.
    auto &kernel = !transposed.empty() && panels.empty() ? transposed : panels;
    kernel.append(flexible);
    bool reuse = stored.empty();
    // The new arguments go right after the stored one: transposed, then
    // panels (in the order of the arguments).
    if (!panels.empty()) {
      apply(func, i, type, Layout::Panels, reuse, panels);
      reuse = false;
    }
    if (!transposed.empty())
      apply(func, i, type, Layout::Transposed, reuse, transposed);
  }
}

void WeightLayoutChooser::apply(func::FuncOp func, unsigned index,
                                RankedTensorType stored, Layout layout,
                                bool reuse, ArrayRef<OpOperand *> uses) {
  MLIRContext *ctx = func.getContext();
  OpBuilder b(ctx);
  int64_t rows = stored.getDimSize(0), cols = stored.getDimSize(1);
  RankedTensorType type =
      layout == Layout::Panels
          ? RankedTensorType::get(
                {static_cast<int64_t>(llvm::divideCeil(rows, kPanelWidth)), cols,
                 kPanelWidth},
                stored.getElementType())
          : RankedTensorType::get({cols, rows}, stored.getElementType());
  NamedAttribute layoutAttr =
      layout == Layout::Panels
          ? b.getNamedAttr(TfmDialect::kWeightPanelsAttrName,
                           b.getI64IntegerAttr(rows))
          : b.getNamedAttr(TfmDialect::kWeightTransposedAttrName,
                           b.getUnitAttr());

  unsigned target = index;
  Location loc = func.getArgument(index).getLoc();
  if (reuse) {
    func.getArgument(index).setType(type);
    func.setArgAttr(index, layoutAttr.getName(), layoutAttr.getValue());
  } else {
    target = index + 1;
    DictionaryAttr attrs = DictionaryAttr::get(
        ctx, {b.getNamedAttr(TfmDialect::kWeightAttrName,
                             func.getArgAttr(index, TfmDialect::kWeightAttrName)),
              layoutAttr});
    if (failed(func.insertArgument(target, type, attrs, loc)))
      llvm_unreachable("inserting an argument into a function body");
    // Every caller passes the same weight for both arguments.
    if (std::optional<SymbolTable::UseRange> calls =
            SymbolTable::getSymbolUses(func, module))
      for (const SymbolTable::SymbolUse &symbolUse : *calls)
        if (auto call = dyn_cast<func::CallOp>(symbolUse.getUser()))
          call->insertOperands(target, call.getOperand(index));
  }
  func.setFunctionType(FunctionType::get(
      ctx, func.getBody().getArgumentTypes(), func.getResultTypes()));

  Value arg = func.getArgument(target);
  b.setInsertionPointToStart(&func.getBody().front());
  Value back;
  for (OpOperand *use : uses) {
    // Calls forward the argument in its layout; tfm ops read [out, in].
    if (isa<func::CallOp>(use->getOwner())) {
      use->set(arg);
      continue;
    }
    if (!back)
      back = storedFrom(b, loc, arg, layout, rows);
    use->set(back);
  }
}

Value WeightLayoutChooser::storedFrom(OpBuilder &b, Location loc, Value arg,
                                      Layout layout, int64_t rows) {
  auto type = cast<RankedTensorType>(arg.getType());
  Type elt = type.getElementType();
  Value inOut = arg;
  if (layout == Layout::Panels) {
    Value init = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{type.getDimSize(1), rows}, elt);
    inOut = linalg::UnPackOp::create(b, loc, arg, init,
                                     /*innerDimsPos=*/{1},
                                     {b.getIndexAttr(kPanelWidth)},
                                     /*outerDimsPerm=*/{1, 0});
  }
  auto inOutType = cast<RankedTensorType>(inOut.getType());
  SmallVector<int64_t> shape(llvm::reverse(inOutType.getShape()));
  Value init = tensor::EmptyOp::create(b, loc, shape, elt);
  return linalg::TransposeOp::create(b, loc, inOut, init,
                                     ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

struct TfmChooseWeightLayoutsPass
    : tfm::impl::TfmChooseWeightLayoutsBase<TfmChooseWeightLayoutsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Callees first: a post-order walk of the calls.
    llvm::SetVector<func::FuncOp> order;
    llvm::SmallPtrSet<Operation *, 8> visiting;
    std::function<void(func::FuncOp)> visit = [&](func::FuncOp func) {
      if (order.contains(func) || !visiting.insert(func).second)
        return;
      func.walk([&](func::CallOp call) {
        if (auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee()))
          visit(callee);
      });
      order.insert(func);
    };
    for (auto func : module.getOps<func::FuncOp>())
      visit(func);
    WeightLayoutChooser chooser(module);
    for (func::FuncOp func : order)
      if (!func.isExternal())
        chooser.run(func);
  }
};
} // namespace
