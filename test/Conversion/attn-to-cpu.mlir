// RUN: attn-opt %s --attn-to-cpu | FileCheck %s
// RUN: attn-opt %s --attn-to-cpu='to-llvm=false q-tile=32 kv-tile=16' | FileCheck %s --check-prefix=LOOPS

// The whole pipeline ends in the LLVM dialect, with results as out-params.
// CHECK-LABEL: llvm.func @causal_gqa
// CHECK-NOT: attn.
// CHECK-NOT: linalg.
// CHECK-NOT: scf.
// LOOPS-LABEL: func.func @causal_gqa(%{{.+}}: memref<1x4x70x16xbf16>, %{{.+}}: memref<1x2x70x16xbf16>, %{{.+}}: memref<1x2x70x8xbf16>, %{{.+}}: memref<1x4x70x8xbf16>)
// LOOPS: scf.for
func.func @causal_gqa(%q: tensor<1x4x70x16xbf16>, %k: tensor<1x2x70x16xbf16>, %v: tensor<1x2x70x8xbf16>) -> tensor<1x4x70x8xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x4x70x16xbf16>, tensor<1x2x70x16xbf16>, tensor<1x2x70x8xbf16> -> tensor<1x4x70x8xbf16>
  return %o : tensor<1x4x70x8xbf16>
}
