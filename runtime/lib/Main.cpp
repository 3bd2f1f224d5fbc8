//===- Main.cpp - the main function of every compiled program -------------===//
//
// Reads the inputs of one entry point of `tfm_module_desc` from .npy files,
// runs it and writes or summarizes its results. Any failure is reported as a
// single "error: <file or flag>: <problem>" line on stderr with exit
// status 2, after the output files of this run have been removed.
//
//===----------------------------------------------------------------------===//

#include "CommandLine.h"
#include "Invocation.h"
#include "ModelMain.h"
#include "OutputFiles.h"
#include "ProgramOptions.h"
#include "Signature.h"
#include "Summary.h"
#include "Threads.h"

#include "tfm/Runtime.h"
#include "tfm/RuntimeSupport.h"
#include "tfm/Version.h"
#include "tfm/formats/Error.h"
#include "tfm/formats/Npy.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

using namespace tfm::runtime;

/// Loads argument `index` of `entry` from `path`, checking the header
/// before reading the data.
static InputTensor loadInput(const tfm_entry &entry, int index,
                             const std::string &path) {
  checkArgumentDType(entry, index, path);
  NpyReader reader(path);
  checkArgument(entry, index, reader.header(), path);
  InputTensor input;
  input.dtype = reader.header().dtype;
  input.shape = reader.header().shape;
  input.data = AlignedBuffer(reader.header().dataBytes);
  reader.readData(input.data.get());
  return input;
}

/// Rejects output requests that cannot be satisfied, before running.
static void checkOutputs(const Options &options, const tfm_entry &entry) {
  if (!options.output && !options.outputDir)
    return;
  if (options.output && entry.num_results != 1)
    throw Error("-o", entrySubject(entry) + " has " +
                          std::to_string(entry.num_results) +
                          " results; -o needs exactly one, use --output-dir");
  const std::string &subject =
      options.output ? *options.output : *options.outputDir;
  for (int32_t i = 0; i < entry.num_results; ++i)
    if (!npyDescr(entry.results[i].dtype))
      throw Error(subject, "result " + std::to_string(i) + " of " +
                               quote(entry.name) + " is " +
                               dtypeName(entry.results[i].dtype) +
                               ", which has no NumPy dtype");
  if (options.output)
    checkOutputFile(*options.output);
  else
    checkOutputDirectory(*options.outputDir);
}

static void writeResults(const Options &options,
                         const std::vector<StridedView> &results) {
  OutputFiles files;
  if (options.output) {
    files.write(*options.output, results[0]);
  } else {
    std::string dir = *options.outputDir;
    if (dir.back() != '/')
      dir += '/';
    for (size_t i = 0; i < results.size(); ++i)
      files.write(dir + "result" + std::to_string(i) + ".npy", results[i]);
  }
  files.commit();
}

static int run(int argc, char **argv) {
  const std::string program = programName(argc, argv);
  const tfm_module &module = tfm_module_desc;
  checkModule(module, program);
  // Executables compiled from a model description have their own
  // command line (ids, text, generation).
  if (module.model_config)
    return runModel(argc, argv, module);
  Options options = parseProgramOptions(argc, argv);
  if (options.help) {
    printProgramHelp(stdout, program, module);
    return 0;
  }
  if (options.version) {
    std::printf("%s\n", TFM_VERSION_STRING);
    return 0;
  }
  setNumThreads(options.threads.value_or(defaultNumThreads()));

  const tfm_entry &entry = selectEntry(module, options.entry);
  checkOutputs(options, entry);
  if (options.inputs.size() != size_t(entry.num_args))
    throw Error(entrySubject(entry), "expected " +
                                         std::to_string(entry.num_args) +
                                         " input files, got " +
                                         std::to_string(options.inputs.size()) +
                                         " (" + formatEntrySig(entry) + ")");
  std::vector<InputTensor> inputs;
  for (int32_t i = 0; i < entry.num_args; ++i)
    inputs.push_back(loadInput(entry, i, options.inputs[i]));

  Invocation invocation(entry, inputs);
  std::vector<double> times;
  for (int32_t i = 0, e = options.repeat.value_or(1); i < e; ++i)
    times.push_back(invocation.run());
  std::vector<StridedView> results = invocation.results();

  if (options.output || options.outputDir) {
    writeResults(options, results);
  } else {
    for (size_t i = 0; i < results.size(); ++i)
      std::printf("%s\n",
                  summarize("result" + std::to_string(i), results[i]).c_str());
  }
  // Last, so that a failure above still prints nothing but its error line.
  if (options.repeat) {
    std::fflush(stdout); // keep the order when both go to one file
    std::fprintf(stderr, "%s\n", formatTimes(times).c_str());
  }
  return 0;
}

static std::string gProgram = "program";

extern "C" void tfm_runtime_check_failed(const char *message) {
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s: %s\n", gProgram.c_str(), message);
  std::exit(kErrorExitCode);
}

int main(int argc, char **argv) {
  gProgram = programName(argc, argv);
  // Exceeding the file size limit should be a write error that is reported
  // and cleaned up after, not a kill that leaves temporary files behind.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    int rc = run(argc, argv);
    // Printed results that did not reach stdout (a full disk) are a
    // failure, not a silent success.
    if (std::fflush(stdout) != 0 || std::ferror(stdout))
      throw Error("standard output", "cannot write: " + errnoMessage(errno));
    return rc;
  } catch (const Error &error) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", error.what());
  } catch (const std::bad_alloc &) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s: out of memory\n",
                 programName(argc, argv).c_str());
  }
  return kErrorExitCode;
}
