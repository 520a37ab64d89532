//===- GpuPipeline.cpp - attn.attention to PTX and a kernel package -------===//
//
// attn-lower-to-gpu (one kernel per entry), then upstream's GPU-to-NVVM
// pipeline serialising the kernel to PTX with the LLVM NVPTX backend, then
// optionally the kernel package.
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Pipelines.h"

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

LogicalResult attn::verifyAttnToPtxOptions(const AttnToPtxOptions &options,
                                           std::string &error) {
  if (options.chip != "sm_80" && options.chip != "sm_90a" &&
      options.chip != "sm_90") {
    error = "attn-to-ptx: chip must be sm_80, sm_90 or sm_90a, found '" +
            options.chip.getValue() + "'";
    return failure();
  }
  return success();
}

void attn::buildAttnToPtxPipeline(OpPassManager &pm,
                                  const AttnToPtxOptions &options) {
  pm.addPass(createAttnLowerToGPU(AttnLowerToGPUOptions{options.blockQ}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip;
  // PTX ISA 8.0: sm_90a's instructions; CUDA 12 and 13 drivers load it.
  nvvm.cubinFeatures = "+ptx80";
  nvvm.cubinFormat = "isa";
  nvvm.optLevel = 3;
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
  if (!options.package.empty())
    pm.addPass(createAttnWritePackage(AttnWritePackageOptions{options.package}));
}
