// A whole nn.TransformerEncoderLayer (d_model 36, 3 heads, d_ff 50) written
// in tfm IR, post-LN and pre-LN, with a key-padding mask, against PyTorch
// (1e-4 at non-padded positions).
// RUN: tfmc %s -o %t
// RUN: %e2e encoder_layer_post_ln --exe %t
// RUN: %e2e encoder_layer_pre_ln --exe %t

// Post-LN (norm_first=False, ReLU), as in the original paper.
func.func @post_ln(%x: tensor<?x?x36xf32>, %keep: tensor<?x?xi1>,
    %in_w: tensor<108x36xf32>, %in_b: tensor<108xf32>,
    %out_w: tensor<36x36xf32>, %out_b: tensor<36xf32>,
    %w1: tensor<50x36xf32>, %b1: tensor<50xf32>,
    %w2: tensor<36x50xf32>, %b2: tensor<36xf32>,
    %g1: tensor<36xf32>, %be1: tensor<36xf32>,
    %g2: tensor<36xf32>, %be2: tensor<36xf32>) -> tensor<?x?x36xf32> {
  %sa = tfm.multi_head_attention %x, %x, %x heads(3)
      in_proj(%in_w : tensor<108x36xf32>) in_bias(%in_b : tensor<108xf32>)
      out_proj(%out_w : tensor<36x36xf32>) out_bias(%out_b : tensor<36xf32>)
      key_padding_mask(%keep : tensor<?x?xi1>)
      : tensor<?x?x36xf32>, tensor<?x?x36xf32>, tensor<?x?x36xf32> -> tensor<?x?x36xf32>
  %r1 = arith.addf %x, %sa : tensor<?x?x36xf32>
  %h1 = tfm.layer_norm %r1 weight(%g1 : tensor<36xf32>) bias(%be1 : tensor<36xf32>)
      : tensor<?x?x36xf32> -> tensor<?x?x36xf32>
  %ff1 = tfm.linear %h1, %w1 bias(%b1 : tensor<50xf32>)
      : tensor<?x?x36xf32>, tensor<50x36xf32> -> tensor<?x?x50xf32>
  %act = tfm.relu %ff1 : tensor<?x?x50xf32>
  %f = tfm.linear %act, %w2 bias(%b2 : tensor<36xf32>)
      : tensor<?x?x50xf32>, tensor<36x50xf32> -> tensor<?x?x36xf32>
  %r2 = arith.addf %h1, %f : tensor<?x?x36xf32>
  %out = tfm.layer_norm %r2 weight(%g2 : tensor<36xf32>) bias(%be2 : tensor<36xf32>)
      : tensor<?x?x36xf32> -> tensor<?x?x36xf32>
  return %out : tensor<?x?x36xf32>
}

// Pre-LN (norm_first=True, GELU).
func.func @pre_ln(%x: tensor<?x?x36xf32>, %keep: tensor<?x?xi1>,
    %in_w: tensor<108x36xf32>, %in_b: tensor<108xf32>,
    %out_w: tensor<36x36xf32>, %out_b: tensor<36xf32>,
    %w1: tensor<50x36xf32>, %b1: tensor<50xf32>,
    %w2: tensor<36x50xf32>, %b2: tensor<36xf32>,
    %g1: tensor<36xf32>, %be1: tensor<36xf32>,
    %g2: tensor<36xf32>, %be2: tensor<36xf32>) -> tensor<?x?x36xf32> {
  %n1 = tfm.layer_norm %x weight(%g1 : tensor<36xf32>) bias(%be1 : tensor<36xf32>)
      : tensor<?x?x36xf32> -> tensor<?x?x36xf32>
  %sa = tfm.multi_head_attention %n1, %n1, %n1 heads(3)
      in_proj(%in_w : tensor<108x36xf32>) in_bias(%in_b : tensor<108xf32>)
      out_proj(%out_w : tensor<36x36xf32>) out_bias(%out_b : tensor<36xf32>)
      key_padding_mask(%keep : tensor<?x?xi1>)
      : tensor<?x?x36xf32>, tensor<?x?x36xf32>, tensor<?x?x36xf32> -> tensor<?x?x36xf32>
  %r1 = arith.addf %x, %sa : tensor<?x?x36xf32>
  %n2 = tfm.layer_norm %r1 weight(%g2 : tensor<36xf32>) bias(%be2 : tensor<36xf32>)
      : tensor<?x?x36xf32> -> tensor<?x?x36xf32>
  %ff1 = tfm.linear %n2, %w1 bias(%b1 : tensor<50xf32>)
      : tensor<?x?x36xf32>, tensor<50x36xf32> -> tensor<?x?x50xf32>
  %act = tfm.gelu %ff1 : tensor<?x?x50xf32>
  %f = tfm.linear %act, %w2 bias(%b2 : tensor<36xf32>)
      : tensor<?x?x50xf32>, tensor<36x50xf32> -> tensor<?x?x36xf32>
  %out = arith.addf %r1, %f : tensor<?x?x36xf32>
  return %out : tensor<?x?x36xf32>
}
