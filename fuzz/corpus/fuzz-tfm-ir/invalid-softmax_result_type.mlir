func.func @softmax_result_type(%x: tensor<2x7xf32>) {
  %0 = tfm.softmax %x axis(1) : tensor<2x7xf32> -> tensor<2x7xf16>
  return
}
