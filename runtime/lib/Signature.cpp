//===- Signature.cpp - entry points and their tensor signatures -----------===//

#include "Signature.h"

#include "tfm/formats/DType.h"
#include "tfm/formats/Error.h"
#include "tfm/formats/Npy.h"

#include <cstring>

using namespace tfm::runtime;

std::string tfm::runtime::formatTensorSig(const tfm_tensor_sig &sig) {
  std::string result = dtypeName(sig.dtype) + "[";
  for (int32_t i = 0; i < sig.rank; ++i) {
    if (i)
      result += ",";
    result += sig.dims[i] < 0 ? "?" : std::to_string(sig.dims[i]);
  }
  return result + "]";
}

static std::string formatSigList(const tfm_tensor_sig *sigs, int32_t count) {
  std::string result;
  for (int32_t i = 0; i < count; ++i)
    result += (i ? ", " : "") + formatTensorSig(sigs[i]);
  return result;
}

std::string tfm::runtime::formatEntrySig(const tfm_entry &entry) {
  std::string results = formatSigList(entry.results, entry.num_results);
  if (entry.num_results != 1)
    results = "(" + results + ")";
  return std::string(entry.name) + "(" +
         formatSigList(entry.args, entry.num_args) + ") -> " + results;
}

std::string tfm::runtime::entrySubject(const tfm_entry &entry) {
  return "entry " + quote(entry.name);
}

static std::string entryNames(const tfm_module &module) {
  std::string result;
  for (int32_t i = 0; i < module.num_entries; ++i)
    result += (i ? ", " : "") + std::string(module.entries[i].name);
  return result;
}

static bool isValidSig(const tfm_tensor_sig &sig) {
  return isKnownDType(sig.dtype) && sig.rank >= 0 &&
         (sig.rank == 0 || sig.dims);
}

void tfm::runtime::checkModule(const tfm_module &module,
                               const std::string &program) {
  if (module.abi_version != TFM_ABI_VERSION)
    throw Error(program, "the module was compiled for runtime ABI version " +
                             std::to_string(module.abi_version) +
                             ", this runtime implements version " +
                             std::to_string(TFM_ABI_VERSION));
  if (module.num_entries <= 0 || !module.entries)
    throw Error(program, "the module has no entry points");
  for (int32_t i = 0; i < module.num_entries; ++i) {
    const tfm_entry &entry = module.entries[i];
    bool valid = entry.name && entry.invoke && entry.num_args >= 0 &&
                 entry.num_results >= 0 &&
                 (entry.num_args == 0 || entry.args) &&
                 (entry.num_results == 0 || entry.results);
    for (int32_t j = 0; valid && j < entry.num_args; ++j)
      valid = isValidSig(entry.args[j]);
    for (int32_t j = 0; valid && j < entry.num_results; ++j)
      valid = isValidSig(entry.results[j]);
    if (!valid)
      throw Error(program,
                  "malformed module table: entry " + std::to_string(i));
  }
}

const tfm_entry &
tfm::runtime::selectEntry(const tfm_module &module,
                          const std::optional<std::string> &name) {
  if (!name) {
    if (module.num_entries == 1)
      return module.entries[0];
    throw Error("--entry", "required: the module has " +
                               std::to_string(module.num_entries) +
                               " entry points: " + entryNames(module));
  }
  for (int32_t i = 0; i < module.num_entries; ++i)
    if (*name == module.entries[i].name)
      return module.entries[i];
  throw Error("--entry", "unknown entry point " + quote(*name) +
                             "; valid entry points: " + entryNames(module));
}

static std::string argumentOf(const tfm_entry &entry, int index) {
  return "(argument " + std::to_string(index) + " of " + quote(entry.name) +
         ")";
}

void tfm::runtime::checkArgumentDType(const tfm_entry &entry, int index,
                                      const std::string &path) {
  const tfm_tensor_sig &sig = entry.args[index];
  if (!npyDescr(sig.dtype))
    throw Error(path, "the argument is " + dtypeName(sig.dtype) +
                          ", which has no NumPy dtype and cannot be read "
                          "from a .npy file " +
                          argumentOf(entry, index));
}

void tfm::runtime::checkArgument(const tfm_entry &entry, int index,
                                 const NpyHeader &header,
                                 const std::string &path) {
  const tfm_tensor_sig &sig = entry.args[index];
  if (header.dtype != sig.dtype)
    throw Error(path, "dtype is " + dtypeName(header.dtype) + ", expected " +
                          dtypeName(sig.dtype) + " " +
                          argumentOf(entry, index));
  if (header.shape.size() != size_t(sig.rank))
    throw Error(path, "rank is " + std::to_string(header.shape.size()) +
                          " (shape " + formatShape(header.shape) +
                          "), expected " + std::to_string(sig.rank) + " (" +
                          formatTensorSig(sig) + ") " +
                          argumentOf(entry, index));
  for (int32_t i = 0; i < sig.rank; ++i)
    if (sig.dims[i] >= 0 && header.shape[i] != sig.dims[i])
      throw Error(path, "dimension " + std::to_string(i) + " is " +
                            std::to_string(header.shape[i]) + ", expected " +
                            std::to_string(sig.dims[i]) + " " +
                            argumentOf(entry, index));
}
