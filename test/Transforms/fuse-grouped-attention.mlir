// RUN: tfm-opt %s --split-input-file --tfm-fuse-attention | FileCheck %s
// RUN: tfm-opt %s --split-input-file --tfm-fuse-attention="vector-bits=256 vector-registers=16" \
// RUN:   | FileCheck %s --check-prefix=AVX2

// Grouped-query attention in the fused kernels: query head h reads key/value
// head h / G from the keys, values or caches, which keep their Hkv heads.

// Query blocks (Sq=40 > 16 lanes): the forall runs over the 8 query heads;
// K and V are read at head h divui 4, the mask and the output at h.
// CHECK-LABEL: func.func @grouped_blocks
// CHECK:         %[[K:.+]] = bufferization.to_buffer %arg1 read_only : tensor<2x2x40x64xf32>
// CHECK:         %[[V:.+]] = bufferization.to_buffer %arg2 read_only : tensor<2x2x40x64xf32>
// CHECK:         %[[M:.+]] = bufferization.to_buffer %arg3
// CHECK:         %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x40x64xf32>
// CHECK:         scf.forall (%[[B:.+]], %[[H:.+]], %{{.+}}) in (%c2, %c8, %{{.+}}) {
// CHECK:           %[[HK:.+]] = arith.divui %[[H]], %{{.+}} : index
// CHECK:           memref.load %[[K]][%[[B]], %[[HK]], %{{.+}}, %{{.+}}]
// CHECK:           memref.load %[[M]][%[[B]], %[[H]], %{{.+}}, %{{.+}}]
// CHECK:           memref.load %[[V]][%[[B]], %[[HK]], %{{.+}}, %{{.+}}]
// CHECK:           memref.store %{{.+}}, %[[OUT]][%[[B]], %[[H]], %{{.+}}, %{{.+}}]
func.func @grouped_blocks(%q: tensor<2x8x40x64xf32>, %k: tensor<2x2x40x64xf32>,
                          %v: tensor<2x2x40x64xf32>, %m: tensor<2x8x40x40xi1>) -> tensor<2x8x40x64xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x8x40x40xi1>)
      : tensor<2x8x40x64xf32>, tensor<2x2x40x64xf32>, tensor<2x2x40x64xf32> -> tensor<2x8x40x64xf32>
  return %0 : tensor<2x8x40x64xf32>
}

// -----

// A decoding step (Sq=1) with 8 query heads over 2 key/value heads: each
// forall iteration takes the 4 query heads of one group (heads 4h' to
// 4h'+3, key/value head h'), with their scaled queries, running maxima,
// sums and O accumulators in stack buffers; per block of 16 keys an scf.for
// over the 4 heads runs the softmax step against the same rows of K and V
// (read once from memory, then from the L1 cache).
// CHECK-LABEL: func.func @grouped_decode
// CHECK:         %[[Q:.+]] = bufferization.to_buffer %arg0
// CHECK:         %[[K:.+]] = bufferization.to_buffer %arg1
// CHECK:         %[[V:.+]] = bufferization.to_buffer %arg2
// CHECK:         %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x1x64xf32>
// CHECK:         scf.forall (%[[B:.+]], %[[G:.+]], %[[ROW:.+]]) in (%c2, %c2{{.*}}, %{{.+}}) {
// CHECK:           %[[H0:.+]] = arith.muli %[[G]], %c4{{.*}} : index
// CHECK:           %[[HK:.+]] = arith.divui %[[H0]], %c4{{.*}} : index
// CHECK:           %[[QS:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4x64xf32>
// CHECK:           %[[MS:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4xf32>
// CHECK:           %[[LS:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4xf32>
// CHECK:           %[[OS:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4x64xf32>
// CHECK:           scf.for %[[I:.+]] = %{{.+}} to %c4{{.*}} step
// CHECK:             %[[HI:.+]] = arith.addi %[[H0]], %[[I]] : index
// CHECK:             vector.load %[[Q]][%[[B]], %[[HI]], %[[ROW]], %{{.+}}]
// CHECK:             vector.store %{{.+}}, %[[QS]][%[[I]], %{{.+}}]
// CHECK:           scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:             scf.for %[[J:.+]] = %{{.+}} to %c4{{.*}} step
// CHECK:               memref.load %[[MS]][%[[J]]]
// CHECK:               memref.load %[[LS]][%[[J]]]
// CHECK:               vector.load %[[QS]][%[[J]], %{{.+}}]
// CHECK:               vector.load %[[K]][%[[B]], %[[HK]], %{{.+}}, %{{.+}}]
// CHECK:               vector.load %[[V]][%[[B]], %[[HK]], %{{.+}}, %{{.+}}]
// CHECK:               memref.store %{{.+}}, %[[MS]][%[[J]]]
// CHECK:               memref.store %{{.+}}, %[[LS]][%[[J]]]
// CHECK:               vector.store %{{.+}}, %[[OS]][%[[J]], %{{.+}}]
// CHECK:           scf.for %[[F:.+]] = %{{.+}} to %c4{{.*}} step
// CHECK:             memref.load %[[LS]][%[[F]]]
// CHECK:             %[[HF:.+]] = arith.addi %[[H0]], %[[F]] : index
// CHECK:             vector.store %{{.+}}, %[[OUT]][%[[B]], %[[HF]], %[[ROW]], %{{.+}}]
// AVX2-LABEL: func.func @grouped_decode
// AVX2:         scf.forall
// AVX2:           memref.alloca() {alignment = 64 : i64} : memref<4x64xf32>
// AVX2:           vector.load {{.+}} vector<8xf32>
func.func @grouped_decode(%q: tensor<2x8x1x64xf32>, %k: tensor<2x2x77x64xf32>,
                          %v: tensor<2x2x77x64xf32>) -> tensor<2x8x1x64xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<2x8x1x64xf32>, tensor<2x2x77x64xf32>, tensor<2x2x77x64xf32> -> tensor<2x8x1x64xf32>
  return %0 : tensor<2x8x1x64xf32>
}

// -----

// Multi-query decoding from caches [L, B, 1, D]: a group of 16 query heads
// is taken 8 at a time (2 iterations per key/value head); the caches and
// the steps are read in place at key/value head 0 (no append is built).
// CHECK-LABEL: func.func @multi_query_cached
// CHECK-NOT:     tfm.kv_cache_append
// CHECK:         %[[PK:.+]] = bufferization.to_buffer %arg1 read_only : tensor<?x?x1x80xf32>
// CHECK:         %[[NK:.+]] = bufferization.to_buffer %arg2 read_only : tensor<?x1x1x80xf32>
// CHECK:         scf.forall (%[[B:.+]], %[[G:.+]], %{{.+}}) in (%{{.+}}, %c2{{.*}}, %{{.+}}) {
// CHECK:           %[[H0:.+]] = arith.muli %[[G]], %c8{{.*}} : index
// CHECK:           %[[HK:.+]] = arith.divui %[[H0]], %c16{{.*}} : index
// CHECK:           memref.alloca() {alignment = 64 : i64} : memref<8x80xf32>
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               vector.load %[[PK]][%{{.+}}, %[[B]], %[[HK]], %{{.+}}]
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               vector.load %[[NK]][%[[B]], %[[HK]], %{{.+}}, %{{.+}}]
// CHECK-NOT:     tfm.kv_cache_append
func.func @multi_query_cached(%q: tensor<?x16x1x80xf32>, %pk: tensor<?x?x1x80xf32>,
                              %nk: tensor<?x1x1x80xf32>, %pv: tensor<?x?x1x80xf32>,
                              %nv: tensor<?x1x1x80xf32>) -> tensor<?x16x1x80xf32> {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x1x80xf32>, tensor<?x1x1x80xf32> -> tensor<?x1x?x80xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x1x80xf32>, tensor<?x1x1x80xf32> -> tensor<?x1x?x80xf32>
  %0 = tfm.attention %q, %k, %v causal
      : tensor<?x16x1x80xf32>, tensor<?x1x?x80xf32>, tensor<?x1x?x80xf32> -> tensor<?x16x1x80xf32>
  return %0 : tensor<?x16x1x80xf32>
}

// -----

// A group of 7 query heads (prime) takes all 7 together; Hq == Hkv keeps
// one query head per iteration (no grouping code at all).
// CHECK-LABEL: func.func @group_of_seven
// CHECK:         scf.forall (%{{.+}}, %{{.+}}, %{{.+}}) in (%c1, %c2{{.*}}, %{{.+}}) {
// CHECK:           memref.alloca() {alignment = 64 : i64} : memref<7x64xf32>
// CHECK-LABEL: func.func @ungrouped_decode
// CHECK:         scf.forall (%[[B:.+]], %[[H:.+]], %{{.+}}) in (%c1, %c4, %{{.+}}) {
// CHECK-NOT:       arith.divui
// CHECK-NOT:       memref.alloca
// CHECK:           vector.load %{{.+}}[%[[B]], %[[H]], %{{.+}}, %{{.+}}]
// CHECK:         bufferization.to_tensor
func.func @group_of_seven(%q: tensor<1x14x1x64xf32>, %k: tensor<1x2x9x64xf32>,
                          %v: tensor<1x2x9x64xf32>) -> tensor<1x14x1x64xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<1x14x1x64xf32>, tensor<1x2x9x64xf32>, tensor<1x2x9x64xf32> -> tensor<1x14x1x64xf32>
  return %0 : tensor<1x14x1x64xf32>
}
func.func @ungrouped_decode(%q: tensor<1x4x1x64xf32>, %k: tensor<1x4x9x64xf32>,
                            %v: tensor<1x4x9x64xf32>) -> tensor<1x4x1x64xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<1x4x1x64xf32>, tensor<1x4x9x64xf32>, tensor<1x4x9x64xf32> -> tensor<1x4x1x64xf32>
  return %0 : tensor<1x4x1x64xf32>
}
