// relu and gelu (erf and tanh forms) against PyTorch (1e-5).
// RUN: tfmc %s -o %t
// RUN: %e2e relu --exe %t
// RUN: %e2e gelu --exe %t
// RUN: %e2e gelu_tanh --exe %t

func.func @relu(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.relu %x : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

func.func @gelu(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.gelu %x : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

func.func @gelu_tanh(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.gelu %x approximate(tanh) : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
