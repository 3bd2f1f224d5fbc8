// A module with two public functions and a private one (called by the first)
// compiles to one executable with two entry points: --help lists them with
// their signatures in module order, --entry runs each, and the private
// function is no entry point.

// RUN: rm -rf %t && mkdir -p %t
// RUN: tfmc %s -o %t/prog
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/ids.npy', np.array([[1, 0, 2], [3, 3, 0]], np.int64)); \
// RUN:   np.save('%t/table.npy', np.array([[0, 0], [1, -1], [-2, 2], [3, 0.5]], np.float32)); \
// RUN:   np.save('%t/x.npy', np.array([[-1, 0], [1, 2]], np.float32))"
// DEFINE: %{check} = FileCheck %s --check-prefix
// DEFINE: %{expect-error} = %python %S/../Runtime/Inputs/expect-error.py --

// RUN: %t/prog --help | %{check}=HELP
// HELP:      --entry NAME
// HELP:      entry points ('?' is a dynamic dimension):
// HELP-NEXT:   embed(i64[?,?], f32[4,2]) -> f32[?,?,2]
// HELP-NEXT:   keep(i64[2,?]) -> i1[2,?]
// HELP-EMPTY:
// RUN: %t/prog --help | not grep rectify

// --entry selects each entry point; its arguments are checked against it.
// RUN: %t/prog --entry embed %t/ids.npy %t/table.npy -o %t/embed.npy
// RUN: %python %S/Inputs/print-npy.py %t/embed.npy | %{check}=EMBED
// EMBED:      float32 [2, 3, 2]
// EMBED-NEXT: 1.000000 0.000000
// EMBED-NEXT: 0.000000 0.000000
// EMBED-NEXT: 0.000000 2.000000
// EMBED-NEXT: 3.000000 0.500000
// EMBED-NEXT: 3.000000 0.500000
// EMBED-NEXT: 0.000000 0.000000
// RUN: %t/prog --entry keep %t/ids.npy | %{check}=KEEP
// KEEP: result0: i1 [2, 3] min 0 max 1 mean 0.666667
// RUN: %t/prog --entry keep %t/ids.npy -o %t/keep.npy
// RUN: %python -c "import numpy as np; print(np.load('%t/keep.npy').astype(int).tolist())" \
// RUN:   | %{check}=KEEP-VALUES
// KEEP-VALUES: {{\[\[}}1, 0, 1], [1, 1, 0]]
// RUN: %{expect-error} %t/prog --entry keep %t/x.npy | %{check}=KEEP-DTYPE
// KEEP-DTYPE: error: {{.*}}x.npy{{.*}}

// Without --entry, the program does not guess; the private function cannot
// be selected.
// RUN: %{expect-error} %t/prog %t/ids.npy | %{check}=NO-ENTRY
// NO-ENTRY: error: {{.*}}--entry{{.*}}embed, keep
// RUN: %{expect-error} %t/prog --entry rectify %t/x.npy | %{check}=PRIVATE
// PRIVATE: error: --entry: unknown entry point 'rectify'; valid entry points: embed, keep

func.func @embed(%ids: tensor<?x?xi64>, %table: tensor<4x2xf32>) -> tensor<?x?x2xf32> {
  %0 = tfm.embedding %ids, %table : tensor<?x?xi64>, tensor<4x2xf32> -> tensor<?x?x2xf32>
  %1 = call @rectify(%0) : (tensor<?x?x2xf32>) -> tensor<?x?x2xf32>
  return %1 : tensor<?x?x2xf32>
}

func.func private @rectify(%x: tensor<?x?x2xf32>) -> tensor<?x?x2xf32> {
  %0 = tfm.relu %x : tensor<?x?x2xf32>
  return %0 : tensor<?x?x2xf32>
}

func.func @keep(%ids: tensor<2x?xi64>) -> tensor<2x?xi1> {
  %0 = tfm.padding_mask %ids pad(0) : tensor<2x?xi64> -> tensor<2x?xi1>
  return %0 : tensor<2x?xi1>
}
