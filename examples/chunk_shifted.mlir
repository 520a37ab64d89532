// Shifted cross-chunk attention (SCCA): half the heads use chunks shifted by
// half a chunk, so information crosses chunk borders.
//
// Variant: mask `causal & heads([0..15] : chunk(1024), * : chunk(1024, 512))`:
//          heads 0-15 attend within chunks [0, 1024), [1024, 2048), ...;
//          heads 16-31 within chunks shifted by 512: [0, 512), [512, 1536), ...
//          `chunk(size, shift)` puts position i in chunk (i + shift) / size.
// Mirrors: SCCA_fixed (Shifted Cross Chunk Attention, Guo et al., 2023);
//          LongLoRA's shifted sparse attention shifts half of the heads by
//          half a group in the same way.
// Shapes:  B=1, H=32, S=8192, D=128, bf16.
// Run:     attn-opt --attn-tile-report='all-heads=1 head=16' examples/chunk_shifted.mlir

func.func @scca(%q: tensor<1x32x8192x128xbf16>,
                %k: tensor<1x32x8192x128xbf16>,
                %v: tensor<1x32x8192x128xbf16>)
    -> tensor<1x32x8192x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal & heads([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                         12, 13, 14, 15] : chunk(1024),
                                        * : chunk(1024, 512))>}
      : tensor<1x32x8192x128xbf16>, tensor<1x32x8192x128xbf16>,
        tensor<1x32x8192x128xbf16> -> tensor<1x32x8192x128xbf16>
  return %o : tensor<1x32x8192x128xbf16>
}
