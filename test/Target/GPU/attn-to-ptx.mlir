// RUN: attn-opt %s --attn-to-ptx='chip=sm_90a package=%t.attnpkg' | FileCheck %s
// RUN: FileCheck %s --check-prefix=PKG < %t.attnpkg
// RUN: FileCheck %s --check-prefix=SS < %t.attnpkg
// RUN: FileCheck %s --check-prefix=RS < %t.attnpkg
// RUN: attn-opt %s --attn-to-ptx='chip=sm_90a warpgroup-mma=false package=%t.sync.attnpkg'
// RUN: FileCheck %s --check-prefix=SYNC < %t.sync.attnpkg
// RUN: attn-opt %s --attn-to-ptx='chip=sm_80 block-q=64' | FileCheck %s --check-prefix=SM80
// RUN: not attn-opt %s --attn-to-ptx='chip=sm_70' 2>&1 | FileCheck %s --check-prefix=CHIP

// The kernel becomes PTX for the chip through the NVPTX backend.
// CHECK: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">
// CHECK-SAME: .target sm_90a
// CHECK-SAME: .visible .entry window_gqa(

// The package: manifest with symbolic dims, grid and one memref per tensor,
// then the PTX.
// PKG:      attn-kernel-package 1
// PKG-NEXT: compiler attn 0.1 (MLIR/LLVM 22.{{[0-9]+}})
// PKG-NEXT: target sm_90a
// PKG-NEXT: entry window_gqa
// On sm_90a a D = 128 kernel runs its products on wgmma. Masked by a
// window (one interval of keys a row), it takes blocks of one warpgroup of
// 64 rows (128 threads; three blocks a multiprocessor) and 48-key tiles;
// shared memory holds the swizzled query tile and two buffers of K and V
// (2 x (64 x 128 + 2 x 48 x 256) bytes) and 1024 bytes to align them.
// PKG-NEXT: block 128
// PKG-NEXT: grid cdiv(SQ,64) 8 B
// PKG-NEXT: shared 66560
// cp.async copies 16-byte pieces of Q, K and V rows: the launcher checks
// their alignment.
// PKG-NEXT: align 16 q k v o
// PKG-NEXT: sym B
// PKG-NEXT: sym SK
// PKG-NEXT: sym SQ
// PKG-NEXT: input q bf16 B 8 SQ 128
// PKG-NEXT: input k bf16 B 2 SK 128
// PKG-NEXT: input v bf16 B 2 SK 128
// PKG-NEXT: output o bf16 B 8 SQ 128
// PKG-NEXT: output lse f32 B 8 SQ
// PKG-NEXT: param memref q
// PKG-NEXT: param memref k
// PKG-NEXT: param memref v
// PKG-NEXT: param memref o
// PKG-NEXT: param memref lse
// PKG-NEXT: ptx {{[0-9]+}}
// PKG-NEXT: //
// PKG:      .target sm_90a
// Dynamic shared memory declared .extern; K and V copied in by cp.async and
// handed to the async proxy before the barrier.
// PKG:      .extern .shared .align 16 .b8 __dynamic_shmem__0[];
// PKG:      .visible .entry window_gqa(
// PKG:      cp.async.cg.shared.global
// PKG:      fence.proxy.async.shared::cta
// PKG-NEXT: bar.sync
// PKG-NOT:  mma.sync.aligned
// S = Q K^T with both operands in shared memory (8 k steps of 16), the
// first one not accumulating; then O += P V with P in registers and V
// transposed (3 k steps of 16 keys). Each is fenced, committed and waited.
// SS:           wgmma.fence.sync.aligned
// SS-COUNT-8:   wgmma.mma_async.sync.aligned.m64n48k16.f32.bf16.bf16 {{{.*}}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, p, 1, 1, 0, 0;
// SS:           wgmma.commit_group.sync.aligned
// SS-NEXT:      wgmma.wait_group.sync.aligned 0
// RS:           wgmma.fence.sync.aligned
// RS-COUNT-3:   wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{{.*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 1;
// RS:           wgmma.commit_group.sync.aligned
// RS-NEXT:      wgmma.wait_group.sync.aligned 0

// warpgroup-mma=false keeps mma.sync on sm_90a. A masked D = 128 kernel
// computes the next tile's scores during the softmax, in blocks of 64 rows
// (4 warps; two blocks a multiprocessor): three buffers of 64 K rows and
// 64 V rows of 128 + 8 bf16 (the query tile is staged in the K buffers).
// SYNC:      block 128
// SYNC-NEXT: grid cdiv(SQ,64) 8 B
// SYNC-NEXT: shared 104448
// SYNC:      .target sm_90a
// SYNC:      .visible .entry window_gqa(
// SYNC:      cp.async.cg.shared.global
// SYNC:      ldmatrix.sync.aligned.m8n8.x4.shared.b16
// SYNC:      mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// SYNC:      ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// SYNC-NOT:  wgmma

// SM80: chip = "sm_80"
// SM80-SAME: .target sm_80
// SM80-SAME: .maxntid 128, 1, 1
// SM80-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32

// CHIP: attn-gpu-schedule: chip must be sm_80, sm_90 or sm_90a, found 'sm_70'
func.func @window_gqa(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x2x?x128xbf16>, %v: tensor<?x2x?x128xbf16>) -> (tensor<?x8x?x128xbf16>, tensor<?x8x?xf32>) {
  %o, %l = attn.attention %q, %k, %v {mask = #attn.mask<causal & window(1024)>, return_lse}
      : tensor<?x8x?x128xbf16>, tensor<?x2x?x128xbf16>, tensor<?x2x?x128xbf16> -> tensor<?x8x?x128xbf16>, tensor<?x8x?xf32>
  return %o, %l : tensor<?x8x?x128xbf16>, tensor<?x8x?xf32>
}
