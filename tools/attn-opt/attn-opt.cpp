//===- attn-opt.cpp - The attn optimizer driver ---------------------------===//
//
// mlir-opt for attn: parses, verifies, runs attn passes and pipelines, and
// prints. Built on MlirOptMain, so every upstream flag works.
//
//===----------------------------------------------------------------------===//

#include "attn/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  attn::registerAllDialects(registry);
  attn::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "attn optimizer: attention written once, compiled\n",
      registry));
}
