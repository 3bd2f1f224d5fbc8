// RUN: tfm-opt %s --split-input-file --tfm-fuse-attention | FileCheck %s
// RUN: tfm-opt %s --split-input-file --tfm-fuse-attention="query-block=32 key-block=48" \
// RUN:   | FileCheck %s --check-prefix=BLOCKS
// RUN: not tfm-opt %s --split-input-file --tfm-fuse-attention="query-block=20" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD
// RUN: tfm-opt %s --split-input-file --tfm-fuse-attention="vector-bits=256 vector-registers=16" \
// RUN:   | FileCheck %s --check-prefix=AVX2
// RUN: not tfm-opt %s --split-input-file --tfm-fuse-attention="vector-bits=96" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD-BITS

// BAD: error: tfm-fuse-attention: query-block must be a positive multiple of 16, got 20
// BAD-BITS: error: tfm-fuse-attention: vector-bits must be a power of two of at least 64 and vector-registers at least 8, got 96 and 32

// Causal cross-attention on static odd shapes (Sq=77, Skv=130, D=40, Dv=24):
// inputs read through to_buffer, one output buffer, a forall over
// batch × heads × query blocks with stack tiles Qᵀ [D × 64], Sᵀ [64 × 64],
// Oᵀ [Dv × 64]; key blocks past the diagonal are never visited (the loop
// ends at min(q0 + nq + Skv - Sq, Skv)); only blocks crossing it mask
// (scf.if); exp is a polynomial on vectors. Static sizes need no run-time
// check.
// CHECK-LABEL: func.func @causal
// CHECK-NOT:     cf.assert
// CHECK:         %[[Q:.+]] = bufferization.to_buffer %arg0 read_only : tensor<2x3x77x40xf32> to memref<2x3x77x40xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK:         %[[K:.+]] = bufferization.to_buffer %arg1 read_only
// CHECK:         %[[V:.+]] = bufferization.to_buffer %arg2 read_only
// CHECK:         %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x3x77x24xf32>
// CHECK:         scf.forall (%[[B:.+]], %[[H:.+]], %[[QB:.+]]) in (%c2, %c3, %{{.+}}) {
// CHECK:           %[[QT:.+]] = memref.alloca() {alignment = 64 : i64} : memref<40x64xf32>
// CHECK:           %[[ST:.+]] = memref.alloca() {alignment = 64 : i64} : memref<64x64xf32>
// CHECK:           %[[OT:.+]] = memref.alloca() {alignment = 64 : i64} : memref<24x64xf32>
// CHECK:           memref.load %[[Q]][%[[B]], %[[H]]
// CHECK:           %[[LAST:.+]] = arith.minsi %{{.+}}, %c130{{.*}} : index
// CHECK:           arith.maxsi %[[LAST]]
// CHECK:           %[[NKB:.+]] = arith.ceildivsi
// CHECK:           scf.for %{{.+}} = %{{.+}} to %[[NKB]] step %{{.+}} iter_args(
// CHECK:             %[[CROSS:.+]] = arith.cmpi sgt
// CHECK:             scf.if %[[CROSS]] -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:               memref.load %[[K]]
// CHECK-COUNT-4:       vector.fma {{.+}} : vector<16xf32>
// CHECK:               arith.cmpi sge, {{.+}} : vector<16xi32>
// CHECK:               vector.store {{.+}}, %[[ST]]
// CHECK:             } else {
// CHECK-NOT:           arith.cmpi sge
// CHECK:               vector.fma
// CHECK:             }
// CHECK-NOT:         math.exp
// CHECK:             memref.load %[[V]]
// CHECK:             vector.fma
// CHECK:             vector.store {{.+}}, %[[OT]]
// CHECK:           memref.store %{{.+}}, %[[OUT]][%[[B]], %[[H]]
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable : memref<2x3x77x24xf32> to tensor<2x3x77x24xf32>
// CHECK-NOT:     tfm.attention
// BLOCKS-LABEL: func.func @causal
// BLOCKS:         memref.alloca() {{.+}} : memref<40x32xf32>
// BLOCKS:         memref.alloca() {{.+}} : memref<48x32xf32>
// BLOCKS:         memref.alloca() {{.+}} : memref<24x32xf32>
// 48 keys are 8 register tiles of 6 keys × 2 vectors of queries.
// BLOCKS:         scf.for
// BLOCKS-COUNT-12:  vector.fma
// BLOCKS-NOT:       vector.fma
// BLOCKS:           scf.yield
// With AVX2 (8 lanes, 16 registers), queries lie along 8-lane vectors in
// blocks of 16 (two vectors: 8 to 12 accumulators per register tile).
// AVX2-LABEL: func.func @causal
// AVX2:         scf.forall
// AVX2:           memref.alloca() {{.+}} : memref<40x16xf32>
// AVX2:           memref.alloca() {{.+}} : memref<64x16xf32>
// AVX2:           memref.alloca() {{.+}} : memref<24x16xf32>
// AVX2:           scf.if %{{.+}} -> (vector<8xf32>, vector<8xf32>) {
// AVX2:             vector.fma {{.+}} : vector<8xf32>
// AVX2-NOT:     vector<16xf32>
func.func @causal(%q: tensor<2x3x77x40xf32>, %k: tensor<2x3x130x40xf32>,
                  %v: tensor<2x3x130x24xf32>) -> tensor<2x3x77x24xf32> {
  %0 = tfm.attention %q, %k, %v causal
      : tensor<2x3x77x40xf32>, tensor<2x3x130x40xf32>, tensor<2x3x130x24xf32> -> tensor<2x3x77x24xf32>
  return %0 : tensor<2x3x77x24xf32>
}

// -----

// Dynamic sizes: they are checked against each other at run time; the Qᵀ
// tile has D rows and the scale is 1/sqrt(D) computed at run time. Without
// the causal flag or a mask no score is masked. Up to 16 queries (decoding
// steps) take blocks of 16 queries, chosen at run time; more take 64.
// CHECK-LABEL: func.func @dynamic
// CHECK:         %[[FEW:.+]] = arith.cmpi ule, %{{.+}}, %c16
// CHECK:         scf.if %[[FEW]] -> (tensor<?x?x?x?xf32>) {
// CHECK:           cf.assert %{{.+}}, "tensor sizes do not agree in {{.+}}fuse-attention.mlir:{{[0-9]+}}:{{[0-9]+}} (inputs with inconsistent dynamic dimensions)"
// CHECK:           math.rsqrt
// CHECK:           scf.forall
// CHECK:             memref.alloca(%{{.+}}) {alignment = 64 : i64} : memref<?x16xf32>
// CHECK-NOT:         scf.if
// CHECK-NOT:         arith.cmpi sge
// CHECK:           bufferization.to_tensor
// CHECK:         } else {
// CHECK:           scf.forall
// CHECK:             memref.alloca(%{{.+}}) {alignment = 64 : i64} : memref<?x64xf32>
// CHECK-NOT:         arith.cmpi sge
// CHECK:           bufferization.to_tensor
func.func @dynamic(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>,
                   %v: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// A per-query i1 mask [B, 1, Sq, Skv] is read for every lane (query) of a
// vector and turned into 0 / -inf penalties; a -inf penalty selects -inf
// (never added: the key may hold NaN or inf), others are added. The head
// dimension, of size 1, reads index 0. P·V skips hidden keys (p = 0) lane
// by lane.
// CHECK-LABEL: func.func @per_query_mask
// CHECK:         %[[M:.+]] = bufferization.to_buffer %arg3 read_only : tensor<2x1x20x7xi1>
// CHECK:         scf.forall (%[[B:.+]], %{{.+}}, %{{.+}}) in
// CHECK:           scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (vector<16xf32>)
// CHECK:             %[[X:.+]] = memref.load %[[M]][%[[B]], %c0{{.*}}, %{{.+}}, %{{.+}}] : memref<2x1x20x7xi1, strided<[?, ?, ?, ?], offset: ?>>
// CHECK:             arith.select %[[X]], %{{.+}}, %{{.+}} : f32
// CHECK:             vector.insert
// CHECK:           %[[PEN:.+]] = scf.for
// CHECK:           %[[HIDDEN:.+]] = arith.cmpf oeq, %[[PEN]], %[[NEG_INF:.+]] : vector<16xf32>
// CHECK:           %[[SUM:.+]] = arith.addf %{{.+}}, %[[PEN]] : vector<16xf32>
// CHECK:           arith.select %[[HIDDEN]], %[[NEG_INF]], %[[SUM]] : vector<16xi1>, vector<16xf32>
// CHECK:           %[[X:.+]] = memref.load %{{.+}} : memref<2x3x7x8xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK-NEXT:      %[[XS:.+]] = vector.broadcast %[[X]] : f32 to vector<16xf32>
// CHECK:           %[[HIDDEN_P:.+]] = arith.cmpf oeq, %[[P:.+]], %{{.+}} : vector<16xf32>
// CHECK-NEXT:      %[[FMA:.+]] = vector.fma %[[P]], %[[XS]], %[[ACC:.+]] : vector<16xf32>
// CHECK-NEXT:      arith.select %[[HIDDEN_P]], %[[ACC]], %[[FMA]] : vector<16xi1>, vector<16xf32>
func.func @per_query_mask(%q: tensor<2x3x20x8xf32>, %k: tensor<2x3x7x8xf32>,
                          %v: tensor<2x3x7x8xf32>, %m: tensor<2x1x20x7xi1>) -> tensor<2x3x20x8xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x1x20x7xi1>)
      : tensor<2x3x20x8xf32>, tensor<2x3x7x8xf32>, tensor<2x3x7x8xf32> -> tensor<2x3x20x8xf32>
  return %0 : tensor<2x3x20x8xf32>
}

// -----

// A key-padding mask [B, 1, 1, Skv] (here additive) is one value per key,
// broadcast across the lanes, and selects -inf where it is -inf.
// CHECK-LABEL: func.func @key_padding
// CHECK:         %[[M:.+]] = bufferization.to_buffer %arg3 read_only : tensor<2x1x1x7xf32>
// CHECK:         scf.forall
// CHECK:           %[[X:.+]] = memref.load %[[M]]
// CHECK-NEXT:      %[[XS:.+]] = vector.broadcast %[[X]] : f32 to vector<16xf32>
// CHECK-NEXT:      %[[NEG_INF:.+]] = arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK-NEXT:      %[[HIDDEN:.+]] = arith.cmpf oeq, %[[XS]], %[[NEG_INF]] : vector<16xf32>
// CHECK-NEXT:      %[[SUM:.+]] = arith.addf %{{.+}}, %[[XS]] : vector<16xf32>
// CHECK-NEXT:      arith.select %[[HIDDEN]], %[[NEG_INF]], %[[SUM]] : vector<16xi1>, vector<16xf32>
func.func @key_padding(%q: tensor<2x3x20x8xf32>, %k: tensor<2x3x7x8xf32>,
                       %v: tensor<2x3x7x8xf32>, %m: tensor<2x1x1x7xf32>) -> tensor<2x3x20x8xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x1x1x7xf32>)
      : tensor<2x3x20x8xf32>, tensor<2x3x7x8xf32>, tensor<2x3x7x8xf32> -> tensor<2x3x20x8xf32>
  return %0 : tensor<2x3x20x8xf32>
}

// -----

// Only f32 is fused; f64 keeps the plain lowering (tfm-lower-to-linalg).
// CHECK-LABEL: func.func @f64_not_fused
// CHECK-NOT:     scf.forall
// CHECK:         tfm.attention
func.func @f64_not_fused(%q: tensor<1x2x4x8xf64>, %k: tensor<1x2x4x8xf64>,
                         %v: tensor<1x2x4x8xf64>) -> tensor<1x2x4x8xf64> {
  %0 = tfm.attention %q, %k, %v
      : tensor<1x2x4x8xf64>, tensor<1x2x4x8xf64>, tensor<1x2x4x8xf64> -> tensor<1x2x4x8xf64>
  return %0 : tensor<1x2x4x8xf64>
}

// -----

// One query per sequence (a decoding step) with static sizes and depths
// that are lane multiples: the single-query loop, without a run-time
// choice. One forall iteration per query; the query row and the accumulator
// are D/16 vectors (unit-stride buffers for vector loads); per block of 16
// keys, a dot product per key, the 16 sums across lanes by a tree of
// shuffles and additions (pairs of keys, then 4, 8 and 16 per vector), one
// softmax step and p·V; no scratch tiles.
// CHECK-LABEL: func.func @one_query
// CHECK-NOT:     scf.if
// CHECK:         bufferization.to_buffer %{{.+}} read_only : tensor<?x8x1x64xf32> to memref<?x8x1x64xf32, strided<[?, ?, ?, 1], offset: ?>>
// CHECK:         scf.forall (%[[B:.+]], %[[H:.+]], %[[I:.+]]) in (%{{.+}}, %c8, %{{.+}})
// CHECK-NOT:       memref.alloca
// CHECK-COUNT-4:   vector.load {{.*}}[%[[B]], %[[H]], %[[I]], %{{.+}}] : memref<?x8x1x64xf32, strided<[?, ?, ?, 1], offset: ?>>, vector<16xf32>
// CHECK:           scf.for {{.*}} -> (f32, f32, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-64:     vector.fma
// CHECK-NOT:         vector.reduction
// CHECK-COUNT-8:     vector.shuffle %{{.+}}, %{{.+}} [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xf32>, vector<16xf32>
// CHECK-COUNT-4:     vector.shuffle %{{.+}}, %{{.+}} [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]
// CHECK-COUNT-2:     vector.shuffle %{{.+}}, %{{.+}} [2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31]
// CHECK:             %[[EVEN:.+]] = vector.shuffle %[[X:.+]], %[[Y:.+]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK:             %[[ODD:.+]] = vector.shuffle %[[X]], %[[Y]] [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
// CHECK:             arith.addf %[[EVEN]], %[[ODD]] : vector<16xf32>
// CHECK:             vector.reduction <maxnumf>
// CHECK:             vector.extract %{{.+}}[15] : f32 from vector<16xf32>
// CHECK:             scf.yield
// CHECK:           arith.cmpf ogt
// CHECK-COUNT-4:   vector.store
// CHECK:         bufferization.to_tensor
// With AVX2 the depth is 8 vectors of 8 lanes, and the 8 keys' sums take
// three levels of shuffles (7 additions).
// AVX2-LABEL: func.func @one_query
// AVX2:         scf.forall
// AVX2-COUNT-8:   vector.load {{.+}} : memref<?x8x1x64xf32, strided<[?, ?, ?, 1], offset: ?>>, vector<8xf32>
// AVX2:           scf.for {{.*}} -> (f32, f32, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// AVX2-COUNT-64:    vector.fma
// AVX2-COUNT-4:     vector.shuffle %{{.+}}, %{{.+}} [4, 5, 6, 7, 12, 13, 14, 15] : vector<8xf32>, vector<8xf32>
// AVX2-COUNT-2:     vector.shuffle %{{.+}}, %{{.+}} [2, 3, 6, 7, 10, 11, 14, 15]
// AVX2:             vector.shuffle %{{.+}}, %{{.+}} [1, 3, 5, 7, 9, 11, 13, 15]
// AVX2:             vector.reduction <maxnumf>
// AVX2:             vector.extract %{{.+}}[7] : f32 from vector<8xf32>
// AVX2-NOT:     vector<16xf32>
func.func @one_query(%q: tensor<?x8x1x64xf32>, %k: tensor<?x8x?x64xf32>,
                     %v: tensor<?x8x?x64xf32>) -> tensor<?x8x1x64xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<?x8x1x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x1x64xf32>
  return %0 : tensor<?x8x1x64xf32>
}

// -----

// A causal single query i (a decoding step: Sq = 1) sees the keys
// [0, min(i + (Skv - Sq) + 1, Skv)), its own the last of them: the loop
// runs up to that end and hides the lanes of keys at or past it (slt),
// whatever those keys hold.
// CHECK-LABEL: func.func @one_query_causal
// CHECK:         %[[SKV:.+]] = tensor.dim %arg1, %{{.+}} : tensor<2x3x?x32xf32>
// CHECK:         %[[OFFSET:.+]] = arith.subi %[[SKV]], %c1{{(_[0-9]+)?}} : index
// CHECK:         scf.forall (%{{.+}}, %{{.+}}, %[[I:.+]]) in
// CHECK:           %[[LAST:.+]] = arith.addi %[[I]], %[[OFFSET]] : index
// CHECK-NEXT:      %[[END:.+]] = arith.addi %[[LAST]], %c1{{(_[0-9]+)?}} : index
// CHECK-NEXT:      %[[CLAMPED:.+]] = arith.minsi %[[END]], %[[SKV]] : index
// CHECK-NEXT:      %[[KV_END:.+]] = arith.maxsi %[[CLAMPED]], %c0{{(_[0-9]+)?}} : index
// CHECK:           %[[END32:.+]] = arith.index_cast %[[KV_END]] : index to i32
// CHECK-NEXT:      %[[ENDS:.+]] = vector.broadcast %[[END32]] : i32 to vector<16xi32>
// CHECK:           scf.for
// CHECK:             %[[KEYS:.+]] = arith.addi %{{.+}}, %{{.+}} : vector<16xi32>
// CHECK-NEXT:        %[[VISIBLE:.+]] = arith.cmpi slt, %[[KEYS]], %[[ENDS]] : vector<16xi32>
// CHECK:             arith.select %[[VISIBLE]], %{{.+}}, %{{.+}} : vector<16xi1>, vector<16xf32>
func.func @one_query_causal(%q: tensor<2x3x1x32xf32>, %k: tensor<2x3x?x32xf32>,
                            %v: tensor<2x3x?x32xf32>) -> tensor<2x3x1x32xf32> {
  %0 = tfm.attention %q, %k, %v causal
      : tensor<2x3x1x32xf32>, tensor<2x3x?x32xf32>, tensor<2x3x?x32xf32> -> tensor<2x3x1x32xf32>
  return %0 : tensor<2x3x1x32xf32>
}

// -----

// A depth that is not a lane multiple (40) takes the single-query loop too:
// rows are two full chunks and a masked one (8 of 16 lanes loaded, the rest
// zeros, so dot products are unchanged), and O's last chunk is a masked
// store.
// CHECK-LABEL: func.func @one_query_odd_depth
// CHECK-NOT:     scf.if
// CHECK:         %[[Q:.+]] = bufferization.to_buffer %arg0 read_only : tensor<2x3x1x40xf32> to memref<2x3x1x40xf32, strided<[?, ?, ?, 1], offset: ?>>
// CHECK:         scf.forall (%[[B:.+]], %[[H:.+]], %[[I:.+]]) in (%c2, %c3, %{{.+}})
// CHECK-NOT:       memref.alloca
// CHECK:           vector.load %[[Q]][%[[B]], %[[H]], %[[I]], %c0{{.*}}]
// CHECK:           vector.load %[[Q]][%[[B]], %[[H]], %[[I]], %c16{{.*}}]
// CHECK:           %[[MASK:.+]] = vector.constant_mask [8] : vector<16xi1>
// CHECK:           vector.maskedload %[[Q]][%[[B]], %[[H]], %[[I]], %c32{{.*}}], %[[MASK]], %{{.+}} : memref<2x3x1x40xf32, strided<[?, ?, ?, 1], offset: ?>>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK:           scf.for
// CHECK:             vector.maskedload
// CHECK:           vector.store
// CHECK:           vector.store
// CHECK:           vector.maskedstore %{{.+}}[%[[B]], %[[H]], %[[I]], %c32{{.*}}], %{{.+}}, %{{.+}} : memref<2x3x1x40xf32>, vector<16xi1>, vector<16xf32>
// CHECK:         bufferization.to_tensor
func.func @one_query_odd_depth(%q: tensor<2x3x1x40xf32>, %k: tensor<2x3x9x40xf32>,
                               %v: tensor<2x3x9x40xf32>) -> tensor<2x3x1x40xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<2x3x1x40xf32>, tensor<2x3x9x40xf32>, tensor<2x3x9x40xf32> -> tensor<2x3x1x40xf32>
  return %0 : tensor<2x3x1x40xf32>
}

// -----

// A dynamic depth cannot be cut into chunks at compile time: one query
// takes a block of 16 queries along lanes (Qᵀ tile [D, 16]) instead.
// CHECK-LABEL: func.func @one_query_dynamic_depth
// CHECK:         scf.forall
// CHECK:           memref.alloca(%{{.+}}) {alignment = 64 : i64} : memref<?x16xf32>
// CHECK-NOT:       vector.maskedload
// CHECK:         bufferization.to_tensor
func.func @one_query_dynamic_depth(%q: tensor<2x3x1x?xf32>, %k: tensor<2x3x9x?xf32>,
                                   %v: tensor<2x3x9x?xf32>) -> tensor<2x3x1x?xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<2x3x1x?xf32>, tensor<2x3x9x?xf32>, tensor<2x3x9x?xf32> -> tensor<2x3x1x?xf32>
  return %0 : tensor<2x3x1x?xf32>
}

// -----

// Dynamic Sq with lane-multiple depths and a key padding mask: up to 16
// queries take the single-query loop (the mask read per key), more take
// blocks of 64.
// CHECK-LABEL: func.func @dynamic_queries
// CHECK:         %[[SQ:.+]] = tensor.dim %{{.+}}, %c2
// CHECK:         %[[FEW:.+]] = arith.cmpi ule, %[[SQ]], %c16
// CHECK:         scf.if %[[FEW]]
// CHECK:           scf.forall
// CHECK:             vector.shuffle
// CHECK:             memref.load {{.*}} : memref<?x1x1x?xi1, strided<[?, ?, ?, ?], offset: ?>>
// CHECK:         } else {
// CHECK:           scf.forall
// CHECK:             memref.alloca() {alignment = 64 : i64} : memref<64x64xf32>
func.func @dynamic_queries(%q: tensor<?x4x?x32xf32>, %k: tensor<?x4x?x32xf32>,
                           %v: tensor<?x4x?x32xf32>, %m: tensor<?x1x1x?xi1>) -> tensor<?x4x?x32xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<?x1x1x?xi1>)
      : tensor<?x4x?x32xf32>, tensor<?x4x?x32xf32>, tensor<?x4x?x32xf32> -> tensor<?x4x?x32xf32>
  return %0 : tensor<?x4x?x32xf32>
}

// -----

// A decoding step's keys and values appended to caches [L, B, H, D]: the
// single-query loop reads the cached positions from the caches and the new
// ones from the steps in place (two key loops, one softmax state), with
// Skv = L + S; the appends are gone. With a dynamic Sq, only the branch of
// query blocks materializes them.
// CHECK-LABEL: func.func @cached_step
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x8x1x64xf32>, %[[PK:.+]]: tensor<?x?x8x64xf32>, %[[NK:.+]]: tensor<?x8x1x64xf32>, %[[PV:.+]]: tensor<?x?x8x64xf32>, %[[NV:.+]]: tensor<?x8x1x64xf32>)
// CHECK-NOT:     tfm.kv_cache_append
// CHECK-DAG:     %[[L:.+]] = tensor.dim %[[PK]], %c0
// CHECK-DAG:     bufferization.to_buffer %[[PK]] read_only : tensor<?x?x8x64xf32> to memref<?x?x8x64xf32, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-DAG:     bufferization.to_buffer %[[NK]] read_only
// CHECK:         scf.forall (%[[B:.+]], %[[H:.+]], %{{.+}}) in
// CHECK:           %[[S1:.+]]:6 = scf.for
// CHECK:             vector.load %{{.+}}[%{{.+}}, %[[B]], %[[H]], %{{.+}}] : memref<?x?x8x64xf32, strided<[?, ?, ?, 1], offset: ?>>, vector<16xf32>
// CHECK:           scf.for {{.+}} iter_args(%{{.+}} = %[[S1]]#0, %{{.+}} = %[[S1]]#1,
// CHECK:             %[[J:.+]] = arith.subi %{{.+}}, %[[L]] : index
// CHECK:             vector.load %{{.+}}[%[[B]], %[[H]], %[[J]], %{{.+}}] : memref<?x8x1x64xf32, strided<[?, ?, ?, 1], offset: ?>>, vector<16xf32>
// CHECK-NOT:     tfm.kv_cache_append
// CHECK:         bufferization.to_tensor
func.func @cached_step(%q: tensor<?x8x1x64xf32>, %pk: tensor<?x?x8x64xf32>,
                       %nk: tensor<?x8x1x64xf32>, %pv: tensor<?x?x8x64xf32>,
                       %nv: tensor<?x8x1x64xf32>) -> tensor<?x8x1x64xf32> {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x8x64xf32>, tensor<?x8x1x64xf32> -> tensor<?x8x?x64xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x8x64xf32>, tensor<?x8x1x64xf32> -> tensor<?x8x?x64xf32>
  %0 = tfm.attention %q, %k, %v
      : tensor<?x8x1x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x1x64xf32>
  return %0 : tensor<?x8x1x64xf32>
}

// -----

// CHECK-LABEL: func.func @cached_dynamic_queries
// CHECK-NOT:     tfm.kv_cache_append
// CHECK:         scf.if
// CHECK-NOT:       tfm.kv_cache_append
// CHECK:           vector.shuffle
// CHECK:         } else {
// CHECK:           tfm.kv_cache_append
// CHECK:           tfm.kv_cache_append
// CHECK:           memref<64x64xf32>
func.func @cached_dynamic_queries(%q: tensor<?x8x?x64xf32>, %pk: tensor<?x?x8x64xf32>,
                                  %nk: tensor<?x8x?x64xf32>, %pv: tensor<?x?x8x64xf32>,
                                  %nv: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x8x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x8x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
  %0 = tfm.attention %q, %k, %v causal
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
  return %0 : tensor<?x8x?x64xf32>
}
