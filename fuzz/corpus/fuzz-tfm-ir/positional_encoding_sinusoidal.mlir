func.func @positional_encoding_sinusoidal(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.positional_encoding sinusoidal %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}
