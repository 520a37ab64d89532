// RUN: attn-opt %s --split-input-file --attn-lower-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @reduce_max
// GM = max_m S: a fill of -inf, then a reduction over m.
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[NINF]] : f32)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%{{.+}} : tensor<4x8xf32>) outs(%[[INIT]] : tensor<4xf32>)
// CHECK:   arith.maximumf
// CHECK-NOT: attn.einsum
func.func @reduce_max(%s: tensor<4x8xf32>) -> tensor<4xf32> {
  %0 = attn.einsum copy "pm->p" reduce max (%s) : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @exp_sub_is_zero_when_max_is_minus_inf
// CHECK: linalg.generic
// CHECK:   %[[D:.+]] = arith.subf
// CHECK:   %[[E:.+]] = math.exp %[[D]]
// CHECK:   %[[IS:.+]] = arith.cmpf oeq, %{{.+}}, %{{.+}} : f32
// CHECK:   arith.select %[[IS]], %{{.+}}, %[[E]]
func.func @exp_sub_is_zero_when_max_is_minus_inf(%s: tensor<4x8xf32>, %m: tensor<4xf32>) -> tensor<4x8xf32> {
  %0 = attn.einsum exp_sub "pm,p->pm" (%s, %m) : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// bf16 inputs are widened to f32 inside the body; the sum stays in f32.
// CHECK-LABEL: func.func @bf16_contraction
// CHECK: linalg.generic
// CHECK:   arith.extf %{{.+}} : bf16 to f32
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @bf16_contraction(%q: tensor<2x16xbf16>, %k: tensor<3x16xbf16>) -> tensor<2x3xf32> {
  %0 = attn.einsum mul "pe,me->pm" reduce add (%q, %k) : (tensor<2x16xbf16>, tensor<3x16xbf16>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The score map inlines scale, mask and -inf for hidden keys.
// CHECK-LABEL: func.func @causal_score_map
// CHECK: linalg.generic
// CHECK:   linalg.index 3
// CHECK:   linalg.index 4
// CHECK:   arith.mulf
// CHECK:   arith.cmpi
// CHECK:   arith.select %{{.+}}, %{{.+}}, %{{.+}} : f32
// CHECK-NOT: attn.score_map
func.func @causal_score_map(%s: tensor<1x2x1x8x8xf32>) -> tensor<1x2x1x8x8xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %0 = attn.score_map %s at [%c0, %c0] lengths [%c8, %c8] {mask = #attn.mask<causal>, scale = 0.5 : f32} : tensor<1x2x1x8x8xf32>
  return %0 : tensor<1x2x1x8x8xf32>
}
