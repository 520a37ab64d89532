// RUN: attn-opt %s --split-input-file --attn-decompose-attention \
// RUN:   --attn-fuse-online-softmax=kv-tile=128 --attn-tile-queries=q-tile=128 \
// RUN:   --attn-mask-schedule=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: attn-opt %s --split-input-file --attn-decompose-attention \
// RUN:   --attn-fuse-online-softmax=kv-tile=128 --attn-tile-queries=q-tile=128 \
// RUN:   --attn-mask-schedule | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-decompose-attention \
// RUN:   --attn-fuse-online-softmax=kv-tile=128 \
// RUN:   --attn-tile-queries='q-tile=128 order=heads_outer' \
// RUN:   --attn-mask-schedule=report 2>&1 | FileCheck %s --check-prefix=OUTER

// Causal at S = 4096 with 128x128 tiles: 528 tiles visited, not 1024.
// REPORT: remark: mask schedule: 528 of 1024 tiles visited (496 full, 32 partial, 0 empty inside the range)

// CHECK-LABEL: func.func @causal_skips_tiles_above_the_diagonal
// The key range of the Q tile [q0, q0 + len) ends at min(q0 + len, Sk):
// CHECK: %[[QLOOP:.+]]:3 = scf.for %[[Q0:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:   %[[QHI:.+]] = arith.minsi
// CHECK:   scf.for %[[K0:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// Full tiles take the score map without the predicate:
// CHECK:     %[[FULL:.+]] = arith.cmpi sle
// CHECK:     scf.if %[[FULL]]
// CHECK:       attn.score_map {{.*}} {scale = {{.*}}}
// CHECK-NOT:   mask
// CHECK:     } else {
// CHECK:       attn.score_map {{.*}} {mask = #attn.mask<causal>
// CHECK:   } {attn.kv_loop}
func.func @causal_skips_tiles_above_the_diagonal(%q: tensor<1x2x4096x64xf32>, %k: tensor<1x2x4096x64xf32>, %v: tensor<1x2x4096x64xf32>) -> tensor<1x2x4096x64xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x2x4096x64xf32>, tensor<1x2x4096x64xf32>, tensor<1x2x4096x64xf32> -> tensor<1x2x4096x64xf32>
  return %o : tensor<1x2x4096x64xf32>
}

// -----

// A 2-D neighborhood (96x96, kernel 13): far fewer tiles than the dense 5184.
// REPORT: remark: mask schedule: {{[0-9]+}} of 5184 tiles visited
// CHECK-LABEL: func.func @neighborhood_2d
func.func @neighborhood_2d(%q: tensor<1x1x9216x32xf32>, %k: tensor<1x1x9216x32xf32>, %v: tensor<1x1x9216x32xf32>) -> tensor<1x1x9216x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [96, 96], kernel = [13, 13])>}
      : tensor<1x1x9216x32xf32>, tensor<1x1x9216x32xf32>, tensor<1x1x9216x32xf32> -> tensor<1x1x9216x32xf32>
  return %o : tensor<1x1x9216x32xf32>
}

// -----

// Strided keys span every key of some head: the hull over the heads is all
// keys, and head-dependent masks keep the predicate on every tile.
// REPORT: remark: mask schedule: 16 of 16 tiles visited (0 full, 16 partial, 0 empty inside the range); the mask depends on the head: range and full tiles over all heads
// CHECK-LABEL: func.func @negative_strided_keeps_the_predicate
// CHECK: scf.for %{{.+}} = %{{.+}} to %c4{{.*}} step
// CHECK-NOT: scf.if
func.func @negative_strided_keeps_the_predicate(%q: tensor<1x4x512x32xf32>, %k: tensor<1x4x512x32xf32>, %v: tensor<1x4x512x32xf32>) -> tensor<1x4x512x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<strided(1, 4)>}
      : tensor<1x4x512x32xf32>, tensor<1x4x512x32xf32>, tensor<1x4x512x32xf32> -> tensor<1x4x512x32xf32>
  return %o : tensor<1x4x512x32xf32>
}

// -----

// A static 2-D block layout: per query block, the first and last kept key
// block as constant tables; the Q tile's range is the hull of its rows.
// REPORT: remark: mask schedule: 6 of 16 tiles visited
// CHECK-LABEL: func.func @blocks_static_bounds_the_loop
// CHECK-DAG: %[[FIRST:.+]] = arith.constant dense<[0, 0, 2, 2]> : tensor<4xindex>
// CHECK-DAG: %[[LAST:.+]] = arith.constant dense<[0, 1, 2, 3]> : tensor<4xindex>
// CHECK: %[[ROWS:.+]]:2 = scf.for
// CHECK:   tensor.extract %[[FIRST]]
// CHECK:   tensor.extract %[[LAST]]
// CHECK: %[[LO:.+]] = arith.divsi %[[ROWS]]#0
// CHECK: %[[LB:.+]] = arith.muli %[[LO]]
// CHECK: %[[UB:.+]] = arith.maxsi %[[ROWS]]#1, %[[LB]]
// CHECK: scf.for %{{.+}} = %[[LB]] to %[[UB]] step
// Tiles whose blocks are all kept (2-D prefix counts) skip the predicate.
// CHECK-DAG: arith.constant dense<[0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 2, 3, 3, 3, 0, 2, 3, 4, 4, 0, 2, 3, 5, 6]> : tensor<25xindex>
// CHECK: scf.if
// CHECK:   attn.score_map {{.*}} {scale = {{.*}}}
// CHECK: } else {
// CHECK:   attn.score_map {{.*}} {mask = #attn.mask<blocks
// CHECK: } {attn.kv_loop}
func.func @blocks_static_bounds_the_loop(%q: tensor<1x2x512x32xf32>, %k: tensor<1x2x512x32xf32>, %v: tensor<1x2x512x32xf32>) -> tensor<1x2x512x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<blocks(128, 128, [[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]])>}
      : tensor<1x2x512x32xf32>, tensor<1x2x512x32xf32>, tensor<1x2x512x32xf32> -> tensor<1x2x512x32xf32>
  return %o : tensor<1x2x512x32xf32>
}

// -----

// A per-head layout: the range is the hull over both query heads (head 0
// keeps the diagonal, head 1 the lower triangle); tiles kept by both (the
// diagonal) skip the predicate, tested for every head in a loop.
// REPORT: remark: mask schedule: 10 of 16 tiles visited (4 full, 6 partial, 0 empty inside the range); the mask depends on the head: range and full tiles over all heads
// CHECK-LABEL: func.func @blocks_per_head_hull_over_heads
// CHECK: %[[HULL:.+]]:2 = scf.for %{{.+}} = %{{.+}} to %c2{{.*}} step
// CHECK:   scf.for
// CHECK: %[[LO:.+]] = arith.divsi %[[HULL]]#0
// CHECK: %[[LB:.+]] = arith.muli %[[LO]]
// CHECK: %[[UB:.+]] = arith.maxsi %[[HULL]]#1, %[[LB]]
// CHECK: scf.for %{{.+}} = %[[LB]] to %[[UB]] step
// CHECK:   %[[FULL:.+]] = scf.for {{.*}} -> (i1)
// CHECK:   scf.if %[[FULL]]
// CHECK: } {attn.kv_loop}
// With the heads outside the query loop each KV head has its own range and
// all its visited tiles are full: 4 + 10 tiles, none with the predicate.
// OUTER: remark: mask schedule: 14 of 32 tiles visited (14 full, 0 partial, 0 empty inside the range); counted over the 2 KV heads, each with its own range
// OUTER-LABEL: func.func @blocks_per_head_hull_over_heads
// OUTER: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step
// OUTER:   scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step
// OUTER:     scf.for
// OUTER:       scf.for
// OUTER:         attn.score_map {{.*}} origin [%[[B]], %[[H]]] {{.*}}q_heads = 2
// OUTER:       } {attn.kv_loop}
// OUTER:     } {attn.q_loop}
func.func @blocks_per_head_hull_over_heads(%q: tensor<1x2x512x32xf32>, %k: tensor<1x2x512x32xf32>, %v: tensor<1x2x512x32xf32>) -> tensor<1x2x512x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<blocks(128, 128, [[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]])>}
      : tensor<1x2x512x32xf32>, tensor<1x2x512x32xf32>, tensor<1x2x512x32xf32> -> tensor<1x2x512x32xf32>
  return %o : tensor<1x2x512x32xf32>
}

// -----

// Segment ids: for each batch entry, the documents of the Q tile's queries,
// then the keys of those documents; the hull over the batch bounds the loop.
// Tiles whose queries and keys all lie in one document, in every batch
// entry, skip the predicate (every id of the tile compared with its first
// query's, first in batch entry 0, then folded over the batch). Without the
// data at compile time the report counts every tile.
// REPORT: remark: mask schedule: 16 of 16 tiles visited
// CHECK-LABEL: func.func @document_bounds_the_loop
// CHECK-SAME: %[[QS:[^:]+]]: tensor<2x512xi32>, %[[KS:[^:]+]]: tensor<2x512xi32>
// CHECK: %[[HULL:.+]]:2 = scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step
// CHECK:   scf.for
// CHECK:     tensor.extract %[[QS]][%[[B]], %{{.+}}]
// CHECK:   scf.for
// CHECK:     tensor.extract %[[KS]][%[[B]], %{{.+}}]
// CHECK: %[[LO:.+]] = arith.divsi %[[HULL]]#0
// CHECK: %[[LB:.+]] = arith.muli %[[LO]]
// CHECK: %[[UB:.+]] = arith.maxsi %[[HULL]]#1, %[[LB]]
// CHECK: scf.for %{{.+}} = %[[LB]] to %[[UB]] step
// CHECK:   scf.for {{.*}} -> (i1)
// CHECK:     tensor.extract %[[QS]]
// CHECK:   scf.for {{.*}} -> (i1)
// CHECK:     tensor.extract %[[KS]]
// CHECK:   %[[FULL:.+]] = scf.for {{.*}} -> (i1)
// CHECK:     scf.for {{.*}} -> (i1)
// CHECK:     scf.for {{.*}} -> (i1)
// CHECK:   scf.if %[[FULL]]
// CHECK:     attn.score_map {{.*}} lengths [%{{.+}}, %{{.+}}] {scale
// CHECK:   } else {
// CHECK:     attn.score_map {{.*}} segments(
// CHECK: } {attn.kv_loop}
func.func @document_bounds_the_loop(%q: tensor<2x2x512x32xf32>, %k: tensor<2x2x512x32xf32>, %v: tensor<2x2x512x32xf32>, %qs: tensor<2x512xi32>, %ks: tensor<2x512xi32>) -> tensor<2x2x512x32xf32> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<2x512xi32>, tensor<2x512xi32>) {mask = #attn.mask<document>}
      : tensor<2x2x512x32xf32>, tensor<2x2x512x32xf32>, tensor<2x2x512x32xf32> -> tensor<2x2x512x32xf32>
  return %o : tensor<2x2x512x32xf32>
}
