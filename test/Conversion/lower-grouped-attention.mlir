// RUN: tfm-opt %s -tfm-lower-to-linalg -split-input-file | FileCheck %s

// Grouped-query attention, 8 query heads over 2 key/value heads: Q·Kᵀ and
// P·V read key/value head h floordiv 4 through their index maps (as
// repeat_kv, without a repeated copy); the scores, softmax and output have
// the query heads.
// CHECK-DAG:   #[[Q_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG:   #[[KV_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d3, d4)>
// CHECK-DAG:   #[[OUT5:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @attention_grouped
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<2x8x5x16xf32>, %[[K:[^:]+]]: tensor<2x2x7x16xf32>, %[[V:[^:]+]]: tensor<2x2x7x16xf32>)
// CHECK:         %[[SCORES:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[Q_MAP]], #[[KV_MAP]], #[[OUT5]]]
// CHECK-SAME:      ins(%[[Q]], %[[K]] : tensor<2x8x5x16xf32>, tensor<2x2x7x16xf32>) outs(%{{.+}} : tensor<2x8x5x7xf32>)
// CHECK:         %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[OUT5]], #[[KV_MAP]], #[[Q_MAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]
// CHECK-SAME:      ins(%{{.+}}, %[[V]] : tensor<2x8x5x7xf32>, tensor<2x2x7x16xf32>) outs(%{{.+}} : tensor<2x8x5x16xf32>)
// CHECK:         return %[[OUT]]
func.func @attention_grouped(%q: tensor<2x8x5x16xf32>, %k: tensor<2x2x7x16xf32>,
                             %v: tensor<2x2x7x16xf32>) -> tensor<2x8x5x16xf32> {
  %0 = tfm.attention %q, %k, %v causal
      : tensor<2x8x5x16xf32>, tensor<2x2x7x16xf32>, tensor<2x2x7x16xf32> -> tensor<2x8x5x16xf32>
  return %0 : tensor<2x8x5x16xf32>
}

// -----

// Multi-query (one key/value head) with dynamic batch and lengths: every
// query head reads head h floordiv 6 = 0; a per-query-head mask keeps its
// identity map over the query heads.
// CHECK-DAG:   #[[KV_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 6, d3, d4)>
// CHECK-DAG:   #[[ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @attention_multi_query
// CHECK-SAME:    (%[[Q:[^:]+]]: tensor<?x6x?x8xf32>, %[[K:[^:]+]]: tensor<?x1x?x8xf32>, %[[V:[^:]+]]: tensor<?x1x?x8xf32>, %[[M:[^:]+]]: tensor<?x6x?x?xi1>)
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[Q]], %[[K]] : tensor<?x6x?x8xf32>, tensor<?x1x?x8xf32>)
// CHECK:         linalg.generic {indexing_maps = [#[[ID4]], #[[ID4]], #[[ID4]]]
// CHECK-SAME:      ins(%{{.+}}, %[[M]] : tensor<?x6x?x?xf32>, tensor<?x6x?x?xi1>)
// CHECK:         linalg.generic {indexing_maps = [#{{[^,]+}}, #[[KV_MAP]], #{{[^,]+}}]
// CHECK-SAME:      ins(%{{.+}}, %[[V]] : tensor<?x6x?x?xf32>, tensor<?x1x?x8xf32>)
func.func @attention_multi_query(%q: tensor<?x6x?x8xf32>, %k: tensor<?x1x?x8xf32>,
                                 %v: tensor<?x1x?x8xf32>, %m: tensor<?x6x?x?xi1>) -> tensor<?x6x?x8xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x6x?x?xi1>)
      : tensor<?x6x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32> -> tensor<?x6x?x8xf32>
  return %0 : tensor<?x6x?x8xf32>
}

// -----

// tfm.attention_weights groups the keys alike.
// CHECK-DAG:   #[[KV_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 3, d3, d4)>
// CHECK-LABEL: func.func @attention_weights_grouped
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#{{.+}}, #[[KV_MAP]], #{{.+}}]
// CHECK-SAME:      ins(%{{.+}}, %{{.+}} : tensor<1x9x5x64xf32>, tensor<1x3x5x64xf32>) outs(%{{.+}} : tensor<1x9x5x5xf32>)
func.func @attention_weights_grouped(%q: tensor<1x9x5x64xf32>, %k: tensor<1x3x5x64xf32>) -> tensor<1x9x5x5xf32> {
  %0 = tfm.attention_weights %q, %k : tensor<1x9x5x64xf32>, tensor<1x3x5x64xf32> -> tensor<1x9x5x5xf32>
  return %0 : tensor<1x9x5x5xf32>
}
