//===- Passes.td - Conversions out of the attn dialect -----*- tablegen -*-===//
//
// Lowerings of the cascade ops to upstream dialects.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_PASSES_TD
#define ATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnLowerToLinalg : Pass<"attn-lower-to-linalg"> {
  let summary = "Lower attn.einsum and attn.score_map to linalg.generic";
  let description = [{
    Each extended Einsum becomes one linalg.generic whose iteration space is
    the equation's axes (output axes parallel, the others reductions), with
    a linalg.fill of the reduction's identity as its init:

    ```mlir
    // Before
    %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) ...
    // After
    %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<...>)
    %gm = linalg.generic {iterator_types = [parallel x4, reduction]} ins(%s) outs(%init) {
      ^bb0(%x: f32, %acc: f32): %m = arith.maximumf %acc, %x : f32 ...
    }
    ```
    A score map becomes a linalg.generic over the score tile whose body
    reads its coordinates with linalg.index and inlines the mask's
    visible(b, h, q, k), the score modifiers and the user's regions.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AttnLowerToGPU : Pass<"attn-lower-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower each entry's attn.attention to a GPU kernel (gpu.func)";
  let description = [{
    Each function of the module, made of one attn.attention of its arguments
    whose results it returns, becomes a `gpu.func` kernel of the same name
    in `gpu.module @attn_kernels`, taking its arguments and then its results
    as strided memrefs (unit innermost stride). The launch is a grid of
    (ceil(Sq / R), Hq, B) blocks of R x L threads: R query rows of one head
    a block (block-q, fewer to keep 256 threads), L lanes a row (1, 2, 4 or
    8: the fewest whose slices of the query and output rows fit 160
    registers; the dot product is summed across a row's lanes with butterfly
    shuffles):

    ```mlir
    gpu.module @attn_kernels {
      gpu.func @causal(%q: memref<?x32x?x128xbf16, strided<[?, ?, ?, 1]>>, ...,
                       %o: memref<?x32x?x128xbf16, strided<[?, ?, ?, 1]>>) kernel
          attributes {attn.block_q = 128 : i64, known_block_size = array<i32: 128, 1, 1>, ...} {
        // q = block_id.x * 128 + thread_id.x; h = block_id.y; b = block_id.z
        // keys [lo, hi) from the mask's buildKVRange for the row
        // scf.for over them: score (ScorePoint), online softmax; the query
        // and output rows in registers (vectors) when Dqk + Dv <= 160, else
        // in thread-local memory
        // O row = acc / l (0 if no key), LSE = m + log l (-inf if none)
      }
    }
    ```
    Every mask kind and score modifier works (the same scalar builders as
    the CPU path); constant tables of the mask builders become constant
    globals of the gpu.module. This is the correct-first kernel: no shared
    memory staging and no tensor cores yet.
  }];
  let options = [
    Option<"blockQ", "block-q", "int64_t", /*default=*/"128",
           "Query rows (threads) per block">,
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90a\"",
           "Target chip (sm_80, sm_90, sm_90a); later lowerings of the same "
           "kernel choose their instructions by it">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"true",
           "Use the tensor-core kernel (mma.sync, cp.async) where the entry "
           "allows it: bf16 or f16 Q, K and V, head dims multiples of 16 up "
           "to 256; else the scalar kernel">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def AttnExternDynamicShared
    : Pass<"attn-extern-dynamic-shared", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Give the dynamic shared memory global external linkage";
  let description = [{
    After convert-gpu-to-nvvm, the global standing for
    `gpu.dynamic_shared_memory` (a zero-sized i8 array in address space 3)
    has internal linkage, which the NVPTX backend turns into a one-byte
    static `.shared` variable. With external linkage it becomes
    `.extern .shared .b8 NAME[]`, the block's dynamic shared memory, so
    that accesses past its first byte are inside the declared allocation.
  }];
}

def AttnWritePackage : Pass<"attn-write-package", "::mlir::ModuleOp"> {
  let summary = "Write the kernel package (manifest + PTX) of a lowered module";
  let description = [{
    After attn-lower-to-gpu and the PTX lowering (gpu.binary @attn_kernels
    holding NVVM assembly), writes `file` in the format of
    docs/kernel-package.md: the manifest from the module's attn.kernels
    description (tensors with symbolic dims, grid, block, one
    `param memref` per tensor) followed by the PTX. The module is unchanged.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "The .attnpkg file to write">
  ];
}

#endif // ATTN_CONVERSION_PASSES_TD
