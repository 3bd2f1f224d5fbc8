// RUN: tfm-opt %s -tfm-approximate-math -split-input-file | FileCheck %s

// GELU's erf and softmax's exp become arithmetic (no libm call), on
// scalars and on vectors alike.
// CHECK-LABEL: func.func @erf_exp(
// CHECK-NOT:     math.erf
// CHECK-NOT:     math.exp
// CHECK:         math.fma {{.*}} : f32
// CHECK:         math.fma {{.*}} : vector<16xf32>
// CHECK-NOT:     math.erf
// CHECK-NOT:     math.exp
// CHECK:         return
func.func @erf_exp(%x: f32, %v: vector<16xf32>) -> (f32, vector<16xf32>) {
  %0 = math.erf %x : f32
  %1 = math.exp %v : vector<16xf32>
  return %0, %1 : f32, vector<16xf32>
}

// -----

// f64 has no approximation here: left to libm.
// CHECK-LABEL: func.func @erf_f64(
// CHECK:         math.erf {{.*}} : f64
func.func @erf_f64(%x: f64) -> f64 {
  %0 = math.erf %x : f64
  return %0 : f64
}
