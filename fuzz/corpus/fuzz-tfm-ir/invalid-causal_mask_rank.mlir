func.func @causal_mask_rank() {
  %0 = tfm.causal_mask : tensor<1x5x5xi1>
  return
}
