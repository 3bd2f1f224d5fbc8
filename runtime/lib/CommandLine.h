//===- CommandLine.h - the command line of a compiled program ---*- C++ -*-===//
//
//   prog [--entry NAME] IN.npy... [-o OUT.npy | --output-dir DIR]
//        [--repeat N] [--threads N] [--help]
//
// Flags take their value as the next argument or after '='; "--" ends the
// flags.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_COMMANDLINE_H
#define TFM_RUNTIME_LIB_COMMANDLINE_H

#include "tfm/Runtime.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace tfm::runtime {

struct Options {
  bool help = false;
  std::optional<std::string> entry;
  std::vector<std::string> inputs;
  std::optional<std::string> output;    // -o
  std::optional<std::string> outputDir; // --output-dir
  /// Set by --repeat, which also turns on the timing report.
  std::optional<int32_t> repeat;
  std::optional<int32_t> threads;
};

/// Parses argv; throws Error naming the flag at fault. When -h/--help
/// appears, returns right away with `help` set and nothing else parsed.
Options parseCommandLine(int argc, char **argv);

/// The program's name for usage and errors: argv[0] without directories.
std::string programName(int argc, char **argv);

/// Prints the usage and the entry points of `module`.
void printHelp(std::FILE *out, const std::string &program,
               const tfm_module &module);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_COMMANDLINE_H
