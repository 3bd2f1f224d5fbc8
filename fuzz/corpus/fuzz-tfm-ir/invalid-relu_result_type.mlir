func.func @relu_result_type(%x: tensor<2x16xf32>) {
  %0 = "tfm.relu"(%x) : (tensor<2x16xf32>) -> tensor<2x16xf16>
  return
}
