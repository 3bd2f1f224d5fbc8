// RUN: tfm-opt %s -tfm-lower-vectors -split-input-file | FileCheck %s

// A register tile on buffers: the 8×32 accumulator becomes 1-D loads, the
// contraction one broadcast row of A times a row of B per step (FMAs), and
// the 2-D transfers 1-D loads and stores.
// CHECK-LABEL: func.func @kernel(
// CHECK-NOT:     vector.contract
// CHECK-NOT:     vector.transfer_read
// CHECK:         vector.load {{.*}} : memref<64x64xf32>, vector<32xf32>
// CHECK:         vector.fma {{.*}} : vector<32xf32>
// CHECK:         vector.store {{.*}} : memref<64x64xf32>, vector<32xf32>
// CHECK-NOT:     vector.contract
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @kernel(%A: memref<64x64xf32>, %B: memref<64x64xf32>, %C: memref<64x64xf32>, %i: index, %j: index, %k: index) {
  %z = arith.constant 0.0 : f32
  %acc = vector.transfer_read %C[%i, %j], %z {in_bounds = [true, true]} : memref<64x64xf32>, vector<8x32xf32>
  %a = vector.transfer_read %A[%i, %k], %z {in_bounds = [true, true]} : memref<64x64xf32>, vector<8x1xf32>
  %b = vector.transfer_read %B[%k, %j], %z {in_bounds = [true, true]} : memref<64x64xf32>, vector<1x32xf32>
  %r = vector.contract {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
  vector.transfer_write %r, %C[%i, %j] {in_bounds = [true, true]} : vector<8x32xf32>, memref<64x64xf32>
  return
}

// -----

// A partial tile: masked transfers become masked loads and stores.
// CHECK-LABEL: func.func @masked(
// CHECK:         vector.maskedload
// CHECK:         vector.maskedstore
func.func @masked(%C: memref<?x?xf32>, %m: index, %n: index) {
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %mask = vector.create_mask %m, %n : vector<8x32xi1>
  %acc = vector.transfer_read %C[%c0, %c0], %z, %mask {in_bounds = [true, true]} : memref<?x?xf32>, vector<8x32xf32>
  %r = arith.addf %acc, %acc : vector<8x32xf32>
  vector.transfer_write %r, %C[%c0, %c0], %mask {in_bounds = [true, true]} : vector<8x32xf32>, memref<?x?xf32>
  return
}
