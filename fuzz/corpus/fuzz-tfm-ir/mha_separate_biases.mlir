func.func @mha_separate_kdim_vdim(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                  %wq: tensor<8x8xf32>, %wk: tensor<8x12xf32>, %wv: tensor<8x6xf32>,
                                  %bq: tensor<8xf32>, %bk: tensor<8xf32>, %bv: tensor<8xf32>,
                                  %ow: tensor<8x8xf32>) -> tensor<2x5x8xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(2)
      in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x6xf32>)
      in_bias(%bq, %bk, %bv : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}
