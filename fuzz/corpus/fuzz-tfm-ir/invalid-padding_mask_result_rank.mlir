func.func @padding_mask_result_rank(%ids: tensor<2x7xi64>) {
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<14xi1>
  return
}
