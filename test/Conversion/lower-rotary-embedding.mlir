// RUN: tfm-opt %s -tfm-lower-to-linalg -split-input-file | FileCheck %s

// Full rotary, rotate_half pairs: the frequencies are a constant
// (1 / 10000^(2i/8) in float32); cos and sin tables [B, S, R/2] of
// position * inv_freq; one generic over the output viewed as
// [B, H, S, 2, R/2] reads the first and second halves of the input in place
// (no rotate_half copy): x1 c - x2 s for j = 0, x2 c + x1 s for j = 1.
// CHECK-DAG:   #[[FREQ:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG:   #[[ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[TABLE:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
// CHECK-DAG:   #[[HALF:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG:   #[[ID5:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @rope_half
// CHECK-SAME:    (%[[X:.+]]: tensor<2x4x5x8xf32>)
// CHECK:         %[[INV:.+]] = arith.constant dense<[1.000000e+00, 1.000000e-01, 0.00999999977, 1.000000e-03]> : tensor<4xf32>
// CHECK:         %[[COS:.+]] = linalg.generic {indexing_maps = [#[[FREQ]], #[[ID3]]]
// CHECK-SAME:      ins(%[[INV]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x5x4xf32>)
// CHECK:           %[[S:.+]] = linalg.index 1 : index
// CHECK:           %[[SI:.+]] = arith.index_cast %[[S]] : index to i64
// CHECK:           %[[P:.+]] = arith.sitofp %[[SI]] : i64 to f32
// CHECK:           %[[ANGLE:.+]] = arith.mulf %{{.+}}, %[[P]] : f32
// CHECK:           math.cos %[[ANGLE]] : f32
// CHECK:         %[[SIN:.+]] = linalg.generic
// CHECK:           math.sin
// CHECK:         %[[OUT:.+]] = tensor.empty() : tensor<2x4x5x8xf32>
// CHECK:         %[[X1:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [2, 4, 5, 4] [1, 1, 1, 1]
// CHECK:         %[[X2:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 4] [2, 4, 5, 4] [1, 1, 1, 1]
// CHECK:         %[[PAIRS:.+]] = tensor.expand_shape %[[OUT]] {{\[}}[0], [1], [2], [3, 4]] output_shape [2, 4, 5, 2, 4]
// CHECK:         %[[ROT:.+]] = linalg.generic {indexing_maps = [#[[TABLE]], #[[TABLE]], #[[HALF]], #[[HALF]], #[[ID5]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[COS]], %[[SIN]], %[[X1]], %[[X2]] : {{.*}}) outs(%[[PAIRS]] : tensor<2x4x5x2x4xf32>)
// CHECK-NEXT:    ^bb0(%[[C:[^:]+]]: f32, %[[SN:[^:]+]]: f32, %[[A:[^:]+]]: f32, %[[B:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[J:.+]] = linalg.index 3 : index
// CHECK-NEXT:      %[[FIRST:.+]] = arith.cmpi eq, %[[J]], %{{.+}} : index
// CHECK-NEXT:      %[[OWN:.+]] = arith.select %[[FIRST]], %[[A]], %[[B]] : f32
// CHECK-NEXT:      %[[OTHER:.+]] = arith.select %[[FIRST]], %[[B]], %[[A]] : f32
// CHECK-NEXT:      %[[OC:.+]] = arith.mulf %[[OWN]], %[[C]] : f32
// CHECK-NEXT:      %[[OS:.+]] = arith.mulf %[[OTHER]], %[[SN]] : f32
// CHECK-NEXT:      %[[MINUS:.+]] = arith.subf %[[OC]], %[[OS]] : f32
// CHECK-NEXT:      %[[PLUS:.+]] = arith.addf %[[OC]], %[[OS]] : f32
// CHECK-NEXT:      %[[R:.+]] = arith.select %[[FIRST]], %[[MINUS]], %[[PLUS]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
// CHECK:         %[[RESULT:.+]] = tensor.collapse_shape %[[ROT]] {{\[}}[0], [1], [2], [3, 4]] : tensor<2x4x5x2x4xf32> into tensor<2x4x5x8xf32>
// CHECK-NEXT:    return %[[RESULT]]
func.func @rope_half(%x: tensor<2x4x5x8xf32>) -> tensor<2x4x5x8xf32> {
  %0 = tfm.rotary_embedding half %x theta(10000.0) rotary_dim(8)
      : tensor<2x4x5x8xf32> -> tensor<2x4x5x8xf32>
  return %0 : tensor<2x4x5x8xf32>
}

// -----

// Interleaved pairs (2i, 2i + 1) on the first 8 of 12 features, bf16, with
// per-row offsets: the tables add offset[b] to the position and round cos
// and sin to bf16; the input's pairs are stride-2 slices and the output's
// rotated part is viewed as [B, H, S, R/2, 2] (pair index innermost); the
// last 4 features pass through.
// CHECK-DAG:   #[[OFF:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG:   #[[TABLE:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3)>
// CHECK-DAG:   #[[PAIR:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @rope_interleaved_partial
// CHECK-SAME:    (%[[X:.+]]: tensor<?x4x?x12xbf16>, %[[O:.+]]: tensor<?xi32>)
// CHECK:         %[[COS:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[OFF]], #{{.+}}]
// CHECK-SAME:      ins(%{{.+}}, %[[O]] : tensor<4xf32>, tensor<?xi32>) outs(%{{.+}} : tensor<?x?x4xbf16>)
// CHECK:           %[[S:.+]] = linalg.index 1 : index
// CHECK:           %[[OI:.+]] = arith.index_cast %{{.+}} : i32 to index
// CHECK:           %[[POS:.+]] = arith.addi %[[S]], %[[OI]] : index
// CHECK:           math.cos
// CHECK:           arith.truncf %{{.+}} : f32 to bf16
// CHECK:         %[[SIN:.+]] = linalg.generic
// CHECK:           math.sin
// CHECK:         %[[EMPTY:.+]] = tensor.empty(%{{.+}}, %{{.+}}) : tensor<?x4x?x12xbf16>
// CHECK:         %[[PASS:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 8] [%{{.+}}, 4, %{{.+}}, 4] [1, 1, 1, 1]
// CHECK:         %[[OUT:.+]] = tensor.insert_slice %[[PASS]] into %[[EMPTY]][0, 0, 0, 8] [%{{.+}}, 4, %{{.+}}, 4] [1, 1, 1, 1]
// CHECK:         %[[X1:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [%{{.+}}, 4, %{{.+}}, 4] [1, 1, 1, 2]
// CHECK:         %[[X2:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 1] [%{{.+}}, 4, %{{.+}}, 4] [1, 1, 1, 2]
// CHECK:         %[[ROTARY:.+]] = tensor.extract_slice %[[OUT]][0, 0, 0, 0] [%{{.+}}, 4, %{{.+}}, 8] [1, 1, 1, 1]
// CHECK:         %[[PAIRS:.+]] = tensor.expand_shape %[[ROTARY]] {{\[}}[0], [1], [2], [3, 4]] output_shape [%{{.+}}, 4, %{{.+}}, 4, 2]
// CHECK:         %[[ROT:.+]] = linalg.generic {indexing_maps = [#[[TABLE]], #[[TABLE]], #[[PAIR]], #[[PAIR]], #{{.+}}]
// CHECK-SAME:      ins(%[[COS]], %[[SIN]], %[[X1]], %[[X2]] : {{.*}}) outs(%[[PAIRS]] : tensor<?x4x?x4x2xbf16>)
// CHECK:           linalg.index 4 : index
// CHECK:         %[[C:.+]] = tensor.collapse_shape %[[ROT]]
// CHECK:         %[[R:.+]] = tensor.insert_slice %[[C]] into %[[OUT]][0, 0, 0, 0] [%{{.+}}, 4, %{{.+}}, 8] [1, 1, 1, 1]
// CHECK:         return %[[R]]
func.func @rope_interleaved_partial(%x: tensor<?x4x?x12xbf16>, %o: tensor<?xi32>)
    -> tensor<?x4x?x12xbf16> {
  %0 = tfm.rotary_embedding interleaved %x offset(%o : tensor<?xi32>)
      theta(10000.0) rotary_dim(8)
      : tensor<?x4x?x12xbf16> -> tensor<?x4x?x12xbf16>
  return %0 : tensor<?x4x?x12xbf16>
}

// -----

// The frequencies with scaling applied when compiling: linear divides them
// by the factor; llama3 (Llama 3.1's parameters) keeps the highest, divides
// the lowest by 8 and interpolates the one between (wavelength 4443 between
// 2048 and 8192), the float32 values of transformers' _compute_*_parameters.
// CHECK-LABEL: func.func @rope_linear
// CHECK:         arith.constant dense<[2.500000e-01, 2.500000e-02, 2.500000e-03, 2.500000e-04]> : tensor<4xf32>
func.func @rope_linear(%x: tensor<1x1x3x8xf32>) -> tensor<1x1x3x8xf32> {
  %0 = tfm.rotary_embedding half %x theta(10000.0) rotary_dim(8)
      scaling(linear) factor(4.0)
      : tensor<1x1x3x8xf32> -> tensor<1x1x3x8xf32>
  return %0 : tensor<1x1x3x8xf32>
}

// CHECK-LABEL: func.func @rope_llama3
// CHECK:         arith.constant dense<[1.000000e+00, 0.0376060307, 5.248460e-04, 6.64786967E-6]> : tensor<4xf32>
func.func @rope_llama3(%x: tensor<1x1x3x8xf32>) -> tensor<1x1x3x8xf32> {
  %0 = tfm.rotary_embedding half %x theta(500000.0) rotary_dim(8)
      scaling(llama3) factor(8.0) low_freq_factor(1.0) high_freq_factor(4.0)
      original_max_position_embeddings(8192)
      : tensor<1x1x3x8xf32> -> tensor<1x1x3x8xf32>
  return %0 : tensor<1x1x3x8xf32>
}
