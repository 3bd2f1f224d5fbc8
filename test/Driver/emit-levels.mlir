// Every --emit level of tfmc on one small module (a public entry point that
// applies a linear layer and calls a private softmax helper): each stage
// prints or writes what it should and nothing of the stage before; the
// static library links into a C program through its generated header; -O0,
// -O1 and --target-cpu give executables with the same results; MLIR's
// pass-manager flags pass through.

// RUN: rm -rf %t.dir && mkdir -p %t.dir/defaults
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t.dir/x.npy', np.array([[1, 0, 0, 5], [0, 0, 0, 0]], np.float32)); \
// RUN:   np.save('%t.dir/w.npy', np.eye(3, 4, dtype=np.float32)); \
// RUN:   np.save('%t.dir/b.npy', np.array([0, 0, np.log(2)], np.float32))"
// DEFINE: %{inputs} = %t.dir/x.npy %t.dir/w.npy %t.dir/b.npy
// DEFINE: %{print} = %python %S/Inputs/print-npy.py
// DEFINE: %{nm} = /usr/lib/llvm-22/bin/llvm-nm

// --- tfm: the input, verified, unlowered.
// RUN: tfmc %s --emit=tfm | FileCheck %s --check-prefix=TFM \
// RUN:   --implicit-check-not=linalg. --implicit-check-not=arith.
// TFM-LABEL: func.func @classify(
// TFM:         tfm.linear
// TFM:         call @probabilities
// TFM-LABEL: func.func private @probabilities(
// TFM:         tfm.softmax {{.*}} axis(-1)

// --- linalg: tensors, no tfm op left.
// RUN: tfmc %s --emit=linalg | FileCheck %s --check-prefix=LINALG \
// RUN:   --implicit-check-not="= tfm." --implicit-check-not=memref
// LINALG-LABEL: func.func @classify(
// LINALG-SAME:    %{{.*}}: tensor<?x4xf32>, %{{.*}}: tensor<3x4xf32>, %{{.*}}: tensor<3xf32>) -> tensor<?x3xf32>
// LINALG:         linalg.matmul
// LINALG:         call @probabilities
// LINALG-LABEL: func.func private @probabilities(
// LINALG:         linalg.generic
// LINALG:         math.exp

// --- loops: buffers and scf.for, no linalg.
// RUN: tfmc %s --emit=loops | FileCheck %s --check-prefix=LOOPS \
// RUN:   --implicit-check-not=linalg. --implicit-check-not='tensor<'
// LOOPS-LABEL: func.func @classify(
// LOOPS-SAME:    memref<?x4xf32>
// LOOPS:         memref.alloc
// LOOPS:         scf.for
// LOOPS:         memref.load
// LOOPS-LABEL: func.func private @probabilities(
// LOOPS:         scf.for
// LOOPS:         math.exp

// --- llvm-mlir: the LLVM dialect with C interfaces; written to -o.
// RUN: tfmc %s --emit=llvm-mlir -o %t.dir/m.llvm.mlir
// RUN: FileCheck %s --check-prefix=LLVM-MLIR --input-file=%t.dir/m.llvm.mlir \
// RUN:   --implicit-check-not=scf. --implicit-check-not=memref. \
// RUN:   --implicit-check-not=func.func --implicit-check-not=math.exp
// LLVM-MLIR-LABEL: llvm.func @classify(
// LLVM-MLIR-SAME:    attributes {llvm.emit_c_interface}
// LLVM-MLIR:         llvm.call @malloc
// LLVM-MLIR-LABEL: llvm.func @_mlir_ciface_classify(
// LLVM-MLIR:         llvm.call @classify(

// --- llvm: LLVM IR with the runtime's entry table. The raw function is
// internal: at -O3 it is inlined into the C interface and gone, at -O0 it
// stays, internal.
// RUN: tfmc %s --emit=llvm | FileCheck %s --check-prefix=LLVM \
// RUN:   --implicit-check-not="define {{.*}}@classify("
// RUN: tfmc %s --emit=llvm -O0 | FileCheck %s --check-prefix=LLVM-O0
// LLVM:      @__tfm_name_classify = private constant {{.*}} c"classify\00"
// LLVM:      @tfm_module_desc = {{.*}}constant { i32, i32, ptr, ptr, ptr } { i32 {{[0-9]+}}, i32 1, ptr @__tfm_entries, ptr null, ptr null }
// LLVM-LABEL: define void @_mlir_ciface_classify(
// LLVM-LABEL: define internal void @__tfm_invoke_classify(
// LLVM:        call void @_mlir_ciface_classify(
// LLVM-O0-DAG: define internal { ptr, ptr, i64, [2 x i64], [2 x i64] } @classify(
// LLVM-O0-DAG: define void @_mlir_ciface_classify(
// LLVM-O0-DAG: define internal void @__tfm_invoke_classify(

// --- asm: assembly text for the target.
// RUN: tfmc %s --emit=asm | FileCheck %s --check-prefix=ASM
// ASM:      .globl _mlir_ciface_classify
// ASM:      _mlir_ciface_classify:
// ASM:      __tfm_invoke_classify:
// ASM:      jmp _mlir_ciface_classify
// ASM:      .globl tfm_module_desc
// ASM:      tfm_module_desc:

// --target-cpu reaches code generation: the x86-64 baseline has no AVX
// registers, haswell has ymm but no zmm.
// RUN: tfmc %s --emit=asm --target-cpu=x86-64 | FileCheck %s --check-prefix=ASM \
// RUN:   --implicit-check-not=%%ymm --implicit-check-not=%%zmm
// RUN: tfmc %s --emit=asm --target-cpu=haswell | FileCheck %s --check-prefix=HASWELL \
// RUN:   --implicit-check-not=%%zmm
// HASWELL: %ymm

// --- obj: a relocatable ELF object defining the C interface and the entry
// table; the invoke wrapper is local.
// RUN: tfmc %s --emit=obj -o %t.dir/m.o
// RUN: /usr/lib/llvm-22/bin/llvm-readobj --file-headers %t.dir/m.o | FileCheck %s --check-prefix=OBJ-HDR
// RUN: %{nm} %t.dir/m.o | FileCheck %s --check-prefix=OBJ
// OBJ-HDR: Type: Relocatable
// OBJ-DAG: {{^}}{{[0-9a-f]+}} t __tfm_invoke_classify
// OBJ-DAG: {{^}}{{[0-9a-f]+}} T _mlir_ciface_classify
// OBJ-DAG: {{^}}{{[0-9a-f]+}} {{[DR]}} tfm_module_desc

// --- lib: a static library (without the executable's entry table) and the
// C header next to it; a C program calls the entry point through them.
// RUN: tfmc %s --emit=lib -o %t.dir/libm.a
// RUN: %{nm} %t.dir/libm.a | FileCheck %s --check-prefix=LIB \
// RUN:   --implicit-check-not=tfm_module_desc --implicit-check-not=__tfm_
// LIB:     emit-levels.o:
// LIB:     T _mlir_ciface_classify
// RUN: FileCheck %s --check-prefixes=HDR,HDR-OMP --input-file=%t.dir/m.h
// HDR:      Generated by tfmc from {{.*}}emit-levels.mlir.
// HDR-OMP:  Link with -lm -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib.
// HDR-LIBM: Link with -lm.
// HDR-NEXT: #ifndef TFM_GENERATED_M_H
// HDR-NEXT: #define TFM_GENERATED_M_H
// HDR:      #include <stdint.h>
// HDR:      #ifndef TFM_MEMREF_FLOAT_2D_DEFINED
// HDR-NEXT: #define TFM_MEMREF_FLOAT_2D_DEFINED
// HDR-NEXT: typedef struct tfm_memref_float_2d {
// HDR-NEXT:   float *allocated;
// HDR-NEXT:   float *aligned;
// HDR-NEXT:   int64_t offset;
// HDR-NEXT:   int64_t sizes[2];
// HDR-NEXT:   int64_t strides[2];
// HDR-NEXT: } tfm_memref_float_2d;
// HDR:      typedef struct tfm_memref_float_1d {
// HDR:        int64_t sizes[1];
// HDR:      void _mlir_ciface_classify(tfm_memref_float_2d *results, tfm_memref_float_2d *arg0 /* [?, 4] */, tfm_memref_float_2d *arg1 /* [3, 4] */, tfm_memref_float_1d *arg2 /* [3] */);
// HDR:      #endif /* TFM_GENERATED_M_H */
// RUN: %cc -std=c99 -Wall -Werror -I %t.dir %S/Inputs/call-classify.c \
// RUN:   %t.dir/libm.a -lm -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib \
// RUN:   -o %t.dir/call-classify
// RUN: %t.dir/call-classify | FileCheck %s --check-prefix=C
// At -O3 the rows of each op run on OpenMP threads: the header names libomp.
// At -O1 the library needs nothing but libm, as its header says.
// RUN: mkdir -p %t.dir/O1 && tfmc %s --emit=lib -O1 -o %t.dir/O1/libm.a
// RUN: FileCheck %s --check-prefixes=HDR,HDR-LIBM --input-file=%t.dir/O1/m.h
// RUN: %cc -std=c99 -Wall -Werror -I %t.dir/O1 %S/Inputs/call-classify.c \
// RUN:   %t.dir/O1/libm.a -lm -o %t.dir/O1/call-classify
// RUN: %t.dir/O1/call-classify | FileCheck %s --check-prefix=C
// C:      sizes [2, 3] strides [3, 1]
// C-NEXT: 0.475367 0.174878 0.349755
// C-NEXT: 0.250000 0.250000 0.500000

// --- exe (the default): runs on .npy inputs; -O0, -O1 and a generic CPU
// compute the same.
// RUN: tfmc %s -o %t.dir/m
// RUN: %t.dir/m %{inputs} | FileCheck %s --check-prefix=SUMMARY
// SUMMARY: result0: f32 [2, 3] min 0.174878 max 0.500000 mean 0.333333
// RUN: %t.dir/m %{inputs} -o %t.dir/out.npy
// RUN: %{print} %t.dir/out.npy | FileCheck %s --check-prefix=OUT
// RUN: tfmc %s -O0 -o %t.dir/m0
// RUN: %t.dir/m0 %{inputs} -o %t.dir/out0.npy
// RUN: %{print} %t.dir/out0.npy | FileCheck %s --check-prefix=OUT
// RUN: tfmc %s -O1 -o %t.dir/m1
// RUN: %t.dir/m1 %{inputs} -o %t.dir/out1.npy
// RUN: %{print} %t.dir/out1.npy | FileCheck %s --check-prefix=OUT
// RUN: tfmc %s --target-cpu=x86-64 -o %t.dir/mx
// RUN: %t.dir/mx %{inputs} -o %t.dir/outx.npy
// RUN: %{print} %t.dir/outx.npy | FileCheck %s --check-prefix=OUT
// OUT:      float32 [2, 3]
// OUT-NEXT: 0.475367 0.174878 0.349755
// OUT-NEXT: 0.250000 0.250000 0.500000

// Without -o, obj, lib and exe are named after the input, in the current
// directory (the header after the library).
// RUN: cd %t.dir/defaults && tfmc %s --emit=obj && tfmc %s --emit=lib && tfmc %s
// RUN: ls %t.dir/defaults | FileCheck %s --check-prefix=DEFAULTS
// DEFAULTS:      {{^}}emit-levels{{$}}
// DEFAULTS-NEXT: {{^}}emit-levels.h{{$}}
// DEFAULTS-NEXT: {{^}}emit-levels.o{{$}}
// DEFAULTS-NEXT: {{^}}libemit-levels.a{{$}}
// DEFAULTS-NOT:  {{.}}
// RUN: %t.dir/defaults/emit-levels %{inputs} | FileCheck %s --check-prefix=SUMMARY

// MLIR's pass-manager options pass through, and the result still works.
// RUN: tfmc %s --emit=linalg --mlir-print-ir-after-all -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PRINT-IR
// PRINT-IR: IR Dump After TfmLowerToLinalg (tfm-lower-to-linalg)
// PRINT-IR: linalg.matmul
// PRINT-IR: IR Dump After TfmCheckShapes (tfm-check-shapes)
// RUN: tfmc %s --mlir-timing -o %t.dir/timed 2>&1 | FileCheck %s --check-prefix=TIMING
// TIMING:      Execution time report
// TIMING:      TfmLowerToLinalg
// TIMING:      OneShotBufferize
// TIMING:      ConvertFuncToLLVMPass
// TIMING:      Total
// RUN: %t.dir/timed %{inputs} | FileCheck %s --check-prefix=SUMMARY

func.func @classify(%x: tensor<?x4xf32>, %w: tensor<3x4xf32>,
                    %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %logits = tfm.linear %x, %w bias(%b : tensor<3xf32>)
      : tensor<?x4xf32>, tensor<3x4xf32> -> tensor<?x3xf32>
  %probs = call @probabilities(%logits) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %probs : tensor<?x3xf32>
}

func.func private @probabilities(%logits: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = tfm.softmax %logits axis(-1) : tensor<?x3xf32> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
