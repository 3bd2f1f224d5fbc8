func.func @embedding_rank1_i32(%ids: tensor<7xi32>, %t: tensor<100x16xf32>) -> tensor<7x16xf32> {
  %0 = tfm.embedding %ids, %t : tensor<7xi32>, tensor<100x16xf32> -> tensor<7x16xf32>
  return %0 : tensor<7x16xf32>
}
