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
/// Inputs carry a `tfm.input` argument attribute and weights `tfm.weight`
/// (the tensor's name), which the runtime uses to bind them.
OwningOpRef<ModuleOp> buildModel(MLIRContext *context,
                                 const ModelConfig &config,
                                 ArrayRef<WeightSpec> weights);

} // namespace mlir::tfm

#endif // TFMC_MODELBUILDER_H
