// RUN: attn-opt %s --attn-decompose-attention | FileCheck %s
// RUN: attn-opt %s --attn-decompose-attention | FileCheck %s --check-prefix=NONE

// Tests of --attn-decompose-attention: each attn.attention becomes FuseMax's
// 3-pass Einsum cascade on whole tensors, with Q viewed as [B, Hkv, G, Sq, D]
// (bhsd) or [B, Sq, Hkv, G, D] (bshd); the scale, score modifiers, mask and
// the operands and regions they read move onto one attn.score_map.

// No attn.attention survives the pass.
// NONE: module
// NONE-NOT: attn.attention

//===----------------------------------------------------------------------===//
// The full cascade
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @mha_f32_bhsd_full_cascade
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<2x4x64x32xf32>, %[[K:[a-z0-9]+]]: tensor<2x4x128x32xf32>, %[[V:[a-z0-9]+]]: tensor<2x4x128x32xf32>)
// Q viewed as [B, Hkv, G, Sq, D] with G = 1.
// CHECK:      %[[Q5:.+]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1, 2], [3], [4]] output_shape [2, 4, 1, 64, 32] : tensor<2x4x64x32xf32> into tensor<2x4x1x64x32xf32>
// The lengths are read on the sequence axis (2 in bhsd).
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[SQ:.+]] = tensor.dim %[[Q]], %[[C2]] : tensor<2x4x64x32xf32>
// CHECK-NEXT: %[[C2B:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[SK:.+]] = tensor.dim %[[K]], %[[C2B]] : tensor<2x4x128x32xf32>
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// QK = Q K^T
// CHECK-NEXT: %[[QK:.+]] = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%[[Q5]], %[[K]]) : (tensor<2x4x1x64x32xf32>, tensor<2x4x128x32xf32>) -> tensor<2x4x1x64x128xf32>
// S = map(QK): default scale 1/sqrt(32), the mask
// CHECK-NEXT: %[[S:.+]] = attn.score_map %[[QK]] at [%[[C0]], %[[C0]]] lengths [%[[SQ]], %[[SK]]] {mask = #attn.mask<causal>, scale = 0.176776692 : f32} : tensor<2x4x1x64x128xf32>
// GM = max_m S
// CHECK-NEXT: %[[GM:.+]] = attn.einsum copy "bhgpm->bhgp" reduce max (%[[S]]) : (tensor<2x4x1x64x128xf32>) -> tensor<2x4x1x64xf32>
// SN = exp(S - GM)
// CHECK-NEXT: %[[SN:.+]] = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%[[S]], %[[GM]]) : (tensor<2x4x1x64x128xf32>, tensor<2x4x1x64xf32>) -> tensor<2x4x1x64x128xf32>
// SD = sum_m SN
// CHECK-NEXT: %[[SD:.+]] = attn.einsum copy "bhgpm->bhgp" reduce add (%[[SN]]) : (tensor<2x4x1x64x128xf32>) -> tensor<2x4x1x64xf32>
// A = SN / SD
// CHECK-NEXT: %[[A:.+]] = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%[[SN]], %[[SD]]) : (tensor<2x4x1x64x128xf32>, tensor<2x4x1x64xf32>) -> tensor<2x4x1x64x128xf32>
// AV = A V
// CHECK-NEXT: %[[AV:.+]] = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%[[A]], %[[V]]) : (tensor<2x4x1x64x128xf32>, tensor<2x4x128x32xf32>) -> tensor<2x4x1x64x32xf32>
// (Hkv, G) merged back into Hq; f32 bhsd needs no copy.
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[AV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<2x4x1x64x32xf32> into tensor<2x4x64x32xf32>
// CHECK-NEXT: return %[[O]] : tensor<2x4x64x32xf32>
func.func @mha_f32_bhsd_full_cascade(%q: tensor<2x4x64x32xf32>, %k: tensor<2x4x128x32xf32>, %v: tensor<2x4x128x32xf32>) -> tensor<2x4x64x32xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<2x4x64x32xf32>, tensor<2x4x128x32xf32>, tensor<2x4x128x32xf32> -> tensor<2x4x64x32xf32>
  return %o : tensor<2x4x64x32xf32>
}

//===----------------------------------------------------------------------===//
// Heads, element types and layouts
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @gqa_bf16_splits_heads_and_converts
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<1x8x64x16xbf16>, %[[K:[a-z0-9]+]]: tensor<1x2x64x16xbf16>, %[[V:[a-z0-9]+]]: tensor<1x2x64x16xbf16>)
// 8 query heads over 2 KV heads: Hq = 8 -> (Hkv, G) = (2, 4).
// CHECK:      %[[Q5:.+]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 4, 64, 16] : tensor<1x8x64x16xbf16> into tensor<1x2x4x64x16xbf16>
// Scores accumulate in f32 from bf16 inputs.
// CHECK:      %[[QK:.+]] = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%[[Q5]], %[[K]]) : (tensor<1x2x4x64x16xbf16>, tensor<1x2x64x16xbf16>) -> tensor<1x2x4x64x64xf32>
// CHECK-NEXT: %[[S:.+]] = attn.score_map %[[QK]] {{.*}} {scale = 2.500000e-01 : f32} : tensor<1x2x4x64x64xf32>
// CHECK:      %[[A:.+]] = attn.einsum safe_div "bhgpm,bhgp->bhgpm"
// V converted to f32 by a copy
// CHECK-NEXT: %[[VF:.+]] = attn.einsum copy "bhmf->bhmf" (%[[V]]) : (tensor<1x2x64x16xbf16>) -> tensor<1x2x64x16xf32>
// CHECK-NEXT: %[[AV:.+]] = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%[[A]], %[[VF]]) : (tensor<1x2x4x64x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x4x64x16xf32>
// O converted back to bf16, then the groups merged.
// CHECK-NEXT: %[[OB:.+]] = attn.einsum copy "bhgpf->bhgpf" (%[[AV]]) : (tensor<1x2x4x64x16xf32>) -> tensor<1x2x4x64x16xbf16>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[OB]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x4x64x16xbf16> into tensor<1x8x64x16xbf16>
// CHECK-NEXT: return %[[O]]
func.func @gqa_bf16_splits_heads_and_converts(%q: tensor<1x8x64x16xbf16>, %k: tensor<1x2x64x16xbf16>, %v: tensor<1x2x64x16xbf16>) -> tensor<1x8x64x16xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x8x64x16xbf16>, tensor<1x2x64x16xbf16>, tensor<1x2x64x16xbf16> -> tensor<1x8x64x16xbf16>
  return %o : tensor<1x8x64x16xbf16>
}

// CHECK-LABEL: func.func @mqa_f16_one_kv_head
// CHECK:      tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] output_shape [4, 1, 16, 256, 64] : tensor<4x16x256x64xf16> into tensor<4x1x16x256x64xf16>
// CHECK:      attn.einsum copy "bhmf->bhmf" (%{{.+}}) : (tensor<4x1x256x64xf16>) -> tensor<4x1x256x64xf32>
// CHECK:      attn.einsum copy "bhgpf->bhgpf" (%{{.+}}) : (tensor<4x1x16x256x64xf32>) -> tensor<4x1x16x256x64xf16>
// CHECK-NEXT: tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] : tensor<4x1x16x256x64xf16> into tensor<4x16x256x64xf16>
func.func @mqa_f16_one_kv_head(%q: tensor<4x16x256x64xf16>, %k: tensor<4x1x256x64xf16>, %v: tensor<4x1x256x64xf16>) -> tensor<4x16x256x64xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<4x16x256x64xf16>, tensor<4x1x256x64xf16>, tensor<4x1x256x64xf16> -> tensor<4x16x256x64xf16>
  return %o : tensor<4x16x256x64xf16>
}

// CHECK-LABEL: func.func @bshd_gqa_transposes_output
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<1x64x8x16xf32>, %[[K:[a-z0-9]+]]: tensor<1x96x2x16xf32>, %[[V:[a-z0-9]+]]: tensor<1x96x2x16xf32>)
// Q viewed as [B, Sq, Hkv, G, D].
// CHECK:      %[[Q5:.+]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1], [2, 3], [4]] output_shape [1, 64, 2, 4, 16] : tensor<1x64x8x16xf32> into tensor<1x64x2x4x16xf32>
// The lengths are read on axis 1.
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[SQ:.+]] = tensor.dim %[[Q]], %[[C1]] : tensor<1x64x8x16xf32>
// CHECK-NEXT: %[[C1B:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[SK:.+]] = tensor.dim %[[K]], %[[C1B]] : tensor<1x96x2x16xf32>
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[QK:.+]] = attn.einsum mul "bphge,bmhe->bhgpm" reduce add (%[[Q5]], %[[K]]) : (tensor<1x64x2x4x16xf32>, tensor<1x96x2x16xf32>) -> tensor<1x2x4x64x96xf32>
// CHECK-NEXT: %[[S:.+]] = attn.score_map %[[QK]] at [%[[C0]], %[[C0]]] lengths [%[[SQ]], %[[SK]]] {scale = 2.500000e-01 : f32} : tensor<1x2x4x64x96xf32>
// CHECK:      %[[A:.+]] = attn.einsum safe_div "bhgpm,bhgp->bhgpm"
// CHECK-NEXT: %[[AV:.+]] = attn.einsum mul "bhgpm,bmhf->bhgpf" reduce add (%[[A]], %[[V]]) : (tensor<1x2x4x64x96xf32>, tensor<1x96x2x16xf32>) -> tensor<1x2x4x64x16xf32>
// The transposing copy back to [B, Sq, Hkv, G, F].
// CHECK-NEXT: %[[OT:.+]] = attn.einsum copy "bhgpf->bphgf" (%[[AV]]) : (tensor<1x2x4x64x16xf32>) -> tensor<1x64x2x4x16xf32>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[OT]] {{\[}}[0], [1], [2, 3], [4]] : tensor<1x64x2x4x16xf32> into tensor<1x64x8x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @bshd_gqa_transposes_output(%q: tensor<1x64x8x16xf32>, %k: tensor<1x96x2x16xf32>, %v: tensor<1x96x2x16xf32>) -> tensor<1x64x8x16xf32> {
  %o = attn.attention %q, %k, %v {layout = #attn.layout<bshd>}
      : tensor<1x64x8x16xf32>, tensor<1x96x2x16xf32>, tensor<1x96x2x16xf32> -> tensor<1x64x8x16xf32>
  return %o : tensor<1x64x8x16xf32>
}

// CHECK-LABEL: func.func @bshd_bf16_converts_and_transposes_in_one_copy
// CHECK:      attn.einsum copy "bmhf->bmhf" (%{{.+}}) : (tensor<2x32x4x8xbf16>) -> tensor<2x32x4x8xf32>
// CHECK:      %[[OT:.+]] = attn.einsum copy "bhgpf->bphgf" (%{{.+}}) : (tensor<2x4x1x16x8xf32>) -> tensor<2x16x4x1x8xbf16>
// CHECK-NEXT: tensor.collapse_shape %[[OT]] {{\[}}[0], [1], [2, 3], [4]] : tensor<2x16x4x1x8xbf16> into tensor<2x16x4x8xbf16>
func.func @bshd_bf16_converts_and_transposes_in_one_copy(%q: tensor<2x16x4x8xbf16>, %k: tensor<2x32x4x8xbf16>, %v: tensor<2x32x4x8xbf16>) -> tensor<2x16x4x8xbf16> {
  %o = attn.attention %q, %k, %v {layout = #attn.layout<bshd>}
      : tensor<2x16x4x8xbf16>, tensor<2x32x4x8xbf16>, tensor<2x32x4x8xbf16> -> tensor<2x16x4x8xbf16>
  return %o : tensor<2x16x4x8xbf16>
}

//===----------------------------------------------------------------------===//
// LSE and scale
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @return_lse_gqa
// CHECK:      %[[GM:.+]] = attn.einsum copy "bhgpm->bhgp" reduce max
// CHECK:      %[[SD:.+]] = attn.einsum copy "bhgpm->bhgp" reduce add
// CHECK:      %[[O:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x4x64x16xf32> into tensor<1x8x64x16xf32>
// LSE = GM + log(SD)
// CHECK-NEXT: %[[LOG:.+]] = attn.einsum log "bhgp->bhgp" (%[[SD]]) : (tensor<1x2x4x64xf32>) -> tensor<1x2x4x64xf32>
// CHECK-NEXT: %[[L:.+]] = attn.einsum add "bhgp,bhgp->bhgp" (%[[GM]], %[[LOG]]) : (tensor<1x2x4x64xf32>, tensor<1x2x4x64xf32>) -> tensor<1x2x4x64xf32>
// [B, Hkv, G, Sq] -> [B, Hq, Sq]
// CHECK-NEXT: %[[LSE:.+]] = tensor.collapse_shape %[[L]] {{\[}}[0], [1, 2], [3]] : tensor<1x2x4x64xf32> into tensor<1x8x64xf32>
// CHECK-NEXT: return %[[O]], %[[LSE]] : tensor<1x8x64x16xf32>, tensor<1x8x64xf32>
func.func @return_lse_gqa(%q: tensor<1x8x64x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x16xf32>) -> (tensor<1x8x64x16xf32>, tensor<1x8x64xf32>) {
  %o, %l = attn.attention %q, %k, %v {return_lse}
      : tensor<1x8x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32> -> tensor<1x8x64x16xf32>, tensor<1x8x64xf32>
  return %o, %l : tensor<1x8x64x16xf32>, tensor<1x8x64xf32>
}

// CHECK-LABEL: func.func @return_lse_bshd
// The LSE is [B, Hq, Sq] whatever the layout.
// CHECK:      %[[L:.+]] = attn.einsum add "bhgp,bhgp->bhgp"
// CHECK-NEXT: %[[LSE:.+]] = tensor.collapse_shape %[[L]] {{\[}}[0], [1, 2], [3]] : tensor<2x2x2x32xf32> into tensor<2x4x32xf32>
func.func @return_lse_bshd(%q: tensor<2x32x4x8xf32>, %k: tensor<2x32x2x8xf32>, %v: tensor<2x32x2x8xf32>) -> (tensor<2x32x4x8xf32>, tensor<2x4x32xf32>) {
  %o, %l = attn.attention %q, %k, %v {layout = #attn.layout<bshd>, return_lse}
      : tensor<2x32x4x8xf32>, tensor<2x32x2x8xf32>, tensor<2x32x2x8xf32> -> tensor<2x32x4x8xf32>, tensor<2x4x32xf32>
  return %o, %l : tensor<2x32x4x8xf32>, tensor<2x4x32xf32>
}

// CHECK-LABEL: func.func @explicit_scale_replaces_default
// CHECK:      attn.score_map %{{.+}} {scale = 5.000000e-01 : f32} : tensor<1x4x1x32x32xf32>
func.func @explicit_scale_replaces_default(%q: tensor<1x4x32x64xf32>, %k: tensor<1x4x32x64xf32>, %v: tensor<1x4x32x64xf32>) -> tensor<1x4x32x64xf32> {
  // The default would be 1/sqrt(64) = 0.125.
  %o = attn.attention %q, %k, %v {scale = 0.5 : f32}
      : tensor<1x4x32x64xf32>, tensor<1x4x32x64xf32>, tensor<1x4x32x64xf32> -> tensor<1x4x32x64xf32>
  return %o : tensor<1x4x32x64xf32>
}

// CHECK-LABEL: func.func @default_scale_uses_qk_head_dim
// 1/sqrt(192), not 1/sqrt(128) (V's head dim).
// CHECK:      attn.score_map %{{.+}} {mask = #attn.mask<causal>, scale = 0.0721687824 : f32} : tensor<1x16x1x128x128xf32>
// CHECK:      attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%{{.+}}, %{{.+}}) : (tensor<1x16x1x128x128xf32>, tensor<1x16x128x128xf32>) -> tensor<1x16x1x128x128xf32>
func.func @default_scale_uses_qk_head_dim(%q: tensor<1x16x128x192xf32>, %k: tensor<1x16x128x192xf32>, %v: tensor<1x16x128x128xf32>) -> tensor<1x16x128x128xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x16x128x192xf32>, tensor<1x16x128x192xf32>, tensor<1x16x128x128xf32> -> tensor<1x16x128x128xf32>
  return %o : tensor<1x16x128x128xf32>
}

//===----------------------------------------------------------------------===//
// Operands and regions move onto attn.score_map
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @score_modifiers_bias_and_score_mod
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<1x4x64x64xf32>
// CHECK:      %[[QK:.+]] = attn.einsum mul "bhgpe,bhme->bhgpm"
// CHECK-NEXT: %[[S:.+]] = attn.score_map %[[QK]] at [%{{.+}}, %{{.+}}] lengths [%{{.+}}, %{{.+}}] bias(%[[B]] : tensor<1x4x64x64xf32>) {scale = 2.500000e-01 : f32, score = #attn.score<alibi, bias, score_mod>} : tensor<1x4x1x64x64xf32> score_mod {
// CHECK-NEXT: ^bb0(%[[SC:[a-z0-9]+]]: f32, %{{.+}}: index, %{{.+}}: index, %{{.+}}: index, %{{.+}}: index):
// CHECK-NEXT:   %[[T:.+]] = math.tanh %[[SC]] : f32
// CHECK-NEXT:   attn.yield %[[T]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: attn.einsum copy "bhgpm->bhgp" reduce max (%[[S]])
func.func @score_modifiers_bias_and_score_mod(%q: tensor<1x4x64x16xf32>, %k: tensor<1x4x64x16xf32>, %v: tensor<1x4x64x16xf32>, %b: tensor<1x4x64x64xf32>) -> tensor<1x4x64x16xf32> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<1x4x64x64xf32>) {score = #attn.score<alibi, bias, score_mod>}
      : tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32> -> tensor<1x4x64x16xf32>
      score_mod {
  ^bb0(%s: f32, %bb: index, %h: index, %i: index, %j: index):
    %t = math.tanh %s : f32
    attn.yield %t : f32
  }
  return %o : tensor<1x4x64x16xf32>
}

// CHECK-LABEL: func.func @mask_mod_region_moves_to_score_map
// CHECK:      %[[S:.+]] = attn.score_map %{{.+}} {mask = #attn.mask<causal & mask_mod>, scale = 2.500000e-01 : f32} : tensor<1x4x1x64x64xf32> mask_mod {
// CHECK-NEXT: ^bb0(%{{.+}}: index, %{{.+}}: index, %[[I:[a-z0-9]+]]: index, %[[J:[a-z0-9]+]]: index):
// CHECK-NEXT:   %[[C:.+]] = arith.cmpi ule, %[[J]], %[[I]] : index
// CHECK-NEXT:   attn.yield %[[C]] : i1
// CHECK-NEXT: }
func.func @mask_mod_region_moves_to_score_map(%q: tensor<1x4x64x16xf32>, %k: tensor<1x4x64x16xf32>, %v: tensor<1x4x64x16xf32>) -> tensor<1x4x64x16xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & mask_mod>}
      : tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32> -> tensor<1x4x64x16xf32>
      mask_mod {
  ^bb0(%bb: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ule, %j, %i : index
    attn.yield %c : i1
  }
  return %o : tensor<1x4x64x16xf32>
}

// CHECK-LABEL: func.func @document_mask_carries_segments
// CHECK-SAME: %[[QS:[a-z0-9]+]]: tensor<2x64xi32>, %[[KS:[a-z0-9]+]]: tensor<2x64xi32>
// CHECK:      attn.score_map %{{.+}} segments(%[[QS]], %[[KS]] : tensor<2x64xi32>, tensor<2x64xi32>) {mask = #attn.mask<causal & document>, scale = 2.500000e-01 : f32} : tensor<2x4x1x64x64xf32>
func.func @document_mask_carries_segments(%q: tensor<2x4x64x16xf16>, %k: tensor<2x4x64x16xf16>, %v: tensor<2x4x64x16xf16>, %qs: tensor<2x64xi32>, %ks: tensor<2x64xi32>) -> tensor<2x4x64x16xf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<2x64xi32>, tensor<2x64xi32>) {mask = #attn.mask<causal & document>}
      : tensor<2x4x64x16xf16>, tensor<2x4x64x16xf16>, tensor<2x4x64x16xf16> -> tensor<2x4x64x16xf16>
  return %o : tensor<2x4x64x16xf16>
}

// CHECK-LABEL: func.func @runtime_blocks_carry_block_mask
// CHECK-SAME: %[[M:[a-z0-9]+]]: tensor<2x8x2x4xi1>
// CHECK:      attn.score_map %{{.+}} block_mask(%[[M]] : tensor<2x8x2x4xi1>) {mask = #attn.mask<blocks(64, 32, runtime)>, scale = 1.250000e-01 : f32} : tensor<2x8x1x128x128xf32>
func.func @runtime_blocks_carry_block_mask(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>, %m: tensor<2x8x2x4xi1>) -> tensor<2x8x128x64xf16> {
  %o = attn.attention %q, %k, %v block_mask(%m : tensor<2x8x2x4xi1>) {mask = #attn.mask<blocks(64, 32, runtime)>}
      : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %o : tensor<2x8x128x64xf16>
}

// CHECK-LABEL: func.func @schedule_moves_to_score_map
// CHECK:      attn.score_map %{{.+}} {attn.schedule = {kv_tile = 16 : i64, q_tile = 8 : i64, split_kv = 1 : i64}, scale = 2.500000e-01 : f32}
func.func @schedule_moves_to_score_map(%q: tensor<1x4x64x16xf32>, %k: tensor<1x4x64x16xf32>, %v: tensor<1x4x64x16xf32>) -> tensor<1x4x64x16xf32> {
  %o = attn.attention %q, %k, %v {attn.schedule = {kv_tile = 16 : i64, q_tile = 8 : i64, split_kv = 1 : i64}}
      : tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32>, tensor<1x4x64x16xf32> -> tensor<1x4x64x16xf32>
  return %o : tensor<1x4x64x16xf32>
}

//===----------------------------------------------------------------------===//
// Dynamic shapes
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @dynamic_batch_and_sequences
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<?x8x?x64xf32>, %[[K:[a-z0-9]+]]: tensor<?x2x?x64xf32>, %[[V:[a-z0-9]+]]: tensor<?x2x?x64xf32>)
// The dynamic extents of the expanded Q come from Q itself.
// CHECK:      %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[B:.+]] = tensor.dim %[[Q]], %[[C0]] : tensor<?x8x?x64xf32>
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[S:.+]] = tensor.dim %[[Q]], %[[C2]] : tensor<?x8x?x64xf32>
// CHECK-NEXT: %[[Q5:.+]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1, 2], [3], [4]] output_shape [%[[B]], 2, 4, %[[S]], 64] : tensor<?x8x?x64xf32> into tensor<?x2x4x?x64xf32>
// The lengths are tensor.dim of Q and K.
// CHECK-NEXT: %[[C2Q:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[SQ:.+]] = tensor.dim %[[Q]], %[[C2Q]] : tensor<?x8x?x64xf32>
// CHECK-NEXT: %[[C2K:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[SK:.+]] = tensor.dim %[[K]], %[[C2K]] : tensor<?x2x?x64xf32>
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[QK:.+]] = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%[[Q5]], %[[K]]) : (tensor<?x2x4x?x64xf32>, tensor<?x2x?x64xf32>) -> tensor<?x2x4x?x?xf32>
// CHECK-NEXT: attn.score_map %[[QK]] at [%[[Z]], %[[Z]]] lengths [%[[SQ]], %[[SK]]] {mask = #attn.mask<causal>, scale = 1.250000e-01 : f32} : tensor<?x2x4x?x?xf32>
// CHECK:      %[[AV:.+]] = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%{{.+}}, %[[V]]) : (tensor<?x2x4x?x?xf32>, tensor<?x2x?x64xf32>) -> tensor<?x2x4x?x64xf32>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %[[AV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x2x4x?x64xf32> into tensor<?x8x?x64xf32>
// CHECK-NEXT: return %[[O]]
func.func @dynamic_batch_and_sequences(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @dynamic_bshd_bf16_with_lse
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<?x?x8x16xbf16>, %[[K:[a-z0-9]+]]: tensor<?x?x2x16xbf16>
// CHECK:      %[[B:.+]] = tensor.dim %[[Q]], %{{.+}} : tensor<?x?x8x16xbf16>
// CHECK:      %[[S:.+]] = tensor.dim %[[Q]], %{{.+}} : tensor<?x?x8x16xbf16>
// CHECK-NEXT: tensor.expand_shape %[[Q]] {{\[}}[0], [1], [2, 3], [4]] output_shape [%[[B]], %[[S]], 2, 4, 16] : tensor<?x?x8x16xbf16> into tensor<?x?x2x4x16xbf16>
// CHECK-NEXT: %[[C1Q:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[SQ:.+]] = tensor.dim %[[Q]], %[[C1Q]] : tensor<?x?x8x16xbf16>
// CHECK-NEXT: %[[C1K:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[SK:.+]] = tensor.dim %[[K]], %[[C1K]] : tensor<?x?x2x16xbf16>
// CHECK:      attn.score_map %{{.+}} lengths [%[[SQ]], %[[SK]]] {{.*}} : tensor<?x2x4x?x?xf32>
// CHECK:      attn.einsum copy "bhgpf->bphgf" (%{{.+}}) : (tensor<?x2x4x?x16xf32>) -> tensor<?x?x2x4x16xbf16>
// CHECK-NEXT: %[[O:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3], [4]] : tensor<?x?x2x4x16xbf16> into tensor<?x?x8x16xbf16>
// CHECK:      %[[LSE:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3]] : tensor<?x2x4x?xf32> into tensor<?x8x?xf32>
// CHECK-NEXT: return %[[O]], %[[LSE]]
func.func @dynamic_bshd_bf16_with_lse(%q: tensor<?x?x8x16xbf16>, %k: tensor<?x?x2x16xbf16>, %v: tensor<?x?x2x16xbf16>) -> (tensor<?x?x8x16xbf16>, tensor<?x8x?xf32>) {
  %o, %l = attn.attention %q, %k, %v {layout = #attn.layout<bshd>, mask = #attn.mask<causal>, return_lse}
      : tensor<?x?x8x16xbf16>, tensor<?x?x2x16xbf16>, tensor<?x?x2x16xbf16> -> tensor<?x?x8x16xbf16>, tensor<?x8x?xf32>
  return %o, %l : tensor<?x?x8x16xbf16>, tensor<?x8x?xf32>
}

// CHECK-LABEL: func.func @static_output_from_dynamic_inputs_casts
// The cascade's types follow the inputs; a cast restores the op's type.
// CHECK:      %[[O:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] : tensor<2x4x1x?x32xf32> into tensor<2x4x?x32xf32>
// CHECK-NEXT: %[[C:.+]] = tensor.cast %[[O]] : tensor<2x4x?x32xf32> to tensor<2x4x16x32xf32>
// CHECK-NEXT: return %[[C]] : tensor<2x4x16x32xf32>
func.func @static_output_from_dynamic_inputs_casts(%q: tensor<?x4x?x32xf32>, %k: tensor<2x4x?x32xf32>, %v: tensor<?x4x64x32xf32>) -> tensor<2x4x16x32xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x32xf32>, tensor<2x4x?x32xf32>, tensor<?x4x64x32xf32> -> tensor<2x4x16x32xf32>
  return %o : tensor<2x4x16x32xf32>
}

// CHECK-LABEL: func.func @two_attentions_both_decomposed
// CHECK-COUNT-2: attn.score_map
// CHECK:      return
func.func @two_attentions_both_decomposed(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  %o2 = attn.attention %o, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  return %o2 : tensor<1x2x16x8xf32>
}
