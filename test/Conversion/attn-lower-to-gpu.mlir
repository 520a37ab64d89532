// RUN: not attn-opt %s --split-input-file --attn-to-gpu=tensor-cores=false --canonicalize --cse 2>&1 | FileCheck %s
// RUN: not attn-opt %s --split-input-file --attn-to-gpu="block-q=64 tensor-cores=false" 2>/dev/null | FileCheck %s --check-prefix=BLOCK
// RUN: not attn-opt %s --attn-to-gpu=block-q=2000 2>&1 | FileCheck %s --check-prefix=BADBLOCK
// BADBLOCK: error: attn-gpu-schedule: block-q must be in [0, 1024] (0: chosen per entry), found 2000

// Each entry becomes a kernel of the same name taking its arguments, then
// its results, as strided memrefs; one thread per query row of one head
// (the scalar kernel; attn-lower-to-gpu-mma.mlir has the tensor-core one).
// The launch description stays on the module for the package writer.
// CHECK: module attributes
// CHECK-SAME: attn.kernels = {gqa_causal = {align = 16 : i64, block = 128 : i64, grid = ["cdiv(SQ,128)", "8", "B"], shared = 0 : i64, symbols = ["B", "SK", "SQ"], tensors = [{dims = ["B", "8", "SQ", "64"], kind = "input", name = "q", type = tensor<?x8x?x64xbf16>}, {dims = ["B", "2", "SK", "64"], kind = "input", name = "k"{{.*}}{dims = ["B", "8", "SQ", "32"], kind = "output", name = "o"{{.*}}{dims = ["B", "8", "SQ"], kind = "output", name = "lse"
// CHECK: gpu.module @attn_kernels
// CHECK: gpu.func @gqa_causal(%[[Q:[a-z0-9_]+]]: memref<?x8x?x64xbf16, strided<[?, ?, ?, 1]>>, %[[K:[a-z0-9_]+]]: memref<?x2x?x64xbf16, strided<[?, ?, ?, 1]>>, %[[V:[a-z0-9_]+]]: memref<?x2x?x32xbf16, strided<[?, ?, ?, 1]>>, %[[O:[a-z0-9_]+]]: memref<?x8x?x32xbf16, strided<[?, ?, ?, 1]>>, %[[LSE:[a-z0-9_]+]]: memref<?x8x?xf32, strided<[?, ?, 1]>>) kernel
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// Row q = block.x * 128 + thread.x of head block.y (KV head h / 4), batch block.z.
// CHECK-DAG: %[[TID:.+]] = gpu.thread_id x
// CHECK-DAG: %[[BX:.+]] = gpu.block_id x
// CHECK-DAG: %[[H:.+]] = gpu.block_id y
// CHECK-DAG: %[[B:.+]] = gpu.block_id z
// CHECK: %[[ROW0:.+]] = arith.muli %[[BX]], %c128
// CHECK: %[[Q0:.+]] = arith.addi %[[ROW0]], %[[TID]]
// CHECK: %[[SQ:.+]] = memref.dim %[[Q]], %c2
// CHECK: %[[SK:.+]] = memref.dim %[[K]], %c2
// CHECK: scf.if
// CHECK: %[[HKV:.+]] = arith.divui %[[H]], %c4
// Short rows (64 + 32 elements) live in registers: one vector load per row.
// CHECK: %[[QROW:.+]] = vector.load %[[Q]][%[[B]], %[[H]], %[[Q0]], %c0] {alignment = 16 : i64} : {{.*}}, vector<64xbf16>
// CHECK: %[[QF:.+]] = arith.extf %[[QROW]] : vector<64xbf16> to vector<64xf32>
// Causal: keys up to min(q + 1, Sk); running max, denominator and output row.
// CHECK: %[[R:.+]]:3 = scf.for %[[KEY:[a-z0-9_]+]] = %{{.+}} to %{{.+}} step %c1 iter_args({{.*}}) -> (f32, f32, vector<32xf32>)
// CHECK:   vector.load %[[K]][%[[B]], %[[HKV]], %[[KEY]], %c0] {alignment = 16 : i64} : {{.*}}, vector<64xbf16>
// CHECK:   vector.reduction <add>
// CHECK:   scf.if
// CHECK:     arith.maximumf
// CHECK:     math.exp
// CHECK:     vector.load %[[V]][%[[B]], %[[HKV]], %[[KEY]], %c0] {alignment = 16 : i64} : {{.*}}, vector<32xbf16>
// CHECK:     vector.fma
// Normalised once; LSE = m + log l, -inf for a row with no key.
// CHECK: arith.cmpf ogt, %[[R]]#1
// CHECK: vector.store %{{.+}}, %[[O]][%[[B]], %[[H]], %[[Q0]], %c0]
// CHECK: math.log %[[R]]#1
// CHECK: memref.store %{{.+}}, %[[LSE]][%[[B]], %[[H]], %[[Q0]]]
// BLOCK: grid = ["cdiv(SQ,64)", "8", "B"]
// BLOCK: known_block_size = array<i32: 64, 1, 1>
func.func @gqa_causal(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x2x?x64xbf16>, %v: tensor<?x2x?x32xbf16>) -> (tensor<?x8x?x32xbf16>, tensor<?x8x?xf32>) {
  %o, %l = attn.attention %q, %k, %v {mask = #attn.mask<causal>, return_lse}
      : tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x32xbf16> -> tensor<?x8x?x32xbf16>, tensor<?x8x?xf32>
  return %o, %l : tensor<?x8x?x32xbf16>, tensor<?x8x?xf32>
}

// -----

// Rows of 128 + 128 elements would spill in one thread: two lanes share a
// row (256 threads a block), each with a half of the query and output rows,
// summing the dot product with a butterfly shuffle within the pair.
// CHECK-LABEL: gpu.func @long_rows
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK: %[[LANE:.+]] = arith.remui %{{.+}}, %c2 : index
// CHECK: %[[OFF:.+]] = arith.muli %[[LANE]], %c64 : index
// CHECK: vector.load %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %[[OFF]]] {{.*}} vector<64xf16>
// Two keys a step, without a branch; the second reads key k0's row when
// past the range.
// CHECK: scf.for %[[KEY:[a-z0-9_]+]] = %{{.+}} to %[[HI:.+]] step %c2
// CHECK:   vector.reduction <add>
// CHECK:   nvvm.shfl.sync bfly
// CHECK:   %[[K1:.+]] = arith.addi %[[KEY]], %c1
// CHECK:   %[[IN:.+]] = arith.cmpi slt, %[[K1]], %[[HI]]
// CHECK:   arith.select %[[IN]], %[[K1]], %[[KEY]]
// CHECK-NOT: scf.if
// CHECK:   vector.fma
// CHECK:   vector.fma
// CHECK: gpu.return
func.func @long_rows(%q: tensor<1x2x64x128xf16>, %k: tensor<1x2x64x128xf16>, %v: tensor<1x2x64x128xf16>) -> tensor<1x2x64x128xf16> {
  %o = attn.attention %q, %k, %v : tensor<1x2x64x128xf16>, tensor<1x2x64x128xf16>, tensor<1x2x64x128xf16> -> tensor<1x2x64x128xf16>
  return %o : tensor<1x2x64x128xf16>
}

// -----

// Rows that no lane split fits (165 + 5 elements) live in thread-local memory.
// CHECK-LABEL: gpu.func @odd_rows
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK: memref.alloca() : memref<165xf32>
// CHECK: memref.alloca() : memref<5xf32>
// CHECK-NOT: vector.load
// CHECK: gpu.return
func.func @odd_rows(%q: tensor<1x2x64x165xf16>, %k: tensor<1x2x64x165xf16>, %v: tensor<1x2x64x5xf16>) -> tensor<1x2x64x5xf16> {
  %o = attn.attention %q, %k, %v : tensor<1x2x64x165xf16>, tensor<1x2x64x165xf16>, tensor<1x2x64x5xf16> -> tensor<1x2x64x5xf16>
  return %o : tensor<1x2x64x5xf16>
}

// -----

// A static block layout's tables become constant globals of the gpu.module.
// CHECK: module attributes {attn.kernels = {blocks
// CHECK: memref.global "private" constant @__attn_table{{.*}} : memref<2x2xi1> = dense<{{\[\[}}true, false], [true, true]]>
// CHECK: gpu.func @blocks
// CHECK: memref.get_global @__attn_table
func.func @blocks(%q: tensor<1x1x64x16xf16>, %k: tensor<1x1x64x16xf16>, %v: tensor<1x1x64x16xf16>) -> tensor<1x1x64x16xf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<blocks(32, 32, [[1, 0], [1, 1]])>}
      : tensor<1x1x64x16xf16>, tensor<1x1x64x16xf16>, tensor<1x1x64x16xf16> -> tensor<1x1x64x16xf16>
  return %o : tensor<1x1x64x16xf16>
}

// -----

// Segment ids are read by the kernel; their dynamic extents are named.
// CHECK: module attributes {attn.kernels = {documents
// CHECK-SAME: {dims = ["B", "SQ"], kind = "input", name = "q_segments"
// CHECK-SAME: {dims = ["B", "SK"], kind = "input", name = "kv_segments"
// CHECK: gpu.func @documents
// CHECK: memref.load %{{.+}} : memref<?x?xi32, strided<[?, 1]>>
func.func @documents(%q: tensor<?x2x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>, %qs: tensor<?x?xi32>, %ks: tensor<?x?xi32>) -> tensor<?x2x?x16xf32> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<?x?xi32>, tensor<?x?xi32>) {mask = #attn.mask<document>}
      : tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32> -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}

// -----

// CHECK: error: attn-gpu-schedule: the function must return the results of one attn.attention and nothing else
func.func @not_only_attention(%q: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  return %q : tensor<1x1x8x8xf32>
}
