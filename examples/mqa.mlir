// Multi-query attention: every query head shares one key/value head.
//
// Variant: Hkv = 1 (GQA with a single group); causal.
// Mirrors: MQA (Shazeer, 2019) as used by PaLM, Falcon-7B and StarCoder.
// Shapes:  B=2, Hq=16, Hkv=1, S=2048, D=128, f16.
// Run:     attn-opt --attn-tile-report examples/mqa.mlir

func.func @mqa(%q: tensor<2x16x2048x128xf16>,
               %k: tensor<2x1x2048x128xf16>,
               %v: tensor<2x1x2048x128xf16>)
    -> tensor<2x16x2048x128xf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<2x16x2048x128xf16>, tensor<2x1x2048x128xf16>,
        tensor<2x1x2048x128xf16> -> tensor<2x16x2048x128xf16>
  return %o : tensor<2x16x2048x128xf16>
}
