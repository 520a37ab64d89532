// 1-D neighborhood attention: a window centred on the query that shifts
// inward at the borders, so every query sees exactly `kernel` keys.
//
// Variant: mask `neighborhood(extents = [4096], kernel = [255])`. Unlike
//          `window(127)`, queries near the ends still see 255 keys.
// Mirrors: NATTEN na1d (Hassani et al., "Neighborhood Attention
//          Transformer", 2023) on a sequence of 4096 tokens.
// Shapes:  B=1, H=8, S=4096, D=64, bf16.
// Run:     attn-opt --attn-tile-report examples/neighborhood_1d.mlir

func.func @na1d(%q: tensor<1x8x4096x64xbf16>,
                %k: tensor<1x8x4096x64xbf16>,
                %v: tensor<1x8x4096x64xbf16>)
    -> tensor<1x8x4096x64xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<neighborhood(extents = [4096], kernel = [255])>}
      : tensor<1x8x4096x64xbf16>, tensor<1x8x4096x64xbf16>,
        tensor<1x8x4096x64xbf16> -> tensor<1x8x4096x64xbf16>
  return %o : tensor<1x8x4096x64xbf16>
}
