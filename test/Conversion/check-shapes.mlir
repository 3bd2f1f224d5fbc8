// RUN: tfm-opt %s -tfm-check-shapes -canonicalize -split-input-file | FileCheck %s

// Dynamic sizes meet in one loop: the first operand's size is compared with
// each other operand's (inputs and the output alike).
// CHECK-LABEL: func.func @dynamic_operands
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x4xf32>, %[[Y:[^:]+]]: tensor<?x4xf32>, %[[O:[^:]+]]: tensor<?x4xf32>
// CHECK-DAG:     %[[DX:.+]] = tensor.dim %[[X]], %c0
// CHECK-DAG:     %[[DY:.+]] = tensor.dim %[[Y]], %c0
// CHECK:         %[[SAME:.+]] = arith.cmpi eq, %[[DX]], %[[DY]]
// CHECK:         cf.assert %[[SAME]], "tensor sizes do not agree in {{.*}}check-shapes.mlir:{{[0-9]+}}:{{[0-9]+}}
// CHECK:         %[[DO:.+]] = tensor.dim %[[O]], %c0
// CHECK:         %[[SAME2:.+]] = arith.cmpi eq, %[[DX]], %[[DO]]
// CHECK:         cf.assert %[[SAME2]]
// CHECK-NOT:     cf.assert
// CHECK:         linalg.generic
func.func @dynamic_operands(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>,
                            %o: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<?x4xf32>, tensor<?x4xf32>) outs(%o : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Static sizes, or the same value twice: nothing to check at run time.
// CHECK-LABEL: func.func @static_or_same
// CHECK-NOT:     cf.assert
func.func @static_or_same(%x: tensor<?x4xf32>, %s: tensor<3x4xf32>,
                          %o: tensor<3x4xf32>) -> (tensor<?x4xf32>, tensor<3x4xf32>) {
  %0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x4xf32>) outs(%x : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  } -> tensor<?x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<3x4xf32>) outs(%o : tensor<3x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  } -> tensor<3x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<3x4xf32>
}
