//===- ProgramOptions.h - the options of a compiled program -----*- C++ -*-===//
//
//   prog [--entry NAME] IN.npy... [-o OUT.npy | --output-dir DIR]
//        [--repeat N] [--threads N] [--help]
//
// The command line of programs compiled from tfm IR, read with the parser
// of CommandLine.h.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_PROGRAMOPTIONS_H
#define TFM_RUNTIME_LIB_PROGRAMOPTIONS_H

#include "tfm/Runtime.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace tfm::runtime {

struct Options {
  bool help = false;
  bool version = false;
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
Options parseProgramOptions(int argc, char **argv);

/// Prints the usage and the entry points of `module`.
void printProgramHelp(std::FILE *out, const std::string &program,
                      const tfm_module &module);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_PROGRAMOPTIONS_H
