// Sinusoidal (with and without per-row offsets) and learned positional
// encodings against the formula of "Attention Is All You Need" in float64.
// RUN: tfmc %s -o %t
// RUN: %e2e positional_sinusoidal --exe %t
// RUN: %e2e positional_sinusoidal_offset --exe %t
// RUN: %e2e positional_learned --exe %t

func.func @positional_sinusoidal(%x: tensor<?x?x20xf32>) -> tensor<?x?x20xf32> {
  %0 = tfm.positional_encoding sinusoidal %x : tensor<?x?x20xf32> -> tensor<?x?x20xf32>
  return %0 : tensor<?x?x20xf32>
}

func.func @positional_sinusoidal_offset(%x: tensor<?x?x20xf32>, %offset: tensor<?xi64>)
    -> tensor<?x?x20xf32> {
  %0 = tfm.positional_encoding sinusoidal %x offset(%offset : tensor<?xi64>)
      : tensor<?x?x20xf32> -> tensor<?x?x20xf32>
  return %0 : tensor<?x?x20xf32>
}

func.func @positional_learned(%x: tensor<?x?x20xf32>, %table: tensor<16x20xf32>)
    -> tensor<?x?x20xf32> {
  %0 = tfm.positional_encoding learned %x table(%table : tensor<16x20xf32>)
      : tensor<?x?x20xf32> -> tensor<?x?x20xf32>
  return %0 : tensor<?x?x20xf32>
}
