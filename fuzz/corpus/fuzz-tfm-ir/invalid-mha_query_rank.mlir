func.func @mha_query_rank(%q: tensor<2x4x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x4x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return
}
