func.func @mha_packed(%x: tensor<2x7x64xf32>, %w: tensor<192x64xf32>, %b: tensor<192xf32>,
                      %ow: tensor<64x64xf32>, %ob: tensor<64xf32>) -> tensor<2x7x64xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<192x64xf32>) in_bias(%b : tensor<192xf32>)
      out_proj(%ow : tensor<64x64xf32>) out_bias(%ob : tensor<64xf32>)
      : tensor<2x7x64xf32>, tensor<2x7x64xf32>, tensor<2x7x64xf32> -> tensor<2x7x64xf32>
  return %0 : tensor<2x7x64xf32>
}
