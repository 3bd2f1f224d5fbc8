// RUN: tfm-opt %s -tfm-lower-to-linalg -split-input-file | FileCheck %s

// Attention with an i1 mask broadcast over heads and queries, Dv != D:
// scores Q·Kᵀ (4 parallel loops, reduction over D), scale and mask in one
// elementwise pass, a stable softmax whose fully masked rows give zeros, and
// P·V (reduction over Skv, with the loop along rows of V innermost), where a
// hidden key (p = 0) adds nothing whatever V holds there (0·NaN is NaN).
// CHECK-DAG:   #[[Q_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG:   #[[K_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG:   #[[OUT5:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[MASK_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
// CHECK-DAG:   #[[ROW:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @attention_i1_mask
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<2x4x5x16xf32>, %[[K:[^:]+]]: tensor<2x4x7x16xf32>, %[[V:[^:]+]]: tensor<2x4x7x8xf32>, %[[M:[^:]+]]: tensor<2x1x1x7xi1>)
// CHECK-DAG:     %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:     %[[SCALE:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//
// CHECK:         %[[S0:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x4x5x7xf32>)
// CHECK:         %[[SCORES:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[Q_MAP]], #[[K_MAP]], #[[OUT5]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[Q]], %[[K]] : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>) outs(%[[S0]] : tensor<2x4x5x7xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.addf
//
// CHECK:         %[[MASKED:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID4]], #[[MASK_MAP]], #[[ID4]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[SCORES]], %[[M]] : tensor<2x4x5x7xf32>, tensor<2x1x1x7xi1>)
// CHECK-NEXT:    ^bb0(%[[S:[^:]+]]: f32, %[[KEEP:[^:]+]]: i1, %{{.+}}: f32):
// CHECK-NEXT:      %[[SCALED:.+]] = arith.mulf %[[S]], %[[SCALE]] : f32
// CHECK-NEXT:      %[[SEL:.+]] = arith.select %[[KEEP]], %[[SCALED]], %[[NEG_INF]] : f32
// CHECK-NEXT:      linalg.yield %[[SEL]] : f32
//
// CHECK:         %[[MAX0:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.+}} : tensor<2x4x5xf32>)
// CHECK:         %[[MAX:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID4]], #[[ROW]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[MASKED]] : tensor<2x4x5x7xf32>) outs(%[[MAX0]] : tensor<2x4x5xf32>)
// CHECK:           arith.maximumf
//
// CHECK:         %[[EXP:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[MASKED]], %[[MAX]] : tensor<2x4x5x7xf32>, tensor<2x4x5xf32>)
// CHECK-NEXT:    ^bb0(%[[X:[^:]+]]: f32, %[[XMAX:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[SUB:.+]] = arith.subf %[[X]], %[[XMAX]] : f32
// CHECK-NEXT:      %[[E:.+]] = math.exp %[[SUB]] : f32
// CHECK-NEXT:      %[[ALL_MASKED:.+]] = arith.cmpf oeq, %[[XMAX]], %[[NEG_INF]] : f32
// CHECK-NEXT:      %[[E0:.+]] = arith.select %[[ALL_MASKED]], %[[ZERO]], %[[E]] : f32
// CHECK-NEXT:      linalg.yield %[[E0]] : f32
//
// CHECK:         %[[SUM0:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x4x5xf32>)
// CHECK:         %[[SUM:.+]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[EXP]] : tensor<2x4x5x7xf32>) outs(%[[SUM0]] : tensor<2x4x5xf32>)
// CHECK:           arith.addf
//
// CHECK:         %[[P:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[EXP]], %[[SUM]] : tensor<2x4x5x7xf32>, tensor<2x4x5xf32>)
// CHECK-NEXT:    ^bb0(%[[Y:[^:]+]]: f32, %[[YSUM:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[DIV:.+]] = arith.divf %[[Y]], %[[YSUM]] : f32
// CHECK-NEXT:      %[[EMPTY_ROW:.+]] = arith.cmpf oeq, %[[YSUM]], %[[ZERO]] : f32
// CHECK-NEXT:      %[[P0:.+]] = arith.select %[[EMPTY_ROW]], %[[ZERO]], %[[DIV]] : f32
// CHECK-NEXT:      linalg.yield %[[P0]] : f32
//
// CHECK:         %[[O0:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x4x5x8xf32>)
// CHECK:         %[[OUT:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[OUT5]], #[[K_MAP]], #[[Q_MAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]
// CHECK-SAME:      ins(%[[P]], %[[V]] : tensor<2x4x5x7xf32>, tensor<2x4x7x8xf32>) outs(%[[O0]] : tensor<2x4x5x8xf32>)
// CHECK-NEXT:    ^bb0(%[[PJ:[^:]+]]: f32, %[[VJ:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT:      %[[PV:.+]] = arith.mulf %[[PJ]], %[[VJ]] : f32
// CHECK-NEXT:      %[[NEXT:.+]] = arith.addf %[[ACC]], %[[PV]] : f32
// CHECK-NEXT:      %[[HIDDEN:.+]] = arith.cmpf oeq, %[[PJ]], %[[ZERO]] : f32
// CHECK-NEXT:      %[[ACC2:.+]] = arith.select %[[HIDDEN]], %[[ACC]], %[[NEXT]] : f32
// CHECK-NEXT:      linalg.yield %[[ACC2]] : f32
// CHECK:         return %[[OUT]] : tensor<2x4x5x8xf32>
func.func @attention_i1_mask(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x7x16xf32>, %v: tensor<2x4x7x8xf32>,
                             %m: tensor<2x1x1x7xi1>) -> tensor<2x4x5x8xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x1x1x7xi1>)
      : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x8xf32> -> tensor<2x4x5x8xf32>
  return %0 : tensor<2x4x5x8xf32>
}

// -----

// Causal attention with an additive [Sq, Skv] mask and an explicit scale on
// dynamic lengths: the mask is added, except where it is -inf, which
// selects -inf (a NaN or inf score of a hidden key must not survive), and
// query i sees key j when j <= i + (Skv - Sq), Skv and Sq taken from
// tensor.dim.
// CHECK-DAG:   #[[ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[MASK_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @attention_causal_additive_mask
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<?x4x?x16xf32>, %[[K:[^:]+]]: tensor<?x4x?x16xf32>, %{{[^:]+}}: tensor<?x4x?x16xf32>, %[[M:[^:]+]]: tensor<?x?xf32>)
// CHECK-DAG:     %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:     %[[SCALE:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[SQ:.+]] = tensor.dim %[[Q]], %[[C2]]
// CHECK-DAG:     %[[SKV:.+]] = tensor.dim %[[K]], %[[C2]]
// CHECK:         %[[OFFSET:.+]] = arith.subi %[[SKV]], %[[SQ]] : index
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID4]], #[[MASK_MAP]], #[[ID4]]]
// CHECK-SAME:      ins(%{{.+}}, %[[M]] : tensor<?x4x?x?xf32>, tensor<?x?xf32>)
// CHECK-NEXT:    ^bb0(%[[S:[^:]+]]: f32, %[[ADD:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[SCALED:.+]] = arith.mulf %[[S]], %[[SCALE]] : f32
// CHECK-NEXT:      %[[KEPT:.+]] = arith.cmpf une, %[[ADD]], %[[NEG_INF]] : f32
// CHECK-NEXT:      %[[SUM:.+]] = arith.addf %[[SCALED]], %[[ADD]] : f32
// CHECK-NEXT:      %[[MASKED:.+]] = arith.select %[[KEPT]], %[[SUM]], %[[NEG_INF]] : f32
// CHECK-NEXT:      %[[I:.+]] = linalg.index 2 : index
// CHECK-NEXT:      %[[J:.+]] = linalg.index 3 : index
// CHECK-NEXT:      %[[LAST:.+]] = arith.addi %[[I]], %[[OFFSET]] : index
// CHECK-NEXT:      %[[VISIBLE:.+]] = arith.cmpi sle, %[[J]], %[[LAST]] : index
// CHECK-NEXT:      %[[R:.+]] = arith.select %[[VISIBLE]], %[[MASKED]], %[[NEG_INF]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
// CHECK:         math.exp
func.func @attention_causal_additive_mask(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>,
                                          %v: tensor<?x4x?x16xf32>, %m: tensor<?x?xf32>) -> tensor<?x4x?x16xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x?xf32>) scale(0.5) causal
      : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %0 : tensor<?x4x?x16xf32>
}

// -----

// Without mask or causal, the elementwise pass only scales; with a dynamic
// head size the default scale is computed as rsqrt(D).
// CHECK-LABEL: func.func @attention_dynamic_head_size
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<1x2x3x?xf32>
// CHECK-DAG:     %[[C3:.+]] = arith.constant 3 : index
// CHECK:         %[[D:.+]] = tensor.dim %[[Q]], %[[C3]]
// CHECK:         %[[DI:.+]] = arith.index_cast %[[D]] : index to i64
// CHECK:         %[[DF:.+]] = arith.uitofp %[[DI]] : i64 to f32
// CHECK:         %[[SCALE:.+]] = math.rsqrt %[[DF]] : f32
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.+}} : tensor<1x2x3x3xf32>) outs(%{{.+}} : tensor<1x2x3x3xf32>)
// CHECK-NEXT:    ^bb0(%[[S:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[SCALED:.+]] = arith.mulf %[[S]], %[[SCALE]] : f32
// CHECK-NEXT:      linalg.yield %[[SCALED]] : f32
func.func @attention_dynamic_head_size(%q: tensor<1x2x3x?xf32>, %k: tensor<1x2x3x?xf32>,
                                       %v: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<1x2x3x?xf32>, tensor<1x2x3x?xf32>, tensor<1x2x3x4xf32> -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

// A rank-2 linear is a linalg.matmul reading the [out, in] weight transposed
// through its indexing map, accumulating into the broadcast bias.
// CHECK-DAG:   #[[X_MAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[W_MAP:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:   #[[O_MAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear_rank2_bias
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<7x16xf32>, %[[W:[^:]+]]: tensor<8x16xf32>, %[[B:[^:]+]]: tensor<8xf32>)
// CHECK:         %[[INIT:.+]] = tensor.empty() : tensor<7x8xf32>
// CHECK:         %[[BB:.+]] = linalg.broadcast ins(%[[B]] : tensor<8xf32>) outs(%[[INIT]] : tensor<7x8xf32>) dimensions = [0]
// CHECK:         %[[R:.+]] = linalg.matmul indexing_maps = [#[[X_MAP]], #[[W_MAP]], #[[O_MAP]]]
// CHECK-SAME:      ins(%[[X]], %[[W]] : tensor<7x16xf32>, tensor<8x16xf32>) outs(%[[BB]] : tensor<7x8xf32>)
// CHECK:         return %[[R]]
func.func @linear_rank2_bias(%x: tensor<7x16xf32>, %w: tensor<8x16xf32>, %b: tensor<8xf32>) -> tensor<7x8xf32> {
  %0 = tfm.linear %x, %w bias(%b : tensor<8xf32>) : tensor<7x16xf32>, tensor<8x16xf32> -> tensor<7x8xf32>
  return %0 : tensor<7x8xf32>
}

// -----

// Without a bias the accumulator is zero-filled; a result more static than
// the input gets a tensor.cast.
// CHECK-LABEL: func.func @linear_rank2_cast
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<?x8xf32>)
// CHECK:         %[[MM:.+]] = linalg.matmul {{.+}} outs(%[[FILL]] : tensor<?x8xf32>)
// CHECK:         %[[CAST:.+]] = tensor.cast %[[MM]] : tensor<?x8xf32> to tensor<7x8xf32>
// CHECK:         return %[[CAST]]
func.func @linear_rank2_cast(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>) -> tensor<7x8xf32> {
  %0 = tfm.linear %x, %w : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<7x8xf32>
  return %0 : tensor<7x8xf32>
}

// -----

// Rank 3 with two dynamic leading dimensions: one linalg.generic with both
// leading dimensions as parallel loops (no collapse), reduction over `in`.
// CHECK-DAG:   #[[X_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG:   #[[W_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG:   #[[O_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @linear_rank3_dynamic
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x?x16xf32>, %[[W:[^:]+]]: tensor<8x16xf32>)
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         %[[INIT:.+]] = tensor.empty(%{{.+}}, %{{.+}}) : tensor<?x?x8xf32>
// CHECK:         %[[FILL:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[INIT]] : tensor<?x?x8xf32>)
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[X_MAP]], #[[W_MAP]], #[[O_MAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[X]], %[[W]] : tensor<?x?x16xf32>, tensor<8x16xf32>) outs(%[[FILL]] : tensor<?x?x8xf32>)
// CHECK-NEXT:    ^bb0(%[[A:[^:]+]]: f32, %[[B:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT:      %[[PROD:.+]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT:      %[[SUM:.+]] = arith.addf %[[ACC]], %[[PROD]] : f32
// CHECK-NEXT:      linalg.yield %[[SUM]] : f32
// CHECK-NOT:     tensor.expand_shape
// CHECK:         return %[[R]]
func.func @linear_rank3_dynamic(%x: tensor<?x?x16xf32>, %w: tensor<8x16xf32>) -> tensor<?x?x8xf32> {
  %0 = tfm.linear %x, %w : tensor<?x?x16xf32>, tensor<8x16xf32> -> tensor<?x?x8xf32>
  return %0 : tensor<?x?x8xf32>
}

// -----

// Rank 4 with a bias broadcast over the three leading dimensions.
// CHECK-LABEL: func.func @linear_rank4_bias
// CHECK-SAME:    %[[B:[^:]+]]: tensor<8xf64>
// CHECK:         %[[BB:.+]] = linalg.broadcast ins(%[[B]] : tensor<8xf64>) outs(%{{.+}} : tensor<2x3x4x8xf64>) dimensions = [0, 1, 2]
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      outs(%[[BB]] : tensor<2x3x4x8xf64>)
func.func @linear_rank4_bias(%x: tensor<2x3x4x16xf64>, %w: tensor<8x16xf64>, %b: tensor<8xf64>) -> tensor<2x3x4x8xf64> {
  %0 = tfm.linear %x, %w bias(%b : tensor<8xf64>) : tensor<2x3x4x16xf64>, tensor<8x16xf64> -> tensor<2x3x4x8xf64>
  return %0 : tensor<2x3x4x8xf64>
}

// -----

// Rank 1: a matrix-vector product as a generic.
// CHECK-DAG:   #[[X_MAP:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG:   #[[W_MAP:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[O_MAP:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @linear_rank1
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[X_MAP]], #[[W_MAP]], #[[O_MAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK-SAME:      outs(%{{.+}} : tensor<8xf32>)
func.func @linear_rank1(%x: tensor<16xf32>, %w: tensor<8x16xf32>) -> tensor<8xf32> {
  %0 = tfm.linear %x, %w : tensor<16xf32>, tensor<8x16xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Embedding: a gather with ids clamped to [0, V-1] (V = 100 here).
// CHECK-DAG:   #[[IDS_MAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG:   #[[OUT_MAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @embedding
// CHECK-SAME:    (%[[IDS:[^:]+]]: tensor<2x7xi64>, %[[T:[^:]+]]: tensor<100x16xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C99:.+]] = arith.constant 99 : index
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[IDS_MAP]], #[[OUT_MAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[IDS]] : tensor<2x7xi64>) outs(%{{.+}} : tensor<2x7x16xf32>)
// CHECK-NEXT:    ^bb0(%[[ID:[^:]+]]: i64, %{{.+}}: f32):
// CHECK-NEXT:      %[[IDX:.+]] = arith.index_cast %[[ID]] : i64 to index
// CHECK-NEXT:      %[[LO:.+]] = arith.maxsi %[[IDX]], %[[C0]] : index
// CHECK-NEXT:      %[[ROW:.+]] = arith.minsi %[[LO]], %[[C99]] : index
// CHECK-NEXT:      %[[E:.+]] = linalg.index 2 : index
// CHECK-NEXT:      %[[V:.+]] = tensor.extract %[[T]][%[[ROW]], %[[E]]] : tensor<100x16xf32>
// CHECK-NEXT:      linalg.yield %[[V]] : f32
func.func @embedding(%ids: tensor<2x7xi64>, %t: tensor<100x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.embedding %ids, %t : tensor<2x7xi64>, tensor<100x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}

// -----

// Index ids need no cast; a dynamic vocabulary clamps to dim(table, 0) - 1.
// CHECK-LABEL: func.func @embedding_index_dynamic_vocab
// CHECK-SAME:    (%[[IDS:[^:]+]]: tensor<?xindex>, %[[T:[^:]+]]: tensor<?x16xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK:         %[[V:.+]] = tensor.dim %[[T]], %[[C0]]
// CHECK:         %[[LAST:.+]] = arith.subi %[[V]], %[[C1]] : index
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[ID:[^:]+]]: index, %{{.+}}: f32):
// CHECK-NEXT:      %[[LO:.+]] = arith.maxsi %[[ID]], %[[C0]] : index
// CHECK-NEXT:      %[[ROW:.+]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK-NEXT:      %[[E:.+]] = linalg.index 1 : index
// CHECK-NEXT:      tensor.extract %[[T]][%[[ROW]], %[[E]]]
func.func @embedding_index_dynamic_vocab(%ids: tensor<?xindex>, %t: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = tfm.embedding %ids, %t : tensor<?xindex>, tensor<?x16xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// Softmax on a negative axis (-2 of rank 3 = dimension 1): max and sum
// reduce dimension 1; plain softmax has no zero guard (a row of -inf gives
// NaN, as in PyTorch).
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[RED:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax_negative_axis
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<2x7x16xf32>)
// CHECK-DAG:     %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[MAX0:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.+}} : tensor<2x16xf32>)
// CHECK:         %[[MAX:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[RED]]]
// CHECK-SAME:      iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME:      ins(%[[X]] : tensor<2x7x16xf32>) outs(%[[MAX0]] : tensor<2x16xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[EXP:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[RED]], #[[ID]]]
// CHECK-SAME:      ins(%[[X]], %[[MAX]] : tensor<2x7x16xf32>, tensor<2x16xf32>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.subf
// CHECK-NEXT:      math.exp
// CHECK-NEXT:      linalg.yield
// CHECK:         %[[SUM:.+]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME:      ins(%[[EXP]] : tensor<2x7x16xf32>)
// CHECK:           arith.addf
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[EXP]], %[[SUM]] : tensor<2x7x16xf32>, tensor<2x16xf32>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.divf
// CHECK-NEXT:      linalg.yield
// CHECK:         return %[[R]]
func.func @softmax_negative_axis(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.softmax %x axis(-2) : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}

// -----

// Layer norm: the mean, then the biased variance in a second pass over the
// centered input, then (x - mean) * rsqrt(var + eps) * weight + bias.
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[FEAT:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @layer_norm_weight_bias
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x16xf32>, %[[W:[^:]+]]: tensor<16xf32>, %[[B:[^:]+]]: tensor<16xf32>)
// CHECK-DAG:     %[[EPS:.+]] = arith.constant 9.99999997E-7 : f32
// CHECK-DAG:     %[[N:.+]] = arith.constant 1.600000e+01 : f32
// CHECK:         %[[SUM:.+]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK-SAME:      ins(%[[X]] : tensor<?x16xf32>)
// CHECK:         %[[MEAN:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[SUM]] : tensor<?xf32>)
// CHECK-NEXT:    ^bb0(%[[S:[^:]+]]: f32
// CHECK-NEXT:      arith.divf %[[S]], %[[N]] : f32
// CHECK:         %[[SQ:.+]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK-SAME:      ins(%[[X]], %[[MEAN]] : tensor<?x16xf32>, tensor<?xf32>)
// CHECK-NEXT:    ^bb0(%[[XI:[^:]+]]: f32, %[[MI:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT:      %[[D:.+]] = arith.subf %[[XI]], %[[MI]] : f32
// CHECK-NEXT:      %[[D2:.+]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-NEXT:      arith.addf %[[ACC]], %[[D2]] : f32
// CHECK:         %[[VAR:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[SQ]] : tensor<?xf32>)
// CHECK:           arith.divf
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[FEAT]], #[[FEAT]], #[[ID]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel"]
// CHECK-SAME:      ins(%[[X]], %[[MEAN]], %[[VAR]], %[[W]], %[[B]] :
// CHECK-NEXT:    ^bb0(%[[X1:[^:]+]]: f32, %[[M1:[^:]+]]: f32, %[[V1:[^:]+]]: f32, %[[W1:[^:]+]]: f32, %[[B1:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[C:.+]] = arith.subf %[[X1]], %[[M1]] : f32
// CHECK-NEXT:      %[[VE:.+]] = arith.addf %[[V1]], %[[EPS]] : f32
// CHECK-NEXT:      %[[RSTD:.+]] = math.rsqrt %[[VE]] : f32
// CHECK-NEXT:      %[[Y:.+]] = arith.mulf %[[C]], %[[RSTD]] : f32
// CHECK-NEXT:      %[[YW:.+]] = arith.mulf %[[Y]], %[[W1]] : f32
// CHECK-NEXT:      %[[YB:.+]] = arith.addf %[[YW]], %[[B1]] : f32
// CHECK-NEXT:      linalg.yield %[[YB]] : f32
// CHECK:         return %[[R]]
func.func @layer_norm_weight_bias(%x: tensor<?x16xf32>, %w: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<?x16xf32> {
  %0 = tfm.layer_norm %x weight(%w : tensor<16xf32>) bias(%b : tensor<16xf32>) {epsilon = 1.0e-6 : f32}
      : tensor<?x16xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// Layer norm without weight and bias, default epsilon, dynamic N: the count
// is converted from tensor.dim at run time.
// CHECK-LABEL: func.func @layer_norm_plain_dynamic_n
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<4x?xf32>)
// CHECK-DAG:     %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK:         %[[N:.+]] = tensor.dim %[[X]], %[[C1]]
// CHECK:         %[[NI:.+]] = arith.index_cast %[[N]] : index to i64
// CHECK:         arith.uitofp %[[NI]] : i64 to f32
// CHECK:         linalg.generic {{.+}} ins(%[[X]], %{{.+}}, %{{.+}} : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.subf
// CHECK-NEXT:      arith.addf %{{.+}}, %[[EPS]]
// CHECK-NEXT:      math.rsqrt
// CHECK-NEXT:      %[[Y:.+]] = arith.mulf
// CHECK-NEXT:      linalg.yield %[[Y]] : f32
func.func @layer_norm_plain_dynamic_n(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = tfm.layer_norm %x : tensor<4x?xf32> -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// ReLU: maximumf with 0 (NaN-propagating).
// CHECK-LABEL: func.func @relu
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[INIT:.+]] = tensor.empty(%{{.+}}) : tensor<?x16xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel"]
// CHECK-SAME:      outs(%[[INIT]] : tensor<?x16xf32>)
// CHECK-NEXT:    ^bb0(%[[X:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[R:.+]] = arith.maximumf %[[X]], %[[ZERO]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @relu(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = tfm.relu %x : tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// GELU, erf form: x/2 * (1 + erf(x/sqrt(2))).
// CHECK-LABEL: func.func @gelu_erf
// CHECK-DAG:     %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[RSQRT2:.+]] = arith.constant 0.707106769 : f32
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[X:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[A:.+]] = arith.mulf %[[X]], %[[RSQRT2]] : f32
// CHECK-NEXT:      %[[ERF:.+]] = math.erf %[[A]] : f32
// CHECK-NEXT:      %[[P:.+]] = arith.addf %[[ERF]], %[[ONE]] : f32
// CHECK-NEXT:      %[[H:.+]] = arith.mulf %[[X]], %[[HALF]] : f32
// CHECK-NEXT:      %[[R:.+]] = arith.mulf %[[H]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @gelu_erf(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tfm.gelu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// GELU, tanh form: x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-DAG:     %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[K:.+]] = arith.constant 0.797884583 : f32
// CHECK-DAG:     %[[C:.+]] = arith.constant 4.471500e-02 : f32
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[X:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[X2:.+]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT:      %[[X3:.+]] = arith.mulf %[[X]], %[[X2]] : f32
// CHECK-NEXT:      %[[CX3:.+]] = arith.mulf %[[X3]], %[[C]] : f32
// CHECK-NEXT:      %[[POLY:.+]] = arith.addf %[[X]], %[[CX3]] : f32
// CHECK-NEXT:      %[[IN:.+]] = arith.mulf %[[POLY]], %[[K]] : f32
// CHECK-NEXT:      %[[T:.+]] = math.tanh %[[IN]] : f32
// CHECK-NEXT:      %[[P:.+]] = arith.addf %[[T]], %[[ONE]] : f32
// CHECK-NEXT:      %[[H:.+]] = arith.mulf %[[X]], %[[HALF]] : f32
// CHECK-NEXT:      %[[R:.+]] = arith.mulf %[[H]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tfm.gelu %x approximate(tanh) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A dynamic i1 causal mask: a generic without inputs computing
// j <= i + (Skv - Sq) from its indices.
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @causal_mask_dynamic
// CHECK-SAME:    (%[[SQ:[^:]+]]: index, %[[SKV:[^:]+]]: index)
// CHECK:         %[[OFFSET:.+]] = arith.subi %[[SKV]], %[[SQ]] : index
// CHECK:         %[[INIT:.+]] = tensor.empty(%[[SQ]], %[[SKV]]) : tensor<?x?xi1>
// CHECK:         %[[R:.+]] = linalg.generic {indexing_maps = [#[[ID]]], iterator_types = ["parallel", "parallel"]} outs(%[[INIT]] : tensor<?x?xi1>)
// CHECK-NEXT:    ^bb0(%{{.+}}: i1):
// CHECK-NEXT:      %[[I:.+]] = linalg.index 0 : index
// CHECK-NEXT:      %[[J:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[LAST:.+]] = arith.addi %[[I]], %[[OFFSET]] : index
// CHECK-NEXT:      %[[VIS:.+]] = arith.cmpi sle, %[[J]], %[[LAST]] : index
// CHECK-NEXT:      linalg.yield %[[VIS]] : i1
// CHECK:         return %[[R]]
func.func @causal_mask_dynamic(%sq: index, %skv: index) -> tensor<?x?xi1> {
  %0 = tfm.causal_mask (%sq, %skv) : tensor<?x?xi1>
  return %0 : tensor<?x?xi1>
}

// -----

// A static additive causal mask (Sq = 3, Skv = 5, offset 2) yields 0 or -inf.
// CHECK-LABEL: func.func @causal_mask_additive
// CHECK-DAG:     %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK:         linalg.generic {{.+}} outs(%{{.+}} : tensor<3x5xf32>)
// CHECK-NEXT:    ^bb0(%{{.+}}: f32):
// CHECK-NEXT:      %[[I:.+]] = linalg.index 0 : index
// CHECK-NEXT:      %[[J:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[LAST:.+]] = arith.addi %[[I]], %[[C2]] : index
// CHECK-NEXT:      %[[VIS:.+]] = arith.cmpi sle, %[[J]], %[[LAST]] : index
// CHECK-NEXT:      %[[R:.+]] = arith.select %[[VIS]], %[[ZERO]], %[[NEG_INF]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @causal_mask_additive() -> tensor<3x5xf32> {
  %0 = tfm.causal_mask : tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Padding mask from token ids: ids != pad, in the ids' element type; the
// result type, more static than the ids, comes from a tensor.cast.
// CHECK-LABEL: func.func @padding_mask_ids
// CHECK-SAME:    (%[[IDS:[^:]+]]: tensor<?x7xi32>)
// CHECK-DAG:     %[[PAD:.+]] = arith.constant 1 : i32
// CHECK:         %[[M:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[IDS]] : tensor<?x7xi32>) outs(%{{.+}} : tensor<?x7xi1>)
// CHECK-NEXT:    ^bb0(%[[ID:[^:]+]]: i32, %{{.+}}: i1):
// CHECK-NEXT:      %[[NE:.+]] = arith.cmpi ne, %[[ID]], %[[PAD]] : i32
// CHECK-NEXT:      linalg.yield %[[NE]] : i1
// CHECK:         %[[CAST:.+]] = tensor.cast %[[M]] : tensor<?x7xi1> to tensor<2x7xi1>
// CHECK:         return %[[CAST]]
func.func @padding_mask_ids(%ids: tensor<?x7xi32>) -> tensor<2x7xi1> {
  %0 = tfm.padding_mask %ids pad(1) : tensor<?x7xi32> -> tensor<2x7xi1>
  return %0 : tensor<2x7xi1>
}

// -----

// Padding mask from lengths with a dynamic sequence length: s < lengths[b],
// the mask sized by seq_len.
// CHECK-DAG:   #[[LEN_MAP:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @padding_mask_lengths
// CHECK-SAME:    (%[[LEN:[^:]+]]: tensor<?xi64>, %[[S:[^:]+]]: index)
// CHECK:         %[[INIT:.+]] = tensor.empty(%{{.+}}, %[[S]]) : tensor<?x?xi1>
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[LEN_MAP]], #[[ID]]]
// CHECK-SAME:      ins(%[[LEN]] : tensor<?xi64>) outs(%[[INIT]] : tensor<?x?xi1>)
// CHECK-NEXT:    ^bb0(%[[L:[^:]+]]: i64, %{{.+}}: i1):
// CHECK-NEXT:      %[[POS:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[LI:.+]] = arith.index_cast %[[L]] : i64 to index
// CHECK-NEXT:      %[[LT:.+]] = arith.cmpi slt, %[[POS]], %[[LI]] : index
// CHECK-NEXT:      linalg.yield %[[LT]] : i1
func.func @padding_mask_lengths(%len: tensor<?xi64>, %s: index) -> tensor<?x?xi1> {
  %0 = tfm.padding_mask %len seq_len(%s) : tensor<?xi64> -> tensor<?x?xi1>
  return %0 : tensor<?x?xi1>
}

// -----

// Padding mask from index lengths with a static sequence length.
// CHECK-LABEL: func.func @padding_mask_lengths_static
// CHECK:         tensor.empty() : tensor<2x7xi1>
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[L:[^:]+]]: index, %{{.+}}: i1):
// CHECK-NEXT:      %[[POS:.+]] = linalg.index 1 : index
// CHECK-NEXT:      arith.cmpi slt, %[[POS]], %[[L]] : index
func.func @padding_mask_lengths_static(%len: tensor<2xindex>) -> tensor<2x7xi1> {
  %0 = tfm.padding_mask %len : tensor<2xindex> -> tensor<2x7xi1>
  return %0 : tensor<2x7xi1>
}

// -----

// Sinusoidal encoding, computed in f64 and rounded once: even features take
// sin, odd ones cos of p * exp(2i * -ln(10000)/E) (E = 16).
// CHECK-LABEL: func.func @positional_encoding_sinusoidal
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<2x7x16xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[FREQ:.+]] = arith.constant -0.57564627324851148 : f64
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[X]] : tensor<2x7x16xf32>)
// CHECK-NEXT:    ^bb0(%[[IN:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[P:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[E:.+]] = linalg.index 2 : index
// CHECK-NEXT:      %[[PAR:.+]] = arith.remui %[[E]], %[[C2]] : index
// CHECK-NEXT:      %[[EVEN:.+]] = arith.subi %[[E]], %[[PAR]] : index
// CHECK:           %[[EXPONENT:.+]] = arith.mulf %{{.+}}, %[[FREQ]] : f64
// CHECK:           %[[ODD:.+]] = arith.cmpi ne, %[[PAR]], %[[C0]] : index
// CHECK-NEXT:      %[[SIN:.+]] = math.sin %[[ANGLE:.+]] : f64
// CHECK-NEXT:      %[[COS:.+]] = math.cos %[[ANGLE]] : f64
// CHECK-NEXT:      %[[PE:.+]] = arith.select %[[ODD]], %[[COS]], %[[SIN]] : f64
// CHECK-NEXT:      %[[PE32:.+]] = arith.truncf %[[PE]] : f64 to f32
// CHECK-NEXT:      %[[R:.+]] = arith.addf %[[IN]], %[[PE32]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @positional_encoding_sinusoidal(%x: tensor<2x7x16xf32>) -> tensor<2x7x16xf32> {
  %0 = tfm.positional_encoding sinusoidal %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
  return %0 : tensor<2x7x16xf32>
}

// -----

// In f64 there is nothing to round.
// CHECK-LABEL: func.func @positional_encoding_sinusoidal_f64
// CHECK:         %[[PE:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : f64
// CHECK-NEXT:    %[[R:.+]] = arith.addf %{{.+}}, %[[PE]] : f64
func.func @positional_encoding_sinusoidal_f64(%x: tensor<2x7x16xf64>) -> tensor<2x7x16xf64> {
  %0 = tfm.positional_encoding sinusoidal %x : tensor<2x7x16xf64> -> tensor<2x7x16xf64>
  return %0 : tensor<2x7x16xf64>
}

// -----

// Learned encoding with an offset per batch row: position s + offset[b],
// clamped to the table's rows [0, 31], read with tensor.extract.
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[OFF_MAP:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @positional_encoding_learned_offset
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<2x3x16xf32>, %[[T:[^:]+]]: tensor<32x16xf32>, %[[OFF:[^:]+]]: tensor<2xi32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C31:.+]] = arith.constant 31 : index
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[OFF_MAP]], #[[ID]]]
// CHECK-SAME:      ins(%[[X]], %[[OFF]] : tensor<2x3x16xf32>, tensor<2xi32>)
// CHECK-NEXT:    ^bb0(%[[IN:[^:]+]]: f32, %[[O:[^:]+]]: i32, %{{.+}}: f32):
// CHECK-NEXT:      %[[S:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[OI:.+]] = arith.index_cast %[[O]] : i32 to index
// CHECK-NEXT:      %[[P:.+]] = arith.addi %[[S]], %[[OI]] : index
// CHECK-NEXT:      %[[E:.+]] = linalg.index 2 : index
// CHECK-NEXT:      %[[LO:.+]] = arith.maxsi %[[P]], %[[C0]] : index
// CHECK-NEXT:      %[[ROW:.+]] = arith.minsi %[[LO]], %[[C31]] : index
// CHECK-NEXT:      %[[PE:.+]] = tensor.extract %[[T]][%[[ROW]], %[[E]]] : tensor<32x16xf32>
// CHECK-NEXT:      %[[R:.+]] = arith.addf %[[IN]], %[[PE]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @positional_encoding_learned_offset(%x: tensor<2x3x16xf32>, %t: tensor<32x16xf32>,
                                              %off: tensor<2xi32>) -> tensor<2x3x16xf32> {
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x16xf32>) offset(%off : tensor<2xi32>)
      : tensor<2x3x16xf32> -> tensor<2x3x16xf32>
  return %0 : tensor<2x3x16xf32>
}

// -----

// A learned encoding without offset: position s.
// CHECK-LABEL: func.func @positional_encoding_learned
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%{{.+}}: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[S:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[E:.+]] = linalg.index 2 : index
// CHECK-NEXT:      %[[LO:.+]] = arith.maxsi %[[S]], %{{.+}} : index
// CHECK-NEXT:      %[[ROW:.+]] = arith.minsi %[[LO]], %{{.+}} : index
// CHECK-NEXT:      tensor.extract %{{.+}}[%[[ROW]], %[[E]]]
func.func @positional_encoding_learned(%x: tensor<?x?x16xf32>, %t: tensor<32x16xf32>) -> tensor<?x?x16xf32> {
  %0 = tfm.positional_encoding learned %x table(%t : tensor<32x16xf32>) : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

// tfm.attention_weights stops at the probabilities: scores, masking, the
// stable softmax with its zero guard, and no P·V product.
// CHECK-LABEL: func.func @attention_weights
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK:         arith.maximumf
// CHECK:         math.exp
// CHECK:         arith.divf
// CHECK-NOT:     linalg.generic
// CHECK:         return %{{.*}} : tensor<1x2x4x6xf32>
func.func @attention_weights(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>) -> tensor<1x2x4x6xf32> {
  %0 = tfm.attention_weights %q, %k causal : tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32> -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}
