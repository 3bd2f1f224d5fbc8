// Softmax and layer norm against F.softmax and F.layer_norm (1e-5).
// RUN: tfmc %s -o %t
// RUN: %e2e softmax_last --exe %t
// RUN: %e2e softmax_axis1 --exe %t
// RUN: %e2e softmax_large --exe %t
// RUN: %e2e layer_norm_affine --exe %t
// RUN: %e2e layer_norm_plain --exe %t
// RUN: %e2e layer_norm_large --exe %t

func.func @softmax_last(%x: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %0 = tfm.softmax %x axis(-1) : tensor<?x?x?xf32> -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

func.func @softmax_axis1(%x: tensor<3x?x5xf32>) -> tensor<3x?x5xf32> {
  %0 = tfm.softmax %x axis(1) : tensor<3x?x5xf32> -> tensor<3x?x5xf32>
  return %0 : tensor<3x?x5xf32>
}

func.func @layer_norm_affine(%x: tensor<?x?x24xf32>, %w: tensor<24xf32>,
                             %b: tensor<24xf32>) -> tensor<?x?x24xf32> {
  %0 = tfm.layer_norm %x weight(%w : tensor<24xf32>) bias(%b : tensor<24xf32>)
      : tensor<?x?x24xf32> -> tensor<?x?x24xf32>
  return %0 : tensor<?x?x24xf32>
}

func.func @layer_norm_plain(%x: tensor<?x33xf32>) -> tensor<?x33xf32> {
  %0 = tfm.layer_norm %x {epsilon = 1.0e-6 : f32} : tensor<?x33xf32> -> tensor<?x33xf32>
  return %0 : tensor<?x33xf32>
}

func.func @layer_norm_large(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.layer_norm %x {epsilon = 1.0e-6 : f32} : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
