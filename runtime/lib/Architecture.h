//===- Architecture.h - what each kind of model runs ------------*- C++ -*-===//
//
// Encoders, decoders and encoder-decoders differ in the flags they accept,
// the vocabulary of their input, what they compute for --output or
// --logits, how they generate and what they print. Each is one
// implementation of this interface (Architecture.cpp), found by the name in
// the model's description; runModel asks it instead of comparing names.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_ARCHITECTURE_H
#define TFM_RUNTIME_LIB_ARCHITECTURE_H

#include "CommandLine.h"
#include "Generation.h"
#include "ModelRunner.h"

#include <optional>
#include <string>
#include <vector>

namespace tfm::runtime {

class Architecture {
public:
  virtual ~Architecture() = default;

  /// The model description's "architecture": "encoder", "decoder",
  /// "encoder-decoder"; also in messages.
  virtual const char *name() const = 0;
  /// The flags it accepts.
  virtual ExecutableKind kind() const = 0;
  /// The vocabulary of the ids a user passes (sources or prompts).
  virtual const Vocabulary &inputVocab(const ModelInfo &m) const = 0;
  virtual int64_t inputVocabSize(const ModelInfo &m) const = 0;
  /// The flag that writes the tensor of run() (--output, --logits), and
  /// the tensor's name in summaries.
  virtual Flag resultFlag() const = 0;
  virtual const char *resultName() const = 0;

  /// Rejects combinations of its flags that mean nothing; throws Error.
  virtual void checkFlags(const CommandLine &) const {}
  /// Whether the command line asks for generated tokens.
  virtual bool generates(const CommandLine &) const { return false; }
  /// The tensor the command line asks for, if any, from the validated ids
  /// (and target ids, for teacher forcing).
  virtual std::optional<InputTensor>
  run(Model &model, const ModelInfo &m, const IdBatch &ids,
      const std::optional<IdBatch> &target,
      const CommandLine &commandLine) const = 0;
  /// Generates from each row of `ids` (only when generates()); the
  /// generated ids of each row, each also passed to options.onToken.
  virtual std::vector<std::vector<int64_t>>
  generate(Model &model, const ModelInfo &m, const IdBatch &ids,
           const GenerationOptions &options, GenerationStats &stats) const;
  /// The vocabulary in which generated rows are printed as text, or
  /// nullptr for ids only.
  virtual const Vocabulary *outputVocab(const ModelInfo &) const {
    return nullptr;
  }
  /// --dump-attention: writes the attention maps of the final sequences
  /// (for generation, one teacher-forced pass over what was generated).
  virtual void dumpAttention(Model &model, const ModelInfo &m,
                             const std::string &path, const IdBatch &ids,
                             const std::optional<IdBatch> &target,
                             const std::vector<std::vector<int64_t>> &generated)
      const = 0;
};

/// The architecture called `name`, or nullptr.
const Architecture *findArchitecture(const std::string &name);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_ARCHITECTURE_H
