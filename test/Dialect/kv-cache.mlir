// RUN: tfm-opt %s | tfm-opt | FileCheck %s
// RUN: tfm-opt %s --mlir-print-op-generic | tfm-opt | FileCheck %s

// One decode step of self-attention against a cache of L positions: the
// cache and the step's keys become attention's keys, the step's keys are
// stored as one new cache entry, positions continue from `offset`.

// CHECK-LABEL: func.func @kv_cache_append_static
// CHECK:         tfm.kv_cache_append %{{[^ ]+}}, %{{[^ ]+}} : tensor<5x2x3x8xf32>, tensor<2x3x1x8xf32> -> tensor<2x3x6x8xf32>
func.func @kv_cache_append_static(%cache: tensor<5x2x3x8xf32>, %k: tensor<2x3x1x8xf32>) -> tensor<2x3x6x8xf32> {
  %0 = tfm.kv_cache_append %cache, %k : tensor<5x2x3x8xf32>, tensor<2x3x1x8xf32> -> tensor<2x3x6x8xf32>
  return %0 : tensor<2x3x6x8xf32>
}

// CHECK-LABEL: func.func @kv_cache_append_dynamic
// CHECK:         tfm.kv_cache_append %{{[^ ]+}}, %{{[^ ]+}} : tensor<?x?x3x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x8xf32>
func.func @kv_cache_append_dynamic(%cache: tensor<?x?x3x8xf32>, %k: tensor<?x3x?x8xf32>) -> tensor<?x3x?x8xf32> {
  %0 = tfm.kv_cache_append %cache, %k : tensor<?x?x3x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x8xf32>
  return %0 : tensor<?x3x?x8xf32>
}

// CHECK-LABEL: func.func @kv_cache_entries
// CHECK:         tfm.kv_cache_entries %{{[^ ]+}} : tensor<2x3x4x8xf32> -> tensor<4x2x3x8xf32>
func.func @kv_cache_entries(%k: tensor<2x3x4x8xf32>) -> tensor<4x2x3x8xf32> {
  %0 = tfm.kv_cache_entries %k : tensor<2x3x4x8xf32> -> tensor<4x2x3x8xf32>
  return %0 : tensor<4x2x3x8xf32>
}

// CHECK-LABEL: func.func @decode_step
// CHECK:         tfm.positional_encoding sinusoidal %{{[^ ]+}} offset(%{{[^ ]+}} : tensor<?xi64>)
// CHECK:         tfm.kv_cache_append
// CHECK:         tfm.kv_cache_append
// CHECK:         tfm.attention
// CHECK:         tfm.kv_cache_entries
func.func @decode_step(%x: tensor<?x1x24xf32>, %pos: tensor<?xi64>,
                       %q: tensor<?x3x1x8xf32>, %k: tensor<?x3x1x8xf32>,
                       %v: tensor<?x3x1x8xf32>, %kc: tensor<?x?x3x8xf32>,
                       %vc: tensor<?x?x3x8xf32>, %mask: tensor<?x1x1x?xi1>)
    -> (tensor<?x1x24xf32>, tensor<?x3x1x8xf32>, tensor<?x?x3x8xf32>) {
  %y = tfm.positional_encoding sinusoidal %x offset(%pos : tensor<?xi64>) : tensor<?x1x24xf32> -> tensor<?x1x24xf32>
  %keys = tfm.kv_cache_append %kc, %k : tensor<?x?x3x8xf32>, tensor<?x3x1x8xf32> -> tensor<?x3x?x8xf32>
  %values = tfm.kv_cache_append %vc, %v : tensor<?x?x3x8xf32>, tensor<?x3x1x8xf32> -> tensor<?x3x?x8xf32>
  %o = tfm.attention %q, %keys, %values mask(%mask : tensor<?x1x1x?xi1>)
      : tensor<?x3x1x8xf32>, tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x1x8xf32>
  %e = tfm.kv_cache_entries %k : tensor<?x3x1x8xf32> -> tensor<?x?x3x8xf32>
  return %y, %o, %e : tensor<?x1x24xf32>, tensor<?x3x1x8xf32>, tensor<?x?x3x8xf32>
}
