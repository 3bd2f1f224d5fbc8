//===- ProgramOptions.cpp - the options of a compiled program -------------===//

#include "ProgramOptions.h"

#include "CommandLine.h"
#include "Signature.h"
#include "Threads.h"

#include "tfm/formats/Error.h"

using namespace tfm::runtime;

Options tfm::runtime::parseProgramOptions(int argc, char **argv) {
  CommandLine commandLine = parseCommandLine(argc, argv, kProgram);
  Options options;
  options.help = commandLine.has(Flag::Help);
  options.version = commandLine.has(Flag::Version);
  options.entry = commandLine.value(Flag::Entry);
  options.inputs = commandLine.positional();
  options.output = commandLine.value(Flag::Output);
  options.outputDir = commandLine.value(Flag::OutputDir);
  // Counts are within [1, INT32_MAX].
  if (auto repeat = commandLine.number(Flag::Repeat))
    options.repeat = static_cast<int32_t>(*repeat);
  if (auto threads = commandLine.number(Flag::Threads))
    options.threads = static_cast<int32_t>(*threads);
  if (options.output && options.outputDir)
    throw Error("--output-dir", "cannot be combined with -o");
  return options;
}

void tfm::runtime::printProgramHelp(std::FILE *out, const std::string &program,
                                    const tfm_module &module) {
  std::fprintf(
      out,
      "usage: %s [--entry NAME] IN.npy... [-o OUT.npy | --output-dir DIR]\n"
      "       %*s [--repeat N] [--threads N] [--help]\n"
      "\n"
      "Runs an entry point of this tfmc-compiled module on tensors read from\n"
      "NumPy .npy files, given in argument order (format 1.0 to 3.0,\n"
      "little-endian, C order; dtypes <f4 <f8 <f2 |b1 |i1 <i4 <i8, i.e. f32\n"
      "f64 f16 i1 i8 i32 i64). Without -o or --output-dir, prints the shape\n"
      "and min/max/mean of each result.\n"
      "\n"
      "options:\n",
      program.c_str(), int(program.size()), "");
  printFlagHelp(out, kProgram, 20,
                {{"threads", std::to_string(defaultNumThreads())}});
  std::fprintf(out,
               "\n"
               "Errors print one line 'error: <file or flag>: <problem>' on "
               "stderr,\n"
               "write no output file and exit with status %d.\n"
               "\n"
               "entry points ('?' is a dynamic dimension):\n",
               kErrorExitCode);
  for (int32_t i = 0; i < module.num_entries; ++i)
    std::fprintf(out, "  %s\n", formatEntrySig(module.entries[i]).c_str());
}
