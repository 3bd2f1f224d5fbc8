//===- Flags.h - the flags of every compiled executable ---------*- C++ -*-===//
//
// One table (Flags.cpp) describes the flags of both kinds of executables:
// programs compiled from tfm IR and models compiled from a model
// description, the latter by architecture. Each row gives a flag's
// spelling, its value, its help text and the kinds of executables that
// accept it; CommandLine.h parses and prints help from it.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_FLAGS_H
#define TFM_RUNTIME_LIB_FLAGS_H

#include <cstdint>
#include <vector>

namespace tfm::runtime {

/// The kinds of executables, as bits of a mask.
enum ExecutableKind : unsigned {
  kProgram = 1u << 0,
  kEncoderModel = 1u << 1,
  kDecoderModel = 1u << 2,
  kEncoderDecoderModel = 1u << 3,
  kGeneratingModels = kDecoderModel | kEncoderDecoderModel,
  kAnyModel = kEncoderModel | kGeneratingModels,
  kAnyKind = kProgram | kAnyModel,
};

/// Every flag, whatever its kinds; rows of the table refer to these.
enum class Flag {
  Help,
  Version,
  // Programs.
  Entry,
  Output,
  OutputDir,
  // Models.
  Ids,
  Input,
  Text,
  HiddenStates,
  Logits,
  MaxNewTokens,
  Temperature,
  TopK,
  TopP,
  Seed,
  Stats,
  NoCache,
  TargetIds,
  TargetInput,
  TokenTypeIds,
  TokenTypeInput,
  PrintIds,
  DumpAttention,
  Weights,
  // Both.
  Threads,
  Repeat,
  NumFlags
};

enum class FlagValue {
  /// A switch: --stats.
  None,
  /// A non-empty string (a path, a name, a number parsed later).
  String,
  /// Any string, also empty: ids and words, rejected later when empty.
  Text,
  /// Programs' counts: decimal digits only, in [1, INT32_MAX].
  Count,
  /// Models' integers: strtoll, in [min, max].
  Integer,
};

struct FlagSpec {
  Flag flag;
  /// "--entry", "-o".
  const char *name;
  /// Another spelling ("-h"), or nullptr.
  const char *alias;
  FlagValue value;
  /// The value's name in help ("NAME"); empty for a switch.
  const char *valueName;
  /// Bits of ExecutableKind.
  unsigned kinds;
  /// One line per '\n'; "{field}" is replaced from the caller's fields.
  const char *help;
  /// For FlagValue::Integer.
  int64_t min = 0, max = INT64_MAX;
  /// Models of other kinds: what to use instead ("use --logits"), or
  /// nullptr.
  const char *instead = nullptr;
  /// Answered alone, before anything else is parsed (--help), and exits.
  bool answersAlone = false;
};

/// Every row, in the order of the help; a flag may have several rows for
/// several kinds (different help or values), never two for one kind.
const std::vector<FlagSpec> &flagTable();

/// How `flag` is spelled (its first row's name).
const char *flagName(Flag flag);

/// The row of `flag` for `kind`, or nullptr when `kind` does not accept it.
const FlagSpec *findFlag(Flag flag, unsigned kind);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_FLAGS_H
