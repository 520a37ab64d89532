// ALiBi: linear biases on the distance instead of position embeddings.
//
// Variant: score `alibi` (slopes m_h = 2^(-8 (h + 1) / H), the paper's
//          defaults, max bias 8) with a causal mask: s - m_h * |q - k|.
// Mirrors: ALiBi (Press et al., 2022) as used by BLOOM and MPT;
//          FlashAttention-2 `alibi_slopes`, FlexAttention's alibi score_mod.
// Shapes:  B=1, H=16, S=2048, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/alibi.mlir
//          (a score modifier does not change which tiles are visited.)

func.func @alibi(%q: tensor<1x16x2048x128xbf16>,
                 %k: tensor<1x16x2048x128xbf16>,
                 %v: tensor<1x16x2048x128xbf16>)
    -> tensor<1x16x2048x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal>, score = #attn.score<alibi>}
      : tensor<1x16x2048x128xbf16>, tensor<1x16x2048x128xbf16>,
        tensor<1x16x2048x128xbf16> -> tensor<1x16x2048x128xbf16>
  return %o : tensor<1x16x2048x128xbf16>
}
