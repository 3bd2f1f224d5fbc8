//===- TfmDialect.td - the tfm dialect ---------------------*- tablegen -*-===//
//
// The tfm dialect describes what transformers are built of: attention,
// masks, positional encodings, normalization and projections. Ops take and
// return builtin ranked tensors (value semantics) so upstream bufferization
// applies after lowering to linalg.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_DIALECT_TD
#define TFM_DIALECT_TD

include "mlir/IR/OpBase.td"

def Tfm_Dialect : Dialect {
  let name = "tfm";
  let summary = "Transformer building blocks: attention, masks, encodings";
  let description = [{
    The `tfm` dialect expresses transformer models at the level a model author
    thinks in: scaled dot-product and multi-head attention, causal and padding
    masks, positional encodings, softmax, layer normalization, linear
    projections, embeddings and activations. All i1 masks mean `true` =
    attend. Residual additions use `arith.addf` on tensors.
  }];
  let cppNamespace = "::mlir::tfm";
  // The argument attributes model entry points carry: which argument is an
  // input or a weight of the model (by name), and the layout a weight is
  // passed in. The runtime binds arguments from them.
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    /// `tfm.input = "name"`: an input of the model (ids, masks, caches).
    static constexpr ::llvm::StringLiteral kInputAttrName = "tfm.input";
    /// `tfm.weight = "name"`: the tensor `name` of the weights file, as
    /// stored ([out, in] for the matrices of linear maps) unless one of the
    /// layout attributes below says otherwise.
    static constexpr ::llvm::StringLiteral kWeightAttrName = "tfm.weight";
    /// `tfm.weight_transposed`: the stored [out, in] matrix taken as
    /// [in, out].
    static constexpr ::llvm::StringLiteral kWeightTransposedAttrName =
        "tfm.weight_transposed";
    /// `tfm.weight_panels = out`: the stored [out, in] matrix taken in
    /// panels [ceil(out / TFM_PANEL_COLUMNS), in, TFM_PANEL_COLUMNS].
    static constexpr ::llvm::StringLiteral kWeightPanelsAttrName =
        "tfm.weight_panels";
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

class Tfm_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tfm_Dialect, mnemonic, traits>;

// Floating-point ranked tensors; f32 is what every lowering supports.
def Tfm_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;
def Tfm_IntTensor : RankedTensorOf<[AnySignlessInteger, Index]>;
def Tfm_MaskTensor : RankedTensorOf<[I1, F16, BF16, F32, F64]>;

#endif // TFM_DIALECT_TD
