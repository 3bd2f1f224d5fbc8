// One post-LN transformer encoder layer (as torch.nn.TransformerEncoderLayer
// with batch_first=True, norm_first=False, ReLU): d_model = 64, 4 heads,
// d_ff = 128. Batch and sequence length are dynamic; `mask` is a key-padding
// mask with true = a real token.
func.func @encoder_layer(
    %x: tensor<?x?x64xf32>, %mask: tensor<?x?xi1>,
    %in_w: tensor<192x64xf32>, %in_b: tensor<192xf32>,
    %out_w: tensor<64x64xf32>, %out_b: tensor<64xf32>,
    %w1: tensor<128x64xf32>, %b1: tensor<128xf32>,
    %w2: tensor<64x128xf32>, %b2: tensor<64xf32>,
    %g1: tensor<64xf32>, %be1: tensor<64xf32>,
    %g2: tensor<64xf32>, %be2: tensor<64xf32>) -> tensor<?x?x64xf32> {
  %attn = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%in_w : tensor<192x64xf32>) in_bias(%in_b : tensor<192xf32>)
      out_proj(%out_w : tensor<64x64xf32>) out_bias(%out_b : tensor<64xf32>)
      key_padding_mask(%mask : tensor<?x?xi1>)
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?x64xf32>
  %res1 = arith.addf %x, %attn : tensor<?x?x64xf32>
  %h1 = tfm.layer_norm %res1 weight(%g1 : tensor<64xf32>) bias(%be1 : tensor<64xf32>)
      : tensor<?x?x64xf32> -> tensor<?x?x64xf32>
  %ff1 = tfm.linear %h1, %w1 bias(%b1 : tensor<128xf32>)
      : tensor<?x?x64xf32>, tensor<128x64xf32> -> tensor<?x?x128xf32>
  %act = tfm.relu %ff1 : tensor<?x?x128xf32>
  %ff2 = tfm.linear %act, %w2 bias(%b2 : tensor<64xf32>)
      : tensor<?x?x128xf32>, tensor<64x128xf32> -> tensor<?x?x64xf32>
  %res2 = arith.addf %h1, %ff2 : tensor<?x?x64xf32>
  %out = tfm.layer_norm %res2 weight(%g2 : tensor<64xf32>) bias(%be2 : tensor<64xf32>)
      : tensor<?x?x64xf32> -> tensor<?x?x64xf32>
  return %out : tensor<?x?x64xf32>
}
