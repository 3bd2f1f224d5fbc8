//===- CommandLine.h - one parser for every compiled executable -*- C++ -*-===//
//
// Parses argv against the flag table of Flags.h, for programs compiled from
// tfm IR and for models alike. Flags take their value as the next argument
// or after '=' (--flag=value); "--" ends the flags. A flag that answers
// alone (--help) wins over everything before "--", mistakes included. Every
// mistake is an Error "error: <flag>: <problem>" (exit status 2).
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_COMMANDLINE_H
#define TFM_RUNTIME_LIB_COMMANDLINE_H

#include "Flags.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tfm::runtime {

/// The flags given (the last value of a repeated flag wins) and the
/// positional arguments.
class CommandLine {
public:
  bool has(Flag flag) const { return given[index(flag)]; }
  /// The value of a flag that takes one, if given.
  const std::optional<std::string> &value(Flag flag) const {
    return values[index(flag)];
  }
  /// The value of a Count or Integer flag, if given.
  std::optional<int64_t> number(Flag flag) const {
    return numbers[index(flag)];
  }
  const std::vector<std::string> &positional() const { return args; }

private:
  friend CommandLine parseCommandLine(int argc, char **argv, unsigned kinds);
  static size_t index(Flag flag) { return static_cast<size_t>(flag); }
  static constexpr size_t kNumFlags = static_cast<size_t>(Flag::NumFlags);

  std::array<bool, kNumFlags> given{};
  std::array<std::optional<std::string>, kNumFlags> values;
  std::array<std::optional<int64_t>, kNumFlags> numbers;
  std::vector<std::string> args;
};

/// Parses argv, accepting the flags of `kinds` (bits of ExecutableKind).
/// Positional arguments are inputs of programs and mistakes for models.
/// Throws Error naming the flag or argument at fault.
CommandLine parseCommandLine(int argc, char **argv, unsigned kinds);

/// Models parse the flags of every architecture, so that a flag of another
/// one is named as such: throws "error: --logits: not used by encoder
/// models (use --output)" for the first flag given, in table order, that
/// `kind` does not accept.
void rejectFlagsOfOtherKinds(const CommandLine &commandLine, unsigned kind,
                             const std::string &kindName);

/// Prints a help line for each flag `kind` accepts, in table order and
/// except `hidden`: the flag at two spaces, its help at `column`, with
/// "{field}" replaced from `fields`.
void printFlagHelp(std::FILE *out, unsigned kind, size_t column,
                   const std::map<std::string, std::string> &fields,
                   const std::vector<Flag> &hidden = {});

/// The program's name for usage and errors: argv[0] without directories.
std::string programName(int argc, char **argv);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_COMMANDLINE_H
