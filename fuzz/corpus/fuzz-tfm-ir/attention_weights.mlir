func.func @attention_weights(%q: tensor<?x3x?x8xf32>, %k: tensor<?x3x?x8xf32>,
                             %m: tensor<?x1x1x?xi1>) -> tensor<?x3x?x?xf32> {
  %0 = tfm.attention_weights %q, %k mask(%m : tensor<?x1x1x?xi1>) scale(0.125) causal
      : tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x?xf32>
  return %0 : tensor<?x3x?x?xf32>
}
