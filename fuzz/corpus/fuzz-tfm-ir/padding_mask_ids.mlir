func.func @padding_mask_ids(%ids: tensor<2x7xi64>) -> tensor<2x7xi1> {
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<2x7xi1>
  return %0 : tensor<2x7xi1>
}
