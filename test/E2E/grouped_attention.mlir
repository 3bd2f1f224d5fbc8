// Grouped-query and multi-query attention (key/value heads dividing the
// query heads; query head h reads key/value head h / (H / Hkv), as
// transformers' repeat_kv) against PyTorch at every -O level: -O0/-O1 run the
// plain lowering (h floordiv G in the index maps), -O2/-O3 the fused one
// (query blocks; the single-query loop taking the query heads of a group
// together, in rows and reading caches that hold the key/value heads only).
// Hq=8/Hkv=2 and Hq=9/Hkv=3 with D=64, multi-query Hq=16/Hkv=1 with D=80,
// caches with D=48 and 64, a per-query-head additive mask with D=48, and
// tfm.attention_weights. Keys and values that no query sees are poisoned
// (%{poison}) and must give the bytes that zeros give. Errors measured
// up to 1.2e-6 (weights 1.8e-7); the tolerances are 1e-5 (weights 2e-6).
// DEFINE: %{poison} = --poison=nan --poison=inf --poison=-inf --poison=big --poison=-big
// RUN: tfmc -O0 %s -o %t.0
// RUN: tfmc -O1 %s -o %t.1
// RUN: tfmc -O2 %s -o %t.2
// RUN: tfmc -O3 %s -o %t.3
// RUN: %e2e gqa_rows_decode --exe %t.0 %{poison}
// RUN: %e2e gqa_rows_few --exe %t.0 %{poison}
// RUN: %e2e gqa_rows_many --exe %t.0 %{poison}
// RUN: %e2e gqa9_rows_decode --exe %t.0 %{poison}
// RUN: %e2e gqa9_rows_many --exe %t.0 %{poison}
// RUN: %e2e mqa_rows_decode --exe %t.0 %{poison}
// RUN: %e2e mqa_rows_few --exe %t.0 %{poison}
// RUN: %e2e mqa_rows_many --exe %t.0 %{poison}
// RUN: %e2e gqa_cached_step --exe %t.0 %{poison}
// RUN: %e2e gqa_cached_few --exe %t.0 %{poison}
// RUN: %e2e gqa_cached_many --exe %t.0 %{poison}
// RUN: %e2e mqa_cached_step --exe %t.0 %{poison}
// RUN: %e2e gqa_head_mask_rows --exe %t.0 %{poison}
// RUN: %e2e gqa_head_mask_block --exe %t.0 %{poison}
// RUN: %e2e gqa_weights --exe %t.0
// RUN: %e2e gqa_rows_decode --exe %t.1 %{poison}
// RUN: %e2e gqa_rows_few --exe %t.1 %{poison}
// RUN: %e2e gqa_rows_many --exe %t.1 %{poison}
// RUN: %e2e gqa9_rows_decode --exe %t.1 %{poison}
// RUN: %e2e gqa9_rows_many --exe %t.1 %{poison}
// RUN: %e2e mqa_rows_decode --exe %t.1 %{poison}
// RUN: %e2e mqa_rows_few --exe %t.1 %{poison}
// RUN: %e2e mqa_rows_many --exe %t.1 %{poison}
// RUN: %e2e gqa_cached_step --exe %t.1 %{poison}
// RUN: %e2e gqa_cached_few --exe %t.1 %{poison}
// RUN: %e2e gqa_cached_many --exe %t.1 %{poison}
// RUN: %e2e mqa_cached_step --exe %t.1 %{poison}
// RUN: %e2e gqa_head_mask_rows --exe %t.1 %{poison}
// RUN: %e2e gqa_head_mask_block --exe %t.1 %{poison}
// RUN: %e2e gqa_weights --exe %t.1
// RUN: %e2e gqa_rows_decode --exe %t.2 %{poison}
// RUN: %e2e gqa_rows_few --exe %t.2 %{poison}
// RUN: %e2e gqa_rows_many --exe %t.2 %{poison}
// RUN: %e2e gqa9_rows_decode --exe %t.2 %{poison}
// RUN: %e2e gqa9_rows_many --exe %t.2 %{poison}
// RUN: %e2e mqa_rows_decode --exe %t.2 %{poison}
// RUN: %e2e mqa_rows_few --exe %t.2 %{poison}
// RUN: %e2e mqa_rows_many --exe %t.2 %{poison}
// RUN: %e2e gqa_cached_step --exe %t.2 %{poison}
// RUN: %e2e gqa_cached_few --exe %t.2 %{poison}
// RUN: %e2e gqa_cached_many --exe %t.2 %{poison}
// RUN: %e2e mqa_cached_step --exe %t.2 %{poison}
// RUN: %e2e gqa_head_mask_rows --exe %t.2 %{poison}
// RUN: %e2e gqa_head_mask_block --exe %t.2 %{poison}
// RUN: %e2e gqa_weights --exe %t.2
// RUN: %e2e gqa_rows_decode --exe %t.3 %{poison}
// RUN: %e2e gqa_rows_few --exe %t.3 %{poison}
// RUN: %e2e gqa_rows_many --exe %t.3 %{poison}
// RUN: %e2e gqa9_rows_decode --exe %t.3 %{poison}
// RUN: %e2e gqa9_rows_many --exe %t.3 %{poison}
// RUN: %e2e mqa_rows_decode --exe %t.3 %{poison}
// RUN: %e2e mqa_rows_few --exe %t.3 %{poison}
// RUN: %e2e mqa_rows_many --exe %t.3 %{poison}
// RUN: %e2e gqa_cached_step --exe %t.3 %{poison}
// RUN: %e2e gqa_cached_few --exe %t.3 %{poison}
// RUN: %e2e gqa_cached_many --exe %t.3 %{poison}
// RUN: %e2e mqa_cached_step --exe %t.3 %{poison}
// RUN: %e2e gqa_head_mask_rows --exe %t.3 %{poison}
// RUN: %e2e gqa_head_mask_block --exe %t.3 %{poison}
// RUN: %e2e gqa_weights --exe %t.3
// RUN: %e2e gqa_rows_decode --exe %t.3 --threads 1 %{poison}
// RUN: %e2e gqa9_rows_many --exe %t.3 --threads 2

func.func @gqa_rows(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>,
                    %v: tensor<?x2x?x64xf32>, %keep: tensor<?x1x?x?xi1>)
    -> tensor<?x8x?x64xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x?x?xi1>) causal
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x8x?x64xf32>
  return %0 : tensor<?x8x?x64xf32>
}

func.func @gqa9_rows(%q: tensor<?x9x?x64xf32>, %k: tensor<?x3x?x64xf32>,
                     %v: tensor<?x3x?x64xf32>, %keep: tensor<?x1x?x?xi1>)
    -> tensor<?x9x?x64xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x?x?xi1>) causal
      : tensor<?x9x?x64xf32>, tensor<?x3x?x64xf32>, tensor<?x3x?x64xf32> -> tensor<?x9x?x64xf32>
  return %0 : tensor<?x9x?x64xf32>
}

func.func @mqa_rows(%q: tensor<?x16x?x80xf32>, %k: tensor<?x1x?x80xf32>,
                    %v: tensor<?x1x?x80xf32>, %keep: tensor<?x1x?x?xi1>)
    -> tensor<?x16x?x80xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x?x?xi1>) causal
      : tensor<?x16x?x80xf32>, tensor<?x1x?x80xf32>, tensor<?x1x?x80xf32> -> tensor<?x16x?x80xf32>
  return %0 : tensor<?x16x?x80xf32>
}

func.func @gqa_cached(%q: tensor<?x8x?x48xf32>, %pk: tensor<?x?x2x48xf32>,
                      %nk: tensor<?x2x?x48xf32>, %pv: tensor<?x?x2x48xf32>,
                      %nv: tensor<?x2x?x48xf32>, %keep: tensor<?x1x1x?xi1>)
    -> tensor<?x8x?x48xf32> {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x2x48xf32>, tensor<?x2x?x48xf32> -> tensor<?x2x?x48xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x2x48xf32>, tensor<?x2x?x48xf32> -> tensor<?x2x?x48xf32>
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x1x?xi1>) causal
      : tensor<?x8x?x48xf32>, tensor<?x2x?x48xf32>, tensor<?x2x?x48xf32> -> tensor<?x8x?x48xf32>
  return %0 : tensor<?x8x?x48xf32>
}

func.func @mqa_cached(%q: tensor<?x4x?x64xf32>, %pk: tensor<?x?x1x64xf32>,
                      %nk: tensor<?x1x?x64xf32>, %pv: tensor<?x?x1x64xf32>,
                      %nv: tensor<?x1x?x64xf32>, %keep: tensor<?x1x1x?xi1>)
    -> tensor<?x4x?x64xf32> {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x1x64xf32>, tensor<?x1x?x64xf32> -> tensor<?x1x?x64xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x1x64xf32>, tensor<?x1x?x64xf32> -> tensor<?x1x?x64xf32>
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x1x?xi1>) causal
      : tensor<?x4x?x64xf32>, tensor<?x1x?x64xf32>, tensor<?x1x?x64xf32> -> tensor<?x4x?x64xf32>
  return %0 : tensor<?x4x?x64xf32>
}

func.func @gqa_head_mask_rows(%q: tensor<2x6x3x48xf32>, %k: tensor<2x2x21x48xf32>,
                              %v: tensor<2x2x21x48xf32>, %bias: tensor<2x6x3x21xf32>)
    -> tensor<2x6x3x48xf32> {
  %0 = tfm.attention %q, %k, %v mask(%bias : tensor<2x6x3x21xf32>) scale(1.250000e-01)
      : tensor<2x6x3x48xf32>, tensor<2x2x21x48xf32>, tensor<2x2x21x48xf32> -> tensor<2x6x3x48xf32>
  return %0 : tensor<2x6x3x48xf32>
}

func.func @gqa_head_mask_block(%q: tensor<2x6x37x48xf32>, %k: tensor<2x2x40x48xf32>,
                               %v: tensor<2x2x40x48xf32>, %bias: tensor<2x6x37x40xf32>)
    -> tensor<2x6x37x48xf32> {
  %0 = tfm.attention %q, %k, %v mask(%bias : tensor<2x6x37x40xf32>) scale(1.250000e-01)
      : tensor<2x6x37x48xf32>, tensor<2x2x40x48xf32>, tensor<2x2x40x48xf32> -> tensor<2x6x37x48xf32>
  return %0 : tensor<2x6x37x48xf32>
}

func.func @gqa_weights(%q: tensor<2x8x5x48xf32>, %k: tensor<2x2x7x48xf32>)
    -> tensor<2x8x5x7xf32> {
  %0 = tfm.attention_weights %q, %k causal
      : tensor<2x8x5x48xf32>, tensor<2x2x7x48xf32> -> tensor<2x8x5x7xf32>
  return %0 : tensor<2x8x5x7xf32>
}
