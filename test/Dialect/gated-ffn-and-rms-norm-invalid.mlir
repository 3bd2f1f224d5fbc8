// RUN: tfm-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// tfm.rms_norm
//===----------------------------------------------------------------------===//

func.func @rms_norm_rank0(%x: tensor<f32>, %w: tensor<1xf32>) {
  // expected-error @+1 {{'tfm.rms_norm' op input must have rank at least 1, got 'tensor<f32>'}}
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<f32>, tensor<1xf32> -> tensor<f32>
  return
}

// -----

func.func @rms_norm_result_type(%x: tensor<2x7x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{result type 'tensor<2x7x8xf32>' must equal input type 'tensor<2x7x16xf32>'}}
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<2x7x16xf32>, tensor<16xf32> -> tensor<2x7x8xf32>
  return
}

// -----

func.func @rms_norm_weight_rank(%x: tensor<2x7x16xf32>, %w: tensor<7x16xf32>) {
  // expected-error @+1 {{weight must have rank 1, got rank 2 ('tensor<7x16xf32>')}}
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<2x7x16xf32>, tensor<7x16xf32> -> tensor<2x7x16xf32>
  return
}

// -----

func.func @rms_norm_weight_size(%x: tensor<?x?x576xf32>, %w: tensor<896xf32>) {
  // expected-error @+1 {{normalized size mismatch: weight dimension 0 is 896 but input dimension 2 is 576}}
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<?x?x576xf32>, tensor<896xf32> -> tensor<?x?x576xf32>
  return
}

// -----

func.func @rms_norm_weight_element_type(%x: tensor<2x16xbf16>, %w: tensor<16xf32>) {
  // expected-error @+1 {{weight element type 'f32' does not match input element type 'bf16'}}
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<2x16xbf16>, tensor<16xf32> -> tensor<2x16xbf16>
  return
}

// -----

func.func @rms_norm_integer_input(%x: tensor<2x16xi32>, %w: tensor<16xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<2x16xi32>, tensor<16xi32> -> tensor<2x16xi32>
  return
}

// -----

func.func @rms_norm_epsilon_zero(%x: tensor<2x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{epsilon must be positive and finite, got 0}}
  %0 = tfm.rms_norm %x, %w epsilon(0.0) : tensor<2x16xf32>, tensor<16xf32> -> tensor<2x16xf32>
  return
}

// -----

func.func @rms_norm_epsilon_negative(%x: tensor<2x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{epsilon must be positive and finite, got -0.5}}
  %0 = tfm.rms_norm %x, %w epsilon(-0.5) : tensor<2x16xf32>, tensor<16xf32> -> tensor<2x16xf32>
  return
}

// -----

func.func @rms_norm_epsilon_nan(%x: tensor<2x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{epsilon must be positive and finite, got nan}}
  %0 = tfm.rms_norm %x, %w epsilon(0x7FC00000) : tensor<2x16xf32>, tensor<16xf32> -> tensor<2x16xf32>
  return
}

// -----

// The epsilon is required: Llama uses 1e-5 or 1e-6, Qwen2 1e-6.
func.func @rms_norm_no_epsilon(%x: tensor<2x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{expected 'epsilon'}}
  %0 = tfm.rms_norm %x, %w : tensor<2x16xf32>, tensor<16xf32> -> tensor<2x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// tfm.silu
//===----------------------------------------------------------------------===//

// -----

func.func @silu_result_type(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'tfm.silu' op requires the same type for all operands and results}}
  %0 = "tfm.silu"(%x) : (tensor<2x16xf32>) -> tensor<2x16xf16>
  return
}

// -----

func.func @silu_integer(%x: tensor<2x16xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = tfm.silu %x : tensor<2x16xi32>
  return
}

//===----------------------------------------------------------------------===//
// tfm.gated_feed_forward
//===----------------------------------------------------------------------===//

// -----

func.func @ffn_gate_input_features(%x: tensor<?x64xf32>, %g: tensor<172x32xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{'tfm.gated_feed_forward' op input features mismatch: input dimension 1 is 64 but gate weight dimension 1 is 32}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x32xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x64xf32>
  return
}

// -----

func.func @ffn_up_input_features(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x65xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{input features mismatch: input dimension 1 is 64 but up weight dimension 1 is 65}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x65xf32>, tensor<64x172xf32> -> tensor<?x64xf32>
  return
}

// -----

func.func @ffn_hidden_gate_up(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<170x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{hidden features mismatch: gate weight dimension 0 is 172 but up weight dimension 0 is 170}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<170x64xf32>, tensor<64x172xf32> -> tensor<?x64xf32>
  return
}

// -----

// The down weight is [E, F] (nn.Linear(F, E)), not [F, E].
func.func @ffn_down_transposed(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<172x64xf32>) {
  // expected-error @+1 {{hidden features mismatch: gate weight dimension 0 is 172 but down weight dimension 1 is 64}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<172x64xf32> -> tensor<?x64xf32>
  return
}

// -----

// A dynamic gate width is checked against the up and down weights.
func.func @ffn_hidden_up_down(%x: tensor<?x64xf32>, %g: tensor<?x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x160xf32>) {
  // expected-error @+1 {{hidden features mismatch: up weight dimension 0 is 172 but down weight dimension 1 is 160}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<?x64xf32>, tensor<172x64xf32>, tensor<64x160xf32> -> tensor<?x64xf32>
  return
}

// -----

func.func @ffn_output_features(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{output features mismatch: result dimension 1 is 32 but down weight dimension 0 is 64}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x32xf32>
  return
}

// -----

func.func @ffn_leading(%x: tensor<2x5x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{leading dimension mismatch: input dimension 1 is 5 but result dimension 1 is 6}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<2x5x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<2x6x64xf32>
  return
}

// -----

func.func @ffn_result_rank(%x: tensor<2x5x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{result must have rank 3, got rank 2 ('tensor<10x64xf32>')}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<2x5x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<10x64xf32>
  return
}

// -----

func.func @ffn_weight_rank(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172x1xf32>) {
  // expected-error @+1 {{down weight must have rank 2, got rank 3 ('tensor<64x172x1xf32>')}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172x1xf32> -> tensor<?x64xf32>
  return
}

// -----

func.func @ffn_weight_element_type(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xbf16>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{up weight element type 'bf16' does not match input element type 'f32'}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x64xbf16>, tensor<64x172xf32> -> tensor<?x64xf32>
  return
}

// -----

func.func @ffn_result_element_type(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{result element type 'f16' does not match input element type 'f32'}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x64xf16>
  return
}

// -----

func.func @ffn_input_rank0(%x: tensor<f32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{input must have rank at least 1, got 'tensor<f32>'}}
  %0 = tfm.gated_feed_forward silu %x, %g, %u, %d : tensor<f32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<f32>
  return
}

// -----

// Only the activations of gated feed-forwards in use are accepted.
func.func @ffn_bad_activation(%x: tensor<?x64xf32>, %g: tensor<172x64xf32>, %u: tensor<172x64xf32>, %d: tensor<64x172xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'activation' [silu, gelu, gelu_tanh]}}
  %0 = tfm.gated_feed_forward relu %x, %g, %u, %d : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x64xf32>
  return
}
