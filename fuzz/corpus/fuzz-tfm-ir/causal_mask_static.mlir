func.func @causal_mask_static() -> tensor<5x7xi1> {
  %0 = tfm.causal_mask : tensor<5x7xi1>
  return %0 : tensor<5x7xi1>
}
