func.func @gelu_result_type(%x: tensor<2x16xf32>) {
  %0 = "tfm.gelu"(%x) : (tensor<2x16xf32>) -> tensor<2x16xf64>
  return
}
