// The pipelines size the codegen for the target CPU (tfmc's --target-cpu,
// the named pipelines' target-cpu option; both default to the host): f32
// lanes and register tiles follow its vector registers, output tiles stay
// 64 columns wide (the weight panels' width) on every target. x86-64-v3
// (AVX2: 256 bits, 16 registers) takes 8-lane attention vectors, 16-query
// blocks and 2×32 matmul register tiles; x86-64-v4 (AVX-512: 512 bits, 32
// registers) 16 lanes, 64-query blocks and 4×64.
// RUN: tfm-opt %s --tfm-to-linalg="target-cpu=x86-64-v3" | FileCheck %s --check-prefix=AVX2-ATTN
// RUN: tfmc %s --emit=linalg --target-cpu=x86-64-v3 | FileCheck %s --check-prefix=AVX2-ATTN
// RUN: tfm-opt %s --tfm-to-linalg="target-cpu=x86-64-v4" | FileCheck %s --check-prefix=AVX512-ATTN
// RUN: tfm-opt %s --tfm-to-linalg --tfm-linalg-to-loops="target-cpu=x86-64-v3" \
// RUN:   | FileCheck %s --check-prefix=AVX2-LOOPS
// RUN: tfmc %s --emit=loops --target-cpu=x86-64-v3 | FileCheck %s --check-prefix=AVX2-LOOPS
// RUN: tfmc %s --emit=loops --target-cpu=x86-64-v4 | FileCheck %s --check-prefix=AVX512-LOOPS
// RUN: not tfm-opt %s --tfm-to-linalg="target-cpu=nonsense" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD

// BAD: error: unknown CPU 'nonsense' (expected native, x86-64-v3, x86-64-v4

// AVX2-ATTN-LABEL: func.func @attention
// AVX2-ATTN:         memref.alloca() {{.+}} : memref<32x16xf32>
// AVX2-ATTN:         vector.fma {{.+}} : vector<8xf32>
// AVX2-ATTN-NOT:     vector<16xf32>
// AVX512-ATTN-LABEL: func.func @attention
// AVX512-ATTN:         memref.alloca() {{.+}} : memref<32x64xf32>
// AVX512-ATTN:         vector.fma {{.+}} : vector<16xf32>
func.func @attention(%q: tensor<1x2x100x32xf32>, %k: tensor<1x2x100x32xf32>,
                     %v: tensor<1x2x100x32xf32>) -> tensor<1x2x100x32xf32> {
  %0 = tfm.attention %q, %k, %v causal
      : tensor<1x2x100x32xf32>, tensor<1x2x100x32xf32>, tensor<1x2x100x32xf32> -> tensor<1x2x100x32xf32>
  return %0 : tensor<1x2x100x32xf32>
}

// AVX2-LOOPS-LABEL: func.func @matmul
// AVX2-LOOPS:         scf.parallel {{.+}} step (%c64, %c64)
// AVX2-LOOPS:           vector.contract {{.+}} : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
// AVX2-LOOPS-NOT:       vector<4x64xf32>
// AVX512-LOOPS-LABEL: func.func @matmul
// AVX512-LOOPS:         scf.parallel {{.+}} step (%c64, %c64)
// AVX512-LOOPS:           vector.contract {{.+}} : vector<4x1xf32>, vector<1x64xf32> into vector<4x64xf32>
func.func @matmul(%a: tensor<128x256xf32>, %b: tensor<256x128xf32>) -> tensor<128x128xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x128xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<128x128xf32>) -> tensor<128x128xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<128x256xf32>, tensor<256x128xf32>) outs(%f : tensor<128x128xf32>) -> tensor<128x128xf32>
  return %0 : tensor<128x128xf32>
}
