// RUN: tfm-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// tfm.attention
//===----------------------------------------------------------------------===//

// Queries must be rank 4 [B, H, Sq, D].
func.func @attention_query_rank(%q: tensor<2x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{'tfm.attention' op queries must have rank 4, got rank 3 ('tensor<2x5x16xf32>')}}
  %0 = tfm.attention %q, %k, %v : tensor<2x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// Values must be rank 4 as well.
func.func @attention_value_rank(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<8x7x16xf32>) {
  // expected-error @+1 {{values must have rank 4, got rank 3 ('tensor<8x7x16xf32>')}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<8x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// So must the result.
func.func @attention_result_rank(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{result must have rank 4, got rank 3 ('tensor<2x5x64xf32>')}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x5x64xf32>
  return
}

// -----

// Keys must have the element type of the queries.
func.func @attention_key_element_type(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf16>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{keys element type 'f16' does not match queries element type 'f32'}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf16>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// The result must have the element type of the queries.
func.func @attention_result_element_type(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{result element type 'f64' does not match queries element type 'f32'}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf64>
  return
}

// -----

// Batch sizes of queries and keys differ.
func.func @attention_batch_mismatch(%q: tensor<2x4x5x16xf32>, %k: tensor<3x4x7x16xf32>, %v: tensor<3x4x7x16xf32>) {
  // expected-error @+1 {{batch size mismatch: queries dimension 0 is 2 but keys dimension 0 is 3}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<3x4x7x16xf32>, tensor<3x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// Batch sizes of queries and values differ.
func.func @attention_value_batch_mismatch(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<1x4x7x16xf32>) {
  // expected-error @+1 {{batch size mismatch: queries dimension 0 is 2 but values dimension 0 is 1}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<1x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// Grouped-query attention: key/value heads must divide the query heads.
func.func @attention_heads_mismatch(%q: tensor<2x4x5x16xf32>, %k: tensor<2x3x7x16xf32>, %v: tensor<2x3x7x16xf32>) {
  // expected-error @+1 {{key/value head count 3 (keys dimension 1) does not divide query head count 4 (queries dimension 1)}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x3x7x16xf32>, tensor<2x3x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// More key/value heads than query heads.
func.func @attention_more_kv_heads(%q: tensor<2x2x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{key/value head count 4 (keys dimension 1) does not divide query head count 2 (queries dimension 1)}}
  %0 = tfm.attention %q, %k, %v : tensor<2x2x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x2x5x16xf32>
  return
}

// -----

// Keys and values have the same heads, even when both divide the queries'.
func.func @attention_value_heads_mismatch(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x1x7x16xf32>) {
  // expected-error @+1 {{key/value head count mismatch: keys dimension 1 is 4 but values dimension 1 is 1}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x1x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// With a dynamic head count nothing can be grouped: every head count must
// equal the queries' (at run time for the dynamic ones).
func.func @attention_dynamic_kv_heads(%q: tensor<2x4x5x16xf32>, %k: tensor<2x?x7x16xf32>, %v: tensor<2x2x7x16xf32>) {
  // expected-error @+1 {{key/value head count 2 (values dimension 1) must equal query head count 4 (queries dimension 1) when a head count is dynamic (grouped-query attention needs static head counts)}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x?x7x16xf32>, tensor<2x2x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// tfm.attention_weights groups key heads alike.
func.func @attention_weights_heads(%q: tensor<1x6x5x8xf32>, %k: tensor<1x4x5x8xf32>) {
  // expected-error @+1 {{key/value head count 4 (keys dimension 1) does not divide query head count 6 (queries dimension 1)}}
  %0 = tfm.attention_weights %q, %k : tensor<1x6x5x8xf32>, tensor<1x4x5x8xf32> -> tensor<1x6x5x5xf32>
  return
}

// -----

// Query and key head sizes must agree for Q·Kᵀ.
func.func @attention_head_size_mismatch(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x8xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{head size mismatch: queries dimension 3 is 16 but keys dimension 3 is 8}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x8xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// Keys and values must have the same length.
func.func @attention_kv_length_mismatch(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x6x16xf32>) {
  // expected-error @+1 {{key/value length mismatch: keys dimension 2 is 7 but values dimension 2 is 6}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x6x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// The result batch size is the queries'.
func.func @attention_result_batch(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{batch size mismatch: queries dimension 0 is 2 but result dimension 0 is 1}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<1x4x5x16xf32>
  return
}

// -----

// The result head count is the queries'.
func.func @attention_result_heads(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{head count mismatch: queries dimension 1 is 4 but result dimension 1 is 8}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x8x5x16xf32>
  return
}

// -----

// The result has one row per query, not per key.
func.func @attention_result_query_length(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{query length mismatch: queries dimension 2 is 5 but result dimension 2 is 7}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x7x16xf32>
  return
}

// -----

// The result head size is the values' (Dv), not the queries' (D).
func.func @attention_result_value_head_size(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x32xf32>) {
  // expected-error @+1 {{value head size mismatch: values dimension 3 is 32 but result dimension 3 is 16}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x32xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// An infinite scale is rejected.
func.func @attention_scale_inf(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{scale must be finite, got inf}}
  %0 = tfm.attention %q, %k, %v scale(0x7F800000) : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// So is a NaN scale.
func.func @attention_scale_nan(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{scale must be finite, got nan}}
  %0 = tfm.attention %q, %k, %v scale(0x7FC00000) : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// An additive mask must have the element type of the queries.
func.func @attention_mask_element_type(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>, %m: tensor<5x7xf16>) {
  // expected-error @+1 {{mask element type must be i1 or 'f32' (additive), got 'f16'}}
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x7xf16>) : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// Integer masks other than i1 are rejected by the operand's type constraint.
func.func @attention_mask_i8(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>, %m: tensor<5x7xi8>) {
  // expected-error @+1 {{operand #3 must be ranked tensor of 1-bit signless integer or 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<5x7xi8>'}}
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x7xi8>) : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// A mask cannot have more dimensions than [B, H, Sq, Skv].
func.func @attention_mask_rank_too_big(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>, %m: tensor<1x2x4x5x7xi1>) {
  // expected-error @+1 {{mask has rank 5, expected at most 4}}
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<1x2x4x5x7xi1>) : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// A mask dimension that is neither 1 nor the one it lines up with.
func.func @attention_mask_bad_heads_dim(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>, %m: tensor<2x3x5x7xi1>) {
  // expected-error @+1 {{mask dimension 1 is 3, expected 1 or 4 (heads) to broadcast to [2, 4, 5, 7]}}
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x3x5x7xi1>) : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// Trailing alignment: a rank-2 mask is [Sq, Skv], so a [B, Skv] key padding
// mask must be reshaped to [B, 1, 1, Skv] first.
func.func @attention_mask_trailing_alignment(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>, %m: tensor<2x7xi1>) {
  // expected-error @+1 {{mask dimension 0 is 2, expected 1 or 5 (queries) to broadcast to [2, 4, 5, 7]}}
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x7xi1>) : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// The key dimension of a mask must be Skv; dynamic sizes print as '?'.
func.func @attention_mask_bad_keys_dim(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x7x16xf32>, %v: tensor<?x4x7x16xf32>, %m: tensor<?x1x?x6xi1>) {
  // expected-error @+1 {{mask dimension 3 is 6, expected 1 or 7 (keys) to broadcast to [?, 4, ?, 7]}}
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x1x?x6xi1>) : tensor<?x4x?x16xf32>, tensor<?x4x7x16xf32>, tensor<?x4x7x16xf32> -> tensor<?x4x?x16xf32>
  return
}

// -----

// Queries must be floating-point (operand type constraint).
func.func @attention_integer_query(%q: tensor<2x4x5x16xi32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<2x4x5x16xi32>'}}
  %0 = tfm.attention %q, %k, %v : tensor<2x4x5x16xi32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

// -----

// Unranked tensors are not accepted.
func.func @attention_unranked(%q: tensor<*xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = tfm.attention %q, %k, %v : tensor<*xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// tfm.multi_head_attention
//===----------------------------------------------------------------------===//

// -----

// Query must be rank 3 [B, Sq, E].
func.func @mha_query_rank(%q: tensor<2x4x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{'tfm.multi_head_attention' op query must have rank 3, got rank 4 ('tensor<2x4x5x16xf32>')}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x4x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// Key must have the query's element type.
func.func @mha_key_element_type(%q: tensor<2x5x16xf32>, %k: tensor<2x7x16xf16>, %v: tensor<2x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{key element type 'f16' does not match query element type 'f32'}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf16>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// Query and key batch sizes differ.
func.func @mha_batch_mismatch(%q: tensor<2x5x16xf32>, %kv: tensor<3x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{batch size mismatch: query dimension 0 is 2 but key dimension 0 is 3}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<3x7x16xf32>, tensor<3x7x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// Key and value lengths differ.
func.func @mha_kv_length_mismatch(%q: tensor<2x5x16xf32>, %k: tensor<2x7x16xf32>, %v: tensor<2x6x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{key/value length mismatch: key dimension 1 is 7 but value dimension 1 is 6}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x6x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// The result has the query length.
func.func @mha_result_query_length(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{query length mismatch: query dimension 1 is 5 but result dimension 1 is 7}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The result has the query's embedding size.
func.func @mha_result_embedding_size(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{embedding size mismatch: query dimension 2 is 16 but result dimension 2 is 8}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The embedding size E must be static to split heads.
func.func @mha_dynamic_embedding(%q: tensor<2x5x?xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{query embedding size (dimension 2) must be static}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x?xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x?xf32>
  return
}

// -----

// Zero heads.
func.func @mha_zero_heads(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{head count must be positive, got 0}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(0) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// A negative head count.
func.func @mha_negative_heads(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{head count must be positive, got -4}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(-4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// The head count must divide E.
func.func @mha_heads_do_not_divide(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{head count 3 does not divide embedding size 16}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(3) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// A packed in_proj weight is [3E, E].
func.func @mha_packed_weight_shape(%x: tensor<2x5x16xf32>, %w: tensor<16x48xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{packed in_proj weight must have shape [48, 16], got 'tensor<16x48xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(4) in_proj(%w : tensor<16x48xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// A dynamic weight is not exact enough to describe the model.
func.func @mha_packed_weight_dynamic(%x: tensor<2x5x16xf32>, %w: tensor<?x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{packed in_proj weight must have shape [48, 16], got 'tensor<?x16xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(4) in_proj(%w : tensor<?x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// Weights must have the query's element type.
func.func @mha_packed_weight_element_type(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf16>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{packed in_proj weight element type 'f16' does not match query element type 'f32'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(4) in_proj(%w : tensor<48x16xf16>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// A packed weight needs key features Kdim = E.
func.func @mha_packed_weight_kdim(%q: tensor<2x5x16xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{key dimension 2 (embedding size) is 12, expected 16 with a packed in_proj weight}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x12xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// ... and value features Vdim = E.
func.func @mha_packed_weight_vdim(%q: tensor<2x5x16xf32>, %k: tensor<2x7x16xf32>, %v: tensor<2x7x8xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) {
  // expected-error @+1 {{value dimension 2 (embedding size) is 8, expected 16 with a packed in_proj weight}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(4) in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x8xf32> -> tensor<2x5x16xf32>
  return
}

// -----

// The separate query weight is [E, E].
func.func @mha_separate_query_weight(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                     %wq: tensor<8x12xf32>, %wk: tensor<8x12xf32>, %wv: tensor<8x6xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{query in_proj weight must have shape [8, 8], got 'tensor<8x12xf32>'}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(2) in_proj(%wq, %wk, %wv : tensor<8x12xf32>, tensor<8x12xf32>, tensor<8x6xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The separate key weight is [E, Kdim]; here it is transposed.
func.func @mha_separate_key_weight(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                   %wq: tensor<8x8xf32>, %wk: tensor<12x8xf32>, %wv: tensor<8x6xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{key in_proj weight must have shape [8, 12], got 'tensor<12x8xf32>'}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(2) in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<12x8xf32>, tensor<8x6xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The separate key weight must be rank 2.
func.func @mha_separate_key_weight_rank(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                        %wq: tensor<8x8xf32>, %wk: tensor<96xf32>, %wv: tensor<8x6xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{key in_proj weight must have rank 2, got rank 1 ('tensor<96xf32>')}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(2) in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<96xf32>, tensor<8x6xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The separate value weight must be rank 2.
func.func @mha_separate_value_weight_rank(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                          %wq: tensor<8x8xf32>, %wk: tensor<8x12xf32>, %wv: tensor<1x8x6xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{value in_proj weight must have rank 2, got rank 3 ('tensor<1x8x6xf32>')}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(2) in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x12xf32>, tensor<1x8x6xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The separate value weight is [E, Vdim].
func.func @mha_separate_value_weight(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                     %wq: tensor<8x8xf32>, %wk: tensor<8x12xf32>, %wv: tensor<8x12xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{value in_proj weight must have shape [8, 6], got 'tensor<8x12xf32>'}}
  %0 = tfm.multi_head_attention %q, %k, %v heads(2) in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x12xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// Two in_proj weights are neither packed nor separate.
func.func @mha_two_weights(%x: tensor<2x5x8xf32>, %w: tensor<8x8xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{in_proj takes 1 packed weight [3E, E] or 3 separate weights, got 2}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w, %w : tensor<8x8xf32>, tensor<8x8xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// Two in_proj biases are neither packed nor separate.
func.func @mha_two_biases(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %b: tensor<8xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{in_bias takes 1 packed bias [3E] or 3 biases [E], got 2}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) in_bias(%b, %b : tensor<8xf32>, tensor<8xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// A packed bias is [3E].
func.func @mha_packed_bias_shape(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %b: tensor<8xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{packed in_proj bias must have shape [24], got 'tensor<8xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) in_bias(%b : tensor<8xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// Separate biases are [E] each; the error names the offending one.
func.func @mha_separate_bias_shape(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %b: tensor<8xf32>, %bad: tensor<12xf32>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{key in_proj bias must have shape [8], got 'tensor<12xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) in_bias(%b, %bad, %b : tensor<8xf32>, tensor<12xf32>, tensor<8xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// Biases must have the query's element type.
func.func @mha_bias_element_type(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %b: tensor<8xf32>, %bad: tensor<8xf64>, %ow: tensor<8x8xf32>) {
  // expected-error @+1 {{value in_proj bias element type 'f64' does not match query element type 'f32'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) in_bias(%b, %b, %bad : tensor<8xf32>, tensor<8xf32>, tensor<8xf64>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The output projection weight is [E, E].
func.func @mha_out_proj_weight_shape(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x16xf32>) {
  // expected-error @+1 {{out_proj weight must have shape [8, 8], got 'tensor<8x16xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x16xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The output projection bias is [E].
func.func @mha_out_proj_bias_shape(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %ob: tensor<24xf32>) {
  // expected-error @+1 {{out_proj bias must have shape [8], got 'tensor<24xf32>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) out_bias(%ob : tensor<24xf32>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The key padding mask is i1 or additive with the query's element type.
func.func @mha_key_padding_mask_type(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<2x5xf64>) {
  // expected-error @+1 {{key_padding_mask element type must be i1 or 'f32' (additive), got 'f64'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) key_padding_mask(%m : tensor<2x5xf64>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The key padding mask is [B, Skv], not already expanded.
func.func @mha_key_padding_mask_rank(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<2x1x5xi1>) {
  // expected-error @+1 {{key_padding_mask must have rank 2, got rank 3 ('tensor<2x1x5xi1>')}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) key_padding_mask(%m : tensor<2x1x5xi1>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The key padding mask batch size must be B (no broadcasting).
func.func @mha_key_padding_mask_batch(%q: tensor<2x5x8xf32>, %kv: tensor<2x7x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<1x7xi1>) {
  // expected-error @+1 {{batch size mismatch: key_padding_mask dimension 0 is 1 but query dimension 0 is 2}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) key_padding_mask(%m : tensor<1x7xi1>)
      : tensor<2x5x8xf32>, tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The key padding mask has one entry per key, not per query.
func.func @mha_key_padding_mask_length(%q: tensor<2x5x8xf32>, %kv: tensor<2x7x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<2x5xi1>) {
  // expected-error @+1 {{key length mismatch: key_padding_mask dimension 1 is 5 but key dimension 1 is 7}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) key_padding_mask(%m : tensor<2x5xi1>)
      : tensor<2x5x8xf32>, tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The attention mask is i1 or additive with the query's element type.
func.func @mha_attn_mask_type(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<5x5xbf16>) {
  // expected-error @+1 {{attn_mask element type must be i1 or 'f32' (additive), got 'bf16'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) attn_mask(%m : tensor<5x5xbf16>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The attention mask is [Sq, Skv] or [B*heads, Sq, Skv], never rank 4.
func.func @mha_attn_mask_rank4(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<2x2x5x5xi1>) {
  // expected-error @+1 {{attn_mask must have rank 2 [Sq, Skv] or 3 [B*heads, Sq, Skv], got 'tensor<2x2x5x5xi1>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) attn_mask(%m : tensor<2x2x5x5xi1>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// Nor rank 1.
func.func @mha_attn_mask_rank1(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<5xi1>) {
  // expected-error @+1 {{attn_mask must have rank 2 [Sq, Skv] or 3 [B*heads, Sq, Skv], got 'tensor<5xi1>'}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) attn_mask(%m : tensor<5xi1>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// A rank-3 attention mask has B*heads leading rows (here B = 2, heads = 2),
// without broadcasting over the batch.
func.func @mha_attn_mask_rank3_batch_heads(%x: tensor<2x5x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<2x5x5xi1>) {
  // expected-error @+1 {{attn_mask dimension 0 (batch*heads) is 2, expected 4 (batch size times head count)}}
  %0 = tfm.multi_head_attention %x, %x, %x heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) attn_mask(%m : tensor<2x5x5xi1>)
      : tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// A rank-2 attention mask has Sq rows.
func.func @mha_attn_mask_query_length(%q: tensor<2x5x8xf32>, %kv: tensor<2x7x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<7x7xi1>) {
  // expected-error @+1 {{query length mismatch: attn_mask dimension 0 is 7 but query dimension 1 is 5}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) attn_mask(%m : tensor<7x7xi1>)
      : tensor<2x5x8xf32>, tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// A rank-3 attention mask has Skv columns in dimension 2.
func.func @mha_attn_mask_key_length(%q: tensor<2x5x8xf32>, %kv: tensor<2x7x8xf32>, %w: tensor<24x8xf32>, %ow: tensor<8x8xf32>, %m: tensor<4x5x5xf32>) {
  // expected-error @+1 {{key length mismatch: attn_mask dimension 2 is 5 but key dimension 1 is 7}}
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(2) in_proj(%w : tensor<24x8xf32>) out_proj(%ow : tensor<8x8xf32>) attn_mask(%m : tensor<4x5x5xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// Masks
//===----------------------------------------------------------------------===//

// -----

// A causal mask is rank 2.
func.func @causal_mask_rank() {
  // expected-error @+1 {{'tfm.causal_mask' op result must have rank 2 [Sq, Skv], got 'tensor<1x5x5xi1>'}}
  %0 = tfm.causal_mask : tensor<1x5x5xi1>
  return
}

// -----

// One size operand per dynamic dimension: too few.
func.func @causal_mask_too_few_sizes(%s: index) {
  // expected-error @+1 {{expected 2 dynamic size operands for 'tensor<?x?xi1>', got 1}}
  %0 = tfm.causal_mask (%s) : tensor<?x?xi1>
  return
}

// -----

// One size operand per dynamic dimension: too many.
func.func @causal_mask_too_many_sizes(%s: index) {
  // expected-error @+1 {{expected 0 dynamic size operands for 'tensor<5x5xf32>', got 1}}
  %0 = tfm.causal_mask (%s) : tensor<5x5xf32>
  return
}

// -----

// Integer masks other than i1 are rejected by the result type constraint.
func.func @causal_mask_i32() {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer or 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<5x5xi32>'}}
  %0 = tfm.causal_mask : tensor<5x5xi32>
  return
}

// -----

// A padding mask is rank 2 [B, S].
func.func @padding_mask_result_rank(%ids: tensor<2x7xi64>) {
  // expected-error @+1 {{'tfm.padding_mask' op result must have rank 2, got rank 1 ('tensor<14xi1>')}}
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<14xi1>
  return
}

// -----

// A padding mask is i1 (result type constraint).
func.func @padding_mask_result_type(%ids: tensor<2x7xi64>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<2x7xf32>'}}
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<2x7xf32>
  return
}

// -----

// The input is integer (token ids or lengths).
func.func @padding_mask_float_input(%ids: tensor<2x7xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of signless integer or index values, but got 'tensor<2x7xf32>'}}
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xf32> -> tensor<2x7xi1>
  return
}

// -----

// With pad(N), the input is token ids [B, S].
func.func @padding_mask_ids_rank(%len: tensor<2xi64>) {
  // expected-error @+1 {{input must have rank 2, got rank 1 ('tensor<2xi64>')}}
  %0 = tfm.padding_mask %len pad(0) : tensor<2xi64> -> tensor<2x7xi1>
  return
}

// -----

// Ids and mask batch sizes differ.
func.func @padding_mask_ids_batch(%ids: tensor<2x7xi64>) {
  // expected-error @+1 {{batch size mismatch: input dimension 0 is 2 but result dimension 0 is 3}}
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<3x7xi1>
  return
}

// -----

// Ids and mask sequence lengths differ.
func.func @padding_mask_ids_length(%ids: tensor<2x7xi64>) {
  // expected-error @+1 {{sequence length mismatch: input dimension 1 is 7 but result dimension 1 is 8}}
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<2x8xi1>
  return
}

// -----

// seq_len is meaningless with token ids: their shape gives S.
func.func @padding_mask_ids_seq_len(%ids: tensor<2x?xi64>, %s: index) {
  // expected-error @+1 {{seq_len is only used with lengths input, not with token ids and pad}}
  %0 = tfm.padding_mask %ids pad(0) seq_len(%s) : tensor<2x?xi64> -> tensor<2x?xi1>
  return
}

// -----

// Without pad(N), the input is lengths [B].
func.func @padding_mask_lengths_rank(%ids: tensor<2x7xi64>) {
  // expected-error @+1 {{input must have rank 1, got rank 2 ('tensor<2x7xi64>')}}
  %0 = tfm.padding_mask %ids : tensor<2x7xi64> -> tensor<2x7xi1>
  return
}

// -----

// Lengths and mask batch sizes differ.
func.func @padding_mask_lengths_batch(%len: tensor<3xi32>) {
  // expected-error @+1 {{batch size mismatch: input dimension 0 is 3 but result dimension 0 is 2}}
  %0 = tfm.padding_mask %len : tensor<3xi32> -> tensor<2x7xi1>
  return
}

// -----

// A dynamic sequence length needs seq_len.
func.func @padding_mask_lengths_missing_seq_len(%len: tensor<2xi32>) {
  // expected-error @+1 {{seq_len operand is required when the result's sequence length is dynamic}}
  %0 = tfm.padding_mask %len : tensor<2xi32> -> tensor<2x?xi1>
  return
}

// -----

// A static sequence length takes no seq_len.
func.func @padding_mask_lengths_extra_seq_len(%len: tensor<2xi32>, %s: index) {
  // expected-error @+1 {{seq_len operand given but the result's sequence length is static (7)}}
  %0 = tfm.padding_mask %len seq_len(%s) : tensor<2xi32> -> tensor<2x7xi1>
  return
}

//===----------------------------------------------------------------------===//
// Positional encoding and embeddings
//===----------------------------------------------------------------------===//

// -----

// The input is [B, S, E].
func.func @positional_encoding_rank(%x: tensor<7x16xf32>) {
  // expected-error @+1 {{'tfm.positional_encoding' op input must have rank 3, got rank 2 ('tensor<7x16xf32>')}}
  %0 = tfm.positional_encoding sinusoidal %x : tensor<7x16xf32> -> tensor<7x16xf32>
  return
}

// -----

// The result type is the input type.
func.func @positional_encoding_result_type(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{result type 'tensor<2x?x16xf32>' must equal input type 'tensor<2x7x16xf32>'}}
  %0 = tfm.positional_encoding sinusoidal %x : tensor<2x7x16xf32> -> tensor<2x?x16xf32>
  return
}

// -----

// A sinusoidal encoding is computed, not read from a table.
func.func @positional_encoding_sinusoidal_table(%x: tensor<2x7x16xf32>, %t: tensor<32x16xf32>) {
  // expected-error @+1 {{sinusoidal encoding takes no table}}
  %0 = tfm.positional_encoding sinusoidal %x table(%t : tensor<32x16xf32>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// A sinusoidal encoding needs a static E (its frequencies depend on it).
func.func @positional_encoding_sinusoidal_dynamic(%x: tensor<2x7x?xf32>) {
  // expected-error @+1 {{sinusoidal encoding needs a static embedding size}}
  %0 = tfm.positional_encoding sinusoidal %x : tensor<2x7x?xf32> -> tensor<2x7x?xf32>
  return
}

// -----

// A sinusoidal encoding needs an even E (sin/cos pairs).
func.func @positional_encoding_sinusoidal_odd(%x: tensor<2x7x15xf32>) {
  // expected-error @+1 {{sinusoidal encoding needs an even embedding size, got 15}}
  %0 = tfm.positional_encoding sinusoidal %x : tensor<2x7x15xf32> -> tensor<2x7x15xf32>
  return
}

// -----

// A learned encoding needs its table.
func.func @positional_encoding_learned_no_table(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{learned encoding needs a table [maxS, E]}}
  %0 = tfm.positional_encoding learned %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The table is rank 2 [maxS, E].
func.func @positional_encoding_table_rank(%x: tensor<2x7x16xf32>, %t: tensor<1x32x16xf32>) {
  // expected-error @+1 {{table must have rank 2, got rank 3 ('tensor<1x32x16xf32>')}}
  %0 = tfm.positional_encoding learned %x table(%t : tensor<1x32x16xf32>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The table has the input's element type.
func.func @positional_encoding_table_element_type(%x: tensor<2x7x16xf32>, %t: tensor<32x16xf16>) {
  // expected-error @+1 {{table element type 'f16' does not match input element type 'f32'}}
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x16xf16>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The table rows have E entries.
func.func @positional_encoding_table_embedding(%x: tensor<2x7x16xf32>, %t: tensor<32x8xf32>) {
  // expected-error @+1 {{embedding size mismatch: table dimension 1 is 8 but input dimension 2 is 16}}
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x8xf32>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// Without an offset, a static sequence must fit in the table.
func.func @positional_encoding_table_too_short(%x: tensor<2x40x16xf32>, %t: tensor<32x16xf32>) {
  // expected-error @+1 {{sequence length 40 exceeds the table's 32 positions}}
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x16xf32>) : tensor<2x40x16xf32> -> tensor<2x40x16xf32>
  return
}

// -----

// The offset is one position per batch row: rank 1.
func.func @positional_encoding_offset_rank(%x: tensor<2x1x16xf32>, %off: tensor<2x1xi64>) {
  // expected-error @+1 {{offset must have rank 1, got rank 2 ('tensor<2x1xi64>')}}
  %0 = tfm.positional_encoding sinusoidal %x offset(%off : tensor<2x1xi64>) : tensor<2x1x16xf32> -> tensor<2x1x16xf32>
  return
}

// -----

// The offset has B entries.
func.func @positional_encoding_offset_batch(%x: tensor<2x1x16xf32>, %t: tensor<32x16xf32>, %off: tensor<3xi64>) {
  // expected-error @+1 {{batch size mismatch: offset dimension 0 is 3 but input dimension 0 is 2}}
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x16xf32>) offset(%off : tensor<3xi64>) : tensor<2x1x16xf32> -> tensor<2x1x16xf32>
  return
}

// -----

// The offset is integer (operand type constraint).
func.func @positional_encoding_offset_float(%x: tensor<2x1x16xf32>, %off: tensor<2xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of signless integer or index values, but got 'tensor<2xf32>'}}
  %0 = tfm.positional_encoding sinusoidal %x offset(%off : tensor<2xf32>) : tensor<2x1x16xf32> -> tensor<2x1x16xf32>
  return
}

// -----

// An unknown encoding kind does not parse.
func.func @positional_encoding_bad_kind(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [sinusoidal, learned]}}
  %0 = tfm.positional_encoding rotary %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The embedding table is [V, E].
func.func @embedding_table_rank(%ids: tensor<2x7xi64>, %t: tensor<1600xf32>) {
  // expected-error @+1 {{'tfm.embedding' op table must have rank 2, got rank 1 ('tensor<1600xf32>')}}
  %0 = tfm.embedding %ids, %t : tensor<2x7xi64>, tensor<1600xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The result appends E to the ids shape.
func.func @embedding_result_rank(%ids: tensor<2x7xi64>, %t: tensor<100x16xf32>) {
  // expected-error @+1 {{result must have rank 3, got rank 2 ('tensor<14x16xf32>')}}
  %0 = tfm.embedding %ids, %t : tensor<2x7xi64>, tensor<100x16xf32> -> tensor<14x16xf32>
  return
}

// -----

// The result has the table's element type.
func.func @embedding_element_type(%ids: tensor<2x7xi64>, %t: tensor<100x16xf32>) {
  // expected-error @+1 {{result element type 'f16' does not match table element type 'f32'}}
  %0 = tfm.embedding %ids, %t : tensor<2x7xi64>, tensor<100x16xf32> -> tensor<2x7x16xf16>
  return
}

// -----

// The leading result dimensions are the ids'.
func.func @embedding_ids_dim(%ids: tensor<2x7xi64>, %t: tensor<100x16xf32>) {
  // expected-error @+1 {{ids dimension mismatch: ids dimension 1 is 7 but result dimension 1 is 8}}
  %0 = tfm.embedding %ids, %t : tensor<2x7xi64>, tensor<100x16xf32> -> tensor<2x8x16xf32>
  return
}

// -----

// The last result dimension is the table's E.
func.func @embedding_size(%ids: tensor<7xi32>, %t: tensor<100x16xf32>) {
  // expected-error @+1 {{embedding size mismatch: table dimension 1 is 16 but result dimension 1 is 100}}
  %0 = tfm.embedding %ids, %t : tensor<7xi32>, tensor<100x16xf32> -> tensor<7x100xf32>
  return
}

// -----

// Ids are integers (operand type constraint).
func.func @embedding_float_ids(%ids: tensor<7xf32>, %t: tensor<100x16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of signless integer or index values, but got 'tensor<7xf32>'}}
  %0 = tfm.embedding %ids, %t : tensor<7xf32>, tensor<100x16xf32> -> tensor<7x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// Normalization, projections, activations
//===----------------------------------------------------------------------===//

// -----

// Softmax keeps the input type.
func.func @softmax_result_type(%x: tensor<2x7xf32>) {
  // expected-error @+1 {{'tfm.softmax' op result type 'tensor<2x7xf16>' must equal input type 'tensor<2x7xf32>'}}
  %0 = tfm.softmax %x axis(1) : tensor<2x7xf32> -> tensor<2x7xf16>
  return
}

// -----

// Softmax of a scalar has no axis.
func.func @softmax_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{input must have rank at least 1}}
  %0 = tfm.softmax %x axis(0) : tensor<f32> -> tensor<f32>
  return
}

// -----

// Axis past the last dimension.
func.func @softmax_axis_too_big(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{axis 3 is out of range for rank 3 (expected -3 to 2)}}
  %0 = tfm.softmax %x axis(3) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// Negative axis before the first dimension.
func.func @softmax_axis_too_negative(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{axis -4 is out of range for rank 3 (expected -3 to 2)}}
  %0 = tfm.softmax %x axis(-4) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// Layer norm of a scalar has nothing to normalize over.
func.func @layer_norm_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{'tfm.layer_norm' op input must have rank at least 1, got 'tensor<f32>'}}
  %0 = tfm.layer_norm %x : tensor<f32> -> tensor<f32>
  return
}

// -----

// Layer norm keeps the input type.
func.func @layer_norm_result_type(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{result type 'tensor<2x7x8xf32>' must equal input type 'tensor<2x7x16xf32>'}}
  %0 = tfm.layer_norm %x : tensor<2x7x16xf32> -> tensor<2x7x8xf32>
  return
}

// -----

// The weight is [N], one value per normalized feature.
func.func @layer_norm_weight_rank(%x: tensor<2x7x16xf32>, %w: tensor<7x16xf32>) {
  // expected-error @+1 {{weight must have rank 1, got rank 2 ('tensor<7x16xf32>')}}
  %0 = tfm.layer_norm %x weight(%w : tensor<7x16xf32>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The weight has the input's element type.
func.func @layer_norm_weight_element_type(%x: tensor<2x7x16xf32>, %w: tensor<16xf16>) {
  // expected-error @+1 {{weight element type 'f16' does not match input element type 'f32'}}
  %0 = tfm.layer_norm %x weight(%w : tensor<16xf16>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// The weight size is N, the last input dimension.
func.func @layer_norm_weight_size(%x: tensor<2x7x16xf32>, %w: tensor<7xf32>) {
  // expected-error @+1 {{normalized size mismatch: weight dimension 0 is 7 but input dimension 2 is 16}}
  %0 = tfm.layer_norm %x weight(%w : tensor<7xf32>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// So is the bias size.
func.func @layer_norm_bias_size(%x: tensor<2x7x16xf32>, %w: tensor<16xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{normalized size mismatch: bias dimension 0 is 8 but input dimension 2 is 16}}
  %0 = tfm.layer_norm %x weight(%w : tensor<16xf32>) bias(%b : tensor<8xf32>) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// Epsilon zero would divide by zero on constant rows.
func.func @layer_norm_epsilon_zero(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{epsilon must be positive and finite, got 0}}
  %0 = tfm.layer_norm %x {epsilon = 0.0 : f32} : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// Negative epsilon.
func.func @layer_norm_epsilon_negative(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{epsilon must be positive and finite, got -0.5}}
  %0 = tfm.layer_norm %x {epsilon = -0.5 : f32} : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// Infinite epsilon.
func.func @layer_norm_epsilon_inf(%x: tensor<2x7x16xf32>) {
  // expected-error @+1 {{epsilon must be positive and finite, got inf}}
  %0 = tfm.layer_norm %x {epsilon = 0x7F800000 : f32} : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

// Linear of a scalar.
func.func @linear_rank0(%x: tensor<f32>, %w: tensor<8x1xf32>) {
  // expected-error @+1 {{'tfm.linear' op input must have rank at least 1, got 'tensor<f32>'}}
  %0 = tfm.linear %x, %w : tensor<f32>, tensor<8x1xf32> -> tensor<8xf32>
  return
}

// -----

// The weight is [out, in].
func.func @linear_weight_rank(%x: tensor<7x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{weight must have rank 2, got rank 1 ('tensor<16xf32>')}}
  %0 = tfm.linear %x, %w : tensor<7x16xf32>, tensor<16xf32> -> tensor<7x1xf32>
  return
}

// -----

// The result keeps the input rank.
func.func @linear_result_rank(%x: tensor<2x7x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{result must have rank 3, got rank 2 ('tensor<14x8xf32>')}}
  %0 = tfm.linear %x, %w : tensor<2x7x16xf32>, tensor<8x16xf32> -> tensor<14x8xf32>
  return
}

// -----

// The weight has the input's element type.
func.func @linear_weight_element_type(%x: tensor<7x16xf32>, %w: tensor<8x16xbf16>) {
  // expected-error @+1 {{weight element type 'bf16' does not match input element type 'f32'}}
  %0 = tfm.linear %x, %w : tensor<7x16xf32>, tensor<8x16xbf16> -> tensor<7x8xf32>
  return
}

// -----

// So does the result.
func.func @linear_result_element_type(%x: tensor<7x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{result element type 'f64' does not match input element type 'f32'}}
  %0 = tfm.linear %x, %w : tensor<7x16xf32>, tensor<8x16xf32> -> tensor<7x8xf64>
  return
}

// -----

// A weight in [in, out] layout: its in-features do not match.
func.func @linear_input_features(%x: tensor<2x7x16xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+1 {{input features mismatch: input dimension 2 is 16 but weight dimension 1 is 8}}
  %0 = tfm.linear %x, %w : tensor<2x7x16xf32>, tensor<16x8xf32> -> tensor<2x7x8xf32>
  return
}

// -----

// The result's last dimension is the weight's out-features.
func.func @linear_output_features(%x: tensor<2x7x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{output features mismatch: result dimension 2 is 4 but weight dimension 0 is 8}}
  %0 = tfm.linear %x, %w : tensor<2x7x16xf32>, tensor<8x16xf32> -> tensor<2x7x4xf32>
  return
}

// -----

// Leading dimensions pass through unchanged.
func.func @linear_leading_dim(%x: tensor<2x7x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{leading dimension mismatch: input dimension 1 is 7 but result dimension 1 is 5}}
  %0 = tfm.linear %x, %w : tensor<2x7x16xf32>, tensor<8x16xf32> -> tensor<2x5x8xf32>
  return
}

// -----

// The bias is [out].
func.func @linear_bias_rank(%x: tensor<7x16xf32>, %w: tensor<8x16xf32>, %b: tensor<7x8xf32>) {
  // expected-error @+1 {{bias must have rank 1, got rank 2 ('tensor<7x8xf32>')}}
  %0 = tfm.linear %x, %w bias(%b : tensor<7x8xf32>) : tensor<7x16xf32>, tensor<8x16xf32> -> tensor<7x8xf32>
  return
}

// -----

// The bias has the input's element type.
func.func @linear_bias_element_type(%x: tensor<7x16xf32>, %w: tensor<8x16xf32>, %b: tensor<8xf16>) {
  // expected-error @+1 {{bias element type 'f16' does not match input element type 'f32'}}
  %0 = tfm.linear %x, %w bias(%b : tensor<8xf16>) : tensor<7x16xf32>, tensor<8x16xf32> -> tensor<7x8xf32>
  return
}

// -----

// The bias has one value per output feature.
func.func @linear_bias_size(%x: tensor<7x16xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{output features mismatch: bias dimension 0 is 16 but weight dimension 0 is 8}}
  %0 = tfm.linear %x, %w bias(%b : tensor<16xf32>) : tensor<7x16xf32>, tensor<8x16xf32> -> tensor<7x8xf32>
  return
}

// -----

// Activations keep their operand type (generic form, as the custom form
// cannot spell a different result type).
func.func @relu_result_type(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'tfm.relu' op requires the same type for all operands and results}}
  %0 = "tfm.relu"(%x) : (tensor<2x16xf32>) -> tensor<2x16xf16>
  return
}

// -----

// Same for gelu.
func.func @gelu_result_type(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'tfm.gelu' op requires the same type for all operands and results}}
  %0 = "tfm.gelu"(%x) : (tensor<2x16xf32>) -> tensor<2x16xf64>
  return
}

// -----

// An unknown gelu approximation does not parse.
func.func @gelu_bad_approximation(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'approximate' [none, tanh]}}
  %0 = tfm.gelu %x approximate(sigmoid) : tensor<2x16xf32>
  return
}

// -----

func.func @attention_weights_key_length(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>) -> tensor<1x2x4x5xf32> {
  // expected-error @+1 {{key length mismatch: keys dimension 2 is 6 but result dimension 3 is 5}}
  %0 = tfm.attention_weights %q, %k : tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32> -> tensor<1x2x4x5xf32>
  return %0 : tensor<1x2x4x5xf32>
}

// -----

func.func @attention_weights_result_rank(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>) -> tensor<2x4x6xf32> {
  // expected-error @+1 {{result must have rank 4, got rank 3}}
  %0 = tfm.attention_weights %q, %k : tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32> -> tensor<2x4x6xf32>
  return %0 : tensor<2x4x6xf32>
}

// -----

func.func @attention_weights_head_size(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x4xf32>) -> tensor<1x2x4x6xf32> {
  // expected-error @+1 {{head size mismatch: queries dimension 3 is 8 but keys dimension 3 is 4}}
  %0 = tfm.attention_weights %q, %k : tensor<1x2x4x8xf32>, tensor<1x2x6x4xf32> -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}
