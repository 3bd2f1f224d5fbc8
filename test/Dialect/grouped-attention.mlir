// RUN: tfm-opt %s | tfm-opt | FileCheck %s
// RUN: tfm-opt %s --mlir-print-op-generic | tfm-opt | FileCheck %s

// Grouped-query and multi-query attention: keys and values with Hkv heads
// dividing the query heads, caches of the Hkv heads, and
// tfm.multi_head_attention with kv_heads.

// CHECK-LABEL: func.func @attention_grouped
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(%{{[^ ]+}} : tensor<2x8x5x7xi1>) causal :
// CHECK-SAME:      tensor<2x8x5x64xf32>, tensor<2x2x7x64xf32>, tensor<2x2x7x64xf32> -> tensor<2x8x5x64xf32>
func.func @attention_grouped(%q: tensor<2x8x5x64xf32>, %k: tensor<2x2x7x64xf32>,
                             %v: tensor<2x2x7x64xf32>, %m: tensor<2x8x5x7xi1>) -> tensor<2x8x5x64xf32> {
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<2x8x5x7xi1>) causal
      : tensor<2x8x5x64xf32>, tensor<2x2x7x64xf32>, tensor<2x2x7x64xf32> -> tensor<2x8x5x64xf32>
  return %0 : tensor<2x8x5x64xf32>
}

// Multi-query, dynamic batch and lengths (head counts static).
// CHECK-LABEL: func.func @attention_multi_query
// CHECK:         tfm.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} :
// CHECK-SAME:      tensor<?x9x?x80xf32>, tensor<?x1x?x80xf32>, tensor<?x1x?x80xf32> -> tensor<?x9x?x80xf32>
func.func @attention_multi_query(%q: tensor<?x9x?x80xf32>, %k: tensor<?x1x?x80xf32>,
                                 %v: tensor<?x1x?x80xf32>) -> tensor<?x9x?x80xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<?x9x?x80xf32>, tensor<?x1x?x80xf32>, tensor<?x1x?x80xf32> -> tensor<?x9x?x80xf32>
  return %0 : tensor<?x9x?x80xf32>
}

// CHECK-LABEL: func.func @attention_weights_grouped
// CHECK:         tfm.attention_weights %{{[^ ]+}}, %{{[^ ]+}} causal : tensor<1x9x5x64xf32>, tensor<1x3x5x64xf32> -> tensor<1x9x5x5xf32>
func.func @attention_weights_grouped(%q: tensor<1x9x5x64xf32>, %k: tensor<1x3x5x64xf32>) -> tensor<1x9x5x5xf32> {
  %0 = tfm.attention_weights %q, %k causal : tensor<1x9x5x64xf32>, tensor<1x3x5x64xf32> -> tensor<1x9x5x5xf32>
  return %0 : tensor<1x9x5x5xf32>
}

// A decode step whose caches [L, B, Hkv, D] hold the key/value heads only.
// CHECK-LABEL: func.func @cached_decode_grouped
// CHECK:         %[[K:.+]] = tfm.kv_cache_append %{{[^ ]+}}, %{{[^ ]+}} : tensor<?x?x2x64xf32>, tensor<?x2x1x64xf32> -> tensor<?x2x?x64xf32>
// CHECK:         %[[V:.+]] = tfm.kv_cache_append
// CHECK:         tfm.attention %{{[^ ]+}}, %[[K]], %[[V]] : tensor<?x8x1x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x8x1x64xf32>
// CHECK:         tfm.kv_cache_entries %{{[^ ]+}} : tensor<?x2x1x64xf32> -> tensor<1x?x2x64xf32>
func.func @cached_decode_grouped(%q: tensor<?x8x1x64xf32>, %pk: tensor<?x?x2x64xf32>,
                                 %nk: tensor<?x2x1x64xf32>, %pv: tensor<?x?x2x64xf32>,
                                 %nv: tensor<?x2x1x64xf32>) -> (tensor<?x8x1x64xf32>, tensor<1x?x2x64xf32>) {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x2x64xf32>, tensor<?x2x1x64xf32> -> tensor<?x2x?x64xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x2x64xf32>, tensor<?x2x1x64xf32> -> tensor<?x2x?x64xf32>
  %0 = tfm.attention %q, %k, %v
      : tensor<?x8x1x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x8x1x64xf32>
  %e = tfm.kv_cache_entries %nk : tensor<?x2x1x64xf32> -> tensor<1x?x2x64xf32>
  return %0, %e : tensor<?x8x1x64xf32>, tensor<1x?x2x64xf32>
}

// Packed in-projection [(H + 2*Hkv)*D, E] = [(8 + 2*2)*8, 64].
// CHECK-LABEL: func.func @mha_kv_heads_packed
// CHECK:         tfm.multi_head_attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} heads(8) kv_heads(2)
// CHECK-SAME:      in_proj(%{{[^ ]+}} : tensor<96x64xf32>) in_bias(%{{[^ ]+}} : tensor<96xf32>)
// CHECK-SAME:      out_proj(%{{[^ ]+}} : tensor<64x64xf32>) causal
func.func @mha_kv_heads_packed(%x: tensor<2x5x64xf32>, %w: tensor<96x64xf32>, %b: tensor<96xf32>,
                               %ow: tensor<64x64xf32>) -> tensor<2x5x64xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(8) kv_heads(2)
      in_proj(%w : tensor<96x64xf32>) in_bias(%b : tensor<96xf32>) out_proj(%ow : tensor<64x64xf32>) causal
      : tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return %0 : tensor<2x5x64xf32>
}

// Separate weights [E, E], [Hkv*D, Kdim], [Hkv*D, Vdim] and biases.
// CHECK-LABEL: func.func @mha_kv_heads_separate
// CHECK:         tfm.multi_head_attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} heads(4) kv_heads(1)
// CHECK-SAME:      in_proj(%{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<32x32xf32>, tensor<8x20xf32>, tensor<8x12xf32>)
// CHECK-SAME:      in_bias(%{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<32xf32>, tensor<8xf32>, tensor<8xf32>)
func.func @mha_kv_heads_separate(%q: tensor<2x5x32xf32>, %k: tensor<2x7x20xf32>, %v: tensor<2x7x12xf32>,
                                 %wq: tensor<32x32xf32>, %wk: tensor<8x20xf32>, %wv: tensor<8x12xf32>,
                                 %bq: tensor<32xf32>, %bk: tensor<8xf32>, %bv: tensor<8xf32>,
                                 %ow: tensor<32x32xf32>) -> tensor<2x5x32xf32> {
  %0 = tfm.multi_head_attention %q, %k, %v heads(4) kv_heads(1)
      in_proj(%wq, %wk, %wv : tensor<32x32xf32>, tensor<8x20xf32>, tensor<8x12xf32>)
      in_bias(%bq, %bk, %bv : tensor<32xf32>, tensor<8xf32>, tensor<8xf32>)
      out_proj(%ow : tensor<32x32xf32>)
      : tensor<2x5x32xf32>, tensor<2x7x20xf32>, tensor<2x7x12xf32> -> tensor<2x5x32xf32>
  return %0 : tensor<2x5x32xf32>
}
