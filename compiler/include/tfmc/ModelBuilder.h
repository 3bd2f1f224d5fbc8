//===- ModelBuilder.h - tfm IR for a model description ----------*- C++ -*-===//

#ifndef TFMC_MODELBUILDER_H
#define TFMC_MODELBUILDER_H

#include "tfmc/ModelConfig.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::tfm {

/// Checks the weights file against what `config` needs: every tensor
/// present with its shape and a float dtype (F32, F16 or BF16), nothing
/// unexpected. Returns the weights the model will use, in order (an
/// optional one only when present), or fails with a one-line `error`.
FailureOr<std::vector<WeightSpec>> checkWeights(const ModelConfig &config,
                                                std::string &error);

/// Builds the model's entry points in the tfm dialect:
///   encoder:          @encode(ids, weights...) -> hidden states [B, S, D]
///   decoder:          @forward(ids, weights...) -> logits [B, S, V]
///   encoder-decoder:  @encode(src_ids, weights...) -> memory [B, S, D]
///                     @decode(memory, src_ids, tgt_ids, weights...)
///                         -> logits [B, T, V]
/// and, for generation with a key/value cache (N decoder layers, entries
/// [S, B, H, D] in the cache's position-major layout):
///   decoder:          @prefill(ids, weights...)
///                         -> logits [B, S, V], N x (keys, values) entries
///                     @decode_step(ids [B, 1], positions [B], key_ids
///                         [B, L + 1], past_keys.i / past_values.i
///                         [L, B, H, D]..., weights...)
///                         -> logits [B, 1, V], N x (keys, values) entries
///   encoder-decoder:  @prefill(src_ids, weights...)
///                         -> N x (cross keys, cross values) [B, H, S, D]
///                     @decode_step(ids, positions, key_ids, src_ids,
///                         past_*..., cross_keys.i / cross_values.i...,
///                         weights...) -> as the decoder's
/// Inputs carry a `tfm.input` argument attribute and weights `tfm.weight`
/// (the tensor's name), which the runtime uses to bind them.
OwningOpRef<ModuleOp> buildModel(MLIRContext *context,
                                 const ModelConfig &config,
                                 ArrayRef<WeightSpec> weights);

} // namespace mlir::tfm

#endif // TFMC_MODELBUILDER_H
