
// Known bug: ChunkMaskAttr::verify accepts any size >= 1 and shift in
// [0, size), but chunkOf() computes (i + shift) / size in int64_t, which
// overflows (undefined behaviour) for shift near INT64_MAX. With
// chunk(INT64_MAX, INT64_MAX - 1) position 0 is alone in chunk 0 and 1..15
// share chunk 1, so 1 + 15 * 15 = 226 of the 256 pairs are visible; the
// report prints 172. Expected: either the exact 226, or a verifier error
// bounding size and shift (as window, dilated and strided bound theirs by
// 2^60). Remove the XFAIL line once it is fixed.

// RUN: attn-opt --attn-tile-report='q-tile=1 kv-tile=1 max-width=0' %s -o /dev/null > %t 2>&1 || true
// RUN: FileCheck %s < %t
// CHECK: {{visible pairs: 226 of 256|error: .*chunk}}

func.func @chunk_overflow(%q: tensor<1x1x16x8xf32>, %k: tensor<1x1x16x8xf32>,
                          %v: tensor<1x1x16x8xf32>) -> tensor<1x1x16x8xf32> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<chunk(9223372036854775807, 9223372036854775806)>}
      : tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>
      -> tensor<1x1x16x8xf32>
  return %o : tensor<1x1x16x8xf32>
}
