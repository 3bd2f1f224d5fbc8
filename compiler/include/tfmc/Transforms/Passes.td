//===- Passes.td - model-level passes of tfmc --------------*- tablegen -*-===//
//
// Passes that decide how a compiled model meets its executable's runtime:
// how its weights are passed to the entry points.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_TRANSFORMS_PASSES_TD
#define TFMC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TfmChooseWeightLayouts : Pass<"tfm-choose-weight-layouts", "ModuleOp"> {
  let summary = "Passes the matrices of linear maps in the kernels' layout";
  let description = [{
    Model functions take their weights as stored in the checkpoint
    (`tfm.weight = "name"`, PyTorch's [out, in] for linear maps). A decoding
    step streams every weight once, and the matmul kernels read a weight
    fastest as panels of TFM_PANEL_COLUMNS (64) output features,
    `[ceil(out/64), in, 64]` (zero-padded), one contiguous run per output
    tile. This pass is the one place that decides the layout of each weight
    argument, from its uses:

    - the weight of a `tfm.linear`, the gate, up and down weights of a
      `tfm.gated_feed_forward`, the projections of a
      `tfm.multi_head_attention`, or rows of it that are whole panels
      (q, k and v of one in-projection when d_model is a multiple of 64:
      slices that start and end on panel boundaries) are passed in panels
      (`tfm.weight_panels = out`);
    - other row slices (cross-attention's q, k and v when d_model is not a
      multiple of 64) are passed transposed, `[in, out]`
      (`tfm.weight_transposed`);
    - any other use (an embedding table, a norm) takes the stored tensor;
      a weight used both ways (a tied embedding) is passed twice, once per
      layout, under the same name;
    - an argument forwarded to a call takes the layout of the callee's
      argument (callees are decided first).

    The argument's type changes to the layout, and `linalg.unpack` and
    `linalg.transpose` at the function's entry bring it back to [out, in]
    for the tfm ops; the contraction codegen reads the panels in place
    through them. The runtime learns each layout from the attributes (the
    entry table) and the weights embedded by tfmc are written in it.
    Arguments that already carry a layout attribute are left as they are.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // TFMC_TRANSFORMS_PASSES_TD
