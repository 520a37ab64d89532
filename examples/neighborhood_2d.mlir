// 2-D neighborhood attention over an image feature map.
//
// Variant: mask `neighborhood(extents = [96, 96], kernel = [13, 13])`: the
//          9216 tokens of a 96x96 map, row-major; each query sees the 13x13
//          patch around it (shifted inward at the borders), 169 keys.
// Mirrors: NATTEN na2d (NAT / DiNAT), the "2-D neighborhood 96x96, kernel
//          13" row of DESIGN.md (FlexAttention there).
// Shapes:  B=1, H=16, S=96*96=9216, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/neighborhood_2d.mlir
//          (128x128 tiles: 782 non-empty of 5184 (15%), all partial;
//          visible pairs 1557504 = 9216 * 169, 1.83% of the dense grid.)

func.func @na2d(%q: tensor<1x16x9216x128xbf16>,
                %k: tensor<1x16x9216x128xbf16>,
                %v: tensor<1x16x9216x128xbf16>)
    -> tensor<1x16x9216x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<neighborhood(extents = [96, 96], kernel = [13, 13])>}
      : tensor<1x16x9216x128xbf16>, tensor<1x16x9216x128xbf16>,
        tensor<1x16x9216x128xbf16> -> tensor<1x16x9216x128xbf16>
  return %o : tensor<1x16x9216x128xbf16>
}
