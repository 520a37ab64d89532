//===- Pipelines.h - Named pipelines of attn ---------------------*- C++
//-*-===//
//
// attn-to-cpu: from attn.attention to LLVM dialect IR that the MLIR
// ExecutionEngine runs. The options live only here; attn-opt, the CPU runner
// and the tests all call the same build function.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_PIPELINES_PIPELINES_H
#define ATTN_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace attn {

struct AttnToCpuOptions : public mlir::PassPipelineOptions<AttnToCpuOptions> {
  Option<int64_t> qTile{*this, "q-tile",
                        llvm::cl::desc("Queries per tile (0: schedule)"),
                        llvm::cl::init(0)};
  Option<int64_t> kvTile{*this, "kv-tile",
                         llvm::cl::desc("Keys per tile (0: schedule)"),
                         llvm::cl::init(0)};
  Option<std::string> order{
      *this, "order",
      llvm::cl::desc("heads_inner or heads_outer (empty: schedule)"),
      llvm::cl::init("")};
  Option<int64_t> splitKV{*this, "split-kv",
                          llvm::cl::desc("KV parts per loop (0: schedule)"),
                          llvm::cl::init(0)};
  Option<bool> lowerToLLVM{
      *this, "to-llvm",
      llvm::cl::desc("Lower to the LLVM dialect (off: stop at loops on "
                     "buffers)"),
      llvm::cl::init(true)};
};

/// Choices that override the IO-aware schedule (0 or empty: keep it).
struct CascadeOverrides {
  int64_t qTile = 0, kvTile = 0, splitKV = 0;
  std::string order;
  /// Processors the schedule spreads programs over (1: the CPU path).
  int64_t parallelUnits = 1;
};

/// The tensor-level part shared by every target, after a schedule pass has
/// recorded its choices (attn.schedule): decomposition into the cascade,
/// online-softmax fusion, query tiling, the mask schedule and split-KV. The
/// result is the tile program.
void buildAttnTileProgramPipeline(mlir::OpPassManager &pm,
                                  const CascadeOverrides &overrides);

/// The CPU's: the IO-aware schedule, the tile program, canonicalization.
void buildAttnCascadePipeline(mlir::OpPassManager &pm,
                              const CascadeOverrides &overrides);

/// attn.attention to LLVM dialect IR for the host CPU.
void buildAttnToCpuPipeline(mlir::OpPassManager &pm,
                            const AttnToCpuOptions &options);

/// The kernel choices of attn-to-gpu and attn-to-ptx.
#define ATTN_GPU_KERNEL_OPTIONS                                                \
  Option<std::string> chip{                                                    \
      *this, "chip", llvm::cl::desc("Target chip: sm_80, sm_90 or sm_90a"),    \
      llvm::cl::init("sm_90a")};                                               \
  Option<int64_t> blockQ{                                                      \
      *this, "block-q",                                                        \
      llvm::cl::desc("Query rows per block; 0 (default): chosen per entry"),   \
      llvm::cl::init(0)};                                                      \
  Option<bool> tensorCores{                                                    \
      *this, "tensor-cores",                                                   \
      llvm::cl::desc("Use the tensor-core kernel where the entry allows it "   \
                     "(bf16/f16, head dims multiples of 16 up to 256)"),       \
      llvm::cl::init(true)};                                                   \
  Option<bool> warpgroupMma{                                                   \
      *this, "warpgroup-mma",                                                  \
      llvm::cl::desc("On sm_90a, wgmma for the tensor-core kernel's products " \
                     "where both head dims are multiples of 64 (false: "       \
                     "mma.sync)"),                                             \
      llvm::cl::init(true)};

struct AttnToGpuOptions : public mlir::PassPipelineOptions<AttnToGpuOptions> {
  ATTN_GPU_KERNEL_OPTIONS
};

/// attn.attention to GPU kernels (gpu.func): attn-gpu-schedule, the tile
/// program, attn-lower-to-gpu.
void buildAttnToGpuPipeline(mlir::OpPassManager &pm,
                            const AttnToGpuOptions &options);

struct AttnToPtxOptions : public mlir::PassPipelineOptions<AttnToPtxOptions> {
  ATTN_GPU_KERNEL_OPTIONS
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit whose libdevice is linked (default: "
                     "$CUDA_HOME, $CUDA_PATH, $CUDA_ROOT or /usr/local/cuda)"),
      llvm::cl::init("")};
  Option<std::string> package{
      *this, "package",
      llvm::cl::desc("Write the kernel package (.attnpkg) to this file"),
      llvm::cl::init("")};
};

/// The CUDA toolkit to link libdevice from when none is named.
std::string defaultCudaPath();

/// attn.attention to a GPU kernel, PTX (gpu.binary), and with `package` the
/// kernel package file.
void buildAttnToPtxPipeline(mlir::OpPassManager &pm,
                            const AttnToPtxOptions &options);

/// Registers attn-to-cpu and attn-to-ptx with the pass pipeline registry.
void registerAttnPipelines();

} // namespace attn

#endif // ATTN_PIPELINES_PIPELINES_H
