// tfm.rms_norm, tfm.silu and tfm.gated_feed_forward (SwiGLU, GeGLU) against
// PyTorch written from Hugging Face's LlamaRMSNorm and LlamaMLP, at every
// optimization level. Widths that are not multiples of 16 or 64 (20, 172,
// 576, 896), dynamic batch and sequence sizes, single rows (decoding).
// Tolerances (in e2e.py, 1e-6 to 2e-5) are about 10x the errors measured.
// RUN: tfmc -O0 %s -o %t.O0
// RUN: tfmc -O1 %s -o %t.O1
// RUN: tfmc -O2 %s -o %t.O2
// RUN: tfmc -O3 %s -o %t.O3
// RUN: %e2e rms_norm_576 --exe %t.O0
// RUN: %e2e rms_norm_20 --exe %t.O0
// RUN: %e2e rms_norm_896 --exe %t.O0
// RUN: %e2e rms_norm_large --exe %t.O0
// RUN: %e2e rms_norm_rows --exe %t.O0
// RUN: %e2e silu --exe %t.O0
// RUN: %e2e silu_extremes --exe %t.O0
// RUN: %e2e swiglu_64 --exe %t.O0
// RUN: %e2e geglu_64 --exe %t.O0
// RUN: %e2e geglu_erf_64 --exe %t.O0
// RUN: %e2e swiglu_576 --exe %t.O0
// RUN: %e2e geglu_576 --exe %t.O0
// RUN: %e2e swiglu_decode --exe %t.O0
// RUN: %e2e rms_norm_576 --exe %t.O1
// RUN: %e2e rms_norm_20 --exe %t.O1
// RUN: %e2e rms_norm_896 --exe %t.O1
// RUN: %e2e rms_norm_large --exe %t.O1
// RUN: %e2e rms_norm_rows --exe %t.O1
// RUN: %e2e silu --exe %t.O1
// RUN: %e2e silu_extremes --exe %t.O1
// RUN: %e2e swiglu_64 --exe %t.O1
// RUN: %e2e geglu_64 --exe %t.O1
// RUN: %e2e geglu_erf_64 --exe %t.O1
// RUN: %e2e swiglu_576 --exe %t.O1
// RUN: %e2e geglu_576 --exe %t.O1
// RUN: %e2e swiglu_decode --exe %t.O1
// RUN: %e2e rms_norm_576 --exe %t.O2
// RUN: %e2e rms_norm_20 --exe %t.O2
// RUN: %e2e rms_norm_896 --exe %t.O2
// RUN: %e2e rms_norm_large --exe %t.O2
// RUN: %e2e rms_norm_rows --exe %t.O2
// RUN: %e2e silu --exe %t.O2
// RUN: %e2e silu_extremes --exe %t.O2
// RUN: %e2e swiglu_64 --exe %t.O2
// RUN: %e2e geglu_64 --exe %t.O2
// RUN: %e2e geglu_erf_64 --exe %t.O2
// RUN: %e2e swiglu_576 --exe %t.O2
// RUN: %e2e geglu_576 --exe %t.O2
// RUN: %e2e swiglu_decode --exe %t.O2
// RUN: %e2e rms_norm_576 --exe %t.O3
// RUN: %e2e rms_norm_20 --exe %t.O3
// RUN: %e2e rms_norm_896 --exe %t.O3
// RUN: %e2e rms_norm_large --exe %t.O3
// RUN: %e2e rms_norm_rows --exe %t.O3
// RUN: %e2e silu --exe %t.O3
// RUN: %e2e silu_extremes --exe %t.O3
// RUN: %e2e swiglu_64 --exe %t.O3
// RUN: %e2e geglu_64 --exe %t.O3
// RUN: %e2e geglu_erf_64 --exe %t.O3
// RUN: %e2e swiglu_576 --exe %t.O3
// RUN: %e2e geglu_576 --exe %t.O3
// RUN: %e2e swiglu_decode --exe %t.O3

func.func @rms_norm_576(%x: tensor<?x?x576xf32>, %w: tensor<576xf32>) -> tensor<?x?x576xf32> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<?x?x576xf32>, tensor<576xf32> -> tensor<?x?x576xf32>
  return %0 : tensor<?x?x576xf32>
}

func.func @rms_norm_20(%x: tensor<?x?x20xf32>, %w: tensor<20xf32>) -> tensor<?x?x20xf32> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-6) : tensor<?x?x20xf32>, tensor<20xf32> -> tensor<?x?x20xf32>
  return %0 : tensor<?x?x20xf32>
}

func.func @rms_norm_896(%x: tensor<?x?x896xf32>, %w: tensor<896xf32>) -> tensor<?x?x896xf32> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-6) : tensor<?x?x896xf32>, tensor<896xf32> -> tensor<?x?x896xf32>
  return %0 : tensor<?x?x896xf32>
}

// Rows of any width: [tokens, E] with E dynamic.
func.func @rms_norm_rows(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<?x?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

func.func @silu(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.silu %x : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

func.func @swiglu_64(%x: tensor<?x?x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                     %down: tensor<64x172xf32>) -> tensor<?x?x64xf32> {
  %0 = tfm.gated_feed_forward silu %x, %gate, %up, %down
      : tensor<?x?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

func.func @geglu_64(%x: tensor<?x?x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                    %down: tensor<64x172xf32>) -> tensor<?x?x64xf32> {
  %0 = tfm.gated_feed_forward gelu_tanh %x, %gate, %up, %down
      : tensor<?x?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

func.func @geglu_erf_64(%x: tensor<?x?x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                        %down: tensor<64x172xf32>) -> tensor<?x?x64xf32> {
  %0 = tfm.gated_feed_forward gelu %x, %gate, %up, %down
      : tensor<?x?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

func.func @swiglu_576(%x: tensor<?x?x576xf32>, %gate: tensor<1536x576xf32>, %up: tensor<1536x576xf32>,
                      %down: tensor<576x1536xf32>) -> tensor<?x?x576xf32> {
  %0 = tfm.gated_feed_forward silu %x, %gate, %up, %down
      : tensor<?x?x576xf32>, tensor<1536x576xf32>, tensor<1536x576xf32>, tensor<576x1536xf32> -> tensor<?x?x576xf32>
  return %0 : tensor<?x?x576xf32>
}

func.func @geglu_576(%x: tensor<?x?x576xf32>, %gate: tensor<1536x576xf32>, %up: tensor<1536x576xf32>,
                     %down: tensor<576x1536xf32>) -> tensor<?x?x576xf32> {
  %0 = tfm.gated_feed_forward gelu_tanh %x, %gate, %up, %down
      : tensor<?x?x576xf32>, tensor<1536x576xf32>, tensor<1536x576xf32>, tensor<576x1536xf32> -> tensor<?x?x576xf32>
  return %0 : tensor<?x?x576xf32>
}

// [tokens, E]: linalg.matmul rather than a generic; one token when decoding.
func.func @swiglu_rows(%x: tensor<?x576xf32>, %gate: tensor<1536x576xf32>, %up: tensor<1536x576xf32>,
                       %down: tensor<576x1536xf32>) -> tensor<?x576xf32> {
  %0 = tfm.gated_feed_forward silu %x, %gate, %up, %down
      : tensor<?x576xf32>, tensor<1536x576xf32>, tensor<1536x576xf32>, tensor<576x1536xf32> -> tensor<?x576xf32>
  return %0 : tensor<?x576xf32>
}
