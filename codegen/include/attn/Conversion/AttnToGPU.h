//===- AttnToGPU.h - What attn-lower-to-gpu records on kernels --*- C++ -*-===//
//
// Attributes attn-lower-to-gpu puts on each gpu.func it creates, read by the
// package writer to describe the launch (docs/kernel-package.md).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_ATTNTOGPU_H
#define ATTN_CONVERSION_ATTNTOGPU_H

#include "llvm/ADT/StringRef.h"

namespace attn {

/// The gpu.module holding the kernels.
inline constexpr llvm::StringLiteral kKernelModuleName = "attn_kernels";
/// On the top module: a dictionary from kernel name to its launch
/// description: {tensors = [{kind = "input"|"output", name, type, dims =
/// ["B", "32", "SQ", "128"]}...], symbols = [...], grid = [x, y, z] (each an
/// integer, a symbol or "cdiv(SYM,N)"), block = N}.
inline constexpr llvm::StringLiteral kKernelsAttr = "attn.kernels";

} // namespace attn

#endif // ATTN_CONVERSION_ATTNTOGPU_H
