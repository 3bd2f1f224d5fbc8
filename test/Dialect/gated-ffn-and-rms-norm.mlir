// RUN: tfm-opt %s | tfm-opt | FileCheck %s
// RUN: tfm-opt %s --mlir-print-op-generic | tfm-opt | FileCheck %s

// The ops of Llama/Qwen2-style decoder layers besides attention:
// tfm.rms_norm, tfm.silu and tfm.gated_feed_forward.

// RMSNorm over dynamic batch and sequence dimensions (SmolLM's width).
// CHECK-LABEL: func.func @rms_norm_dynamic
// CHECK:         tfm.rms_norm %{{[^ ]+}}, %{{[^ ]+}} epsilon(9.99999974E-6) : tensor<?x?x576xf32>, tensor<576xf32> -> tensor<?x?x576xf32>
func.func @rms_norm_dynamic(%x: tensor<?x?x576xf32>, %w: tensor<576xf32>) -> tensor<?x?x576xf32> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<?x?x576xf32>, tensor<576xf32> -> tensor<?x?x576xf32>
  return %0 : tensor<?x?x576xf32>
}

// bf16 activations and weight, a dynamic normalized size, rank 1.
// CHECK-LABEL: func.func @rms_norm_bf16
// CHECK:         tfm.rms_norm %{{[^ ]+}}, %{{[^ ]+}} epsilon(9.99999997E-7) : tensor<?xbf16>, tensor<?xbf16> -> tensor<?xbf16>
func.func @rms_norm_bf16(%x: tensor<?xbf16>, %w: tensor<?xbf16>) -> tensor<?xbf16> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-6) : tensor<?xbf16>, tensor<?xbf16> -> tensor<?xbf16>
  return %0 : tensor<?xbf16>
}

// CHECK-LABEL: func.func @silu
// CHECK:         tfm.silu %{{[^ ]+}} : tensor<?x?x1536xf32>
func.func @silu(%x: tensor<?x?x1536xf32>) -> tensor<?x?x1536xf32> {
  %0 = tfm.silu %x : tensor<?x?x1536xf32>
  return %0 : tensor<?x?x1536xf32>
}

// SwiGLU (Llama, Qwen2) on [B, S, E].
// CHECK-LABEL: func.func @swiglu
// CHECK:         tfm.gated_feed_forward silu %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<?x?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x?x64xf32>
func.func @swiglu(%x: tensor<?x?x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                  %down: tensor<64x172xf32>) -> tensor<?x?x64xf32> {
  %0 = tfm.gated_feed_forward silu %x, %gate, %up, %down
      : tensor<?x?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// GeGLU with the tanh approximation on [tokens, E], and with erf, on f16
// and an output width other than the input's.
// CHECK-LABEL: func.func @geglu
// CHECK:         tfm.gated_feed_forward gelu_tanh %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<7x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<7x64xf32>
// CHECK:         tfm.gated_feed_forward gelu %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} : tensor<7x64xf16>, tensor<?x64xf16>, tensor<?x64xf16>, tensor<32x?xf16> -> tensor<7x32xf16>
func.func @geglu(%x: tensor<7x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                 %down: tensor<64x172xf32>, %h: tensor<7x64xf16>, %g16: tensor<?x64xf16>,
                 %u16: tensor<?x64xf16>, %d16: tensor<32x?xf16>) -> (tensor<7x64xf32>, tensor<7x32xf16>) {
  %0 = tfm.gated_feed_forward gelu_tanh %x, %gate, %up, %down
      : tensor<7x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<7x64xf32>
  %1 = tfm.gated_feed_forward gelu %h, %g16, %u16, %d16
      : tensor<7x64xf16>, tensor<?x64xf16>, tensor<?x64xf16>, tensor<32x?xf16> -> tensor<7x32xf16>
  return %0, %1 : tensor<7x64xf32>, tensor<7x32xf16>
}
