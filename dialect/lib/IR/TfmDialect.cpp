//===- TfmDialect.cpp - the tfm dialect -------------------------*- C++ -*-===//

#include "tfm/IR/TfmDialect.h"
#include "tfm/IR/TfmOps.h"

using namespace mlir;
using namespace mlir::tfm;

#include "tfm/IR/TfmOpsDialect.cpp.inc"

void TfmDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tfm/IR/TfmOps.cpp.inc"
      >();
}
