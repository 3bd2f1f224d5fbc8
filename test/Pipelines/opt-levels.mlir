// -O0/-O1 keep the reference lowering's strict summation order; from -O2 on
// named ops are generalized and reductions may be reassociated, and
// matmul-like ops are tiled and vectorized (tfm-tile-and-vectorize-contractions).
// RUN: tfmc %s --emit=loops -O1 | FileCheck %s --check-prefix=O1
// RUN: tfmc %s --emit=loops -O2 | FileCheck %s --check-prefix=O2

// O1-LABEL: func.func @linear
// O1-NOT: fastmath
// O1-NOT: vector.
// O2-LABEL: func.func @linear
// O2: scf.parallel
// O2: vector.contract
func.func @linear(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) -> tensor<?x16xf32> {
  %0 = tfm.linear %x, %w : tensor<?x8xf32>, tensor<16x8xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// O1-LABEL: func.func @softmax
// O1-NOT: fastmath
// O2-LABEL: func.func @softmax
// O2: arith.addf {{.*}} fastmath<reassoc,contract>
func.func @softmax(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = tfm.softmax %x axis(-1) : tensor<?x8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
