func.func @layer_norm_rank0(%x: tensor<f32>) {
  %0 = tfm.layer_norm %x : tensor<f32> -> tensor<f32>
  return
}
