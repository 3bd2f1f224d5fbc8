// tfm.linear against nn.Linear (1e-4) and tfm.embedding against F.embedding.
// RUN: tfmc %s -o %t
// RUN: %e2e linear_rank3 --exe %t
// RUN: %e2e linear_rank2 --exe %t
// RUN: %e2e embedding --exe %t

func.func @linear_rank3(%x: tensor<?x?x20xf32>, %w: tensor<12x20xf32>,
                        %b: tensor<12xf32>) -> tensor<?x?x12xf32> {
  %0 = tfm.linear %x, %w bias(%b : tensor<12xf32>)
      : tensor<?x?x20xf32>, tensor<12x20xf32> -> tensor<?x?x12xf32>
  return %0 : tensor<?x?x12xf32>
}

func.func @linear_rank2(%x: tensor<?x20xf32>, %w: tensor<12x20xf32>) -> tensor<?x12xf32> {
  %0 = tfm.linear %x, %w : tensor<?x20xf32>, tensor<12x20xf32> -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

func.func @embedding(%ids: tensor<?x?xi64>, %table: tensor<11x20xf32>) -> tensor<?x?x20xf32> {
  %0 = tfm.embedding %ids, %table : tensor<?x?xi64>, tensor<11x20xf32> -> tensor<?x?x20xf32>
  return %0 : tensor<?x?x20xf32>
}
