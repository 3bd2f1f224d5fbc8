// Rotary position embeddings against Hugging Face transformers' code paths
// (LlamaRotaryEmbedding with rotate_half, GPT-NeoX's partial rotary, GPT-J's
// interleaved pairs, linear and llama3 rope_scaling) written in PyTorch in
// lib/e2e.py, at every -O level and for an AVX2 target. Positions reach past
// 8192 (angles of thousands of radians) with offsets that differ per row.
//
// Observed max errors are 1.2e-7 to 4.8e-7 (tolerance 5e-6), except
// rope_half_48: 3.0e-5 (tolerance 1e-4, the project's bound), where
// PyTorch's float32 pow (SLEEF's, within one ulp) gives one frequency one
// ulp away from the correctly rounded value tfmc uses, which moves that
// pair's angle by one float32 ulp at positions near 8190.
//
// DEFINE: %{O} =
// DEFINE: %{check} = %e2e rope_half --exe %t.%{O} \
// DEFINE:   && %e2e rope_half_far --exe %t.%{O} \
// DEFINE:   && %e2e rope_half_far_decode --exe %t.%{O} \
// DEFINE:   && %e2e rope_partial --exe %t.%{O} \
// DEFINE:   && %e2e rope_half_80 --exe %t.%{O} \
// DEFINE:   && %e2e rope_half_48 --exe %t.%{O} \
// DEFINE:   && %e2e rope_interleaved --exe %t.%{O} \
// DEFINE:   && %e2e rope_interleaved_partial --exe %t.%{O} \
// DEFINE:   && %e2e rope_linear --exe %t.%{O} \
// DEFINE:   && %e2e rope_llama3 --exe %t.%{O}
// REDEFINE: %{O} = O0
// RUN: tfmc -O0 %s -o %t.O0 && %{check}
// REDEFINE: %{O} = O1
// RUN: tfmc -O1 %s -o %t.O1 && %{check}
// REDEFINE: %{O} = O2
// RUN: tfmc -O2 %s -o %t.O2 && %{check}
// REDEFINE: %{O} = O3
// RUN: tfmc -O3 %s -o %t.O3 && %{check}
// REDEFINE: %{O} = v3
// RUN: tfmc --target-cpu=x86-64-v3 %s -o %t.v3 && %{check}

func.func @rope_half(%x: tensor<?x?x?x64xf32>) -> tensor<?x?x?x64xf32> {
  %0 = tfm.rotary_embedding half %x theta(10000.0) rotary_dim(64)
      : tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %0 : tensor<?x?x?x64xf32>
}

func.func @rope_half_far(%x: tensor<?x2x?x64xf32>, %offset: tensor<?xi64>)
    -> tensor<?x2x?x64xf32> {
  %0 = tfm.rotary_embedding half %x offset(%offset : tensor<?xi64>)
      theta(500000.0) rotary_dim(64)
      : tensor<?x2x?x64xf32> -> tensor<?x2x?x64xf32>
  return %0 : tensor<?x2x?x64xf32>
}

func.func @rope_partial(%x: tensor<?x2x?x64xf32>, %offset: tensor<?xi64>)
    -> tensor<?x2x?x64xf32> {
  %0 = tfm.rotary_embedding half %x offset(%offset : tensor<?xi64>)
      theta(10000.0) rotary_dim(32)
      : tensor<?x2x?x64xf32> -> tensor<?x2x?x64xf32>
  return %0 : tensor<?x2x?x64xf32>
}

func.func @rope_half_80(%x: tensor<?x2x?x80xf32>, %offset: tensor<?xi64>)
    -> tensor<?x2x?x80xf32> {
  %0 = tfm.rotary_embedding half %x offset(%offset : tensor<?xi64>)
      theta(1000000.0) rotary_dim(80)
      : tensor<?x2x?x80xf32> -> tensor<?x2x?x80xf32>
  return %0 : tensor<?x2x?x80xf32>
}

func.func @rope_half_48(%x: tensor<?x2x?x48xf32>, %offset: tensor<?xi64>)
    -> tensor<?x2x?x48xf32> {
  %0 = tfm.rotary_embedding half %x offset(%offset : tensor<?xi64>)
      theta(10000.0) rotary_dim(48)
      : tensor<?x2x?x48xf32> -> tensor<?x2x?x48xf32>
  return %0 : tensor<?x2x?x48xf32>
}

func.func @rope_interleaved(%x: tensor<?x2x?x64xf32>, %offset: tensor<?xi64>)
    -> tensor<?x2x?x64xf32> {
  %0 = tfm.rotary_embedding interleaved %x offset(%offset : tensor<?xi64>)
      theta(10000.0) rotary_dim(64)
      : tensor<?x2x?x64xf32> -> tensor<?x2x?x64xf32>
  return %0 : tensor<?x2x?x64xf32>
}

func.func @rope_interleaved_partial(%x: tensor<?x2x?x48xf32>,
                                    %offset: tensor<?xi32>)
    -> tensor<?x2x?x48xf32> {
  %0 = tfm.rotary_embedding interleaved %x offset(%offset : tensor<?xi32>)
      theta(10000.0) rotary_dim(16)
      : tensor<?x2x?x48xf32> -> tensor<?x2x?x48xf32>
  return %0 : tensor<?x2x?x48xf32>
}

func.func @rope_linear(%x: tensor<?x2x?x64xf32>, %offset: tensor<?xi64>)
    -> tensor<?x2x?x64xf32> {
  %0 = tfm.rotary_embedding half %x offset(%offset : tensor<?xi64>)
      theta(10000.0) rotary_dim(64) scaling(linear) factor(4.0)
      : tensor<?x2x?x64xf32> -> tensor<?x2x?x64xf32>
  return %0 : tensor<?x2x?x64xf32>
}

func.func @rope_llama3(%x: tensor<?x2x?x64xf32>, %offset: tensor<?xi64>)
    -> tensor<?x2x?x64xf32> {
  %0 = tfm.rotary_embedding half %x offset(%offset : tensor<?xi64>)
      theta(500000.0) rotary_dim(64) scaling(llama3) factor(8.0)
      low_freq_factor(1.0) high_freq_factor(4.0)
      original_max_position_embeddings(8192)
      : tensor<?x2x?x64xf32> -> tensor<?x2x?x64xf32>
  return %0 : tensor<?x2x?x64xf32>
}
