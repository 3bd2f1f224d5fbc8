func.func @embedding_table_rank(%ids: tensor<2x7xi64>, %t: tensor<1600xf32>) {
  %0 = tfm.embedding %ids, %t : tensor<2x7xi64>, tensor<1600xf32> -> tensor<2x7x16xf32>
  return
}
