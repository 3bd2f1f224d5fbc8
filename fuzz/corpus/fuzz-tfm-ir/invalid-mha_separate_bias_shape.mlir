// Separate biases are [E] each; the error names the offending one.
func.func @mha_separate_bias_shape(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %b: tensor<8xf32>, %bad: tensor<12xf32>, %ow: tensor<8x8xf32>) {
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) in_bias(%b, %bad, %b : tensor<8xf32>, tensor<12xf32>, tensor<8xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}
