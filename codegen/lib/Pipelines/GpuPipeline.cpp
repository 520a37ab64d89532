//===- GpuPipeline.cpp - attn.attention to PTX and a kernel package -------===//
//
// attn-to-gpu (the GPU schedule, the tile program, one kernel per entry
// lowered from it), then upstream's GPU-to-NVVM
// pipeline serialising the kernel to PTX with the LLVM NVPTX backend, then
// optionally the kernel package.
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Pipelines.h"

#include "attn/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include <cstdlib>

using namespace mlir;

std::string attn::defaultCudaPath() {
  for (const char *name : {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
    if (const char *value = std::getenv(name); value && *value)
      return value;
  return "/usr/local/cuda";
}

void attn::buildAttnToGpuPipeline(OpPassManager &pm,
                                  const AttnToGpuOptions &options) {
  // The kernel's schedule, then the tile program the CPU path also builds,
  // left uncanonicalized so that its loops stay whole (one iteration
  // included) for attn-lower-to-gpu to read.
  pm.addPass(createAttnGpuSchedule(
      AttnGpuScheduleOptions{options.blockQ, options.chip, options.tensorCores,
                             options.warpgroupMma}));
  buildAttnTileProgramPipeline(pm, CascadeOverrides{});
  pm.addPass(createAttnLowerToGPU(AttnLowerToGPUOptions{
      options.chip, options.tensorCores, options.warpgroupMma}));
}

void attn::buildAttnToPtxPipeline(OpPassManager &pm,
                                  const AttnToPtxOptions &options) {
  AttnToGpuOptions gpu;
  gpu.chip = options.chip.getValue();
  gpu.blockQ = options.blockQ.getValue();
  gpu.tensorCores = options.tensorCores.getValue();
  gpu.warpgroupMma = options.warpgroupMma.getValue();
  buildAttnToGpuPipeline(pm, gpu);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // The kernel-side steps of upstream's GPU-to-NVVM pipeline, with the CUDA
  // toolkit named so that libdevice (expf, logf, fmaf) is always linked.
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  // PTX ISA 8.0: sm_90a's instructions; CUDA 12 and 13 drivers load it.
  target.features = "+ptx80";
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  // nvgpu (ldmatrix, cp.async) to NVVM, then the rest of the kernel.
  kernels.addPass(createConvertNVGPUToNVVMPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  // NVVM ops written as inline PTX (wgmma.mma_async).
  kernels.addPass(createConvertNVVMToLLVMPass());
  kernels.addPass(createAttnExternDynamicShared());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.cudaPath.empty() ? defaultCudaPath()
                                                : options.cudaPath.getValue();
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (!options.package.empty())
    pm.addPass(
        createAttnWritePackage(AttnWritePackageOptions{options.package}));
}
