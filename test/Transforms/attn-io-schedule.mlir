// RUN: attn-opt %s --split-input-file --attn-io-schedule=print -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: attn-opt %s --split-input-file --attn-io-schedule 2>/dev/null | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-io-schedule='cache-bytes=40000 print' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMALL

// The chosen schedule is recorded for the cascade passes, and the prediction
// is printed beside the lower bound.
// REMARK: remark: io-schedule: q_tile=64 kv_tile=64 split_kv=1; 2080 KV tiles visited per head; {{.*}} MB moved (lower bound {{.*}} MB), {{.*}} GFLOP, predicted {{.*}} us ({{memory|compute}}-bound); working set {{[0-9]+}} of 1048576 bytes
// CHECK-LABEL: func.func @causal_4096
// CHECK: attn.schedule = {kv_tile = 64 : i64, q_tile = 64 : i64, split_kv = 1 : i64}
// A smaller fast memory forces smaller tiles.
// SMALL: working set {{[0-9]+}} of 40000 bytes
func.func @causal_4096(%q: tensor<1x8x4096x128xbf16>, %k: tensor<1x8x4096x128xbf16>, %v: tensor<1x8x4096x128xbf16>) -> tensor<1x8x4096x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x8x4096x128xbf16>, tensor<1x8x4096x128xbf16>, tensor<1x8x4096x128xbf16> -> tensor<1x8x4096x128xbf16>
  return %o : tensor<1x8x4096x128xbf16>
}

// -----

// Dynamic lengths without seq-q/seq-kv keep the defaults.
// REMARK: remark: io-schedule: no tile pair fits 1048576 bytes or the lengths are unknown; keeping the defaults
// CHECK-LABEL: func.func @negative_dynamic_lengths
// CHECK-NOT: attn.schedule
func.func @negative_dynamic_lengths(%q: tensor<1x8x?x64xf32>, %k: tensor<1x8x?x64xf32>, %v: tensor<1x8x?x64xf32>) -> tensor<1x8x?x64xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32> -> tensor<1x8x?x64xf32>
  return %o : tensor<1x8x?x64xf32>
}
