// RUN: tfm-opt %s -tfm-fuse-elementwise -split-input-file | FileCheck %s

// Elementwise chains fuse as with linalg-fuse-elementwise-ops.
// CHECK-LABEL: func.func @add_relu(
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK:           arith.addf
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @add_relu(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A normalization feeding a matmul stays a separate op: fused, it would be
// recomputed for each of the 32 output columns, and the matmul would not be
// a two-operand contraction any more.
// CHECK-LABEL: func.func @norm_then_matmul(
// CHECK:         %[[NORM:.+]] = linalg.generic
// CHECK:           arith.mulf
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[NORM]], %{{.*}} : tensor<4x8xf32>, tensor<8x32xf32>)
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d2, d1)>
#o = affine_map<(d0, d1, d2) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @norm_then_matmul(%a: tensor<4x8xf32>, %scale: tensor<4xf32>, %w: tensor<8x32xf32>, %acc: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %n = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a, %scale : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %r = arith.mulf %x, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %m = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%n, %w : tensor<4x8xf32>, tensor<8x32xf32>) outs(%acc : tensor<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %m : tensor<4x32xf32>
}

// -----

// A producer whose element the consumer reads across a reduction loop (a
// row's mean, read by the sum of squared deviations) still fuses.
// CHECK-LABEL: func.func @mean_into_variance(
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK:           arith.divf
// CHECK:           arith.subf
// CHECK-NOT:     linalg.generic
#in = affine_map<(d0, d1) -> (d0, d1)>
#r = affine_map<(d0, d1) -> (d0)>
#r1 = affine_map<(d0) -> (d0)>
func.func @mean_into_variance(%x: tensor<4x8xf32>, %sum: tensor<4xf32>, %acc: tensor<4xf32>) -> tensor<4xf32> {
  %n = arith.constant 8.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %mean = linalg.generic {indexing_maps = [#r1, #r1], iterator_types = ["parallel"]}
      ins(%sum : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%s: f32, %o: f32):
    %d = arith.divf %s, %n : f32
    linalg.yield %d : f32
  } -> tensor<4xf32>
  %var = linalg.generic {indexing_maps = [#in, #r, #r], iterator_types = ["parallel", "reduction"]}
      ins(%x, %mean : tensor<4x8xf32>, tensor<4xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%v: f32, %m: f32, %o: f32):
    %dev = arith.subf %v, %m : f32
    %sq = arith.mulf %dev, %dev : f32
    %s = arith.addf %o, %sq : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %var : tensor<4xf32>
}
