//===- fuzz-tfm-ir.cpp - libFuzzer target: parsing and verifying tfm IR ---===//
//
// The bytes are parsed as an MLIR module with the tfm, func, arith and
// tensor dialects and then verified, so that the tfm ops' parsers and
// verifiers see arbitrary IR; a module that verifies is printed, parsed and
// verified again (a custom printer must write what its parser reads).
// Diagnostics are swallowed. Debian's libMLIR is not instrumented; the tfm
// dialect is.
//
//===----------------------------------------------------------------------===//

#include "tfm/IR/TfmDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace {
struct Context {
  Context() {
    mlir::DialectRegistry registry;
    registry.insert<mlir::tfm::TfmDialect, mlir::func::FuncDialect,
                    mlir::arith::ArithDialect, mlir::tensor::TensorDialect>();
    context = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        context.get(), [](mlir::Diagnostic &) { return mlir::success(); });
  }
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context uniques every type and attribute it has seen; start afresh
  // now and then so that memory stays bounded over long runs.
  static std::unique_ptr<Context> state;
  static unsigned runs = 0;
  if (!state || ++runs % 4096 == 0)
    state = std::make_unique<Context>();

  // MLIR's lexer finds the end of its buffer at a NUL, as files read into
  // MemoryBuffers have one: parse a NUL-terminated copy.
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::ParserConfig config(state->context.get(), /*verifyAfterParse=*/false);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, config);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;

  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  mlir::OwningOpRef<mlir::ModuleOp> again =
      mlir::parseSourceString<mlir::ModuleOp>(printed, config);
  if (!again || mlir::failed(mlir::verify(*again))) {
    llvm::errs() << "printed module does not parse and verify:\n" << printed;
    std::abort();
  }
  return 0;
}
