// RUN: tfm-opt %s -tfm-decompose-multi-head-attention -split-input-file | FileCheck %s

// Packed weight and bias: rows [0, E), [E, 2E), [2E, 3E) project q, k, v;
// each projection is split into heads [B, S, H, D] -> [B, H, S, D]; one
// tfm.attention without mask; heads merged back; output projection.
// CHECK-LABEL: func.func @packed_weights_and_biases
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<2x5x16xf32>, %[[KV:[^:]+]]: tensor<2x7x16xf32>, %[[W:[^:]+]]: tensor<48x16xf32>, %[[B:[^:]+]]: tensor<48xf32>, %[[OW:[^:]+]]: tensor<16x16xf32>, %[[OB:[^:]+]]: tensor<16xf32>)
// CHECK-NOT:     tfm.multi_head_attention
// CHECK-DAG:     %[[WQ:.+]] = tensor.extract_slice %[[W]][0, 0] [16, 16] [1, 1] : tensor<48x16xf32> to tensor<16x16xf32>
// CHECK-DAG:     %[[WK:.+]] = tensor.extract_slice %[[W]][16, 0] [16, 16] [1, 1] : tensor<48x16xf32> to tensor<16x16xf32>
// CHECK-DAG:     %[[WV:.+]] = tensor.extract_slice %[[W]][32, 0] [16, 16] [1, 1] : tensor<48x16xf32> to tensor<16x16xf32>
// CHECK-DAG:     %[[BQ:.+]] = tensor.extract_slice %[[B]][0] [16] [1] : tensor<48xf32> to tensor<16xf32>
// CHECK-DAG:     %[[BK:.+]] = tensor.extract_slice %[[B]][16] [16] [1] : tensor<48xf32> to tensor<16xf32>
// CHECK-DAG:     %[[BV:.+]] = tensor.extract_slice %[[B]][32] [16] [1] : tensor<48xf32> to tensor<16xf32>
// CHECK:         %[[PQ:.+]] = tfm.linear %[[Q]], %[[WQ]] bias(%[[BQ]] : tensor<16xf32>) : tensor<2x5x16xf32>, tensor<16x16xf32> -> tensor<2x5x16xf32>
// CHECK:         %[[EQ:.+]] = tensor.expand_shape %[[PQ]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 4, 4] : tensor<2x5x16xf32> into tensor<2x5x4x4xf32>
// CHECK:         %[[TQ:.+]] = linalg.transpose ins(%[[EQ]] : tensor<2x5x4x4xf32>) outs(%{{.+}} : tensor<2x4x5x4xf32>) permutation = [0, 2, 1, 3]
// CHECK:         %[[PK:.+]] = tfm.linear %[[KV]], %[[WK]] bias(%[[BK]] : tensor<16xf32>) : tensor<2x7x16xf32>, tensor<16x16xf32> -> tensor<2x7x16xf32>
// CHECK:         %[[EK:.+]] = tensor.expand_shape %[[PK]] {{\[}}[0], [1], [2, 3]] output_shape [2, 7, 4, 4]
// CHECK:         %[[TK:.+]] = linalg.transpose ins(%[[EK]] : tensor<2x7x4x4xf32>) outs(%{{.+}} : tensor<2x4x7x4xf32>) permutation = [0, 2, 1, 3]
// CHECK:         %[[PV:.+]] = tfm.linear %[[KV]], %[[WV]] bias(%[[BV]] : tensor<16xf32>)
// CHECK:         %[[EV:.+]] = tensor.expand_shape %[[PV]] {{\[}}[0], [1], [2, 3]] output_shape [2, 7, 4, 4]
// CHECK:         %[[TV:.+]] = linalg.transpose ins(%[[EV]] : tensor<2x7x4x4xf32>) outs(%{{.+}} : tensor<2x4x7x4xf32>) permutation = [0, 2, 1, 3]
// CHECK:         %[[A:.+]] = tfm.attention %[[TQ]], %[[TK]], %[[TV]] :
// CHECK-SAME:      tensor<2x4x5x4xf32>, tensor<2x4x7x4xf32>, tensor<2x4x7x4xf32> -> tensor<2x4x5x4xf32>
// CHECK:         %[[TA:.+]] = linalg.transpose ins(%[[A]] : tensor<2x4x5x4xf32>) outs(%{{.+}} : tensor<2x5x4x4xf32>) permutation = [0, 2, 1, 3]
// CHECK:         %[[M:.+]] = tensor.collapse_shape %[[TA]] {{\[}}[0], [1], [2, 3]] : tensor<2x5x4x4xf32> into tensor<2x5x16xf32>
// CHECK:         %[[R:.+]] = tfm.linear %[[M]], %[[OW]] bias(%[[OB]] : tensor<16xf32>) : tensor<2x5x16xf32>, tensor<16x16xf32> -> tensor<2x5x16xf32>
// CHECK:         return %[[R]]
func.func @packed_weights_and_biases(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                                     %b: tensor<48xf32>, %ow: tensor<16x16xf32>, %ob: tensor<16xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) in_bias(%b : tensor<48xf32>)
      out_proj(%ow : tensor<16x16xf32>) out_bias(%ob : tensor<16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// Self-attention (query, key and value the same tensor) with a packed weight
// and bias: one projection with the whole weight [3E, E] and bias, whose
// [B, S, 3E] result is sliced into q, k and v; the weight is never sliced.
// CHECK-LABEL: func.func @self_attention_packed
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<2x5x16xf32>, %[[W:[^:]+]]: tensor<48x16xf32>, %[[B:[^:]+]]: tensor<48xf32>
// CHECK-NOT:     tensor.extract_slice %[[W]]
// CHECK:         %[[P:.+]] = tfm.linear %[[X]], %[[W]] bias(%[[B]] : tensor<48xf32>) : tensor<2x5x16xf32>, tensor<48x16xf32> -> tensor<2x5x48xf32>
// CHECK:         %[[PQ:.+]] = tensor.extract_slice %[[P]][0, 0, 0] [2, 5, 16] [1, 1, 1] : tensor<2x5x48xf32> to tensor<2x5x16xf32>
// CHECK:         tensor.expand_shape %[[PQ]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 4, 4]
// CHECK:         %[[PK:.+]] = tensor.extract_slice %[[P]][0, 0, 16] [2, 5, 16] [1, 1, 1]
// CHECK:         tensor.expand_shape %[[PK]]
// CHECK:         %[[PV:.+]] = tensor.extract_slice %[[P]][0, 0, 32] [2, 5, 16] [1, 1, 1]
// CHECK:         tensor.expand_shape %[[PV]]
// CHECK-NOT:     tfm.linear %[[X]]
// CHECK:         tfm.attention
func.func @self_attention_packed(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>, %b: tensor<48xf32>,
                                 %ow: tensor<16x16xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<48x16xf32>) in_bias(%b : tensor<48xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// Separate weights with kdim = 12 and vdim = 6 are used as they are (no
// slicing); without biases the projections have none either.
// CHECK-LABEL: func.func @separate_weights_no_bias
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<2x5x8xf32>, %[[K:[^:]+]]: tensor<2x7x12xf32>, %[[V:[^:]+]]: tensor<2x7x6xf32>, %[[WQ:[^:]+]]: tensor<8x8xf32>, %[[WK:[^:]+]]: tensor<8x12xf32>, %[[WV:[^:]+]]: tensor<8x6xf32>, %[[OW:[^:]+]]: tensor<8x8xf32>)
// CHECK-NOT:     tensor.extract_slice
// CHECK:         %[[PQ:.+]] = tfm.linear %[[Q]], %[[WQ]] : tensor<2x5x8xf32>, tensor<8x8xf32> -> tensor<2x5x8xf32>
// CHECK:         tensor.expand_shape %[[PQ]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 2, 4] : tensor<2x5x8xf32> into tensor<2x5x2x4xf32>
// CHECK:         %[[PK:.+]] = tfm.linear %[[K]], %[[WK]] : tensor<2x7x12xf32>, tensor<8x12xf32> -> tensor<2x7x8xf32>
// CHECK:         tensor.expand_shape %[[PK]] {{\[}}[0], [1], [2, 3]] output_shape [2, 7, 2, 4]
// CHECK:         %[[PV:.+]] = tfm.linear %[[V]], %[[WV]] : tensor<2x7x6xf32>, tensor<8x6xf32> -> tensor<2x7x8xf32>
// CHECK:         tensor.expand_shape %[[PV]] {{\[}}[0], [1], [2, 3]] output_shape [2, 7, 2, 4]
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<2x2x5x4xf32>, tensor<2x2x7x4xf32>, tensor<2x2x7x4xf32> -> tensor<2x2x5x4xf32>
// CHECK:         tensor.collapse_shape
// CHECK:         %[[R:.+]] = tfm.linear %{{[^ ]+}}, %[[OW]] : tensor<2x5x8xf32>, tensor<8x8xf32> -> tensor<2x5x8xf32>
// CHECK:         return %[[R]]
func.func @separate_weights_no_bias(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                    %wq: tensor<8x8xf32>, %wk: tensor<8x12xf32>, %wv: tensor<8x6xf32>,
                                    %ow: tensor<8x8xf32>) -> tensor<2x5x8xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(2)
      in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x6xf32>)
      out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// -----

// Separate weights with a packed bias: only the bias is sliced.
// CHECK-LABEL: func.func @separate_weights_packed_bias
// CHECK-SAME:    %[[WQ:[^:]+]]: tensor<8x8xf32>, %[[WK:[^:]+]]: tensor<8x12xf32>, %[[WV:[^:]+]]: tensor<8x6xf32>, %[[B:[^:]+]]: tensor<24xf32>
// CHECK-DAG:     %[[BQ:.+]] = tensor.extract_slice %[[B]][0] [8] [1] : tensor<24xf32> to tensor<8xf32>
// CHECK-DAG:     %[[BK:.+]] = tensor.extract_slice %[[B]][8] [8] [1] : tensor<24xf32> to tensor<8xf32>
// CHECK-DAG:     %[[BV:.+]] = tensor.extract_slice %[[B]][16] [8] [1] : tensor<24xf32> to tensor<8xf32>
// CHECK:         tfm.linear %{{[^ ]+}}, %[[WQ]] bias(%[[BQ]] : tensor<8xf32>)
// CHECK:         tfm.linear %{{[^ ]+}}, %[[WK]] bias(%[[BK]] : tensor<8xf32>)
// CHECK:         tfm.linear %{{[^ ]+}}, %[[WV]] bias(%[[BV]] : tensor<8xf32>)
// CHECK:         tfm.attention
func.func @separate_weights_packed_bias(%q: tensor<2x5x8xf32>, %k: tensor<2x7x12xf32>, %v: tensor<2x7x6xf32>,
                                        %wq: tensor<8x8xf32>, %wk: tensor<8x12xf32>, %wv: tensor<8x6xf32>,
                                        %b: tensor<24xf32>, %ow: tensor<8x8xf32>) -> tensor<2x5x8xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(2)
      in_proj(%wq, %wk, %wv : tensor<8x8xf32>, tensor<8x12xf32>, tensor<8x6xf32>)
      in_bias(%b : tensor<24xf32>) out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x12xf32>, tensor<2x7x6xf32> -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// -----

// Three separate biases go to their projections.
// CHECK-LABEL: func.func @separate_biases
// CHECK-SAME:    %[[BQ:[^:]+]]: tensor<8xf32>, %[[BK:[^:]+]]: tensor<8xf32>, %[[BV:[^:]+]]: tensor<8xf32>
// CHECK:         tfm.linear {{.+}} bias(%[[BQ]] : tensor<8xf32>) : tensor<2x5x8xf32>
// CHECK:         tfm.linear {{.+}} bias(%[[BK]] : tensor<8xf32>) : tensor<2x7x8xf32>
// CHECK:         tfm.linear {{.+}} bias(%[[BV]] : tensor<8xf32>) : tensor<2x7x8xf32>
func.func @separate_biases(%q: tensor<2x5x8xf32>, %kv: tensor<2x7x8xf32>, %w: tensor<24x8xf32>,
                           %bq: tensor<8xf32>, %bk: tensor<8xf32>, %bv: tensor<8xf32>,
                           %ow: tensor<8x8xf32>) -> tensor<2x5x8xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(2)
      in_proj(%w : tensor<24x8xf32>) in_bias(%bq, %bk, %bv : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      out_proj(%ow : tensor<8x8xf32>)
      : tensor<2x5x8xf32>, tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// -----

// The key padding mask [B, Skv] becomes [B, 1, 1, Skv], the attention mask.
// CHECK-LABEL: func.func @key_padding_mask
// CHECK-SAME:    %[[KPM:[^:]+]]: tensor<2x7xi1>
// CHECK:         %[[M:.+]] = tensor.expand_shape %[[KPM]] {{\[}}[0, 1, 2], [3]] output_shape [2, 1, 1, 7] : tensor<2x7xi1> into tensor<2x1x1x7xi1>
// CHECK-NOT:     linalg.generic
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<2x1x1x7xi1>) :
func.func @key_padding_mask(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                            %ow: tensor<16x16xf32>, %kpm: tensor<2x7xi1>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%kpm : tensor<2x7xi1>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// A rank-2 attention mask [Sq, Skv] becomes [1, 1, Sq, Skv].
// CHECK-LABEL: func.func @attn_mask_rank2
// CHECK-SAME:    %[[AM:[^:]+]]: tensor<5x7xf32>
// CHECK:         %[[M:.+]] = tensor.expand_shape %[[AM]] {{\[}}[0, 1, 2], [3]] output_shape [1, 1, 5, 7] : tensor<5x7xf32> into tensor<1x1x5x7xf32>
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<1x1x5x7xf32>) :
func.func @attn_mask_rank2(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                           %ow: tensor<16x16xf32>, %am: tensor<5x7xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      attn_mask(%am : tensor<5x7xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// A rank-3 attention mask [B*H, Sq, Skv] becomes [B, H, Sq, Skv] (batch
// major, as PyTorch lays it out); three heads of size 5.
// CHECK-LABEL: func.func @attn_mask_rank3_three_heads
// CHECK-SAME:    %[[AM:[^:]+]]: tensor<6x5x5xf32>
// CHECK:         tensor.expand_shape %{{.+}} output_shape [2, 5, 3, 5] : tensor<2x5x15xf32> into tensor<2x5x3x5xf32>
// CHECK:         %[[M:.+]] = tensor.expand_shape %[[AM]] {{\[}}[0, 1], [2], [3]] output_shape [2, 3, 5, 5] : tensor<6x5x5xf32> into tensor<2x3x5x5xf32>
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<2x3x5x5xf32>) :
// CHECK-SAME:      tensor<2x3x5x5xf32>, tensor<2x3x5x5xf32>, tensor<2x3x5x5xf32> -> tensor<2x3x5x5xf32>
// CHECK:         tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : tensor<2x5x3x5xf32> into tensor<2x5x15xf32>
func.func @attn_mask_rank3_three_heads(%x: tensor<2x5x15xf32>, %w: tensor<45x15xf32>, %ow: tensor<15x15xf32>,
                                       %am: tensor<6x5x5xf32>) -> tensor<2x5x15xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(3)
      in_proj(%w : tensor<45x15xf32>) out_proj(%ow : tensor<15x15xf32>)
      attn_mask(%am : tensor<6x5x5xf32>)
      : tensor<2x5x15xf32>, tensor<2x5x15xf32>, tensor<2x5x15xf32> -> tensor<2x5x15xf32>
  return %0 : tensor<2x5x15xf32>
}

// -----

// Both masks i1: combined with a logical and into one [B, 1, Sq, Skv] mask,
// each input read through a map that pins its unit dimensions to 0; the
// causal flag is carried over.
// CHECK-DAG:   #[[KPM_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
// CHECK-DAG:   #[[AM_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @both_masks_i1_causal
// CHECK-SAME:    %[[KPM:[^:]+]]: tensor<2x7xi1>, %[[AM:[^:]+]]: tensor<5x7xi1>
// CHECK-DAG:     %[[K4:.+]] = tensor.expand_shape %[[KPM]] {{\[}}[0, 1, 2], [3]] output_shape [2, 1, 1, 7]
// CHECK-DAG:     %[[A4:.+]] = tensor.expand_shape %[[AM]] {{\[}}[0, 1, 2], [3]] output_shape [1, 1, 5, 7]
// CHECK:         %[[INIT:.+]] = tensor.empty() : tensor<2x1x5x7xi1>
// CHECK:         %[[M:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[KPM_MAP]], #[[AM_MAP]], #[[ID]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[K4]], %[[A4]] : tensor<2x1x1x7xi1>, tensor<1x1x5x7xi1>) outs(%[[INIT]] : tensor<2x1x5x7xi1>)
// CHECK-NEXT:    ^bb0(%[[X:[^:]+]]: i1, %[[Y:[^:]+]]: i1, %{{.+}}: i1):
// CHECK-NEXT:      %[[AND:.+]] = arith.andi %[[X]], %[[Y]] : i1
// CHECK-NEXT:      linalg.yield %[[AND]] : i1
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<2x1x5x7xi1>) causal :
func.func @both_masks_i1_causal(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                                %ow: tensor<16x16xf32>, %kpm: tensor<2x7xi1>, %am: tensor<5x7xi1>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%kpm : tensor<2x7xi1>) attn_mask(%am : tensor<5x7xi1>) causal
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// Both masks additive: their sum, of the query's element type.
// CHECK-LABEL: func.func @both_masks_additive
// CHECK:         %[[M:.+]] = linalg.generic
// CHECK-SAME:      ins(%{{.+}}, %{{.+}} : tensor<2x1x1x7xf32>, tensor<2x4x5x7xf32>) outs(%{{.+}} : tensor<2x4x5x7xf32>)
// CHECK-NEXT:    ^bb0(%[[X:[^:]+]]: f32, %[[Y:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[SUM:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT:      linalg.yield %[[SUM]] : f32
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<2x4x5x7xf32>) :
func.func @both_masks_additive(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                               %ow: tensor<16x16xf32>, %kpm: tensor<2x7xf32>, %am: tensor<8x5x7xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%kpm : tensor<2x7xf32>) attn_mask(%am : tensor<8x5x7xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// An i1 key padding mask with an additive attention mask: the i1 mask turns
// into 0 / -inf before the sum.
// CHECK-LABEL: func.func @both_masks_mixed
// CHECK-DAG:     %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[M:.+]] = linalg.generic
// CHECK-SAME:      ins(%{{.+}}, %{{.+}} : tensor<2x1x1x7xi1>, tensor<1x1x5x7xf32>) outs(%{{.+}} : tensor<2x1x5x7xf32>)
// CHECK-NEXT:    ^bb0(%[[X:[^:]+]]: i1, %[[Y:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[ADD:.+]] = arith.select %[[X]], %[[ZERO]], %[[NEG_INF]] : f32
// CHECK-NEXT:      %[[SUM:.+]] = arith.addf %[[ADD]], %[[Y]] : f32
// CHECK-NEXT:      linalg.yield %[[SUM]] : f32
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<2x1x5x7xf32>) :
func.func @both_masks_mixed(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<48x16xf32>,
                            %ow: tensor<16x16xf32>, %kpm: tensor<2x7xi1>, %am: tensor<5x7xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%kpm : tensor<2x7xi1>) attn_mask(%am : tensor<5x7xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// The causal flag alone: no mask operand.
// CHECK-LABEL: func.func @causal_only
// CHECK-NOT:     tensor.expand_shape %{{.+}} {{\[}}[0, 1, 2], [3]]
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} causal : tensor<2x4x5x4xf32>
func.func @causal_only(%x: tensor<2x5x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>) causal
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// Five heads of size 3 (E = 15).
// CHECK-LABEL: func.func @five_heads
// CHECK-COUNT-3: tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [1, 4, 5, 3] : tensor<1x4x15xf32> into tensor<1x4x5x3xf32>
// CHECK:         tfm.attention {{.+}} : tensor<1x5x4x3xf32>, tensor<1x5x4x3xf32>, tensor<1x5x4x3xf32> -> tensor<1x5x4x3xf32>
// CHECK:         tensor.collapse_shape %{{.+}} : tensor<1x4x5x3xf32> into tensor<1x4x15xf32>
func.func @five_heads(%x: tensor<1x4x15xf32>, %w: tensor<45x15xf32>, %ow: tensor<15x15xf32>) -> tensor<1x4x15xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(5)
      in_proj(%w : tensor<45x15xf32>) out_proj(%ow : tensor<15x15xf32>)
      : tensor<1x4x15xf32>, tensor<1x4x15xf32>, tensor<1x4x15xf32> -> tensor<1x4x15xf32>
  return %0 : tensor<1x4x15xf32>
}

// -----

// Dynamic batch and lengths: the head split takes its sizes from tensor.dim,
// the rank-3 attention mask's batch from the query, and the combined mask
// gets dynamic sizes. (Self-attention with a packed weight: one projection
// [B, S, 3E], sliced into q, k and v.)
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x?x16xf32>, %[[W:[^:]+]]: tensor<48x16xf32>, %{{[^:]+}}: tensor<16x16xf32>, %[[KPM:[^:]+]]: tensor<?x?xi1>, %[[AM:[^:]+]]: tensor<?x?x?xi1>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK:         %[[P:.+]] = tfm.linear %[[X]], %[[W]] : tensor<?x?x16xf32>, tensor<48x16xf32> -> tensor<?x?x48xf32>
// CHECK-DAG:     %[[B:.+]] = tensor.dim %[[P]], %[[C0]]
// CHECK-DAG:     %[[S:.+]] = tensor.dim %[[P]], %[[C1]]
// CHECK:         %[[PQ:.+]] = tensor.extract_slice %[[P]][0, 0, 0] [%[[B]], %[[S]], 16] [1, 1, 1] : tensor<?x?x48xf32> to tensor<?x?x16xf32>
// CHECK:         tensor.expand_shape %[[PQ]] {{\[}}[0], [1], [2, 3]] output_shape [%[[B]], %[[S]], 4, 4] : tensor<?x?x16xf32> into tensor<?x?x4x4xf32>
// CHECK:         tensor.extract_slice %[[P]][0, 0, 16] [%[[B]], %[[S]], 16] [1, 1, 1]
// CHECK:         tensor.extract_slice %[[P]][0, 0, 32] [%[[B]], %[[S]], 16] [1, 1, 1]
// CHECK:         %[[QB:.+]] = tensor.dim %[[X]], %[[C0]] : tensor<?x?x16xf32>
// CHECK:         %[[K4:.+]] = tensor.expand_shape %[[KPM]] {{\[}}[0, 1, 2], [3]] output_shape [%{{.+}}, 1, 1, %{{.+}}] : tensor<?x?xi1> into tensor<?x1x1x?xi1>
// CHECK:         %[[A4:.+]] = tensor.expand_shape %[[AM]] {{\[}}[0, 1], [2], [3]] output_shape [%[[QB]], 4, %{{.+}}, %{{.+}}] : tensor<?x?x?xi1> into tensor<?x4x?x?xi1>
// CHECK:         %[[M:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[K4]], %[[A4]] : tensor<?x1x1x?xi1>, tensor<?x4x?x?xi1>) outs(%{{.+}} : tensor<?x4x?x?xi1>)
// CHECK:           arith.andi
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<?x4x?x?xi1>) :
// CHECK-SAME:      tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32> -> tensor<?x4x?x4xf32>
// CHECK:         tensor.collapse_shape %{{.+}} : tensor<?x?x4x4xf32> into tensor<?x?x16xf32>
func.func @dynamic(%x: tensor<?x?x16xf32>, %w: tensor<48x16xf32>, %ow: tensor<16x16xf32>,
                   %kpm: tensor<?x?xi1>, %am: tensor<?x?x?xi1>) -> tensor<?x?x16xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<48x16xf32>) out_proj(%ow : tensor<16x16xf32>)
      key_padding_mask(%kpm : tensor<?x?xi1>) attn_mask(%am : tensor<?x?x?xi1>)
      : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

// Other ops are left alone.
// CHECK-LABEL: func.func @no_multi_head_attention
// CHECK-NEXT:    tfm.attention
// CHECK-NEXT:    return
func.func @no_multi_head_attention(%q: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %0 = tfm.attention %q, %q, %q : tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32> -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

// kv_heads (grouped-query attention), self-attention with a packed weight
// [(H + 2*Hkv)*D, E] = [(4 + 2*2)*4, 16]: one projection to [B, S, 32],
// sliced into q [0, 16), k [16, 24), v [24, 32); k and v split into 2
// heads, and tfm.attention reads them grouped (never repeated).
// CHECK-LABEL: func.func @self_attention_kv_heads
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<2x5x16xf32>, %[[W:[^:]+]]: tensor<32x16xf32>, %[[B:[^:]+]]: tensor<32xf32>
// CHECK:         %[[P:.+]] = tfm.linear %[[X]], %[[W]] bias(%[[B]] : tensor<32xf32>) : tensor<2x5x16xf32>, tensor<32x16xf32> -> tensor<2x5x32xf32>
// CHECK:         %[[PQ:.+]] = tensor.extract_slice %[[P]][0, 0, 0] [2, 5, 16] [1, 1, 1] : tensor<2x5x32xf32> to tensor<2x5x16xf32>
// CHECK:         tensor.expand_shape %[[PQ]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 4, 4]
// CHECK:         %[[PK:.+]] = tensor.extract_slice %[[P]][0, 0, 16] [2, 5, 8] [1, 1, 1] : tensor<2x5x32xf32> to tensor<2x5x8xf32>
// CHECK:         tensor.expand_shape %[[PK]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 2, 4]
// CHECK:         %[[PV:.+]] = tensor.extract_slice %[[P]][0, 0, 24] [2, 5, 8] [1, 1, 1] : tensor<2x5x32xf32> to tensor<2x5x8xf32>
// CHECK:         tensor.expand_shape %[[PV]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 2, 4]
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} causal :
// CHECK-SAME:      tensor<2x4x5x4xf32>, tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32> -> tensor<2x4x5x4xf32>
func.func @self_attention_kv_heads(%x: tensor<2x5x16xf32>, %w: tensor<32x16xf32>, %b: tensor<32xf32>,
                                   %ow: tensor<16x16xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4) kv_heads(2)
      in_proj(%w : tensor<32x16xf32>) in_bias(%b : tensor<32xf32>) out_proj(%ow : tensor<16x16xf32>) causal
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<2x5x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

// kv_heads with a packed weight for different query and key/value inputs:
// rows [0, 16), [16, 20), [20, 24) of [(4 + 2*1)*4, 16] (multi-query).
// CHECK-LABEL: func.func @packed_kv_heads_cross
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<2x5x16xf32>, %[[KV:[^:]+]]: tensor<2x7x16xf32>, %[[W:[^:]+]]: tensor<24x16xf32>, %[[B:[^:]+]]: tensor<24xf32>
// CHECK-DAG:     %[[WQ:.+]] = tensor.extract_slice %[[W]][0, 0] [16, 16] [1, 1] : tensor<24x16xf32> to tensor<16x16xf32>
// CHECK-DAG:     %[[WK:.+]] = tensor.extract_slice %[[W]][16, 0] [4, 16] [1, 1] : tensor<24x16xf32> to tensor<4x16xf32>
// CHECK-DAG:     %[[WV:.+]] = tensor.extract_slice %[[W]][20, 0] [4, 16] [1, 1] : tensor<24x16xf32> to tensor<4x16xf32>
// CHECK-DAG:     %[[BK:.+]] = tensor.extract_slice %[[B]][16] [4] [1] : tensor<24xf32> to tensor<4xf32>
// CHECK-DAG:     %[[BV:.+]] = tensor.extract_slice %[[B]][20] [4] [1] : tensor<24xf32> to tensor<4xf32>
// CHECK:         tfm.linear %[[Q]], %[[WQ]]
// CHECK:         tfm.linear %[[KV]], %[[WK]] bias(%[[BK]] : tensor<4xf32>) : tensor<2x7x16xf32>, tensor<4x16xf32> -> tensor<2x7x4xf32>
// CHECK:         tfm.linear %[[KV]], %[[WV]] bias(%[[BV]] : tensor<4xf32>) : tensor<2x7x16xf32>, tensor<4x16xf32> -> tensor<2x7x4xf32>
// CHECK:         tfm.attention
// CHECK-SAME:      tensor<2x4x5x4xf32>, tensor<2x1x7x4xf32>, tensor<2x1x7x4xf32> -> tensor<2x4x5x4xf32>
func.func @packed_kv_heads_cross(%q: tensor<2x5x16xf32>, %kv: tensor<2x7x16xf32>, %w: tensor<24x16xf32>,
                                 %b: tensor<24xf32>, %ow: tensor<16x16xf32>) -> tensor<2x5x16xf32> {
  %0 = tfm.multi_head_attention %q, %kv, %kv heads(4) kv_heads(1)
      in_proj(%w : tensor<24x16xf32>) in_bias(%b : tensor<24xf32>) out_proj(%ow : tensor<16x16xf32>)
      : tensor<2x5x16xf32>, tensor<2x7x16xf32>, tensor<2x7x16xf32> -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}
