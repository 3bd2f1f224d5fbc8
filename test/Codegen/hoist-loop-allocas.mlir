// RUN: tfm-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tfm-hoist-loop-allocas))" | FileCheck %s

// Allocas leave nested sequential loops, dynamic ones too when their size
// is defined outside.
// CHECK-LABEL: func.func @nested_for
// CHECK:         %[[A:.+]] = memref.alloca() : memref<16xf32>
// CHECK-NEXT:    %[[B:.+]] = memref.alloca(%arg1) : memref<?xf32>
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      scf.for
// CHECK-NOT:         memref.alloca
func.func @nested_for(%out: memref<4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c4 step %c1 {
      %a = memref.alloca() : memref<16xf32>
      %b = memref.alloca(%n) : memref<?xf32>
      %x = memref.load %a[%j] : memref<16xf32>
      %y = memref.load %b[%j] : memref<?xf32>
      %s = arith.addf %x, %y : f32
      memref.store %s, %out[%i] : memref<4xf32>
    }
  }
  return
}

// -----

// A size computed in the loop keeps the alloca there; an scf.parallel is an
// allocation scope (each thread needs its own tile), an scf.if is not a loop.
// CHECK-LABEL: func.func @stays
// CHECK:         scf.for %[[I:.+]] =
// CHECK-NEXT:      %[[N:.+]] = arith.addi %[[I]]
// CHECK-NEXT:      memref.alloca(%[[N]])
// CHECK:         scf.parallel
// CHECK-NEXT:      memref.alloca() : memref<8xf32>
// CHECK:         scf.if
// CHECK-NEXT:      memref.alloca() : memref<2xf32>
func.func @stays(%out: memref<4xf32>, %c: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %n = arith.addi %i, %c1 : index
    %a = memref.alloca(%n) : memref<?xf32>
    %x = memref.load %a[%c0] : memref<?xf32>
    memref.store %x, %out[%i] : memref<4xf32>
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %a = memref.alloca() : memref<8xf32>
    %x = memref.load %a[%i] : memref<8xf32>
    memref.store %x, %out[%i] : memref<4xf32>
  }
  scf.if %c {
    %a = memref.alloca() : memref<2xf32>
    %x = memref.load %a[%c0] : memref<2xf32>
    memref.store %x, %out[%c0] : memref<4xf32>
  }
  return
}
