// RUN: tfm-opt %s -tfm-lower-to-linalg -split-input-file | FileCheck %s

// The cache [L, B, H, D] is transposed into the first L positions of the
// result [B, H, L + S, D]; the step's S positions go after it.

// CHECK-LABEL: func.func @append
// CHECK-SAME:      (%[[C:.+]]: tensor<?x?x3x8xf32>, %[[K:.+]]: tensor<?x3x1x8xf32>)
// CHECK-DAG:     %[[L:.+]] = tensor.dim %[[C]], %c0
// CHECK-DAG:     %[[B:.+]] = tensor.dim %[[K]], %c0
// CHECK:         %[[TOTAL:.+]] = arith.addi %[[L]], %c1
// CHECK:         %[[INIT:.+]] = tensor.empty(%[[B]], %[[TOTAL]]) : tensor<?x3x?x8xf32>
// CHECK:         %[[FIRST:.+]] = tensor.extract_slice %[[INIT]][0, 0, 0, 0] [%{{.+}}, 3, %[[L]], 8] [1, 1, 1, 1]
// CHECK:         %[[T:.+]] = linalg.transpose ins(%[[C]] : tensor<?x?x3x8xf32>) outs(%[[FIRST]] : tensor<?x3x?x8xf32>) permutation = [1, 2, 0, 3]
// CHECK:         %[[R:.+]] = tensor.insert_slice %[[T]] into %[[INIT]][0, 0, 0, 0] [%{{.+}}, 3, %[[L]], 8] [1, 1, 1, 1]
// CHECK:         %[[R2:.+]] = tensor.insert_slice %[[K]] into %[[R]][0, 0, %[[L]], 0] [%[[B]], 3, 1, 8] [1, 1, 1, 1]
// CHECK:         return %[[R2]]
// CHECK-NOT:     tfm.
func.func @append(%cache: tensor<?x?x3x8xf32>, %k: tensor<?x3x1x8xf32>) -> tensor<?x3x?x8xf32> {
  %0 = tfm.kv_cache_append %cache, %k : tensor<?x?x3x8xf32>, tensor<?x3x1x8xf32> -> tensor<?x3x?x8xf32>
  return %0 : tensor<?x3x?x8xf32>
}

// -----

// Static sizes fold: 5 cached positions and 2 new ones make 7.

// CHECK-LABEL: func.func @append_static
// CHECK:         %[[INIT:.+]] = tensor.empty() : tensor<2x3x7x8xf32>
// CHECK:         linalg.transpose ins(%{{.+}} : tensor<5x2x3x8xf32>) outs(%{{.+}} : tensor<2x3x5x8xf32>) permutation = [1, 2, 0, 3]
// CHECK:         tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 5, 0] [2, 3, 2, 8] [1, 1, 1, 1] : tensor<2x3x2x8xf32> into tensor<2x3x7x8xf32>
func.func @append_static(%cache: tensor<5x2x3x8xf32>, %k: tensor<2x3x2x8xf32>) -> tensor<2x3x7x8xf32> {
  %0 = tfm.kv_cache_append %cache, %k : tensor<5x2x3x8xf32>, tensor<2x3x2x8xf32> -> tensor<2x3x7x8xf32>
  return %0 : tensor<2x3x7x8xf32>
}

// -----

// Entries: [B, H, S, D] -> [S, B, H, D].

// CHECK-LABEL: func.func @entries
// CHECK-SAME:      (%[[K:.+]]: tensor<?x3x?x8xf32>)
// CHECK-DAG:     %[[B:.+]] = tensor.dim %[[K]], %c0
// CHECK-DAG:     %[[S:.+]] = tensor.dim %[[K]], %c2
// CHECK:         %[[INIT:.+]] = tensor.empty(%[[S]], %[[B]]) : tensor<?x?x3x8xf32>
// CHECK:         %[[T:.+]] = linalg.transpose ins(%[[K]] : tensor<?x3x?x8xf32>) outs(%[[INIT]] : tensor<?x?x3x8xf32>) permutation = [2, 0, 1, 3]
// CHECK:         return %[[T]]
func.func @entries(%k: tensor<?x3x?x8xf32>) -> tensor<?x?x3x8xf32> {
  %0 = tfm.kv_cache_entries %k : tensor<?x3x?x8xf32> -> tensor<?x?x3x8xf32>
  return %0 : tensor<?x?x3x8xf32>
}
