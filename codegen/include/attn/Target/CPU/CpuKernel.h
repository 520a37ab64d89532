//===- CpuKernel.h - Compile a spec for the host CPU and run it --*- C++
//-*-===//
//
// Compiles an attn spec (MLIR text) with the attn-to-cpu pipeline, JITs it
// with the MLIR ExecutionEngine, and runs its entry function on host
// buffers. One compiled kernel serves every length a dynamic spec allows.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TARGET_CPU_CPUKERNEL_H
#define ATTN_TARGET_CPU_CPUKERNEL_H

#include "attn/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
class MLIRContext;
} // namespace mlir

namespace attn {

/// A dense row-major host buffer of the element type the spec expects
/// (f32, f16/bf16 as 16-bit patterns, i1/i8, i32, i64).
struct HostBuffer {
  void *data = nullptr;
  std::vector<int64_t> shape;
};

/// The signature of an entry function: tensor types of its arguments and
/// results (dynamic extents as mlir::ShapedType::kDynamic).
struct EntrySignature {
  std::vector<mlir::RankedTensorType> inputs, results;
};

class CpuKernel {
public:
  ~CpuKernel();

  /// Parses, verifies, compiles and JITs `spec`; `entry` names the function
  /// to run (empty: the only public function holding an attn.attention).
  static llvm::Expected<std::unique_ptr<CpuKernel>>
  compile(llvm::StringRef spec, llvm::StringRef entry = "",
          const AttnToCpuOptions *options = nullptr);

  const EntrySignature &getSignature() const { return signature; }
  llvm::StringRef getEntryName() const { return entryName; }

  /// The extents of each result for inputs of these extents.
  llvm::Expected<std::vector<std::vector<int64_t>>>
  inferResultShapes(llvm::ArrayRef<std::vector<int64_t>> inputShapes) const;

  /// Runs the entry function. Shapes must match the signature (dynamic
  /// extents take any length); outputs are written in place.
  llvm::Error run(llvm::ArrayRef<HostBuffer> inputs,
                  llvm::ArrayRef<HostBuffer> outputs);

private:
  CpuKernel();
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  EntrySignature signature;
  std::string entryName;
  /// Per result and dim: a static extent, or {input, dim} to copy it from.
  struct DimSource {
    int64_t extent = -1;
    int input = -1, dim = -1;
  };
  std::vector<std::vector<DimSource>> resultDims;
};

} // namespace attn

#endif // ATTN_TARGET_CPU_CPUKERNEL_H
