// Local window plus global tokens (encoder, bidirectional).
//
// Variant: mask `window(256) | global(0, 1, 2, 3, 4, 5, 6, 7)`: a symmetric
//          window of 256 keys each side, plus 8 global positions (the [CLS]
//          token and a short question) that see every key and are seen by
//          every query.
// Mirrors: Longformer (Beltagy et al., 2020) for QA, BigBird-ITC's global
//          tokens; FlexAttention's sliding window + global mask.
// Shapes:  B=2, H=12, S=4096, D=64, bf16 (Longformer-base).
// Run:     attn-opt --attn-tile-report examples/global.mlir
//          (the band, plus a partial first row and first column of tiles.)

func.func @longformer(%q: tensor<2x12x4096x64xbf16>,
                      %k: tensor<2x12x4096x64xbf16>,
                      %v: tensor<2x12x4096x64xbf16>)
    -> tensor<2x12x4096x64xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<window(256) | global(0, 1, 2, 3, 4, 5, 6, 7)>}
      : tensor<2x12x4096x64xbf16>, tensor<2x12x4096x64xbf16>,
        tensor<2x12x4096x64xbf16> -> tensor<2x12x4096x64xbf16>
  return %o : tensor<2x12x4096x64xbf16>
}
