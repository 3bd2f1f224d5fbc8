func.func @positional_encoding_rank(%x: tensor<7x16xf32>) {
  %0 = tfm.positional_encoding sinusoidal %x : tensor<7x16xf32> -> tensor<7x16xf32>
  return
}
