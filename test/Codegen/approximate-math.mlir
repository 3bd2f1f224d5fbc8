// RUN: tfm-opt %s --tfm-approximate-math | FileCheck %s

// exp, erf and tanh become inline arithmetic (no libm call left), on
// scalars and vectors alike.
// CHECK-LABEL: func.func @approximated
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.erf
// CHECK-NOT:     math.tanh
// CHECK:         math.fma {{.*}} : vector<16xf32>
// CHECK:         return
func.func @approximated(%x: f32, %v: vector<16xf32>) -> (f32, vector<16xf32>, f32) {
  %a = math.exp %x : f32
  %b = math.erf %v : vector<16xf32>
  %c = math.tanh %x : f32
  return %a, %b, %c : f32, vector<16xf32>, f32
}

// sin and cos stay libm calls: positional encodings pass arguments in the
// thousands, beyond the approximations' reduced range.
// CHECK-LABEL: func.func @kept
// CHECK:         math.sin
// CHECK:         math.cos
func.func @kept(%x: f32) -> (f32, f32) {
  %s = math.sin %x : f32
  %c = math.cos %x : f32
  return %s, %c : f32, f32
}
