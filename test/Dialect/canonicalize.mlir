// RUN: tfm-opt %s -canonicalize -split-input-file | FileCheck %s

// A static i1 causal mask of exactly [Sq, Skv] becomes the causal flag and
// the mask disappears.
// CHECK-LABEL: func.func @fold_static_i1
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x4x5x16xf32>, %[[K:.+]]: tensor<2x4x7x16xf32>, %[[V:.+]]: tensor<2x4x7x16xf32>)
// CHECK-NOT:     tfm.causal_mask
// CHECK:         %[[R:.+]] = tfm.attention %[[Q]], %[[K]], %[[V]] causal :
// CHECK-NEXT:    return %[[R]]
func.func @fold_static_i1(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                          %v: tensor<2x4x7x16xf32>) -> tensor<2x4x5x16xf32> {
  %m = tfm.causal_mask : tensor<5x7xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// -----

// An additive (0 / -inf) f32 causal mask folds the same way.
// CHECK-LABEL: func.func @fold_static_additive
// CHECK-NOT:     tfm.causal_mask
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} causal :
func.func @fold_static_additive(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x5x16xf32>,
                                %v: tensor<2x4x5x16xf32>) -> tensor<2x4x5x16xf32> {
  %m = tfm.causal_mask : tensor<5x5xf32>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x5xf32>)
      : tensor<2x4x5x16xf32>, tensor<2x4x5x16xf32>, tensor<2x4x5x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// -----

// The scale is kept when the mask folds.
// CHECK-LABEL: func.func @fold_keeps_scale
// CHECK-NOT:     tfm.causal_mask
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} scale(1.250000e-01) causal :
func.func @fold_keeps_scale(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                            %v: tensor<2x4x7x16xf32>) -> tensor<2x4x5x16xf32> {
  %m = tfm.causal_mask : tensor<5x7xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x7xi1>) scale(0.125)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// -----

// A decode step (Sq = 1) with a [1, Skv] causal mask also folds.
// CHECK-LABEL: func.func @fold_decode_step
// CHECK-NOT:     tfm.causal_mask
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} causal :
func.func @fold_decode_step(%q: tensor<2x4x1x16xf32>, %k: tensor<2x4x9x16xf32>,
                            %v: tensor<2x4x9x16xf32>) -> tensor<2x4x1x16xf32> {
  %m = tfm.causal_mask : tensor<1x9xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<1x9xi1>)
      : tensor<2x4x1x16xf32>, tensor<2x4x9x16xf32>, tensor<2x4x9x16xf32> -> tensor<2x4x1x16xf32>
  return %0 : tensor<2x4x1x16xf32>
}

// -----

// Dynamic sizes fold when they are tensor.dim of the query (dimension 2) and
// of the key (dimension 2).
// CHECK-LABEL: func.func @fold_dynamic_i1
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x4x?x16xf32>, %[[K:.+]]: tensor<?x4x?x16xf32>, %[[V:.+]]: tensor<?x4x?x16xf32>)
// CHECK-NOT:     tfm.causal_mask
// CHECK-NOT:     tensor.dim
// CHECK:         %[[R:.+]] = tfm.attention %[[Q]], %[[K]], %[[V]] causal :
// CHECK-NEXT:    return %[[R]]
func.func @fold_dynamic_i1(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>,
                           %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %c2 = arith.constant 2 : index
  %sq = tensor.dim %q, %c2 : tensor<?x4x?x16xf32>
  %skv = tensor.dim %k, %c2 : tensor<?x4x?x16xf32>
  %m = tfm.causal_mask (%sq, %skv) : tensor<?x?xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x?xi1>)
      : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %0 : tensor<?x4x?x16xf32>
}

// -----

// Dynamic additive mask with one static and one dynamic size.
// CHECK-LABEL: func.func @fold_dynamic_additive_mixed
// CHECK-NOT:     tfm.causal_mask
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} scale(5.000000e-01) causal :
func.func @fold_dynamic_additive_mixed(%q: tensor<1x2x3x8xf32>, %k: tensor<1x2x?x8xf32>,
                                       %v: tensor<1x2x?x8xf32>) -> tensor<1x2x3x8xf32> {
  %c2 = arith.constant 2 : index
  %skv = tensor.dim %k, %c2 : tensor<1x2x?x8xf32>
  %m = tfm.causal_mask (%skv) : tensor<3x?xf32>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<3x?xf32>) scale(0.5)
      : tensor<1x2x3x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x3x8xf32>
  return %0 : tensor<1x2x3x8xf32>
}

// -----

// A mask that broadcasts over the queries ([1, Skv] for Sq = 4) is not a
// causal mask of the attention: it must stay.
// CHECK-LABEL: func.func @no_fold_broadcast_rows
// CHECK:         %[[M:.+]] = tfm.causal_mask : tensor<1x6xi1>
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%[[M]] : tensor<1x6xi1>) :
// CHECK-NOT:     causal
func.func @no_fold_broadcast_rows(%q: tensor<2x4x4x16xf32>, %k: tensor<2x4x6x16xf32>,
                                  %v: tensor<2x4x6x16xf32>) -> tensor<2x4x4x16xf32> {
  %m = tfm.causal_mask : tensor<1x6xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<1x6xi1>)
      : tensor<2x4x4x16xf32>, tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32> -> tensor<2x4x4x16xf32>
  return %0 : tensor<2x4x4x16xf32>
}

// -----

// A mask broadcasting over the keys ([Sq, 1] for Skv = 6) must stay too.
// CHECK-LABEL: func.func @no_fold_broadcast_columns
// CHECK:         %[[M:.+]] = tfm.causal_mask : tensor<4x1xf32>
// CHECK:         tfm.attention {{.+}} mask(%[[M]] : tensor<4x1xf32>) :
func.func @no_fold_broadcast_columns(%q: tensor<2x4x4x16xf32>, %k: tensor<2x4x6x16xf32>,
                                     %v: tensor<2x4x6x16xf32>) -> tensor<2x4x4x16xf32> {
  %m = tfm.causal_mask : tensor<4x1xf32>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<4x1xf32>)
      : tensor<2x4x4x16xf32>, tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32> -> tensor<2x4x4x16xf32>
  return %0 : tensor<2x4x4x16xf32>
}

// -----

// A static mask on dynamic lengths: its sizes may differ at run time.
// CHECK-LABEL: func.func @no_fold_static_mask_dynamic_lengths
// CHECK:         %[[M:.+]] = tfm.causal_mask : tensor<5x5xi1>
// CHECK:         tfm.attention {{.+}} mask(%[[M]] : tensor<5x5xi1>) :
func.func @no_fold_static_mask_dynamic_lengths(%q: tensor<2x4x?x16xf32>, %k: tensor<2x4x?x16xf32>,
                                               %v: tensor<2x4x?x16xf32>) -> tensor<2x4x?x16xf32> {
  %m = tfm.causal_mask : tensor<5x5xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x5xi1>)
      : tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32> -> tensor<2x4x?x16xf32>
  return %0 : tensor<2x4x?x16xf32>
}

// -----

// Dynamic sizes that are function arguments, not the attention's own lengths.
// CHECK-LABEL: func.func @no_fold_unrelated_sizes
// CHECK-SAME:    %[[SQ:[^:]+]]: index, %[[SKV:[^:]+]]: index
// CHECK:         %[[M:.+]] = tfm.causal_mask(%[[SQ]], %[[SKV]]) : tensor<?x?xi1>
// CHECK:         tfm.attention {{.+}} mask(%[[M]] : tensor<?x?xi1>) :
func.func @no_fold_unrelated_sizes(%q: tensor<2x4x?x16xf32>, %k: tensor<2x4x?x16xf32>,
                                   %v: tensor<2x4x?x16xf32>, %sq: index, %skv: index) -> tensor<2x4x?x16xf32> {
  %m = tfm.causal_mask (%sq, %skv) : tensor<?x?xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x?xi1>)
      : tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32> -> tensor<2x4x?x16xf32>
  return %0 : tensor<2x4x?x16xf32>
}

// -----

// Sizes taken from the wrong tensors: both from the query (so Skv is
// really Sq).
// CHECK-LABEL: func.func @no_fold_sizes_from_query_only
// CHECK:         tfm.causal_mask(%{{[^ ]+}}, %{{[^ ]+}}) : tensor<?x?xi1>
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<?x?xi1>) :
func.func @no_fold_sizes_from_query_only(%q: tensor<2x4x?x16xf32>, %k: tensor<2x4x?x16xf32>,
                                         %v: tensor<2x4x?x16xf32>) -> tensor<2x4x?x16xf32> {
  %c2 = arith.constant 2 : index
  %sq = tensor.dim %q, %c2 : tensor<2x4x?x16xf32>
  %m = tfm.causal_mask (%sq, %sq) : tensor<?x?xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x?xi1>)
      : tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32> -> tensor<2x4x?x16xf32>
  return %0 : tensor<2x4x?x16xf32>
}

// -----

// Sizes swapped: [Skv, Sq] instead of [Sq, Skv].
// CHECK-LABEL: func.func @no_fold_sizes_swapped
// CHECK:         tfm.causal_mask(%{{[^ ]+}}, %{{[^ ]+}}) : tensor<?x?xi1>
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<?x?xi1>) :
func.func @no_fold_sizes_swapped(%q: tensor<2x4x?x16xf32>, %k: tensor<2x4x?x16xf32>,
                                 %v: tensor<2x4x?x16xf32>) -> tensor<2x4x?x16xf32> {
  %c2 = arith.constant 2 : index
  %sq = tensor.dim %q, %c2 : tensor<2x4x?x16xf32>
  %skv = tensor.dim %k, %c2 : tensor<2x4x?x16xf32>
  %m = tfm.causal_mask (%skv, %sq) : tensor<?x?xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x?xi1>)
      : tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32> -> tensor<2x4x?x16xf32>
  return %0 : tensor<2x4x?x16xf32>
}

// -----

// Sizes from the right tensor but the wrong dimension (the head size).
// CHECK-LABEL: func.func @no_fold_wrong_dimension
// CHECK:         tfm.causal_mask(%{{[^ ]+}}) : tensor<5x?xi1>
// CHECK:         tfm.attention {{.+}} mask(%{{[^ ]+}} : tensor<5x?xi1>) :
func.func @no_fold_wrong_dimension(%q: tensor<2x4x5x?xf32>, %k: tensor<2x4x?x?xf32>,
                                   %v: tensor<2x4x?x16xf32>) -> tensor<2x4x5x16xf32> {
  %c3 = arith.constant 3 : index
  %d = tensor.dim %k, %c3 : tensor<2x4x?x?xf32>
  %m = tfm.causal_mask (%d) : tensor<5x?xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x?xi1>)
      : tensor<2x4x5x?xf32>, tensor<2x4x?x?xf32>, tensor<2x4x?x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// -----

// A mask passed in as an argument is not known to be causal.
// CHECK-LABEL: func.func @no_fold_block_argument
// CHECK-SAME:    %[[M:[^:]+]]: tensor<5x7xi1>
// CHECK:         tfm.attention {{.+}} mask(%[[M]] : tensor<5x7xi1>) :
// CHECK-NOT:     causal
func.func @no_fold_block_argument(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>,
                                  %v: tensor<2x4x7x16xf32>, %m: tensor<5x7xi1>) -> tensor<2x4x5x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<2x4x5x16xf32>
  return %0 : tensor<2x4x5x16xf32>
}

// -----

// A padding mask is not a causal mask.
// CHECK-LABEL: func.func @no_fold_padding_mask
// CHECK:         %[[M:.+]] = tfm.padding_mask
// CHECK:         tfm.attention {{.+}} mask(%[[M]] : tensor<1x6xi1>) :
// CHECK-NOT:     causal
func.func @no_fold_padding_mask(%q: tensor<2x4x6x16xf32>, %k: tensor<2x4x6x16xf32>,
                                %v: tensor<2x4x6x16xf32>, %len: tensor<1xi32>) -> tensor<2x4x6x16xf32> {
  %m = tfm.padding_mask %len : tensor<1xi32> -> tensor<1x6xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<1x6xi1>)
      : tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32> -> tensor<2x4x6x16xf32>
  return %0 : tensor<2x4x6x16xf32>
}

// -----

// A causal mask that is also used elsewhere: the attention still folds, the
// mask stays for its other user.
// CHECK-LABEL: func.func @fold_shared_mask
// CHECK:         %[[M:.+]] = tfm.causal_mask : tensor<5x5xi1>
// CHECK:         %[[R:.+]] = tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} causal :
// CHECK:         return %[[R]], %[[M]]
func.func @fold_shared_mask(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x5x16xf32>,
                            %v: tensor<2x4x5x16xf32>) -> (tensor<2x4x5x16xf32>, tensor<5x5xi1>) {
  %m = tfm.causal_mask : tensor<5x5xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<5x5xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x5x16xf32>, tensor<2x4x5x16xf32> -> tensor<2x4x5x16xf32>
  return %0, %m : tensor<2x4x5x16xf32>, tensor<5x5xi1>
}
