//===- tfm-opt.cpp - the tfm optimizer driver -------------------*- C++ -*-===//

#include "tfm/IR/TfmDialect.h"
#include "tfm/Conversion/Passes.h"
#include "tfm/Transforms/Passes.h"
#include "tfmc/Codegen/Passes.h"
#include "tfmc/Pipelines.h"
#include "tfmc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::tfm::registerTfmPasses();
  mlir::tfm::registerTfmConversionPasses();
  mlir::tfm::registerTfmCodegenPasses();
  mlir::tfm::registerTfmCompilerPasses();
  mlir::tfm::registerTfmPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::tfm::TfmDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "tfm optimizer driver\n", registry));
}
