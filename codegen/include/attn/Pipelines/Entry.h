//===- Entry.h - Which function of a spec the pipelines compile -*- C++ -*-===//
//
// The one rule, shared by the CPU kernel (CpuKernel::compile, attn-run) and
// the JIT API, that picks a spec's entry function.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_PIPELINES_ENTRY_H
#define ATTN_PIPELINES_ENTRY_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/Error.h"

namespace attn {

/// The entry function of `module`: among its public functions with a body,
/// the one named `entry`, or, where `entry` is empty, the only one holding
/// an attn.attention. An error saying which of these fails otherwise.
llvm::Expected<mlir::func::FuncOp> findEntryFunction(mlir::ModuleOp module,
                                                     llvm::StringRef entry);

} // namespace attn

#endif // ATTN_PIPELINES_ENTRY_H
