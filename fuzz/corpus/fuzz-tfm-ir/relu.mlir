func.func @relu(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = tfm.relu %x : tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}
