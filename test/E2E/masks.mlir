// Masks as values: causal (bottom-right aligned) and padding masks.
// RUN: tfmc %s -o %t
// RUN: %e2e causal_mask --exe %t
// RUN: %e2e padding_mask_ids --exe %t
// RUN: %e2e padding_mask_lengths --exe %t

func.func @causal_mask() -> tensor<4x6xi1> {
  %0 = tfm.causal_mask : tensor<4x6xi1>
  return %0 : tensor<4x6xi1>
}

func.func @padding_mask_ids(%ids: tensor<?x?xi64>) -> tensor<?x?xi1> {
  %0 = tfm.padding_mask %ids pad(0) : tensor<?x?xi64> -> tensor<?x?xi1>
  return %0 : tensor<?x?xi1>
}

func.func @padding_mask_lengths(%lengths: tensor<?xi32>) -> tensor<?x9xi1> {
  %0 = tfm.padding_mask %lengths : tensor<?xi32> -> tensor<?x9xi1>
  return %0 : tensor<?x9xi1>
}
