// Dilated sliding window: a wide receptive field at a fraction of the cost.
//
// Variant: mask `causal & dilated(4096, 4)`: |q - k| <= 4096 and
//          (q - k) mod 4 == 0, i.e. every 4th key of the last 4096.
// Mirrors: Longformer's dilated sliding window (Beltagy et al., 2020) and
//          one (segment, dilation) branch of LongNet's dilated attention
//          (Ding et al., 2023).
// Shapes:  B=1, H=16, S=8192, D=64, bf16.
// Run:     attn-opt --attn-tile-report examples/dilated.mlir
//          (every visited tile is partial: a quarter of its pairs survive;
//          the tiles beyond the window are skipped.)

func.func @dilated_window(%q: tensor<1x16x8192x64xbf16>,
                          %k: tensor<1x16x8192x64xbf16>,
                          %v: tensor<1x16x8192x64xbf16>)
    -> tensor<1x16x8192x64xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & dilated(4096, 4)>}
      : tensor<1x16x8192x64xbf16>, tensor<1x16x8192x64xbf16>,
        tensor<1x16x8192x64xbf16> -> tensor<1x16x8192x64xbf16>
  return %o : tensor<1x16x8192x64xbf16>
}
