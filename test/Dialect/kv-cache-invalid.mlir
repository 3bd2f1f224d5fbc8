// RUN: tfm-opt %s -split-input-file -verify-diagnostics

func.func @append_cache_rank(%c: tensor<5x2x24xf32>, %k: tensor<2x3x1x8xf32>) {
  // expected-error @+1 {{cache must have rank 4, got rank 3}}
  %0 = tfm.kv_cache_append %c, %k : tensor<5x2x24xf32>, tensor<2x3x1x8xf32> -> tensor<2x3x6x8xf32>
  return
}

// -----

func.func @append_batch(%c: tensor<5x2x3x8xf32>, %k: tensor<4x3x1x8xf32>) {
  // expected-error @+1 {{batch size mismatch: cache dimension 1 is 2 but step dimension 0 is 4}}
  %0 = tfm.kv_cache_append %c, %k : tensor<5x2x3x8xf32>, tensor<4x3x1x8xf32> -> tensor<4x3x6x8xf32>
  return
}

// -----

func.func @append_heads(%c: tensor<5x2x3x8xf32>, %k: tensor<2x5x1x8xf32>) {
  // expected-error @+1 {{head count mismatch: cache dimension 2 is 3 but step dimension 1 is 5}}
  %0 = tfm.kv_cache_append %c, %k : tensor<5x2x3x8xf32>, tensor<2x5x1x8xf32> -> tensor<2x5x6x8xf32>
  return
}

// -----

func.func @append_head_size(%c: tensor<5x2x3x8xf32>, %k: tensor<2x3x1x6xf32>) {
  // expected-error @+1 {{head size mismatch: cache dimension 3 is 8 but step dimension 3 is 6}}
  %0 = tfm.kv_cache_append %c, %k : tensor<5x2x3x8xf32>, tensor<2x3x1x6xf32> -> tensor<2x3x6x6xf32>
  return
}

// -----

func.func @append_length(%c: tensor<5x2x3x8xf32>, %k: tensor<2x3x2x8xf32>) {
  // expected-error @+1 {{result dimension 2 (positions) is 6, expected 7 (cache dimension 0 plus step dimension 2)}}
  %0 = tfm.kv_cache_append %c, %k : tensor<5x2x3x8xf32>, tensor<2x3x2x8xf32> -> tensor<2x3x6x8xf32>
  return
}

// -----

func.func @append_element_type(%c: tensor<5x2x3x8xf16>, %k: tensor<2x3x1x8xf32>) {
  // expected-error @+1 {{step element type 'f32' does not match cache element type 'f16'}}
  %0 = tfm.kv_cache_append %c, %k : tensor<5x2x3x8xf16>, tensor<2x3x1x8xf32> -> tensor<2x3x6x8xf32>
  return
}

// -----

func.func @append_result_batch(%c: tensor<?x2x3x8xf32>, %k: tensor<2x3x1x8xf32>) {
  // expected-error @+1 {{batch size mismatch: step dimension 0 is 2 but result dimension 0 is 3}}
  %0 = tfm.kv_cache_append %c, %k : tensor<?x2x3x8xf32>, tensor<2x3x1x8xf32> -> tensor<3x3x?x8xf32>
  return
}

// -----

func.func @entries_rank(%k: tensor<2x3x8xf32>) {
  // expected-error @+1 {{input must have rank 4, got rank 3}}
  %0 = tfm.kv_cache_entries %k : tensor<2x3x8xf32> -> tensor<1x2x3x8xf32>
  return
}

// -----

func.func @entries_positions(%k: tensor<2x3x4x8xf32>) {
  // expected-error @+1 {{positions mismatch: input dimension 2 is 4 but result dimension 0 is 2}}
  %0 = tfm.kv_cache_entries %k : tensor<2x3x4x8xf32> -> tensor<2x3x4x8xf32>
  return
}

// -----

func.func @entries_heads(%k: tensor<2x3x4x8xf32>) {
  // expected-error @+1 {{head count mismatch: input dimension 1 is 3 but result dimension 2 is 5}}
  %0 = tfm.kv_cache_entries %k : tensor<2x3x4x8xf32> -> tensor<4x2x5x8xf32>
  return
}

// -----

func.func @entries_element_type(%k: tensor<2x3x4x8xf32>) {
  // expected-error @+1 {{result element type 'f64' does not match input element type 'f32'}}
  %0 = tfm.kv_cache_entries %k : tensor<2x3x4x8xf32> -> tensor<4x2x3x8xf64>
  return
}
