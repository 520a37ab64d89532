// RUN: attn-opt %s --split-input-file --attn-io-schedule=print -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: attn-opt %s --split-input-file --attn-io-schedule 2>/dev/null | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-io-schedule='cache-bytes=40000 print' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMALL
// An H100-like machine: 132 processors, 3 TB/s, 700 TFLOP/s, 227 KiB of
// shared memory per processor.
// RUN: attn-opt %s --split-input-file --attn-io-schedule='print parallel-units=132 bandwidth-gbs=3000 peak-gflops=700000 cache-bytes=232448 tile-overhead-ns=20' -o /dev/null 2>&1 | FileCheck %s --check-prefix=GPU

// The chosen schedule is recorded for the cascade passes, and the prediction
// is printed beside the lower bound.
// With 8 heads, all of them fit the fast memory at once with 32x32 tiles
// (fewer loop steps than one head at a time); the causal ranges cut the
// 16384 tiles of a head to 8256.
// REMARK: remark: io-schedule: q_tile=32 kv_tile=32 split_kv=1 order=heads_inner; 8256 KV tiles visited per head, 128 programs on 1 units (100% busy); {{.*}} MB moved (lower bound 4.194 MB), 34.628 GFLOP, predicted {{.*}} us (compute-bound); working set 362496 of 1048576 bytes
// CHECK-LABEL: func.func @causal_4096
// CHECK: attn.schedule = {kv_tile = 32 : i64, order = "heads_inner", q_tile = 32 : i64, split_kv = 1 : i64}
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

// -----

// 4 x 32 heads do not fit together: one (batch, KV head) at a time.
// REMARK: remark: io-schedule: q_tile=64 kv_tile=64 split_kv=1 order=heads_outer; 528 KV tiles visited per head, 4096 programs on 1 units
// On the GPU there are enough programs for every processor: no split.
// GPU: remark: io-schedule: {{.*}} split_kv=1 order=heads_outer; {{.*}} programs on 132 units
// CHECK-LABEL: func.func @many_heads
// CHECK: order = "heads_outer"
func.func @many_heads(%q: tensor<4x32x2048x128xbf16>, %k: tensor<4x32x2048x128xbf16>, %v: tensor<4x32x2048x128xbf16>) -> tensor<4x32x2048x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<4x32x2048x128xbf16>, tensor<4x32x2048x128xbf16>, tensor<4x32x2048x128xbf16> -> tensor<4x32x2048x128xbf16>
  return %o : tensor<4x32x2048x128xbf16>
}

// -----

// Decoding one query against 32k keys: one processor gains nothing from
// splitting the keys...
// REMARK: remark: io-schedule: q_tile=16 kv_tile=64 split_kv=1 order=heads_inner; 512 KV tiles visited per head, 1 programs on 1 units
// ... but 8 KV heads leave 124 of 132 processors idle: 16 parts each.
// GPU: remark: io-schedule: q_tile=16 kv_tile=128 split_kv=16 order=heads_outer; 256 KV tiles visited per head, 128 programs on 132 units (97% busy)
func.func @decode(%q: tensor<1x32x1x128xbf16>, %k: tensor<1x8x32768x128xbf16>, %v: tensor<1x8x32768x128xbf16>) -> tensor<1x32x1x128xbf16> {
  %o = attn.attention %q, %k, %v : tensor<1x32x1x128xbf16>, tensor<1x8x32768x128xbf16>, tensor<1x8x32768x128xbf16> -> tensor<1x32x1x128xbf16>
  return %o : tensor<1x32x1x128xbf16>
}
