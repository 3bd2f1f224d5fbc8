func.func @linear_rank1(%x: tensor<16xf32>, %w: tensor<8x16xf32>) -> tensor<8xf32> {
  %0 = tfm.linear %x, %w : tensor<16xf32>, tensor<8x16xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
