// Causal attention over 16384 positions (one head, D=64), for
// attention-memory.test.
func.func @attention_16k(%q: tensor<1x1x16384x64xf32>, %k: tensor<1x1x16384x64xf32>,
                         %v: tensor<1x1x16384x64xf32>) -> tensor<1x1x16384x64xf32> {
  %0 = tfm.attention %q, %k, %v causal
      : tensor<1x1x16384x64xf32>, tensor<1x1x16384x64xf32>, tensor<1x1x16384x64xf32> -> tensor<1x1x16384x64xf32>
  return %0 : tensor<1x1x16384x64xf32>
}
