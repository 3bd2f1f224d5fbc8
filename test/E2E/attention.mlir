// tfm.attention against softmax(QKᵀ·scale + mask)·V computed by PyTorch in
// float64, with zeros for queries that see no key (1e-4). Keys and values
// that no query sees may hold anything (NaN, ±inf, ±3.4e38): the output is
// that of zeros there, in the plain lowering (-O0) and the fused one.
// DEFINE: %{poison} = --poison=nan --poison=inf --poison=-inf --poison=big --poison=-big
// RUN: tfmc %s -o %t
// RUN: tfmc -O0 %s -o %t.0
// RUN: %e2e attention_plain --exe %t
// RUN: %e2e attention_masked_causal --exe %t %{poison}
// RUN: %e2e attention_masked_causal --exe %t.0 %{poison}
// RUN: %e2e attention_additive_scaled --exe %t

func.func @attention_plain(%q: tensor<?x3x?x8xf32>, %k: tensor<?x3x?x8xf32>,
                           %v: tensor<?x3x?x6xf32>) -> tensor<?x3x?x6xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32>, tensor<?x3x?x6xf32> -> tensor<?x3x?x6xf32>
  return %0 : tensor<?x3x?x6xf32>
}

func.func @attention_masked_causal(%q: tensor<?x3x?x8xf32>, %k: tensor<?x3x?x8xf32>,
                                   %v: tensor<?x3x?x6xf32>, %keep: tensor<?x1x?x?xi1>)
    -> tensor<?x3x?x6xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x?x?xi1>) causal
      : tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32>, tensor<?x3x?x6xf32> -> tensor<?x3x?x6xf32>
  return %0 : tensor<?x3x?x6xf32>
}

func.func @attention_additive_scaled(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>,
                                     %v: tensor<1x2x4x8xf32>, %bias: tensor<4x4xf32>)
    -> tensor<1x2x4x8xf32> {
  %0 = tfm.attention %q, %k, %v mask(%bias : tensor<4x4xf32>) scale(2.500000e-01)
      : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}
