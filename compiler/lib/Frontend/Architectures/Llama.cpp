//===- Llama.cpp - Hugging Face llama, qwen2 and mistral ------------------===//
//
// transformers' LlamaForCausalLM and the models that share its layer:
// RMSNorm before attention and before the feed-forward, rotary positions
// (rope_theta, partial_rotary_factor, rope_scaling linear or llama3),
// grouped-query attention, a SwiGLU feed-forward, a final RMSNorm and
// lm_head (or the tied token embedding). qwen2 adds q/k/v biases; mistral
// differs in its sliding window, which tfmc honours by never going past it.
//
//===----------------------------------------------------------------------===//

#include "Registry.h"

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// The state_dict names of LlamaForCausalLM (also Qwen2ForCausalLM and
/// MistralForCausalLM): the only place they are written.
AttentionWeights attentionNames(const std::string &p, bool qkvBias,
                                bool outputBias) {
  AttentionWeights w;
  w.query = p + ".q_proj.weight";
  w.key = p + ".k_proj.weight";
  w.value = p + ".v_proj.weight";
  w.out = p + ".o_proj.weight";
  if (qkvBias) {
    w.queryBias = p + ".q_proj.bias";
    w.keyBias = p + ".k_proj.bias";
    w.valueBias = p + ".v_proj.bias";
  }
  if (outputBias)
    w.outBias = p + ".o_proj.bias";
  return w;
}

FeedForwardWeights mlpNames(const std::string &p) {
  FeedForwardWeights w;
  w.gate = p + ".gate_proj.weight";
  w.up = p + ".up_proj.weight";
  w.down = p + ".down_proj.weight";
  return w;
}

NormWeights normNames(const std::string &p) { return {p + ".weight", ""}; }

const char *kEmbedding = "model.embed_tokens.weight";
const char *kLayers = "model.layers.";
const char *kFinalNorm = "model.norm";
const char *kLmHead = "lm_head.weight";

class Llama : public ArchitectureSpec {
public:
  /// `name`: the model_type; `qkvBias`: qwen2's projections.
  Llama(StringRef name, bool qkvBias) : type(name), qwen2Biases(qkvBias) {}

  StringRef name() const override { return type; }
  ModelKind kind() const override { return ModelKind::Decoder; }
  bool isHuggingFace() const override { return true; }

  void readKeys(ConfigReader &keys, ModelConfig &c) const override;
  std::vector<WeightSpec> weights(const ModelConfig &c) const override;
  void buildEntryPoints(ModuleBuilder &m) const override;

private:
  std::string type;
  bool qwen2Biases;
};
} // namespace

void Llama::readKeys(ConfigReader &keys, ModelConfig &c) const {
  c.tgtVocabSize = keys.integer("vocab_size", true, 1, kMaxVocab);
  c.dModel = keys.integer("hidden_size", true, 1, kMaxDim);
  c.dFF = keys.integer("intermediate_size", true, 1, kMaxDim);
  c.numDecoderLayers = keys.integer("num_hidden_layers", true, 1, kMaxLayers);
  c.numHeads = keys.integer("num_attention_heads", true, 1, kMaxDim);
  c.numKVHeads =
      keys.integer("num_key_value_heads", false, 1, kMaxDim, c.numHeads);
  c.maxSeqLen = keys.integer("max_position_embeddings", true, 1, 1 << 24);
  c.layerNormEps = keys.number("rms_norm_eps", false, 0, 1, 1e-6);
  c.tieEmbeddings = keys.boolean("tie_word_embeddings", false, false);
  c.norm = NormKind::RMS;
  c.gatedFeedForward = true;
  c.activation = Activation::Silu;
  c.learnedPositions = false;
  c.embeddingScale = false;
  c.finalNorm = true;
  c.normFirst = true;
  if (!keys.ok())
    return;

  // head_dim may be given (it need not be hidden_size / heads).
  if (const auto *v = keys.get("head_dim", false);
      v && v->kind != ::tfm::json::Value::Kind::Null)
    c.headDim = keys.integer("head_dim", false, 1, kMaxDim);
  else if (c.dModel % c.numHeads != 0)
    keys.fail("num_attention_heads",
              Twine(c.numHeads) + " does not divide hidden_size " +
                  Twine(c.dModel) + " and there is no head_dim");
  else
    c.headDim = c.dModel / c.numHeads;
  if (keys.ok() && c.numHeads % c.numKVHeads != 0)
    keys.fail("num_key_value_heads",
              Twine(c.numKVHeads) + " does not divide num_attention_heads " +
                  Twine(c.numHeads));

  std::string act = keys.string("hidden_act", false);
  if (keys.ok() && !act.empty() && act != "silu")
    keys.fail("hidden_act",
              "unsupported activation \"" + act + "\" (expected \"silu\")");
  if (qwen2Biases) {
    c.qkvBias = true;
    c.outputBias = false;
  } else {
    bool bias = keys.boolean("attention_bias", false, false);
    c.qkvBias = c.outputBias = bias;
  }
  if (keys.boolean("mlp_bias", false, false))
    keys.fail("mlp_bias", "feed-forward biases are not supported");
  if (keys.integer("pretraining_tp", false, 1, kMaxDim, 1) != 1)
    keys.fail("pretraining_tp", "only 1 is supported");
  for (StringRef key : {"num_local_experts", "num_experts"})
    if (const auto *v = keys.get(key, false);
        v && v->kind == ::tfm::json::Value::Kind::Number && v->integer > 0)
      keys.fail(key, "mixture-of-experts models are not supported");

  // Rotary positions.
  RotaryConfig &rope = c.rope;
  rope.enabled = true;
  rope.theta = keys.number("rope_theta", false, 0, 1e12, 10000.0);
  double partial =
      keys.number("partial_rotary_factor", false, 0, 1.0000001, 1.0);
  rope.dim = static_cast<int64_t>(c.headSize() * partial);
  if (keys.ok() && (rope.dim < 2 || rope.dim % 2 != 0))
    keys.fail("partial_rotary_factor",
              "gives " + Twine(rope.dim) +
                  " rotary features per head; expected an even number >= 2");
  if (const auto *scaling = keys.get("rope_scaling", false);
      scaling && scaling->kind != ::tfm::json::Value::Kind::Null) {
    if (scaling->kind != ::tfm::json::Value::Kind::Object) {
      keys.fail("rope_scaling", "expected an object or null");
    } else {
      ConfigReader sub(*scaling, keys.fileName());
      std::string kind = sub.string("rope_type", false);
      if (kind.empty())
        kind = sub.string("type", false);
      auto failScaling = [&](const Twine &what) {
        keys.fail("rope_scaling", what);
      };
      if (kind == "linear") {
        rope.scaling = kind;
        rope.factor = sub.number("factor", true, 0, 1e6);
      } else if (kind == "llama3") {
        rope.scaling = kind;
        rope.factor = sub.number("factor", true, 0, 1e6);
        rope.lowFreqFactor = sub.number("low_freq_factor", true, 0, 1e6);
        rope.highFreqFactor = sub.number("high_freq_factor", true, 0, 1e6);
        rope.originalMaxPositions =
            sub.integer("original_max_position_embeddings", true, 1, 1 << 24);
        if (sub.ok() && rope.highFreqFactor <= rope.lowFreqFactor)
          failScaling("high_freq_factor must exceed low_freq_factor");
      } else if (kind != "default") {
        failScaling("unsupported rope type \"" + kind +
                    "\" (tfmc supports \"default\", \"linear\" and "
                    "\"llama3\")");
      }
      if (!sub.ok() && keys.ok())
        failScaling(sub.message().substr(keys.fileName().size() + 2));
      if (keys.ok() && rope.factor < 1)
        failScaling("factor must be at least 1");
    }
  }

  // Sliding windows: attention over at most `sliding_window` positions.
  // tfmc keeps every position, so it never lets a sequence grow past the
  // window, where both agree.
  // Qwen2 uses its window only when use_sliding_window says so.
  bool sliding = type == "mistral";
  if (const auto *use = keys.get("use_sliding_window", false);
      use && use->kind == ::tfm::json::Value::Kind::Bool)
    sliding = use->boolean;
  if (const auto *window = keys.get("sliding_window", false);
      sliding && window && window->kind != ::tfm::json::Value::Kind::Null) {
    int64_t size = keys.integer("sliding_window", false, 1, 1 << 24);
    if (keys.ok() && size < c.maxSeqLen)
      c.maxSeqLen = size;
  }
}

std::vector<WeightSpec> Llama::weights(const ModelConfig &c) const {
  std::vector<WeightSpec> specs;
  int64_t e = c.dModel, d = c.headSize();
  int64_t q = c.numHeads * d, kv = c.kvHeads() * d;
  specs.push_back({kEmbedding, {c.tgtVocabSize, e}});
  for (int64_t i = 0; i < c.numDecoderLayers; ++i) {
    std::string p = kLayers + std::to_string(i);
    AttentionWeights a =
        attentionNames(p + ".self_attn", c.qkvBias, c.outputBias);
    specs.push_back({normNames(p + ".input_layernorm").weight, {e}});
    specs.push_back({a.query, {q, e}});
    if (c.qkvBias)
      specs.push_back({a.queryBias, {q}});
    specs.push_back({a.key, {kv, e}});
    if (c.qkvBias)
      specs.push_back({a.keyBias, {kv}});
    specs.push_back({a.value, {kv, e}});
    if (c.qkvBias)
      specs.push_back({a.valueBias, {kv}});
    specs.push_back({a.out, {e, q}});
    if (c.outputBias)
      specs.push_back({a.outBias, {e}});
    // Older checkpoints store the rotary inverse frequencies; tfmc
    // computes them from the config.
    specs.push_back({p + ".self_attn.rotary_emb.inv_freq",
                     {c.rope.dim / 2},
                     /*optional=*/true,
                     /*ignored=*/true});
    specs.push_back({normNames(p + ".post_attention_layernorm").weight, {e}});
    FeedForwardWeights f = mlpNames(p + ".mlp");
    specs.push_back({f.gate, {c.dFF, e}});
    specs.push_back({f.up, {c.dFF, e}});
    specs.push_back({f.down, {e, c.dFF}});
  }
  specs.push_back({normNames(kFinalNorm).weight, {e}});
  // A tied checkpoint may still store lm_head.weight (a copy of the
  // embedding); it is not read.
  specs.push_back({kLmHead,
                   {c.tgtVocabSize, e},
                   /*optional=*/c.tieEmbeddings,
                   /*ignored=*/c.tieEmbeddings});
  return specs;
}

void Llama::buildEntryPoints(ModuleBuilder &m) const {
  const ModelConfig &c = m.config();
  DecoderParts parts;
  parts.layerPrefix = kLayers;
  parts.numLayers = c.numDecoderLayers;
  parts.embed = [](BlockBuilder &f, Value ids, Value) {
    return f.tokenEmbedding(ids, kEmbedding);
  };
  // LlamaDecoderLayer: pre-norm residual blocks.
  parts.layer = [&c](BlockBuilder &f, Value x, const AttentionSite &self) {
    AttentionWeights attention =
        attentionNames("layer.self_attn", c.qkvBias, c.outputBias);
    Value h = f.norm(x, normNames("layer.input_layernorm"));
    x = f.add(x, f.attention(h, h, attention, self));
    h = f.norm(x, normNames("layer.post_attention_layernorm"));
    return f.add(x, f.feedForward(h, mlpNames("layer.mlp")));
  };
  parts.logits = [&c](BlockBuilder &f, Value x) {
    x = f.norm(x, normNames(kFinalNorm));
    return f.linear(x, c.tieEmbeddings ? kEmbedding : kLmHead, "",
                    c.tgtVocabSize);
  };
  buildDecoderEntryPoints(m, parts);
}

std::unique_ptr<ArchitectureSpec> mlir::tfm::createLlamaArchitecture() {
  return std::make_unique<Llama>("llama", /*qkvBias=*/false);
}

std::unique_ptr<ArchitectureSpec> mlir::tfm::createQwen2Architecture() {
  return std::make_unique<Llama>("qwen2", /*qkvBias=*/true);
}

std::unique_ptr<ArchitectureSpec> mlir::tfm::createMistralArchitecture() {
  return std::make_unique<Llama>("mistral", /*qkvBias=*/false);
}
