// Dynamic block-sparse attention: the kept blocks are chosen at run time.
//
// Variant: mask `causal & blocks(64, 64, runtime)`; the `block_mask(%m)`
//          operand [B or 1, Hq or 1, Sq/64, Sk/64] (i8, 0 = drop) is
//          computed per input, per head, by a cheap estimator just before
//          the kernel runs.
// Mirrors: MInference (Jiang et al., 2024) block-sparse / vertical-slash
//          heads, SALE, NSA's selected blocks, FlexAttention's BlockMask
//          passed as a tensor.
// Shapes:  B=1, Hq=32, Hkv=8, S=8192, D=128, bf16; block mask 1x32x128x128.
// Run:     attn-opt --attn-tile-report examples/blocks_runtime.mlir
//          (the layout is run-time data: the report is conservative.)

func.func @minference(%q: tensor<1x32x8192x128xbf16>,
                      %k: tensor<1x8x8192x128xbf16>,
                      %v: tensor<1x8x8192x128xbf16>,
                      %block_mask: tensor<1x32x128x128xi8>)
    -> tensor<1x32x8192x128xbf16> {
  %o = attn.attention %q, %k, %v block_mask(%block_mask : tensor<1x32x128x128xi8>)
      {mask = #attn.mask<causal & blocks(64, 64, runtime)>}
      : tensor<1x32x8192x128xbf16>, tensor<1x8x8192x128xbf16>,
        tensor<1x8x8192x128xbf16> -> tensor<1x32x8192x128xbf16>
  return %o : tensor<1x32x8192x128xbf16>
}
