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

def AttnGpuSchedule : Pass<"attn-gpu-schedule", "::mlir::ModuleOp"> {
  let summary = "Record the GPU kernel's schedule on each entry's attn.attention";
  let description = [{
    Each function of the module must be one attn.attention of its arguments
    whose results it returns. The pass chooses the kernel attn-lower-to-gpu
    will build for it (scalar, mma.sync or wgmma; see there) and records the
    schedule that kernel runs, for the cascade passes to build its tile
    program: a program per batch entry, KV head and tile of `q_tile` query
    rows (the block's rows), KV tiles of `kv_tile` keys (the kernel's key
    tile; keys a step for the scalar kernel), one KV part:

    ```mlir
    %o = attn.attention %q, %k, %v {attn.schedule = {kernel = "wgmma",
        kv_tile = 128 : i64, order = "heads_outer", q_tile = 128 : i64,
        split_kv = 1 : i64}, mask = #attn.mask<causal>} ...
    ```
    attn-to-gpu and attn-to-ptx run it first, with their options.
  }];
  let options = [
    Option<"blockQ", "block-q", "int64_t", /*default=*/"0",
           "Query rows per block (the tensor-core kernel rounds to whole "
           "warps of 16 or 32 rows, at most 8 warps); 0 chooses per entry: "
           "64 for masked heads whose next tile's scores overlap the "
           "softmax (two blocks a multiprocessor), else 128">,
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90a\"",
           "Target chip (sm_80, sm_90, sm_90a)">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"true",
           "Schedule for the tensor-core kernel where the entry allows it">,
    Option<"warpgroupMma", "warpgroup-mma", "bool", /*default=*/"true",
           "On sm_90a, schedule for the wgmma kernel where both head dims "
           "are multiples of 64">
  ];
  let dependentDialects = ["::attn::AttnDialect"];
}

def AttnLowerToGPU : Pass<"attn-lower-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower each entry's tile program to a GPU kernel (gpu.func)";
  let description = [{
    Each function of the module holds the tile program the cascade passes
    made of one attn.attention scheduled by attn-gpu-schedule
    (attn-decompose-attention, attn-fuse-online-softmax, attn-tile-queries,
    attn-mask-schedule): loops over batch entries and KV heads
    (`attn.batch_loop`, `attn.head_loop`) around the loop over query tiles
    (`attn.q_loop`), around the KV loop of the one-pass online softmax
    (`attn.kv_loop`) over the score map of Q K^T, then the normalisation
    and the LSE. The pass reads it back (TileProgram.cpp: every running
    value's update, the score maps, which arguments are Q, K, V and the
    mask's data; an error names the first thing that differs) and builds
    one kernel of the same program: the loops over batch entries, KV heads
    (times their query heads) and query tiles become the grid
    (ceil(Sq / q_tile), Hq, B), and each block runs the KV loop over the
    tiles the mask leaves, with the tile program's `kv_tile` keys a tile.
    The kernel, a `gpu.func` of the function's name in
    `gpu.module @attn_kernels`, takes the function's arguments and then its
    results as strided memrefs (unit innermost stride). The launch
    description (tensors with symbolic dims, grid, block, dynamic shared
    memory, alignment) is kept on the module as `attn.kernels` for the
    package writer.

    With bf16 or f16 Q, K and V and head dims that are multiples of 16 up to
    256, the kernel runs on the tensor cores (TensorCoreKernel.cpp): a grid
    of (ceil(Sq / R), Hq, B) blocks of R = q_tile query rows, 16 or 32 rows
    a warp; K and V tiles of 32 or 64 keys copied into dynamic shared memory
    by `nvgpu.device_async_copy` (two or three buffers) while the previous
    one is used; S = Q K^T and O += P V by `nvvm.mma.sync` m16n8k16 (fp32
    accumulation) fed by `nvgpu.ldmatrix`; the online softmax on the
    fragments, with the row max shared by `nvvm.shfl.sync`:

    ```mlir
    gpu.func @causal(%q: memref<?x8x?x64xbf16, strided<[?, ?, ?, 1]>>, ...) kernel
        attributes {known_block_size = array<i32: 128, 1, 1>, nvvm.maxnreg = 255 : i32} {
      %smem = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      // the query tile and the first K and V tiles: nvgpu.device_async_copy
      scf.for %j = %c0 to %tiles step %c1 iter_args(m, l, O...) {
        // copy tile j + 1 into the other buffer (scf.if j + 1 < tiles)
        // S = Q K^T: nvgpu.ldmatrix + nvvm.mma.sync
        // scf.if (tile shown whole) { S } else { score builder per pair }
        // row max (nvvm.shfl.sync bfly), math.exp2, O rescale if a max moved
        // O += P V: nvgpu.ldmatrix {transpose = true} + nvvm.mma.sync
        // nvvm.cp.async.wait.group 0; gpu.barrier
      }
      // O = acc / l (0 if no key), LSE = m ln 2 + ln l (-inf if none)
    }
    ```

    On sm_90a (warpgroup-mma, the default) with both head dims multiples of
    64, the two products run on wgmma instead: a warpgroup of 4 warps owns
    64 rows; Q, K and V are copied into 128-byte-swizzled shared tiles and
    fenced for the async proxy (`nvvm.fence.proxy`); S = Q K^T is
    `nvvm.wgmma.mma_async` on shared-memory descriptors, O += P V takes P
    from registers (inline PTX, V N-major). No mask or a causal one: blocks
    of 128 rows, 128-key tiles (64 at D = 256) and three buffers, the next
    tile's S = Q K^T issued before this tile's softmax; other masks: blocks
    of 64 rows (128 where two would not share a multiprocessor) and 64-key
    tiles. Masks that show each query one interval of keys
    (showsKeyIntervals) with unmodified scores test partial tiles against
    each row's [lo, hi) and take 48-key tiles, three blocks a
    multiprocessor (168 registers a thread). Documents given by segment
    ids take that kernel too: a block checks at run time that its keys'
    ids are sorted and records their runs in shared memory, from which
    each row takes its keys; a block whose ids are out of order (or hold
    more than 128 runs) tests every pair.

    Other entries (and tensor-cores=false) get the scalar kernel: blocks of
    R x L threads, R = q_tile query rows of one head a block, L lanes a row (1, 2, 4 or 8: the fewest whose slices of
    the query and output rows fit 160 registers; the dot product summed
    across a row's lanes with butterfly shuffles), keys read from global
    memory, kv_tile keys a step (1, or 2 where lanes share a row).

    A tile program whose tiles are not those of the kernel the options
    choose for the entry (as attn-gpu-schedule records them), that splits
    the KV loop (attn.kv_split) or whose heads are inside the query loop is
    refused with an error.

    Every mask kind and score modifier works in both (the same scalar
    builders as the CPU path, ScorePoint); the key range of a block comes
    from the mask's buildKVRange and whole tiles from buildTileIsFull.
    Constant tables of the mask builders become constant globals of the
    gpu.module.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90a\"",
           "Target chip (sm_80, sm_90, sm_90a); later lowerings of the same "
           "kernel choose their instructions by it">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"true",
           "Use the tensor-core kernel (mma.sync, cp.async) where the entry "
           "allows it: bf16 or f16 Q, K and V, head dims multiples of 16 up "
           "to 256; else the scalar kernel">,
    Option<"warpgroupMma", "warpgroup-mma", "bool", /*default=*/"true",
           "On sm_90a, run the tensor-core kernel's products on wgmma "
           "(warpgroups of 64 rows, operands from 128-byte-swizzled shared "
           "memory) where both head dims are multiples of 64; false keeps "
           "mma.sync">
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
