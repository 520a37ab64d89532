// Logit soft-capping: s -> c * tanh(s / c) keeps the scores in (-c, c).
//
// Variant: score `softcap(50.0)` on a causal sliding window of 4096, with
//          head dim 256 and the query scale 1/sqrt(256) = 0.0625 explicit.
// Mirrors: Gemma 2 (attn_logit_softcapping = 50, local layers with window
//          4096, head_dim 256, GQA 16/8), Grok-1 (cap 30);
//          FlashAttention-2 `softcap`, FlexAttention's tanh softcap.
// Shapes:  B=1, Hq=16, Hkv=8, S=8192, D=256, bf16.
// Run:     attn-opt --attn-tile-report examples/softcap.mlir

func.func @gemma2_local(%q: tensor<1x16x8192x256xbf16>,
                        %k: tensor<1x8x8192x256xbf16>,
                        %v: tensor<1x8x8192x256xbf16>)
    -> tensor<1x16x8192x256xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal & window(4096, 0)>,
       score = #attn.score<softcap(50.0)>, scale = 0.0625 : f32}
      : tensor<1x16x8192x256xbf16>, tensor<1x8x8192x256xbf16>,
        tensor<1x8x8192x256xbf16> -> tensor<1x16x8192x256xbf16>
  return %o : tensor<1x16x8192x256xbf16>
}
