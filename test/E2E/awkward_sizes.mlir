// Matmuls, linears and a whole encoder layer whose sizes are not multiples
// of the codegen's cache and register tiles (d_model 520, d_ff 1000, 8 heads
// of 65, S 77, batch 3), against PyTorch (1e-4) at every -O level.
// RUN: tfmc -O0 %s -o %t.0
// RUN: tfmc -O2 %s -o %t.2
// RUN: tfmc -O3 %s -o %t.3
// RUN: %e2e linear_gelu_awkward --exe %t.0
// RUN: %e2e linear_gelu_awkward --exe %t.2
// RUN: %e2e linear_gelu_awkward --exe %t.3
// RUN: %e2e matmul_awkward --exe %t.0
// RUN: %e2e matmul_awkward --exe %t.3
// RUN: %e2e encoder_layer_awkward --exe %t.0
// RUN: %e2e encoder_layer_awkward --exe %t.3

// A linear layer with the erf GELU fused into its output tiles.
func.func @linear_gelu(%x: tensor<?x?x520xf32>, %w: tensor<1000x520xf32>,
                       %b: tensor<1000xf32>) -> tensor<?x?x1000xf32> {
  %0 = tfm.linear %x, %w bias(%b : tensor<1000xf32>)
      : tensor<?x?x520xf32>, tensor<1000x520xf32> -> tensor<?x?x1000xf32>
  %1 = tfm.gelu %0 : tensor<?x?x1000xf32>
  return %1 : tensor<?x?x1000xf32>
}

// A matmul with dynamic sizes throughout.
func.func @matmul(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = tensor.dim %a, %c0 : tensor<?x?xf32>
  %n = tensor.dim %b, %c1 : tensor<?x?xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%m, %n) : tensor<?x?xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>)
      outs(%f : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// nn.TransformerEncoderLayer(520, 8, 1000), post-LN, ReLU.
func.func @post_ln_awkward(%x: tensor<?x?x520xf32>, %keep: tensor<?x?xi1>,
    %in_w: tensor<1560x520xf32>, %in_b: tensor<1560xf32>,
    %out_w: tensor<520x520xf32>, %out_b: tensor<520xf32>,
    %w1: tensor<1000x520xf32>, %b1: tensor<1000xf32>,
    %w2: tensor<520x1000xf32>, %b2: tensor<520xf32>,
    %g1: tensor<520xf32>, %be1: tensor<520xf32>,
    %g2: tensor<520xf32>, %be2: tensor<520xf32>) -> tensor<?x?x520xf32> {
  %sa = tfm.multi_head_attention %x, %x, %x heads(8)
      in_proj(%in_w : tensor<1560x520xf32>) in_bias(%in_b : tensor<1560xf32>)
      out_proj(%out_w : tensor<520x520xf32>) out_bias(%out_b : tensor<520xf32>)
      key_padding_mask(%keep : tensor<?x?xi1>)
      : tensor<?x?x520xf32>, tensor<?x?x520xf32>, tensor<?x?x520xf32> -> tensor<?x?x520xf32>
  %r1 = arith.addf %x, %sa : tensor<?x?x520xf32>
  %h1 = tfm.layer_norm %r1 weight(%g1 : tensor<520xf32>) bias(%be1 : tensor<520xf32>)
      : tensor<?x?x520xf32> -> tensor<?x?x520xf32>
  %ff1 = tfm.linear %h1, %w1 bias(%b1 : tensor<1000xf32>)
      : tensor<?x?x520xf32>, tensor<1000x520xf32> -> tensor<?x?x1000xf32>
  %act = tfm.relu %ff1 : tensor<?x?x1000xf32>
  %f = tfm.linear %act, %w2 bias(%b2 : tensor<520xf32>)
      : tensor<?x?x1000xf32>, tensor<520x1000xf32> -> tensor<?x?x520xf32>
  %r2 = arith.addf %h1, %f : tensor<?x?x520xf32>
  %out = tfm.layer_norm %r2 weight(%g2 : tensor<520xf32>) bias(%be2 : tensor<520xf32>)
      : tensor<?x?x520xf32> -> tensor<?x?x520xf32>
  return %out : tensor<?x?x520xf32>
}
