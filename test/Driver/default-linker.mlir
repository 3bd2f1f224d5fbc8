// Without --linker, tfmc links with the C++ compiler driver it was built
// with, found by its path, not with a `c++` from PATH: a fresh Debian root
// has binutils' ld but no `c++` (clang-22 installs as clang++-22). Here
// PATH holds ld and a `c++` that fails if called.

// RUN: rm -rf %t && mkdir -p %t/bin
// RUN: ln -s /usr/bin/ld %t/bin/ld
// RUN: printf '#!/bin/sh\necho "c++ from PATH was called" >&2\nexit 1\n' > %t/bin/c++
// RUN: chmod +x %t/bin/c++
// RUN: env PATH=%t/bin tfmc %s -O1 -o %t/two
// RUN: %t/two | FileCheck %s
// CHECK: result0: f32 [2] min 1.000000 max 2.000000 mean 1.500000

func.func @two() -> tensor<2xf32> {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %c : tensor<2xf32>
}
