// tfm.attention on shapes that do not fit the fused lowering's blocks (odd
// lengths, head dims 40 and 96, Sq != Skv, dynamic sizes, masks hiding every
// key of some queries) and on few queries (the single-query loop, also over
// keys and values appended to caches, with depths that are lane multiples
// and depths of 20, 36, 40 and 8 in masked chunks) against
// PyTorch, at every -O level: -O0/-O1 run the plain lowering, -O2/-O3 the
// fused one (tfm-fuse-attention), whose query blocks run on OpenMP threads
// (results do not depend on their number). Keys and values that no query
// sees (masked, with and without the causal flag, in rows and in caches)
// are filled with NaN, ±inf and ±3.4e38 and must give the bytes that zeros
// there give (%{poison}).
// DEFINE: %{poison} = --poison=nan --poison=inf --poison=-inf --poison=big --poison=-big
// RUN: tfmc -O0 %s -o %t.0
// RUN: tfmc -O1 %s -o %t.1
// RUN: tfmc -O2 %s -o %t.2
// RUN: tfmc -O3 %s -o %t.3
// RUN: %e2e fused_cross --exe %t.0
// RUN: %e2e fused_causal_130 --exe %t.0
// RUN: %e2e fused_causal_cross --exe %t.0
// RUN: %e2e fused_causal_decode --exe %t.0
// RUN: %e2e fused_masked_rows --exe %t.0 %{poison}
// RUN: %e2e fused_key_padding --exe %t.0 %{poison}
// RUN: %e2e fused_additive --exe %t.0 %{poison}
// RUN: %e2e fused_cross --exe %t.1
// RUN: %e2e fused_causal_130 --exe %t.1
// RUN: %e2e fused_causal_cross --exe %t.1
// RUN: %e2e fused_causal_decode --exe %t.1
// RUN: %e2e fused_masked_rows --exe %t.1 %{poison}
// RUN: %e2e fused_key_padding --exe %t.1 %{poison}
// RUN: %e2e fused_additive --exe %t.1 %{poison}
// RUN: %e2e fused_cross --exe %t.2
// RUN: %e2e fused_causal_130 --exe %t.2
// RUN: %e2e fused_causal_cross --exe %t.2
// RUN: %e2e fused_causal_decode --exe %t.2
// RUN: %e2e fused_masked_rows --exe %t.2 %{poison}
// RUN: %e2e fused_key_padding --exe %t.2 %{poison}
// RUN: %e2e fused_additive --exe %t.2 %{poison}
// RUN: %e2e fused_cross --exe %t.3
// RUN: %e2e fused_causal_130 --exe %t.3
// RUN: %e2e fused_causal_cross --exe %t.3
// RUN: %e2e fused_causal_decode --exe %t.3
// RUN: %e2e fused_masked_rows --exe %t.3 %{poison}
// RUN: %e2e fused_key_padding --exe %t.3 %{poison}
// RUN: %e2e fused_additive --exe %t.3 %{poison}
// RUN: %e2e fused_masked_rows --exe %t.3 --threads 1 %{poison}
// RUN: %e2e fused_causal_130 --exe %t.3 --threads 2
// RUN: %e2e fused_rows_decode --exe %t.0 %{poison}
// RUN: %e2e fused_rows_few --exe %t.0 %{poison}
// RUN: %e2e fused_rows_many --exe %t.0 %{poison}
// RUN: %e2e fused_rows_additive --exe %t.0 %{poison}
// RUN: %e2e fused_rows_decode --exe %t.1 %{poison}
// RUN: %e2e fused_rows_few --exe %t.1 %{poison}
// RUN: %e2e fused_rows_many --exe %t.1 %{poison}
// RUN: %e2e fused_rows_additive --exe %t.1 %{poison}
// RUN: %e2e fused_rows_decode --exe %t.2 %{poison}
// RUN: %e2e fused_rows_few --exe %t.2 %{poison}
// RUN: %e2e fused_rows_many --exe %t.2 %{poison}
// RUN: %e2e fused_rows_additive --exe %t.2 %{poison}
// RUN: %e2e fused_rows_decode --exe %t.3 %{poison}
// RUN: %e2e fused_rows_few --exe %t.3 %{poison}
// RUN: %e2e fused_rows_many --exe %t.3 %{poison}
// RUN: %e2e fused_rows_additive --exe %t.3 %{poison}
// RUN: %e2e fused_rows_decode --exe %t.3 --threads 1 %{poison}
// RUN: %e2e fused_rows_few --exe %t.3 --threads 2 %{poison}
// RUN: %e2e fused_cached_step --exe %t.0 %{poison}
// RUN: %e2e fused_cached_few --exe %t.0 %{poison}
// RUN: %e2e fused_cached_many --exe %t.0 %{poison}
// RUN: %e2e fused_cached_step --exe %t.1 %{poison}
// RUN: %e2e fused_cached_few --exe %t.1 %{poison}
// RUN: %e2e fused_cached_many --exe %t.1 %{poison}
// RUN: %e2e fused_cached_step --exe %t.2 %{poison}
// RUN: %e2e fused_cached_few --exe %t.2 %{poison}
// RUN: %e2e fused_cached_many --exe %t.2 %{poison}
// RUN: %e2e fused_cached_step --exe %t.3 %{poison}
// RUN: %e2e fused_cached_few --exe %t.3 %{poison}
// RUN: %e2e fused_cached_many --exe %t.3 %{poison}
// RUN: %e2e fused_cached_step --exe %t.3 --threads 1 %{poison}
// RUN: %e2e fused_rows_odd_decode --exe %t.0 %{poison}
// RUN: %e2e fused_rows_odd_few --exe %t.0 %{poison}
// RUN: %e2e fused_cached_odd_step --exe %t.0 %{poison}
// RUN: %e2e fused_cached_odd_many --exe %t.0 %{poison}
// RUN: %e2e fused_rows_odd_decode --exe %t.3 %{poison}
// RUN: %e2e fused_rows_odd_few --exe %t.3 %{poison}
// RUN: %e2e fused_cached_odd_step --exe %t.3 %{poison}
// RUN: %e2e fused_cached_odd_many --exe %t.3 %{poison}
// RUN: %e2e fused_rows_odd_few --exe %t.3 --threads 2 %{poison}

func.func @fused_dynamic(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>,
                         %v: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %0 = tfm.attention %q, %k, %v
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

func.func @fused_causal(%q: tensor<?x3x?x40xf32>, %k: tensor<?x3x?x40xf32>,
                        %v: tensor<?x3x?x40xf32>) -> tensor<?x3x?x40xf32> {
  %0 = tfm.attention %q, %k, %v causal
      : tensor<?x3x?x40xf32>, tensor<?x3x?x40xf32>, tensor<?x3x?x40xf32> -> tensor<?x3x?x40xf32>
  return %0 : tensor<?x3x?x40xf32>
}

func.func @fused_masked(%q: tensor<2x3x77x96xf32>, %k: tensor<2x3x130x96xf32>,
                        %v: tensor<2x3x130x24xf32>, %keep: tensor<2x1x77x130xi1>)
    -> tensor<2x3x77x24xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<2x1x77x130xi1>) causal
      : tensor<2x3x77x96xf32>, tensor<2x3x130x96xf32>, tensor<2x3x130x24xf32> -> tensor<2x3x77x24xf32>
  return %0 : tensor<2x3x77x24xf32>
}

func.func @fused_key_padding(%q: tensor<?x3x?x40xf32>, %k: tensor<?x3x?x40xf32>,
                             %v: tensor<?x3x?x40xf32>, %keep: tensor<?x1x1x?xi1>)
    -> tensor<?x3x?x40xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x1x?xi1>)
      : tensor<?x3x?x40xf32>, tensor<?x3x?x40xf32>, tensor<?x3x?x40xf32> -> tensor<?x3x?x40xf32>
  return %0 : tensor<?x3x?x40xf32>
}

func.func @fused_additive(%q: tensor<2x3x77x40xf32>, %k: tensor<2x3x130x40xf32>,
                          %v: tensor<2x3x130x40xf32>, %bias: tensor<77x130xf32>)
    -> tensor<2x3x77x40xf32> {
  %0 = tfm.attention %q, %k, %v mask(%bias : tensor<77x130xf32>) scale(2.000000e-01)
      : tensor<2x3x77x40xf32>, tensor<2x3x130x40xf32>, tensor<2x3x130x40xf32> -> tensor<2x3x77x40xf32>
  return %0 : tensor<2x3x77x40xf32>
}

func.func @fused_rows(%q: tensor<?x3x?x32xf32>, %k: tensor<?x3x?x32xf32>,
                      %v: tensor<?x3x?x48xf32>, %keep: tensor<?x1x?x?xi1>)
    -> tensor<?x3x?x48xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x?x?xi1>) causal
      : tensor<?x3x?x32xf32>, tensor<?x3x?x32xf32>, tensor<?x3x?x48xf32> -> tensor<?x3x?x48xf32>
  return %0 : tensor<?x3x?x48xf32>
}

func.func @fused_rows_additive(%q: tensor<2x2x3x64xf32>, %k: tensor<2x2x21x64xf32>,
                               %v: tensor<2x2x21x64xf32>, %bias: tensor<3x21xf32>)
    -> tensor<2x2x3x64xf32> {
  %0 = tfm.attention %q, %k, %v mask(%bias : tensor<3x21xf32>) scale(3.000000e-01)
      : tensor<2x2x3x64xf32>, tensor<2x2x21x64xf32>, tensor<2x2x21x64xf32> -> tensor<2x2x3x64xf32>
  return %0 : tensor<2x2x3x64xf32>
}

func.func @fused_rows_odd(%q: tensor<?x3x?x20xf32>, %k: tensor<?x3x?x20xf32>,
                          %v: tensor<?x3x?x36xf32>, %keep: tensor<?x1x?x?xi1>)
    -> tensor<?x3x?x36xf32> {
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x?x?xi1>) causal
      : tensor<?x3x?x20xf32>, tensor<?x3x?x20xf32>, tensor<?x3x?x36xf32> -> tensor<?x3x?x36xf32>
  return %0 : tensor<?x3x?x36xf32>
}

func.func @fused_cached_odd(%q: tensor<?x3x?x40xf32>, %pk: tensor<?x?x3x40xf32>,
                            %nk: tensor<?x3x?x40xf32>, %pv: tensor<?x?x3x8xf32>,
                            %nv: tensor<?x3x?x8xf32>, %keep: tensor<?x1x1x?xi1>)
    -> tensor<?x3x?x8xf32> {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x3x40xf32>, tensor<?x3x?x40xf32> -> tensor<?x3x?x40xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x3x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x8xf32>
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x1x?xi1>) causal
      : tensor<?x3x?x40xf32>, tensor<?x3x?x40xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x8xf32>
  return %0 : tensor<?x3x?x8xf32>
}

func.func @fused_cached(%q: tensor<?x3x?x32xf32>, %pk: tensor<?x?x3x32xf32>,
                        %nk: tensor<?x3x?x32xf32>, %pv: tensor<?x?x3x48xf32>,
                        %nv: tensor<?x3x?x48xf32>, %keep: tensor<?x1x1x?xi1>)
    -> tensor<?x3x?x48xf32> {
  %k = tfm.kv_cache_append %pk, %nk : tensor<?x?x3x32xf32>, tensor<?x3x?x32xf32> -> tensor<?x3x?x32xf32>
  %v = tfm.kv_cache_append %pv, %nv : tensor<?x?x3x48xf32>, tensor<?x3x?x48xf32> -> tensor<?x3x?x48xf32>
  %0 = tfm.attention %q, %k, %v mask(%keep : tensor<?x1x1x?xi1>) causal
      : tensor<?x3x?x32xf32>, tensor<?x3x?x32xf32>, tensor<?x3x?x48xf32> -> tensor<?x3x?x48xf32>
  return %0 : tensor<?x3x?x48xf32>
}
