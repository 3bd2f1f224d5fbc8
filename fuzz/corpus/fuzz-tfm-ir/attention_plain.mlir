func.func @attention_plain(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                           %v: tensor<2x4x7x16xf32>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}
