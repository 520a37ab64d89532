// RUN: attn-opt %s --split-input-file --attn-to-gpu --canonicalize --cse | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-to-gpu=block-q=64 | FileCheck %s --check-prefix=BLOCK64
// RUN: attn-opt %s --split-input-file --attn-to-gpu=warpgroup-mma=false | FileCheck %s --check-prefix=SYNC
// RUN: attn-opt %s --split-input-file --attn-to-gpu=chip=sm_90 | FileCheck %s --check-prefix=SYNC

// On sm_90a (the default chip) the tensor-core kernel's products run on
// wgmma: a warpgroup (4 warps) owns 64 query rows. With no mask or a causal
// one, a block has two of them (256 threads, 128 rows), 128-key tiles at
// D = 128, and three buffers: the next tile's S = Q K^T runs during this
// tile's softmax. Shared memory: 1024 bytes to align the tiles, the query
// tile, then three buffers of K and of V, each a tile of 128 rows of 128
// bf16 without padding (230400 bytes).
// CHECK-LABEL: module attributes
// CHECK-SAME: causal_d128 = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "8", "B"], shared = 230400 : i64
// CHECK: gpu.func @causal_d128
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: nvvm.maxnreg = 255 : i32
// The tiles start at the first multiple of 1024 of the dynamic shared
// memory; each is blocks of 64 columns (128-byte rows).
// CHECK: %[[SMEM:.+]] = gpu.dynamic_shared_memory
// CHECK: memref.extract_aligned_pointer_as_index %[[SMEM]]
// CHECK: %[[Q:.+]] = memref.view %[[SMEM]][%{{.+}}][] : {{.*}} to memref<256x64xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[K:.+]] = memref.view %[[SMEM]][%{{.+}}][] : {{.*}} to memref<768x64xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[V:.+]] = memref.view %[[SMEM]][%{{.+}}][] : {{.*}} to memref<768x64xbf16, #gpu.address_space<workgroup>>
// The 16-byte chunk c of row r goes to chunk c ^ (r % 8): the 128-byte
// swizzle that wgmma reads.
// CHECK: arith.xori
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], %[[Q]][{{.*}}], 8
// CHECK: nvgpu.device_async_copy %arg1[{{.*}}], %[[K]][{{.*}}], 8
// CHECK: nvgpu.device_async_copy %arg2[{{.*}}], %[[V]][{{.*}}], 8
// The tensor cores read shared memory through the async proxy: the copies
// are fenced for it before the barrier.
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// The first tile's S = Q K^T: 8 k steps of m64n128k16 with descriptors of Q
// and K, the first not accumulating; committed, waited, and the scores
// fenced after the wait.
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK-COUNT-7: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: llvm.inline_asm has_side_effects "", "=f,
// In the loop, the next tile's product is issued (not waited) before this
// tile's softmax.
// CHECK: scf.for
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-8: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NOT: nvvm.wgmma.wait
// CHECK: math.exp2
// O += P V: P from registers, V by a transposed (N-major) descriptor, 8 k
// steps of 16 keys; one wait for both groups, then O and the next scores
// are fenced.
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-8: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{.*}}p, 1, 1, 1;
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: llvm.inline_asm has_side_effects "", "=f,
// CHECK: llvm.inline_asm has_side_effects "", "=f,
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: nvvm.fence.proxy
// CHECK-NEXT: gpu.barrier
// O's pairs are stored as one 4-byte word (rows are 16-byte aligned).
// CHECK: vector.store {{.*}} {alignment = 4 : i64} : memref<?x8x?x128xbf16, strided<[?, ?, ?, 1]>>, vector<2xbf16>
// CHECK-NOT: nvvm.mma.sync

// block-q = 64: one warpgroup a block.
// BLOCK64-LABEL: module attributes
// BLOCK64-SAME: causal_d128 = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "8", "B"], shared = 214016 : i64

// warpgroup-mma=false, or sm_90 (no wgmma), keep mma.sync.
// SYNC-LABEL: module attributes
// SYNC-SAME: causal_d128 = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "8", "B"]
// SYNC: nvvm.mma.sync
// SYNC-NOT: wgmma
func.func @causal_d128(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>) -> tensor<?x8x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %o : tensor<?x8x?x128xbf16>
}

// -----

// f16 at D = 64: 4 k steps of m64n128k16 for S, P V on m64n64k16
// (2 x (128 x 64 + 3 x 128 x 128) + 1024 bytes).
// CHECK-LABEL: module attributes
// CHECK-SAME: dense_f16_d64 = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "4", "B"], shared = 115712 : i64
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <{{zero|one}}>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16
// Unmasked heads store O's pairs without the alignment (measured faster).
// CHECK: vector.store
// CHECK-NOT: alignment
// CHECK-SAME: vector<2xf16>
func.func @dense_f16_d64(%q: tensor<?x4x?x64xf16>, %k: tensor<?x4x?x64xf16>, %v: tensor<?x4x?x64xf16>) -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16> -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}

// -----

// D = 256: 64-key tiles (Dv / 2 = 128 accumulators a thread), P V on
// m64n256k16; a third buffer would not fit, so two (2 x (128 x 256 + 2 x
// 64 x 512) + 1024 bytes).
// CHECK-LABEL: module attributes
// CHECK-SAME: dense_d256 = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "8", "B"], shared = 197632 : i64
// CHECK-COUNT-16: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>
// CHECK: wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16
func.func @dense_d256(%q: tensor<?x8x?x256xbf16>, %k: tensor<?x8x?x256xbf16>, %v: tensor<?x8x?x256xbf16>) -> tensor<?x8x?x256xbf16> {
  %o = attn.attention %q, %k, %v : tensor<?x8x?x256xbf16>, tensor<?x8x?x256xbf16>, tensor<?x8x?x256xbf16> -> tensor<?x8x?x256xbf16>
  return %o : tensor<?x8x?x256xbf16>
}

// -----

// A score modifier runs the score builder on every tile: 64-key tiles, two
// buffers, blocks of 64 rows (two blocks a multiprocessor).
// CHECK-LABEL: module attributes
// CHECK-SAME: softcap_d128 = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "8", "B"], shared = 82944 : i64
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>
// CHECK: math.tanh
func.func @softcap_d128(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>) -> tensor<?x8x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>, score = #attn.score<softcap(30.0)>}
      : tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %o : tensor<?x8x?x128xbf16>
}

// -----

// At D = 256 two blocks of 64 rows would not share a multiprocessor's
// shared memory, so masked heads keep blocks of 128 rows.
// CHECK-LABEL: module attributes
// CHECK-SAME: window_d256 = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "8", "B"], shared = 197632 : i64
func.func @window_d256(%q: tensor<?x8x?x256xbf16>, %k: tensor<?x8x?x256xbf16>, %v: tensor<?x8x?x256xbf16>) -> tensor<?x8x?x256xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & window(512)>}
      : tensor<?x8x?x256xbf16>, tensor<?x8x?x256xbf16>, tensor<?x8x?x256xbf16> -> tensor<?x8x?x256xbf16>
  return %o : tensor<?x8x?x256xbf16>
}

// -----

// A mask that shows each row one interval of keys (a causal window),
// without the overlap: each thread's two rows' [lo, hi) are computed once,
// a tile is whole when every row's interval covers it (a vote), and a
// partial tile compares each key, relative to the lane's first, with its
// row's two bounds in i32. Such kernels need few registers: 48-key tiles
// and a bound of 168 registers let three blocks share a multiprocessor.
// CHECK-LABEL: module attributes
// CHECK-SAME: window_d128 = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "8", "B"], shared = 66560 : i64
// CHECK: gpu.func @window_d128
// CHECK-SAME: nvvm.maxnreg = 168 : i32
// CHECK-NOT: memref.reinterpret_cast
// CHECK: scf.for
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 48, k = 16>
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: %[[KEND:.+]] = arith.addi %[[KSTART:.+]], %c48 : index
// CHECK-NEXT: arith.cmpi sle, %{{.+}}, %[[KSTART]] : index
// CHECK-NEXT: arith.cmpi sle, %[[KEND]], %{{.+}} : index
// CHECK-NEXT: arith.andi
// CHECK-NEXT: arith.cmpi sle, %{{.+}}, %[[KSTART]] : index
// CHECK-NEXT: arith.cmpi sle, %[[KEND]], %{{.+}} : index
// CHECK: nvvm.vote.sync all
// CHECK: } else {
// CHECK: %[[LO:.+]] = arith.index_cast %{{.+}} : index to i32
// CHECK: %[[HI:.+]] = arith.index_cast %{{.+}} : index to i32
// CHECK: arith.cmpi sle, %[[LO]], %c0_i32 : i32
// CHECK-NEXT: arith.cmpi sgt, %[[HI]], %c0_i32 : i32
// CHECK: arith.select %{{.+}}, %{{.+}}, %cst{{.*}} : f32
// CHECK-NOT: tensor.extract
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
func.func @window_d128(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>) -> tensor<?x8x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & window(1023)>}
      : tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %o : tensor<?x8x?x128xbf16>
}

// -----

// Masks other than causal that do not show intervals (here a sink):
// 64-key tiles, two buffers, blocks of 64 rows.
// CHECK-LABEL: module attributes
// CHECK-SAME: sink = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "8", "B"], shared = 82944 : i64
// Tiles inside the length are copied from one flat index a thread plus
// row offsets; rows of a tile past the length are clamped one by one.
// CHECK: memref.extract_strided_metadata %arg1
// CHECK: %[[FLATK:.+]] = memref.reinterpret_cast %arg1 to offset: [0], sizes: [%{{.+}}], strides: [1]
// CHECK: scf.if
// CHECK-COUNT-8: nvgpu.device_async_copy %[[FLATK]][%{{.+}}]
// CHECK: } else {
// CHECK-COUNT-8: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}]
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
func.func @sink(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>) -> tensor<?x8x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & sink(4)>}
      : tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %o : tensor<?x8x?x128xbf16>
}

// -----

// Documents given by ids show intervals where the ids are sorted: the
// window's geometry (48-key tiles, three blocks: 168 registers). The
// threads meet in 32 bytes of slots (a warp's lanes first, by shuffles),
// then a table of 128 runs follows. The block checks that its keys' ids
// are in order (as unsigned numbers) and appends each run it meets
// (start, id) to the table, after the reads of a scan step; each row takes
// its keys from the runs. A tile is whole by the rows' bounds only where the
// ids are sorted and the table held them; partial tiles take the bounds
// there, else the per-pair test, which reads the ids.
// CHECK-LABEL: module attributes
// CHECK-SAME: documents = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "8", "B"], shared = 68656 : i64
// CHECK: nvvm.maxnreg = 168
// CHECK: memref.view {{.+}} to memref<258xi64, #gpu.address_space<workgroup>>
// CHECK: gpu.shuffle  xor %{{.+}}, %c16_i32, %c32_i32 : i64
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %true) -> (i1)
// CHECK-COUNT-16: memref.load %arg4
// CHECK-NOT: memref.atomic_rmw
// CHECK: arith.cmpi ule
// CHECK: scf.if
// CHECK-NEXT: memref.atomic_rmw addi
// CHECK: memref.atomic_rmw mins
// CHECK: memref.load %{{.+}}[%c0] : memref<258xi64
// CHECK-NEXT: %[[COUNT:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[HELD:.+]] = arith.cmpi ule, %[[COUNT]], %c128 : index
// CHECK: %[[SORTED:.+]] = arith.andi %{{.+}}, %[[HELD]] : i1
// CHECK: scf.for
// CHECK: arith.cmpi uge
// CHECK: arith.cmpi ugt
// CHECK: <m = 64, n = 48, k = 16>
// CHECK: %[[WHOLE:.+]] = arith.andi %{{.+}}, %[[SORTED]] : i1
// CHECK: nvvm.vote.sync  all %{{.+}}, %[[WHOLE]]
// CHECK: scf.if %[[SORTED]]
// CHECK-NOT: memref.load %arg4
// CHECK: } else {
// CHECK: memref.load %arg3
// CHECK: memref.load %arg4
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
func.func @documents(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>, %qs: tensor<?x?xi32>, %ks: tensor<?x?xi32>) -> tensor<?x8x?x128xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<?x?xi32>, tensor<?x?xi32>) {mask = #attn.mask<causal & document>}
      : tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %o : tensor<?x8x?x128xbf16>
}

// -----

// Head dims that are not multiples of 64 keep mma.sync on sm_90a.
// CHECK-LABEL: module attributes
// CHECK-SAME: d96 = {align = 16 : i64, block = 128 : i64
// CHECK: nvvm.mma.sync
// CHECK-NOT: wgmma
func.func @d96(%q: tensor<?x8x?x96xbf16>, %k: tensor<?x8x?x96xbf16>, %v: tensor<?x8x?x96xbf16>) -> tensor<?x8x?x96xbf16> {
  %o = attn.attention %q, %k, %v : tensor<?x8x?x96xbf16>, tensor<?x8x?x96xbf16>, tensor<?x8x?x96xbf16> -> tensor<?x8x?x96xbf16>
  return %o : tensor<?x8x?x96xbf16>
}
