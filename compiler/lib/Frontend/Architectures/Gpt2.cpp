//===- Gpt2.cpp - Hugging Face gpt2 ---------------------------------------===//
//
// transformers' GPT2LMHeadModel: token plus learned absolute position
// embeddings, pre-LN layers (x + attn(ln_1(x)), x + mlp(ln_2(x))) with a
// packed, biased query/key/value projection and causal attention scaled by
// 1/sqrt(head size), a biased feed-forward, a final LayerNorm and logits
// through the token embedding (tied) or lm_head.
//
// GPT-2's linear maps are Conv1D modules, whose weights are stored [in, out]:
// the transpose of nn.Linear's [out, in]. They are declared here in
// nn.Linear's layout, marked `transposedInFile`, so that the IR and
// tfm-choose-weight-layouts see ordinary linear weights and give them the
// kernels' panels; tfmc reorders the stored matrix once, when it packs the
// weights into the executable (PackWeights.cpp), so no weight is ever
// transposed at run time.
//
//===----------------------------------------------------------------------===//

#include "Registry.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// The state_dict names of GPT2LMHeadModel: the only place they are
/// written.
AttentionWeights attentionNames(const std::string &p) {
  AttentionWeights w;
  w.inProj = p + ".c_attn.weight";
  w.inProjBias = p + ".c_attn.bias";
  w.out = p + ".c_proj.weight";
  w.outBias = p + ".c_proj.bias";
  return w;
}

FeedForwardWeights mlpNames(const std::string &p) {
  FeedForwardWeights w;
  w.up = p + ".c_fc.weight";
  w.upBias = p + ".c_fc.bias";
  w.down = p + ".c_proj.weight";
  w.downBias = p + ".c_proj.bias";
  return w;
}

NormWeights normNames(const std::string &p) {
  return {p + ".weight", p + ".bias"};
}

const char *kTokens = "transformer.wte.weight";
const char *kPositions = "transformer.wpe.weight";
const char *kLayers = "transformer.h.";
const char *kFinalNorm = "transformer.ln_f";
const char *kLmHead = "lm_head.weight";

class Gpt2 : public ArchitectureSpec {
public:
  StringRef name() const override { return "gpt2"; }
  ModelKind kind() const override { return ModelKind::Decoder; }
  bool isHuggingFace() const override { return true; }

  void readKeys(ConfigReader &keys, ModelConfig &c) const override;
  std::vector<WeightSpec> weights(const ModelConfig &c) const override;
  void buildEntryPoints(ModuleBuilder &m) const override;
};
} // namespace

void Gpt2::readKeys(ConfigReader &keys, ModelConfig &c) const {
  // Defaults are GPT2Config's.
  c.tgtVocabSize = keys.integer("vocab_size", false, 1, kMaxVocab, 50257);
  c.dModel = keys.integer("n_embd", false, 1, kMaxDim, 768);
  c.numDecoderLayers = keys.integer("n_layer", false, 1, kMaxLayers, 12);
  c.numHeads = keys.integer("n_head", false, 1, kMaxDim, 12);
  c.maxSeqLen = keys.integer("n_positions", false, 1, 1 << 24, 1024);
  c.layerNormEps = keys.number("layer_norm_epsilon", false, 0, 1, 1e-5);
  // PretrainedConfig ties by default; GPT2LMHeadModel's lm_head is wte.
  c.tieEmbeddings = keys.boolean("tie_word_embeddings", false, true);
  c.norm = NormKind::Layer;
  c.gatedFeedForward = false;
  c.learnedPositions = true;
  c.embeddingScale = false;
  c.finalNorm = true;
  c.normFirst = true;
  c.qkvBias = c.outputBias = true;
  if (!keys.ok())
    return;

  if (const auto *v = keys.get("n_inner", false);
      v && v->kind != ::tfm::json::Value::Kind::Null)
    c.dFF = keys.integer("n_inner", false, 1, kMaxDim);
  else
    c.dFF = 4 * c.dModel;
  if (keys.ok() && c.dModel % c.numHeads != 0)
    keys.fail("n_head", Twine(c.numHeads) + " does not divide n_embd " +
                            Twine(c.dModel));

  // ACT2FN's names of the activations tfmc has.
  std::string act = keys.string("activation_function", false);
  if (act.empty() || act == "gelu_new" || act == "gelu_pytorch_tanh")
    c.activation = Activation::GeluTanh;
  else if (act == "gelu")
    c.activation = Activation::Gelu;
  else if (act == "relu")
    c.activation = Activation::Relu;
  else if (keys.ok())
    keys.fail("activation_function",
              "unsupported activation \"" + act +
                  "\" (tfmc supports \"gelu_new\", \"gelu_pytorch_tanh\", "
                  "\"gelu\" and \"relu\")");

  // GPT2Attention's variants tfmc does not compute.
  if (!keys.boolean("scale_attn_weights", false, true))
    keys.fail("scale_attn_weights",
              "false is not supported (tfmc scales attention scores by "
              "1/sqrt(head size))");
  if (keys.boolean("scale_attn_by_inverse_layer_idx", false, false))
    keys.fail("scale_attn_by_inverse_layer_idx", "true is not supported");
  if (keys.boolean("reorder_and_upcast_attn", false, false))
    keys.fail("reorder_and_upcast_attn", "true is not supported");
  if (keys.boolean("add_cross_attention", false, false))
    keys.fail("add_cross_attention",
              "cross-attention layers are not supported");
}

std::vector<WeightSpec> Gpt2::weights(const ModelConfig &c) const {
  std::vector<WeightSpec> specs;
  int64_t e = c.dModel, f = c.dFF, p = c.maxSeqLen;
  // A Conv1D weight: [out, in] here, [in, out] in the file.
  auto conv1d = [&](const std::string &name, int64_t out, int64_t in) {
    WeightSpec w{name, {out, in}};
    w.transposedInFile = true;
    specs.push_back(w);
  };
  specs.push_back({kTokens, {c.tgtVocabSize, e}});
  specs.push_back({kPositions, {p, e}});
  for (int64_t i = 0; i < c.numDecoderLayers; ++i) {
    std::string l = kLayers + std::to_string(i);
    NormWeights ln1 = normNames(l + ".ln_1"), ln2 = normNames(l + ".ln_2");
    AttentionWeights a = attentionNames(l + ".attn");
    FeedForwardWeights m = mlpNames(l + ".mlp");
    specs.push_back({ln1.weight, {e}});
    specs.push_back({ln1.bias, {e}});
    conv1d(a.inProj, 3 * e, e);
    specs.push_back({a.inProjBias, {3 * e}});
    conv1d(a.out, e, e);
    specs.push_back({a.outBias, {e}});
    // Buffers older transformers saved: the causal mask and its fill
    // value, which tfmc does not read.
    specs.push_back({l + ".attn.bias", {1, 1, p, p}, true, true});
    specs.push_back({l + ".attn.masked_bias", {}, true, true});
    specs.push_back({ln2.weight, {e}});
    specs.push_back({ln2.bias, {e}});
    conv1d(m.up, f, e);
    specs.push_back({m.upBias, {f}});
    conv1d(m.down, e, f);
    specs.push_back({m.downBias, {e}});
  }
  specs.push_back({normNames(kFinalNorm).weight, {e}});
  specs.push_back({normNames(kFinalNorm).bias, {e}});
  // lm_head is an nn.Linear [V, E]; a tied checkpoint may store the copy.
  specs.push_back({kLmHead,
                   {c.tgtVocabSize, e},
                   /*optional=*/c.tieEmbeddings,
                   /*ignored=*/c.tieEmbeddings});
  return specs;
}

void Gpt2::buildEntryPoints(ModuleBuilder &m) const {
  const ModelConfig &c = m.config();
  DecoderParts parts;
  parts.layerPrefix = kLayers;
  parts.numLayers = c.numDecoderLayers;
  // GPT2Model: wte(ids) + wpe(positions), positions from the row's offset.
  parts.embed = [](BlockBuilder &f, Value ids, Value offset) {
    return f.embed(ids, kTokens, kPositions, offset);
  };
  // GPT2Block: pre-LN residual blocks.
  parts.layer = [](BlockBuilder &f, Value x, const AttentionSite &self) {
    Value h = f.norm(x, normNames("layer.ln_1"));
    x = f.add(x, f.attention(h, h, attentionNames("layer.attn"), self));
    h = f.norm(x, normNames("layer.ln_2"));
    return f.add(x, f.feedForward(h, mlpNames("layer.mlp")));
  };
  parts.logits = [&c](BlockBuilder &f, Value x) {
    x = f.norm(x, normNames(kFinalNorm));
    return f.linear(x, c.tieEmbeddings ? kTokens : kLmHead, "",
                    c.tgtVocabSize);
  };
  buildDecoderEntryPoints(m, parts);
}

std::unique_ptr<ArchitectureSpec> mlir::tfm::createGpt2Architecture() {
  return std::make_unique<Gpt2>();
}
