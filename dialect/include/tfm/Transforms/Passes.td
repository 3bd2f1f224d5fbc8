//===- Passes.td - tfm passes -----------------------------*- tablegen -*-===//

#ifndef TFM_TRANSFORMS_PASSES_TD
#define TFM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TfmDecomposeMultiHeadAttention
    : Pass<"tfm-decompose-multi-head-attention"> {
  let summary = "Split tfm.multi_head_attention into projections and "
                "tfm.attention";
  let description = [{
    Rewrites each `tfm.multi_head_attention` into `tfm.linear` projections of
    the query, key and value, a head split (`tensor.expand_shape` and a
    transpose to `[B, H, S, D]`), one `tfm.attention` carrying the combined
    masks and the causal flag, a head merge and the output projection.
    Key-padding and attention masks are combined into one mask operand that
    broadcasts to `[B, H, Sq, Skv]`. Self-attention (query, key and value
    the same tensor) with a packed `[3E, E]` in-projection is projected
    once, with the whole weight and bias, and the `[B, S, 3E]` result is
    sliced into q, k and v: one matmul instead of three, and a weight that
    the matmul codegen reads in its packed layout whatever E is.
  }];
  let dependentDialects = [
    "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def TfmLowerToLinalg : Pass<"tfm-lower-to-linalg"> {
  let summary = "Lower tfm ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Lowers every tfm op except `tfm.multi_head_attention` (decompose it
    first) to `linalg` named ops where they exist and `linalg.generic`
    otherwise. `tfm.attention` becomes matmul, scale, mask, a numerically
    stable softmax (row maximum subtracted) and matmul; a row whose keys are
    all masked yields zeros, never NaN.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect"
  ];
}

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

def TfmCheckShapes : Pass<"tfm-check-shapes"> {
  let summary = "Check at run time that dynamic sizes agree";
  let description = [{
    For every linalg op on tensors, each loop must have the same extent in
    every operand dimension it indexes. Where that is not known statically
    (a dynamic size meets another size), inserts a `cf.assert` whose message
    names the op the linalg op came from. Without it, inputs whose dynamic
    sizes disagree (say, keys of batch 3 with queries of batch 2) would read
    out of bounds; with it, the executable reports the error (the runtime
    turns a failed check into a one-line message and exit code 2).
  }];
  let dependentDialects = [
    "::mlir::cf::ControlFlowDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
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

def TfmFuseAttention : Pass<"tfm-fuse-attention"> {
  let summary = "Fuse tfm.attention into flash-style blocked loops";
  let description = [{
    Rewrites each `tfm.attention` on f32 into one `scf.forall` over batch ×
    heads × blocks of `query-block` queries. Its body walks the keys and
    values in blocks of `key-block` with an online softmax: the running
    maximum and sum of each query, and an accumulator rescaled whenever the
    maximum grows. Only a [key block × query block] tile of scores exists at
    a time, never the Sq×Skv matrix.

    Queries lie along 16-lane vectors: Qᵀ (scaled) and the accumulator Oᵀ are
    tiles on the stack, both products are register tiles of broadcast × vector
    FMAs (`vector.fma`), and the softmax is lane-wise, with `exp` expanded to
    MLIR's polynomial approximation so that it stays on vectors. Any D, Dv,
    Sq, Skv (static or dynamic, Sq != Skv) is handled: rows past the end of a
    dimension are computed on clamped indices and never written.

    Up to 16 queries (decoding steps) would leave lanes idle. Where D and Dv
    are static they take a single-query loop instead: one forall iteration
    per query, the depth along lanes (the scaled query and the accumulator
    are ceil(D/16) and ceil(Dv/16) vectors read and written with
    `vector.load`/`vector.store`, and `vector.maskedload`/`maskedstore` for
    a last, partial chunk, so the operands are taken with unit innermost
    strides), a dot product per key with the 16 keys' sums across
    lanes taken together by a tree of `vector.shuffle`s and additions (15
    additions instead of 16 horizontal reductions), and one online-softmax
    step per 16 keys. Dynamic depths take blocks of 16 queries.
    With a dynamic Sq both versions are emitted under an `scf.if` on Sq.
    Keys and values that are `tfm.kv_cache_append` results (a decoding step
    over its cache) are read by the single-query loop from the caches
    `[L, B, H, D]` and the new steps in place: only the branch of query
    blocks materializes the appends.

    With `causal`, key blocks that no query of the block sees are skipped and
    only blocks that cross the diagonal are masked. A mask operand (i1 or
    additive, broadcasting as the op allows) is applied to every block. A
    query that sees no key gives zeros, as in the plain lowering.

    Inputs enter through `bufferization.to_buffer` and the result leaves
    through `bufferization.to_tensor`, so one-shot bufferization keeps the
    loops. Attention on other element types is left to
    `tfm-lower-to-linalg`. Run `tfm-hoist-loop-allocas` after the forall
    becomes a sequential loop.
  }];
  let options = [
    Option<"queryBlock", "query-block", "int64_t", "64",
           "Queries per forall iteration (a multiple of 16)">,
    Option<"keyBlock", "key-block", "int64_t", "64",
           "Keys per step of the online softmax (rounded up to a whole "
           "number of register tiles)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
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
    scaling) are fused; inside, the reduction runs in steps of 256 and
    register tiles (4×64 where every output tile is 64 columns wide, one
    weight-panel row per step; 8×32 otherwise) are vectorized to
    `vector.contract` with the reduction loop innermost and the accumulators
    carried in registers across it.
    Partial tiles (sizes that are not multiples of the tiles, dynamic sizes)
    use masked vectors; full tiles are peeled off and unmasked. Reductions
    stay sequential within a tile: results do not depend on threads.
  }];
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

#endif // TFM_TRANSFORMS_PASSES_TD
