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

def TfmFuseAttention : Pass<"tfm-fuse-attention"> {
  let summary = "Fuse tfm.attention into flash-style blocked loops";
  let description = [{
    Rewrites each `tfm.attention` on f32 into one `scf.forall` over batch ×
    heads × blocks of `query-block` queries. Its body walks the keys and
    values in blocks of `key-block` with an online softmax: the running
    maximum and sum of each query, and an accumulator rescaled whenever the
    maximum grows. Only a [key block × query block] tile of scores exists at
    a time, never the Sq×Skv matrix.

    Queries lie along vectors of L f32 lanes, L from the target's vector
    width (`vector-bits` / 32: 16 with AVX-512, 8 with AVX2; a power of
    two). Qᵀ (scaled) and the accumulator Oᵀ are
    tiles on the stack, both products are register tiles of broadcast × vector
    FMAs (`vector.fma`), and the softmax is lane-wise, with `exp` expanded to
    MLIR's polynomial approximation so that it stays on vectors. Any D, Dv,
    Sq, Skv (static or dynamic, Sq != Skv) is handled: rows past the end of a
    dimension are computed on clamped indices and never written.

    Up to L queries (decoding steps) would leave lanes idle. Where D and Dv
    are static they take a single-query loop instead: one forall iteration
    per query, the depth along lanes (the scaled query and the accumulator
    are ceil(D/L) and ceil(Dv/L) vectors read and written with
    `vector.load`/`vector.store`, and `vector.maskedload`/`maskedstore` for
    a last, partial chunk, so the operands are taken with unit innermost
    strides), a dot product per key with the L keys' sums across
    lanes taken together by a tree of `vector.shuffle`s and additions (L - 1
    additions instead of L horizontal reductions), and one online-softmax
    step per L keys. Dynamic depths take blocks of L queries.
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
    Option<"queryBlock", "query-block", "int64_t", "0",
           "Queries per forall iteration, a multiple of the lanes (default: "
           "L × vector-registers / 8, 64 with AVX-512, 16 with AVX2)">,
    Option<"keyBlock", "key-block", "int64_t", "64",
           "Keys per step of the online softmax (rounded up to a whole "
           "number of register tiles)">,
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Width of the target's vector registers in bits (AVX-512: 512, "
           "AVX2: 256)">,
    Option<"vectorRegisters", "vector-registers", "int64_t",
           /*default=*/"32",
           "Number of the target's vector registers (AVX-512: 32, AVX2: 16)">
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

#endif // TFM_TRANSFORMS_PASSES_TD
