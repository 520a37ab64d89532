// RUN: attn-opt %s --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=32 --attn-tile-queries=q-tile=16 --canonicalize --cse | FileCheck %s
// RUN: attn-opt %s --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=32 --attn-tile-queries=q-tile=16 | FileCheck %s --check-prefix=RAW
// RUN: attn-opt %s --attn-decompose-attention --attn-fuse-online-softmax --attn-tile-queries --canonicalize | FileCheck %s --check-prefix=SCHED
// RUN: attn-opt %s --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=32 --attn-tile-queries=q-tile=16 --attn-tile-queries=q-tile=8 | FileCheck %s --check-prefix=TWICE
// RUN: attn-opt %s --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=32 --attn-tile-queries='q-tile=16 order=heads_outer' --canonicalize --cse | FileCheck %s --check-prefix=OUTER
// RUN: not attn-opt %s --attn-tile-queries=order=sideways 2>&1 | FileCheck %s --check-prefix=BADORDER
// BADORDER: error: attn-tile-queries: order must be heads_inner or heads_outer, found 'sideways'

// With the heads outside, loops over the 2 batch entries and 4 KV heads
// slice one (b, hkv) pair of Q, K, V and the running values, run the query
// loop on it, and write its results back; the score map knows its origin.
// OUTER-LABEL: func.func @mha_f32_bhsd_tiled
// OUTER-SAME: (%[[Q:[a-z0-9]+]]: tensor<2x4x64x32xf32>, %[[K:[a-z0-9]+]]: tensor<2x4x128x32xf32>, %[[V:[a-z0-9]+]]: tensor<2x4x128x32xf32>)
// OUTER:      %[[Q5:.+]] = tensor.expand_shape %[[Q]]
// OUTER:      scf.for %[[B:.+]] = %{{.+}} to %c2 step %c1 iter_args(
// OUTER-NEXT:   scf.for %[[H:.+]] = %{{.+}} to %c4 step %c1 iter_args(%[[M:[a-z0-9]+]] = %{{.+}}, %[[D:[a-z0-9]+]] = %{{.+}}, %[[N:[a-z0-9]+]] = %{{.+}})
// OUTER-NEXT:     %[[QH:.+]] = tensor.extract_slice %[[Q5]][%[[B]], %[[H]], 0, 0, 0] [1, 1, 1, 64, 32]
// OUTER-NEXT:     %[[KH:.+]] = tensor.extract_slice %[[K]][%[[B]], %[[H]], 0, 0] [1, 1, 128, 32]
// OUTER-NEXT:     %[[VH:.+]] = tensor.extract_slice %[[V]][%[[B]], %[[H]], 0, 0] [1, 1, 128, 32]
// OUTER:          %[[R:.+]]:3 = scf.for %[[Q0:.+]] = %{{.+}} to %c64 step %c16
// OUTER:            scf.for
// OUTER:              attn.score_map %{{.+}} at [%[[Q0]], %{{.+}}] origin [%[[B]], %[[H]]] lengths [%c64, %c128] {{{.*}}q_heads = 4 : i64
// OUTER:            } {attn.kv_loop}
// OUTER:          } {attn.q_loop}
// OUTER-NEXT:     tensor.insert_slice %[[R]]#0 into %[[M]][%[[B]], %[[H]], 0, 0] [1, 1, 1, 64]
// OUTER-NEXT:     tensor.insert_slice %[[R]]#1 into %[[D]][%[[B]], %[[H]], 0, 0] [1, 1, 1, 64]
// OUTER-NEXT:     tensor.insert_slice %[[R]]#2 into %[[N]][%[[B]], %[[H]], 0, 0, 0] [1, 1, 1, 64, 32]

// Tests of --attn-tile-queries: each KV loop of the online softmax
// (attn.kv_loop) is wrapped in a loop over Q tiles (attn.q_loop) that runs
// its own KV loop on the tile's queries and writes the tile's rows of the
// running max, denominator and numerator. The normalisation and the LSE stay
// after the Q loop. The first RUN line checks the canonical form, RAW the
// pass's own output.

// CHECK-LABEL: func.func @mha_f32_bhsd_tiled
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<2x4x64x32xf32>, %[[K:[a-z0-9]+]]: tensor<2x4x128x32xf32>, %[[V:[a-z0-9]+]]: tensor<2x4x128x32xf32>)
// CHECK-DAG:  %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:  %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:  %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG:  %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:  %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG:  %[[C128:.+]] = arith.constant 128 : index
// CHECK-DAG:  %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:  %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:      %[[Q5:.+]] = tensor.expand_shape %[[Q]]
// CHECK-DAG:  %[[ROWS:.+]] = tensor.empty() : tensor<2x4x1x64xf32>
// CHECK-DAG:  %[[OUTS:.+]] = tensor.empty() : tensor<2x4x1x64x32xf32>
// The loop over Q tiles of 16 queries.
// CHECK:      %[[R:.+]]:3 = scf.for %[[Q0:[a-z0-9]+]] = %[[C0]] to %[[C64]] step %[[C16]] iter_args(%[[FM:[a-z0-9]+]] = %[[ROWS]], %[[FD:[a-z0-9]+]] = %[[ROWS]], %[[FN:[a-z0-9]+]] = %[[OUTS]]) -> (tensor<2x4x1x64xf32>, tensor<2x4x1x64xf32>, tensor<2x4x1x64x32xf32>) {
// The Q tile [q0, q0 + min(16, Sq - q0)) on axis 3 of [B, Hkv, G, Sq, D].
// CHECK-NEXT:   %[[QREST:.+]] = arith.subi %[[C64]], %[[Q0]] : index
// CHECK-NEXT:   %[[QLEN:.+]] = arith.minsi %[[QREST]], %[[C16]] : index
// CHECK-NEXT:   %[[QT:.+]] = tensor.extract_slice %[[Q5]][0, 0, 0, %[[Q0]], 0] [2, 4, 1, %[[QLEN]], 32] [1, 1, 1, 1, 1] : tensor<2x4x1x64x32xf32> to tensor<2x4x1x?x32xf32>
// A fresh running state for the tile's rows: -inf, 0, 0.
// CHECK-NEXT:   %[[E:.+]] = tensor.empty(%[[QLEN]]) : tensor<2x4x1x?xf32>
// CHECK-NEXT:   %[[MAX0:.+]] = linalg.fill ins(%[[NINF]] : f32) outs(%[[E]] : tensor<2x4x1x?xf32>) -> tensor<2x4x1x?xf32>
// CHECK-NEXT:   %[[DEN0:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x4x1x?xf32>) -> tensor<2x4x1x?xf32>
// CHECK-NEXT:   %[[EN:.+]] = tensor.empty(%[[QLEN]]) : tensor<2x4x1x?x32xf32>
// CHECK-NEXT:   %[[NUM0:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EN]] : tensor<2x4x1x?x32xf32>) -> tensor<2x4x1x?x32xf32>
// The tile's own KV loop.
// CHECK-NEXT:   %[[T:.+]]:3 = scf.for %[[K0:[a-z0-9]+]] = %[[C0]] to %[[C128]] step %[[C32]] iter_args(%{{.+}} = %[[MAX0]], %{{.+}} = %[[DEN0]], %{{.+}} = %[[NUM0]]) -> (tensor<2x4x1x?xf32>, tensor<2x4x1x?xf32>, tensor<2x4x1x?x32xf32>) {
// CHECK:          %[[KT:.+]] = tensor.extract_slice %[[K]][0, 0, %[[K0]], 0]
// CHECK:          %[[QK:.+]] = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%[[QT]], %[[KT]]) : (tensor<2x4x1x?x32xf32>, tensor<2x4x?x32xf32>) -> tensor<2x4x1x?x?xf32>
// The tile's scores start at query q0 and key k0.
// CHECK-NEXT:     attn.score_map %[[QK]] at [%[[Q0]], %[[K0]]] lengths [%[[C64]], %[[C128]]] {mask = #attn.mask<causal>, scale = 0.176776692 : f32} : tensor<2x4x1x?x?xf32>
// CHECK:        } {attn.kv_loop}
// Rows [q0, q0 + len) of the running max, denominator and numerator.
// CHECK-NEXT:   %[[L0:.+]] = tensor.dim %[[T]]#0, %[[C3]] : tensor<2x4x1x?xf32>
// CHECK-NEXT:   %[[IM:.+]] = tensor.insert_slice %[[T]]#0 into %[[FM]][0, 0, 0, %[[Q0]]] [2, 4, 1, %[[L0]]] [1, 1, 1, 1] : tensor<2x4x1x?xf32> into tensor<2x4x1x64xf32>
// CHECK-NEXT:   %[[L1:.+]] = tensor.dim %[[T]]#1, %[[C3]] : tensor<2x4x1x?xf32>
// CHECK-NEXT:   %[[ID:.+]] = tensor.insert_slice %[[T]]#1 into %[[FD]][0, 0, 0, %[[Q0]]] [2, 4, 1, %[[L1]]] [1, 1, 1, 1] : tensor<2x4x1x?xf32> into tensor<2x4x1x64xf32>
// CHECK-NEXT:   %[[L2:.+]] = tensor.dim %[[T]]#2, %[[C3]] : tensor<2x4x1x?x32xf32>
// CHECK-NEXT:   %[[IN:.+]] = tensor.insert_slice %[[T]]#2 into %[[FN]][0, 0, 0, %[[Q0]], 0] [2, 4, 1, %[[L2]], 32] [1, 1, 1, 1, 1] : tensor<2x4x1x?x32xf32> into tensor<2x4x1x64x32xf32>
// CHECK-NEXT:   scf.yield %[[IM]], %[[ID]], %[[IN]] : tensor<2x4x1x64xf32>, tensor<2x4x1x64xf32>, tensor<2x4x1x64x32xf32>
// CHECK-NEXT: } {attn.q_loop}
// O = numerator / denominator, once, after the Q loop.
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1) : (tensor<2x4x1x64x32xf32>, tensor<2x4x1x64xf32>) -> tensor<2x4x1x64x32xf32>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[AV]]
// CHECK-NEXT: return %[[O]]

// Before canonicalisation the Q tile's offset is the score map's offset
// (0) plus q0, and the KV loop's bounds are read from the tensors.
// RAW-LABEL: func.func @mha_f32_bhsd_tiled
// RAW:       %[[C0:.+]] = arith.constant 0 : index
// RAW:       %[[C16:.+]] = arith.constant 16 : index
// RAW-NEXT:  %[[C3:.+]] = arith.constant 3 : index
// RAW-NEXT:  %[[SQ:.+]] = tensor.dim %[[Q5:.+]], %[[C3]] : tensor<2x4x1x64x32xf32>
// RAW-NEXT:  %[[R:.+]]:3 = scf.for %[[Q0:[a-z0-9]+]] = %{{.+}} to %[[SQ]] step %[[C16]] iter_args
// RAW-NEXT:    %[[QREST:.+]] = arith.subi %[[SQ]], %[[Q0]] : index
// RAW-NEXT:    %[[QLEN:.+]] = arith.minsi %[[QREST]], %[[C16]] : index
// RAW-NEXT:    %[[QT:.+]] = tensor.extract_slice %[[Q5]][0, 0, 0, %[[Q0]], 0] [2, 4, 1, %[[QLEN]], 32]
// RAW-NEXT:    %[[QOFF:.+]] = arith.addi %[[C0]], %[[Q0]] : index
// RAW:         scf.for %[[K0:[a-z0-9]+]] =
// RAW:           attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%[[QT]], %{{.+}})
// RAW-NEXT:      attn.score_map %{{.+}} at [%[[QOFF]], %[[K0]]]
// RAW:         } {attn.kv_loop}
// RAW:         tensor.insert_slice %{{.+}}#0 into %{{.+}}[0, 0, 0, %[[Q0]]]
// RAW:         tensor.insert_slice %{{.+}}#1 into %{{.+}}[0, 0, 0, %[[Q0]]]
// RAW:         tensor.insert_slice %{{.+}}#2 into %{{.+}}[0, 0, 0, %[[Q0]], 0]
// RAW:       } {attn.q_loop}
// RAW-NEXT:  attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1)

// Tiling twice leaves the KV loop inside the Q loop alone.
// TWICE-LABEL: func.func @mha_f32_bhsd_tiled
// TWICE-COUNT-1: } {attn.q_loop}
// TWICE-NOT:     attn.q_loop
// TWICE:         return
func.func @mha_f32_bhsd_tiled(%q: tensor<2x4x64x32xf32>, %k: tensor<2x4x128x32xf32>, %v: tensor<2x4x128x32xf32>) -> tensor<2x4x64x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<2x4x64x32xf32>, tensor<2x4x128x32xf32>, tensor<2x4x128x32xf32> -> tensor<2x4x64x32xf32>
  return %o : tensor<2x4x64x32xf32>
}

// CHECK-LABEL: func.func @bshd_gqa_tiles_axis_1
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<1x64x8x16xf32>, %[[K:[a-z0-9]+]]: tensor<1x96x2x16xf32>, %[[V:[a-z0-9]+]]: tensor<1x96x2x16xf32>)
// CHECK-DAG:  %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG:  %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG:  %[[C96:.+]] = arith.constant 96 : index
// CHECK:      %[[Q5:.+]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1], [2, 3], [4]] {{.*}} into tensor<1x64x2x4x16xf32>
// The running values are [B, Hkv, G, Sq] whatever the layout.
// CHECK:      %[[R:.+]]:3 = scf.for %[[Q0:[a-z0-9]+]] = %{{.+}} to %[[C64]] step %[[C16]] iter_args({{.+}}) -> (tensor<1x2x4x64xf32>, tensor<1x2x4x64xf32>, tensor<1x2x4x64x16xf32>) {
// CHECK:        %[[QLEN:.+]] = arith.minsi %{{.+}}, %[[C16]] : index
// The Q tile is sliced on axis 1 of [B, Sq, Hkv, G, D].
// CHECK-NEXT:   %[[QT:.+]] = tensor.extract_slice %[[Q5]][0, %[[Q0]], 0, 0, 0] [1, %[[QLEN]], 2, 4, 16] [1, 1, 1, 1, 1] : tensor<1x64x2x4x16xf32> to tensor<1x?x2x4x16xf32>
// CHECK:        %[[T:.+]]:3 = scf.for %[[K0:[a-z0-9]+]] = %{{.+}} to %[[C96]] step
// CHECK:          %[[KT:.+]] = tensor.extract_slice %[[K]][0, %[[K0]], 0, 0]
// CHECK:          %[[QK:.+]] = attn.einsum mul "bphge,bmhe->bhgpm" reduce add (%[[QT]], %[[KT]]) : (tensor<1x?x2x4x16xf32>, tensor<1x?x2x16xf32>) -> tensor<1x2x4x?x?xf32>
// CHECK-NEXT:     attn.score_map %[[QK]] at [%[[Q0]], %[[K0]]] lengths [%[[C64]], %[[C96]]]
// CHECK:        } {attn.kv_loop}
// Rows are inserted on axis 3 of [B, Hkv, G, Sq(, F)].
// CHECK:        tensor.insert_slice %[[T]]#0 into %{{.+}}[0, 0, 0, %[[Q0]]] [1, 2, 4, %{{.+}}] [1, 1, 1, 1] : tensor<1x2x4x?xf32> into tensor<1x2x4x64xf32>
// CHECK:        tensor.insert_slice %[[T]]#1 into %{{.+}}[0, 0, 0, %[[Q0]]] [1, 2, 4, %{{.+}}] [1, 1, 1, 1] : tensor<1x2x4x?xf32> into tensor<1x2x4x64xf32>
// CHECK:        tensor.insert_slice %[[T]]#2 into %{{.+}}[0, 0, 0, %[[Q0]], 0] [1, 2, 4, %{{.+}}, 16] [1, 1, 1, 1, 1] : tensor<1x2x4x?x16xf32> into tensor<1x2x4x64x16xf32>
// CHECK:      } {attn.q_loop}
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1)
// CHECK-NEXT: %[[OT:.+]] = attn.einsum copy "bhgpf->bphgf" (%[[AV]]) : (tensor<1x2x4x64x16xf32>) -> tensor<1x64x2x4x16xf32>
// CHECK-NEXT: tensor.collapse_shape %[[OT]]

// RAW-LABEL: func.func @bshd_gqa_tiles_axis_1
// RAW:       arith.constant 16 : index
// RAW-NEXT:  %[[C1:.+]] = arith.constant 1 : index
// RAW-NEXT:  %[[SQ:.+]] = tensor.dim %[[Q5:.+]], %[[C1]] : tensor<1x64x2x4x16xf32>
// RAW-NEXT:  scf.for %[[Q0:[a-z0-9]+]] = %{{.+}} to %[[SQ]] step
// RAW:         tensor.extract_slice %[[Q5]][0, %[[Q0]], 0, 0, 0]
// RAW:       } {attn.q_loop}
func.func @bshd_gqa_tiles_axis_1(%q: tensor<1x64x8x16xf32>, %k: tensor<1x96x2x16xf32>, %v: tensor<1x96x2x16xf32>) -> tensor<1x64x8x16xf32> {
  %o = attn.attention %q, %k, %v {layout = #attn.layout<bshd>}
      : tensor<1x64x8x16xf32>, tensor<1x96x2x16xf32>, tensor<1x96x2x16xf32> -> tensor<1x64x8x16xf32>
  return %o : tensor<1x64x8x16xf32>
}

// CHECK-LABEL: func.func @dynamic_shapes_with_lse
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<?x8x?x64xf32>, %[[K:[a-z0-9]+]]: tensor<?x2x?x64xf32>, %[[V:[a-z0-9]+]]: tensor<?x2x?x64xf32>)
// CHECK-DAG:  %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:  %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:  %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:  %[[C16:.+]] = arith.constant 16 : index
// CHECK:      %[[SQ:.+]] = tensor.dim %[[Q]], %[[C2]] : tensor<?x8x?x64xf32>
// CHECK-NEXT: %[[Q5:.+]] = tensor.expand_shape %[[Q]]
// CHECK-NEXT: %[[SK:.+]] = tensor.dim %[[K]], %[[C2]] : tensor<?x2x?x64xf32>
// Batch and query count of the results come from the expanded Q.
// CHECK-NEXT: %[[B5:.+]] = tensor.dim %[[Q5]], %[[C0]] : tensor<?x2x4x?x64xf32>
// CHECK-NEXT: %[[P5:.+]] = tensor.dim %[[Q5]], %[[C3]] : tensor<?x2x4x?x64xf32>
// CHECK-NEXT: %[[ROWS:.+]] = tensor.empty(%[[B5]], %[[P5]]) : tensor<?x2x4x?xf32>
// CHECK-NEXT: %[[OUTS:.+]] = tensor.empty(%[[B5]], %[[P5]]) : tensor<?x2x4x?x64xf32>
// CHECK-NEXT: %[[R:.+]]:3 = scf.for %[[Q0:[a-z0-9]+]] = %[[C0]] to %[[P5]] step %[[C16]] iter_args(%{{.+}} = %[[ROWS]], %{{.+}} = %[[ROWS]], %{{.+}} = %[[OUTS]]) -> (tensor<?x2x4x?xf32>, tensor<?x2x4x?xf32>, tensor<?x2x4x?x64xf32>) {
// CHECK-NEXT:   %[[QREST:.+]] = arith.subi %[[P5]], %[[Q0]] : index
// CHECK-NEXT:   %[[QLEN:.+]] = arith.minsi %[[QREST]], %[[C16]] : index
// CHECK-NEXT:   %[[QT:.+]] = tensor.extract_slice %[[Q5]][0, 0, 0, %[[Q0]], 0] [%[[B5]], 2, 4, %[[QLEN]], 64] [1, 1, 1, 1, 1] : tensor<?x2x4x?x64xf32> to tensor<?x2x4x?x64xf32>
// CHECK-NEXT:   %[[E:.+]] = tensor.empty(%[[B5]], %[[QLEN]]) : tensor<?x2x4x?xf32>
// CHECK:        %[[T:.+]]:3 = scf.for %[[K0:[a-z0-9]+]] = %[[C0]] to %[[SK]] step
// CHECK:          attn.score_map %{{.+}} at [%[[Q0]], %[[K0]]] lengths [%[[SQ]], %[[SK]]] {mask = #attn.mask<causal>, scale = 1.250000e-01 : f32} : tensor<?x2x4x?x?xf32>
// CHECK:        } {attn.kv_loop}
// CHECK:        tensor.insert_slice %[[T]]#0 into %{{.+}}[0, 0, 0, %[[Q0]]]
// CHECK:        tensor.insert_slice %[[T]]#1 into %{{.+}}[0, 0, 0, %[[Q0]]]
// CHECK:        tensor.insert_slice %[[T]]#2 into %{{.+}}[0, 0, 0, %[[Q0]], 0]
// CHECK:      } {attn.q_loop}
// The normalisation and the LSE read the Q loop's results.
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1) : (tensor<?x2x4x?x64xf32>, tensor<?x2x4x?xf32>) -> tensor<?x2x4x?x64xf32>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[AV]]
// CHECK-NEXT: %[[LOG:.+]] = attn.einsum log "bhgp->bhgp" (%[[R]]#1)
// CHECK-NEXT: %[[L:.+]] = attn.einsum add "bhgp,bhgp->bhgp" (%[[R]]#0, %[[LOG]])
// CHECK-NEXT: %[[LSE:.+]] = tensor.collapse_shape %[[L]] {{\[}}[0], [1, 2], [3]] : tensor<?x2x4x?xf32> into tensor<?x8x?xf32>
// CHECK-NEXT: return %[[O]], %[[LSE]]

// RAW-LABEL: func.func @dynamic_shapes_with_lse
// RAW:       arith.constant 16 : index
// RAW-NEXT:  %[[C3:.+]] = arith.constant 3 : index
// RAW-NEXT:  %[[SQ:.+]] = tensor.dim %{{.+}}, %[[C3]] : tensor<?x2x4x?x64xf32>
// RAW-NEXT:  %[[R:.+]]:3 = scf.for %{{.+}} = %{{.+}} to %[[SQ]] step
// RAW:       } {attn.q_loop}
// RAW-NEXT:  attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1)
// RAW:       attn.einsum log "bhgp->bhgp" (%[[R]]#1)
// RAW-NEXT:  attn.einsum add "bhgp,bhgp->bhgp" (%[[R]]#0, %{{.+}})
func.func @dynamic_shapes_with_lse(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>) -> (tensor<?x8x?x64xf32>, tensor<?x8x?xf32>) {
  %o, %l = attn.attention %q, %k, %v {mask = #attn.mask<causal>, return_lse}
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
  return %o, %l : tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
}

// Tile sizes come from attn.schedule when no option is given, else 64.
// SCHED-LABEL: func.func @schedule_tiles
// SCHED-DAG:   %[[C8:.+]] = arith.constant 8 : index
// SCHED-DAG:   %[[C16:.+]] = arith.constant 16 : index
// SCHED:       scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C8]] iter_args
// SCHED:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C16]] iter_args
// SCHED:         } {attn.kv_loop}
// SCHED:       } {attn.q_loop}
// The option wins over the schedule.
// CHECK-LABEL: func.func @schedule_tiles
// CHECK-DAG:   %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG:   %[[C32:.+]] = arith.constant 32 : index
// CHECK:       scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C16]] iter_args
// CHECK:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C32]] iter_args
func.func @schedule_tiles(%q: tensor<1x4x64x16xf32>, %k: tensor<1x4x64x16xf32>, %v: tensor<1x4x64x16xf32>) -> tensor<1x4x64x16xf32> {
  %o = attn.attention %q, %k, %v {attn.schedule = {kv_tile = 16 : i64, q_tile = 8 : i64, split_kv = 1 : i64}}
      : tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32> -> tensor<1x4x64x16xf32>
  return %o : tensor<1x4x64x16xf32>
}

// SCHED-LABEL: func.func @default_tiles
// SCHED-DAG:   %[[C64:.+]] = arith.constant 64 : index
// SCHED-DAG:   %[[C256:.+]] = arith.constant 256 : index
// SCHED:       scf.for %{{.+}} = %{{.+}} to %[[C256]] step %[[C64]] iter_args
// SCHED:         scf.for %{{.+}} = %{{.+}} to %[[C256]] step %[[C64]] iter_args
func.func @default_tiles(%q: tensor<1x4x256x16xf32>, %k: tensor<1x4x256x16xf32>, %v: tensor<1x4x256x16xf32>) -> tensor<1x4x256x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x256x16xf32>, tensor<1x4x256x16xf32>, tensor<1x4x256x16xf32> -> tensor<1x4x256x16xf32>
  return %o : tensor<1x4x256x16xf32>
}

// A loop without attn.kv_loop is not tiled.
// CHECK-LABEL: func.func @negative_loop_without_kv_loop_attr
// CHECK:       scf.for
// CHECK-NOT:   attn.q_loop
// CHECK:       return
func.func @negative_loop_without_kv_loop_attr(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %x) -> tensor<4xf32> {
    %y = attn.einsum exp "p->p" (%a) : (tensor<4xf32>) -> tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
