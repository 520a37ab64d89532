// RUN: attn-opt %s | attn-opt | FileCheck %s
// RUN: attn-opt %s -mlir-print-op-generic | attn-opt | FileCheck %s

// Round-trip of attn.attention: every mask kind, the composition operators,
// every score modifier, the operands and regions they need, and the shapes,
// layouts and element types the op accepts. The CHECK lines hold the
// canonical printed form, which may differ from the input (defaults dropped,
// redundant parentheses dropped, nested & and | flattened).

//===----------------------------------------------------------------------===//
// Plain attention: shapes, element types, layout, scale, LSE
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @no_mask_roundtrip
// CHECK-SAME: (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x128x64xf16>, %[[V:.*]]: tensor<2x8x128x64xf16>)
// CHECK: %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
// CHECK: return %[[O]]
func.func @no_mask_roundtrip(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// CHECK-LABEL: func.func @default_layout_not_printed
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x8x128x64xbf16>
func.func @default_layout_not_printed(%q: tensor<2x8x128x64xbf16>, %k: tensor<2x8x128x64xbf16>, %v: tensor<2x8x128x64xbf16>) -> tensor<2x8x128x64xbf16> {
  %0 = attn.attention %q, %k, %v {layout = #attn.layout<bhsd>}
      : tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16> -> tensor<2x8x128x64xbf16>
  return %0 : tensor<2x8x128x64xbf16>
}

// CHECK-LABEL: func.func @layout_bshd_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {layout = #attn.layout<bshd>, mask = #attn.mask<causal>} : tensor<2x128x8x64xf16>, tensor<2x256x8x64xf16>, tensor<2x256x8x64xf16> -> tensor<2x128x8x64xf16>
func.func @layout_bshd_roundtrip(%q: tensor<2x128x8x64xf16>, %k: tensor<2x256x8x64xf16>, %v: tensor<2x256x8x64xf16>) -> tensor<2x128x8x64xf16> {
  %0 = attn.attention %q, %k, %v {layout = #attn.layout<bshd>, mask = #attn.mask<causal>}
      : tensor<2x128x8x64xf16>, tensor<2x256x8x64xf16>, tensor<2x256x8x64xf16> -> tensor<2x128x8x64xf16>
  return %0 : tensor<2x128x8x64xf16>
}

// CHECK-LABEL: func.func @scale_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.250000e-01 : f32} : tensor<1x4x64x64xf32>
func.func @scale_roundtrip(%q: tensor<1x4x64x64xf32>, %k: tensor<1x4x64x64xf32>, %v: tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32> {
  %0 = attn.attention %q, %k, %v {scale = 0.125 : f32}
      : tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32> -> tensor<1x4x64x64xf32>
  return %0 : tensor<1x4x64x64xf32>
}

// CHECK-LABEL: func.func @return_lse_roundtrip
// CHECK: %[[O:.*]], %[[LSE:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal>, return_lse} : tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16> -> tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>
// CHECK: return %[[O]], %[[LSE]] : tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>
func.func @return_lse_roundtrip(%q: tensor<2x8x128x64xbf16>, %k: tensor<2x8x128x64xbf16>, %v: tensor<2x8x128x64xbf16>) -> (tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>) {
  %o, %lse = attn.attention %q, %k, %v {mask = #attn.mask<causal>, return_lse}
      : tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16> -> tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>
  return %o, %lse : tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>
}

// CHECK-LABEL: func.func @return_lse_dynamic_bshd_roundtrip
// CHECK: attn.attention {{.*}} {layout = #attn.layout<bshd>, return_lse} : tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x8x?xf32>
func.func @return_lse_dynamic_bshd_roundtrip(%q: tensor<?x?x8x64xf32>, %k: tensor<?x?x8x64xf32>, %v: tensor<?x?x8x64xf32>) -> (tensor<?x?x8x64xf32>, tensor<?x8x?xf32>) {
  // The LSE is [B, Hq, Sq] whatever the layout.
  %o, %lse = attn.attention %q, %k, %v {layout = #attn.layout<bshd>, return_lse}
      : tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x8x?xf32>
  return %o, %lse : tensor<?x?x8x64xf32>, tensor<?x8x?xf32>
}

// CHECK-LABEL: func.func @gqa_32_query_heads_8_kv_heads
// CHECK: attn.attention {{.*}} : tensor<1x32x128x128xbf16>, tensor<1x8x128x128xbf16>, tensor<1x8x128x128xbf16> -> tensor<1x32x128x128xbf16>
func.func @gqa_32_query_heads_8_kv_heads(%q: tensor<1x32x128x128xbf16>, %k: tensor<1x8x128x128xbf16>, %v: tensor<1x8x128x128xbf16>) -> tensor<1x32x128x128xbf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x32x128x128xbf16>, tensor<1x8x128x128xbf16>, tensor<1x8x128x128xbf16> -> tensor<1x32x128x128xbf16>
  return %0 : tensor<1x32x128x128xbf16>
}

// CHECK-LABEL: func.func @mqa_one_kv_head
// CHECK: attn.attention {{.*}} : tensor<4x16x256x64xf16>, tensor<4x1x256x64xf16>, tensor<4x1x256x64xf16> -> tensor<4x16x256x64xf16>
func.func @mqa_one_kv_head(%q: tensor<4x16x256x64xf16>, %k: tensor<4x1x256x64xf16>, %v: tensor<4x1x256x64xf16>) -> tensor<4x16x256x64xf16> {
  %0 = attn.attention %q, %k, %v
      : tensor<4x16x256x64xf16>, tensor<4x1x256x64xf16>, tensor<4x1x256x64xf16> -> tensor<4x16x256x64xf16>
  return %0 : tensor<4x16x256x64xf16>
}

// CHECK-LABEL: func.func @qk_head_dim_differs_from_v_head_dim
// CHECK: attn.attention {{.*}} : tensor<1x16x128x192xbf16>, tensor<1x16x128x192xbf16>, tensor<1x16x128x128xbf16> -> tensor<1x16x128x128xbf16>
func.func @qk_head_dim_differs_from_v_head_dim(%q: tensor<1x16x128x192xbf16>, %k: tensor<1x16x128x192xbf16>, %v: tensor<1x16x128x128xbf16>) -> tensor<1x16x128x128xbf16> {
  // The output takes V's head dim (MLA: 192 for QK, 128 for V).
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x16x128x192xbf16>, tensor<1x16x128x192xbf16>, tensor<1x16x128x128xbf16> -> tensor<1x16x128x128xbf16>
  return %0 : tensor<1x16x128x128xbf16>
}

// CHECK-LABEL: func.func @dynamic_batch_and_sequences
// CHECK: attn.attention {{.*}} {mask = #attn.mask<causal(bottom_right) & window(1024, 0, bottom_right)>} : tensor<?x32x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x32x?x128xbf16>
func.func @dynamic_batch_and_sequences(%q: tensor<?x32x?x128xbf16>, %k: tensor<?x8x?x128xbf16>, %v: tensor<?x8x?x128xbf16>) -> tensor<?x32x?x128xbf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal(bottom_right) & window(1024, 0, bottom_right)>}
      : tensor<?x32x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x32x?x128xbf16>
  return %0 : tensor<?x32x?x128xbf16>
}

// CHECK-LABEL: func.func @static_output_from_dynamic_inputs
// CHECK: attn.attention {{.*}} : tensor<?x4x?x32xf32>, tensor<2x4x?x32xf32>, tensor<?x4x64x32xf32> -> tensor<2x4x16x32xf32>
func.func @static_output_from_dynamic_inputs(%q: tensor<?x4x?x32xf32>, %k: tensor<2x4x?x32xf32>, %v: tensor<?x4x64x32xf32>) -> tensor<2x4x16x32xf32> {
  // Dynamic and static extents agree with each other.
  %0 = attn.attention %q, %k, %v
      : tensor<?x4x?x32xf32>, tensor<2x4x?x32xf32>, tensor<?x4x64x32xf32> -> tensor<2x4x16x32xf32>
  return %0 : tensor<2x4x16x32xf32>
}

// CHECK-LABEL: func.func @element_type_f16
// CHECK: attn.attention {{.*}} -> tensor<1x2x16x8xf16>
func.func @element_type_f16(%q: tensor<1x2x16x8xf16>, %k: tensor<1x2x16x8xf16>, %v: tensor<1x2x16x8xf16>) -> tensor<1x2x16x8xf16> {
  %0 = attn.attention %q, %k, %v
      : tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16> -> tensor<1x2x16x8xf16>
  return %0 : tensor<1x2x16x8xf16>
}

// CHECK-LABEL: func.func @element_type_bf16
// CHECK: attn.attention {{.*}} -> tensor<1x2x16x8xbf16>
func.func @element_type_bf16(%q: tensor<1x2x16x8xbf16>, %k: tensor<1x2x16x8xbf16>, %v: tensor<1x2x16x8xbf16>) -> tensor<1x2x16x8xbf16> {
  %0 = attn.attention %q, %k, %v
      : tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16> -> tensor<1x2x16x8xbf16>
  return %0 : tensor<1x2x16x8xbf16>
}

// CHECK-LABEL: func.func @element_type_f32
// CHECK: attn.attention {{.*}} -> tensor<1x2x16x8xf32>
func.func @element_type_f32(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %0 = attn.attention %q, %k, %v
      : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  return %0 : tensor<1x2x16x8xf32>
}

//===----------------------------------------------------------------------===//
// Masks with operands or regions: document, blocks(runtime), mask_mod
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @document_segment_ids_roundtrip
// CHECK-SAME: (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x128x64xf16>, %[[V:.*]]: tensor<2x8x128x64xf16>, %[[QS:.*]]: tensor<2x128xi32>, %[[KS:.*]]: tensor<2x128xi32>)
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]] segments(%[[QS]], %[[KS]] : tensor<2x128xi32>, tensor<2x128xi32>) {mask = #attn.mask<causal & document>} : tensor<2x8x128x64xf16>
func.func @document_segment_ids_roundtrip(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>, %qs: tensor<2x128xi32>, %ks: tensor<2x128xi32>) -> tensor<2x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<2x128xi32>, tensor<2x128xi32>) {mask = #attn.mask<causal & document>}
      : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// CHECK-LABEL: func.func @document_ids_prints_as_document
// CHECK: segments(%{{.*}}, %{{.*}} : tensor<?x?xi64>, tensor<?x?xi64>) {mask = #attn.mask<document>} : tensor<?x8x?x64xf16>
func.func @document_ids_prints_as_document(%q: tensor<?x8x?x64xf16>, %k: tensor<?x8x?x64xf16>, %v: tensor<?x8x?x64xf16>, %qs: tensor<?x?xi64>, %ks: tensor<?x?xi64>) -> tensor<?x8x?x64xf16> {
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<?x?xi64>, tensor<?x?xi64>) {mask = #attn.mask<document(ids)>}
      : tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16> -> tensor<?x8x?x64xf16>
  return %0 : tensor<?x8x?x64xf16>
}

// CHECK-LABEL: func.func @document_offsets_roundtrip
// CHECK: segments(%{{.*}}, %{{.*}} : tensor<2x5xi32>, tensor<2x5xi32>) {mask = #attn.mask<document(offsets) & causal>} : tensor<2x8x128x64xf16>
func.func @document_offsets_roundtrip(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>, %qo: tensor<2x5xi32>, %ko: tensor<2x5xi32>) -> tensor<2x8x128x64xf16> {
  // Four documents per batch entry: five cumulative starts.
  %0 = attn.attention %q, %k, %v segments(%qo, %ko : tensor<2x5xi32>, tensor<2x5xi32>) {mask = #attn.mask<document(offsets) & causal>}
      : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// CHECK-LABEL: func.func @blocks_runtime_roundtrip
// CHECK-SAME: %[[M:[^:]*]]: tensor<2x8x2x4xi1>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} block_mask(%[[M]] : tensor<2x8x2x4xi1>) {mask = #attn.mask<blocks(64, 32, runtime)>} : tensor<2x8x128x64xf16>
func.func @blocks_runtime_roundtrip(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>, %m: tensor<2x8x2x4xi1>) -> tensor<2x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v block_mask(%m : tensor<2x8x2x4xi1>) {mask = #attn.mask<blocks(64, 32, runtime)>}
      : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// CHECK-LABEL: func.func @blocks_runtime_broadcast_mask_roundtrip
// CHECK: block_mask(%{{.*}} : tensor<1x1x?x3xi8>) {mask = #attn.mask<causal & blocks(128, 128, runtime)>} : tensor<?x8x?x64xf16>, tensor<?x8x300x64xf16>
func.func @blocks_runtime_broadcast_mask_roundtrip(%q: tensor<?x8x?x64xf16>, %k: tensor<?x8x300x64xf16>, %v: tensor<?x8x300x64xf16>, %m: tensor<1x1x?x3xi8>) -> tensor<?x8x?x64xf16> {
  // One mask for every batch entry and head; ceil(300 / 128) = 3 key blocks.
  %0 = attn.attention %q, %k, %v block_mask(%m : tensor<1x1x?x3xi8>) {mask = #attn.mask<causal & blocks(128, 128, runtime)>}
      : tensor<?x8x?x64xf16>, tensor<?x8x300x64xf16>, tensor<?x8x300x64xf16> -> tensor<?x8x?x64xf16>
  return %0 : tensor<?x8x?x64xf16>
}

// CHECK-LABEL: func.func @mask_mod_region_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<mask_mod & window(16)>} : tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32> -> tensor<1x4x64x32xf32> mask_mod {
// CHECK-NEXT: ^bb0(%[[B:.*]]: index, %[[H:.*]]: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT:   %[[C:.*]] = arith.cmpi ule, %[[J]], %[[I]] : index
// CHECK-NEXT:   attn.yield %[[C]] : i1
// CHECK-NEXT: }
func.func @mask_mod_region_roundtrip(%q: tensor<1x4x64x32xf32>, %k: tensor<1x4x64x32xf32>, %v: tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod & window(16)>}
      : tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32> -> tensor<1x4x64x32xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ule, %j, %i : index
    attn.yield %c : i1
  }
  return %0 : tensor<1x4x64x32xf32>
}

//===----------------------------------------------------------------------===//
// Score modifiers
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @alibi_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal>, score = #attn.score<alibi>} :
func.func @alibi_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal>, score = #attn.score<alibi>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @alibi_default_max_bias_not_printed
// CHECK: {score = #attn.score<alibi>} :
func.func @alibi_default_max_bias_not_printed(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi(8.0)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @alibi_max_bias_roundtrip
// CHECK: {score = #attn.score<alibi(4.0)>} :
func.func @alibi_max_bias_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi(4.0)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @softcap_roundtrip
// CHECK: {score = #attn.score<softcap(30.0)>} :
func.func @softcap_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {score = #attn.score<softcap(30.0)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @softcap_integer_prints_as_float
// CHECK: {score = #attn.score<softcap(50.0)>} :
func.func @softcap_integer_prints_as_float(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {score = #attn.score<softcap(50)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @softcap_exponent_roundtrip
// CHECK: {score = #attn.score<softcap(1e+20), softcap(0.001), softcap(2500.0)>} :
func.func @softcap_exponent_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  // The shortest form that reads back to the same double.
  %0 = attn.attention %q, %k, %v {score = #attn.score<softcap(1e20), softcap(1.0e-3), softcap(2.5E3)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @bias_operand_roundtrip
// CHECK-SAME: %[[BIAS:[^:]*]]: tensor<1x8x128x256xf16>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%[[BIAS]] : tensor<1x8x128x256xf16>) {score = #attn.score<bias>} : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
func.func @bias_operand_roundtrip(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>, %b: tensor<1x8x128x256xf16>) -> tensor<2x8x128x64xf16> {
  // [1, Hq, Sq, Sk]: broadcast over the batch.
  %0 = attn.attention %q, %k, %v bias(%b : tensor<1x8x128x256xf16>) {score = #attn.score<bias>}
      : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// CHECK-LABEL: func.func @score_mod_region_roundtrip
// CHECK: {score = #attn.score<score_mod>} : tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32> -> tensor<1x4x64x32xf32> score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT:   %[[T:.*]] = math.tanh %[[S]] : f32
// CHECK-NEXT:   attn.yield %[[T]] : f32
// CHECK-NEXT: }
func.func @score_mod_region_roundtrip(%q: tensor<1x4x64x32xf32>, %k: tensor<1x4x64x32xf32>, %v: tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32> {
  %0 = attn.attention %q, %k, %v {score = #attn.score<score_mod>}
      : tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32> -> tensor<1x4x64x32xf32>
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %t = math.tanh %s : f32
    attn.yield %t : f32
  }
  return %0 : tensor<1x4x64x32xf32>
}

// CHECK-LABEL: func.func @everything_at_once_roundtrip
// CHECK-SAME: %[[BIAS:[^:]*]]: tensor<2x1x128x128xf32>
// CHECK: %[[O:.*]], %[[LSE:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%[[BIAS]] : tensor<2x1x128x128xf32>)
// CHECK-SAME: {mask = #attn.mask<causal & (mask_mod | sink(4))>, return_lse, scale = 6.250000e-02 : f32, score = #attn.score<alibi, alibi(0.5), softcap(30.0), bias, score_mod>}
// CHECK-SAME: : tensor<2x16x128x64xf32>, tensor<2x4x128x64xf32>, tensor<2x4x128x32xf32> -> tensor<2x16x128x32xf32>, tensor<2x16x128xf32> mask_mod {
// CHECK:        attn.yield %{{.*}} : i1
// CHECK-NEXT: } score_mod {
// CHECK:        attn.yield %{{.*}} : f32
// CHECK-NEXT: }
// CHECK: return %[[O]], %[[LSE]]
func.func @everything_at_once_roundtrip(%q: tensor<2x16x128x64xf32>, %k: tensor<2x4x128x64xf32>, %v: tensor<2x4x128x32xf32>, %b: tensor<2x1x128x128xf32>) -> (tensor<2x16x128x32xf32>, tensor<2x16x128xf32>) {
  // Score modifiers apply left to right; several may repeat a kind.
  %o, %lse = attn.attention %q, %k, %v bias(%b : tensor<2x1x128x128xf32>)
      {mask = #attn.mask<causal & (mask_mod | sink(4))>,
       score = #attn.score<alibi, alibi(0.5), softcap(30.0), bias, score_mod>,
       scale = 0.0625 : f32, return_lse}
      : tensor<2x16x128x64xf32>, tensor<2x4x128x64xf32>, tensor<2x4x128x32xf32> -> tensor<2x16x128x32xf32>, tensor<2x16x128xf32>
      mask_mod {
  ^bb0(%bb: index, %h: index, %i: index, %j: index):
    %c2 = arith.constant 2 : index
    %r = arith.remui %h, %c2 : index
    %c0 = arith.constant 0 : index
    %even = arith.cmpi eq, %r, %c0 : index
    attn.yield %even : i1
  } score_mod {
  ^bb0(%s: f32, %bb: index, %h: index, %i: index, %j: index):
    %half = arith.constant 0.5 : f32
    %t = arith.mulf %s, %half : f32
    attn.yield %t : f32
  }
  return %o, %lse : tensor<2x16x128x32xf32>, tensor<2x16x128xf32>
}

//===----------------------------------------------------------------------===//
// Analytic mask kinds
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @all_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<all>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @all_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<all>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @causal_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @causal_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @causal_top_left_prints_as_causal
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @causal_top_left_prints_as_causal(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal(top_left)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// Sq = 128 < Sk = 256: the diagonal ends at the last key.
// CHECK-LABEL: func.func @causal_bottom_right_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal(bottom_right)>} : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
func.func @causal_bottom_right_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x256x64xf16>, %v: tensor<1x8x256x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal(bottom_right)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @window_symmetric_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<window(16)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @window_symmetric_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(16)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @window_equal_sides_prints_one_extent
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<window(16)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @window_equal_sides_prints_one_extent(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(16, 16)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @window_left_right_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<window(32, 0)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @window_left_right_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(32, 0)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @window_bottom_right_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<window(16, bottom_right)>} : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
func.func @window_bottom_right_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x256x64xf16>, %v: tensor<1x8x256x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(16, bottom_right)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @window_left_right_bottom_right_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<window(32, 4, bottom_right)>} : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
func.func @window_left_right_bottom_right_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x256x64xf16>, %v: tensor<1x8x256x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(32, 4, bottom_right)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @window_top_left_prints_without_alignment
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<window(32, 4)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @window_top_left_prints_without_alignment(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(32, 4, top_left)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @sink_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<sink(4)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @sink_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<sink(4)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @prefix_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<prefix(16)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @prefix_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<prefix(16)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @chunk_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<chunk(32)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @chunk_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<chunk(32)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @chunk_zero_shift_prints_without_shift
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<chunk(32)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @chunk_zero_shift_prints_without_shift(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<chunk(32, 0)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @chunk_with_shift_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<chunk(32, 8)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @chunk_with_shift_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<chunk(32, 8)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @dilated_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<dilated(16, 2)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @dilated_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<dilated(16, 2)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @global_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<global(0, 64, 127)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @global_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<global(0, 64, 127)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// Global tokens may reach the longer of Sq and Sk.
// CHECK-LABEL: func.func @global_longer_keys_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<global(0, 255)>} : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
func.func @global_longer_keys_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x256x64xf16>, %v: tensor<1x8x256x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<global(0, 255)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x256x64xf16>, tensor<1x8x256x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @strided_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<strided(1, 4)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @strided_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<strided(1, 4)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @strided_with_local_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<strided(1, 4, 16)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @strided_with_local_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<strided(1, 4, 16)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @strided_zero_local_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<strided(3, 8, 0)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @strided_zero_local_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<strided(3, 8, 0)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

//===----------------------------------------------------------------------===//
// Neighborhood (NATTEN / GNA)
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @neighborhood_1d_scalars_print_as_lists
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<neighborhood(extents = [128], kernel = [7])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @neighborhood_1d_scalars_print_as_lists(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 128, kernel = 7)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @neighborhood_1d_dilation_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<neighborhood(extents = [128], kernel = [7], dilation = [4])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @neighborhood_1d_dilation_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [128], kernel = [7], dilation = [4])>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @neighborhood_1d_defaults_not_printed
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<neighborhood(extents = [128], kernel = [7])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @neighborhood_1d_defaults_not_printed(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [128], kernel = [7], dilation = [1], stride = [1], causal = [false])>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @neighborhood_1d_causal_any_order
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<neighborhood(extents = [128], kernel = [7], causal = [true])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @neighborhood_1d_causal_any_order(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(causal = true, kernel = 7, extents = 128)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// 8 x 16 = 128 tokens; scalars apply to every axis.
// CHECK-LABEL: func.func @neighborhood_2d_scalar_broadcast
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<neighborhood(extents = [8, 16], kernel = [3, 3], dilation = [2, 2])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @neighborhood_2d_scalar_broadcast(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [8, 16], kernel = 3, dilation = 2)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @neighborhood_2d_stride_causal_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<neighborhood(extents = [8, 16], kernel = [3, 5], stride = [1, 2], causal = [true, false])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @neighborhood_2d_stride_causal_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [8, 16], kernel = [3, 5], stride = [1, 2], causal = [true, false])>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// Video: 2 frames of 8 x 8, causal in time.
// CHECK-LABEL: func.func @neighborhood_3d_all_parameters_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<neighborhood(extents = [2, 8, 8], kernel = [1, 3, 3], dilation = [1, 2, 1], stride = [1, 1, 3], causal = [true, false, false])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @neighborhood_3d_all_parameters_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [2, 8, 8], kernel = [1, 3, 3], dilation = [1, 2, 1], stride = [1, 1, 3], causal = [true, false, false])>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

//===----------------------------------------------------------------------===//
// Block-sparse and per-head masks
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @blocks_static_2d_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<blocks(64, 64, {{\[\[}}1, 0], [1, 1]])>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @blocks_static_2d_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(64, 64, [[1, 0], [1, 1]])>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// [Hq = 2][nq = 128 / 64][nk = 128 / 32].
// CHECK-LABEL: func.func @blocks_static_per_head_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<blocks(64, 32, {{\[\[}}[1, 0, 0, 0], [1, 1, 0, 0]], {{\[\[}}1, 1, 1, 1], [0, 0, 1, 1]]])>} : tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x2x128x64xf32>
func.func @blocks_static_per_head_roundtrip(%q: tensor<1x2x128x64xf32>, %k: tensor<1x2x128x64xf32>, %v: tensor<1x2x128x64xf32>) -> tensor<1x2x128x64xf32> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(64, 32, [[[1, 0, 0, 0], [1, 1, 0, 0]], [[1, 1, 1, 1], [0, 0, 1, 1]]])>}
      : tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x2x128x64xf32>
  return %0 : tensor<1x2x128x64xf32>
}

// CHECK-LABEL: func.func @heads_cases_and_fallback_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<heads([0, 1] : causal, [2, 3] : causal & window(16) & sink(4), * : all)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @heads_cases_and_fallback_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0, 1] : causal, [2, 3] : causal & window(16) & sink(4), * : all)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @heads_without_fallback_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<heads([0, 2, 4, 6] : causal, [1, 3, 5, 7] : !causal)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @heads_without_fallback_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0, 2, 4, 6] : causal, [1, 3, 5, 7] : !causal)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @heads_only_fallback_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<heads(* : chunk(32))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @heads_only_fallback_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads(* : chunk(32))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// `,` ends a case, so `|` inside one needs its parentheses.
// CHECK-LABEL: func.func @heads_or_case_keeps_parentheses
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<heads([0] : (causal | sink(4)), * : causal)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @heads_or_case_keeps_parentheses(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0] : (causal | sink(4)), * : causal)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @heads_redundant_parentheses_dropped
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<heads([1] : causal, * : causal & sink(4))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @heads_redundant_parentheses_dropped(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([1] : (causal), * : (causal & (sink(4))))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @heads_nested_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<heads([0] : heads([0] : causal, * : all), * : sink(1))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @heads_nested_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0] : heads([0] : causal, * : all), * : sink(1))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

//===----------------------------------------------------------------------===//
// Composition: &, |, ! and parentheses
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @and_of_or_keeps_parentheses
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal & (window(1024) | sink(4))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @and_of_or_keeps_parentheses(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal & (window(1024) | sink(4))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @or_of_and_drops_parentheses
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal & window(16) | sink(4)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @or_of_and_drops_parentheses(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<(causal & window(16)) | sink(4)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @and_binds_tighter_than_or
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<sink(4) | causal & window(16)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @and_binds_tighter_than_or(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<sink(4) | causal & window(16)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @nested_and_flattens
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal & window(16) & sink(4)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @nested_and_flattens(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal & (window(16) & sink(4))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @left_nested_and_flattens
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal & window(16) & sink(4)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @left_nested_and_flattens(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<(causal & window(16)) & sink(4)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @nested_or_flattens
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal | prefix(16) | sink(4) | global(0)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @nested_or_flattens(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal | (prefix(16) | (sink(4) | global(0)))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @redundant_parentheses_dropped
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal & window(16)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @redundant_parentheses_dropped(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<((causal)) & (((window(16))))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @not_of_kind_drops_parentheses
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<!causal>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @not_of_kind_drops_parentheses(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<!(causal)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @not_of_and_keeps_parentheses
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<!(causal & window(16))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @not_of_and_keeps_parentheses(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<!(causal & window(16))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @not_of_or_keeps_parentheses
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<sink(4) & !(prefix(16) | global(0))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @not_of_or_keeps_parentheses(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<sink(4) & !(prefix(16) | global(0))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @double_not_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<!!causal>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @double_not_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<!(!causal)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @not_binds_tighter_than_and
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<!causal & window(16) | !sink(4)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @not_binds_tighter_than_and(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<!causal & window(16) | !sink(4)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @or_under_and_under_or
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal | (window(16) | sink(4)) & (chunk(32) | prefix(8))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @or_under_and_under_or(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal | (window(16) | sink(4)) & (chunk(32) | prefix(8))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @prefix_lm_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal | prefix(16)>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @prefix_lm_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal | prefix(16)>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @causal_sliding_window_with_sink_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal & (window(64, 0) | sink(4))>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @causal_sliding_window_with_sink_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal & (window(64, 0) | sink(4))>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @not_all_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<!all>} : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
func.func @not_all_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<!all>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

//===----------------------------------------------------------------------===//
// Attribute syntax: aliases, line breaks, the verbose #attn<...> form
//===----------------------------------------------------------------------===//

#sliding = #attn.mask<causal & (window(64, 0)
                                | sink(4))>
#mods = #attn.score<alibi,
                    softcap(30.0)>

// CHECK-LABEL: func.func @aliases_with_line_breaks_roundtrip
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<causal & (window(64, 0) | sink(4))>, score = #attn.score<alibi, softcap(30.0)>} :
func.func @aliases_with_line_breaks_roundtrip(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #sliding, score = #mods}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

// CHECK-LABEL: func.func @verbose_form_prints_pretty
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {mask = #attn.mask<!(causal | sink(1))>, score = #attn.score<softcap(20.0)>} :
func.func @verbose_form_prints_pretty(%q: tensor<1x8x128x64xf16>, %k: tensor<1x8x128x64xf16>, %v: tensor<1x8x128x64xf16>) -> tensor<1x8x128x64xf16> {
  %0 = attn.attention %q, %k, %v {mask = #attn<mask<!(causal | sink(1))>>, score = #attn<score<softcap(20.0)>>}
      : tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return %0 : tensor<1x8x128x64xf16>
}

//===----------------------------------------------------------------------===//
// attn.score_map: the map step of the cascade on a [B, Hkv, G, Tq, Tk] tile
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @score_map_roundtrip
// CHECK-SAME: (%[[S:[a-z0-9]+]]: tensor<1x8x4x64x64xf32>, %[[Q0:[a-z0-9]+]]: index, %[[K0:[a-z0-9]+]]: index, %[[SQ:[a-z0-9]+]]: index, %[[SK:[a-z0-9]+]]: index)
// CHECK: %[[R:.*]] = attn.score_map %[[S]] at [%[[Q0]], %[[K0]]] lengths [%[[SQ]], %[[SK]]] {scale = 1.250000e-01 : f32} : tensor<1x8x4x64x64xf32>
// CHECK: return %[[R]] : tensor<1x8x4x64x64xf32>
func.func @score_map_roundtrip(%s: tensor<1x8x4x64x64xf32>, %q0: index, %k0: index, %sq: index, %sk: index) -> tensor<1x8x4x64x64xf32> {
  %0 = attn.score_map %s at [%q0, %k0] lengths [%sq, %sk] {scale = 0.125 : f32} : tensor<1x8x4x64x64xf32>
  return %0 : tensor<1x8x4x64x64xf32>
}

// A tile of one batch entry and KV head: its origin and the problem's heads.
// CHECK-LABEL: func.func @score_map_origin_roundtrip
// CHECK: attn.score_map %{{.+}} at [%{{.+}}, %{{.+}}] origin [%[[B:.+]], %[[H:.+]]] lengths [%{{.+}}, %{{.+}}] {mask = #attn.mask<causal>, q_heads = 32 : i64, scale = 1.250000e-01 : f32} : tensor<1x1x4x64x64xf32>
func.func @score_map_origin_roundtrip(%s: tensor<1x1x4x64x64xf32>, %q0: index, %k0: index, %b: index, %h: index, %sq: index, %sk: index) -> tensor<1x1x4x64x64xf32> {
  %0 = attn.score_map %s at [%q0, %k0] origin [%b, %h] lengths [%sq, %sk] {mask = #attn.mask<causal>, q_heads = 32 : i64, scale = 0.125 : f32} : tensor<1x1x4x64x64xf32>
  return %0 : tensor<1x1x4x64x64xf32>
}

// CHECK-LABEL: func.func @score_map_mask_and_score_dynamic_tile_roundtrip
// CHECK: attn.score_map %{{.*}} at [%{{.*}}, %{{.*}}] lengths [%{{.*}}, %{{.*}}] {mask = #attn.mask<causal & (window(128) | sink(4))>, scale = 5.000000e-01 : f32, score = #attn.score<alibi, softcap(30.0)>} : tensor<?x2x4x?x?xf32>
func.func @score_map_mask_and_score_dynamic_tile_roundtrip(%s: tensor<?x2x4x?x?xf32>, %q0: index, %k0: index, %sq: index, %sk: index) -> tensor<?x2x4x?x?xf32> {
  // Attributes print sorted, whatever order they are written in.
  %0 = attn.score_map %s at [%q0, %k0] lengths [%sq, %sk]
      {score = #attn.score<alibi, softcap(30.0)>, scale = 0.5 : f32, mask = #attn.mask<causal & (window(128) | sink(4))>}
      : tensor<?x2x4x?x?xf32>
  return %0 : tensor<?x2x4x?x?xf32>
}

// CHECK-LABEL: func.func @score_map_segments_roundtrip
// CHECK-SAME: %[[QS:[a-z0-9]+]]: tensor<2x64xi32>, %[[KS:[a-z0-9]+]]: tensor<2x128xi64>
// CHECK: attn.score_map %{{.*}} segments(%[[QS]], %[[KS]] : tensor<2x64xi32>, tensor<2x128xi64>) {mask = #attn.mask<causal & document>, scale = 2.500000e-01 : f32} : tensor<2x4x1x64x32xf32>
func.func @score_map_segments_roundtrip(%s: tensor<2x4x1x64x32xf32>, %i: index, %qs: tensor<2x64xi32>, %ks: tensor<2x128xi64>) -> tensor<2x4x1x64x32xf32> {
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] segments(%qs, %ks : tensor<2x64xi32>, tensor<2x128xi64>)
      {mask = #attn.mask<causal & document>, scale = 0.25 : f32} : tensor<2x4x1x64x32xf32>
  return %0 : tensor<2x4x1x64x32xf32>
}

// CHECK-LABEL: func.func @score_map_block_mask_roundtrip
// CHECK-SAME: %[[M:[a-z0-9]+]]: tensor<2x8x2x4xi1>
// CHECK: attn.score_map %{{.*}} block_mask(%[[M]] : tensor<2x8x2x4xi1>) {mask = #attn.mask<blocks(64, 32, runtime)>, scale = 2.500000e-01 : f32} : tensor<2x8x1x64x32xf32>
func.func @score_map_block_mask_roundtrip(%s: tensor<2x8x1x64x32xf32>, %i: index, %m: tensor<2x8x2x4xi1>) -> tensor<2x8x1x64x32xf32> {
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] block_mask(%m : tensor<2x8x2x4xi1>)
      {mask = #attn.mask<blocks(64, 32, runtime)>, scale = 0.25 : f32} : tensor<2x8x1x64x32xf32>
  return %0 : tensor<2x8x1x64x32xf32>
}

// CHECK-LABEL: func.func @score_map_bias_and_regions_roundtrip
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<1x4x16x16xf16>
// CHECK: attn.score_map %{{.*}} bias(%[[B]] : tensor<1x4x16x16xf16>) {mask = #attn.mask<mask_mod>, scale = 2.500000e-01 : f32, score = #attn.score<bias, score_mod>} : tensor<1x2x2x16x16xf32> mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT:   %[[C:.*]] = arith.cmpi ule, %[[J]], %[[I]] : index
// CHECK-NEXT:   attn.yield %[[C]] : i1
// CHECK-NEXT: } score_mod {
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT:   %[[T:.*]] = math.tanh %[[X]] : f32
// CHECK-NEXT:   attn.yield %[[T]] : f32
// CHECK-NEXT: }
func.func @score_map_bias_and_regions_roundtrip(%s: tensor<1x2x2x16x16xf32>, %i: index, %b: tensor<1x4x16x16xf16>) -> tensor<1x2x2x16x16xf32> {
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] bias(%b : tensor<1x4x16x16xf16>)
      {mask = #attn.mask<mask_mod>, score = #attn.score<bias, score_mod>, scale = 0.25 : f32}
      : tensor<1x2x2x16x16xf32>
      mask_mod {
  ^bb0(%bb: index, %h: index, %q: index, %k: index):
    %c = arith.cmpi ule, %k, %q : index
    attn.yield %c : i1
  } score_mod {
  ^bb0(%x: f32, %bb: index, %h: index, %q: index, %k: index):
    %t = math.tanh %x : f32
    attn.yield %t : f32
  }
  return %0 : tensor<1x2x2x16x16xf32>
}
