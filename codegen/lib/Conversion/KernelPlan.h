//===- KernelPlan.h - Which GPU kernel an entry takes, and its tiles -*- C++
//-*-===//
//
// The choice of kernel (scalar, mma.sync or wgmma tensor cores) and its
// geometry for one attention, shared by attn-gpu-schedule (which records
// the tiles on attn.attention for the cascade passes) and attn-lower-to-gpu
// (which builds the kernel from the tile program they made). Private to the
// Conversion library.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_KERNELPLAN_H
#define ATTN_CONVERSION_KERNELPLAN_H

#include "TensorCoreKernel.h"
#include "TileProgram.h"

#include <optional>
#include <string>

namespace attn {

/// The options that choose a kernel (those of attn-gpu-schedule and
/// attn-lower-to-gpu).
struct KernelChoice {
  std::string chip = "sm_90a";
  /// Query rows a block; 0: chosen per entry.
  int64_t blockQ = 0;
  bool tensorCores = true, warpgroupMma = true;
};

/// A kernel for one entry: the tensor-core geometry, or none for the scalar
/// kernel; the query rows of a block (the tile program's q_tile), the keys
/// of a step of its key loop (kv_tile), and its threads.
struct KernelPlan {
  std::optional<TensorCoreShape> tensorCore;
  int64_t rows = 0, keys = 0, threads = 0;

  /// "scalar", "mma.sync" or "wgmma".
  llvm::StringRef kernelName() const;
};

KernelPlan planKernel(const AttentionSpec &attention,
                      const KernelChoice &choice);

/// An error at `at` (naming `pass`) if block-q or chip is out of range.
mlir::LogicalResult verifyKernelChoice(mlir::Operation *at,
                                       llvm::StringRef pass,
                                       const KernelChoice &choice);

} // namespace attn

#endif // ATTN_CONVERSION_KERNELPLAN_H
