// RUN: tfm-opt %s -tfm-tile-and-vectorize-contractions -cse -split-input-file | FileCheck %s
// RUN: tfm-opt %s -tfm-tile-and-vectorize-contractions="vector-bits=256 vector-registers=16" \
// RUN:   -cse -split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: not tfm-opt %s -tfm-tile-and-vectorize-contractions="vector-bits=96" \
// RUN:   -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: tfm-tile-and-vectorize-contractions: vector-bits must be a power of two of at least 64 and vector-registers at least 4, got 96 and 32

// A static matmul whose N is a multiple of 64: 64×64 output tiles on an
// scf.forall with the zero fill fused into them, the reduction in steps of
// 256, 4×64 register tiles (one 64-column row of B per step) as one
// vector.contract whose accumulator is read before the reduction loop,
// carried through it in registers and written after it. (Other N take 8×32
// register tiles, below.)
// CHECK-LABEL: func.func @matmul(
// CHECK-NOT:     linalg.
// CHECK:         scf.forall ({{.*}}) = (0) to (128) step (64)
// CHECK:           vector.transfer_write %{{.*}} : vector<1x32xf32>, tensor<64x64xf32>
// CHECK:           scf.for %{{.*}} = %c0 to %c512 step %c256
// CHECK:             scf.for %{{.*}} = %c0 to %c64 step %c4
// CHECK:               %[[ACC:.+]] = vector.transfer_read {{.*}} : tensor<64x64xf32>, vector<4x64xf32>
// CHECK:               %[[SUM:.+]] = scf.for {{.*}} iter_args(%[[IT:.+]] = %[[ACC]]) -> (vector<4x64xf32>)
// CHECK-NOT:             tensor<64x64xf32>
// CHECK:                 vector.transfer_read {{.*}} vector<4x1xf32>
// CHECK:                 vector.transfer_read {{.*}} vector<1x64xf32>
// CHECK:                 %[[C:.+]] = vector.contract {{.*}} %[[IT]] : vector<4x1xf32>, vector<1x64xf32> into vector<4x64xf32>
// CHECK:                 scf.yield %[[C]]
// CHECK:               vector.transfer_write %[[SUM]]
// CHECK:         scf.forall.in_parallel
// With AVX2 (vector-bits=256 vector-registers=16: 8 lanes, 8 accumulators)
// the output tiles stay 64×64 (the weight panels' width) and the register
// tiles are 2×32; the fill runs in rows of 16 lanes.
// AVX2-LABEL: func.func @matmul(
// AVX2:         scf.forall ({{.*}}) = (0) to (128) step (64)
// AVX2:           scf.for %{{.*}} = %c0 to %c64 step %c16
// AVX2:           scf.for %{{.*}} = %c0 to %c512 step %c256
// AVX2:             scf.for %{{.*}} = %c0 to %c64 step %c2
// AVX2:               vector.contract {{.*}} : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
// AVX2-NOT:     vector<4x64xf32>
func.func @matmul(%a: tensor<128x512xf32>, %b: tensor<512x64xf32>) -> tensor<128x64xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x64xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<128x64xf32>) -> tensor<128x64xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<128x512xf32>, tensor<512x64xf32>) outs(%f : tensor<128x64xf32>) -> tensor<128x64xf32>
  return %0 : tensor<128x64xf32>
}

// -----

// Sizes that are not multiples of the tiles (77 rows, 40 columns): the
// full 8×32 register tiles are peeled off unmasked, partial columns use lane
// masks; the rows left over in a 64-row tile (13) go in tiles of 4 (row
// masks), 2 and 1 rows, never in an 8-row tile masked on rows; one-row
// tiles span the 64 columns of the cache tile (masked to the 40 there are).
// CHECK-LABEL: func.func @batch_matmul_remainders(
// CHECK:         scf.forall ({{.*}}) = (0, 0) to (3, 77) step (1, 64)
// CHECK:           %[[FULL:.+]] = affine.apply
// CHECK:           scf.for %[[I:.+]] = %c0 to %[[FULL]] step %c8
// CHECK:             vector.transfer_read {{.*}} {in_bounds = [true, true, true]} : tensor<1x?x40xf32>, vector<1x8x32xf32>
// CHECK:             vector.contract
// CHECK:             vector.transfer_read {{.*}}, %{{.*}}, %{{.*}} {{.*}} : tensor<1x8x8xf32>, vector<1x8x32xf32>
// CHECK:             vector.contract
// CHECK:           scf.for %{{.*}} = %[[FULL]] to
// CHECK-NOT:         vector<1x8x1xf32>
// CHECK:             vector.create_mask {{.*}} : vector<1x4x1xi1>
// CHECK:             vector.contract {{.*}} : vector<1x4x1xf32>, vector<1x1x32xf32> into vector<1x4x32xf32>
// CHECK:             vector.transfer_read {{.*}} {in_bounds = [true, true, true]} : tensor<1x?x40xf32>, vector<1x2x32xf32>
// CHECK:             vector.contract {{.*}} : vector<1x2x1xf32>, vector<1x1x32xf32> into vector<1x2x32xf32>
// CHECK:             vector.contract {{.*}} : vector<1x1x1xf32>, vector<1x1x64xf32> into vector<1x1x64xf32>
// CHECK:             vector.transfer_write {{.*}}, %{{.*}} {in_bounds = [true, true, false]}
// With AVX2, 4×16 register tiles, then rows left over in tiles of 2 and 1 (the
// one-row tiles still span 64 columns: 8 accumulators).
// AVX2-LABEL: func.func @batch_matmul_remainders(
// AVX2:         scf.forall ({{.*}}) = (0, 0) to (3, 77) step (1, 64)
// AVX2:           scf.for %{{.*}} = %c0 to %{{.*}} step %c4
// AVX2:             vector.contract {{.*}} : vector<1x4x1xf32>, vector<1x1x16xf32> into vector<1x4x16xf32>
// AVX2:             vector.contract {{.*}} : vector<1x2x1xf32>, vector<1x1x16xf32> into vector<1x2x16xf32>
// AVX2:             vector.contract {{.*}} : vector<1x1x1xf32>, vector<1x1x64xf32> into vector<1x1x64xf32>
func.func @batch_matmul_remainders(%a: tensor<3x77x16xf32>, %b: tensor<3x16x40xf32>, %c: tensor<3x77x40xf32>) -> tensor<3x77x40xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<3x77x16xf32>, tensor<3x16x40xf32>) outs(%c : tensor<3x77x40xf32>) -> tensor<3x77x40xf32>
  return %0 : tensor<3x77x40xf32>
}

// -----

// tfm.linear's form (x·Wᵀ + b, W stored [out, in]) followed by a ReLU: W is
// transposed once, in 16×16 blocks (a forall), into [in, out] rows; the bias broadcast
// and the ReLU are fused into the output tiles (vectorized rows of 32);
// nothing is left at the top level but the transpose and the forall.
// CHECK-LABEL: func.func @linear_relu(
// CHECK:         %[[WT:.+]] = scf.forall {{.*}} step (16, 16) {{.*}} -> (tensor<20x40xf32>)
// CHECK:             linalg.transpose ins(%{{.*}} : tensor<?x?xf32>) outs(%{{.*}} : tensor<?x?xf32>) permutation = [1, 0]
// CHECK-NOT:     linalg.generic
// CHECK:         scf.forall ({{.*}}) = (0, 0) to (%{{.*}}, 77) step (1, 64)
// CHECK:           vector.transfer_read %{{.*}} : tensor<40xf32>, vector<1x1x32xf32>
// CHECK:           vector.transfer_read %[[WT]]{{.*}} : tensor<20x40xf32>, vector<1x32xf32>
// CHECK:           vector.contract
// CHECK:           arith.maximumf %{{.*}} : vector<1x1x32xf32>
// CHECK:         scf.forall.in_parallel
// CHECK-NOT:     linalg.generic
// CHECK:         return
#x = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#w = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
#o = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#bias = affine_map<(d0, d1, d2) -> (d2)>
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @linear_relu(%x: tensor<?x77x20xf32>, %w: tensor<40x20xf32>, %b: tensor<40xf32>) -> tensor<?x77x40xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x77x20xf32>
  %e = tensor.empty(%n) : tensor<?x77x40xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : tensor<40xf32>) outs(%e : tensor<?x77x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x77x40xf32>
  %mm = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x77x20xf32>, tensor<40x20xf32>) outs(%init : tensor<?x77x40xf32>) {
  ^bb0(%a: f32, %bb: f32, %acc: f32):
    %p = arith.mulf %a, %bb : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x77x40xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%mm : tensor<?x77x40xf32>) outs(%e : tensor<?x77x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x77x40xf32>
  return %r : tensor<?x77x40xf32>
}

// -----

// A weight with rows of 512 floats: its packed copy has rows of 528 (rows
// a power of two apart would evict each other from the caches).
// CHECK-LABEL: func.func @linear_padded_rows(
// CHECK:         %[[BUF:.+]] = tensor.empty() : tensor<64x528xf32>
// CHECK:         %[[ROWS:.+]] = tensor.extract_slice %[[BUF]][0, 0] [64, 512] [1, 1]
// CHECK:         scf.forall {{.*}} shared_outs(%{{.*}} = %[[ROWS]]) -> (tensor<64x512xf32>)
// CHECK:         scf.forall
// CHECK:           vector.contract
#x2 = affine_map<(d0, d1, d2) -> (d0, d2)>
#w2 = affine_map<(d0, d1, d2) -> (d1, d2)>
#o2 = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @linear_padded_rows(%x: tensor<16x64xf32>, %w: tensor<512x64xf32>, %init: tensor<16x512xf32>) -> tensor<16x512xf32> {
  %0 = linalg.generic {indexing_maps = [#x2, #w2, #o2], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<16x64xf32>, tensor<512x64xf32>) outs(%init : tensor<16x512xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x512xf32>
  return %0 : tensor<16x512xf32>
}

// -----

// Not a contraction (a row sum): left alone.
// CHECK-LABEL: func.func @row_sum(
// CHECK-NOT:     scf.forall
// CHECK-NOT:     vector.
// CHECK:         linalg.reduce
func.func @row_sum(%a: tensor<8x8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %0 = linalg.reduce ins(%a : tensor<8x8xf32>) outs(%e : tensor<8xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<8xf32>
}

// -----

// A weight that arrives in the kernels' [in, out] layout and is transposed
// back for tfm.linear (as models pass them): the transpose folds into the
// reads, sliced as the projection slices it; nothing is repacked.
// CHECK-LABEL: func.func @linear_prepacked_weight(
// CHECK-SAME:      %{{.*}}: tensor<16x64xf32>, %[[WT:.+]]: tensor<64x96xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             vector.transfer_read %[[WT]][%{{.*}}, %c32]{{.*}} : tensor<64x96xf32>, vector<1x32xf32>
// CHECK:             vector.contract
// CHECK-NOT:     linalg.transpose
// CHECK:         return
#xp = affine_map<(d0, d1, d2) -> (d0, d2)>
#wp = affine_map<(d0, d1, d2) -> (d1, d2)>
#op = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @linear_prepacked_weight(%x: tensor<16x64xf32>, %wt: tensor<64x96xf32>, %init: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %e = tensor.empty() : tensor<96x64xf32>
  %w = linalg.transpose ins(%wt : tensor<64x96xf32>) outs(%e : tensor<96x64xf32>) permutation = [1, 0]
  %k = tensor.extract_slice %w[32, 0] [32, 64] [1, 1] : tensor<96x64xf32> to tensor<32x64xf32>
  %0 = linalg.generic {indexing_maps = [#xp, #wp, #op], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %k : tensor<16x64xf32>, tensor<32x64xf32>) outs(%init : tensor<16x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// -----

// A weight passed in panels of 64 output features ([ceil(N/64), K, 64],
// ModelBuilder's tfm.weight_panels), unpacked and transposed back to
// [N, K], then sliced at a panel boundary (the v projection of a packed
// q/k/v weight): each output tile reads the rows of its panel in place.
// CHECK-LABEL: func.func @linear_weight_panels(
// CHECK-SAME:      %{{.*}}: tensor<1x64xf32>, %[[P:.+]]: tensor<5x64x64xf32>
// CHECK-NOT:     linalg.unpack
// CHECK-NOT:     linalg.transpose
// CHECK:         scf.forall (%[[N:.+]]) = (0) to (100) step (64)
// CHECK:           %[[PANEL:.+]] = affine.apply #{{.+}}(%[[N]])
// CHECK:           vector.transfer_read %[[P]][%[[PANEL]], %{{.*}}, %{{.*}}]{{.*}} : tensor<5x64x64xf32>, vector<1x64xf32>
// CHECK:           vector.contract
// CHECK:         return
#xq = affine_map<(d0, d1, d2) -> (d0, d2)>
#wq = affine_map<(d0, d1, d2) -> (d1, d2)>
#oq = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @linear_weight_panels(%x: tensor<1x64xf32>, %p: tensor<5x64x64xf32>, %init: tensor<1x100xf32>) -> tensor<1x100xf32> {
  %e = tensor.empty() : tensor<64x300xf32>
  %u = linalg.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %e : tensor<5x64x64xf32> -> tensor<64x300xf32>
  %et = tensor.empty() : tensor<300x64xf32>
  %w = linalg.transpose ins(%u : tensor<64x300xf32>) outs(%et : tensor<300x64xf32>) permutation = [1, 0]
  %v = tensor.extract_slice %w[192, 0] [100, 64] [1, 1] : tensor<300x64xf32> to tensor<100x64xf32>
  %0 = linalg.generic {indexing_maps = [#xq, #wq, #oq], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %v : tensor<1x64xf32>, tensor<100x64xf32>) outs(%init : tensor<1x100xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x100xf32>
  return %0 : tensor<1x100xf32>
}

// -----

// A slice that does not start on a panel boundary keeps the unpack (for
// tfm-lower-packs); the kernel reads the unpacked matrix.
// CHECK-LABEL: func.func @linear_weight_panels_unaligned(
// CHECK:         linalg.unpack
// CHECK:         scf.forall
// CHECK:         return
#xq = affine_map<(d0, d1, d2) -> (d0, d2)>
#wq = affine_map<(d0, d1, d2) -> (d1, d2)>
#oq = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @linear_weight_panels_unaligned(%x: tensor<1x64xf32>, %p: tensor<5x64x64xf32>, %init: tensor<1x100xf32>) -> tensor<1x100xf32> {
  %e = tensor.empty() : tensor<64x300xf32>
  %u = linalg.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %e : tensor<5x64x64xf32> -> tensor<64x300xf32>
  %et = tensor.empty() : tensor<300x64xf32>
  %w = linalg.transpose ins(%u : tensor<64x300xf32>) outs(%et : tensor<300x64xf32>) permutation = [1, 0]
  %v = tensor.extract_slice %w[100, 0] [100, 64] [1, 1] : tensor<300x64xf32> to tensor<100x64xf32>
  %0 = linalg.generic {indexing_maps = [#xq, #wq, #oq], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %v : tensor<1x64xf32>, tensor<100x64xf32>) outs(%init : tensor<1x100xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x100xf32>
  return %0 : tensor<1x100xf32>
}

// -----

// The gate and up contractions of a gated feed-forward (same shape, both
// read only by act(g) * u) share the output tiles of the product: one
// forall computes the gate tile and the up tile, each reading its own
// weight's panels in place, then the product, so that neither contraction
// nor the activation is written to memory whole. The accumulators' shared
// initialization is fused too.
// CHECK-LABEL: func.func @gate_up_siblings(
// CHECK-SAME:      %{{.*}}: tensor<16x64xf32>, %[[GP:.+]]: tensor<2x64x64xf32>, %[[UP:.+]]: tensor<2x64x64xf32>
// CHECK-NOT:     linalg.unpack
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     linalg.fill
// CHECK:         scf.forall (%{{.+}}) = (0) to (128) step (64)
// CHECK:           vector.transfer_read %[[GP]]
// CHECK:           vector.contract
// CHECK:           vector.transfer_read %[[UP]]
// CHECK:           vector.contract
// CHECK:           math.exp %{{.+}} : vector<1x32xf32>
// CHECK:           arith.mulf
// CHECK:         scf.forall.in_parallel
// CHECK-NOT:     scf.forall
// CHECK:         return
#xm = affine_map<(d0, d1, d2) -> (d0, d2)>
#wm = affine_map<(d0, d1, d2) -> (d1, d2)>
#om = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @gate_up_siblings(%x: tensor<16x64xf32>, %gp: tensor<2x64x64xf32>, %up: tensor<2x64x64xf32>) -> tensor<16x128xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %gu = linalg.unpack %gp outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %e : tensor<2x64x64xf32> -> tensor<64x128xf32>
  %uu = linalg.unpack %up outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %e : tensor<2x64x64xf32> -> tensor<64x128xf32>
  %et = tensor.empty() : tensor<128x64xf32>
  %gw = linalg.transpose ins(%gu : tensor<64x128xf32>) outs(%et : tensor<128x64xf32>) permutation = [1, 0]
  %uw = linalg.transpose ins(%uu : tensor<64x128xf32>) outs(%et : tensor<128x64xf32>) permutation = [1, 0]
  %eo = tensor.empty() : tensor<16x128xf32>
  %init = linalg.fill ins(%zero : f32) outs(%eo : tensor<16x128xf32>) -> tensor<16x128xf32>
  %g = linalg.generic {indexing_maps = [#xm, #wm, #om], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %gw : tensor<16x64xf32>, tensor<128x64xf32>) outs(%init : tensor<16x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x128xf32>
  %u = linalg.generic {indexing_maps = [#xm, #wm, #om], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %uw : tensor<16x64xf32>, tensor<128x64xf32>) outs(%init : tensor<16x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x128xf32>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g, %u : tensor<16x128xf32>, tensor<16x128xf32>) outs(%eo : tensor<16x128xf32>) {
  ^bb0(%gi: f32, %ui: f32, %o: f32):
    %n = arith.negf %gi : f32
    %ex = math.exp %n : f32
    %d = arith.addf %ex, %one : f32
    %act = arith.divf %gi, %d : f32
    %p = arith.mulf %act, %ui : f32
    linalg.yield %p : f32
  } -> tensor<16x128xf32>
  return %h : tensor<16x128xf32>
}
