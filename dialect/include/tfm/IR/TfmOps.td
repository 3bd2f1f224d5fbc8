//===- TfmOps.td - tfm operations --------------------------*- tablegen -*-===//

#ifndef TFM_OPS_TD
#define TFM_OPS_TD

include "tfm/IR/TfmDialect.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tfm_PositionalEncodingKind : I32EnumAttr<"PositionalEncodingKind",
    "kind of positional encoding", [
      I32EnumAttrCase<"sinusoidal", 0>,
      I32EnumAttrCase<"learned", 1>
    ]> {
  let cppNamespace = "::mlir::tfm";
}

def Tfm_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "approximation used by gelu", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"tanh", 1>
    ]> {
  let cppNamespace = "::mlir::tfm";
}

def Tfm_RotaryLayout : I32EnumAttr<"RotaryLayout",
    "which features a rotary embedding rotates together", [
      I32EnumAttrCase<"half", 0>,
      I32EnumAttrCase<"interleaved", 1>
    ]> {
  let cppNamespace = "::mlir::tfm";
}

def Tfm_RopeScaling : I32EnumAttr<"RopeScaling",
    "rope_scaling type of a rotary embedding's frequencies", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"linear", 1>,
      I32EnumAttrCase<"llama3", 2>
    ]> {
  let cppNamespace = "::mlir::tfm";
}

def Tfm_GateActivation : I32EnumAttr<"GateActivation",
    "activation of the gate of a gated feed-forward", [
      I32EnumAttrCase<"silu", 0>,
      I32EnumAttrCase<"gelu", 1>,
      I32EnumAttrCase<"gelu_tanh", 2>
    ]> {
  let cppNamespace = "::mlir::tfm";
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def Tfm_AttentionOp : Tfm_Op<"attention", [Pure]> {
  let summary = "scaled dot-product attention";
  let description = [{
    Computes `softmax(Q·Kᵀ·scale + mask)·V` for queries `[B, H, Sq, D]`,
    keys `[B, Hkv, Skv, D]` and values `[B, Hkv, Skv, Dv]`, giving
    `[B, H, Sq, Dv]`.

    - Grouped-query attention: the key/value head count `Hkv` divides the
      query head count `H`, and query head `h` attends with key/value head
      `h / (H / Hkv)` (Hugging Face's `repeat_kv`; `Hkv = 1` is multi-query
      attention). Keys and values are read in place, never repeated. When
      either head count is dynamic the two must be equal at run time (a
      grouped op needs both static).

    - `scale` defaults to `1/sqrt(D)`.
    - `mask` is optional. An `i1` mask keeps a key where it is `true`; a
      floating-point mask is added to the scores (`-inf` hides a key). Its
      shape broadcasts to `[B, H, Sq, Skv]` with trailing alignment: each of
      its dimensions is 1 or equal to the one it lines up with. Only a
      static 1 broadcasts: a dynamic mask dimension must equal the size it
      lines up with at run time.
    - `causal` hides future keys without materializing a mask. It is aligned
      bottom-right: query `i` sees key `j` when `j <= i + Skv - Sq`, so a
      decode step with `Sq = 1` sees the whole cache.

    A query whose keys are all hidden yields zeros (PyTorch gives NaN).

    ```mlir
    %o = tfm.attention %q, %k, %v mask(%m : tensor<2x1x1x7xi1>) causal
        : tensor<2x4x5x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32>
        -> tensor<2x4x5x16xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$query, Tfm_FloatTensor:$key,
                   Tfm_FloatTensor:$value, Optional<Tfm_MaskTensor>:$mask,
                   OptionalAttr<F32Attr>:$scale, UnitAttr:$causal);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`scale` `(` $scale^ `)`)?
    (`causal` $causal^)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($result)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// Query heads per key/value head (1 unless both counts are static).
    int64_t getGroupSize() {
      return ::mlir::tfm::attentionGroupSize(getQuery(), getKey());
    }
  }];
}

def Tfm_AttentionWeightsOp : Tfm_Op<"attention_weights", [Pure]> {
  let summary = "the probabilities of scaled dot-product attention";
  let description = [{
    `softmax(Q·Kᵀ·scale + mask)` for queries `[B, H, Sq, D]` and keys
    `[B, Hkv, Skv, D]`, giving `[B, H, Sq, Skv]`: the weights that
    `tfm.attention` with the same operands mixes values with (rows whose keys
    are all hidden are zeros; key/value heads grouped as there). Models
    compute them only when asked, to show attention maps.

    ```mlir
    %p = tfm.attention_weights %q, %k causal
        : tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32> -> tensor<1x2x5x5xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$query, Tfm_FloatTensor:$key,
                   Optional<Tfm_MaskTensor>:$mask,
                   OptionalAttr<F32Attr>:$scale, UnitAttr:$causal);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`scale` `(` $scale^ `)`)?
    (`causal` $causal^)?
    attr-dict `:` type($query) `,` type($key) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Query heads per key/value head (1 unless both counts are static).
    int64_t getGroupSize() {
      return ::mlir::tfm::attentionGroupSize(getQuery(), getKey());
    }
  }];
}

def Tfm_MultiHeadAttentionOp : Tfm_Op<"multi_head_attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "multi-head attention with input and output projections";
  let description = [{
    `torch.nn.MultiheadAttention` with `batch_first=True`: query `[B, Sq, E]`,
    key `[B, Skv, Kdim]`, value `[B, Skv, Vdim]` → `[B, Sq, E]`.

    - `in_proj` takes either one packed weight `[3E, E]` (rows packed q, k, v;
      then Kdim = Vdim = E) or three separate weights `[E, E]`, `[E, Kdim]`,
      `[E, Vdim]`.
    - `in_bias` is optional: one packed bias `[3E]` or three biases `[E]`.
    - `out_proj` is the weight `[E, E]`, `out_bias` the optional bias `[E]`.
    - `heads` must divide E; the head size is D = E / heads.
    - `kv_heads(Hkv)` (optional; `heads` when absent) gives keys and values
      fewer heads for grouped-query or multi-query attention: it divides
      `heads`, and query head `h` attends with key/value head
      `h / (heads / Hkv)` (Hugging Face's `repeat_kv`). The key and value
      projections then have Hkv·D rows: a packed weight is
      `[(heads + 2·Hkv)·D, E]` (rows q, k, v), separate ones are `[E, E]`,
      `[Hkv·D, Kdim]` and `[Hkv·D, Vdim]`, and biases `[(heads + 2·Hkv)·D]`
      or `[E]`, `[Hkv·D]`, `[Hkv·D]`.
    - `key_padding_mask` `[B, Skv]`: `i1` with `true` = attend (the opposite of
      PyTorch's polarity), or an additive float mask.
    - `attn_mask` `[Sq, Skv]` or `[B·heads, Sq, Skv]`: `i1` with `true` =
      attend, or additive float.
    - `causal` adds a look-ahead mask (bottom-right aligned).

    Fully masked query rows yield zeros before the output projection.
  }];
  let arguments = (ins Tfm_FloatTensor:$query, Tfm_FloatTensor:$key,
                   Tfm_FloatTensor:$value,
                   Variadic<Tfm_FloatTensor>:$in_proj_weights,
                   Variadic<Tfm_FloatTensor>:$in_proj_biases,
                   Tfm_FloatTensor:$out_proj_weight,
                   Optional<Tfm_FloatTensor>:$out_proj_bias,
                   Optional<Tfm_MaskTensor>:$key_padding_mask,
                   Optional<Tfm_MaskTensor>:$attn_mask,
                   I64Attr:$num_heads, UnitAttr:$causal,
                   OptionalAttr<I64Attr>:$num_kv_heads);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value `heads` `(` $num_heads `)`
    (`kv_heads` `(` $num_kv_heads^ `)`)?
    `in_proj` `(` $in_proj_weights `:` type($in_proj_weights) `)`
    (`in_bias` `(` $in_proj_biases^ `:` type($in_proj_biases) `)`)?
    `out_proj` `(` $out_proj_weight `:` type($out_proj_weight) `)`
    (`out_bias` `(` $out_proj_bias^ `:` type($out_proj_bias) `)`)?
    (`key_padding_mask` `(` $key_padding_mask^ `:` type($key_padding_mask) `)`)?
    (`attn_mask` `(` $attn_mask^ `:` type($attn_mask) `)`)?
    (`causal` $causal^)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($result)
  }];
  let hasVerifier = 1;
  let builders = [
    // Without kv_heads (as many key/value heads as query heads).
    OpBuilder<(ins "Type":$result, "Value":$query, "Value":$key,
      "Value":$value, "ValueRange":$in_proj_weights,
      "ValueRange":$in_proj_biases, "Value":$out_proj_weight,
      "Value":$out_proj_bias, "Value":$key_padding_mask, "Value":$attn_mask,
      "IntegerAttr":$num_heads, "UnitAttr":$causal), [{
      build($_builder, $_state, result, query, key, value, in_proj_weights,
            in_proj_biases, out_proj_weight, out_proj_bias, key_padding_mask,
            attn_mask, num_heads, causal, /*num_kv_heads=*/IntegerAttr());
    }]>
  ];
  let extraClassDeclaration = [{
    /// Key/value heads: `kv_heads`, or `heads` when it is absent.
    int64_t getKeyValueHeads() {
      return getNumKvHeads().value_or(getNumHeads());
    }
  }];
}

//===----------------------------------------------------------------------===//
// Key/value cache (incremental decoding)
//===----------------------------------------------------------------------===//

def Tfm_KVCacheAppendOp : Tfm_Op<"kv_cache_append", [Pure]> {
  let summary = "cached keys or values followed by the new steps' ones";
  let description = [{
    Incremental decoding keeps, per decoder layer, the keys and the values of
    every earlier step in a cache `[L, B, H, D]` (H the key/value heads,
    fewer than the query heads with grouped-query attention): position-major, so that
    the first `L` positions of a cache allocated once for `max_seq_len` are
    one contiguous block that the caller passes as it grows. `step` holds
    the keys (or values) of the `S` new positions in `tfm.attention`'s
    layout `[B, H, S, D]`. The result `[B, H, L + S, D]` is the cache in
    that layout followed by the new positions, ready to be the keys or
    values of a `tfm.attention` whose queries are the new positions (with a
    mask that hides the cache positions a row has not reached).

    ```mlir
    %k = tfm.kv_cache_append %cache, %step
        : tensor<?x2x4x16xf32>, tensor<2x4x1x16xf32> -> tensor<2x4x?x16xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$cache, Tfm_FloatTensor:$step);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $cache `,` $step attr-dict `:` type($cache) `,` type($step) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_KVCacheEntriesOp : Tfm_Op<"kv_cache_entries", [Pure]> {
  let summary = "keys or values of new steps in the cache's layout";
  let description = [{
    Keys or values `[B, H, S, D]` (`tfm.attention`'s layout) as the `S`
    position-major entries `[S, B, H, D]` that a caller stores into its
    key/value cache (see `tfm.kv_cache_append`): a prefill returns the
    prompt's entries, a decode step those of the new token.

    ```mlir
    %e = tfm.kv_cache_entries %k : tensor<2x4x1x16xf32> -> tensor<1x2x4x16xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Masks
//===----------------------------------------------------------------------===//

def Tfm_CausalMaskOp : Tfm_Op<"causal_mask", [Pure]> {
  let summary = "look-ahead mask as a value";
  let description = [{
    An `[Sq, Skv]` mask where query `i` may attend to key `j` when
    `j <= i + Skv - Sq` (bottom-right aligned, as `tfm.attention`'s `causal`).
    With an `i1` element type, `true` means attend; with a float element type
    the mask is additive (0 or `-inf`). Dynamic sizes are given as operands,
    one per `?` in the result type, in order.

    ```mlir
    %m = tfm.causal_mask : tensor<5x5xi1>
    %d = tfm.causal_mask (%sq, %skv) : tensor<?x?xf32>
    ```
  }];
  let arguments = (ins Variadic<Index>:$dynamic_sizes);
  let results = (outs Tfm_MaskTensor:$result);
  let assemblyFormat = [{
    (`(` $dynamic_sizes^ `)`)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_PaddingMaskOp : Tfm_Op<"padding_mask", [Pure]> {
  let summary = "key padding mask from token ids or from lengths";
  let description = [{
    Two forms, both giving an `i1` mask `[B, S]` with `true` = a real token:

    - with `pad(N)`, the input is token ids `[B, S]`; position `(b, s)` is
      true where `ids[b, s] != N`;
    - without it, the input is lengths `[B]`; position `(b, s)` is true where
      `s < lengths[b]`. When `S` is dynamic, `seq_len(%s)` gives it.

    ```mlir
    %m = tfm.padding_mask %ids pad(0) : tensor<2x7xi64> -> tensor<2x7xi1>
    %n = tfm.padding_mask %len seq_len(%s) : tensor<2xi32> -> tensor<2x?xi1>
    ```
  }];
  let arguments = (ins Tfm_IntTensor:$input, Optional<Index>:$seq_len,
                   OptionalAttr<I64Attr>:$pad_id);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = [{
    $input (`pad` `(` $pad_id^ `)`)? (`seq_len` `(` $seq_len^ `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Positional encoding and embeddings
//===----------------------------------------------------------------------===//

def Tfm_PositionalEncodingOp : Tfm_Op<"positional_encoding",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "adds a positional encoding to [B, S, E] input";
  let description = [{
    - `sinusoidal`: as in "Attention Is All You Need",
      `PE(p, 2i) = sin(p / 10000^(2i/E))`, `PE(p, 2i+1) = cos(p / 10000^(2i/E))`;
      E must be even.
    - `learned`: rows of `table` `[maxS, E]`.

    Position `p` of row `b` is `s + offset[b]` when the optional `offset`
    (one integer per batch row) is given, for incremental decoding. Learned
    positions beyond the table are clamped to its last row.

    ```mlir
    %y = tfm.positional_encoding sinusoidal %x : tensor<2x7x16xf32> -> tensor<2x7x16xf32>
    ```
  }];
  let arguments = (ins Tfm_PositionalEncodingKind:$kind,
                   Tfm_FloatTensor:$input, Optional<Tfm_FloatTensor>:$table,
                   Optional<Tfm_IntTensor>:$offset);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input (`table` `(` $table^ `:` type($table) `)`)?
    (`offset` `(` $offset^ `:` type($offset) `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_RotaryEmbeddingOp : Tfm_Op<"rotary_embedding", [Pure]> {
  let summary = "rotary position embedding of queries or keys";
  let description = [{
    Rotates queries or keys `[B, H, S, D]` (after the head split) by their
    positions, as Hugging Face's `apply_rotary_pos_emb`:
    `x * cos + rotate(x) * sin`. Position `p` of `(b, s)` is
    `s + offset[b]` when the optional `offset` (one integer per batch row)
    is given, for cached decoding, else `s`.

    - `rotary_dim(R)`: only the first R features of each head rotate (R even,
      at most D; GPT-NeoX and Phi's partial rotary), the rest pass through.
    - `half` pairs feature `i` with `i + R/2` (`rotate_half`: Llama, Qwen2,
      GPT-NeoX); `interleaved` pairs `2i` with `2i + 1` (GPT-J). Pair `i`
      turns by the angle `p * inv_freq[i]`.
    - `theta(base)`: `inv_freq[i] = 1 / base^(2i / R)` (`rope_theta`).
    - `scaling`, Hugging Face's `rope_scaling`: `linear` divides the
      frequencies by `factor`; `llama3` (Llama 3.1) divides the low ones by
      `factor`, keeps the high ones and interpolates between them by
      wavelength, with `low_freq_factor`, `high_freq_factor` and
      `original_max_position_embeddings`.

    The frequencies are computed when compiling, in float32 as
    transformers' `modeling_rope_utils.py` does (with a correctly rounded
    power); `cos` and `sin` of `p * inv_freq` (a float32 product) are
    computed at run time in float32 and rounded to the element type.

    ```mlir
    %q = tfm.rotary_embedding half %x offset(%o : tensor<2xi64>) theta(5.0e5)
        rotary_dim(64) scaling(llama3) factor(8.0) low_freq_factor(1.0)
        high_freq_factor(4.0) original_max_position_embeddings(8192)
        : tensor<2x8x?x64xf32> -> tensor<2x8x?x64xf32>
    ```
  }];
  let arguments = (ins Tfm_RotaryLayout:$layout, Tfm_FloatTensor:$input,
                   Optional<Tfm_IntTensor>:$offset, F64Attr:$theta,
                   I64Attr:$rotary_dim,
                   DefaultValuedAttr<Tfm_RopeScaling,
                       "::mlir::tfm::RopeScaling::none">:$scaling,
                   OptionalAttr<F64Attr>:$factor,
                   OptionalAttr<F64Attr>:$low_freq_factor,
                   OptionalAttr<F64Attr>:$high_freq_factor,
                   OptionalAttr<I64Attr>:$original_max_position_embeddings);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $layout $input (`offset` `(` $offset^ `:` type($offset) `)`)?
    `theta` `(` $theta `)` `rotary_dim` `(` $rotary_dim `)`
    (`scaling` `(` $scaling^ `)`)?
    (`factor` `(` $factor^ `)`)?
    (`low_freq_factor` `(` $low_freq_factor^ `)`)?
    (`high_freq_factor` `(` $high_freq_factor^ `)`)?
    (`original_max_position_embeddings` `(`
        $original_max_position_embeddings^ `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// inv_freq[i], i < rotary_dim / 2, with the scaling applied: the
    /// float32 values Hugging Face's rope initialization functions give.
    ::llvm::SmallVector<float> getInverseFrequencies();
  }];
  let hasVerifier = 1;
}

def Tfm_EmbeddingOp : Tfm_Op<"embedding", [Pure]> {
  let summary = "table lookup of token ids";
  let description = [{
    Gathers rows of `table` `[V, E]` for integer `ids` of any shape, giving
    `ids.shape + [E]`, each multiplied by `scale` when it is given (models
    scale embeddings by sqrt(E)). Ids outside `[0, V)` are clamped for
    memory safety; model executables reject them before they get here.

    ```mlir
    %x = tfm.embedding %ids, %table scale(8.0) : tensor<?x?xi64>, tensor<1000x64xf32> -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins Tfm_IntTensor:$ids, Tfm_FloatTensor:$table,
                   OptionalAttr<F32Attr>:$scale);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $ids `,` $table (`scale` `(` $scale^ `)`)? attr-dict `:` type($ids) `,`
    type($table) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization, projections, activations
//===----------------------------------------------------------------------===//

def Tfm_SoftmaxOp : Tfm_Op<"softmax", [Pure]> {
  let summary = "numerically stable softmax along one axis";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis` (negative values
    count from the end, as in PyTorch).
  }];
  let arguments = (ins Tfm_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input `axis` `(` $axis `)` attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_LayerNormOp : Tfm_Op<"layer_norm", [Pure, AttrSizedOperandSegments]> {
  let summary = "layer normalization over the last dimension";
  let description = [{
    `(x - mean) / sqrt(var + eps) * weight + bias` over the last dimension N,
    with the biased variance, as `torch.nn.functional.layer_norm`. `weight`
    and `bias` `[N]` are optional.
  }];
  let arguments = (ins Tfm_FloatTensor:$input,
                   Optional<Tfm_FloatTensor>:$weight,
                   Optional<Tfm_FloatTensor>:$bias,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`weight` `(` $weight^ `:` type($weight) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_RmsNormOp : Tfm_Op<"rms_norm", [Pure]> {
  let summary = "root-mean-square normalization over the last dimension";
  let description = [{
    Hugging Face's `LlamaRMSNorm` (also Qwen2's, Mistral's, ...) over the
    last dimension E of `input` `[..., E]`, with `weight` `[E]`:

    ```python
    h = input.to(float32)
    h = h * rsqrt(mean(h * h, dim=-1) + epsilon)
    result = weight * h.to(input.dtype)
    ```

    The mean of squares and the scaling are computed in f32 whatever the
    element type; the product with the weight is in the element type of
    the input (that of the weight too). No mean is subtracted and there is
    no bias.

    ```mlir
    %y = tfm.rms_norm %x, %w epsilon(1.0e-06)
        : tensor<?x?x576xf32>, tensor<576xf32> -> tensor<?x?x576xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_FloatTensor:$weight,
                   F32Attr:$epsilon);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `epsilon` `(` $epsilon `)` attr-dict `:` type($input)
    `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_LinearOp : Tfm_Op<"linear", [Pure]> {
  let summary = "x·Wᵀ + b with PyTorch's [out, in] weight layout";
  let description = [{
    Input `[..., in]`, weight `[out, in]`, optional bias `[out]` →
    `[..., out]`, as `torch.nn.functional.linear`.
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_FloatTensor:$weight,
                   Optional<Tfm_FloatTensor>:$bias);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_ReluOp : Tfm_Op<"relu", [Pure, SameOperandsAndResultType]> {
  let summary = "max(x, 0) elementwise";
  let arguments = (ins Tfm_FloatTensor:$input);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tfm_GeluOp : Tfm_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit elementwise";
  let description = [{
    `x·Φ(x)` with the erf form by default, or PyTorch's tanh approximation
    with `approximate = tanh`.
  }];
  let arguments = (ins Tfm_FloatTensor:$input,
                   DefaultValuedAttr<Tfm_GeluApproximation,
                       "::mlir::tfm::GeluApproximation::none">:$approximate);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`approximate` `(` $approximate^ `)`)? attr-dict `:` type($input)
  }];
}

def Tfm_SiluOp : Tfm_Op<"silu", [Pure, SameOperandsAndResultType]> {
  let summary = "x·sigmoid(x) elementwise (SiLU, swish)";
  let description = [{
    `x / (1 + exp(-x))`, as `torch.nn.functional.silu`: large negative x
    give -0 (exp overflows to inf), large positive x give x.

    ```mlir
    %y = tfm.silu %x : tensor<?x?x1536xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tfm_GatedFeedForwardOp : Tfm_Op<"gated_feed_forward", [Pure]> {
  let summary = "down(act(gate(x)) * up(x)): SwiGLU and GeGLU feed-forwards";
  let description = [{
    The feed-forward of Llama, Qwen2, Mistral (`act` = `silu`, SwiGLU) and
    of GeGLU models (`gelu` or `gelu_tanh`), without biases:

    ```python
    result = down(act(gate(x)) * up(x))
    ```

    for `input` `[..., E]`, where `gate` and `up` are linear maps with
    weights `[F, E]` and `down` one with weight `[E', F]`, all in
    PyTorch's `nn.Linear` layout `[out, in]` (`gate_proj`, `up_proj` and
    `down_proj` of a Hugging Face checkpoint, as stored). The result is
    `[..., E']`.

    Why one op with two separate weights rather than one `[2F, E]` weight
    or `tfm.linear`s around `tfm.silu`: the lowering makes `gate(x)` and
    `up(x)` two contractions of the same shape whose only use is one
    elementwise `act(g) * u`. From -O2 on the codegen tiles that product
    and fuses both contractions into each of its output tiles, so
    `act(g) * u` is the epilogue of the gate and up matmuls: neither
    `gate(x)`, `up(x)` nor `act(gate(x))` is ever written to memory whole,
    only the `[..., F]` product that `down` reads. Each weight stays a matrix of its own, so
    `tfm-choose-weight-layouts` passes all three in the packed panels of
    `tfm.linear` weights and the kernels read them in place; a
    concatenated `[2F, E]` weight would need its gate and up rows
    interleaved panel by panel for one output tile to hold both halves,
    a layout of its own that no checkpoint stores.

    ```mlir
    %y = tfm.gated_feed_forward silu %x, %gate, %up, %down
        : tensor<?x?x576xf32>, tensor<1536x576xf32>, tensor<1536x576xf32>,
          tensor<576x1536xf32> -> tensor<?x?x576xf32>
    ```
  }];
  let arguments = (ins Tfm_GateActivation:$activation, Tfm_FloatTensor:$input,
                   Tfm_FloatTensor:$gate_weight, Tfm_FloatTensor:$up_weight,
                   Tfm_FloatTensor:$down_weight);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $activation $input `,` $gate_weight `,` $up_weight `,` $down_weight
    attr-dict `:` type($input) `,` type($gate_weight) `,` type($up_weight)
    `,` type($down_weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // TFM_OPS_TD
