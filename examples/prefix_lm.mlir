// Prefix LM: bidirectional over the prefix, causal after it.
//
// Variant: mask `causal | prefix(1024)`: the first 1024 tokens (the prompt,
//          or the image tokens of a VLM) see each other in both directions;
//          the rest is causal.
// Mirrors: T5 / UniLM prefix LM, PaLI and PaliGemma (image + prompt prefix),
//          FlexAttention's `prefix_lm_causal` example.
// Shapes:  B=2, H=16, S=2048, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/prefix_lm.mlir
//          (the top-left 8x8 block of tiles becomes full.)

func.func @prefix_lm(%q: tensor<2x16x2048x128xbf16>,
                     %k: tensor<2x16x2048x128xbf16>,
                     %v: tensor<2x16x2048x128xbf16>)
    -> tensor<2x16x2048x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal | prefix(1024)>}
      : tensor<2x16x2048x128xbf16>, tensor<2x16x2048x128xbf16>,
        tensor<2x16x2048x128xbf16> -> tensor<2x16x2048x128xbf16>
  return %o : tensor<2x16x2048x128xbf16>
}
