// RUN: attn-opt %s --split-input-file --attn-to-gpu=chip=sm_80 --canonicalize --cse | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-to-gpu="chip=sm_80 block-q=64" | FileCheck %s --check-prefix=BLOCK64
// RUN: attn-opt %s --split-input-file --attn-to-gpu=tensor-cores=false | FileCheck %s --check-prefix=SCALAR
// RUN: attn-opt %s --split-input-file --attn-to-gpu="chip=sm_80 block-q=128" | FileCheck %s --check-prefix=ROWS128

// bf16 with head dims that are multiples of 16 takes the tensor-core kernel.
// At D = 64 a warp owns two tiles of 16 query rows, so each K and V
// fragment it reads serves 32 rows: 4 warps (block-q = 128 rows), 64-key
// tiles; shared memory holds the query tile, two K buffers and two V
// buffers, each 128 rows of 64 + 8 bf16 (55296 bytes). cp.async moves
// 16-byte pieces of rows, so Q, K, V and O must be 16-byte aligned.
// CHECK-LABEL: module attributes
// CHECK-SAME: causal_bf16 = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,128)", "8", "B"], shared = 55296 : i64
// CHECK: gpu.func @causal_bf16
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK-SAME: nvvm.maxnreg = 255 : i32
// CHECK: %[[SMEM:.+]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[Q:.+]] = memref.view %[[SMEM]][%c0][] : {{.*}} to memref<128x72xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[K:.+]] = memref.view %[[SMEM]][%c18432][] : {{.*}} to memref<128x72xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[V:.+]] = memref.view %[[SMEM]][%c36864][] : {{.*}} to memref<128x72xbf16, #gpu.address_space<workgroup>>
// The query tile and the first K and V tiles are in flight together.
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], %[[Q]][{{.*}}], 8
// CHECK: scf.if
// CHECK: nvgpu.device_async_copy %arg1[{{.*}}], %[[K]][{{.*}}], 8
// CHECK: nvgpu.device_async_copy %arg2[{{.*}}], %[[V]][{{.*}}], 8
// CHECK: nvvm.cp.async.commit.group
// CHECK-NEXT: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// The key loop: the next tile is copied into the other buffer while this
// one is used; S = Q K^T on the tensor cores, each K fragment used by both
// row tiles.
// CHECK: scf.for
// CHECK: scf.if
// CHECK: nvgpu.device_async_copy %arg1
// CHECK: nvvm.cp.async.commit.group
// CHECK: %[[KF:.+]] = nvgpu.ldmatrix %[[K]][{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK: nvgpu.ldmatrix %[[Q]][{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK: nvvm.mma.sync A[{{.*}}]  B[{{.*}}]  C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK: nvgpu.ldmatrix %[[Q]][{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK: nvvm.mma.sync
// Tiles the mask shows whole are only scaled; the others go through the
// score builder (the causal test k <= q).
// CHECK: scf.if %{{.*}} -> (f32,
// CHECK: } else {
// CHECK: arith.cmpi sle
// The row max is shared by the 4 lanes of a row; softmax in base 2.
// CHECK: nvvm.shfl.sync  bfly {{.*}} -> f32
// CHECK: math.exp2
// O += P V with V's B fragments from ldmatrix.trans.
// CHECK: nvgpu.ldmatrix %[[V]][{{.*}}] {numTiles = 4 : i32, transpose = true}
// CHECK: nvvm.mma.sync
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// CHECK: scf.yield
// O = acc / l, 0 on rows with no visible key.
// CHECK: vector.store

// BLOCK64: block = 64 : i64, grid = ["cdiv(SQ,64)", "8", "B"], shared = 46080 : i64
// SCALAR: block = 128 : i64, grid = ["cdiv(SQ,128)", "8", "B"], shared = 0 : i64
func.func @causal_bf16(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x2x?x64xbf16>, %v: tensor<?x2x?x64xbf16>) -> tensor<?x8x?x64xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>} : tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16> -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}

// -----

// f16 operands go to mma.sync as vector<2xf16> pairs. Dqk = 256 > 128: the
// query fragments are read from shared memory on every tile (not kept in
// registers), so the query tile has its own space (128 x (256 + 8)), and
// tiles are 32 keys (2 x 32 x (256 + 8) for K, 2 x 32 x (128 + 8) for V).
// CHECK-LABEL: module attributes
// CHECK-SAME: wide_f16 = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "4", "B"], shared = 118784 : i64
// CHECK: nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
func.func @wide_f16(%q: tensor<?x4x?x256xf16>, %k: tensor<?x4x?x256xf16>, %v: tensor<?x4x?x128xf16>) -> tensor<?x4x?x128xf16> {
  %o = attn.attention %q, %k, %v : tensor<?x4x?x256xf16>, tensor<?x4x?x256xf16>, tensor<?x4x?x128xf16> -> tensor<?x4x?x128xf16>
  return %o : tensor<?x4x?x128xf16>
}

// -----

// f32 inputs, and head dims that are not multiples of 16, keep the scalar
// kernel (one thread or a few lanes a row).
// CHECK-LABEL: module attributes
// CHECK-SAME: odd_dims = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,128)", "2", "B"], shared = 0 : i64
// CHECK-NOT: nvvm.mma.sync
// CHECK: gpu.func @odd_dims
// CHECK-NOT: nvvm.mma.sync
// CHECK: gpu.return
func.func @odd_dims(%q: tensor<?x2x?x24xbf16>, %k: tensor<?x2x?x24xbf16>, %v: tensor<?x2x?x24xbf16>) -> tensor<?x2x?x24xbf16> {
  %o = attn.attention %q, %k, %v : tensor<?x2x?x24xbf16>, tensor<?x2x?x24xbf16>, tensor<?x2x?x24xbf16> -> tensor<?x2x?x24xbf16>
  return %o : tensor<?x2x?x24xbf16>
}

// -----

// CHECK-LABEL: module attributes
// CHECK-SAME: f32_inputs = {align = 16 : i64, block = 128 : i64
// CHECK-NOT: nvvm.mma.sync
// CHECK: gpu.return
func.func @f32_inputs(%q: tensor<?x2x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>) -> tensor<?x2x?x64xf32> {
  %o = attn.attention %q, %k, %v : tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x2x?x64xf32>
  return %o : tensor<?x2x?x64xf32>
}

// -----

// A score modifier sends every tile through the score builder, which needs
// registers of its own: one row tile a warp, 8 warps. The query fragments
// then stay in registers, so the query tile is staged in the K buffers (2 x
// 64 rows): it lands, goes to registers, and the first K and V tiles are
// copied over it.
// CHECK-LABEL: module attributes
// CHECK-SAME: softcap_bf16 = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "2", "B"], shared = 36864 : i64
// CHECK: %[[SMEM:.+]] = gpu.dynamic_shared_memory
// CHECK: %[[QK:.+]] = memref.view %[[SMEM]][%c0][] : {{.*}} to memref<128x72xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], %[[QK]][{{.*}}], 8
// CHECK: nvvm.cp.async.commit.group
// CHECK-NEXT: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.ldmatrix %[[QK]][{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: nvgpu.device_async_copy %arg1[{{.*}}], %[[QK]][{{.*}}], 8
// CHECK: scf.for
// CHECK: math.tanh
func.func @softcap_bf16(%q: tensor<?x2x?x64xbf16>, %k: tensor<?x2x?x64xbf16>, %v: tensor<?x2x?x64xbf16>) -> tensor<?x2x?x64xbf16> {
  %o = attn.attention %q, %k, %v {score = #attn.score<softcap(30.0)>} : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16> -> tensor<?x2x?x64xbf16>
  return %o : tensor<?x2x?x64xbf16>
}

// -----

// A masked D = 128 kernel computes the next tile's scores while the softmax
// of this one runs: three K and V buffers (tiles j, j + 1 and the one being
// copied, index mod 3), the first tile's scores before the loop, the next
// ones carried by it. Its blocks hold 64 rows (4 warps), so that two share
// a multiprocessor.
// CHECK-LABEL: module attributes
// CHECK-SAME: causal_d128 = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "4", "B"], shared = 104448 : i64
// An explicit block-q is kept: 128 rows, 8 warps.
// ROWS128: causal_d128 = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "4", "B"], shared = 104448 : i64
// CHECK: %[[QK:.+]] = memref.view %{{.*}}[%c0][] : {{.*}} to memref<192x136xbf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.mma.sync
// CHECK: scf.for
// CHECK: arith.remui %{{.*}}, %c3
// CHECK: scf.if %{{.*}} -> (f32,
// CHECK: nvgpu.ldmatrix %[[QK]]
// CHECK: nvvm.mma.sync
// CHECK: math.exp2
// CHECK: nvvm.vote.sync  any
// CHECK: scf.yield
func.func @causal_d128(%q: tensor<?x4x?x128xbf16>, %k: tensor<?x4x?x128xbf16>, %v: tensor<?x4x?x128xbf16>) -> tensor<?x4x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>} : tensor<?x4x?x128xbf16>, tensor<?x4x?x128xbf16>, tensor<?x4x?x128xbf16> -> tensor<?x4x?x128xbf16>
  return %o : tensor<?x4x?x128xbf16>
}

// -----

// A mask that reads run-time data (document segment ids): the threads
// split the scans. For the block's key range each of the 128 threads (two
// row tiles a warp, as for other masks with a full-tile test) scans every
// 128th query (8 of its positions an iteration, their reads in flight
// together); their document spans meet by atomic min and max in a
// pair of i64 slots after the K and V buffers; then each scans every 128th
// key before the diagonal (the keys causal leaves), 8 of its positions an
// iteration, and the ranges meet in the other pair. Each warp tests each tile on
// its own rows, its 32 lanes comparing every 32nd query and key id with the
// first query's, and a vote ANDs their shares.
// CHECK-LABEL: module attributes
// CHECK-SAME: documents = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,128)", "2", "B"], shared = 55328 : i64
// CHECK: %[[SLOTS:.+]] = memref.view %{{.*}}[%c55296][] : {{.*}} to memref<4xi64, #gpu.address_space<workgroup>>
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c1024 iter_args({{.*}}) -> (index, index)
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %thread_id_x, %c0
// CHECK: scf.if %[[FIRST]] {
// CHECK: memref.store %{{.*}}, %[[SLOTS]][%c0]
// CHECK: memref.store %{{.*}}, %[[SLOTS]][%c1]
// CHECK: gpu.barrier
// CHECK: memref.atomic_rmw mins %{{.*}}, %[[SLOTS]][%c0]
// CHECK: memref.atomic_rmw maxs %{{.*}}, %[[SLOTS]][%c1]
// CHECK: gpu.barrier
// CHECK: memref.load %[[SLOTS]][%c0]
// CHECK: memref.load %[[SLOTS]][%c1]
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c1024 iter_args({{.*}}) -> (index, index)
// CHECK: scf.if %[[FIRST]] {
// CHECK: memref.store %{{.*}}, %[[SLOTS]][%c2]
// CHECK: memref.store %{{.*}}, %[[SLOTS]][%c3]
// CHECK: gpu.barrier
// CHECK: memref.atomic_rmw mins %{{.*}}, %[[SLOTS]][%c2]
// CHECK: memref.atomic_rmw maxs %{{.*}}, %[[SLOTS]][%c3]
// CHECK: gpu.barrier
// CHECK: memref.load %[[SLOTS]][%c2]
// CHECK: memref.load %[[SLOTS]][%c3]
// CHECK: scf.for
// CHECK: scf.for {{.*}} step %c64 iter_args({{.*}}) -> (i1)
// CHECK: scf.for {{.*}} step %c64 iter_args({{.*}}) -> (i1)
// CHECK: %[[FULL:.+]] = nvvm.vote.sync  all %c-1_i32, %{{.+}} -> i1
// CHECK: %[[TILE:.+]] = arith.andi %[[FULL]], %{{.+}} : i1
// CHECK: scf.if %[[TILE]]
func.func @documents(%q: tensor<?x2x?x64xbf16>, %k: tensor<?x2x?x64xbf16>, %v: tensor<?x2x?x64xbf16>, %qs: tensor<?x?xi32>, %ks: tensor<?x?xi32>) -> tensor<?x2x?x64xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<?x?xi32>, tensor<?x?xi32>) {mask = #attn.mask<causal & document>} : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16> -> tensor<?x2x?x64xbf16>
  return %o : tensor<?x2x?x64xbf16>
}
