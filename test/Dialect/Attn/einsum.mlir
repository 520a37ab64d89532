// RUN: attn-opt %s | attn-opt | FileCheck %s

// attn.einsum, FuseMax's extended Einsum: `compute` maps the inputs' elements
// at matching coordinates; letters that appear in an input but not in the
// output are reduced with `reduce`. Below: every map and reduce operator,
// then the attention cascades of FuseMax (Nayak et al., MICRO 2024) over
// Q [b, h, p, e], K [b, h, m, e], V [b, h, m, f]: p indexes queries, m keys,
// e the QK head dim and f the V head dim. The printer puts no space before
// the operand list: `"pm->p" reduce add (%a)`.

//===----------------------------------------------------------------------===//
// Single Einsums
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @unary_maps_roundtrip
// CHECK: attn.einsum copy "pm->pm" (%{{.*}}) : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: attn.einsum neg "pm->pm" (%{{.*}}) : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: attn.einsum exp "pm->pm" (%{{.*}}) : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: attn.einsum log "pm->pm" (%{{.*}}) : (tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @unary_maps_roundtrip(%a: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = attn.einsum copy "pm->pm" (%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = attn.einsum neg "pm->pm" (%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = attn.einsum exp "pm->pm" (%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = attn.einsum log "pm->pm" (%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// CHECK-LABEL: func.func @binary_maps_broadcast_roundtrip
// CHECK: attn.einsum mul "pm,p->pm" (%{{.*}}, %{{.*}}) : (tensor<4x8xf16>, tensor<4xf16>) -> tensor<4x8xf16>
// CHECK: attn.einsum add "pm,m->pm" (%{{.*}}, %{{.*}}) : (tensor<4x8xf16>, tensor<8xf16>) -> tensor<4x8xf16>
// CHECK: attn.einsum sub "pm,pm->pm" (%{{.*}}, %{{.*}}) : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
// CHECK: attn.einsum div "pm,p->pm" (%{{.*}}, %{{.*}}) : (tensor<4x8xf16>, tensor<4xf16>) -> tensor<4x8xf16>
// CHECK: attn.einsum max "p,p->p" (%{{.*}}, %{{.*}}) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
// CHECK: attn.einsum exp_sub "pm,p->pm" (%{{.*}}, %{{.*}}) : (tensor<4x8xf16>, tensor<4xf16>) -> tensor<4x8xf16>
func.func @binary_maps_broadcast_roundtrip(%a: tensor<4x8xf16>, %r: tensor<4xf16>, %c: tensor<8xf16>) -> (tensor<4x8xf16>, tensor<4xf16>, tensor<4x8xf16>) {
  %0 = attn.einsum mul "pm,p->pm" (%a, %r) : (tensor<4x8xf16>, tensor<4xf16>) -> tensor<4x8xf16>
  %1 = attn.einsum add "pm,m->pm" (%0, %c) : (tensor<4x8xf16>, tensor<8xf16>) -> tensor<4x8xf16>
  %2 = attn.einsum sub "pm,pm->pm" (%1, %a) : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
  %3 = attn.einsum div "pm,p->pm" (%2, %r) : (tensor<4x8xf16>, tensor<4xf16>) -> tensor<4x8xf16>
  %4 = attn.einsum max "p,p->p" (%r, %r) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  %5 = attn.einsum exp_sub "pm,p->pm" (%3, %4) : (tensor<4x8xf16>, tensor<4xf16>) -> tensor<4x8xf16>
  return %3, %4, %5 : tensor<4x8xf16>, tensor<4xf16>, tensor<4x8xf16>
}

// CHECK-LABEL: func.func @reductions_roundtrip
// CHECK: attn.einsum copy "pm->p" reduce add (%{{.*}}) : (tensor<4x8xbf16>) -> tensor<4xbf16>
// CHECK: attn.einsum copy "pm->m" reduce max (%{{.*}}) : (tensor<4x8xbf16>) -> tensor<8xbf16>
// CHECK: attn.einsum exp "pm->" reduce add (%{{.*}}) : (tensor<4x8xbf16>) -> tensor<bf16>
func.func @reductions_roundtrip(%a: tensor<4x8xbf16>) -> (tensor<4xbf16>, tensor<8xbf16>, tensor<bf16>) {
  %0 = attn.einsum copy "pm->p" reduce add (%a) : (tensor<4x8xbf16>) -> tensor<4xbf16>
  %1 = attn.einsum copy "pm->m" reduce max (%a) : (tensor<4x8xbf16>) -> tensor<8xbf16>
  // Every axis reduced: a rank-0 result named by the empty term.
  %2 = attn.einsum exp "pm->" reduce add (%a) : (tensor<4x8xbf16>) -> tensor<bf16>
  return %0, %1, %2 : tensor<4xbf16>, tensor<8xbf16>, tensor<bf16>
}

// CHECK-LABEL: func.func @rank0_input_roundtrip
// CHECK: attn.einsum mul ",pm->pm" (%{{.*}}, %{{.*}}) : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @rank0_input_roundtrip(%s: tensor<f32>, %a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = attn.einsum mul ",pm->pm" (%s, %a) : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @contraction_dynamic_extents_roundtrip
// CHECK: attn.einsum mul "bhpe,bhme->bhpm" reduce add (%{{.*}}, %{{.*}}) : (tensor<?x2x?x32xf32>, tensor<1x2x?x32xf32>) -> tensor<?x2x64x?xf32>
func.func @contraction_dynamic_extents_roundtrip(%q: tensor<?x2x?x32xf32>, %k: tensor<1x2x?x32xf32>) -> tensor<?x2x64x?xf32> {
  // A dynamic extent agrees with any static one for the same letter.
  %0 = attn.einsum mul "bhpe,bhme->bhpm" reduce add (%q, %k) : (tensor<?x2x?x32xf32>, tensor<1x2x?x32xf32>) -> tensor<?x2x64x?xf32>
  return %0 : tensor<?x2x64x?xf32>
}

//===----------------------------------------------------------------------===//
// FuseMax 3-pass cascade: one pass over the keys per row statistic.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fusemax_three_pass_cascade
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x64x32xf32>, %[[K:.*]]: tensor<1x2x64x32xf32>, %[[V:.*]]: tensor<1x2x64x16xf32>)
//
// QK[b,h,p,m] = sum_e Q[b,h,p,e] * K[b,h,m,e]
// CHECK: %[[QK:.*]] = attn.einsum mul "bhpe,bhme->bhpm" reduce add (%[[Q]], %[[K]]) : (tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32>) -> tensor<1x2x64x64xf32>
//
// GM[b,h,p] = max_m QK[b,h,p,m]
// CHECK: %[[GM:.*]] = attn.einsum copy "bhpm->bhp" reduce max (%[[QK]]) : (tensor<1x2x64x64xf32>) -> tensor<1x2x64xf32>
//
// SN[b,h,p,m] = exp(QK[b,h,p,m] - GM[b,h,p])
// CHECK: %[[SN:.*]] = attn.einsum exp_sub "bhpm,bhp->bhpm" (%[[QK]], %[[GM]]) : (tensor<1x2x64x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x64xf32>
//
// SD[b,h,p] = sum_m SN[b,h,p,m]
// CHECK: %[[SD:.*]] = attn.einsum copy "bhpm->bhp" reduce add (%[[SN]]) : (tensor<1x2x64x64xf32>) -> tensor<1x2x64xf32>
//
// A[b,h,p,m] = SN[b,h,p,m] / SD[b,h,p]
// CHECK: %[[A:.*]] = attn.einsum div "bhpm,bhp->bhpm" (%[[SN]], %[[SD]]) : (tensor<1x2x64x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x64xf32>
//
// AV[b,h,p,f] = sum_m A[b,h,p,m] * V[b,h,m,f]
// CHECK: %[[AV:.*]] = attn.einsum mul "bhpm,bhmf->bhpf" reduce add (%[[A]], %[[V]]) : (tensor<1x2x64x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x64x16xf32>
// CHECK: return %[[AV]] : tensor<1x2x64x16xf32>
func.func @fusemax_three_pass_cascade(%q: tensor<1x2x64x32xf32>, %k: tensor<1x2x64x32xf32>, %v: tensor<1x2x64x16xf32>) -> tensor<1x2x64x16xf32> {
  %qk = attn.einsum mul "bhpe,bhme->bhpm" reduce add (%q, %k)
      : (tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32>) -> tensor<1x2x64x64xf32>
  %gm = attn.einsum copy "bhpm->bhp" reduce max (%qk)
      : (tensor<1x2x64x64xf32>) -> tensor<1x2x64xf32>
  %sn = attn.einsum exp_sub "bhpm,bhp->bhpm" (%qk, %gm)
      : (tensor<1x2x64x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x64xf32>
  %sd = attn.einsum copy "bhpm->bhp" reduce add (%sn)
      : (tensor<1x2x64x64xf32>) -> tensor<1x2x64xf32>
  %a = attn.einsum div "bhpm,bhp->bhpm" (%sn, %sd)
      : (tensor<1x2x64x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x64xf32>
  %av = attn.einsum mul "bhpm,bhmf->bhpf" reduce add (%a, %v)
      : (tensor<1x2x64x64xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x64x16xf32>
  return %av : tensor<1x2x64x16xf32>
}

//===----------------------------------------------------------------------===//
// FuseMax 1-pass cascade: an online softmax over KV tiles of 16 keys. The
// loop carries the running max RM, the running denominator RD and the
// running numerator RNV; each step rescales RD and RNV once by
// exp(RM - newMax); RNV / RD normalises once after the loop.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fusemax_one_pass_cascade
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x64x32xf32>, %[[K:.*]]: tensor<1x2x64x32xf32>, %[[V:.*]]: tensor<1x2x64x16xf32>)
//
// RM = -inf, RD = 0, RNV = 0
// CHECK-DAG: %[[NEG_INF:.*]] = arith.constant dense<0xFF800000> : tensor<1x2x64xf32>
// CHECK-DAG: %[[ZERO_D:.*]] = arith.constant dense<0.000000e+00> : tensor<1x2x64xf32>
// CHECK-DAG: %[[ZERO_NV:.*]] = arith.constant dense<0.000000e+00> : tensor<1x2x64x16xf32>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[R:.*]]:3 = scf.for %[[M0:.*]] = %[[C0]] to %[[C64]] step %[[C16]]
// CHECK-SAME: iter_args(%[[RM:.*]] = %[[NEG_INF]], %[[RD:.*]] = %[[ZERO_D]], %[[RNV:.*]] = %[[ZERO_NV]])
// CHECK-SAME: -> (tensor<1x2x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64x16xf32>)
//
// The KV tile [m0, m0 + 16)
// CHECK: %[[KT:.*]] = tensor.extract_slice %[[K]][0, 0, %[[M0]], 0] [1, 2, 16, 32] [1, 1, 1, 1] : tensor<1x2x64x32xf32> to tensor<1x2x16x32xf32>
// CHECK: %[[VT:.*]] = tensor.extract_slice %[[V]][0, 0, %[[M0]], 0] [1, 2, 16, 16] [1, 1, 1, 1] : tensor<1x2x64x16xf32> to tensor<1x2x16x16xf32>
//
// S[b,h,p,m] = sum_e Q[b,h,p,e] * Kt[b,h,m,e]
// CHECK: %[[S:.*]] = attn.einsum mul "bhpe,bhme->bhpm" reduce add (%[[Q]], %[[KT]]) : (tensor<1x2x64x32xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x64x16xf32>
//
// rowMax(S)[b,h,p] = max_m S[b,h,p,m]
// CHECK: %[[TM:.*]] = attn.einsum copy "bhpm->bhp" reduce max (%[[S]]) : (tensor<1x2x64x16xf32>) -> tensor<1x2x64xf32>
//
// newMax = max(oldMax, rowMax(S))
// CHECK: %[[NM:.*]] = attn.einsum max "bhp,bhp->bhp" (%[[RM]], %[[TM]]) : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
//
// P = exp(S - newMax)
// CHECK: %[[P:.*]] = attn.einsum exp_sub "bhpm,bhp->bhpm" (%[[S]], %[[NM]]) : (tensor<1x2x64x16xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x16xf32>
//
// rescale = exp(oldMax - newMax), the one correction of the step
// CHECK: %[[C:.*]] = attn.einsum exp_sub "bhp,bhp->bhp" (%[[RM]], %[[NM]]) : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
//
// RD' = RD * rescale + rowSum(P)
// CHECK: %[[RDC:.*]] = attn.einsum mul "bhp,bhp->bhp" (%[[RD]], %[[C]]) : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
// CHECK: %[[PS:.*]] = attn.einsum copy "bhpm->bhp" reduce add (%[[P]]) : (tensor<1x2x64x16xf32>) -> tensor<1x2x64xf32>
// CHECK: %[[RD2:.*]] = attn.einsum add "bhp,bhp->bhp" (%[[RDC]], %[[PS]]) : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
//
// RNV' = RNV * rescale + P . Vt
// CHECK: %[[RNVC:.*]] = attn.einsum mul "bhpf,bhp->bhpf" (%[[RNV]], %[[C]]) : (tensor<1x2x64x16xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x16xf32>
// CHECK: %[[PV:.*]] = attn.einsum mul "bhpm,bhmf->bhpf" reduce add (%[[P]], %[[VT]]) : (tensor<1x2x64x16xf32>, tensor<1x2x16x16xf32>) -> tensor<1x2x64x16xf32>
// CHECK: %[[RNV2:.*]] = attn.einsum add "bhpf,bhpf->bhpf" (%[[RNVC]], %[[PV]]) : (tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x64x16xf32>
//
// CHECK: scf.yield %[[NM]], %[[RD2]], %[[RNV2]] : tensor<1x2x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64x16xf32>
// CHECK-NEXT: }
//
// O = RNV / RD, once after the loop
// CHECK: %[[O:.*]] = attn.einsum div "bhpf,bhp->bhpf" (%[[R]]#2, %[[R]]#1) : (tensor<1x2x64x16xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x16xf32>
// CHECK: return %[[O]] : tensor<1x2x64x16xf32>
func.func @fusemax_one_pass_cascade(%q: tensor<1x2x64x32xf32>, %k: tensor<1x2x64x32xf32>, %v: tensor<1x2x64x16xf32>) -> tensor<1x2x64x16xf32> {
  %neg_inf = arith.constant dense<0xFF800000> : tensor<1x2x64xf32>
  %zero_d = arith.constant dense<0.0> : tensor<1x2x64xf32>
  %zero_nv = arith.constant dense<0.0> : tensor<1x2x64x16xf32>
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %r:3 = scf.for %m0 = %c0 to %c64 step %c16
      iter_args(%rm = %neg_inf, %rd = %zero_d, %rnv = %zero_nv)
      -> (tensor<1x2x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64x16xf32>) {
    %kt = tensor.extract_slice %k[0, 0, %m0, 0] [1, 2, 16, 32] [1, 1, 1, 1]
        : tensor<1x2x64x32xf32> to tensor<1x2x16x32xf32>
    %vt = tensor.extract_slice %v[0, 0, %m0, 0] [1, 2, 16, 16] [1, 1, 1, 1]
        : tensor<1x2x64x16xf32> to tensor<1x2x16x16xf32>
    %s = attn.einsum mul "bhpe,bhme->bhpm" reduce add (%q, %kt)
        : (tensor<1x2x64x32xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x64x16xf32>
    %tile_max = attn.einsum copy "bhpm->bhp" reduce max (%s)
        : (tensor<1x2x64x16xf32>) -> tensor<1x2x64xf32>
    %new_max = attn.einsum max "bhp,bhp->bhp" (%rm, %tile_max)
        : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
    %p = attn.einsum exp_sub "bhpm,bhp->bhpm" (%s, %new_max)
        : (tensor<1x2x64x16xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x16xf32>
    %rescale = attn.einsum exp_sub "bhp,bhp->bhp" (%rm, %new_max)
        : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
    %rd_scaled = attn.einsum mul "bhp,bhp->bhp" (%rd, %rescale)
        : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
    %p_sum = attn.einsum copy "bhpm->bhp" reduce add (%p)
        : (tensor<1x2x64x16xf32>) -> tensor<1x2x64xf32>
    %rd_next = attn.einsum add "bhp,bhp->bhp" (%rd_scaled, %p_sum)
        : (tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64xf32>
    %rnv_scaled = attn.einsum mul "bhpf,bhp->bhpf" (%rnv, %rescale)
        : (tensor<1x2x64x16xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x16xf32>
    %pv = attn.einsum mul "bhpm,bhmf->bhpf" reduce add (%p, %vt)
        : (tensor<1x2x64x16xf32>, tensor<1x2x16x16xf32>) -> tensor<1x2x64x16xf32>
    %rnv_next = attn.einsum add "bhpf,bhpf->bhpf" (%rnv_scaled, %pv)
        : (tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x64x16xf32>
    scf.yield %new_max, %rd_next, %rnv_next
        : tensor<1x2x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64x16xf32>
  }
  %o = attn.einsum div "bhpf,bhp->bhpf" (%r#2, %r#1)
      : (tensor<1x2x64x16xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x16xf32>
  return %o : tensor<1x2x64x16xf32>
}
