//===- tfmc.cpp - the tfm compiler driver -----------------------*- C++ -*-===//
//
// tfmc INPUT.mlir [--emit=tfm|linalg|loops|llvm-mlir|llvm|asm|obj|lib|exe]
//      [-o OUT] [-O0..3] [--target-cpu=NAME]
//
// Each --emit level stops the flow of DESIGN.md at one stage and prints or
// writes it. Object code is generated in process; executables are linked by
// the system C++ driver with the runtime library found next to tfmc.
//
//===----------------------------------------------------------------------===//

#include "tfm/IR/TfmDialect.h"
#include "tfm/Runtime.h"
#include "tfm/Transforms/Passes.h"
#include "tfmc/Codegen.h"
#include "tfmc/EntryPoints.h"
#include "tfmc/Link.h"
#include "tfmc/ModelBuilder.h"
#include "tfmc/PackWeights.h"
#include "tfmc/Pipelines.h"

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
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
enum class Emit { Tfm, Linalg, Loops, LLVMMLIR, LLVMIR, Asm, Obj, Lib, Exe };
} // namespace

static cl::OptionCategory tfmcCategory("tfmc options");

static cl::opt<std::string>
    inputFilename(cl::Positional, cl::desc("<model.json or .mlir file>"),
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

static cl::opt<std::string>
    targetCpu("target-cpu",
              cl::desc("Target CPU (default: the host, with its features)"),
              cl::init("native"), cl::cat(tfmcCategory));

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

/// Runs the pipeline stages up to `emit` on `module`.
static LogicalResult lower(ModuleOp module, Emit emit,
                           const tfm::LoweringOptions &options) {
  PassManager pm(module->getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  applyDefaultTimingPassManagerCLOptions(pm);
  if (failed(tfm::buildTfmToLinalgPipeline(pm, options)))
    return failure();
  if (emit >= Emit::Loops &&
      failed(tfm::buildLinalgToLoopsPipeline(pm, options)))
    return failure();
  if (emit >= Emit::LLVMMLIR &&
      failed(tfm::buildLoopsToLLVMPipeline(pm, options)))
    return failure();
  return pm.run(module);
}

static int printModule(ModuleOp module) {
  auto out = openOutput(outputFilename.empty() ? std::string("-")
                                               : outputFilename.getValue());
  if (!out)
    return 1;
  module.print(out->os());
  out->os() << "\n";
  return keepOutput(*out);
}

/// libLLVM registers hundreds of code generator flags for every target;
/// --help lists tfmc's own options and MLIR's (--mlir-*: IR printing,
/// timing, crash reproducers). The others still work, through --help-hidden.
static void hideBackendOptions() {
  for (auto &entry : cl::getRegisteredOptions()) {
    cl::Option *option = entry.second;
    bool ours = llvm::is_contained(option->Categories, &tfmcCategory);
    if (!ours && !entry.first.starts_with("mlir-") && entry.first != "help" &&
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
  hideBackendOptions();
  // --help names the driver that links when --linker is not given.
  static const std::string linkerHelp =
      ("C++ compiler driver used to link executables (default: " +
       tfm::defaultLinker() + ")")
          .str();
  linker.setDescription(linkerHelp);
  cl::ParseCommandLineOptions(argc, argv, "tfm compiler\n");

  if (optLevel > 3)
    return fail("-O" + llvm::Twine(optLevel.getValue()) +
                ": expected -O0, -O1, -O2 or -O3");
  tfm::LoweringOptions options;
  options.optLevel = optLevel;
  options.openmp = openmp;

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<tfm::TfmDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string error;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module;
  std::optional<tfm::ModelConfig> model;
  tfm::ModuleInfo info;
  if (StringRef(inputFilename).ends_with(".json")) {
    // A model description: validate it and its weights, then write its IR.
    FailureOr<tfm::ModelConfig> config =
        tfm::loadModelConfig(inputFilename, error);
    if (failed(config))
      return fail(error);
    FailureOr<std::vector<tfm::WeightSpec>> weights =
        tfm::checkWeights(*config, error);
    if (failed(weights))
      return fail(error);
    model = *config;
    module = tfm::buildModel(&context, *model, *weights);
    if (failed(verify(*module)))
      return 1;
    info.modelConfig = model->toRuntimeJson();
    if (externalWeights)
      info.weightsPath = model->weightsPath;
  } else {
    auto input = openInputFile(inputFilename, &error);
    if (!input)
      return fail(error);
    sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return 1;
    if (externalWeights)
      return fail("--external-weights applies to model descriptions "
                  "(model.json) only");
  }

  Emit emit = emitAction;
  std::string outputPath =
      outputFilename.empty() ? defaultOutput(emit) : outputFilename.getValue();
  if (failed(checkOutputDirectory(outputPath)))
    return 1;
  if (emit == Emit::Tfm)
    return printModule(*module);

  // Signatures are read before lowering erases the tensor types.
  FailureOr<std::vector<tfm::EntryPoint>> entries =
      tfm::collectEntryPoints(*module);
  if (failed(entries))
    return 1;

  // The names now live in the entry table; LLVM has no use for them.
  for (auto func : module->getOps<func::FuncOp>())
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      func.removeArgAttr(i, "tfm.input");
      func.removeArgAttr(i, "tfm.weight");
      func.removeArgAttr(i, "tfm.weight_transposed");
      func.removeArgAttr(i, "tfm.weight_panels");
    }

  if (failed(lower(*module, emit, options)))
    return 1;
  if (emit <= Emit::LLVMMLIR)
    return printModule(*module);

  auto tm = tfm::createTargetMachine(targetCpu, options.optLevel, error);
  if (failed(tm))
    return fail(error);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      tfm::translateToLLVMIR(*module, llvmContext, **tm);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  tfm::emitEntryPoints(*llvmModule, *entries, /*withTable=*/emit != Emit::Lib,
                       info);
  if (failed(tfm::optimizeLLVMIR(*llvmModule, **tm, options.optLevel)))
    return 1;

  if (emit == Emit::LLVMIR || emit == Emit::Asm || emit == Emit::Obj) {
    auto out = openOutput(outputPath);
    if (!out)
      return 1;
    if (emit == Emit::LLVMIR)
      llvmModule->print(out->os(), nullptr);
    else if (failed(tfm::emitMachineCode(*llvmModule, **tm, emit == Emit::Asm,
                                         out->os())))
      return 1;
    return keepOutput(*out);
  }

  // lib and exe start from the object in memory; OpenMP loops need libomp.
  bool usesOpenMP = llvm::any_of(llvmModule->functions(), [](auto &f) {
    return f.isDeclaration() && f.getName().starts_with("__kmpc_");
  });
  llvm::SmallString<0> object;
  llvm::raw_svector_ostream objectStream(object);
  if (failed(tfm::emitMachineCode(*llvmModule, **tm, /*assembly=*/false,
                                  objectStream)))
    return 1;

  if (emit == Emit::Lib) {
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
    return 0;
  }

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
  if (failed(linked))
    return fail(error);
  // Weights go after the linked image, where the runtime maps them from,
  // in the layout the entry points take them.
  if (model && !externalWeights) {
    tfm::WeightLayout layout;
    for (const tfm::EntryPoint &entry : *entries)
      for (auto [kind, name] : llvm::zip(entry.argKinds, entry.argNames))
        if (kind == TFM_ARG_WEIGHT)
          layout.plain.insert(name);
        else if (kind == TFM_ARG_WEIGHT_TRANSPOSED)
          layout.transposed.insert(name);
        else if (kind == TFM_ARG_WEIGHT_PANELS)
          layout.panels.insert(name);
    auto write = [&](llvm::raw_ostream &out, uint64_t &size,
                     std::string &error) {
      return tfm::writePackedWeights(model->weightsPath, layout, out, size,
                                     error);
    };
    if (failed(tfm::appendWeights(outputPath, write, error))) {
      llvm::sys::fs::remove(outputPath);
      return fail(error);
    }
  }
  return 0;
}
