//===- ConfigReader.h - typed keys of a JSON model description --*- C++ -*-===//
//
// Reads the keys of a model description's top-level object with their
// types and ranges, remembering the first error as one line that names the
// file and the key. Keys nobody read are errors, with a did-you-mean.
//
//===----------------------------------------------------------------------===//

#ifndef TFMC_FRONTEND_CONFIGREADER_H
#define TFMC_FRONTEND_CONFIGREADER_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"

#include "tfm/formats/Json.h"

#include <cstdint>
#include <string>

namespace mlir::tfm {

/// Limits that keep every product of sizes far from int64 overflow while
/// allowing any model that fits in memory.
inline constexpr int64_t kMaxDim = 1 << 20, kMaxVocab = 1 << 24,
                         kMaxLayers = 1024;

class ConfigReader {
public:
  using JsonValue = ::tfm::json::Value;

  ConfigReader(const JsonValue &root, StringRef file)
      : root(root), file(file) {}

  bool ok() const { return error.empty(); }
  const std::string &message() const { return error; }
  StringRef fileName() const { return file; }

  /// Records an error at `key` unless one was recorded before.
  void fail(StringRef key, const Twine &what);

  /// The value of `key`, or null (an error when `required`).
  const JsonValue *get(StringRef key, bool required);
  int64_t integer(StringRef key, bool required, int64_t min, int64_t max,
                  int64_t defaultValue = 0);
  bool boolean(StringRef key, bool required, bool defaultValue = false);
  std::string string(StringRef key, bool required);
  /// A finite number in (low, high), or `defaultValue` when absent.
  double number(StringRef key, bool required, double low, double high,
                double defaultValue = 0);
  /// A path, relative to the description's folder, of a file that exists;
  /// returned absolute ("" when absent).
  std::string path(StringRef key, bool required);
  /// One of `choices` (a required key); returns its index.
  unsigned choice(StringRef key, ArrayRef<StringRef> choices);
  /// Keys that do not belong to this architecture are errors, not ignored.
  void forbid(StringRef key, StringRef architecture);
  /// Every key nobody read is an error, with the nearest known key.
  void rejectUnknownKeys();

private:
  std::string closestKnownKey(StringRef key) const;

  const JsonValue &root;
  StringRef file;
  std::string error, errorKey;
  // Keys read so far; `known` leaves out those of other architectures.
  llvm::StringSet<> seen, known;
};

} // namespace mlir::tfm

#endif // TFMC_FRONTEND_CONFIGREADER_H
