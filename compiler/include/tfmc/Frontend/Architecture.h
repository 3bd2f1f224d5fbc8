//===- Architecture.h - model architectures and their registry --*- C++ -*-===//
//
// An architecture is one file under compiler/lib/Frontend/Architectures: its
// configuration keys, its tensor-name table (the only place its weights'
// names are written) and its entry points, written from the blocks of
// Blocks.h. The registry finds it by the name a model description gives.
// The entry points that every model of a kind shares (an encoder's @encode,
// a language model's @forward, @prefill, @decode_step, ...) are built here
// from an architecture's parts, once for all architectures.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_FRONTEND_ARCHITECTURE_H
#define TFMC_FRONTEND_ARCHITECTURE_H

#include "tfmc/Frontend/Blocks.h"
#include "tfmc/Frontend/ConfigReader.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <memory>

namespace mlir::tfm {

class ModuleBuilder;

/// One architecture.
class ArchitectureSpec {
public:
  virtual ~ArchitectureSpec() = default;
  /// The name model descriptions give ("decoder", ...).
  virtual StringRef name() const = 0;
  /// What its executables do.
  virtual ModelKind kind() const = 0;
  /// Whether the name is a Hugging Face `model_type` (a checkpoint
  /// directory's config.json) rather than a model.json `architecture`.
  virtual bool isHuggingFace() const { return false; }
  /// Reads the keys that belong to this architecture alone, rejecting
  /// those of the others.
  virtual void readKeys(ConfigReader &keys, ModelConfig &c) const = 0;
  /// Every weight, in a fixed order.
  virtual std::vector<WeightSpec> weights(const ModelConfig &c) const = 0;
  /// Whether a checkpoint tensor that weights() does not list belongs to a
  /// head tfmc does not compute (BERT's pooler and masked-LM head): such
  /// tensors are accepted and never read.
  virtual bool isUnusedHeadTensor(StringRef name) const { return false; }
  /// Adds the entry points to the module.
  virtual void buildEntryPoints(ModuleBuilder &m) const = 0;
};

/// The architecture called `name` (of Hugging Face's model types when
/// `huggingFace`), or null.
const ArchitectureSpec *lookupArchitecture(StringRef name,
                                           bool huggingFace = false);
/// The names of the registered architectures of model.json (or of Hugging
/// Face's model types), in registration order.
SmallVector<StringRef> architectureNames(bool huggingFace = false);

/// The module under construction and what every entry point needs.
class ModuleBuilder {
public:
  ModuleBuilder(MLIRContext *context, const ModelConfig &config,
                ArrayRef<WeightSpec> weights);

  OwningOpRef<ModuleOp> takeModule() { return std::move(module); }
  const ModelConfig &config() const { return c; }
  ArrayRef<WeightSpec> allWeights() const { return weights; }

  /// The weights whose names start with one of `prefixes`.
  std::vector<WeightSpec> select(ArrayRef<StringRef> prefixes) const;

  // Types of inputs and results.
  Type idsType();
  Type maskType();
  Type positionsType();
  Type hiddenType();
  Type logitsType();
  /// See BlockBuilder.
  Type mapType();
  Type cacheType();
  Type headsType();

  /// A layer function: private, identical for every layer of a stack, its
  /// parameters the weights of layer 0 under `prefix` ("layers.") renamed
  /// "layer" + suffix. Called once per layer with that layer's weights
  /// (LLVM then compiles each kind of layer once, not num_layers times).
  struct Layer {
    func::FuncOp func;
    std::vector<std::string> suffixes;
  };
  Layer layerFunction(StringRef name, StringRef prefix,
                      ArrayRef<std::pair<StringRef, Type>> inputs,
                      TypeRange results,
                      function_ref<SmallVector<Value>(BlockBuilder &)> body);

  /// Begins a public entry point; its body goes through the returned
  /// builder.
  BlockBuilder &beginEntry(StringRef name,
                           ArrayRef<std::pair<StringRef, Type>> inputs,
                           ArrayRef<WeightSpec> entryWeights,
                           TypeRange results);

  /// Calls `layer` once per layer `prefix` + i of `count`, each call's
  /// first input the previous call's first result; `extraInputs(i)` gives
  /// the other inputs and `onResults` sees each call's other results.
  Value runLayers(const Layer &layer, StringRef prefix, int64_t count, Value x,
                  function_ref<SmallVector<Value>(int64_t)> extra,
                  function_ref<void(ValueRange)> onResults = nullptr);

private:
  OpBuilder b;
  const ModelConfig &c;
  ArrayRef<WeightSpec> weights;
  OwningOpRef<ModuleOp> module;
  BlockBuilder entry;
};

/// The layer body of an encoder stack or a decoder-only language model,
/// written once by an architecture: `x` through one layer whose weights are
/// named "layer" + suffix, with its self-attention run as `self` says.
using SelfAttentionLayerBody =
    std::function<Value(BlockBuilder &, Value x, const AttentionSite &self)>;

/// The parts of an encoder stack (the encoder model, or an encoder-decoder's
/// encoder).
struct EncoderParts {
  /// The entry point names: @<entry> and @<entry>_attention.
  std::string entry = "encode";
  /// The layer functions: @<layerName> and @<layerName>_maps.
  std::string layerName = "encoder_layer";
  /// The ids input's name.
  std::string idsName = "ids";
  /// Further inputs shaped like the ids (BERT's token_type_ids), which
  /// `embed` reads with BlockBuilder::input.
  std::vector<std::string> extraIdInputs;
  /// Prefix of layer i's weights: layerPrefix + i.
  std::string layerPrefix;
  int64_t numLayers = 0;
  /// The weights the entry points take (every weight when empty).
  std::vector<WeightSpec> weights;
  std::function<Value(BlockBuilder &, Value ids)> embed;
  SelfAttentionLayerBody layer;
  /// After the last layer (a final norm, or nothing).
  std::function<Value(BlockBuilder &, Value x)> finish;
};

/// Adds @<entry>(ids, weights...) -> hidden states [B, S, D] and
/// @<entry>_attention -> each layer's attention weights. Returns the layer
/// function, for architectures that run the stack elsewhere too.
ModuleBuilder::Layer buildEncoderEntryPoints(ModuleBuilder &m,
                                             const EncoderParts &parts);

/// The parts of a decoder-only language model.
struct DecoderParts {
  std::string layerPrefix;
  int64_t numLayers = 0;
  /// Token and position embeddings; positions start at `offset[b]` in row
  /// b when it is given (decode steps).
  std::function<Value(BlockBuilder &, Value ids, Value offset)> embed;
  SelfAttentionLayerBody layer;
  /// Hidden states after the last layer to logits [B, S, V].
  std::function<Value(BlockBuilder &, Value x)> logits;
};

/// Adds @forward(ids, weights...) -> logits, @prefill, @decode_step (see
/// tfmc/ModelBuilder.h) and @forward_attention.
void buildDecoderEntryPoints(ModuleBuilder &m, const DecoderParts &parts);

/// The names of the cache inputs of a decode step with `layers` layers:
/// `<prefix>keys.i`, `<prefix>values.i`, ...
std::vector<std::string> cacheInputNames(StringRef prefix, int64_t layers);

} // namespace mlir::tfm

#endif // TFMC_FRONTEND_ARCHITECTURE_H
