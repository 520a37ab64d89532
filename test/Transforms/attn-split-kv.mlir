// RUN: attn-opt %s --split-input-file --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=16 --attn-tile-queries=q-tile=32 --attn-mask-schedule --attn-split-kv=split=3 --canonicalize --cse | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=16 --attn-tile-queries=q-tile=32 --attn-mask-schedule --attn-split-kv | FileCheck %s --check-prefix=SCHED

// Tests of --attn-split-kv: each KV loop, over the range the mask schedule
// gave it, becomes 3 loops over consecutive shares of ceil(tiles / 3)
// tiles, each from the empty running state, merged with one rescale each.

// CHECK-LABEL: func.func @gqa_causal
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[C16:.+]] = arith.constant 16 : index
// The Q tile's key range [0, %[[HI]]) (causal), in tiles, shared in 3.
// CHECK:     %[[TILES:.+]] = arith.ceildivsi %[[SPAN:.+]], %[[C16]] : index
// CHECK:     %[[PER:.+]] = arith.ceildivsi %[[TILES]], %[[C3]] : index
// CHECK:     %[[SHARE:.+]] = arith.muli %[[PER]], %[[C16]] : index
// CHECK:     %[[R:.+]]:3 = scf.for %[[S:.+]] = %{{.+}} to %[[C3]] step %{{.+}} iter_args(%[[M:.+]] = %[[NINF:[^,]+]], %[[D:.+]] = %[[Z:[^,]+]], %[[N:.+]] = %[[ZN:[^)]+]])
// CHECK:       %[[START:.+]] = arith.muli %[[S]], %[[SHARE]] : index
// CHECK:       %[[LO:.+]] = arith.minsi %[[START]], %[[UB:.+]] : index
// CHECK:       %[[END:.+]] = arith.addi %[[LO]], %[[SHARE]] : index
// CHECK:       %[[HI:.+]] = arith.minsi %[[END]], %[[UB]] : index
// Each part starts from the empty state, not from the running values.
// CHECK:       %[[P:.+]]:3 = scf.for %{{.+}} = %[[LO]] to %[[HI]] step %[[C16]] iter_args(%{{.+}} = %[[NINF]], %{{.+}} = %[[Z]], %{{.+}} = %[[ZN]])
// CHECK:         attn.score_map
// CHECK:       } {attn.kv_loop}
// CHECK-NEXT:  %[[MX:.+]] = attn.einsum max "bhgp,bhgp->bhgp" (%[[M]], %[[P]]#0)
// CHECK-NEXT:  %[[CA:.+]] = attn.einsum exp_sub "bhgp,bhgp->bhgp" (%[[M]], %[[MX]])
// CHECK-NEXT:  %[[CB:.+]] = attn.einsum exp_sub "bhgp,bhgp->bhgp" (%[[P]]#0, %[[MX]])
// CHECK-NEXT:  %[[DA:.+]] = attn.einsum mul "bhgp,bhgp->bhgp" (%[[D]], %[[CA]])
// CHECK-NEXT:  %[[DB:.+]] = attn.einsum mul "bhgp,bhgp->bhgp" (%[[P]]#1, %[[CB]])
// CHECK-NEXT:  %[[DN:.+]] = attn.einsum add "bhgp,bhgp->bhgp" (%[[DA]], %[[DB]])
// CHECK-NEXT:  %[[NA:.+]] = attn.einsum mul "bhgpf,bhgp->bhgpf" (%[[N]], %[[CA]])
// CHECK-NEXT:  %[[NB:.+]] = attn.einsum mul "bhgpf,bhgp->bhgpf" (%[[P]]#2, %[[CB]])
// CHECK-NEXT:  %[[NN:.+]] = attn.einsum add "bhgpf,bhgpf->bhgpf" (%[[NA]], %[[NB]])
// CHECK-NEXT:  scf.yield %[[MX]], %[[DN]], %[[NN]]
// CHECK-NEXT: } {attn.kv_split = 3 : i64}
// Without an option or a schedule the loop stays whole.
// SCHED-LABEL: func.func @gqa_causal
// SCHED-NOT: attn.kv_split
func.func @gqa_causal(%q: tensor<1x4x64x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x8xf32>) -> tensor<1x4x64x8xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>} : tensor<1x4x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x8xf32> -> tensor<1x4x64x8xf32>
  return %o : tensor<1x4x64x8xf32>
}

// -----

// The schedule's split_kv is used when no option is given.
// SCHED-LABEL: func.func @scheduled_split
// SCHED: } {attn.kv_loop}
// SCHED: } {attn.kv_split = 2 : i64}
func.func @scheduled_split(%q: tensor<1x2x1x16xf32>, %k: tensor<1x2x256x16xf32>, %v: tensor<1x2x256x16xf32>) -> tensor<1x2x1x16xf32> {
  %o = attn.attention %q, %k, %v {attn.schedule = {kv_tile = 16 : i64, order = "heads_outer", q_tile = 16 : i64, split_kv = 2 : i64}} : tensor<1x2x1x16xf32>, tensor<1x2x256x16xf32>, tensor<1x2x256x16xf32> -> tensor<1x2x1x16xf32>
  return %o : tensor<1x2x1x16xf32>
}
