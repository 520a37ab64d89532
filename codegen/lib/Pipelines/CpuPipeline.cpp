//===- CpuPipeline.cpp - attn.attention to LLVM IR for the host CPU -------===//
//
// The cascade passes, then linalg on tensors, one-shot bufferization with
// results turned into out-parameters (the caller owns every buffer), loops,
// and the upstream conversions to the LLVM dialect.
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Pipelines.h"

#include "attn/Conversion/Passes.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void attn::buildAttnTileProgramPipeline(OpPassManager &pm,
                                        const CascadeOverrides &overrides) {
  pm.addPass(createAttnDecomposeAttention());
  pm.addPass(createAttnFuseOnlineSoftmax(
      AttnFuseOnlineSoftmaxOptions{overrides.kvTile}));
  pm.addPass(createAttnTileQueries(
      AttnTileQueriesOptions{overrides.qTile, overrides.order}));
  pm.addPass(createAttnMaskSchedule());
  pm.addPass(createAttnSplitKV(AttnSplitKVOptions{overrides.splitKV}));
}

void attn::buildAttnCascadePipeline(OpPassManager &pm,
                                    const CascadeOverrides &overrides) {
  AttnIOScheduleOptions io;
  io.parallelUnits = overrides.parallelUnits;
  pm.addPass(createAttnIOSchedule(io));
  buildAttnTileProgramPipeline(pm, overrides);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void attn::buildAttnToCpuPipeline(OpPassManager &pm,
                                  const AttnToCpuOptions &options) {
  CascadeOverrides overrides;
  overrides.qTile = options.qTile;
  overrides.kvTile = options.kvTile;
  overrides.splitKV = options.splitKV;
  overrides.order = options.order;
  buildAttnCascadePipeline(pm, overrides);
  pm.addPass(createAttnLowerToLinalg());
  pm.addPass(createCanonicalizerPass());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (!options.lowerToLLVM)
    return;

  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(arith::createArithExpandOpsPass(
      arith::ArithExpandOpsPassOptions{/*includeBf16=*/true}));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void attn::registerAttnPipelines() {
  PassPipelineRegistration<AttnToCpuOptions>(
      "attn-to-cpu",
      "attn.attention to LLVM dialect IR for the host CPU (cascade, fusion, "
      "tiling, schedules, bufferization, loops)",
      buildAttnToCpuPipeline);
  PassPipelineRegistration<AttnToGpuOptions>(
      "attn-to-gpu",
      "attn.attention to GPU kernels (gpu.func): attn-gpu-schedule, the tile "
      "program (cascade, fusion, tiling, mask schedule), attn-lower-to-gpu",
      buildAttnToGpuPipeline);
  PassPipelineRegistration<AttnToPtxOptions>(
      "attn-to-ptx",
      "attn.attention to a GPU kernel and PTX (LLVM NVPTX backend): "
      "attn-to-gpu, then NVVM; with package=FILE also the kernel package",
      [](OpPassManager &pm, const AttnToPtxOptions &options) {
        buildAttnToPtxPipeline(pm, options);
      });
}
