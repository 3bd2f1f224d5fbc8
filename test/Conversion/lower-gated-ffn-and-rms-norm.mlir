// RUN: tfm-opt %s -tfm-lower-to-linalg -split-input-file | FileCheck %s

// RMSNorm: one reduction (the sum of squares per row, in f32), the scale
// rsqrt(sum / E + eps) per row, and one elementwise pass that multiplies
// by the scale and then by the weight.
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[ROW:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG:   #[[FEATURE:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG:   #[[ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @rms_norm_dynamic
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x?x576xf32>, %[[W:[^:]+]]: tensor<576xf32>)
// CHECK-DAG:     %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// CHECK-DAG:     %[[E:.+]] = arith.constant 5.760000e+02 : f32
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<?x?xf32>)
// CHECK:         %[[SUM:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[ROW]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[X]] : tensor<?x?x576xf32>) outs(%[[INIT]] : tensor<?x?xf32>)
// CHECK:           %[[SQ:.+]] = arith.mulf %[[IN:.+]], %[[IN]] : f32
// CHECK:           arith.addf %{{.+}}, %[[SQ]] : f32
// CHECK:         %[[SCALE:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID2]], #[[ID2]]]
// CHECK-SAME:      ins(%[[SUM]] : tensor<?x?xf32>)
// CHECK:           %[[MEAN:.+]] = arith.divf %{{.+}}, %[[E]] : f32
// CHECK:           %[[MEAN_EPS:.+]] = arith.addf %[[MEAN]], %[[EPS]] : f32
// CHECK:           math.rsqrt %[[MEAN_EPS]] : f32
// CHECK:         %[[Y:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[ROW]], #[[FEATURE]], #[[ID]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[X]], %[[SCALE]], %[[W]] : tensor<?x?x576xf32>, tensor<?x?xf32>, tensor<576xf32>)
// CHECK:           ^bb0(%[[XI:.+]]: f32, %[[SI:.+]]: f32, %[[WI:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[NORM:.+]] = arith.mulf %[[XI]], %[[SI]] : f32
// CHECK:           %[[OUT:.+]] = arith.mulf %[[WI]], %[[NORM]] : f32
// CHECK:           linalg.yield %[[OUT]] : f32
// CHECK:         return %[[Y]]
func.func @rms_norm_dynamic(%x: tensor<?x?x576xf32>, %w: tensor<576xf32>) -> tensor<?x?x576xf32> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-5) : tensor<?x?x576xf32>, tensor<576xf32> -> tensor<?x?x576xf32>
  return %0 : tensor<?x?x576xf32>
}

// -----

// bf16: squares and sums in f32, the normalized value rounded to bf16
// before the product with the weight (LlamaRMSNorm's
// `weight * hidden_states.to(input_dtype)`); E known at run time only.
// CHECK-LABEL: func.func @rms_norm_bf16
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<3x?xbf16>, %[[W:[^:]+]]: tensor<?xbf16>)
// CHECK:         %[[E:.+]] = tensor.dim %[[X]], %c1 : tensor<3x?xbf16>
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[X]] : tensor<3x?xbf16>) outs(%{{.+}} : tensor<3xf32>)
// CHECK:           %[[H:.+]] = arith.extf %{{.+}} : bf16 to f32
// CHECK:           arith.mulf %[[H]], %[[H]] : f32
// CHECK:         %[[E_I64:.+]] = arith.index_cast %[[E]] : index to i64
// CHECK:         %[[E_F32:.+]] = arith.uitofp %[[E_I64]] : i64 to f32
// CHECK:         linalg.generic
// CHECK:           arith.divf %{{.+}}, %[[E_F32]] : f32
// CHECK:         linalg.generic
// CHECK:           ^bb0(%[[XI:.+]]: bf16, %[[SI:.+]]: f32, %[[WI:.+]]: bf16, %{{.+}}: bf16):
// CHECK:           %[[HI:.+]] = arith.extf %[[XI]] : bf16 to f32
// CHECK:           %[[NORM:.+]] = arith.mulf %[[HI]], %[[SI]] : f32
// CHECK:           %[[NORM16:.+]] = arith.truncf %[[NORM]] : f32 to bf16
// CHECK:           arith.mulf %[[WI]], %[[NORM16]] : bf16
// CHECK:         -> tensor<3x?xbf16>
func.func @rms_norm_bf16(%x: tensor<3x?xbf16>, %w: tensor<?xbf16>) -> tensor<3x?xbf16> {
  %0 = tfm.rms_norm %x, %w epsilon(1.0e-6) : tensor<3x?xbf16>, tensor<?xbf16> -> tensor<3x?xbf16>
  return %0 : tensor<3x?xbf16>
}

// -----

// SiLU as PyTorch computes it: x / (1 + exp(-x)).
// CHECK-LABEL: func.func @silu
// CHECK:         %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel"]
// CHECK:           ^bb0(%[[XI:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[NEG:.+]] = arith.negf %[[XI]] : f32
// CHECK:           %[[EXP:.+]] = math.exp %[[NEG]] : f32
// CHECK:           %[[DEN:.+]] = arith.addf %[[EXP]], %[[ONE]] : f32
// CHECK:           %[[Y:.+]] = arith.divf %[[XI]], %[[DEN]] : f32
// CHECK:           linalg.yield %[[Y]] : f32
func.func @silu(%x: tensor<?x1536xf32>) -> tensor<?x1536xf32> {
  %0 = tfm.silu %x : tensor<?x1536xf32>
  return %0 : tensor<?x1536xf32>
}

// -----

// SwiGLU on [B, S, E]: the gate and up contractions (weights read [out, in]
// through the indexing map, as tfm.linear's), then act(g) * u in one
// elementwise op whose only inputs are their results, then down.
// CHECK-DAG:   #[[X_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG:   #[[W_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG:   #[[OUT_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @swiglu
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x?x64xf32>, %[[GATE:[^:]+]]: tensor<172x64xf32>, %[[UP:[^:]+]]: tensor<172x64xf32>, %[[DOWN:[^:]+]]: tensor<64x172xf32>)
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[X_MAP]], #[[W_MAP]], #[[OUT_MAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[X]], %[[GATE]] : tensor<?x?x64xf32>, tensor<172x64xf32>)
// CHECK:         %[[U:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[X_MAP]], #[[W_MAP]], #[[OUT_MAP]]]
// CHECK-SAME:      ins(%[[X]], %[[UP]] : tensor<?x?x64xf32>, tensor<172x64xf32>)
// CHECK:         %[[H:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[ID]], #[[ID]]]
// CHECK-SAME:      ins(%[[G]], %[[U]] : tensor<?x?x172xf32>, tensor<?x?x172xf32>)
// CHECK:           ^bb0(%[[GI:.+]]: f32, %[[UI:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[NEG:.+]] = arith.negf %[[GI]] : f32
// CHECK:           math.exp %[[NEG]] : f32
// CHECK:           %[[ACT:.+]] = arith.divf %[[GI]], %{{.+}} : f32
// CHECK:           %[[PROD:.+]] = arith.mulf %[[ACT]], %[[UI]] : f32
// CHECK:           linalg.yield %[[PROD]] : f32
// CHECK:         %[[Y:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[X_MAP]], #[[W_MAP]], #[[OUT_MAP]]]
// CHECK-SAME:      ins(%[[H]], %[[DOWN]] : tensor<?x?x172xf32>, tensor<64x172xf32>)
// CHECK:         return %[[Y]] : tensor<?x?x64xf32>
func.func @swiglu(%x: tensor<?x?x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                  %down: tensor<64x172xf32>) -> tensor<?x?x64xf32> {
  %0 = tfm.gated_feed_forward silu %x, %gate, %up, %down
      : tensor<?x?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

// GeGLU (tanh) on [tokens, E]: linalg.matmul for the three projections; the
// output width need not be the input's.
// CHECK-LABEL: func.func @geglu_rows
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x64xf32>, %[[GATE:[^:]+]]: tensor<172x64xf32>, %[[UP:[^:]+]]: tensor<172x64xf32>, %[[DOWN:[^:]+]]: tensor<32x172xf32>)
// CHECK:         %[[G:.+]] = linalg.matmul {{.*}} ins(%[[X]], %[[GATE]] : tensor<?x64xf32>, tensor<172x64xf32>)
// CHECK:         %[[U:.+]] = linalg.matmul {{.*}} ins(%[[X]], %[[UP]] : tensor<?x64xf32>, tensor<172x64xf32>)
// CHECK:         %[[H:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[G]], %[[U]] : tensor<?x172xf32>, tensor<?x172xf32>)
// CHECK:           ^bb0(%[[GI:.+]]: f32, %[[UI:.+]]: f32, %{{.+}}: f32):
// CHECK:           math.tanh
// CHECK:           %[[HALF:.+]] = arith.mulf %[[GI]], %{{.+}} : f32
// CHECK:           %[[ACT:.+]] = arith.mulf %[[HALF]], %{{.+}} : f32
// CHECK:           %[[PROD:.+]] = arith.mulf %[[ACT]], %[[UI]] : f32
// CHECK:           linalg.yield %[[PROD]] : f32
// CHECK:         %[[Y:.+]] = linalg.matmul {{.*}} ins(%[[H]], %[[DOWN]] : tensor<?x172xf32>, tensor<32x172xf32>)
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @geglu_rows(%x: tensor<?x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                      %down: tensor<32x172xf32>) -> tensor<?x32xf32> {
  %0 = tfm.gated_feed_forward gelu_tanh %x, %gate, %up, %down
      : tensor<?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<32x172xf32> -> tensor<?x32xf32>
  return %0 : tensor<?x32xf32>
}

// -----

// GeGLU with erf.
// CHECK-LABEL: func.func @geglu_erf
// CHECK:         linalg.generic
// CHECK:           math.erf
// CHECK-NOT:       math.tanh
// CHECK:           linalg.yield
func.func @geglu_erf(%x: tensor<5x64xf32>, %gate: tensor<172x64xf32>, %up: tensor<172x64xf32>,
                     %down: tensor<64x172xf32>) -> tensor<5x64xf32> {
  %0 = tfm.gated_feed_forward gelu %x, %gate, %up, %down
      : tensor<5x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<5x64xf32>
  return %0 : tensor<5x64xf32>
}
