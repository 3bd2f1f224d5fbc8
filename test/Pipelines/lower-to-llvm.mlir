// The named pipelines, in full and stage by stage.
//
// RUN: tfm-opt %s --tfm-lower-to-llvm | FileCheck %s --check-prefix=LLVM \
// RUN:   --implicit-check-not=tfm. --implicit-check-not=linalg. \
// RUN:   --implicit-check-not=memref. --implicit-check-not=tensor. \
// RUN:   --implicit-check-not=bufferization. --implicit-check-not=scf. \
// RUN:   --implicit-check-not=func.func --implicit-check-not=func.return \
// RUN:   --implicit-check-not=func.call --implicit-check-not=unrealized_conversion_cast \
// RUN:   --implicit-check-not=@erff \
// RUN:   --implicit-check-not=llvm.intr.exp
//
// At -O1, erf and exp stay calls to libm (or LLVM's intrinsic); from -O2 on
// they are inline polynomials (tfm-approximate-math), which LLVM vectorizes.
// libm functions keep their plain C names (no _mlir_ciface_ wrapper).
// RUN: tfm-opt %s --tfm-lower-to-llvm="opt-level=1" | FileCheck %s --check-prefix=LIBM \
// RUN:   --implicit-check-not=_mlir_ciface_erff
// LIBM:        llvm.func @erff(f32) -> f32
// LIBM-LABEL:  llvm.func @ffn_block(
// LIBM:          llvm.call @erff
// LIBM-LABEL:  llvm.func @causal_attention(
// LIBM:          llvm.intr.exp
//
// The three stages run one after the other give the same result.
// RUN: tfm-opt %s --tfm-to-linalg --tfm-linalg-to-loops --tfm-loops-to-llvm \
// RUN:   | FileCheck %s --check-prefix=LLVM \
// RUN:   --implicit-check-not=tfm. --implicit-check-not=linalg. \
// RUN:   --implicit-check-not=memref. --implicit-check-not=func.func
//
// RUN: tfm-opt %s --tfm-to-linalg | FileCheck %s --check-prefix=LINALG --implicit-check-not=tfm.
// RUN: tfm-opt %s --tfm-to-linalg --tfm-linalg-to-loops | FileCheck %s --check-prefix=LOOPS \
// RUN:   --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=bufferization.

// A feed-forward block on [?, ?, 16]: tfm.linear on a rank-3 input with two
// dynamic dimensions (a case that crashed MLIR 22's expand-strided-metadata
// when the leading dimensions were collapsed), gelu, a residual arith.addf
// on tensors and layer_norm.
//
// LLVM-LABEL:  llvm.func @ffn_block(
// LLVM-SAME:     -> !llvm.struct<(ptr, ptr, i64, array<3 x i64>, array<3 x i64>)>
// LLVM:          llvm.call @malloc
// LLVM:          llvm.intr.fma
// LLVM:          llvm.intr.sqrt
// LLVM:          llvm.return
// LLVM-LABEL:  llvm.func @_mlir_ciface_ffn_block(
// LLVM-SAME:     attributes {llvm.emit_c_interface}
// LLVM:          llvm.call @ffn_block(
//
// LINALG-LABEL: func.func @ffn_block
// LINALG:         linalg.broadcast
// LINALG:         linalg.generic
// LINALG-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// LINALG-SAME:      outs(%{{.+}} : tensor<?x?x32xf32>)
// LINALG:         math.erf
// LINALG-NOT:     arith.addf {{.+}} : tensor<
// LINALG:         math.rsqrt
// LINALG:         return {{.+}} : tensor<?x?x16xf32>
//
// LOOPS-LABEL: func.func @ffn_block
// LOOPS-SAME:    (%{{[^:]+}}: memref<?x?x16xf32>, %{{[^:]+}}: memref<32x16xf32>
// LOOPS-SAME:    -> memref<?x?x16xf32>
// LOOPS:         memref.alloc
// LOOPS:         scf.for
// LOOPS:         memref.load
// LOOPS:         memref.store
// LOOPS:         memref.dealloc
// LOOPS:         return {{.+}} : memref<?x?x16xf32>
func.func @ffn_block(%x: tensor<?x?x16xf32>, %w1: tensor<32x16xf32>, %b1: tensor<32xf32>,
                     %w2: tensor<16x32xf32>, %g: tensor<16xf32>, %be: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %h = tfm.linear %x, %w1 bias(%b1 : tensor<32xf32>) : tensor<?x?x16xf32>, tensor<32x16xf32> -> tensor<?x?x32xf32>
  %a = tfm.gelu %h : tensor<?x?x32xf32>
  %o = tfm.linear %a, %w2 : tensor<?x?x32xf32>, tensor<16x32xf32> -> tensor<?x?x16xf32>
  %r = arith.addf %x, %o : tensor<?x?x16xf32>
  %n = tfm.layer_norm %r weight(%g : tensor<16xf32>) bias(%be : tensor<16xf32>)
      : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %n : tensor<?x?x16xf32>
}

// Attention with a materialized causal mask, then a softmax: the
// canonicalizer folds the mask into the causal flag, so no i1 tensor is
// ever built, and (at the default -O3) the attention is fused: vector FMAs
// and a polynomial exp, no call to expf.
//
// LLVM-LABEL:  llvm.func @causal_attention(
// LLVM-SAME:     -> !llvm.struct<(ptr, ptr, i64, array<4 x i64>, array<4 x i64>)>
// LLVM-NOT:      @expf
// LLVM:          llvm.intr.fma({{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>)
// LLVM:          llvm.return
// LLVM-LABEL:  llvm.func @_mlir_ciface_causal_attention(
// LLVM:          llvm.call @causal_attention(
//
// LINALG-LABEL: func.func @causal_attention
// LINALG-NOT:     tensor<{{.*}}xi1>
// LINALG:         scf.forall
// LINALG:         vector.fma
// LINALG-NOT:     tensor<{{.*}}xi1>
// LINALG:         return
//
// LOOPS-LABEL: func.func @causal_attention
// LOOPS-SAME:    -> memref<1x2x4x8xf32>
// LOOPS:         scf.for
// LOOPS:         vector.fma
// LOOPS:         return
func.func @causal_attention(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>,
                            %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = tfm.causal_mask : tensor<4x4xi1>
  %0 = tfm.attention %q, %k, %v mask(%m : tensor<4x4xi1>)
      : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  %1 = tfm.softmax %0 axis(-1) : tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %1 : tensor<1x2x4x8xf32>
}

// Multi-head attention with a dynamic key padding mask: the pipeline
// decomposes it before lowering (self-attention: one projection [B, S, 3E],
// sliced into q, k and v).
//
// LLVM-LABEL:  llvm.func @mha(
// LLVM:          llvm.return
// LLVM-LABEL:  llvm.func @_mlir_ciface_mha(
// LLVM:          llvm.call @mha(
//
// LINALG-LABEL: func.func @mha
// LINALG:         tensor.extract_slice %{{.+}}[0, 0, 16] [%{{.+}}, %{{.+}}, 16] [1, 1, 1] : tensor<?x?x48xf32> to tensor<?x?x16xf32>
// LINALG:         tensor.expand_shape
// LINALG:         linalg.transpose
// LINALG:         tensor.collapse_shape
// LINALG:         return {{.+}} : tensor<?x?x16xf32>
//
// LOOPS-LABEL: func.func @mha
// LOOPS-SAME:    %{{[^:]+}}: memref<?x?xi1>
// LOOPS:         memref.expand_shape
// LOOPS:         scf.for
// LOOPS:         return {{.+}} : memref<?x?x16xf32>
func.func @mha(%x: tensor<?x?x16xf32>, %w: tensor<48x16xf32>, %b: tensor<48xf32>,
               %ow: tensor<16x16xf32>, %ob: tensor<16xf32>, %kpm: tensor<?x?xi1>) -> tensor<?x?x16xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4)
      in_proj(%w : tensor<48x16xf32>) in_bias(%b : tensor<48xf32>)
      out_proj(%ow : tensor<16x16xf32>) out_bias(%ob : tensor<16xf32>)
      key_padding_mask(%kpm : tensor<?x?xi1>)
      : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}
