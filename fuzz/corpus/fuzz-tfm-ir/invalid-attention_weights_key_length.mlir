func.func @attention_weights_key_length(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>) -> tensor<1x2x4x5xf32> {
  %0 = tfm.attention_weights %q, %k : tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32> -> tensor<1x2x4x5xf32>
  return %0 : tensor<1x2x4x5xf32>
}
