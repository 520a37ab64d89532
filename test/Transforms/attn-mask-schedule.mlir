// RUN: attn-opt %s --split-input-file --attn-decompose-attention \
// RUN:   --attn-fuse-online-softmax=kv-tile=128 --attn-tile-queries=q-tile=128 \
// RUN:   --attn-mask-schedule=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: attn-opt %s --split-input-file --attn-decompose-attention \
// RUN:   --attn-fuse-online-softmax=kv-tile=128 --attn-tile-queries=q-tile=128 \
// RUN:   --attn-mask-schedule | FileCheck %s

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

// Head-dependent masks keep the dense loop with the predicate on every tile.
// REPORT: remark: mask schedule: 16 of 16 tiles visited (0 full, 16 partial, 0 empty inside the range); the mask is not analytic: dense loop
// CHECK-LABEL: func.func @negative_strided_stays_dense
// CHECK-NOT: scf.if
func.func @negative_strided_stays_dense(%q: tensor<1x4x512x32xf32>, %k: tensor<1x4x512x32xf32>, %v: tensor<1x4x512x32xf32>) -> tensor<1x4x512x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<strided(1, 4)>}
      : tensor<1x4x512x32xf32>, tensor<1x4x512x32xf32>, tensor<1x4x512x32xf32> -> tensor<1x4x512x32xf32>
  return %o : tensor<1x4x512x32xf32>
}
