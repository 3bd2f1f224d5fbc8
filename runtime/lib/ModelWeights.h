//===- ModelWeights.h - a model's weights, mapped ---------------*- C++ -*-===//
//
// The safetensors file is mapped, from the end of the executable (embedded
// weights) or from a file (--external-weights, --weights), and checked
// against what the compiled entry points take. F32 tensors are used in
// place; F16 and BF16 ones are converted once at load. A matrix the entry
// points take transposed (TFM_ARG_WEIGHT_TRANSPOSED) or in panels
// (TFM_ARG_WEIGHT_PANELS) is used in place too when the file holds it so,
// as "<name>^T" or "<name>^P" (tfmc writes embedded weights so); otherwise
// it is packed once, on first use.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_MODELWEIGHTS_H
#define TFM_RUNTIME_LIB_MODELWEIGHTS_H

#include "Invocation.h"

#include "tfm/Runtime.h"

#include <map>
#include <set>
#include <memory>
#include <string>

namespace tfm::runtime {

class ModelWeights {
public:
  /// Maps `path`, or the executable's own embedded weights when empty.
  explicit ModelWeights(const std::string &path);
  ~ModelWeights();
  ModelWeights(const ModelWeights &) = delete;
  ModelWeights &operator=(const ModelWeights &) = delete;

  /// Checks every weight argument of `entry` (names, dtypes, shapes)
  /// against the file, the first time it is given `entry`; throws Error
  /// naming the file and the tensor.
  void check(const tfm_entry &entry);

  /// Whether an argument of kind `kind` is bound to a weight.
  static bool isWeight(int32_t kind);

  /// The tensor bound to weight argument `index` of `entry` (after check).
  InputTensor bind(const tfm_entry &entry, int index);

private:
  std::string source; // the file named in errors
  /// The pages of the file that hold the safetensors data; unmapped on
  /// destruction, also when the constructor throws after mapping.
  struct Mapping {
    void *address = nullptr;
    size_t bytes = 0;
    Mapping() = default;
    Mapping(const Mapping &) = delete;
    Mapping &operator=(const Mapping &) = delete;
    ~Mapping();
  } mapping;
  const uint8_t *base = nullptr;
  uint64_t offset = 0, size = 0; // of the safetensors data in the mapping
  struct Tensor;
  std::map<std::string, std::unique_ptr<Tensor>> tensors;

  /// The tensor as aligned F32 (converted once if it is not).
  const float *floats(Tensor &t);

  /// The tensor weight argument `index` of `entry` is bound to, and the
  /// layout it must be put in: TFM_ARG_WEIGHT when the file holds it as
  /// the entry takes it (a "<name>^T" or "<name>^P" copy).
  struct Binding {
    std::string name;
    int32_t kind;
  };
  Binding resolve(const tfm_entry &entry, int index) const;

  std::set<const tfm_entry *> checked; // entries check() has passed
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_MODELWEIGHTS_H
