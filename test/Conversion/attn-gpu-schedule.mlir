// The GPU kernel's schedule (attn-gpu-schedule), the tile program the
// cascade passes build from it, and what attn-lower-to-gpu refuses to lower.
// RUN: attn-opt %s --split-input-file --attn-gpu-schedule | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-gpu-schedule=chip=sm_80 | FileCheck %s --check-prefix=SM80
// RUN: attn-opt %s --split-input-file --attn-gpu-schedule=block-q=64 | FileCheck %s --check-prefix=B64
// RUN: attn-opt %s --split-input-file --attn-gpu-schedule=tensor-cores=false | FileCheck %s --check-prefix=SCALAR
// The tile program of the GPU path (no canonicalization: every loop kept).
// RUN: attn-opt %s --split-input-file --attn-gpu-schedule --attn-decompose-attention --attn-fuse-online-softmax --attn-tile-queries --attn-mask-schedule | FileCheck %s --check-prefix=PROGRAM
// RUN: attn-opt %s --split-input-file --attn-to-gpu | FileCheck %s --check-prefix=KERNEL
// Refused: the attention itself, tiles other than the kernel's, heads
// inside the query loop, a split KV loop.
// RUN: not attn-opt %s --split-input-file --attn-lower-to-gpu 2>&1 | FileCheck %s --check-prefix=DIRECT
// RUN: not attn-opt %s --split-input-file --attn-gpu-schedule --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=32 --attn-tile-queries --attn-mask-schedule --attn-lower-to-gpu 2>&1 | FileCheck %s --check-prefix=TILES
// RUN: not attn-opt %s --split-input-file --attn-gpu-schedule --attn-decompose-attention --attn-fuse-online-softmax --attn-tile-queries=order=heads_inner --attn-mask-schedule --attn-lower-to-gpu 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not attn-opt %s --split-input-file --attn-gpu-schedule --attn-decompose-attention --attn-fuse-online-softmax --attn-tile-queries --attn-mask-schedule --attn-split-kv=split=2 --attn-lower-to-gpu 2>&1 | FileCheck %s --check-prefix=SPLIT

// Causal at D = 128: the wgmma kernel's 128 x 128 tiles; mma.sync on sm_80
// takes blocks of 64 rows and 64-key tiles.
// CHECK-LABEL: func.func @causal
// CHECK: attn.schedule = {kernel = "wgmma", kv_tile = 128 : i64, order = "heads_outer", q_tile = 128 : i64, split_kv = 1 : i64}
// SM80-LABEL: func.func @causal
// SM80: attn.schedule = {kernel = "mma.sync", kv_tile = 64 : i64, order = "heads_outer", q_tile = 64 : i64, split_kv = 1 : i64}
// B64-LABEL: func.func @causal
// B64: attn.schedule = {kernel = "wgmma", kv_tile = 128 : i64, order = "heads_outer", q_tile = 64 : i64, split_kv = 1 : i64}
// SCALAR-LABEL: func.func @causal
// SCALAR: attn.schedule = {kernel = "scalar", kv_tile = 2 : i64, order = "heads_outer", q_tile = 128 : i64, split_kv = 1 : i64}

// PROGRAM-LABEL: func.func @causal
// PROGRAM: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// PROGRAM:   scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// PROGRAM:     scf.for %[[Q0:.+]] = %{{.+}} to %{{.+}} step %[[QT:.+]] iter_args
// PROGRAM:       scf.for %[[K0:.+]] = %{{.+}} to %{{.+}} step %[[KT:.+]] iter_args
// PROGRAM:         attn.einsum mul "bhgpe,bhme->bhgpm" reduce add
// PROGRAM:         scf.if
// PROGRAM:           attn.score_map %{{.+}} at [%{{.+}}, %[[K0]]] origin [%[[B]], %[[H]]]
// PROGRAM:           attn.score_map {{.*}}mask = #attn.mask<causal>
// PROGRAM:       } {attn.kv_loop}
// PROGRAM:     } {attn.q_loop}
// PROGRAM:   } {attn.head_loop}
// PROGRAM: } {attn.batch_loop}
// PROGRAM: attn.einsum safe_div

// KERNEL: attn.kernels = {causal = {align = 16 : i64, block = 256 : i64, grid = ["cdiv(SQ,128)", "8", "B"], shared = 230400 : i64
// KERNEL: gpu.func @causal

// DIRECT: error: attn-lower-to-gpu: expected the tile program of attn.attention
// TILES: error: attn-lower-to-gpu: the tile program's tiles (q_tile = 128, kv_tile = 32) are not those of the wgmma kernel for this entry (q_tile = 128, kv_tile = 128); attn-gpu-schedule with the same options chooses them
// ORDER: error: attn-lower-to-gpu: the query loop must be inside the loops over batch entries and KV heads (order = heads_outer)
// SPLIT: error: attn-lower-to-gpu: split-KV (attn.kv_split) is not lowered to the GPU; schedule the entry with split_kv = 1
func.func @causal(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>) -> tensor<?x8x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>} : tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %o : tensor<?x8x?x128xbf16>
}

// -----

// A 1024 window: the interval kernel's 48-key tiles, blocks of 64 rows.
// CHECK-LABEL: func.func @window
// CHECK: attn.schedule = {kernel = "wgmma", kv_tile = 48 : i64, order = "heads_outer", q_tile = 64 : i64, split_kv = 1 : i64}
// SM80-LABEL: func.func @window
// SM80: attn.schedule = {kernel = "mma.sync", kv_tile = 64 : i64, order = "heads_outer", q_tile = 64 : i64, split_kv = 1 : i64}
// KERNEL: attn.kernels = {window = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,64)", "8", "B"]
func.func @window(%q: tensor<?x8x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>) -> tensor<?x8x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & window(1024)>} : tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %o : tensor<?x8x?x128xbf16>
}

// -----

// Head dims no tensor-core kernel takes: the scalar kernel, one key a step
// (rows in thread-local memory).
// CHECK-LABEL: func.func @odd
// CHECK: attn.schedule = {kernel = "scalar", kv_tile = 1 : i64, order = "heads_outer", q_tile = 128 : i64, split_kv = 1 : i64}
func.func @odd(%q: tensor<1x2x64x165xf16>, %k: tensor<1x2x64x165xf16>, %v: tensor<1x2x64x5xf16>) -> tensor<1x2x64x5xf16> {
  %o = attn.attention %q, %k, %v : tensor<1x2x64x165xf16>, tensor<1x2x64x165xf16>, tensor<1x2x64x5xf16> -> tensor<1x2x64x5xf16>
  return %o : tensor<1x2x64x5xf16>
}

