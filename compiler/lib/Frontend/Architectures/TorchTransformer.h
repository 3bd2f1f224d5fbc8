//===- TorchTransformer.h - PyTorch's nn.Transformer layers -----*- C++ -*-===//
//
// The layers of torch.nn.Transformer, shared by the tfm-model-v1
// architectures (encoder, decoder, encoder-decoder): their state_dict names
// (written here only) and their bodies, post-LN or pre-LN as `norm_first`
// says.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_LIB_FRONTEND_ARCHITECTURES_TORCHTRANSFORMER_H
#define TFMC_LIB_FRONTEND_ARCHITECTURES_TORCHTRANSFORMER_H

#include "tfmc/Frontend/Blocks.h"

namespace mlir::tfm::torch_transformer {

/// nn.MultiheadAttention `p` ("layers.0.self_attn").
AttentionWeights attention(const std::string &p);
/// nn.LayerNorm `p`.
NormWeights norm(const std::string &p);
/// The linear1/linear2 feed-forward of the layer `p`.
FeedForwardWeights feedForward(const std::string &p);

/// Appends the weights of an nn.LayerNorm `p` of width d_model.
void addNormWeights(std::vector<WeightSpec> &specs, const ModelConfig &c,
                    const std::string &p);
/// Appends the weights of nn.TransformerEncoderLayer `p` ("layers.0").
void addEncoderLayerWeights(std::vector<WeightSpec> &specs,
                            const ModelConfig &c, const std::string &p);
/// Appends the weights of nn.TransformerDecoderLayer `p`.
void addDecoderLayerWeights(std::vector<WeightSpec> &specs,
                            const ModelConfig &c, const std::string &p);

/// nn.TransformerEncoderLayer (also the decoder-only block, whose
/// self-attention is causal), its weights named "layer." + suffix.
Value encoderLayer(BlockBuilder &f, Value x, const AttentionSite &self);

/// nn.TransformerDecoderLayer: self-attention, then attention over
/// `memory` (or the cross site's fixed keys and values), then the
/// feed-forward.
Value decoderLayer(BlockBuilder &f, Value y, Value memory,
                   const AttentionSite &self, const AttentionSite &cross);

} // namespace mlir::tfm::torch_transformer

#endif // TFMC_LIB_FRONTEND_ARCHITECTURES_TORCHTRANSFORMER_H
