// RUN: tfm-opt %s -tfm-reassociate-reductions -split-input-file | FileCheck %s

// The body of a contraction gets reassoc+contract; a parallel-only generic
// keeps strict IEEE order.

#map_x = affine_map<(m, n, k) -> (m, k)>
#map_w = affine_map<(m, n, k) -> (n, k)>
#map_o = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @contraction
func.func @contraction(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>,
                       %o: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // CHECK: linalg.generic
  // CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<reassoc,contract> : f32
  // CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc,contract> : f32
  %0 = linalg.generic {indexing_maps = [#map_x, #map_w, #map_o],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<16x8xf32>) outs(%o : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<4x8xf32>, %o: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: arith.addf %{{[^ ]*}}, %{{[^ ]*}} : f32
  // CHECK-NOT: fastmath
  %0 = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%o : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
