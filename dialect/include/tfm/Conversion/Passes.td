//===- Passes.td - tfm to linalg conversion ---------------*- tablegen -*-===//
//
// The conversion of tfm ops to linalg on tensors, and the run-time shape
// checks that come with it. tfm-level rewrites (attention fusion, MHA
// decomposition) are in tfm/Transforms.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_CONVERSION_PASSES_TD
#define TFM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def TfmLowerToLinalg : Pass<"tfm-lower-to-linalg"> {
  let summary = "Lower tfm ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Lowers every tfm op except `tfm.multi_head_attention` (decompose it
    first) to `linalg` named ops where they exist and `linalg.generic`
    otherwise. `tfm.attention` becomes matmul, scale, mask, a numerically
    stable softmax (row maximum subtracted) and matmul; a row whose keys are
    all masked yields zeros, never NaN.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect"
  ];
}

def TfmCheckShapes : Pass<"tfm-check-shapes"> {
  let summary = "Check at run time that dynamic sizes agree";
  let description = [{
    For every linalg op on tensors, each loop must have the same extent in
    every operand dimension it indexes. Where that is not known statically
    (a dynamic size meets another size), inserts a `cf.assert` whose message
    names the op the linalg op came from. Without it, inputs whose dynamic
    sizes disagree (say, keys of batch 3 with queries of batch 2) would read
    out of bounds; with it, the executable reports the error (the runtime
    turns a failed check into a one-line message and exit code 2).
  }];
  let dependentDialects = [
    "::mlir::cf::ControlFlowDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // TFM_CONVERSION_PASSES_TD
