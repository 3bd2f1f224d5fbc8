// RUN: tfm-opt %s -split-input-file -verify-diagnostics

// tfm.multi_head_attention with kv_heads: the count and the projection
// shapes it implies. (tfm.attention's grouping errors are in invalid.mlir.)

func.func @mha_kv_heads_zero(%x: tensor<2x5x64xf32>, %w: tensor<192x64xf32>, %ow: tensor<64x64xf32>) {
  // expected-error @+1 {{key/value head count must be positive, got 0}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(8) kv_heads(0) in_proj(%w : tensor<192x64xf32>) out_proj(%ow : tensor<64x64xf32>)
      : tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return
}

// -----

func.func @mha_kv_heads_not_dividing(%x: tensor<2x5x64xf32>, %w: tensor<112x64xf32>, %ow: tensor<64x64xf32>) {
  // expected-error @+1 {{key/value head count 3 does not divide head count 8}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(8) kv_heads(3) in_proj(%w : tensor<112x64xf32>) out_proj(%ow : tensor<64x64xf32>)
      : tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return
}

// -----

// The packed weight has (H + 2*Hkv)*D = (8 + 4)*8 = 96 rows, not 3E.
func.func @mha_kv_heads_packed_shape(%x: tensor<2x5x64xf32>, %w: tensor<192x64xf32>, %ow: tensor<64x64xf32>) {
  // expected-error @+1 {{packed in_proj weight must have shape [96, 64], got 'tensor<192x64xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(8) kv_heads(2) in_proj(%w : tensor<192x64xf32>) out_proj(%ow : tensor<64x64xf32>)
      : tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return
}

// -----

func.func @mha_kv_heads_packed_bias(%x: tensor<2x5x64xf32>, %w: tensor<96x64xf32>, %b: tensor<192xf32>, %ow: tensor<64x64xf32>) {
  // expected-error @+1 {{packed in_proj bias must have shape [96], got 'tensor<192xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(8) kv_heads(2) in_proj(%w : tensor<96x64xf32>) in_bias(%b : tensor<192xf32>) out_proj(%ow : tensor<64x64xf32>)
      : tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return
}

// -----

// A separate key weight has Hkv*D = 8 rows.
func.func @mha_kv_heads_key_weight(%q: tensor<2x5x32xf32>, %k: tensor<2x7x20xf32>, %v: tensor<2x7x12xf32>,
                                   %wq: tensor<32x32xf32>, %wk: tensor<32x20xf32>, %wv: tensor<8x12xf32>,
                                   %ow: tensor<32x32xf32>) {
  // expected-error @+1 {{key in_proj weight must have shape [8, 20], got 'tensor<32x20xf32>'}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(4) kv_heads(1)
      in_proj(%wq, %wk, %wv : tensor<32x32xf32>, tensor<32x20xf32>, tensor<8x12xf32>) out_proj(%ow : tensor<32x32xf32>)
      : tensor<2x5x32xf32>, tensor<2x7x20xf32>, tensor<2x7x12xf32> -> tensor<2x5x32xf32>
  return
}

// -----

func.func @mha_kv_heads_value_bias(%q: tensor<2x5x32xf32>, %k: tensor<2x7x20xf32>, %v: tensor<2x7x12xf32>,
                                   %wq: tensor<32x32xf32>, %wk: tensor<8x20xf32>, %wv: tensor<8x12xf32>,
                                   %bq: tensor<32xf32>, %bk: tensor<8xf32>, %bv: tensor<32xf32>,
                                   %ow: tensor<32x32xf32>) {
  // expected-error @+1 {{value in_proj bias must have shape [8], got 'tensor<32xf32>'}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(4) kv_heads(1)
      in_proj(%wq, %wk, %wv : tensor<32x32xf32>, tensor<8x20xf32>, tensor<8x12xf32>)
      in_bias(%bq, %bk, %bv : tensor<32xf32>, tensor<8xf32>, tensor<32xf32>) out_proj(%ow : tensor<32x32xf32>)
      : tensor<2x5x32xf32>, tensor<2x7x20xf32>, tensor<2x7x12xf32> -> tensor<2x5x32xf32>
  return
}

// -----

func.func @mha_kv_heads_two_biases(%x: tensor<2x5x64xf32>, %w: tensor<96x64xf32>, %b: tensor<64xf32>, %ow: tensor<64x64xf32>) {
  // expected-error @+1 {{in_bias takes 1 packed bias [(H + 2*Hkv)*D] or 3 biases [E], [Hkv*D], [Hkv*D], got 2}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(8) kv_heads(2) in_proj(%w : tensor<96x64xf32>) in_bias(%b, %b : tensor<64xf32>, tensor<64xf32>) out_proj(%ow : tensor<64x64xf32>)
      : tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return
}

// -----

// A per-batch-and-head attn_mask counts query heads.
func.func @mha_kv_heads_attn_mask(%x: tensor<2x5x64xf32>, %w: tensor<96x64xf32>, %ow: tensor<64x64xf32>, %m: tensor<4x5x5xi1>) {
  // expected-error @+1 {{attn_mask dimension 0 (batch*heads) is 4, expected 16 (batch size times head count)}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(8) kv_heads(2) in_proj(%w : tensor<96x64xf32>) out_proj(%ow : tensor<64x64xf32>) attn_mask(%m : tensor<4x5x5xi1>)
      : tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return
}

// -----

// Caches are checked against the step's key/value heads, whatever the
// queries have.
func.func @cache_heads(%pk: tensor<?x?x2x64xf32>, %nk: tensor<?x8x1x64xf32>) {
  // expected-error @+1 {{head count mismatch: cache dimension 2 is 2 but step dimension 1 is 8}}
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x2x64xf32>, tensor<?x8x1x64xf32> -> tensor<?x8x?x64xf32>
  return
}
