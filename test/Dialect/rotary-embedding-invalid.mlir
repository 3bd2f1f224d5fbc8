// RUN: tfm-opt %s -split-input-file -verify-diagnostics

// Queries or keys after the head split: rank 4 [B, H, S, D].
func.func @rope_rank(%x: tensor<2x5x64xf32>) {
  // expected-error @+1 {{'tfm.rotary_embedding' op input must have rank 4, got rank 3 ('tensor<2x5x64xf32>')}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) : tensor<2x5x64xf32> -> tensor<2x5x64xf32>
  return
}

// -----

func.func @rope_result_type(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{result type 'tensor<2x4x5x64xf16>' must equal input type 'tensor<2x4x5x64xf32>'}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf16>
  return
}

// -----

func.func @rope_dynamic_head_size(%x: tensor<2x4x5x?xf32>) {
  // expected-error @+1 {{input head size (dimension 3) must be static}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) : tensor<2x4x5x?xf32> -> tensor<2x4x5x?xf32>
  return
}

// -----

func.func @rope_rotary_dim_odd(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{rotary_dim must be even, positive and at most the head size 64, got 33}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(33) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_rotary_dim_too_large(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{rotary_dim must be even, positive and at most the head size 64, got 66}}
  %0 = tfm.rotary_embedding interleaved %x theta(1.0e4) rotary_dim(66) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_rotary_dim_zero(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{rotary_dim must be even, positive and at most the head size 64, got 0}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(0) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_theta_negative(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{theta must be positive and finite, got -1.0E+4}}
  %0 = tfm.rotary_embedding half %x theta(-1.0e4) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_theta_inf(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{theta must be positive and finite, got inf}}
  %0 = tfm.rotary_embedding half %x theta(0x7FF0000000000000) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_bad_layout(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'layout' [half, interleaved]}}
  %0 = tfm.rotary_embedding neox %x theta(1.0e4) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_bad_scaling(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'scaling' [none, linear, llama3]}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) scaling(yarn) factor(4.0) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_linear_without_factor(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{linear scaling needs factor}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) scaling(linear) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_factor_without_scaling(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{factor is not a parameter of none scaling}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) factor(4.0) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_linear_llama3_parameter(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{low_freq_factor is not a parameter of linear scaling}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) scaling(linear) factor(4.0) low_freq_factor(1.0) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_linear_factor_below_one(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{scaling factor must be finite and at least 1, got 0.5}}
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(64) scaling(linear) factor(0.5) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_llama3_missing(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{llama3 scaling needs original_max_position_embeddings}}
  %0 = tfm.rotary_embedding half %x theta(5.0e5) rotary_dim(64) scaling(llama3) factor(8.0) low_freq_factor(1.0) high_freq_factor(4.0) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_llama3_factor_below_one(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{scaling factor must be finite and at least 1, got 0.5}}
  %0 = tfm.rotary_embedding half %x theta(5.0e5) rotary_dim(64) scaling(llama3) factor(0.5) low_freq_factor(1.0) high_freq_factor(4.0) original_max_position_embeddings(8192) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_llama3_high_not_above_low(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{high_freq_factor 1 must be greater than low_freq_factor 4}}
  %0 = tfm.rotary_embedding half %x theta(5.0e5) rotary_dim(64) scaling(llama3) factor(8.0) low_freq_factor(4.0) high_freq_factor(1.0) original_max_position_embeddings(8192) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_llama3_low_zero(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{low_freq_factor and high_freq_factor must be positive and finite, got 0 and 4}}
  %0 = tfm.rotary_embedding half %x theta(5.0e5) rotary_dim(64) scaling(llama3) factor(8.0) low_freq_factor(0.0) high_freq_factor(4.0) original_max_position_embeddings(8192) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_llama3_original_max(%x: tensor<2x4x5x64xf32>) {
  // expected-error @+1 {{original_max_position_embeddings must be positive, got 0}}
  %0 = tfm.rotary_embedding half %x theta(5.0e5) rotary_dim(64) scaling(llama3) factor(8.0) low_freq_factor(1.0) high_freq_factor(4.0) original_max_position_embeddings(0) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

// One offset per batch row.
func.func @rope_offset_batch(%x: tensor<2x4x5x64xf32>, %o: tensor<3xi64>) {
  // expected-error @+1 {{batch size mismatch: offset dimension 0 is 3 but input dimension 0 is 2}}
  %0 = tfm.rotary_embedding half %x offset(%o : tensor<3xi64>) theta(1.0e4) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_offset_rank(%x: tensor<2x4x5x64xf32>, %o: tensor<2x1xi64>) {
  // expected-error @+1 {{offset must have rank 1, got rank 2 ('tensor<2x1xi64>')}}
  %0 = tfm.rotary_embedding half %x offset(%o : tensor<2x1xi64>) theta(1.0e4) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}

// -----

func.func @rope_offset_float(%x: tensor<2x4x5x64xf32>, %o: tensor<2xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of signless integer or index values}}
  %0 = tfm.rotary_embedding half %x offset(%o : tensor<2xf32>) theta(1.0e4) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return
}
