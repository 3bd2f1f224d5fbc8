//===- tfmc.cpp - the tfm compiler driver -----------------------*- C++ -*-===//
//
// tfmc INPUT [--emit=tfm|linalg|loops|llvm-mlir|llvm|asm|obj|lib|exe]
//      [-o OUT] [-O0..3] [--target-cpu=NAME] [-v]
//
// INPUT is a model description (a JSON object) or tfm IR, told apart by
// content. Each --emit level stops the flow of the design at one stage and
// prints or writes it. Object code is generated in process; executables are
// linked by the system C++ driver with the runtime library found next to
// tfmc.
//
//===----------------------------------------------------------------------===//

#include "tfm/Conversion/Passes.h"
#include "tfm/IR/TfmDialect.h"
#include "tfm/Runtime.h"
#include "tfm/Transforms/Passes.h"
#include "tfm/Version.h"
#include "tfmc/Codegen.h"
#include "tfmc/Codegen/Passes.h"
#include "tfmc/EntryPoints.h"
#include "tfmc/Link.h"
#include "tfmc/ModelBuilder.h"
#include "tfmc/PackWeights.h"
#include "tfmc/Pipelines.h"
#include "tfmc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

namespace {
enum class Emit { Tfm, Linalg, Loops, LLVMMLIR, LLVMIR, Asm, Obj, Lib, Exe };
} // namespace

// Named so that --help, which sorts categories by name, lists it before
// LLVM's "Generic Options" (--help, --version).
static cl::OptionCategory tfmcCategory("Compiler options");

static cl::opt<std::string> inputFilename(
    cl::Positional,
    cl::desc("<model description (a JSON object, e.g. model.json) or tfm IR "
             "(anything else, e.g. a .mlir file)>"),
    cl::Required, cl::cat(tfmcCategory));

static cl::opt<std::string> outputFilename(
    "o",
    cl::desc("Output file (default: stdout for text, derived from the "
             "input name for obj, lib and exe)"),
    cl::value_desc("filename"), cl::cat(tfmcCategory));

static cl::opt<Emit> emitAction(
    "emit", cl::desc("The stage to stop at and print or write"),
    cl::init(Emit::Exe),
    cl::values(clEnumValN(Emit::Tfm, "tfm", "the tfm IR, verified"),
               clEnumValN(Emit::Linalg, "linalg",
                          "linalg, tensor, arith, math"),
               clEnumValN(Emit::Loops, "loops", "loops on buffers"),
               clEnumValN(Emit::LLVMMLIR, "llvm-mlir", "the MLIR LLVM dialect"),
               clEnumValN(Emit::LLVMIR, "llvm", "LLVM IR, optimized"),
               clEnumValN(Emit::Asm, "asm", "assembly for the target"),
               clEnumValN(Emit::Obj, "obj", "an object file"),
               clEnumValN(Emit::Lib, "lib", "a static library and a C header"),
               clEnumValN(Emit::Exe, "exe", "a standalone executable")),
    cl::cat(tfmcCategory));

static cl::opt<unsigned> optLevel("O",
                                  cl::desc("Optimization level (-O0 to -O3)"),
                                  cl::Prefix, cl::init(3),
                                  cl::cat(tfmcCategory));

static cl::opt<std::string> targetCpu(
    "target-cpu",
    cl::desc("Target CPU: native (default: the host, with all its features), "
             "x86-64-v3 (AVX2, FMA: portable to x86-64 CPUs since about 2015),"
             " x86-64-v4 (AVX-512) or any CPU that `llc -mcpu=help` lists"),
    cl::value_desc("cpu"), cl::init("native"), cl::cat(tfmcCategory));

static cl::opt<bool> openmp(
    "openmp",
    cl::desc("From -O2 on, run tile loops on OpenMP threads (default; the "
             "executable then needs LLVM's libomp.so.5 and takes --threads N); "
             "--openmp=false keeps everything on the calling thread"),
    cl::init(true), cl::cat(tfmcCategory));

static cl::opt<bool> externalWeights(
    "external-weights",
    cl::desc("Do not embed a model's weights: the executable records the "
             "weights file's absolute path and maps it at start"),
    cl::init(false), cl::cat(tfmcCategory));

static cl::opt<std::string>
    linker("linker", cl::desc("C++ compiler driver used to link executables"),
           cl::init(""), cl::cat(tfmcCategory));

static cl::opt<bool>
    verbose("v",
            cl::desc("Print each stage as it ends, with its time and the file "
                     "it wrote, on stderr"),
            cl::init(false), cl::cat(tfmcCategory));

namespace {
/// One stage of the compilation, timed from construction to end(): -v
/// reports it on stderr, and --mlir-timing nests its passes under its name
/// in one report (as mlir-opt does).
class Stage {
public:
  Stage(TimingScope &parent, StringRef name)
      : name(name.str()), scope(parent.nest(name)),
        start(std::chrono::steady_clock::now()) {}

  TimingScope &timing() { return scope; }

  /// Ends the stage; `output` is what it wrote, if anything.
  void end(StringRef output = "") {
    scope.stop();
    if (!verbose)
      return;
    std::chrono::duration<double> seconds =
        std::chrono::steady_clock::now() - start;
    llvm::errs() << "tfmc: " << name << ": "
                 << llvm::format("%.3f s", seconds.count());
    if (!output.empty())
      llvm::errs() << " -> " << (output == "-" ? "<stdout>" : output);
    llvm::errs() << "\n";
  }

private:
  std::string name;
  TimingScope scope;
  std::chrono::steady_clock::time_point start;
};
} // namespace

/// The input's base name without extension, for default output names.
static std::string stem() { return llvm::sys::path::stem(inputFilename).str(); }

static std::string defaultOutput(Emit emit) {
  switch (emit) {
  case Emit::Obj:
    return stem() + ".o";
  case Emit::Lib:
    return "lib" + stem() + ".a";
  case Emit::Exe:
    return stem();
  default:
    return "-";
  }
}

static int fail(const llvm::Twine &message) {
  llvm::errs() << "tfmc: error: " << message << "\n";
  return 1;
}

static std::unique_ptr<llvm::ToolOutputFile> openOutput(StringRef path) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    llvm::errs() << "tfmc: error: " << error << "\n";
  return file;
}

/// Flushes `out` and keeps it if every write succeeded (a full disk shows
/// only here); otherwise reports the error and lets `out` delete the file.
static int keepOutput(llvm::ToolOutputFile &out) {
  out.os().flush();
  if (!out.os().has_error()) {
    out.keep();
    return 0;
  }
  std::string message = out.os().error().message();
  out.os().clear_error();
  StringRef path = out.getFilename();
  return fail("cannot write " +
              (path == "-" ? std::string("to standard output")
                           : "output file '" + path.str() + "'") +
              ": " + message);
}

/// Fails early, before compiling, when `path` cannot be created because its
/// directory is missing (the linker would otherwise report it at the end,
/// in several lines of its own).
static LogicalResult checkOutputDirectory(StringRef path) {
  if (path == "-")
    return success();
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  if (llvm::sys::fs::is_directory(dir))
    return success();
  fail("cannot open output file '" + path + "': " +
       (llvm::sys::fs::exists(dir) ? "Not a directory"
                                   : "No such file or directory"));
  return failure();
}

/// Runs the pipelines up to `emit` on `module`, one stage each.
static LogicalResult lower(ModuleOp module, Emit emit,
                           const tfm::LoweringOptions &options,
                           TimingScope &timing) {
  using Builder =
      LogicalResult (*)(OpPassManager &, const tfm::LoweringOptions &);
  struct {
    const char *name;
    Emit level;
    Builder build;
  } pipelines[] = {
      {"tfm passes, to linalg", Emit::Linalg, tfm::buildTfmToLinalgPipeline},
      {"bufferization, to loops", Emit::Loops, tfm::buildLinalgToLoopsPipeline},
      {"lowering to the LLVM dialect", Emit::LLVMMLIR,
       tfm::buildLoopsToLLVMPipeline},
  };
  for (const auto &pipeline : pipelines) {
    if (emit < pipeline.level)
      break;
    Stage stage(timing, pipeline.name);
    PassManager pm(module->getContext());
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    pm.enableTiming(stage.timing());
    if (failed(pipeline.build(pm, options)) || failed(pm.run(module)))
      return failure();
    stage.end();
  }
  return success();
}

static int printModule(ModuleOp module, TimingScope &timing) {
  Stage stage(timing, "printing");
  std::string path =
      outputFilename.empty() ? std::string("-") : outputFilename.getValue();
  auto out = openOutput(path);
  if (!out)
    return 1;
  module.print(out->os());
  out->os() << "\n";
  if (int rc = keepOutput(*out))
    return rc;
  stage.end(path);
  return 0;
}

/// --help lists tfmc's own options and --help, --version; MLIR's (--mlir-*:
/// IR printing, timing, crash reproducers) and the hundreds of code
/// generator flags libLLVM registers still work, and --help-hidden lists
/// them.
static void hideOtherOptions() {
  for (auto &entry : cl::getRegisteredOptions()) {
    cl::Option *option = entry.second;
    bool ours = llvm::is_contained(option->Categories, &tfmcCategory);
    if (!ours && entry.first != "help" && entry.first != "help-hidden" &&
        entry.first != "version")
      option->setHiddenFlag(cl::Hidden);
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  // The pipelines are textual: the passes they name must be registered.
  registerAllPasses();
  tfm::registerTfmPasses();
  tfm::registerTfmConversionPasses();
  tfm::registerTfmCodegenPasses();
  tfm::registerTfmCompilerPasses();
  hideOtherOptions();
  // --help names the driver that links when --linker is not given.
  static const std::string linkerHelp =
      ("C++ compiler driver used to link executables (default: " +
       tfm::defaultLinker() + ")")
          .str();
  linker.setDescription(linkerHelp);
  cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { os << TFM_VERSION_STRING << "\n"; });
  cl::ParseCommandLineOptions(
      argc, argv,
      "tfm compiler: compiles a transformer model or tfm IR to an "
      "executable\n\n"
      "  --help-hidden also lists MLIR's options (--mlir-print-ir-after-all, "
      "--mlir-timing, ...) and LLVM's code generator options.\n");

  if (optLevel > 3)
    return fail("-O" + llvm::Twine(optLevel.getValue()) +
                ": expected -O0, -O1, -O2 or -O3");
  tfm::LoweringOptions options;
  options.optLevel = optLevel;
  options.openmp = openmp;
  // Flags are checked before anything is compiled: a wrong CPU name costs
  // one line, not a compilation.
  std::string error;
  auto tm = tfm::createTargetMachine(targetCpu, options.optLevel, error);
  if (failed(tm))
    return fail((targetCpu.getNumOccurrences() ? "--target-cpu: " : "") +
                error);
  // The target's vector registers size the codegen's register tiles.
  options.target = tfm::CpuTarget::get(**tm);

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<tfm::TfmDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module;
  std::optional<tfm::ModelConfig> model;
  tfm::ModuleInfo info;
  // A model: a Hugging Face checkpoint directory or a model description.
  // Its weights are checked, then its IR written.
  auto buildModel = [&](FailureOr<tfm::ModelConfig> config) -> int {
    if (failed(config))
      return fail(error);
    if (externalWeights && !config->weightShards.empty())
      return fail(config->weightsPath +
                  ": --external-weights reads one safetensors file; this "
                  "checkpoint has " +
                  std::to_string(config->weightShards.size()) +
                  " shards (embed them: compile without "
                  "--external-weights)");
    FailureOr<std::vector<tfm::WeightSpec>> weights =
        tfm::checkWeights(*config, error);
    if (failed(weights))
      return fail(error);
    // The runtime maps an external file as it is: every matrix must be
    // stored [out, in].
    if (externalWeights)
      for (const tfm::WeightSpec &w : *weights)
        if (w.transposedInFile)
          return fail(config->weightsPath + ": --external-weights: " +
                      w.name +
                      " is stored [in, out] (a Conv1D weight); embed the "
                      "weights (compile without --external-weights)");
    model = *config;
    module = tfm::buildModel(&context, *model, *weights);
    if (failed(verify(*module)))
      return 1;
    info.modelConfig = model->toRuntimeJson();
    if (externalWeights)
      info.weightsPath = model->weightsPath;
    return 0;
  };
  std::unique_ptr<llvm::MemoryBuffer> input;
  if (tfm::isCheckpointDirectory(inputFilename)) {
    Stage stage(timing, "checkpoint to tfm IR");
    if (int status = buildModel(tfm::loadCheckpoint(inputFilename, error)))
      return status;
    stage.end();
  } else if (llvm::sys::fs::is_directory(inputFilename)) {
    return fail(inputFilename + ": a directory without config.json (expected "
                                "a Hugging Face checkpoint directory, a "
                                "model description or tfm IR)");
  } else if (!(input = openInputFile(inputFilename, &error))) {
    return fail(error);
  } else if (tfm::isModelDescription(input->getBuffer())) {
    Stage stage(timing, "model description to tfm IR");
    if (int status = buildModel(
            tfm::loadModelConfig(inputFilename, input->getBuffer(), error)))
      return status;
    stage.end();
  } else {
    StringRef text = input->getBuffer();
    Stage stage(timing, "parsing tfm IR");
    sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    std::string parseErrors;
    {
      llvm::raw_string_ostream os(parseErrors);
      SourceMgrDiagnosticHandler buffered(sourceMgr, &context, os);
      module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    }
    // A file named *.json that holds neither a JSON object nor any IR was
    // meant as a model description: its reader says what is wrong in one
    // line (not an array, not empty), where MLIR's parser would not.
    bool namedJson = StringRef(inputFilename).ends_with(".json");
    if (namedJson && (!module || module->getBody()->empty()) &&
        failed(tfm::loadModelConfig(inputFilename, text, error)))
      return fail(error);
    if (!module) {
      llvm::errs() << parseErrors;
      return 1;
    }
    if (externalWeights)
      return fail("--external-weights applies to model descriptions "
                  "(model.json) only");
    stage.end();
  }

  Emit emit = emitAction;
  std::string outputPath =
      outputFilename.empty() ? defaultOutput(emit) : outputFilename.getValue();
  if (failed(checkOutputDirectory(outputPath)))
    return 1;
  if (emit == Emit::Tfm)
    return printModule(*module, timing);

  // Signatures are read before lowering erases the tensor types, once the
  // weights have their layouts (the first pass of the pipeline).
  {
    PassManager pm(&context);
    pm.addPass(tfm::createTfmChooseWeightLayouts());
    if (failed(pm.run(*module)))
      return 1;
  }
  FailureOr<std::vector<tfm::EntryPoint>> entries =
      tfm::collectEntryPoints(*module);
  if (failed(entries))
    return 1;

  // The names and layouts now live in the entry table; LLVM has no use for
  // them.
  for (auto func : module->getOps<func::FuncOp>())
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      for (StringRef name :
           {tfm::TfmDialect::kInputAttrName, tfm::TfmDialect::kWeightAttrName,
            tfm::TfmDialect::kWeightTransposedAttrName,
            tfm::TfmDialect::kWeightPanelsAttrName})
        func.removeArgAttr(i, name);

  if (failed(lower(*module, emit, options, timing)))
    return 1;
  if (emit <= Emit::LLVMMLIR)
    return printModule(*module, timing);

  Stage translation(timing, "translation to LLVM IR");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      tfm::translateToLLVMIR(*module, llvmContext, **tm);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  tfm::emitEntryPoints(*llvmModule, *entries, /*withTable=*/emit != Emit::Lib,
                       info);
  translation.end();
  Stage optimization(timing, "LLVM optimization at -O" +
                                 std::to_string(options.optLevel));
  if (failed(tfm::optimizeLLVMIR(*llvmModule, **tm, options.optLevel)))
    return 1;
  optimization.end();

  std::string codegenName =
      "LLVM code generation for " + (*tm)->getTargetCPU().str();
  if (emit == Emit::LLVMIR || emit == Emit::Asm || emit == Emit::Obj) {
    Stage stage(timing, emit == Emit::LLVMIR ? "printing" : codegenName);
    auto out = openOutput(outputPath);
    if (!out)
      return 1;
    if (emit == Emit::LLVMIR)
      llvmModule->print(out->os(), nullptr);
    else if (failed(tfm::emitMachineCode(*llvmModule, **tm, emit == Emit::Asm,
                                         out->os())))
      return 1;
    if (int rc = keepOutput(*out))
      return rc;
    stage.end(outputPath);
    return 0;
  }

  // lib and exe start from the object in memory; OpenMP loops need libomp.
  bool usesOpenMP = llvm::any_of(llvmModule->functions(), [](auto &f) {
    return f.isDeclaration() && f.getName().starts_with("__kmpc_");
  });
  llvm::SmallString<0> object;
  llvm::raw_svector_ostream objectStream(object);
  Stage codegen(timing, codegenName);
  if (failed(tfm::emitMachineCode(*llvmModule, **tm, /*assembly=*/false,
                                  objectStream)))
    return 1;
  codegen.end();

  if (emit == Emit::Lib) {
    Stage stage(timing, "archiving");
    // The header declares _mlir_ciface_<name>: names must be C identifiers.
    for (const tfm::EntryPoint &entry : *entries) {
      StringRef name = entry.name;
      if (name.empty() || llvm::isDigit(name.front()) ||
          !llvm::all_of(name,
                        [](char c) { return llvm::isAlnum(c) || c == '_'; }))
        return fail("entry point @\"" + name +
                    "\" is not a C identifier; --emit=lib needs one");
    }
    if (failed(
            tfm::writeStaticLibrary(object, stem() + ".o", outputPath, error)))
      return fail(outputPath + ": " + error);
    // The header sits next to the library: libNAME.a -> NAME.h.
    llvm::SmallString<256> header(outputPath);
    StringRef base = llvm::sys::path::stem(outputPath);
    base.consume_front("lib");
    llvm::sys::path::remove_filename(header);
    llvm::sys::path::append(header, base + ".h");
    auto out = openOutput(header);
    if (!out)
      return 1;
    std::string linkFlags = "-lm";
    if (usesOpenMP)
      for (const std::string &flag : tfm::openMPLinkFlags())
        linkFlags += " " + flag;
    tfm::writeCHeader(out->os(), *entries, inputFilename, base, linkFlags);
    if (int rc = keepOutput(*out)) {
      llvm::sys::fs::remove(outputPath);
      return rc;
    }
    stage.end(outputPath + " and " + header.str().str());
    return 0;
  }

  Stage linking(timing, "linking");
  FailureOr<std::string> runtime = tfm::findRuntimeLibrary(argv[0], error);
  if (failed(runtime))
    return fail(error);
  llvm::SmallString<256> objectPath;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("tfmc", "o", fd, objectPath))
    return fail("cannot create a temporary object file: " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << object;
  }
  LogicalResult linked = tfm::linkExecutable(objectPath, *runtime, outputPath,
                                             linker, usesOpenMP, error);
  llvm::sys::fs::remove(objectPath);
  if (failed(linked)) {
    // A linker that failed may have written part of the executable: errors
    // leave no output behind.
    llvm::sys::fs::remove(outputPath);
    return fail(error);
  }
  linking.end(outputPath);
  // Weights go after the linked image, where the runtime maps them from,
  // in the layout the entry points take them.
  if (model && !externalWeights) {
    Stage stage(timing, "appending the weights");
    tfm::WeightLayout layout;
    for (const tfm::EntryPoint &entry : *entries)
      for (auto [kind, name] : llvm::zip(entry.argKinds, entry.argNames))
        if (kind == TFM_ARG_WEIGHT)
          layout.plain.insert(name);
        else if (kind == TFM_ARG_WEIGHT_TRANSPOSED)
          layout.transposed.insert(name);
        else if (kind == TFM_ARG_WEIGHT_PANELS)
          layout.panels.insert(name);
    for (const tfm::WeightSpec &w : tfm::expectedWeights(*model))
      if (w.transposedInFile)
        layout.storedTransposed.insert(w.name);
    auto write = [&](llvm::raw_ostream &out, uint64_t &size,
                     std::string &error) {
      std::vector<std::string> files = model->weightShards;
      if (files.empty())
        files.push_back(model->weightsPath);
      return tfm::writePackedWeights(files, layout, out, size, error);
    };
    if (failed(tfm::appendWeights(outputPath, write, error))) {
      llvm::sys::fs::remove(outputPath);
      return fail(error);
    }
    stage.end(outputPath);
  }
  return 0;
}
