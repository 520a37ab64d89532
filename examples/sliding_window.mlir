// Causal sliding-window attention.
//
// Variant: mask `causal & window(1024)`: q - 1024 <= k <= q. Each query sees
//          itself and the 1024 keys before it; cost grows linearly in S.
// Mirrors: Mistral 7B v0.1 (window 4096), Longformer's local attention,
//          FlashAttention-2 `window_size=(1024, 0)`, the "sliding window
//          1024, causal, S=8k" row of DESIGN.md (FlexAttention there).
// Shapes:  B=1, Hq=32, Hkv=8 (GQA), S=8192, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/sliding_window.mlir
//          (a band 9 tiles wide around the diagonal; ~12% of the pairs.)

func.func @sliding_window(%q: tensor<1x32x8192x128xbf16>,
                          %k: tensor<1x8x8192x128xbf16>,
                          %v: tensor<1x8x8192x128xbf16>)
    -> tensor<1x32x8192x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & window(1024)>}
      : tensor<1x32x8192x128xbf16>, tensor<1x8x8192x128xbf16>,
        tensor<1x8x8192x128xbf16> -> tensor<1x32x8192x128xbf16>
  return %o : tensor<1x32x8192x128xbf16>
}
