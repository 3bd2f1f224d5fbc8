// Rows computed by the iterations of an scf.forall, the loop form the codegen
// passes tile into (used by threads.test).
func.func @scale_rows(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x16xf32>
  %init = tensor.empty(%n) : tensor<?x16xf32>
  %r = scf.forall (%i) in (%n) shared_outs(%o = %init) -> (tensor<?x16xf32>) {
    %row = tensor.extract_slice %x[%i, 0] [1, 16] [1, 1] : tensor<?x16xf32> to tensor<1x16xf32>
    %e = tensor.empty() : tensor<1x16xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%row : tensor<1x16xf32>) outs(%e : tensor<1x16xf32>) {
    ^bb0(%a: f32, %b: f32):
      %t = math.tanh %a : f32
      linalg.yield %t : f32
    } -> tensor<1x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %y into %o[%i, 0] [1, 16] [1, 1] : tensor<1x16xf32> into tensor<?x16xf32>
    }
  }
  return %r : tensor<?x16xf32>
}

// Split into rows by tfm-tile-rows-for-threads.
func.func @layer_norm_rows(%x: tensor<?x?x40xf32>, %w: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<?x?x40xf32> {
  %0 = tfm.layer_norm %x weight(%w : tensor<40xf32>) bias(%b : tensor<40xf32>) : tensor<?x?x40xf32> -> tensor<?x?x40xf32>
  return %0 : tensor<?x?x40xf32>
}
