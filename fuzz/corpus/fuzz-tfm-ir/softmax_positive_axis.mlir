func.func @softmax_positive_axis(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.softmax %x axis(1) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}
