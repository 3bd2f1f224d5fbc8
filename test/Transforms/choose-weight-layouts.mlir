// RUN: tfm-opt %s --split-input-file --tfm-choose-weight-layouts | FileCheck %s

// The weight of a linear map is passed in panels of 64 output features,
// [ceil(72/64), 48, 64], and brought back to [out, in] at the entry.
// CHECK-LABEL: func.func @linear
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x48xf32> {tfm.input = "x"}, %[[W:.+]]: tensor<2x48x64xf32> {tfm.weight = "fc.weight", tfm.weight_panels = 72 : i64}, %[[B:.+]]: tensor<72xf32> {tfm.weight = "fc.bias"})
// CHECK:         %[[UNPACKED:.+]] = linalg.unpack %[[W]] outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %{{.+}} : tensor<2x48x64xf32> -> tensor<48x72xf32>
// CHECK:         %[[OUT_IN:.+]] = linalg.transpose ins(%[[UNPACKED]] : tensor<48x72xf32>) outs(%{{.+}} : tensor<72x48xf32>) permutation = [1, 0]
// CHECK:         tfm.linear %[[X]], %[[OUT_IN]] bias(%[[B]] : tensor<72xf32>)
func.func @linear(%x: tensor<?x?x48xf32> {tfm.input = "x"},
                  %w: tensor<72x48xf32> {tfm.weight = "fc.weight"},
                  %b: tensor<72xf32> {tfm.weight = "fc.bias"}) -> tensor<?x?x72xf32> {
  %0 = tfm.linear %x, %w bias(%b : tensor<72xf32>) : tensor<?x?x48xf32>, tensor<72x48xf32> -> tensor<?x?x72xf32>
  return %0 : tensor<?x?x72xf32>
}

// -----

// A tied embedding is read both ways: the stored table for the lookup and
// a second argument of the same name, in panels, for the output head.
// CHECK-LABEL: func.func @tied
// CHECK-SAME:    (%[[IDS:.+]]: tensor<?x?xi64> {tfm.input = "ids"}, %[[TABLE:.+]]: tensor<40x48xf32> {tfm.weight = "embed.weight"}, %[[PANELS:.+]]: tensor<1x48x64xf32> {tfm.weight = "embed.weight", tfm.weight_panels = 40 : i64})
// CHECK:         %[[UNPACKED:.+]] = linalg.unpack %[[PANELS]]
// CHECK:         %[[OUT_IN:.+]] = linalg.transpose ins(%[[UNPACKED]]
// CHECK:         %[[X:.+]] = tfm.embedding %[[IDS]], %[[TABLE]]
// CHECK:         tfm.linear %[[X]], %[[OUT_IN]] :
func.func @tied(%ids: tensor<?x?xi64> {tfm.input = "ids"},
                %table: tensor<40x48xf32> {tfm.weight = "embed.weight"}) -> tensor<?x?x40xf32> {
  %x = tfm.embedding %ids, %table : tensor<?x?xi64>, tensor<40x48xf32> -> tensor<?x?x48xf32>
  %0 = tfm.linear %x, %table : tensor<?x?x48xf32>, tensor<40x48xf32> -> tensor<?x?x40xf32>
  return %0 : tensor<?x?x40xf32>
}

// -----

// Rows sliced where no panel starts (k and v of an in-projection with
// d_model 48) are read from the transposed matrix [in, out].
// CHECK-LABEL: func.func @misaligned_rows
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x48xf32>, %[[W:.+]]: tensor<48x144xf32> {tfm.weight = "attn.in_proj_weight", tfm.weight_transposed})
// CHECK-NOT:     linalg.unpack
// CHECK:         %[[OUT_IN:.+]] = linalg.transpose ins(%[[W]] : tensor<48x144xf32>) outs(%{{.+}} : tensor<144x48xf32>) permutation = [1, 0]
// CHECK:         %[[K:.+]] = tensor.extract_slice %[[OUT_IN]][48, 0] [48, 48] [1, 1]
// CHECK:         tfm.linear %[[X]], %[[K]]
func.func @misaligned_rows(%x: tensor<?x?x48xf32>,
                           %w: tensor<144x48xf32> {tfm.weight = "attn.in_proj_weight"}) -> tensor<?x?x48xf32> {
  %k = tensor.extract_slice %w[48, 0] [48, 48] [1, 1] : tensor<144x48xf32> to tensor<48x48xf32>
  %0 = tfm.linear %x, %k : tensor<?x?x48xf32>, tensor<48x48xf32> -> tensor<?x?x48xf32>
  return %0 : tensor<?x?x48xf32>
}

// -----

// Rows that end inside a panel read the transposed matrix: q of d_model
// 48, or the last 16 rows of 144.
// CHECK-LABEL: func.func @last_rows
// CHECK-SAME:    %{{.+}}: tensor<48x144xf32> {tfm.weight = "w", tfm.weight_transposed}
// CHECK-LABEL: func.func @first_rows
// CHECK-SAME:    %{{.+}}: tensor<48x144xf32> {tfm.weight = "w", tfm.weight_transposed}
func.func @last_rows(%x: tensor<?x?x48xf32>,
                     %w: tensor<144x48xf32> {tfm.weight = "w"}) -> tensor<?x?x16xf32> {
  %k = tensor.extract_slice %w[128, 0] [16, 48] [1, 1] : tensor<144x48xf32> to tensor<16x48xf32>
  %0 = tfm.linear %x, %k : tensor<?x?x48xf32>, tensor<16x48xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}
func.func @first_rows(%x: tensor<?x?x48xf32>,
                      %w: tensor<144x48xf32> {tfm.weight = "w"}) -> tensor<?x?x48xf32> {
  %q = tensor.extract_slice %w[0, 0] [48, 48] [1, 1] : tensor<144x48xf32> to tensor<48x48xf32>
  %0 = tfm.linear %x, %q : tensor<?x?x48xf32>, tensor<48x48xf32> -> tensor<?x?x48xf32>
  return %0 : tensor<?x?x48xf32>
}

// -----

// Rows sliced on panel boundaries (d_model 128) read the panels.
// CHECK-LABEL: func.func @aligned_rows
// CHECK-SAME:    %{{.+}}: tensor<6x128x64xf32> {tfm.weight = "attn.in_proj_weight", tfm.weight_panels = 384 : i64}
// CHECK:         linalg.unpack
// CHECK:         linalg.transpose
// CHECK:         tensor.extract_slice %{{.+}}[128, 0] [128, 128] [1, 1]
func.func @aligned_rows(%x: tensor<?x?x128xf32>,
                        %w: tensor<384x128xf32> {tfm.weight = "attn.in_proj_weight"}) -> tensor<?x?x128xf32> {
  %k = tensor.extract_slice %w[128, 0] [128, 128] [1, 1] : tensor<384x128xf32> to tensor<128x128xf32>
  %0 = tfm.linear %x, %k : tensor<?x?x128xf32>, tensor<128x128xf32> -> tensor<?x?x128xf32>
  return %0 : tensor<?x?x128xf32>
}

// -----

// A layer function is decided first; its caller forwards its own argument
// in the callee's layout (no unpack in the caller).
// CHECK-LABEL: func.func private @layer
// CHECK-SAME:    %{{.+}}: tensor<1x16x64xf32> {tfm.weight = "layer.weight", tfm.weight_panels = 16 : i64}
// CHECK:         linalg.unpack
// CHECK-LABEL: func.func @model
// CHECK-SAME:    %[[X:.+]]: tensor<?x?x16xf32>, %[[W0:.+]]: tensor<1x16x64xf32> {tfm.weight = "layers.0.weight", tfm.weight_panels = 16 : i64}, %[[W1:.+]]: tensor<1x16x64xf32> {tfm.weight = "layers.1.weight", tfm.weight_panels = 16 : i64}
// CHECK-NOT:     linalg.unpack
// CHECK:         %[[H:.+]] = call @layer(%[[X]], %[[W0]])
// CHECK:         call @layer(%[[H]], %[[W1]])
func.func private @layer(%x: tensor<?x?x16xf32>,
                         %w: tensor<16x16xf32> {tfm.weight = "layer.weight"}) -> tensor<?x?x16xf32> {
  %0 = tfm.linear %x, %w : tensor<?x?x16xf32>, tensor<16x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}
func.func @model(%x: tensor<?x?x16xf32>,
                 %w0: tensor<16x16xf32> {tfm.weight = "layers.0.weight"},
                 %w1: tensor<16x16xf32> {tfm.weight = "layers.1.weight"}) -> tensor<?x?x16xf32> {
  %h = call @layer(%x, %w0) : (tensor<?x?x16xf32>, tensor<16x16xf32>) -> tensor<?x?x16xf32>
  %0 = call @layer(%h, %w1) : (tensor<?x?x16xf32>, tensor<16x16xf32>) -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

// A multi-head attention's in-projection: whole for self-attention
// (panels), sliced at d_model = 48 for cross-attention (transposed); the
// output projection in panels.
// CHECK-LABEL: func.func @attention
// CHECK-SAME:    %{{.+}}: tensor<3x48x64xf32> {tfm.weight = "self.in_proj_weight", tfm.weight_panels = 144 : i64}
// CHECK-SAME:    %{{.+}}: tensor<1x48x64xf32> {tfm.weight = "self.out_proj.weight", tfm.weight_panels = 48 : i64}
// CHECK-SAME:    %{{.+}}: tensor<48x144xf32> {tfm.weight = "cross.in_proj_weight", tfm.weight_transposed}
// CHECK-SAME:    %{{.+}}: tensor<1x48x64xf32> {tfm.weight = "cross.out_proj.weight", tfm.weight_panels = 48 : i64}
func.func @attention(%x: tensor<?x?x48xf32>, %m: tensor<?x?x48xf32>,
                     %wi: tensor<144x48xf32> {tfm.weight = "self.in_proj_weight"},
                     %wo: tensor<48x48xf32> {tfm.weight = "self.out_proj.weight"},
                     %ci: tensor<144x48xf32> {tfm.weight = "cross.in_proj_weight"},
                     %co: tensor<48x48xf32> {tfm.weight = "cross.out_proj.weight"}) -> tensor<?x?x48xf32> {
  %0 = tfm.multi_head_attention %x, %x, %x heads(4) in_proj(%wi : tensor<144x48xf32>) out_proj(%wo : tensor<48x48xf32>) : tensor<?x?x48xf32>, tensor<?x?x48xf32>, tensor<?x?x48xf32> -> tensor<?x?x48xf32>
  %1 = tfm.multi_head_attention %0, %m, %m heads(4) in_proj(%ci : tensor<144x48xf32>) out_proj(%co : tensor<48x48xf32>) : tensor<?x?x48xf32>, tensor<?x?x48xf32>, tensor<?x?x48xf32> -> tensor<?x?x48xf32>
  return %1 : tensor<?x?x48xf32>
}

// -----

// Left as they are: weights that only norms read, arguments that already
// have a layout, tensors that are not weights, and the weights of a public
// function that something calls (its callers' arguments would not follow).
// CHECK-LABEL: func.func @unchanged
// CHECK-SAME:    %{{.+}}: tensor<16xf32> {tfm.weight = "norm.weight"}
// CHECK-SAME:    %{{.+}}: tensor<1x16x64xf32> {tfm.weight = "fc.weight", tfm.weight_panels = 16 : i64}
// CHECK-SAME:    %{{.+}}: tensor<16x16xf32>)
// CHECK-NOT:     linalg.transpose
// CHECK-LABEL: func.func @called
// CHECK-SAME:    %{{.+}}: tensor<16x16xf32> {tfm.weight = "w"}
// CHECK-NOT:     linalg.unpack
// CHECK-LABEL: func.func @caller
func.func @unchanged(%x: tensor<?x?x16xf32>,
                     %g: tensor<16xf32> {tfm.weight = "norm.weight"},
                     %p: tensor<1x16x64xf32> {tfm.weight = "fc.weight", tfm.weight_panels = 16 : i64},
                     %t: tensor<16x16xf32>) -> tensor<?x?x16xf32> {
  %0 = tfm.layer_norm %x weight(%g : tensor<16xf32>) : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  %1 = tfm.linear %0, %t : tensor<?x?x16xf32>, tensor<16x16xf32> -> tensor<?x?x16xf32>
  return %1 : tensor<?x?x16xf32>
}
func.func @called(%x: tensor<?x?x16xf32>, %w: tensor<16x16xf32> {tfm.weight = "w"}) -> tensor<?x?x16xf32> {
  %0 = tfm.linear %x, %w : tensor<?x?x16xf32>, tensor<16x16xf32> -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}
func.func @caller(%x: tensor<?x?x16xf32>, %w: tensor<16x16xf32> {tfm.weight = "w"}) -> tensor<?x?x16xf32> {
  %0 = call @called(%x, %w) : (tensor<?x?x16xf32>, tensor<16x16xf32>) -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

// The gate, up and down weights of a gated feed-forward are matmul weights
// like tfm.linear's: each is passed in panels ([ceil(172/64), 64, 64] and
// [1, 172, 64]) and brought back to [out, in] for the op.
// CHECK-LABEL: func.func @gated_feed_forward
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x64xf32> {tfm.input = "x"}, %[[G:.+]]: tensor<3x64x64xf32> {tfm.weight = "mlp.gate_proj.weight", tfm.weight_panels = 172 : i64}, %[[U:.+]]: tensor<3x64x64xf32> {tfm.weight = "mlp.up_proj.weight", tfm.weight_panels = 172 : i64}, %[[D:.+]]: tensor<1x172x64xf32> {tfm.weight = "mlp.down_proj.weight", tfm.weight_panels = 64 : i64})
// CHECK-DAG:     %[[G_UNPACKED:.+]] = linalg.unpack %[[G]] outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [64] into %{{.+}} : tensor<3x64x64xf32> -> tensor<64x172xf32>
// CHECK-DAG:     %[[G_OUT_IN:.+]] = linalg.transpose ins(%[[G_UNPACKED]] : tensor<64x172xf32>) outs(%{{.+}} : tensor<172x64xf32>) permutation = [1, 0]
// CHECK-DAG:     %[[U_UNPACKED:.+]] = linalg.unpack %[[U]] {{.*}} : tensor<3x64x64xf32> -> tensor<64x172xf32>
// CHECK-DAG:     %[[U_OUT_IN:.+]] = linalg.transpose ins(%[[U_UNPACKED]] : tensor<64x172xf32>)
// CHECK-DAG:     %[[D_UNPACKED:.+]] = linalg.unpack %[[D]] {{.*}} : tensor<1x172x64xf32> -> tensor<172x64xf32>
// CHECK-DAG:     %[[D_OUT_IN:.+]] = linalg.transpose ins(%[[D_UNPACKED]] : tensor<172x64xf32>) outs(%{{.+}} : tensor<64x172xf32>)
// CHECK:         tfm.gated_feed_forward silu %[[X]], %[[G_OUT_IN]], %[[U_OUT_IN]], %[[D_OUT_IN]] :
func.func @gated_feed_forward(%x: tensor<?x?x64xf32> {tfm.input = "x"},
                              %gate: tensor<172x64xf32> {tfm.weight = "mlp.gate_proj.weight"},
                              %up: tensor<172x64xf32> {tfm.weight = "mlp.up_proj.weight"},
                              %down: tensor<64x172xf32> {tfm.weight = "mlp.down_proj.weight"}) -> tensor<?x?x64xf32> {
  %0 = tfm.gated_feed_forward silu %x, %gate, %up, %down
      : tensor<?x?x64xf32>, tensor<172x64xf32>, tensor<172x64xf32>, tensor<64x172xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

// A weight used both by a feed-forward and elsewhere as stored (here a
// norm-like elementwise use) is passed twice: stored, and in panels for
// the feed-forward.
// CHECK-LABEL: func.func @gated_feed_forward_shared
// CHECK-SAME:    %[[UP:[^:]+]]: tensor<64x64xf32> {tfm.weight = "up"}, %[[UP_PANELS:[^:]+]]: tensor<1x64x64xf32> {tfm.weight = "up", tfm.weight_panels = 64 : i64}
// CHECK:         %[[UNPACKED:.+]] = linalg.unpack %[[UP_PANELS]]
// CHECK:         %[[OUT_IN:.+]] = linalg.transpose ins(%[[UNPACKED]]
// CHECK:         tfm.gated_feed_forward gelu_tanh %{{.+}}, %{{.+}}, %[[OUT_IN]], %{{.+}} :
// CHECK:         arith.addf %[[UP]], %[[UP]] : tensor<64x64xf32>
func.func @gated_feed_forward_shared(%x: tensor<?x64xf32> {tfm.input = "x"},
                                     %gate: tensor<64x64xf32> {tfm.weight = "gate"},
                                     %up: tensor<64x64xf32> {tfm.weight = "up"},
                                     %down: tensor<64x64xf32> {tfm.weight = "down"}) -> (tensor<?x64xf32>, tensor<64x64xf32>) {
  %0 = tfm.gated_feed_forward gelu_tanh %x, %gate, %up, %down
      : tensor<?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<?x64xf32>
  %1 = arith.addf %up, %up : tensor<64x64xf32>
  return %0, %1 : tensor<?x64xf32>, tensor<64x64xf32>
}
