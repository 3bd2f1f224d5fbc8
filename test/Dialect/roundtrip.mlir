// RUN: tfm-opt %s | tfm-opt | FileCheck %s
// RUN: tfm-opt %s --mlir-print-op-generic | tfm-opt | FileCheck %s

//===----------------------------------------------------------------------===//
// tfm.attention
//===----------------------------------------------------------------------===//

// No mask, no scale, not causal: none of the optional parts is printed.
// CHECK-LABEL: func.func @attention_plain
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x4x5x16xf32>, %[[K:.+]]: tensor<2x4x7x16xf32>, %[[V:.+]]: tensor<2x4x7x16xf32>)
// CHECK:         %[[R:.+]] = tfm.attention %[[Q]], %[[K]], %[[V]] :
// CHECK-SAME:      tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
// CHECK-NEXT:    return %[[R]]
func.func @attention_plain(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                           %v: tensor<2x4x7x16xf32>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// A full-rank i1 mask [B, H, Sq, Skv].
// CHECK-LABEL: func.func @attention_mask_i1_rank4
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%{{[^ ]+}} : tensor<2x4x5x7xi1>) :
func.func @attention_mask_i1_rank4(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                   %v: tensor<2x4x7x16xf32>, %m: tensor<2x4x5x7xi1>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x4x5x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// A rank-4 i1 mask broadcasting over heads and queries (key padding).
// CHECK-LABEL: func.func @attention_mask_i1_rank4_broadcast
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<2x1x1x7xi1>) :
func.func @attention_mask_i1_rank4_broadcast(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                             %v: tensor<2x4x7x16xf32>, %m: tensor<2x1x1x7xi1>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x1x1x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// A rank-3 i1 mask lines up with [H, Sq, Skv] and broadcasts over heads.
// CHECK-LABEL: func.func @attention_mask_i1_rank3
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<1x5x7xi1>) :
func.func @attention_mask_i1_rank3(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                   %v: tensor<2x4x7x16xf32>, %m: tensor<1x5x7xi1>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<1x5x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// A rank-2 i1 mask [Sq, Skv] shared by every batch row and head.
// CHECK-LABEL: func.func @attention_mask_i1_rank2
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<5x7xi1>) :
func.func @attention_mask_i1_rank2(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                   %v: tensor<2x4x7x16xf32>, %m: tensor<5x7xi1>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// A rank-2 mask that broadcasts over queries too.
// CHECK-LABEL: func.func @attention_mask_i1_rank2_broadcast
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<1x7xi1>) :
func.func @attention_mask_i1_rank2_broadcast(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                             %v: tensor<2x4x7x16xf32>, %m: tensor<1x7xi1>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<1x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// An additive mask with the element type of the queries.
// CHECK-LABEL: func.func @attention_mask_additive
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<2x1x5x7xf32>) :
func.func @attention_mask_additive(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                   %v: tensor<2x4x7x16xf32>, %m: tensor<2x1x5x7xf32>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x1x5x7xf32>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// An explicit scale.
// CHECK-LABEL: func.func @attention_scale
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} scale(1.250000e-01) :
func.func @attention_scale(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                           %v: tensor<2x4x7x16xf32>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v scale(0.125)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// The causal flag alone.
// CHECK-LABEL: func.func @attention_causal
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} causal :
func.func @attention_causal(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                            %v: tensor<2x4x7x16xf32>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v causal
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// Mask, scale and causal together keep their order.
// CHECK-LABEL: func.func @attention_all_optional
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%{{[^ ]+}} : tensor<2x1x1x7xi1>) scale(5.000000e-01) causal :
func.func @attention_all_optional(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                  %v: tensor<2x4x7x16xf32>, %m: tensor<2x1x1x7xi1>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x1x1x7xi1>) scale(0.5) causal
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// Dynamic batch and sequence lengths, with a dynamic mask.
// CHECK-LABEL: func.func @attention_dynamic
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<?x1x?x?xi1>) causal :
// CHECK-SAME:      tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
func.func @attention_dynamic(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>,
                             %v: tensor<?x4x?x16xf32>, %m: tensor<?x1x?x?xi1>) -> tensor<?x4x?x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>) causal
      : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %0 : tensor<?x4x?x16xf32>
}

// The value head size Dv differs from the query/key head size D.
// CHECK-LABEL: func.func @attention_value_head_size
// CHECK:         tfm.attention
// CHECK-SAME:      tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x32xf32> -> tensor<2x4x5x32xf32>
func.func @attention_value_head_size(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                     %v: tensor<2x4x7x32xf32>) -> tensor<2x4x5x32xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x32xf32> -> tensor<2x4x5x32xf32>
  return %0 : tensor<2x4x5x32xf32>
}

// f16 with an additive f16 mask.
// CHECK-LABEL: func.func @attention_f16
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<5x7xf16>) :
// CHECK-SAME:      tensor<1x2x5x8xf16>, tensor<1x2x7x8xf16>, tensor<1x2x7x8xf16> -> tensor<1x2x5x8xf16>
func.func @attention_f16(%q: tensor<1x2x5x8xf16>, %k: tensor<1x2x7x8xf16>,
                         %v: tensor<1x2x7x8xf16>, %m: tensor<5x7xf16>) -> tensor<1x2x5x8xf16> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x7xf16>)
      : tensor<1x2x5x8xf16>, tensor<1x2x7x8xf16>, tensor<1x2x7x8xf16> -> tensor<1x2x5x8xf16>
  return %0 : tensor<1x2x5x8xf16>
}

// f64 with a scale (the scale attribute stays f32).
// CHECK-LABEL: func.func @attention_f64
// CHECK:         tfm.attention {{.+}} scale(2.500000e-01) causal :
// CHECK-SAME:      tensor<1x2x5x8xf64>, tensor<1x2x5x8xf64>, tensor<1x2x5x8xf64> -> tensor<1x2x5x8xf64>
func.func @attention_f64(%q: tensor<1x2x5x8xf64>, %k: tensor<1x2x5x8xf64>,
                         %v: tensor<1x2x5x8xf64>) -> tensor<1x2x5x8xf64> {
  %0 = tfm.attention %q, %k, %v scale(0.25) causal
      : tensor<1x2x5x8xf64>, tensor<1x2x5x8xf64>, tensor<1x2x5x8xf64> -> tensor<1x2x5x8xf64>
  return %0 : tensor<1x2x5x8xf64>
}

// bf16 is accepted as well.
// CHECK-LABEL: func.func @attention_bf16
// CHECK:         tfm.attention {{.+}} -> tensor<1x2x5x8xbf16>
func.func @attention_bf16(%q: tensor<1x2x5x8xbf16>, %k: tensor<1x2x5x8xbf16>,
                          %v: tensor<1x2x5x8xbf16>) -> tensor<1x2x5x8xbf16> {
  %0 = tfm.attention %q, %k, %v
      : tensor<1x2x5x8xbf16>, tensor<1x2x5x8xbf16>, tensor<1x2x5x8xbf16> -> tensor<1x2x5x8xbf16>
  return %0 : tensor<1x2x5x8xbf16>
}

//===----------------------------------------------------------------------===//
// tfm.multi_head_attention
//===----------------------------------------------------------------------===//

// Packed in_proj weight and bias, out_proj bias: the encoder-layer form.
// CHECK-LABEL: func.func @mha_packed
// CHECK-SAME:    (%[[X:.+]]: tensor<2x7x64xf32>, %[[W:.+]]: tensor<192x64xf32>, %[[B:.+]]: tensor<192xf32>, %[[OW:.+]]: tensor<64x64xf32>, %[[OB:.+]]: tensor<64xf32>)
// CHECK:         tfm.multi_head_attention %[[X]], %[[X]], %[[X]] heads(4)
// CHECK-SAME:      in_proj(%[[W]] : tensor<192x64xf32>) in_bias(%[[B]] : tensor<192xf32>)
// CHECK-SAME:      out_proj(%[[OW]] : tensor<64x64xf32>) out_bias(%[[OB]] : tensor<64xf32>) :
// CHECK-SAME:      tensor<2x7x64xf32>, tensor<2x7x64xf32>, tensor<2x7x64xf32> -> tensor<2x7x64xf32>
func.func @mha_packed(%x: tensor<2x7x64xf32>, %w: tensor<192x64xf32>, %b: tensor<192xf32>,
                      %ow: tensor<64x64xf32>, %ob: tensor<64xf32>) -> tensor<2x7x64xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<192x64xf32>) in_bias(%b : tensor<192xf32>)
      out_proj(%ow : tensor<64x64xf32>) out_bias(%ob : tensor<64xf32>)
      : tensor<2x7x64xf32>, tensor<2x7x64xf32>, tensor<2x7x64xf32> -> tensor<2x7x64xf32>
  return %0 : tensor<2x7x64xf32>
}

// Packed weight without any bias: neither in_bias nor out_bias is printed.
// CHECK-LABEL: func.func @mha_packed_no_bias
// CHECK:         tfm.multi_head_attention {{.+}} heads(4) in_proj(%{{[^ ]+}} : tensor<192x64xf32>) out_proj(%{{[^ ]+}} : tensor<64x64xf32>) :
func.func @mha_packed_no_bias(%x: tensor<2x7x64xf32>, %w: tensor<192x64xf32>,
                              %ow: tensor<64x64xf32>) -> tensor<2x7x64xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<192x64xf32>) out_proj(%ow : tensor<64x64xf32>)
      : tensor<2x7x64xf32>, tensor<2x7x64xf32>, tensor<2x7x64xf32> -> tensor<2x7x64xf32>
  return %0 : tensor<2x7x64xf32>
}

// Separate weights with kdim and vdim different from E, three biases.
// CHECK-LABEL: func.func @mha_separate_kdim_vdim
// CHECK:         tfm.multi_head_attention {{.+}} heads(2)
// CHECK-SAME:      in_proj(%{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x6xf32>)
// CHECK-SAME:      in_bias(%{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
// CHECK-SAME:      out_proj(%{{[^ ]+}} : tensor<8x8xf32>) :
// CHECK-SAME:      tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
func.func @mha_separate_kdim_vdim(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                  %wq: tensor<8x8xf32>, %wk: tensor<8x12xf32>, %wv: tensor<8x6xf32>,
                                  %bq: tensor<8xf32>, %bk: tensor<8xf32>, %bv: tensor<8xf32>,
                                  %ow: tensor<8x8xf32>) -> tensor<2x5x8xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(2)
      in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x6xf32>)
      in_bias(%bq, %bk, %bv : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// Separate weights without biases.
// CHECK-LABEL: func.func @mha_separate_no_bias
// CHECK:         tfm.multi_head_attention {{.+}} in_proj(%{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) out_proj(
func.func @mha_separate_no_bias(%q: tensor<2x5x8xf32>, %k: tensor<2x7x8xf32>, %v: tensor<2x7x8xf32>,
                                %wq: tensor<8x8xf32>, %wk: tensor<8x8xf32>, %wv: tensor<8x8xf32>,
                                %ow: tensor<8x8xf32>) -> tensor<2x5x8xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(2)
      in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>)
      out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// Separate weights with one packed bias [3E].
// CHECK-LABEL: func.func @mha_separate_weights_packed_bias
// CHECK:         in_proj(%{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x6xf32>) in_bias(%{{[^ ]+}} : tensor<24xf32>) out_proj(%{{[^ ]+}} : tensor<8x8xf32>) out_bias(%{{[^ ]+}} : tensor<8xf32>) :
func.func @mha_separate_weights_packed_bias(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                            %wq: tensor<8x8xf32>, %wk: tensor<8x12xf32>, %wv: tensor<8x6xf32>,
                                            %b: tensor<24xf32>, %ow: tensor<8x8xf32>, %ob: tensor<8xf32>) -> tensor<2x5x8xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(2)
      in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x6xf32>)
      in_bias(%b : tensor<24xf32>)
      out_proj(%ow : tensor<8x8xf32>) out_bias(%ob : tensor<8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// An i1 key padding mask [B, Skv].
// CHECK-LABEL: func.func @mha_key_padding_mask
// CHECK:         out_proj(%{{[^ ]+}} : tensor<16x16xf32>) key_padding_mask(%{{[^ ]+}} : tensor<2x7xi1>) :
func.func @mha_key_padding_mask(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                                %ow: tensor<16x16xf32>, %m: tensor<2x7xi1>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%m : tensor<2x7xi1>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// A rank-2 additive attention mask [Sq, Skv].
// CHECK-LABEL: func.func @mha_attn_mask_rank2
// CHECK:         out_proj(%{{[^ ]+}} : tensor<16x16xf32>) attn_mask(%{{[^ ]+}} : tensor<5x7xf32>) :
func.func @mha_attn_mask_rank2(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                               %ow: tensor<16x16xf32>, %m: tensor<5x7xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      attn_mask(%m : tensor<5x7xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// A rank-3 i1 attention mask [B*heads, Sq, Skv].
// CHECK-LABEL: func.func @mha_attn_mask_rank3
// CHECK:         attn_mask(%{{[^ ]+}} : tensor<8x5x7xi1>) :
func.func @mha_attn_mask_rank3(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                               %ow: tensor<16x16xf32>, %m: tensor<8x5x7xi1>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      attn_mask(%m : tensor<8x5x7xi1>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// Both masks and the causal flag, in that order.
// CHECK-LABEL: func.func @mha_both_masks_causal
// CHECK:         key_padding_mask(%{{[^ ]+}} : tensor<2x7xi1>) attn_mask(%{{[^ ]+}} : tensor<5x7xi1>) causal :
func.func @mha_both_masks_causal(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                                 %ow: tensor<16x16xf32>, %kpm: tensor<2x7xi1>,
                                 %am: tensor<5x7xi1>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%kpm : tensor<2x7xi1>) attn_mask(%am : tensor<5x7xi1>) causal
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// The causal flag alone.
// CHECK-LABEL: func.func @mha_causal
// CHECK:         out_proj(%{{[^ ]+}} : tensor<16x16xf32>) causal :
func.func @mha_causal(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>,
                      %ow: tensor<16x16xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>) causal
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// Three heads of size 5 (E = 15).
// CHECK-LABEL: func.func @mha_three_heads
// CHECK:         tfm.multi_head_attention {{.+}} heads(3) in_proj(%{{[^ ]+}} : tensor<45x15xf32>)
func.func @mha_three_heads(%x: tensor<2x5x15xf32>, %w: tensor<45x15xf32>,
                           %ow: tensor<15x15xf32>) -> tensor<2x5x15xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(3)
      in_proj(%w : tensor<45x15xf32>) out_proj(%ow : tensor<15x15xf32>)
      : tensor<2x5x15xf32>, tensor<2x5x15xf32>, tensor<2x5x15xf32> -> tensor<2x5x15xf32>
  return %0 : tensor<2x5x15xf32>
}

// Five heads of size 3 (E = 15).
// CHECK-LABEL: func.func @mha_five_heads
// CHECK:         tfm.multi_head_attention {{.+}} heads(5) in_proj(%{{[^ ]+}} : tensor<45x15xf32>)
func.func @mha_five_heads(%x: tensor<2x5x15xf32>, %w: tensor<45x15xf32>,
                          %ow: tensor<15x15xf32>) -> tensor<2x5x15xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(5)
      in_proj(%w : tensor<45x15xf32>) out_proj(%ow : tensor<15x15xf32>)
      : tensor<2x5x15xf32>, tensor<2x5x15xf32>, tensor<2x5x15xf32> -> tensor<2x5x15xf32>
  return %0 : tensor<2x5x15xf32>
}

// Three heads of size 32 (E = 96).
// CHECK-LABEL: func.func @mha_e96_three_heads
// CHECK:         tfm.multi_head_attention {{.+}} heads(3) in_proj(%{{[^ ]+}} : tensor<288x96xf32>)
func.func @mha_e96_three_heads(%x: tensor<1x4x96xf32>, %w: tensor<288x96xf32>,
                               %ow: tensor<96x96xf32>) -> tensor<1x4x96xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(3)
      in_proj(%w : tensor<288x96xf32>) out_proj(%ow : tensor<96x96xf32>)
      : tensor<1x4x96xf32>, tensor<1x4x96xf32>, tensor<1x4x96xf32> -> tensor<1x4x96xf32>
  return %0 : tensor<1x4x96xf32>
}

// Dynamic batch and lengths with dynamic masks (E stays static).
// CHECK-LABEL: func.func @mha_dynamic
// CHECK:         key_padding_mask(%{{[^ ]+}} : tensor<?x?xi1>) attn_mask(%{{[^ ]+}} : tensor<?x?x?xi1>) :
// CHECK-SAME:      tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>
func.func @mha_dynamic(%q: tensor<?x?x16xf32>, %kv: tensor<?x?x16xf32>, %w: tensor<48x16xf32>,
                       %ow: tensor<16x16xf32>, %kpm: tensor<?x?xi1>,
                       %am: tensor<?x?x?xi1>) -> tensor<?x?x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%kpm : tensor<?x?xi1>) attn_mask(%am : tensor<?x?x?xi1>)
      : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

//===----------------------------------------------------------------------===//
// Masks
//===----------------------------------------------------------------------===//

// A static i1 causal mask has no size operands.
// CHECK-LABEL: func.func @causal_mask_static
// CHECK:         %[[M:.+]] = tfm.causal_mask : tensor<5x7xi1>
// CHECK-NEXT:    return %[[M]]
func.func @causal_mask_static() -> tensor<5x7xi1> {
  %0 = tfm.causal_mask : tensor<5x7xi1>
  return %0 : tensor<5x7xi1>
}

// Both sizes dynamic, as operands in order.
// CHECK-LABEL: func.func @causal_mask_dynamic
// CHECK-SAME:    (%[[SQ:.+]]: index, %[[SKV:.+]]: index)
// CHECK:         tfm.causal_mask(%[[SQ]], %[[SKV]]) : tensor<?x?xi1>
func.func @causal_mask_dynamic(%sq: index, %skv: index) -> tensor<?x?xi1> {
  %0 = tfm.causal_mask (%sq, %skv) : tensor<?x?xi1>
  return %0 : tensor<?x?xi1>
}

// One dynamic size, additive f32 mask.
// CHECK-LABEL: func.func @causal_mask_additive_partly_dynamic
// CHECK-SAME:    (%[[SKV:.+]]: index)
// CHECK:         tfm.causal_mask(%[[SKV]]) : tensor<1x?xf32>
func.func @causal_mask_additive_partly_dynamic(%skv: index) -> tensor<1x?xf32> {
  %0 = tfm.causal_mask (%skv) : tensor<1x?xf32>
  return %0 : tensor<1x?xf32>
}

// Token ids with a pad id.
// CHECK-LABEL: func.func @padding_mask_ids
// CHECK:         tfm.padding_mask %{{[^ ]+}} pad(0) : tensor<2x7xi64> -> tensor<2x7xi1>
func.func @padding_mask_ids(%ids: tensor<2x7xi64>) -> tensor<2x7xi1> {
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<2x7xi1>
  return %0 : tensor<2x7xi1>
}

// Dynamic token ids with a non-zero pad id.
// CHECK-LABEL: func.func @padding_mask_ids_dynamic
// CHECK:         tfm.padding_mask %{{[^ ]+}} pad(1) : tensor<?x?xi32> -> tensor<?x?xi1>
func.func @padding_mask_ids_dynamic(%ids: tensor<?x?xi32>) -> tensor<?x?xi1> {
  %0 = tfm.padding_mask %ids pad(1) : tensor<?x?xi32> -> tensor<?x?xi1>
  return %0 : tensor<?x?xi1>
}

// Lengths with a static sequence length: no seq_len operand.
// CHECK-LABEL: func.func @padding_mask_lengths_static
// CHECK:         tfm.padding_mask %{{[^ ]+}} : tensor<2xi32> -> tensor<2x7xi1>
func.func @padding_mask_lengths_static(%len: tensor<2xi32>) -> tensor<2x7xi1> {
  %0 = tfm.padding_mask %len : tensor<2xi32> -> tensor<2x7xi1>
  return %0 : tensor<2x7xi1>
}

// Lengths with a dynamic sequence length given by seq_len.
// CHECK-LABEL: func.func @padding_mask_lengths_seq_len
// CHECK-SAME:    (%[[LEN:.+]]: tensor<?xindex>, %[[S:.+]]: index)
// CHECK:         tfm.padding_mask %[[LEN]] seq_len(%[[S]]) : tensor<?xindex> -> tensor<?x?xi1>
func.func @padding_mask_lengths_seq_len(%len: tensor<?xindex>, %s: index) -> tensor<?x?xi1> {
  %0 = tfm.padding_mask %len seq_len(%s) : tensor<?xindex> -> tensor<?x?xi1>
  return %0 : tensor<?x?xi1>
}

//===----------------------------------------------------------------------===//
// Positional encoding and embeddings
//===----------------------------------------------------------------------===//

// Sinusoidal encoding, no table, no offset.
// CHECK-LABEL: func.func @positional_encoding_sinusoidal
// CHECK:         tfm.positional_encoding sinusoidal %{{[^ ]+}} : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
func.func @positional_encoding_sinusoidal(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.positional_encoding sinusoidal %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}

// Learned encoding from a table.
// CHECK-LABEL: func.func @positional_encoding_learned
// CHECK:         tfm.positional_encoding learned %{{[^ ]+}} table(%{{[^ ]+}} : tensor<32x16xf32>) : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
func.func @positional_encoding_learned(%x: tensor<?x?x16xf32>, %t: tensor<32x16xf32>) -> tensor<?x?x16xf32> {
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x16xf32>)
      : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// Learned encoding with a per-row offset (incremental decoding).
// CHECK-LABEL: func.func @positional_encoding_learned_offset
// CHECK:         tfm.positional_encoding learned %{{[^ ]+}} table(%{{[^ ]+}} : tensor<32x16xf32>) offset(%{{[^ ]+}} : tensor<2xi64>) :
func.func @positional_encoding_learned_offset(%x: tensor<2x1x16xf32>, %t: tensor<32x16xf32>,
                                              %off: tensor<2xi64>) -> tensor<2x1x16xf32> {
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x16xf32>) offset(%off : tensor<2xi64>)
      : tensor<2x1x16xf32> -> tensor<2x1x16xf32>
  return %0 : tensor<2x1x16xf32>
}

// Sinusoidal encoding with an offset; the sequence may exceed any table size.
// CHECK-LABEL: func.func @positional_encoding_sinusoidal_offset
// CHECK:         tfm.positional_encoding sinusoidal %{{[^ ]+}} offset(%{{[^ ]+}} : tensor<2xi32>) : tensor<2x1x16xf64> -> tensor<2x1x16xf64>
func.func @positional_encoding_sinusoidal_offset(%x: tensor<2x1x16xf64>, %off: tensor<2xi32>) -> tensor<2x1x16xf64> {
  %0 = tfm.positional_encoding sinusoidal %x offset(%off : tensor<2xi32>)
      : tensor<2x1x16xf64> -> tensor<2x1x16xf64>
  return %0 : tensor<2x1x16xf64>
}

// Rank-1 i32 ids.
// CHECK-LABEL: func.func @embedding_rank1_i32
// CHECK:         tfm.embedding %{{[^ ]+}}, %{{[^ ]+}} : tensor<7xi32>, tensor<100x16xf32> -> tensor<7x16xf32>
func.func @embedding_rank1_i32(%ids: tensor<7xi32>, %t: tensor<100x16xf32>) -> tensor<7x16xf32> {
  %0 = tfm.embedding %ids, %t : tensor<7xi32>, tensor<100x16xf32> -> tensor<7x16xf32>
  return %0 : tensor<7x16xf32>
}

// Rank-2 dynamic i64 ids.
// CHECK-LABEL: func.func @embedding_rank2_i64
// CHECK:         tfm.embedding %{{[^ ]+}}, %{{[^ ]+}} : tensor<?x?xi64>, tensor<100x16xf32> -> tensor<?x?x16xf32>
func.func @embedding_rank2_i64(%ids: tensor<?x?xi64>, %t: tensor<100x16xf32>) -> tensor<?x?x16xf32> {
  %0 = tfm.embedding %ids, %t : tensor<?x?xi64>, tensor<100x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// Index ids.
// CHECK-LABEL: func.func @embedding_index
// CHECK:         tfm.embedding %{{[^ ]+}}, %{{[^ ]+}} : tensor<2x7xindex>, tensor<100x16xf16> -> tensor<2x7x16xf16>
func.func @embedding_index(%ids: tensor<2x7xindex>, %t: tensor<100x16xf16>) -> tensor<2x7x16xf16> {
  %0 = tfm.embedding %ids, %t : tensor<2x7xindex>, tensor<100x16xf16> -> tensor<2x7x16xf16>
  return %0 : tensor<2x7x16xf16>
}

//===----------------------------------------------------------------------===//
// Normalization, projections, activations
//===----------------------------------------------------------------------===//

// Softmax along a positive axis.
// CHECK-LABEL: func.func @softmax_positive_axis
// CHECK:         tfm.softmax %{{[^ ]+}} axis(1) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
func.func @softmax_positive_axis(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.softmax %x axis(1) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}

// Softmax along a negative axis (kept negative, not normalized).
// CHECK-LABEL: func.func @softmax_negative_axis
// CHECK:         tfm.softmax %{{[^ ]+}} axis(-1) : tensor<?x16xf32> -> tensor<?x16xf32>
func.func @softmax_negative_axis(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = tfm.softmax %x axis(-1) : tensor<?x16xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// Layer norm without weight or bias; the default epsilon is not printed.
// CHECK-LABEL: func.func @layer_norm_plain
// CHECK:         tfm.layer_norm %{{[^ ]+}} : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
func.func @layer_norm_plain(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.layer_norm %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}

// Layer norm with weight and bias.
// CHECK-LABEL: func.func @layer_norm_weight_bias
// CHECK:         tfm.layer_norm %{{[^ ]+}} weight(%{{[^ ]+}} : tensor<16xf32>) bias(%{{[^ ]+}} : tensor<16xf32>) : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
func.func @layer_norm_weight_bias(%x: tensor<?x?x16xf32>, %w: tensor<16xf32>,
                                  %b: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %0 = tfm.layer_norm %x weight(%w : tensor<16xf32>) bias(%b : tensor<16xf32>)
      : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// Layer norm with a weight only.
// CHECK-LABEL: func.func @layer_norm_weight_only
// CHECK:         tfm.layer_norm %{{[^ ]+}} weight(%{{[^ ]+}} : tensor<16xf32>) : tensor<7x16xf32>
func.func @layer_norm_weight_only(%x: tensor<7x16xf32>, %w: tensor<16xf32>) -> tensor<7x16xf32> {
  %0 = tfm.layer_norm %x weight(%w : tensor<16xf32>) : tensor<7x16xf32> -> tensor<7x16xf32>
  return %0 : tensor<7x16xf32>
}

// Layer norm with a bias only and a custom epsilon in the attribute dictionary.
// CHECK-LABEL: func.func @layer_norm_bias_epsilon
// CHECK:         tfm.layer_norm %{{[^ ]+}} bias(%{{[^ ]+}} : tensor<16xf32>) {epsilon = 9.99999996E-13 : f32} : tensor<7x16xf32>
func.func @layer_norm_bias_epsilon(%x: tensor<7x16xf32>, %b: tensor<16xf32>) -> tensor<7x16xf32> {
  %0 = tfm.layer_norm %x bias(%b : tensor<16xf32>) {epsilon = 1.0e-12 : f32}
      : tensor<7x16xf32> -> tensor<7x16xf32>
  return %0 : tensor<7x16xf32>
}

// Linear on a rank-1 input.
// CHECK-LABEL: func.func @linear_rank1
// CHECK:         tfm.linear %{{[^ ]+}}, %{{[^ ]+}} : tensor<16xf32>, tensor<8x16xf32> -> tensor<8xf32>
func.func @linear_rank1(%x: tensor<16xf32>, %w: tensor<8x16xf32>) -> tensor<8xf32> {
  %0 = tfm.linear %x, %w : tensor<16xf32>, tensor<8x16xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// Linear on a rank-2 input with a bias.
// CHECK-LABEL: func.func @linear_rank2_bias
// CHECK:         tfm.linear %{{[^ ]+}}, %{{[^ ]+}} bias(%{{[^ ]+}} : tensor<8xf32>) : tensor<7x16xf32>, tensor<8x16xf32> -> tensor<7x8xf32>
func.func @linear_rank2_bias(%x: tensor<7x16xf32>, %w: tensor<8x16xf32>, %b: tensor<8xf32>) -> tensor<7x8xf32> {
  %0 = tfm.linear %x, %w bias(%b : tensor<8xf32>) : tensor<7x16xf32>, tensor<8x16xf32> -> tensor<7x8xf32>
  return %0 : tensor<7x8xf32>
}

// Linear on a rank-3 input with dynamic leading dimensions.
// CHECK-LABEL: func.func @linear_rank3_dynamic
// CHECK:         tfm.linear %{{[^ ]+}}, %{{[^ ]+}} : tensor<?x?x16xf32>, tensor<8x16xf32> -> tensor<?x?x8xf32>
func.func @linear_rank3_dynamic(%x: tensor<?x?x16xf32>, %w: tensor<8x16xf32>) -> tensor<?x?x8xf32> {
  %0 = tfm.linear %x, %w : tensor<?x?x16xf32>, tensor<8x16xf32> -> tensor<?x?x8xf32>
  return %0 : tensor<?x?x8xf32>
}

// Linear on a rank-4 input with a bias.
// CHECK-LABEL: func.func @linear_rank4_bias
// CHECK:         tfm.linear %{{[^ ]+}}, %{{[^ ]+}} bias(%{{[^ ]+}} : tensor<8xf64>) : tensor<2x3x4x16xf64>, tensor<8x16xf64> -> tensor<2x3x4x8xf64>
func.func @linear_rank4_bias(%x: tensor<2x3x4x16xf64>, %w: tensor<8x16xf64>, %b: tensor<8xf64>) -> tensor<2x3x4x8xf64> {
  %0 = tfm.linear %x, %w bias(%b : tensor<8xf64>) : tensor<2x3x4x16xf64>, tensor<8x16xf64> -> tensor<2x3x4x8xf64>
  return %0 : tensor<2x3x4x8xf64>
}

// ReLU.
// CHECK-LABEL: func.func @relu
// CHECK:         tfm.relu %{{[^ ]+}} : tensor<?x16xf32>
func.func @relu(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = tfm.relu %x : tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// GELU with the default erf form: the approximation is not printed.
// CHECK-LABEL: func.func @gelu_default
// CHECK:         tfm.gelu %{{[^ ]+}} : tensor<2x16xf32>
func.func @gelu_default(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = tfm.gelu %x : tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// Spelling the default out parses and prints as the default.
// CHECK-LABEL: func.func @gelu_explicit_none
// CHECK:         tfm.gelu %{{[^ ]+}} : tensor<2x16xf32>
func.func @gelu_explicit_none(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = tfm.gelu %x approximate(none) : tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// GELU with the tanh approximation.
// CHECK-LABEL: func.func @gelu_tanh
// CHECK:         tfm.gelu %{{[^ ]+}} approximate(tanh) : tensor<2x16xf16>
func.func @gelu_tanh(%x: tensor<2x16xf16>) -> tensor<2x16xf16> {
  %0 = tfm.gelu %x approximate(tanh) : tensor<2x16xf16>
  return %0 : tensor<2x16xf16>
}

// -----

// CHECK-LABEL: func.func @attention_weights
// CHECK: tfm.attention_weights %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<?x1x1x?xi1>) scale(1.250000e-01) causal : tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x?xf32>
func.func @attention_weights(%q: tensor<?x3x?x8xf32>, %k: tensor<?x3x?x8xf32>,
                             %m: tensor<?x1x1x?xi1>) -> tensor<?x3x?x?xf32> {
  %0 = tfm.attention_weights %q, %k mask(%m : tensor<?x1x1x?xi1>) scale(0.125) causal
      : tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x?xf32>
  return %0 : tensor<?x3x?x?xf32>
}
