//===- CommandLine.cpp - the command line of a compiled program -----------===//

#include "CommandLine.h"

#include "Signature.h"
#include "Threads.h"

#include "tfm/formats/Error.h"

#include <cstring>

using namespace tfm::runtime;

std::string tfm::runtime::programName(int argc, char **argv) {
  if (argc < 1 || !argv[0] || !*argv[0])
    return "tfm-program";
  const char *slash = std::strrchr(argv[0], '/');
  return slash ? slash + 1 : argv[0];
}

/// A decimal integer in [1, INT32_MAX]; nothing else, not even spaces.
static int32_t parsePositive(const std::string &flag,
                             const std::string &value) {
  int64_t result = 0;
  bool valid = !value.empty();
  for (char c : value) {
    if (c < '0' || c > '9') {
      valid = false;
      break;
    }
    result = result * 10 + (c - '0');
    if (result > INT32_MAX)
      throw Error(flag, "value " + quote(value) + " is too large");
  }
  if (!valid)
    throw Error(flag, "expected a positive integer, got " + quote(value));
  if (result < 1)
    throw Error(flag, "must be at least 1, got " + quote(value));
  return int32_t(result);
}

Options tfm::runtime::parseCommandLine(int argc, char **argv) {
  Options options;
  // --help wins over everything, even over mistakes elsewhere on the line.
  for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    if (!std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help")) {
      options.help = true;
      return options;
    }
  }

  bool onlyInputs = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (onlyInputs || arg.size() < 2 || arg[0] != '-') {
      options.inputs.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyInputs = true;
      continue;
    }

    std::string flag = arg;
    std::optional<std::string> value;
    size_t equals = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && equals != std::string::npos) {
      flag = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    std::optional<std::string> *stringTarget = nullptr;
    std::optional<int32_t> *intTarget = nullptr;
    if (flag == "--entry")
      stringTarget = &options.entry;
    else if (flag == "-o")
      stringTarget = &options.output;
    else if (flag == "--output-dir")
      stringTarget = &options.outputDir;
    else if (flag == "--repeat")
      intTarget = &options.repeat;
    else if (flag == "--threads")
      intTarget = &options.threads;
    else
      throw Error(flag, "unknown option (see --help)");

    if (!value) {
      if (i + 1 >= argc)
        throw Error(flag, "missing value");
      value = argv[++i];
    }
    if (stringTarget) {
      if (value->empty())
        throw Error(flag, "empty value");
      *stringTarget = *value;
    } else {
      *intTarget = parsePositive(flag, *value);
    }
  }
  if (options.output && options.outputDir)
    throw Error("--output-dir", "cannot be combined with -o");
  return options;
}

void tfm::runtime::printHelp(std::FILE *out, const std::string &program,
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
      "options:\n"
      "  --entry NAME      the entry point to run; required when there are\n"
      "                    several\n"
      "  -o OUT.npy        write the result (one-result entries only)\n"
      "  --output-dir DIR  write DIR/result0.npy, DIR/result1.npy, ...; DIR\n"
      "                    must exist\n"
      "  --repeat N        run N times, print min and median time on stderr\n"
      "  --threads N       threads the compiled code may use (default: the\n"
      "                    online CPUs, %d here)\n"
      "  -h, --help        print this help\n"
      "\n"
      "Errors print one line 'error: <file or flag>: <problem>' on stderr,\n"
      "write no output file and exit with status %d.\n"
      "\n"
      "entry points ('?' is a dynamic dimension):\n",
      program.c_str(), int(program.size()), "", defaultNumThreads(),
      kErrorExitCode);
  for (int32_t i = 0; i < module.num_entries; ++i)
    std::fprintf(out, "  %s\n", formatEntrySig(module.entries[i]).c_str());
}
