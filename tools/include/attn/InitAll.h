//===- InitAll.h - Everything attn registers --------------------*- C++ -*-===//
//
// The one registration unit shared by attn-opt, attn-run, the JIT and the
// tests: the dialects attn programs use, attn's passes and pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_INITALL_H
#define ATTN_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace attn {

/// Adds the attn dialect and the upstream dialects attn programs use.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers attn's passes and named pipelines (once per process).
void registerAllPasses();

} // namespace attn

#endif // ATTN_INITALL_H
