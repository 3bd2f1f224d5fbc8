// RUN: tfm-opt %s --split-input-file --verify-diagnostics

// The tfm argument attributes of model entry points (TfmDialect.td):
// names as strings, a layout only on a weight, the type of the layout.

// expected-error @+1 {{argument 0: 'tfm.input' expects a non-empty string}}
func.func @input_not_string(%x: tensor<2xf32> {tfm.input = 3 : i64}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.weight' expects a non-empty string}}
func.func @weight_empty(%x: tensor<2xf32> {tfm.weight = ""}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.input' cannot be combined with 'tfm.weight'}}
func.func @input_and_weight(%x: tensor<2xf32> {tfm.input = "x", tfm.weight = "w"}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.weight_panels' needs 'tfm.weight' on the same argument}}
func.func @panels_without_weight(%x: tensor<1x16x64xf32> {tfm.weight_panels = 16 : i64}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.weight_panels' expects a tensor<2x?x64x...> argument (panels of 72 rows)}}
func.func @panels_wrong_count(%x: tensor<1x16x64xf32> {tfm.weight = "w", tfm.weight_panels = 72 : i64}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.weight_panels' expects a positive integer (the matrix's rows)}}
func.func @panels_zero(%x: tensor<1x16x64xf32> {tfm.weight = "w", tfm.weight_panels = 0 : i64}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.weight_transposed' expects a matrix argument}}
func.func @transposed_vector(%x: tensor<16xf32> {tfm.weight = "w", tfm.weight_transposed}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.weight_transposed' cannot be combined with 'tfm.weight_panels'}}
func.func @two_layouts(%x: tensor<1x16x64xf32> {tfm.weight = "w", tfm.weight_transposed, tfm.weight_panels = 16 : i64}) {
  return
}

// -----

// expected-error @+1 {{argument 0: 'tfm.weights' is not an argument attribute of the tfm dialect}}
func.func @unknown(%x: tensor<16xf32> {tfm.weights = "w"}) {
  return
}

// -----

// Well-formed: an input, a stored weight, panels and a transposed matrix.
func.func @valid(%ids: tensor<?x?xi64> {tfm.input = "ids"},
                 %g: tensor<16xf32> {tfm.weight = "norm.weight"},
                 %p: tensor<2x16x64xf32> {tfm.weight = "fc.weight", tfm.weight_panels = 72 : i64},
                 %t: tensor<16x72xf32> {tfm.weight = "head.weight", tfm.weight_transposed}) {
  return
}
