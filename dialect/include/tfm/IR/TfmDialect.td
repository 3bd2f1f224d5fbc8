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
