// RUN: tfm-opt %s --tfm-tile-rows-for-threads --canonicalize | FileCheck %s

#id3 = affine_map<(a, b, c) -> (a, b, c)>
#row3 = affine_map<(a, b, c) -> (a, b)>

// An elementwise op on [?, ?, 16]: rows (the two outer loops) become the
// iterations of an scf.forall, each computing one whole row of 16.
// CHECK-LABEL: func.func @elementwise
// CHECK:         scf.forall (%[[I:.+]], %[[J:.+]]) in (%{{.+}}, %{{.+}}) shared_outs(%[[OUT:.+]] = %{{.+}})
// CHECK:           tensor.extract_slice %{{.+}}[%[[I]], %[[J]], 0] [1, 1, 16] [1, 1, 1]
// CHECK:           linalg.generic {{.*}} ins(%{{.+}} : tensor<1x1x16xf32>)
// CHECK:           tensor.parallel_insert_slice %{{.+}} into %[[OUT]][%[[I]], %[[J]], 0] [1, 1, 16]
func.func @elementwise(%x: tensor<?x?x16xf32>, %init: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %0 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x?x16xf32>) outs(%init : tensor<?x?x16xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// A row reduction: the parallel loops are tiled, the reduction stays whole
// inside each iteration (so the summation order does not depend on threads).
// CHECK-LABEL: func.func @row_sum
// CHECK:         scf.forall (%[[I:.+]], %[[J:.+]]) in
// CHECK:           linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:        ins(%{{.+}} : tensor<1x1x?xf32>) outs(%{{.+}} : tensor<1x1xf32>)
func.func @row_sum(%x: tensor<?x?x?xf32>, %init: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = linalg.generic {indexing_maps = [#id3, #row3], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<?x?x?xf32>) outs(%init : tensor<?x?xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// Left alone: a small static op (fewer iterations than min-elements), a
// one-dimensional op (its only loop is the innermost), a reduction over the
// outermost loop, and an op already inside a forall.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT:     scf.forall
// CHECK:         linalg.generic
// CHECK-NOT:     scf.forall
// CHECK:         linalg.fill
// CHECK-NOT:     scf.forall
// CHECK:         linalg.generic
// CHECK:         return
func.func @left_alone(%small: tensor<4x16xf32>, %v: tensor<?xf32>, %m: tensor<?x?xf32>, %r: tensor<?xf32>)
    -> (tensor<4x16xf32>, tensor<?xf32>, tensor<?xf32>) {
  %0 = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%small : tensor<4x16xf32>) outs(%small : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<4x16xf32>
  %zero = arith.constant 0.0 : f32
  %1 = linalg.fill ins(%zero : f32) outs(%v : tensor<?xf32>) -> tensor<?xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (b)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%m : tensor<?x?xf32>) outs(%r : tensor<?xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  return %0, %1, %2 : tensor<4x16xf32>, tensor<?xf32>, tensor<?xf32>
}

// CHECK-LABEL: func.func @inside_forall
// CHECK:         scf.forall
// CHECK-NOT:     scf.forall
// CHECK:         linalg.generic
func.func @inside_forall(%x: tensor<8x?x?xf32>) -> tensor<8x?x?xf32> {
  %0 = scf.forall (%i) in (8) shared_outs(%o = %x) -> (tensor<8x?x?xf32>) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %d1 = tensor.dim %x, %c1 : tensor<8x?x?xf32>
    %d2 = tensor.dim %x, %c2 : tensor<8x?x?xf32>
    %s = tensor.extract_slice %x[%i, 0, 0] [1, %d1, %d2] [1, 1, 1] : tensor<8x?x?xf32> to tensor<1x?x?xf32>
    %n = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%s : tensor<1x?x?xf32>) outs(%s : tensor<1x?x?xf32>) {
    ^bb0(%a: f32, %b: f32):
      %m = arith.negf %a : f32
      linalg.yield %m : f32
    } -> tensor<1x?x?xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %n into %o[%i, 0, 0] [1, %d1, %d2] [1, 1, 1] : tensor<1x?x?xf32> into tensor<8x?x?xf32>
    }
  }
  return %0 : tensor<8x?x?xf32>
}

// A transpose that keeps the innermost dimension (heads split from
// [B, S, H, D] to [B, H, S, D]): rows of D = 64 are copied with vector
// transfers, not left to scalar loops.
// CHECK-LABEL: func.func @split_heads
// CHECK:         scf.forall (%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}}, 8, %{{.+}})
// CHECK:           %[[ROW:.+]] = vector.transfer_read {{.+}} : tensor<1x1x1x64xf32>, vector<1x1x1x64xf32>
// CHECK:           vector.transfer_write %[[ROW]], {{.+}} : vector<1x1x1x64xf32>, tensor<1x1x1x64xf32>
// CHECK-NOT:       linalg.
// CHECK:         return
func.func @split_heads(%x: tensor<?x?x8x64xf32>) -> tensor<?x8x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8x64xf32>
  %s = tensor.dim %x, %c1 : tensor<?x?x8x64xf32>
  %e = tensor.empty(%b, %s) : tensor<?x8x?x64xf32>
  %t = linalg.transpose ins(%x : tensor<?x?x8x64xf32>) outs(%e : tensor<?x8x?x64xf32>) permutation = [0, 2, 1, 3]
  return %t : tensor<?x8x?x64xf32>
}
