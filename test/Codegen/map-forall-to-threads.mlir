// RUN: tfm-opt %s -tfm-map-forall-to-threads -cse -split-input-file -verify-diagnostics | FileCheck %s

// An outermost forall becomes an scf.parallel (threads, once
// convert-scf-to-openmp runs); the forall nested in it runs sequentially.
// CHECK-LABEL: func.func @nest
// CHECK:         scf.parallel (%[[I:.+]]) = (%c0) to (%[[N:.+]]) step (%c1)
// CHECK-NOT:       scf.forall
// CHECK-NOT:       scf.parallel
// CHECK:           scf.for %[[J:.+]] = %c0 to %c4 step %c1
// CHECK:             memref.store %{{.+}}, %{{.+}}[%[[I]], %[[J]]]
// CHECK-NOT:     scf.forall
func.func @nest(%out: memref<?x4xf32>, %n: index) {
  %c = arith.constant 1.0 : f32
  scf.forall (%i) in (%n) {
    scf.forall (%j) in (4) {
      memref.store %c, %out[%i, %j] : memref<?x4xf32>
    }
  }
  return
}

// -----

// Two loop nests, one after the other: each gets its own parallel loop.
// CHECK-LABEL: func.func @siblings
// CHECK:         scf.parallel
// CHECK:         scf.parallel
// CHECK-NOT:     scf.forall
func.func @siblings(%out: memref<8xf32>) {
  %c = arith.constant 1.0 : f32
  scf.forall (%i) in (4) {
    memref.store %c, %out[%i] : memref<8xf32>
  }
  scf.forall (%i) = (4) to (8) step (1) {
    memref.store %c, %out[%i] : memref<8xf32>
  }
  return
}

// -----

// Loops that still produce tensors must bufferize first.
func.func @tensor_outputs(%t: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant 1.0 : f32
  // expected-error @below {{has tensor outputs: map it to threads after bufferization}}
  %r = scf.forall (%i) in (4) shared_outs(%o = %t) -> tensor<4xf32> {
    %s = tensor.from_elements %c : tensor<1xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[%i] [1] [1]
          : tensor<1xf32> into tensor<4xf32>
    }
  }
  return %r : tensor<4xf32>
}
