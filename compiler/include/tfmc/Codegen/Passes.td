//===- Passes.td - tfmc CPU codegen passes ----------------*- tablegen -*-===//
//
// Passes on linalg, vector, scf and OpenMP that know nothing of the tfm
// dialect: tiling, vectorization and threads for CPUs. Their flags keep the
// `tfm-` prefix of the pipelines they belong to.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_CODEGEN_PASSES_TD
#define TFMC_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def TfmReassociateReductions : Pass<"tfm-reassociate-reductions"> {
  let summary = "Let float reductions in linalg.generic be reassociated";
  let description = [{
    Marks the floating-point arithmetic in the body of every `linalg.generic`
    with a reduction iterator `fastmath<reassoc, contract>`. LLVM may then
    keep partial sums in vector registers and fuse multiplies and adds, which
    is what makes dot products and row sums fast. Summation order changes
    (deterministically, independently of threads); used from -O2 on, while
    -O0 and -O1 keep the sequential order of the reference lowering.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def TfmFuseElementwise : Pass<"tfm-fuse-elementwise"> {
  let summary = "Fuse elementwise producers into their linalg consumers";
  let description = [{
    `linalg-fuse-elementwise-ops` (the same patterns: producer into
    consumer, reshapes folded by expansion, constant folding) except that a
    producer is not fused into an operand that leaves out a parallel loop of
    its consumer: the fused op would compute each of its elements once per
    iteration of that loop. Fusing a layer norm into the matmul that reads
    it would redo the normalization once per output column, and the result
    would no longer be a contraction that tfm-tile-and-vectorize-contractions
    recognizes. Reduction loops may be left out: softmax's row maximum still
    fuses into the sum of exponentials.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}

def TfmApproximateMath : Pass<"tfm-approximate-math"> {
  let summary = "Replace exp, erf and tanh by inline polynomial approximations";
  let description = [{
    Rewrites f32 `math.exp`, `math.erf` and `math.tanh` (scalar or vector)
    into MLIR's polynomial approximations: straight-line arithmetic that LLVM
    can vectorize, where libm calls (`expf`, `erff`) keep every loop that
    contains them scalar. The approximations are accurate to a few ulp
    (erf to about 1e-7 absolute). Used from -O2 on; `math.sin` and `math.cos`
    are left to libm, since positional encodings take arguments far outside
    the approximations' reduced range.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def TfmTileRowsForThreads : Pass<"tfm-tile-rows-for-threads"> {
  let summary = "Split the outer parallel loops of linalg ops into scf.forall";
  let description = [{
    On tensors, before bufferization: every linalg op that is not already
    inside an `scf.forall` (elementwise ops, layer norms, softmaxes,
    transposes, and contractions no codegen pass tiled) has its leading
    parallel loops tiled by 1 into an `scf.forall`, keeping its innermost
    loop (and any reduction) whole in each iteration. `tfm-map-forall-to-threads`
    then runs the iterations on OpenMP threads. Each iteration computes its
    rows exactly as the untiled op would, so results do not depend on the
    number of threads. Ops with fewer than `min-elements` iterations in all
    (when static) are left alone: forking threads would cost more. The rows
    of copies (transposes that keep the innermost dimension: heads split
    and merged, key/value cache layouts) are vectorized when their length
    is static, since LLVM turns them into scalar moves.
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", /*default=*/"16384",
           "Leave ops with fewer loop iterations than this untiled">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def TfmMapForallToThreads : Pass<"tfm-map-forall-to-threads"> {
  let summary = "Run the outermost scf.forall loops on threads";
  let description = [{
    On buffers, after bufferization: every outermost `scf.forall` (the tile
    loops of the codegen passes, whose iterations write disjoint parts of
    their outputs) becomes an `scf.parallel`, which `convert-scf-to-openmp`
    turns into an OpenMP worksharing loop; `scf.forall` nested in another one
    becomes sequential `scf.for` loops, so that one level of threads is
    forked per loop nest. Each iteration still computes its part in a fixed
    order: results do not depend on the number of threads.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def TfmTileAndVectorizeContractions
    : Pass<"tfm-tile-and-vectorize-contractions", "::mlir::func::FuncOp"> {
  let summary = "Tile matmul-like linalg ops for caches and registers and "
                "vectorize them";
  let description = [{
    On tensors, for every contraction (`linalg.matmul`, `batch_matmul`, and
    the `linalg.generic` forms of `tfm.linear` and attention's products):
    the operand that provides the output's innermost dimension is transposed
    first if that dimension is not its innermost one (packing `tfm.linear`'s
    `[out, in]` weight into the `[in, out]` rows the kernel reads); output
    tiles of 64×64 become an `scf.forall` (one thread per tile with OpenMP)
    into which the accumulator's initialization (zero fill, broadcast bias)
    and the elementwise consumer of the result (bias, residual, activation,
    scaling) are fused, together with the other contractions of the same
    shape whose results that consumer alone reads element for element (the
    gate and up projections of `tfm.gated_feed_forward` under
    `act(g) * u`: each tile computes both, then the product, and neither
    is written to memory whole); inside, the reduction runs in steps of 256 and
    register tiles are vectorized to `vector.contract` with the reduction
    loop innermost and the accumulators carried in registers across it.
    Output tiles are 64 columns wide whatever the target (the width of the
    weight panels); register tiles follow the target's vector registers
    (`vector-bits`, `vector-registers`): half of the registers hold
    accumulators, in rows of four vectors where every output tile is 64
    columns wide (AVX-512: 4×64, one weight-panel row per step; AVX2: 2×32)
    and of two vectors otherwise (AVX-512: 8×32; AVX2: 4×16); one row left
    over spans all 64 columns.
    Partial tiles (sizes that are not multiples of the tiles, dynamic sizes)
    use masked vectors; full tiles are peeled off and unmasked. Reductions
    stay sequential within a tile: results do not depend on threads.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Width of the target's vector registers in bits (AVX-512: 512, "
           "AVX2: 256)">,
    Option<"vectorRegisters", "vector-registers", "int64_t",
           /*default=*/"32",
           "Number of the target's vector registers (AVX-512: 32, AVX2: 16)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def TfmLowerVectors : Pass<"tfm-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Lower vector contractions, masks and transfers in stages";
  let description = [{
    Lowers the vector ops that the codegen passes produce to what
    `convert-vector-to-llvm` takes, one group of patterns at a time (applying
    broadcast, shape_cast and multi_reduction lowerings together with
    canonicalization can loop): `vector.contract` to outer products and
    FMAs, masked ops to masked loads and stores, transfers to plain loads
    and stores (n-D transfers unrolled to 1-D ones), then broadcasts, shape
    casts, transposes and masks.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def TfmLowerPacks : Pass<"tfm-lower-packs", "::mlir::func::FuncOp"> {
  let summary = "Lower linalg.pack and linalg.unpack to transposes and copies";
  let description = [{
    Weights may reach a model's entry points packed in panels (the layout
    the matmul kernels read, see `tfm-tile-and-vectorize-contractions`),
    unpacked in the IR by `linalg.unpack`. The contraction codegen reads the
    panels in place; an unpack it did not fold (a weight read by another op,
    or below -O2) is lowered here to `tensor.empty`, `linalg.transpose`,
    reshapes, a slice and `linalg.copy`, which bufferization handles (MLIR 22
    does not bufferize `linalg.pack`/`linalg.unpack`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def TfmHoistLoopAllocas : Pass<"tfm-hoist-loop-allocas"> {
  let summary = "Move stack allocations out of sequential loops";
  let description = [{
    A `memref.alloca` in the body of an `scf.for` or `scf.while` grows the
    stack on every iteration once lowered to LLVM (`convert-scf-to-cf` does
    not restore the stack pointer per iteration, although `scf.for` is
    nominally an allocation scope). Moves each such alloca in front of the
    sequential loops it is in, as long as its sizes are defined there; never
    out of an `scf.parallel` (each thread needs its own) or a function. Used
    after `scf.forall` loops whose bodies hold scratch tiles
    (`tfm-fuse-attention`) become `scf.for`.
  }];
}

def TfmSimplifyParallelRegions
    : Pass<"tfm-simplify-parallel-regions", "::mlir::ModuleOp"> {
  let summary = "Drop OpenMP barriers and wake-ups that do no work";
  let description = [{
    Runs after `convert-scf-to-openmp`, on each `omp.parallel` whose body
    ends with an `omp.wsloop`. A plain static loop (no reductions, private
    or linear variables, schedule or order clause; index bounds defined in
    front of the region; a one-block body), which is what the codegen's
    loops become, turns into an `scf.for` over the calling thread's
    contiguous share of the iterations (`omp_get_thread_num`,
    `omp_get_num_threads`): the share a static schedule gives it, without
    the loop's own closing barrier (the region's follows at once) and
    without libomp's schedule calls. The region gets an `if` on the number
    of iterations: at least two, and enough for their operations, counted
    statically through the static loops and branches of one iteration, to
    reach 8192 (an iteration holding a call or a loop with a dynamic trip
    count counts as enough). A single iteration (a row-wise op on one row)
    or a little work in all (a decoding step's transposes of a few hundred
    floats) then runs on the calling thread instead of paying for a fork
    and a join. Any other worksharing loop without reductions that ends a
    region only gets `nowait`. Every iteration still runs whole on one
    thread, so results do not change.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::omp::OpenMPDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // TFMC_CODEGEN_PASSES_TD
