//===- ModelRunner.h - calling a compiled model's entry points --*- C++ -*-===//
//
// What the command line and the generation loops share: the model's
// description, batches of token ids, and entry-point calls with the
// weights bound by name.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_MODELRUNNER_H
#define TFM_RUNTIME_LIB_MODELRUNNER_H

#include "Invocation.h"
#include "ModelWeights.h"
#include "Vocabulary.h"

#include "tfm/formats/Error.h"

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace tfm::runtime {

/// The model_config JSON that tfmc embeds. What depends on the
/// architecture is in Architecture.h.
struct ModelInfo {
  std::string architecture;
  int64_t dModel = 0, srcVocabSize = 0, tgtVocabSize = 0, maxSeqLen = 0;
  int64_t padId = 0, bosId = 0, eosId = 0;
  /// Token types the model takes (BERT's type_vocab_size); 0: none.
  int64_t typeVocabSize = 0;
  /// Every id that ends a sequence: eos_id and the eos_ids of Hugging Face
  /// checkpoints that have several.
  std::vector<int64_t> eosIds;
  bool isEos(int64_t id) const {
    for (int64_t eos : eosIds)
      if (id == eos)
        return true;
    return false;
  }
  // Embedded by tfmc from the vocabulary files; empty when there is none.
  Vocabulary srcVocab, tgtVocab;
};

/// Token ids [B, S], row-major.
struct IdBatch {
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> ids;
  /// Their token types [B, S] (BERT's segments, --token-type-ids) for
  /// models that take them; empty: all 0.
  std::vector<int64_t> tokenTypes;
  int64_t at(int64_t b, int64_t s) const { return ids[b * cols + s]; }
};

/// Ids as an int64 tensor [B, S].
InputTensor idTensor(const IdBatch &batch);
/// The batch's token types as an int64 tensor [B, S] (zeros when none
/// were given).
InputTensor tokenTypeTensor(const IdBatch &batch);

/// A contiguous float copy of a result.
InputTensor copyResult(const StridedView &view);

/// Runs the model's entry points with their weights bound.
class Model {
public:
  Model(const tfm_module &module, ModelWeights &weights)
      : module(module), weights(weights) {}

  const tfm_entry &entry(const char *name) {
    for (int32_t i = 0; i < module.num_entries; ++i)
      if (std::strcmp(module.entries[i].name, name) == 0) {
        weights.check(module.entries[i]);
        return module.entries[i];
      }
    throw Error("model",
                std::string("corrupt executable: no entry point ") + name);
  }

  /// Calls `name` with the named inputs; returns its only result, copied.
  InputTensor call(const char *name,
                   const std::map<std::string, const InputTensor *> &inputs) {
    return std::move(callAll(name, inputs).at(0));
  }

  /// Calls `name` with the named inputs; returns all its results, copied.
  std::vector<InputTensor>
  callAll(const char *name,
          const std::map<std::string, const InputTensor *> &inputs) {
    const tfm_entry &e = entry(name);
    std::vector<InputTensor> args;
    for (int32_t i = 0; i < e.num_args; ++i) {
      if (e.arg_kinds && ModelWeights::isWeight(e.arg_kinds[i])) {
        args.push_back(weights.bind(e, i));
        continue;
      }
      const InputTensor *in = inputs.at(e.arg_names[i]);
      InputTensor borrowed;
      borrowed.dtype = in->dtype;
      borrowed.shape = in->shape;
      borrowed.borrowed = in->ptr();
      args.push_back(std::move(borrowed));
    }
    Invocation invocation(e, args);
    invocation.run();
    std::vector<InputTensor> results;
    for (const StridedView &view : invocation.results())
      results.push_back(copyResult(view));
    return results;
  }

private:
  const tfm_module &module;
  ModelWeights &weights;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_MODELRUNNER_H
