// RUN: attn-opt %s --attn-decompose-attention --attn-fuse-online-softmax=kv-tile=32 | FileCheck %s
// RUN: attn-opt %s --attn-decompose-attention --attn-fuse-online-softmax | FileCheck %s --check-prefix=DEFAULT

// Tests of --attn-fuse-online-softmax: the 3-pass cascade that
// --attn-decompose-attention produces becomes one loop over KV tiles carrying
// the running max, denominator and numerator, followed by one normalisation.
// Cascades of another shape stay as they are (negative_ cases, hand-written).

//===----------------------------------------------------------------------===//
// The fused loop
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @mha_f32_bhsd_fused
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<2x4x64x32xf32>, %[[K:[a-z0-9]+]]: tensor<2x4x128x32xf32>, %[[V:[a-z0-9]+]]: tensor<2x4x128x32xf32>)
// CHECK:      %[[Q5:.+]] = tensor.expand_shape %[[Q]]
// CHECK:      %[[SQ:.+]] = tensor.dim %[[Q]]
// CHECK:      %[[SK:.+]] = tensor.dim %[[K]]
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// The whole-tensor QK and score map are gone.
// CHECK-NOT:  attn.einsum
// CHECK-NOT:  attn.score_map
// Running state: max = -inf, denominator = 0, numerator = 0.
// CHECK-DAG:  %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:  %[[MAX0:.+]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.+}} : tensor<2x4x1x64xf32>) -> tensor<2x4x1x64xf32>
// CHECK-DAG:  %[[DEN0:.+]] = linalg.fill ins(%[[ZD:.+]] : f32) outs(%{{.+}} : tensor<2x4x1x64xf32>) -> tensor<2x4x1x64xf32>
// CHECK-DAG:  %[[ZD]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:  %[[NUM0:.+]] = linalg.fill ins(%[[ZN:.+]] : f32) outs(%{{.+}} : tensor<2x4x1x64x32xf32>) -> tensor<2x4x1x64x32xf32>
// CHECK-DAG:  %[[ZN]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:  %[[LB:.+]] = arith.constant 0 : index
// CHECK-DAG:  %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:  %[[NK:.+]] = tensor.dim %[[K]], %{{.+}} : tensor<2x4x128x32xf32>
// CHECK:      %[[R:.+]]:3 = scf.for %[[K0:[a-z0-9]+]] = %[[LB]] to %[[NK]] step %[[C32]] iter_args(%[[M:[a-z0-9]+]] = %[[MAX0]], %[[D:[a-z0-9]+]] = %[[DEN0]], %[[N:[a-z0-9]+]] = %[[NUM0]]) -> (tensor<2x4x1x64xf32>, tensor<2x4x1x64xf32>, tensor<2x4x1x64x32xf32>) {
// The KV tile [k0, k0 + min(32, Sk - k0)).
// CHECK-NEXT:   %[[REST:.+]] = arith.subi %[[NK]], %[[K0]] : index
// CHECK-NEXT:   %[[LEN:.+]] = arith.minsi %[[REST]], %[[C32]] : index
// CHECK-NEXT:   %[[KT:.+]] = tensor.extract_slice %[[K]][0, 0, %[[K0]], 0] [2, 4, %[[LEN]], 32] [1, 1, 1, 1] : tensor<2x4x128x32xf32> to tensor<2x4x?x32xf32>
// CHECK-NEXT:   %[[VT:.+]] = tensor.extract_slice %[[V]][0, 0, %[[K0]], 0] [2, 4, %[[LEN]], 32] [1, 1, 1, 1] : tensor<2x4x128x32xf32> to tensor<2x4x?x32xf32>
// S = map(Q K^T) on the tile, at key offset k0
// CHECK-NEXT:   %[[QK:.+]] = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%[[Q5]], %[[KT]]) : (tensor<2x4x1x64x32xf32>, tensor<2x4x?x32xf32>) -> tensor<2x4x1x64x?xf32>
// CHECK-NEXT:   %[[S:.+]] = attn.score_map %[[QK]] at [%[[C0]], %[[K0]]] lengths [%[[SQ]], %[[SK]]] {mask = #attn.mask<causal>, scale = 0.176776692 : f32} : tensor<2x4x1x64x?xf32>
// newMax = max(oldMax, rowMax(S))
// CHECK-NEXT:   %[[ROWMAX:.+]] = attn.einsum copy "bhgpm->bhgp" reduce max (%[[S]]) : (tensor<2x4x1x64x?xf32>) -> tensor<2x4x1x64xf32>
// CHECK-NEXT:   %[[NEWMAX:.+]] = attn.einsum max "bhgp,bhgp->bhgp" (%[[M]], %[[ROWMAX]])
// P = exp(S - newMax)
// CHECK-NEXT:   %[[P:.+]] = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%[[S]], %[[NEWMAX]]) : (tensor<2x4x1x64x?xf32>, tensor<2x4x1x64xf32>) -> tensor<2x4x1x64x?xf32>
// correction = exp(oldMax - newMax)
// CHECK-NEXT:   %[[CORR:.+]] = attn.einsum exp_sub "bhgp,bhgp->bhgp" (%[[M]], %[[NEWMAX]])
// newDen = oldDen * correction + rowSum(P)
// CHECK-NEXT:   %[[ROWSUM:.+]] = attn.einsum copy "bhgpm->bhgp" reduce add (%[[P]])
// CHECK-NEXT:   %[[SDEN:.+]] = attn.einsum mul "bhgp,bhgp->bhgp" (%[[D]], %[[CORR]])
// CHECK-NEXT:   %[[NEWDEN:.+]] = attn.einsum add "bhgp,bhgp->bhgp" (%[[SDEN]], %[[ROWSUM]])
// newNum = oldNum * correction + P V
// CHECK-NEXT:   %[[PV:.+]] = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%[[P]], %[[VT]]) : (tensor<2x4x1x64x?xf32>, tensor<2x4x?x32xf32>) -> tensor<2x4x1x64x32xf32>
// CHECK-NEXT:   %[[SNUM:.+]] = attn.einsum mul "bhgpf,bhgp->bhgpf" (%[[N]], %[[CORR]])
// CHECK-NEXT:   %[[NEWNUM:.+]] = attn.einsum add "bhgpf,bhgpf->bhgpf" (%[[SNUM]], %[[PV]])
// CHECK-NEXT:   scf.yield %[[NEWMAX]], %[[NEWDEN]], %[[NEWNUM]] : tensor<2x4x1x64xf32>, tensor<2x4x1x64xf32>, tensor<2x4x1x64x32xf32>
// CHECK-NEXT: } {attn.kv_loop}
// O = numerator / denominator, once, after the loop
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1) : (tensor<2x4x1x64x32xf32>, tensor<2x4x1x64xf32>) -> tensor<2x4x1x64x32xf32>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[AV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<2x4x1x64x32xf32> into tensor<2x4x64x32xf32>
// CHECK-NEXT: return %[[O]]

// Without kv-tile, 64 keys per tile.
// DEFAULT-LABEL: func.func @mha_f32_bhsd_fused
// DEFAULT:       %[[C64:.+]] = arith.constant 64 : index
// DEFAULT:       scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C64]] iter_args
// DEFAULT:       } {attn.kv_loop}
func.func @mha_f32_bhsd_fused(%q: tensor<2x4x64x32xf32>, %k: tensor<2x4x128x32xf32>, %v: tensor<2x4x128x32xf32>) -> tensor<2x4x64x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<2x4x64x32xf32>, tensor<2x4x128x32xf32>, tensor<2x4x128x32xf32> -> tensor<2x4x64x32xf32>
  return %o : tensor<2x4x64x32xf32>
}

// CHECK-LABEL: func.func @return_lse_reads_loop_results
// CHECK:      %[[R:.+]]:3 = scf.for
// CHECK:      } {attn.kv_loop}
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1)
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[AV]]
// LSE = final max + log(final denominator)
// CHECK-NEXT: %[[LOG:.+]] = attn.einsum log "bhgp->bhgp" (%[[R]]#1) : (tensor<1x2x4x64xf32>) -> tensor<1x2x4x64xf32>
// CHECK-NEXT: %[[L:.+]] = attn.einsum add "bhgp,bhgp->bhgp" (%[[R]]#0, %[[LOG]])
// CHECK-NEXT: %[[LSE:.+]] = tensor.collapse_shape %[[L]] {{\[}}[0], [1, 2], [3]] : tensor<1x2x4x64xf32> into tensor<1x8x64xf32>
// CHECK-NEXT: return %[[O]], %[[LSE]]
func.func @return_lse_reads_loop_results(%q: tensor<1x8x64x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x16xf32>) -> (tensor<1x8x64x16xf32>, tensor<1x8x64xf32>) {
  %o, %l = attn.attention %q, %k, %v {return_lse}
      : tensor<1x8x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32> -> tensor<1x8x64x16xf32>, tensor<1x8x64xf32>
  return %o, %l : tensor<1x8x64x16xf32>, tensor<1x8x64xf32>
}

// CHECK-LABEL: func.func @gqa_bf16_converts_v_tiles
// CHECK-SAME: %[[V:[a-z0-9]+]]: tensor<1x2x64x16xbf16>)
// The whole-tensor V copy is gone; each V tile is converted in the loop.
// CHECK-NOT:  "bhmf->bhmf"
// CHECK:      scf.for
// CHECK:        %[[VT:.+]] = tensor.extract_slice %[[V]]
// CHECK-NEXT:   %[[VF:.+]] = attn.einsum copy "bhmf->bhmf" (%[[VT]]) : (tensor<1x2x?x16xbf16>) -> tensor<1x2x?x16xf32>
// CHECK:        attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%{{.+}}, %[[VF]]) : (tensor<1x2x4x64x?xf32>, tensor<1x2x?x16xf32>) -> tensor<1x2x4x64x16xf32>
// CHECK:      } {attn.kv_loop}
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf"
// CHECK-NEXT: %[[OB:.+]] = attn.einsum copy "bhgpf->bhgpf" (%[[AV]]) : (tensor<1x2x4x64x16xf32>) -> tensor<1x2x4x64x16xbf16>
func.func @gqa_bf16_converts_v_tiles(%q: tensor<1x8x64x16xbf16>, %k: tensor<1x2x64x16xbf16>, %v: tensor<1x2x64x16xbf16>) -> tensor<1x8x64x16xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x8x64x16xbf16>, tensor<1x2x64x16xbf16>, tensor<1x2x64x16xbf16> -> tensor<1x8x64x16xbf16>
  return %o : tensor<1x8x64x16xbf16>
}

// CHECK-LABEL: func.func @score_map_operands_and_regions_cloned_into_loop
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<1x4x64x64xf32>
// CHECK:      scf.for %[[K0:[a-z0-9]+]] =
// CHECK:        attn.score_map %{{.+}} at [%{{.+}}, %[[K0]]] lengths [%{{.+}}, %{{.+}}] bias(%[[B]] : tensor<1x4x64x64xf32>) {mask = #attn.mask<mask_mod>, scale = 2.500000e-01 : f32, score = #attn.score<bias, score_mod>} : tensor<1x4x1x64x?xf32> mask_mod {
// CHECK:          arith.cmpi ule
// CHECK:          attn.yield %{{.+}} : i1
// CHECK-NEXT:   } score_mod {
// CHECK:          math.tanh
// CHECK:          attn.yield %{{.+}} : f32
// CHECK-NEXT:   }
// CHECK:      } {attn.kv_loop}
func.func @score_map_operands_and_regions_cloned_into_loop(%q: tensor<1x4x64x16xf32>, %k: tensor<1x4x64x16xf32>, %v: tensor<1x4x64x16xf32>, %b: tensor<1x4x64x64xf32>) -> tensor<1x4x64x16xf32> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<1x4x64x64xf32>) {mask = #attn.mask<mask_mod>, score = #attn.score<bias, score_mod>}
      : tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32> -> tensor<1x4x64x16xf32>
      mask_mod {
  ^bb0(%bb: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ule, %j, %i : index
    attn.yield %c : i1
  } score_mod {
  ^bb0(%s: f32, %bb: index, %h: index, %i: index, %j: index):
    %t = math.tanh %s : f32
    attn.yield %t : f32
  }
  return %o : tensor<1x4x64x16xf32>
}

// CHECK-LABEL: func.func @document_segments_cloned_into_loop
// CHECK-SAME: %[[QS:[a-z0-9]+]]: tensor<2x64xi32>, %[[KS:[a-z0-9]+]]: tensor<2x64xi32>
// CHECK:      scf.for
// CHECK:        attn.score_map %{{.+}} segments(%[[QS]], %[[KS]] : tensor<2x64xi32>, tensor<2x64xi32>) {mask = #attn.mask<causal & document>, scale = 2.500000e-01 : f32} : tensor<2x4x1x64x?xf32>
func.func @document_segments_cloned_into_loop(%q: tensor<2x4x64x16xf16>, %k: tensor<2x4x64x16xf16>, %v: tensor<2x4x64x16xf16>, %qs: tensor<2x64xi32>, %ks: tensor<2x64xi32>) -> tensor<2x4x64x16xf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<2x64xi32>, tensor<2x64xi32>) {mask = #attn.mask<causal & document>}
      : tensor<2x4x64x16xf16>, tensor<2x4x64x16xf16>, tensor<2x4x64x16xf16> -> tensor<2x4x64x16xf16>
  return %o : tensor<2x4x64x16xf16>
}

// The kv-tile option wins over attn.schedule; without it the schedule's
// kv_tile is used.
// CHECK-LABEL: func.func @schedule_kv_tile
// CHECK:      %[[C32:.+]] = arith.constant 32 : index
// CHECK:      scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C32]] iter_args
// DEFAULT-LABEL: func.func @schedule_kv_tile
// DEFAULT:       %[[C16:.+]] = arith.constant 16 : index
// DEFAULT:       scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C16]] iter_args
func.func @schedule_kv_tile(%q: tensor<1x4x64x16xf32>, %k: tensor<1x4x64x16xf32>, %v: tensor<1x4x64x16xf32>) -> tensor<1x4x64x16xf32> {
  %o = attn.attention %q, %k, %v {attn.schedule = {kv_tile = 16 : i64, q_tile = 8 : i64, split_kv = 1 : i64}}
      : tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32> -> tensor<1x4x64x16xf32>
  return %o : tensor<1x4x64x16xf32>
}

//===----------------------------------------------------------------------===//
// Layouts and dynamic shapes
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @bshd_gqa_dynamic_bf16_fused
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<?x?x8x16xbf16>, %[[K:[a-z0-9]+]]: tensor<?x?x2x16xbf16>, %[[V:[a-z0-9]+]]: tensor<?x?x2x16xbf16>)
// CHECK:      %[[Q5:.+]] = tensor.expand_shape %[[Q]]
// CHECK-NOT:  "bmhf->bmhf"
// Running state sized [B, Hkv, G, Sq] from the expanded Q (B on axis 0, Sq on axis 1).
// CHECK-DAG:  %[[BQ:.+]] = tensor.dim %[[Q5]], %[[I0:.+]] : tensor<?x?x2x4x16xbf16>
// CHECK-DAG:  %[[I0]] = arith.constant 0 : index
// CHECK-DAG:  %[[PQ:.+]] = tensor.dim %[[Q5]], %[[I1:.+]] : tensor<?x?x2x4x16xbf16>
// CHECK-DAG:  %[[I1]] = arith.constant 1 : index
// CHECK-DAG:  %[[E0:.+]] = tensor.empty(%[[BQ]], %[[PQ]]) : tensor<?x2x4x?xf32>
// CHECK-DAG:  %[[MAX0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E0]] : tensor<?x2x4x?xf32>)
// CHECK-DAG:  %[[E2:.+]] = tensor.empty(%[[BQ]], %[[PQ]]) : tensor<?x2x4x?x16xf32>
// CHECK-DAG:  %[[C32:.+]] = arith.constant 32 : index
// The loop runs over K's axis 1.
// CHECK:      %[[KA:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[NK:.+]] = tensor.dim %[[K]], %[[KA]] : tensor<?x?x2x16xbf16>
// CHECK-NEXT: %[[R:.+]]:3 = scf.for %[[K0:[a-z0-9]+]] = %{{.+}} to %[[NK]] step %[[C32]] iter_args(%{{.+}} = %[[MAX0]], %{{.+}}) -> (tensor<?x2x4x?xf32>, tensor<?x2x4x?xf32>, tensor<?x2x4x?x16xf32>) {
// CHECK:        %[[LEN:.+]] = arith.minsi %{{.+}}, %[[C32]] : index
// The KV tile is sliced on axis 1 (bshd).
// CHECK:        %[[KT:.+]] = tensor.extract_slice %[[K]][0, %[[K0]], 0, 0] [%{{.+}}, %[[LEN]], 2, 16] [1, 1, 1, 1] : tensor<?x?x2x16xbf16> to tensor<?x?x2x16xbf16>
// CHECK:        %[[VT:.+]] = tensor.extract_slice %[[V]][0, %[[K0]], 0, 0] [%{{.+}}, %[[LEN]], 2, 16] [1, 1, 1, 1] : tensor<?x?x2x16xbf16> to tensor<?x?x2x16xbf16>
// CHECK-NEXT:   %[[VF:.+]] = attn.einsum copy "bmhf->bmhf" (%[[VT]]) : (tensor<?x?x2x16xbf16>) -> tensor<?x?x2x16xf32>
// CHECK-NEXT:   %[[QK:.+]] = attn.einsum mul "bphge,bmhe->bhgpm" reduce add (%[[Q5]], %[[KT]]) : (tensor<?x?x2x4x16xbf16>, tensor<?x?x2x16xbf16>) -> tensor<?x2x4x?x?xf32>
// CHECK-NEXT:   attn.score_map %[[QK]] at [%{{.+}}, %[[K0]]]
// CHECK:        attn.einsum mul "bhgpm,bmhf->bhgpf" reduce add (%{{.+}}, %[[VF]]) : (tensor<?x2x4x?x?xf32>, tensor<?x?x2x16xf32>) -> tensor<?x2x4x?x16xf32>
// CHECK:      } {attn.kv_loop}
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1) : (tensor<?x2x4x?x16xf32>, tensor<?x2x4x?xf32>) -> tensor<?x2x4x?x16xf32>
// CHECK-NEXT: %[[OT:.+]] = attn.einsum copy "bhgpf->bphgf" (%[[AV]]) : (tensor<?x2x4x?x16xf32>) -> tensor<?x?x2x4x16xbf16>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[OT]] {{\[}}[0], [1], [2, 3], [4]] : tensor<?x?x2x4x16xbf16> into tensor<?x?x8x16xbf16>
// CHECK-NEXT: %[[LOG:.+]] = attn.einsum log "bhgp->bhgp" (%[[R]]#1)
// CHECK-NEXT: %[[L:.+]] = attn.einsum add "bhgp,bhgp->bhgp" (%[[R]]#0, %[[LOG]])
// CHECK-NEXT: %[[LSE:.+]] = tensor.collapse_shape %[[L]] {{\[}}[0], [1, 2], [3]] : tensor<?x2x4x?xf32> into tensor<?x8x?xf32>
// CHECK-NEXT: return %[[O]], %[[LSE]]
func.func @bshd_gqa_dynamic_bf16_fused(%q: tensor<?x?x8x16xbf16>, %k: tensor<?x?x2x16xbf16>, %v: tensor<?x?x2x16xbf16>) -> (tensor<?x?x8x16xbf16>, tensor<?x8x?xf32>) {
  %o, %l = attn.attention %q, %k, %v {layout = #attn.layout<bshd>, mask = #attn.mask<causal>, return_lse}
      : tensor<?x?x8x16xbf16>, tensor<?x?x2x16xbf16>, tensor<?x?x2x16xbf16> -> tensor<?x?x8x16xbf16>, tensor<?x8x?xf32>
  return %o, %l : tensor<?x?x8x16xbf16>, tensor<?x8x?xf32>
}

// CHECK-LABEL: func.func @dynamic_bhsd_fused
// CHECK-SAME: (%{{.+}}: tensor<?x8x?x64xf32>, %[[K:[a-z0-9]+]]: tensor<?x2x?x64xf32>
// The first tensor.dim of K is the length the score map reads, the second the loop bound.
// CHECK:      tensor.dim %[[K]]
// CHECK:      %[[NK:.+]] = tensor.dim %[[K]], %{{.+}} : tensor<?x2x?x64xf32>
// CHECK-NEXT: %[[R:.+]]:3 = scf.for %[[K0:[a-z0-9]+]] = %{{.+}} to %[[NK]] step %{{.+}} iter_args({{.+}}) -> (tensor<?x2x4x?xf32>, tensor<?x2x4x?xf32>, tensor<?x2x4x?x64xf32>) {
// CHECK:        tensor.extract_slice %[[K]][0, 0, %[[K0]], 0] [%{{.+}}, 2, %{{.+}}, 64] [1, 1, 1, 1] : tensor<?x2x?x64xf32> to tensor<?x2x?x64xf32>
// CHECK:        scf.yield %{{.+}} : tensor<?x2x4x?xf32>, tensor<?x2x4x?xf32>, tensor<?x2x4x?x64xf32>
// CHECK-NEXT: } {attn.kv_loop}
// CHECK-NEXT: attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1)
func.func @dynamic_bhsd_fused(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

//===----------------------------------------------------------------------===//
// Hand-written cascades
//===----------------------------------------------------------------------===//

// The cascade the negative_ cases below alter, fused.
// CHECK-LABEL: func.func @hand_written_cascade_fused
// CHECK-SAME: %[[SQ:[a-z0-9]+]]: index, %[[SK:[a-z0-9]+]]: index)
// CHECK:      %[[R:.+]]:3 = scf.for %[[K0:[a-z0-9]+]] =
// CHECK:        attn.score_map %{{.+}} at [%{{.+}}, %[[K0]]] lengths [%[[SQ]], %[[SK]]] {scale = 2.500000e-01 : f32} : tensor<1x2x2x32x?xf32>
// CHECK:      } {attn.kv_loop}
// CHECK-NEXT: %[[AV:.+]] = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%[[R]]#2, %[[R]]#1)
// CHECK-NEXT: return %[[AV]]
func.func @hand_written_cascade_fused(%q5: tensor<1x2x2x32x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x16xf32>, %sq: index, %sk: index) -> tensor<1x2x2x32x16xf32> {
  %c0 = arith.constant 0 : index
  %qk = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%q5, %k) : (tensor<1x2x2x32x16xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x64xf32>
  %s = attn.score_map %qk at [%c0, %c0] lengths [%sq, %sk] {scale = 0.25 : f32} : tensor<1x2x2x32x64xf32>
  %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %sn = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%s, %gm) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %sd = attn.einsum copy "bhgpm->bhgp" reduce add (%sn) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %a = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%sn, %sd) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %av = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%a, %v) : (tensor<1x2x2x32x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x16xf32>
  return %av : tensor<1x2x2x32x16xf32>
}

// S is also returned: the whole-tensor scores must stay, so no fusion.
// CHECK-LABEL: func.func @negative_scores_with_extra_user
// CHECK-NOT:  scf.for
// CHECK:      %[[S:.+]] = attn.score_map %{{.+}} at [%[[C0:.+]], %[[C0]]] lengths
// CHECK-NEXT: %[[GM:.+]] = attn.einsum copy "bhgpm->bhgp" reduce max (%[[S]])
// CHECK-NEXT: %[[SN:.+]] = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%[[S]], %[[GM]])
// CHECK-NEXT: %[[SD:.+]] = attn.einsum copy "bhgpm->bhgp" reduce add (%[[SN]])
// CHECK-NEXT: %[[A:.+]] = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%[[SN]], %[[SD]])
// CHECK-NEXT: %[[AV:.+]] = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%[[A]], %{{.+}})
// CHECK-NEXT: return %[[AV]], %[[S]]
func.func @negative_scores_with_extra_user(%q5: tensor<1x2x2x32x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x16xf32>, %sq: index, %sk: index) -> (tensor<1x2x2x32x16xf32>, tensor<1x2x2x32x64xf32>) {
  %c0 = arith.constant 0 : index
  %qk = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%q5, %k) : (tensor<1x2x2x32x16xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x64xf32>
  %s = attn.score_map %qk at [%c0, %c0] lengths [%sq, %sk] {scale = 0.25 : f32} : tensor<1x2x2x32x64xf32>
  %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %sn = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%s, %gm) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %sd = attn.einsum copy "bhgpm->bhgp" reduce add (%sn) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %a = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%sn, %sd) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %av = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%a, %v) : (tensor<1x2x2x32x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x16xf32>
  return %av, %s : tensor<1x2x2x32x16xf32>, tensor<1x2x2x32x64xf32>
}

// The attention weights A are also returned: no fusion.
// CHECK-LABEL: func.func @negative_weights_with_extra_user
// CHECK-NOT:  scf.for
// CHECK:      %[[A:.+]] = attn.einsum safe_div "bhgpm,bhgp->bhgpm"
// CHECK-NEXT: %[[AV:.+]] = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%[[A]], %{{.+}})
// CHECK-NEXT: return %[[AV]], %[[A]]
func.func @negative_weights_with_extra_user(%q5: tensor<1x2x2x32x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x16xf32>, %sq: index, %sk: index) -> (tensor<1x2x2x32x16xf32>, tensor<1x2x2x32x64xf32>) {
  %c0 = arith.constant 0 : index
  %qk = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%q5, %k) : (tensor<1x2x2x32x16xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x64xf32>
  %s = attn.score_map %qk at [%c0, %c0] lengths [%sq, %sk] {scale = 0.25 : f32} : tensor<1x2x2x32x64xf32>
  %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %sn = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%s, %gm) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %sd = attn.einsum copy "bhgpm->bhgp" reduce add (%sn) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %a = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%sn, %sd) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %av = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%a, %v) : (tensor<1x2x2x32x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x16xf32>
  return %av, %a : tensor<1x2x2x32x16xf32>, tensor<1x2x2x32x64xf32>
}

// K stored transposed ([B, H, D, Sk]): a QK equation the pass does not know.
// CHECK-LABEL: func.func @negative_other_qk_equation
// CHECK-NOT:  scf.for
// CHECK:      %[[QK:.+]] = attn.einsum mul "bhgpe,bhem->bhgpm" reduce add
// CHECK-NEXT: %[[S:.+]] = attn.score_map %[[QK]] at [%[[C0:.+]], %[[C0]]] lengths
// CHECK-NEXT: attn.einsum copy "bhgpm->bhgp" reduce max (%[[S]])
// CHECK-NEXT: attn.einsum exp_sub "bhgpm,bhgp->bhgpm"
// CHECK-NEXT: attn.einsum copy "bhgpm->bhgp" reduce add
// CHECK-NEXT: attn.einsum safe_div "bhgpm,bhgp->bhgpm"
// CHECK-NEXT: attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add
// CHECK-NEXT: return
func.func @negative_other_qk_equation(%q5: tensor<1x2x2x32x16xf32>, %kt: tensor<1x2x16x64xf32>, %v: tensor<1x2x64x16xf32>, %sq: index, %sk: index) -> tensor<1x2x2x32x16xf32> {
  %c0 = arith.constant 0 : index
  %qk = attn.einsum mul "bhgpe,bhem->bhgpm" reduce add (%q5, %kt) : (tensor<1x2x2x32x16xf32>, tensor<1x2x16x64xf32>) -> tensor<1x2x2x32x64xf32>
  %s = attn.score_map %qk at [%c0, %c0] lengths [%sq, %sk] {scale = 0.25 : f32} : tensor<1x2x2x32x64xf32>
  %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %sn = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%s, %gm) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %sd = attn.einsum copy "bhgpm->bhgp" reduce add (%sn) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %a = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%sn, %sd) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %av = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%a, %v) : (tensor<1x2x2x32x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x16xf32>
  return %av : tensor<1x2x2x32x16xf32>
}

// The normalisation divides by something other than the row sum: no fusion.
// CHECK-LABEL: func.func @negative_normalised_by_other_sum
// CHECK-NOT:  scf.for
// CHECK:      attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%{{.+}}, %[[OTHER:[a-z0-9]+]])
// CHECK-NEXT: attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add
func.func @negative_normalised_by_other_sum(%q5: tensor<1x2x2x32x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x16xf32>, %sq: index, %sk: index, %other: tensor<1x2x2x32xf32>) -> (tensor<1x2x2x32x16xf32>, tensor<1x2x2x32xf32>) {
  %c0 = arith.constant 0 : index
  %qk = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%q5, %k) : (tensor<1x2x2x32x16xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x64xf32>
  %s = attn.score_map %qk at [%c0, %c0] lengths [%sq, %sk] {scale = 0.25 : f32} : tensor<1x2x2x32x64xf32>
  %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %sn = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%s, %gm) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %sd = attn.einsum copy "bhgpm->bhgp" reduce add (%sn) : (tensor<1x2x2x32x64xf32>) -> tensor<1x2x2x32xf32>
  %a = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%sn, %other) : (tensor<1x2x2x32x64xf32>, tensor<1x2x2x32xf32>) -> tensor<1x2x2x32x64xf32>
  %av = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%a, %v) : (tensor<1x2x2x32x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x2x32x16xf32>
  return %av, %sd : tensor<1x2x2x32x16xf32>, tensor<1x2x2x32xf32>
}
