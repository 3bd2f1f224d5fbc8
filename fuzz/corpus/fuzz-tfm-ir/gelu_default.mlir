func.func @gelu_default(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = tfm.gelu %x : tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}
