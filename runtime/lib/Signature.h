//===- Signature.h - entry points and their tensor signatures ---*- C++ -*-===//
//
// Looks up entry points in the module table and checks inputs against their
// signatures, with messages that name the offending file.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_SIGNATURE_H
#define TFM_RUNTIME_LIB_SIGNATURE_H

#include "tfm/Runtime.h"

#include <optional>
#include <string>

namespace tfm::runtime {

struct NpyHeader;

/// "f32[2,?,16]"; a scalar is "f32[]".
std::string formatTensorSig(const tfm_tensor_sig &sig);

/// "forward(f32[2,?,16], i1[2,?]) -> f32[2,?,16]"; several results are
/// parenthesized, none is "()".
std::string formatEntrySig(const tfm_entry &entry);

/// "entry 'forward'", the subject of errors about an entry as a whole.
std::string entrySubject(const tfm_entry &entry);

/// Rejects a table this runtime cannot use (ABI version, malformed
/// signatures); `program` is the subject of the error.
void checkModule(const tfm_module &module, const std::string &program);

/// The entry named `name`, or the only entry when no name is given.
const tfm_entry &selectEntry(const tfm_module &module,
                             const std::optional<std::string> &name);

/// Rejects argument `index` of `entry` before its file is opened when no
/// .npy file can hold it (bf16).
void checkArgumentDType(const tfm_entry &entry, int index,
                        const std::string &path);

/// Checks the dtype, rank and static dimensions of the file at `path`
/// against argument `index` of `entry`.
void checkArgument(const tfm_entry &entry, int index, const NpyHeader &header,
                   const std::string &path);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_SIGNATURE_H
