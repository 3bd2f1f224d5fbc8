func.func @f(%q: tensor<1x2x4xf32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>) -> tensor<1x2x4xf32> {
  %0 = tfm.multi_head_attention %q, %q, %q heads(1)
      in_proj(%w, %w, %w : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>)
      in_bias(%b, %b, %b : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      out_proj(%w : tensor<4x4xf32>)
      : tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32> -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}
