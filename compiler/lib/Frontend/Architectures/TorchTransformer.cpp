//===- TorchTransformer.cpp - PyTorch's nn.Transformer layers -------------===//

#include "TorchTransformer.h"

using namespace mlir;
using namespace mlir::tfm;

AttentionWeights torch_transformer::attention(const std::string &p) {
  AttentionWeights w;
  w.inProj = p + ".in_proj_weight";
  w.inProjBias = p + ".in_proj_bias";
  w.out = p + ".out_proj.weight";
  w.outBias = p + ".out_proj.bias";
  return w;
}

NormWeights torch_transformer::norm(const std::string &p) {
  return {p + ".weight", p + ".bias"};
}

FeedForwardWeights torch_transformer::feedForward(const std::string &p) {
  FeedForwardWeights w;
  w.up = p + ".linear1.weight";
  w.upBias = p + ".linear1.bias";
  w.down = p + ".linear2.weight";
  w.downBias = p + ".linear2.bias";
  return w;
}

static void addAttentionWeights(std::vector<WeightSpec> &specs,
                                const ModelConfig &c, const std::string &p) {
  int64_t d = c.dModel;
  AttentionWeights w = torch_transformer::attention(p);
  specs.push_back({w.inProj, {3 * d, d}});
  specs.push_back({w.inProjBias, {3 * d}});
  specs.push_back({w.out, {d, d}});
  specs.push_back({w.outBias, {d}});
}

void torch_transformer::addNormWeights(std::vector<WeightSpec> &specs,
                                       const ModelConfig &c,
                                       const std::string &p) {
  NormWeights w = norm(p);
  specs.push_back({w.weight, {c.dModel}});
  specs.push_back({w.bias, {c.dModel}});
}

static void addFeedForwardWeights(std::vector<WeightSpec> &specs,
                                  const ModelConfig &c, const std::string &p) {
  FeedForwardWeights w = torch_transformer::feedForward(p);
  specs.push_back({w.up, {c.dFF, c.dModel}});
  specs.push_back({w.upBias, {c.dFF}});
  specs.push_back({w.down, {c.dModel, c.dFF}});
  specs.push_back({w.downBias, {c.dModel}});
}

void torch_transformer::addEncoderLayerWeights(std::vector<WeightSpec> &specs,
                                               const ModelConfig &c,
                                               const std::string &p) {
  addAttentionWeights(specs, c, p + ".self_attn");
  addFeedForwardWeights(specs, c, p);
  addNormWeights(specs, c, p + ".norm1");
  addNormWeights(specs, c, p + ".norm2");
}

void torch_transformer::addDecoderLayerWeights(std::vector<WeightSpec> &specs,
                                               const ModelConfig &c,
                                               const std::string &p) {
  addAttentionWeights(specs, c, p + ".self_attn");
  addAttentionWeights(specs, c, p + ".multihead_attn");
  addFeedForwardWeights(specs, c, p);
  addNormWeights(specs, c, p + ".norm1");
  addNormWeights(specs, c, p + ".norm2");
  addNormWeights(specs, c, p + ".norm3");
}

Value torch_transformer::encoderLayer(BlockBuilder &f, Value x,
                                      const AttentionSite &self) {
  AttentionWeights attn = attention("layer.self_attn");
  FeedForwardWeights ff = feedForward("layer");
  NormWeights norm1 = norm("layer.norm1"), norm2 = norm("layer.norm2");
  if (f.config().normFirst) {
    Value h = f.norm(x, norm1);
    x = f.add(x, f.attention(h, h, attn, self));
    return f.add(x, f.feedForward(f.norm(x, norm2), ff));
  }
  x = f.norm(f.add(x, f.attention(x, x, attn, self)), norm1);
  return f.norm(f.add(x, f.feedForward(x, ff)), norm2);
}

Value torch_transformer::decoderLayer(BlockBuilder &f, Value y, Value memory,
                                      const AttentionSite &self,
                                      const AttentionSite &cross) {
  AttentionWeights selfAttn = attention("layer.self_attn");
  AttentionWeights crossAttn = attention("layer.multihead_attn");
  FeedForwardWeights ff = feedForward("layer");
  NormWeights norm1 = norm("layer.norm1"), norm2 = norm("layer.norm2"),
              norm3 = norm("layer.norm3");
  if (f.config().normFirst) {
    Value h = f.norm(y, norm1);
    y = f.add(y, f.attention(h, h, selfAttn, self));
    y = f.add(y, f.attention(f.norm(y, norm2), memory, crossAttn, cross));
    return f.add(y, f.feedForward(f.norm(y, norm3), ff));
  }
  y = f.norm(f.add(y, f.attention(y, y, selfAttn, self)), norm1);
  y = f.norm(f.add(y, f.attention(y, memory, crossAttn, cross)), norm2);
  return f.norm(f.add(y, f.feedForward(y, ff)), norm3);
}
