// RUN: tfm-opt %s -tfm-lower-to-linalg -split-input-file -verify-diagnostics

// tfm.multi_head_attention has no direct lowering: the pass names the op and
// the pass to run first.
func.func @undecomposed_multi_head_attention(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>,
                                             %ow: tensor<16x16xf32>) -> tensor<2x5x16xf32> {
  // expected-error @+1 {{'tfm.multi_head_attention' was not lowered to linalg (run tfm-decompose-multi-head-attention first)}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// The error is reported when other tfm ops around it lower fine.
func.func @undecomposed_among_others(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>,
                                     %ow: tensor<16x16xf32>) -> tensor<2x5x16xf32> {
  %r = tfm.relu %x : tensor<2x5x16xf32>
  // expected-error @+1 {{'tfm.multi_head_attention' was not lowered to linalg (run tfm-decompose-multi-head-attention first)}}
  %0 = tfm.multi_head_attention %r, %r, %r heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  %1 = tfm.gelu %0 : tensor<2x5x16xf32>
  return %1 : tensor<2x5x16xf32>
}
