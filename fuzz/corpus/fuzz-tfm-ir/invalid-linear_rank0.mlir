func.func @linear_rank0(%x: tensor<f32>, %w: tensor<8x1xf32>) {
  %0 = tfm.linear %x, %w : tensor<f32>, tensor<8x1xf32> -> tensor<8xf32>
  return
}
