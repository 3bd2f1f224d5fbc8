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
enum class Activation { Relu, Gelu, GeluTanh };

struct ModelConfig {
  /// The architecture's name in the registry (tfmc/Frontend/Architecture.h).
  std::string architecture;
  ModelKind kind = ModelKind::Encoder;
  int64_t dModel = 0, numHeads = 0, dFF = 0;
  int64_t numEncoderLayers = 0, numDecoderLayers = 0;
  // Encoder and decoder-only models have one vocabulary: srcVocabSize for an
  // encoder, tgtVocabSize for a decoder.
  int64_t srcVocabSize = 0, tgtVocabSize = 0;
  int64_t maxSeqLen = 0, padId = 0, bosId = 0, eosId = 0;
  Activation activation = Activation::Relu;
  bool learnedPositions = false, normFirst = false;
  bool embeddingScale = false, finalNorm = false, tieEmbeddings = false;
  double layerNormEps = 1e-5;
  // Absolute paths; the vocabularies are optional.
  std::string weightsPath, srcVocabPath, tgtVocabPath;
  // The keys that named the vocabularies, for errors in their files.
  std::string srcVocabKey, tgtVocabKey;
  // The vocabularies' tokens (line i = id i), embedded in executables.
  std::vector<std::string> srcTokens, tgtTokens;

  bool hasEncoder() const { return kind != ModelKind::Decoder; }
  bool hasDecoder() const { return kind != ModelKind::Encoder; }
  int64_t headSize() const { return dModel / numHeads; }
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
/// Validates `text`, the contents of `path` (relative paths in it are
/// resolved from path's folder).
FailureOr<ModelConfig> loadModelConfig(StringRef path, StringRef text,
                                       std::string &error);

/// One weight the model needs: its state_dict name and shape.
struct WeightSpec {
  std::string name;
  std::vector<int64_t> shape;
  bool optional = false; // lm_head.bias may be absent
};

/// Every weight of the model, in a fixed order (the architecture's table).
std::vector<WeightSpec> expectedWeights(const ModelConfig &config);

} // namespace mlir::tfm

#endif // TFMC_MODELCONFIG_H
