func.func @layer_norm_plain(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.layer_norm %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}
