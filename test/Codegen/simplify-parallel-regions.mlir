// RUN: tfm-opt %s --split-input-file --tfm-simplify-parallel-regions | FileCheck %s

// The codegen's loops: the worksharing loop becomes an scf.for over the
// calling thread's contiguous share of the iterations (ceil(total / threads)
// of them), delinearized row-major; no libomp schedule calls, no barrier
// but the region's. The body sits in an execute_region, which may hold
// the blocks an alloca scope becomes. The region forks only for enough
// iterations (ceil((ub - lb) / step) per loop, empty ranges counting 0):
// here one store each, so 8192 of them.
// CHECK-DAG:   llvm.func @omp_get_thread_num() -> i32
// CHECK-DAG:   llvm.func @omp_get_num_threads() -> i32
// CHECK-LABEL: func.func @rows
// CHECK-SAME:    (%[[A:.+]]: memref<?x?xf32>, %[[N:.+]]: index, %[[M:.+]]: index)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.+]] = arith.constant 4 : index
// CHECK:         %[[E0:.+]] = arith.subi %[[N]], %[[C0]] : index
// CHECK:         %[[P0:.+]] = arith.maxsi %[[E0]]
// CHECK:         %[[I0:.+]] = arith.ceildivsi %[[P0]], %[[C1]] : index
// CHECK:         %[[E1:.+]] = arith.subi %[[M]], %[[C0]] : index
// CHECK:         %[[P1:.+]] = arith.maxsi %[[E1]]
// CHECK:         %[[I1:.+]] = arith.ceildivsi %[[P1]], %[[C4]] : index
// CHECK:         %[[T0:.+]] = arith.muli %{{.+}}, %[[I0]] : index
// CHECK:         %[[T:.+]] = arith.muli %[[T0]], %[[I1]] : index
// CHECK:         %[[MIN:.+]] = arith.constant 8192 : index
// CHECK:         %[[IF:.+]] = arith.cmpi sge, %[[T]], %[[MIN]] : index
// CHECK:         omp.parallel if(%[[IF]]) {
// CHECK-NOT:       omp.wsloop
// CHECK:           %[[TID:.+]] = llvm.call @omp_get_thread_num() : () -> i32
// CHECK:           %[[TIDX:.+]] = arith.index_cast %[[TID]] : i32 to index
// CHECK:           %[[NT:.+]] = llvm.call @omp_get_num_threads() : () -> i32
// CHECK:           %[[NTX:.+]] = arith.index_cast %[[NT]] : i32 to index
// CHECK:           %[[SHARE:.+]] = arith.ceildivsi %[[T]], %[[NTX]] : index
// CHECK:           %[[B0:.+]] = arith.muli %[[TIDX]], %[[SHARE]] : index
// CHECK:           %[[BEGIN:.+]] = arith.minsi %[[B0]], %[[T]] : index
// CHECK:           %[[E:.+]] = arith.addi %[[BEGIN]], %[[SHARE]] : index
// CHECK:           %[[END:.+]] = arith.minsi %[[E]], %[[T]] : index
// CHECK:           scf.for %[[L:.+]] = %[[BEGIN]] to %[[END]] step %{{.+}} {
// CHECK:             %[[J:.+]] = arith.remsi %[[L]], %[[I1]] : index
// CHECK:             %[[IQ:.+]] = arith.divsi %[[L]], %[[I1]] : index
// CHECK:             %[[JS:.+]] = arith.muli %[[J]], %[[C4]] : index
// CHECK:             %[[JV:.+]] = arith.addi %[[C0]], %[[JS]] : index
// CHECK:             %[[IS:.+]] = arith.muli %[[IQ]], %[[C1]] : index
// CHECK:             %[[IV:.+]] = arith.addi %[[C0]], %[[IS]] : index
// CHECK:             scf.execute_region no_inline {
// CHECK-NEXT:          memref.store %{{.+}}, %[[A]][%[[IV]], %[[JV]]] : memref<?x?xf32>
// CHECK-NEXT:          scf.yield
// CHECK-NEXT:        }
// CHECK-NEXT:      }
// CHECK-NEXT:      omp.terminator
func.func @rows(%a: memref<?x?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i, %j) : index = (%c0, %c0) to (%n, %m) step (%c1, %c4) collapse(2) {
        memref.store %f, %a[%i, %j] : memref<?x?xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// Operations are counted through the static loops and branches of an
// iteration (terminators are free): 1 + 256 * 3 for the loop, 1 + 1 + 2
// for the execute_region, the scf.if and its costlier branch; 773 in all,
// so 11 iterations reach 8192.
// CHECK-LABEL: func.func @static_inner_loop
// CHECK:         %[[MIN:.+]] = arith.constant 11 : index
// CHECK:         %[[IF:.+]] = arith.cmpi sge, %{{.+}}, %[[MIN]] : index
// CHECK:         omp.parallel if(%[[IF]])
func.func @static_inner_loop(%a: memref<?x256xf32>, %n: index, %flag: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        scf.for %j = %c0 to %c256 step %c1 {
          %x = memref.load %a[%i, %j] : memref<?x256xf32>
          %y = arith.addf %x, %f : f32
          memref.store %y, %a[%i, %j] : memref<?x256xf32>
        }
        scf.execute_region {
          scf.if %flag {
            memref.store %f, %a[%i, %c0] : memref<?x256xf32>
            memref.store %f, %a[%i, %c1] : memref<?x256xf32>
          } else {
            memref.store %f, %a[%i, %c0] : memref<?x256xf32>
          }
          scf.yield
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// An inner loop whose trip count is not a constant may hold any amount of
// work: two iterations are worth a fork, as are two of a call's, of a
// whole-buffer copy's, or of a region of several blocks (which may loop).
// CHECK-LABEL: func.func @dynamic_inner_loop
// CHECK:         %[[MIN:.+]] = arith.constant 2 : index
// CHECK:         arith.cmpi sge, %{{.+}}, %[[MIN]] : index
// CHECK-LABEL: func.func @copy
// CHECK:         %[[MIN:.+]] = arith.constant 2 : index
// CHECK:         arith.cmpi sge, %{{.+}}, %[[MIN]] : index
// CHECK-LABEL: func.func @blocks
// CHECK:         %[[MIN:.+]] = arith.constant 2 : index
// CHECK:         arith.cmpi sge, %{{.+}}, %[[MIN]] : index
// CHECK-LABEL: func.func @call
// CHECK:         %[[MIN:.+]] = arith.constant 2 : index
// CHECK:         arith.cmpi sge, %{{.+}}, %[[MIN]] : index
func.func @dynamic_inner_loop(%a: memref<?x?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        scf.for %j = %c0 to %m step %c1 {
          memref.store %f, %a[%i, %j] : memref<?x?xf32>
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

func.func private @work(index)

func.func @copy(%a: memref<?x4096xf32>, %b: memref<?x4096xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        %from = memref.subview %a[%i, 0] [1, 4096] [1, 1] : memref<?x4096xf32> to memref<4096xf32, strided<[1], offset: ?>>
        %to = memref.subview %b[%i, 0] [1, 4096] [1, 1] : memref<?x4096xf32> to memref<4096xf32, strided<[1], offset: ?>>
        memref.copy %from, %to : memref<4096xf32, strided<[1], offset: ?>> to memref<4096xf32, strided<[1], offset: ?>>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

func.func @blocks(%a: memref<?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        scf.execute_region {
          cf.br ^loop(%c0 : index)
        ^loop(%j: index):
          memref.store %f, %a[%i] : memref<?xf32>
          %next = arith.addi %j, %c1 : index
          %more = arith.cmpi slt, %next, %m : index
          cf.cond_br %more, ^loop(%next : index), ^done
        ^done:
          scf.yield
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

func.func @call(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        func.call @work(%i) : (index) -> ()
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A bound computed inside the region cannot decide whether to fork: the
// loop stays a worksharing loop and only loses its barrier.
// CHECK-LABEL: func.func @bound_inside
// CHECK:         omp.parallel {
// CHECK-NEXT:      arith.muli
// CHECK-NEXT:      omp.wsloop nowait {
func.func @bound_inside(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    %ub = arith.muli %n, %n : index
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%ub) step (%c1) {
        memref.store %f, %a[%i] : memref<?xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// Work after the loop in the same region needs the loop's barrier: the
// region is left alone.
// CHECK-LABEL: func.func @work_after_loop
// CHECK:         omp.parallel {
// CHECK-NEXT:      omp.wsloop {
// CHECK-NOT:     nowait
// CHECK-NOT:     if(
func.func @work_after_loop(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        memref.store %f, %a[%i] : memref<?xf32>
        omp.yield
      }
    }
    memref.store %f, %a[%c0] : memref<?xf32>
    omp.terminator
  }
  return
}

// -----

// A loop with a reduction keeps its barrier (the combined value is only
// complete after it).
omp.declare_reduction @add_f32 : f32 init {
^bb0(%arg: f32):
  %0 = arith.constant 0.0 : f32
  omp.yield (%0 : f32)
} combiner {
^bb1(%arg0: f32, %arg1: f32):
  %1 = arith.addf %arg0, %arg1 : f32
  omp.yield (%1 : f32)
}

// CHECK-LABEL: func.func @reduction
// CHECK:         omp.parallel {
// CHECK-NEXT:      omp.wsloop reduction
// CHECK-NOT:     nowait
func.func @reduction(%a: memref<?xf32>, %n: index, %sum: !llvm.ptr) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  omp.parallel {
    omp.wsloop reduction(@add_f32 %sum -> %acc : !llvm.ptr) {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        %x = memref.load %a[%i] : memref<?xf32>
        %y = llvm.load %acc : !llvm.ptr -> f32
        %z = arith.addf %x, %y : f32
        llvm.store %z, %acc : f32, !llvm.ptr
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A schedule other than the default static one is kept; the barrier goes.
// CHECK-LABEL: func.func @dynamic_schedule
// CHECK:         omp.parallel {
// CHECK-NEXT:      omp.wsloop nowait schedule(dynamic)
func.func @dynamic_schedule(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop schedule(dynamic) {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        memref.store %f, %a[%i] : memref<?xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
