// Grouped-query attention: 32 query heads share 8 key/value heads.
//
// Variant: no new mask; K and V have Hkv = 8 heads and query head h reads
//          KV head h / 4. Causal.
// Mirrors: Llama 3 8B / Mistral 7B attention (GQA, Ainslie et al., 2023),
//          the "GQA 32/8, S=4k, D=128, causal" row of DESIGN.md.
// Shapes:  B=1, Hq=32, Hkv=8, S=4096, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/gqa.mlir

func.func @gqa(%q: tensor<1x32x4096x128xbf16>,
               %k: tensor<1x8x4096x128xbf16>,
               %v: tensor<1x8x4096x128xbf16>)
    -> tensor<1x32x4096x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x32x4096x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x32x4096x128xbf16>
  return %o : tensor<1x32x4096x128xbf16>
}
