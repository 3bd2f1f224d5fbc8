//===- ModelConfig.h - model.json, validated --------------------*- C++ -*-===//
//
// The model description of docs/model-format.md. Every error names the file
// and the key path (`model.json: num_heads: 5 does not divide d_model 96`).
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_MODELCONFIG_H
#define TFMC_MODELCONFIG_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::tfm {

/// What a model's executable does: encode (hidden states), model a language
/// (logits, generation) or translate (an encoder and a decoder).
enum class ModelKind { Encoder, Decoder, EncoderDecoder };

/// The feed-forward activation.
enum class Activation { Relu, Gelu, GeluTanh, Silu };

/// Layer normalization (with a bias or without) or RMSNorm.
enum class NormKind { Layer, RMS };

/// Rotary position embeddings (Hugging Face's rope parameters).
struct RotaryConfig {
  bool enabled = false;
  double theta = 10000.0;
  /// Features of each head that rotate (partial rotary: fewer than D).
  int64_t dim = 0;
  bool interleaved = false;
  /// rope_scaling: "" (none), "linear" or "llama3".
  std::string scaling;
  double factor = 1.0, lowFreqFactor = 1.0, highFreqFactor = 4.0;
  int64_t originalMaxPositions = 0;
};

struct ModelConfig {
  /// The architecture's name in the registry (tfmc/Frontend/Architecture.h).
  std::string architecture;
  /// A Hugging Face checkpoint directory (architecture is its model_type).
  bool huggingFace = false;
  ModelKind kind = ModelKind::Encoder;
  int64_t dModel = 0, numHeads = 0, dFF = 0;
  int64_t numEncoderLayers = 0, numDecoderLayers = 0;
  // Encoder and decoder-only models have one vocabulary: srcVocabSize for an
  // encoder, tgtVocabSize for a decoder.
  int64_t srcVocabSize = 0, tgtVocabSize = 0;
  int64_t maxSeqLen = 0, padId = 0, bosId = 0, eosId = 0;
  /// Token types (BERT's segments); 0: the model takes none.
  int64_t typeVocabSize = 0;
  /// What a checkpoint's tensor names start with when its architecture
  /// accepts several layouts (BERT's "bert." in BertFor* checkpoints).
  std::string weightPrefix;
  /// Further end-of-sequence ids (Hugging Face's eos_token_id lists).
  std::vector<int64_t> extraEosIds;
  /// Key/value heads (grouped-query attention; 0: numHeads) and the head
  /// size (0: dModel / numHeads).
  int64_t numKVHeads = 0, headDim = 0;
  NormKind norm = NormKind::Layer;
  /// Gated feed-forward down(act(gate(x)) * up(x)) (SwiGLU with Silu).
  bool gatedFeedForward = false;
  /// Biases of the query/key/value and output projections.
  bool qkvBias = true, outputBias = true;
  RotaryConfig rope;
  Activation activation = Activation::Relu;
  bool learnedPositions = false, normFirst = false;
  bool embeddingScale = false, finalNorm = false, tieEmbeddings = false;
  double layerNormEps = 1e-5;
  // Absolute paths; the vocabularies are optional.
  std::string weightsPath, srcVocabPath, tgtVocabPath;
  /// The shards of a sharded checkpoint (weightsPath is the first).
  std::vector<std::string> weightShards;
  // The keys that named the vocabularies, for errors in their files.
  std::string srcVocabKey, tgtVocabKey;
  // The vocabularies' tokens (line i = id i), embedded in executables.
  std::vector<std::string> srcTokens, tgtTokens;

  bool hasEncoder() const { return kind != ModelKind::Decoder; }
  bool hasDecoder() const { return kind != ModelKind::Encoder; }
  int64_t headSize() const { return headDim ? headDim : dModel / numHeads; }
  int64_t kvHeads() const { return numKVHeads ? numKVHeads : numHeads; }
  StringRef architectureName() const { return architecture; }
  /// "encoder", "decoder" or "encoder-decoder": what the runtime runs.
  StringRef kindName() const;
  /// The description as the runtime reads it (one JSON object).
  std::string toRuntimeJson() const;
};

/// Whether `text` is a model description rather than tfm IR: a JSON object,
/// whose first non-space byte is '{' (and not MLIR's `{-#` resource block).
/// The file's name plays no part.
bool isModelDescription(StringRef text);

/// Reads and validates `path`. On failure returns failure and sets `error`
/// to one line naming the file and the key.
FailureOr<ModelConfig> loadModelConfig(StringRef path, std::string &error);
/// Whether `path` is a Hugging Face checkpoint directory (holding a
/// config.json).
bool isCheckpointDirectory(StringRef path);

/// Reads and validates a Hugging Face checkpoint directory: config.json,
/// generation_config.json when present, and where the weights are
/// (model.safetensors, or the shards model.safetensors.index.json lists).
FailureOr<ModelConfig> loadCheckpoint(StringRef dir, std::string &error);

/// Validates `text`, the contents of `path` (relative paths in it are
/// resolved from path's folder).
FailureOr<ModelConfig> loadModelConfig(StringRef path, StringRef text,
                                       std::string &error);

/// One weight the model needs: its state_dict name and shape.
struct WeightSpec {
  std::string name;
  std::vector<int64_t> shape;
  bool optional = false; // lm_head.bias may be absent
  /// Accepted in a checkpoint but not used (a tied lm_head.weight, rotary
  /// inverse frequencies that tfmc computes itself).
  bool ignored = false;
  /// A matrix `shape` [out, in] that the file stores as [in, out] (GPT-2's
  /// Conv1D weights); tfmc reorders it when it packs the weights.
  bool transposedInFile = false;
};

/// Every weight of the model, in a fixed order (the architecture's table).
std::vector<WeightSpec> expectedWeights(const ModelConfig &config);

} // namespace mlir::tfm

#endif // TFMC_MODELCONFIG_H
