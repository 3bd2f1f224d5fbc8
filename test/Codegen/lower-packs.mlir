// RUN: tfm-opt %s -tfm-lower-packs -split-input-file | FileCheck %s

// Panels [ceil(N/64), K, 64] back to the [K, N] matrix: a transpose to
// [K, ceil(N/64), 64], a collapse to [K, 64 * ceil(N/64)], and a slice that
// drops the padding of the last panel; nothing left for bufferization to
// reject.
// CHECK-LABEL: func.func @unpack_panels(
// CHECK-SAME:      %[[P:.+]]: tensor<3x5x64xf32>
// CHECK-NOT:     linalg.unpack
// CHECK:         %[[T:.+]] = linalg.transpose ins(%[[P]] : tensor<3x5x64xf32>) outs(%{{.+}} : tensor<5x3x64xf32>) permutation = [1, 0, 2]
// CHECK:         %[[C:.+]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1, 2]] : tensor<5x3x64xf32> into tensor<5x192xf32>
// CHECK:         %[[S:.+]] = tensor.extract_slice %[[C]][0, 0] [5, 150] [1, 1]
// CHECK:         linalg.copy ins(%[[S]] : tensor<5x150xf32>)
// CHECK-NOT:     linalg.unpack
func.func @unpack_panels(%p: tensor<3x5x64xf32>) -> tensor<5x150xf32> {
  %e = tensor.empty() : tensor<5x150xf32>
  %u = linalg.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %e : tensor<3x5x64xf32> -> tensor<5x150xf32>
  return %u : tensor<5x150xf32>
}

// -----

// linalg.pack (hand-written IR) becomes a pad, a reshape and a transpose.
// CHECK-LABEL: func.func @pack_panels(
// CHECK-NOT:     linalg.pack
// CHECK:         tensor.pad
// CHECK:         tensor.expand_shape
// CHECK:         linalg.transpose
func.func @pack_panels(%m: tensor<5x150xf32>) -> tensor<3x5x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x5x64xf32>
  %p = linalg.pack %m padding_value(%zero : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %e : tensor<5x150xf32> -> tensor<3x5x64xf32>
  return %p : tensor<3x5x64xf32>
}
