// A custom score modifier written as IR: the `score_mod` region.
//
// Variant: score `score_mod`; the region maps (s : f32, b, h, q, k : index)
//          to the new score. Here a per-head relative-position penalty
//          s - (h + 1) * 0.01 * (q - k), applied after the causal mask has
//          made q - k >= 0 (a hand-written ALiBi with linear slopes).
// Mirrors: FlexAttention's `score_mod(score, b, h, q_idx, kv_idx)`
//          callables (relative position, ALiBi, tanh softcap examples).
// Shapes:  B=1, H=8, S=4096, D=64, bf16.
// Run:     attn-opt --attn-tile-report examples/score_mod.mlir

func.func @relative_position(%q: tensor<1x8x4096x64xbf16>,
                             %k: tensor<1x8x4096x64xbf16>,
                             %v: tensor<1x8x4096x64xbf16>)
    -> tensor<1x8x4096x64xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal>, score = #attn.score<score_mod>}
      : tensor<1x8x4096x64xbf16>, tensor<1x8x4096x64xbf16>,
        tensor<1x8x4096x64xbf16> -> tensor<1x8x4096x64xbf16>
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %ki: index):
    %c1 = arith.constant 1 : index
    %step = arith.constant 0.01 : f32
    %h1 = arith.addi %h, %c1 : index
    %h1_i64 = arith.index_cast %h1 : index to i64
    %slope_h = arith.sitofp %h1_i64 : i64 to f32
    %slope = arith.mulf %slope_h, %step : f32
    %dist = arith.subi %qi, %ki : index
    %dist_i64 = arith.index_cast %dist : index to i64
    %dist_f = arith.sitofp %dist_i64 : i64 to f32
    %penalty = arith.mulf %slope, %dist_f : f32
    %r = arith.subf %s, %penalty : f32
    attn.yield %r : f32
  }
  return %o : tensor<1x8x4096x64xbf16>
}
