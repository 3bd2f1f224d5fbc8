// tfm.multi_head_attention against nn.MultiheadAttention(batch_first=True)
// with no mask, a causal mask, a key-padding mask (one batch row entirely
// padded) and both; odd head counts (3, 5) and separate k/v dims (1e-4).
// RUN: tfmc %s -o %t
// RUN: %e2e mha_plain --exe %t
// RUN: %e2e mha_causal --exe %t
// RUN: %e2e mha_padding --exe %t
// RUN: %e2e mha_padding_causal --exe %t
// RUN: %e2e mha_separate_weights --exe %t

func.func @mha_plain(%q: tensor<?x?x24xf32>, %k: tensor<?x?x24xf32>, %v: tensor<?x?x24xf32>,
                     %w: tensor<72x24xf32>, %b: tensor<72xf32>,
                     %ow: tensor<24x24xf32>, %ob: tensor<24xf32>) -> tensor<?x?x24xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(3)
      in_proj(%w : tensor<72x24xf32>) in_bias(%b : tensor<72xf32>)
      out_proj(%ow : tensor<24x24xf32>) out_bias(%ob : tensor<24xf32>)
      : tensor<?x?x24xf32>, tensor<?x?x24xf32>, tensor<?x?x24xf32> -> tensor<?x?x24xf32>
  return %0 : tensor<?x?x24xf32>
}

func.func @mha_causal(%q: tensor<?x?x24xf32>, %k: tensor<?x?x24xf32>, %v: tensor<?x?x24xf32>,
                      %w: tensor<72x24xf32>, %b: tensor<72xf32>,
                      %ow: tensor<24x24xf32>, %ob: tensor<24xf32>) -> tensor<?x?x24xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(3)
      in_proj(%w : tensor<72x24xf32>) in_bias(%b : tensor<72xf32>)
      out_proj(%ow : tensor<24x24xf32>) out_bias(%ob : tensor<24xf32>) causal
      : tensor<?x?x24xf32>, tensor<?x?x24xf32>, tensor<?x?x24xf32> -> tensor<?x?x24xf32>
  return %0 : tensor<?x?x24xf32>
}

func.func @mha_padding(%q: tensor<?x?x24xf32>, %k: tensor<?x?x24xf32>, %v: tensor<?x?x24xf32>,
                       %keep: tensor<?x?xi1>,
                       %w: tensor<72x24xf32>, %b: tensor<72xf32>,
                       %ow: tensor<24x24xf32>, %ob: tensor<24xf32>) -> tensor<?x?x24xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(3)
      in_proj(%w : tensor<72x24xf32>) in_bias(%b : tensor<72xf32>)
      out_proj(%ow : tensor<24x24xf32>) out_bias(%ob : tensor<24xf32>)
      key_padding_mask(%keep : tensor<?x?xi1>)
      : tensor<?x?x24xf32>, tensor<?x?x24xf32>, tensor<?x?x24xf32> -> tensor<?x?x24xf32>
  return %0 : tensor<?x?x24xf32>
}

// Self-attention: the same tensor is query, key and value.
func.func @mha_padding_causal(%x: tensor<?x?x20xf32>, %keep: tensor<?x?xi1>,
                              %w: tensor<60x20xf32>, %b: tensor<60xf32>,
                              %ow: tensor<20x20xf32>, %ob: tensor<20xf32>) -> tensor<?x?x20xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(5)
      in_proj(%w : tensor<60x20xf32>) in_bias(%b : tensor<60xf32>)
      out_proj(%ow : tensor<20x20xf32>) out_bias(%ob : tensor<20xf32>)
      key_padding_mask(%keep : tensor<?x?xi1>) causal
      : tensor<?x?x20xf32>, tensor<?x?x20xf32>, tensor<?x?x20xf32> -> tensor<?x?x20xf32>
  return %0 : tensor<?x?x20xf32>
}

func.func @mha_separate_weights(%q: tensor<?x?x24xf32>, %k: tensor<?x?x10xf32>,
                                %v: tensor<?x?x14xf32>,
                                %wq: tensor<24x24xf32>, %wk: tensor<24x10xf32>,
                                %wv: tensor<24x14xf32>, %b: tensor<72xf32>,
                                %ow: tensor<24x24xf32>, %ob: tensor<24xf32>) -> tensor<?x?x24xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(4)
      in_proj(%wq, %wk, %wv : tensor<24x24xf32>, tensor<24x10xf32>, tensor<24x14xf32>)
      in_bias(%b : tensor<72xf32>)
      out_proj(%ow : tensor<24x24xf32>) out_bias(%ob : tensor<24xf32>)
      : tensor<?x?x24xf32>, tensor<?x?x10xf32>, tensor<?x?x14xf32> -> tensor<?x?x24xf32>
  return %0 : tensor<?x?x24xf32>
}
