// RUN: tfm-opt %s | tfm-opt | FileCheck %s
// RUN: tfm-opt %s --mlir-print-op-generic | tfm-opt | FileCheck %s

// The plain form: no offset, no scaling printed.
// CHECK-LABEL: func.func @rope_half
// CHECK-SAME:    (%[[X:.+]]: tensor<2x4x5x64xf32>)
// CHECK:         %[[R:.+]] = tfm.rotary_embedding half %[[X]] theta(1.000000e+04) rotary_dim(64) : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
// CHECK-NEXT:    return %[[R]]
func.func @rope_half(%x: tensor<2x4x5x64xf32>) -> tensor<2x4x5x64xf32> {
  %0 = tfm.rotary_embedding half %x theta(10000.0) rotary_dim(64)
      : tensor<2x4x5x64xf32> -> tensor<2x4x5x64xf32>
  return %0 : tensor<2x4x5x64xf32>
}

// Interleaved pairs, partial rotary, a per-row offset and dynamic sizes.
// CHECK-LABEL: func.func @rope_interleaved_offset
// CHECK-SAME:    (%[[X:.+]]: tensor<?x16x?x256xbf16>, %[[O:.+]]: tensor<?xi32>)
// CHECK:         tfm.rotary_embedding interleaved %[[X]] offset(%[[O]] : tensor<?xi32>) theta(1.000000e+04) rotary_dim(64) : tensor<?x16x?x256xbf16> -> tensor<?x16x?x256xbf16>
func.func @rope_interleaved_offset(%x: tensor<?x16x?x256xbf16>, %o: tensor<?xi32>)
    -> tensor<?x16x?x256xbf16> {
  %0 = tfm.rotary_embedding interleaved %x offset(%o : tensor<?xi32>)
      theta(10000.0) rotary_dim(64)
      : tensor<?x16x?x256xbf16> -> tensor<?x16x?x256xbf16>
  return %0 : tensor<?x16x?x256xbf16>
}

// Linear scaling takes a factor.
// CHECK-LABEL: func.func @rope_linear
// CHECK:         tfm.rotary_embedding half %{{.+}} theta(1.000000e+06) rotary_dim(80) scaling(linear) factor(2.500000e+00) : tensor<1x2x3x80xf32> -> tensor<1x2x3x80xf32>
func.func @rope_linear(%x: tensor<1x2x3x80xf32>) -> tensor<1x2x3x80xf32> {
  %0 = tfm.rotary_embedding half %x theta(1.0e6) rotary_dim(80)
      scaling(linear) factor(2.5)
      : tensor<1x2x3x80xf32> -> tensor<1x2x3x80xf32>
  return %0 : tensor<1x2x3x80xf32>
}

// Llama 3.1's rope_scaling.
// CHECK-LABEL: func.func @rope_llama3
// CHECK:         tfm.rotary_embedding half %{{.+}} offset(%{{.+}} : tensor<1xi64>) theta(5.000000e+05) rotary_dim(64) scaling(llama3) factor(8.000000e+00) low_freq_factor(1.000000e+00) high_freq_factor(4.000000e+00) original_max_position_embeddings(8192) : tensor<1x8x1x64xf32> -> tensor<1x8x1x64xf32>
func.func @rope_llama3(%x: tensor<1x8x1x64xf32>, %o: tensor<1xi64>) -> tensor<1x8x1x64xf32> {
  %0 = tfm.rotary_embedding half %x offset(%o : tensor<1xi64>) theta(5.0e5)
      rotary_dim(64) scaling(llama3) factor(8.0) low_freq_factor(1.0)
      high_freq_factor(4.0) original_max_position_embeddings(8192)
      : tensor<1x8x1x64xf32> -> tensor<1x8x1x64xf32>
  return %0 : tensor<1x8x1x64xf32>
}

// scaling(none) is the default and is not printed.
// CHECK-LABEL: func.func @rope_scaling_none
// CHECK:         tfm.rotary_embedding half %{{.+}} theta(1.000000e+04) rotary_dim(8) : tensor<1x1x2x8xf32>
func.func @rope_scaling_none(%x: tensor<1x1x2x8xf32>) -> tensor<1x1x2x8xf32> {
  %0 = tfm.rotary_embedding half %x theta(1.0e4) rotary_dim(8) scaling(none)
      : tensor<1x1x2x8xf32> -> tensor<1x1x2x8xf32>
  return %0 : tensor<1x1x2x8xf32>
}
