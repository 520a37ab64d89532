// Causal self-attention: the decoder-only LM prefill (GPT, Llama).
//
// Variant: mask `causal` (top-left aligned, k <= q), Sq == Sk.
// Mirrors: FlashAttention-2 `causal=True`, PyTorch SDPA `is_causal=True`,
//          cuDNN SDPA causal (the "dense fwd, causal" row of DESIGN.md).
// Shapes:  B=1, H=8, S=4096, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/causal.mlir
//          (128x128 tiles: 528 non-empty of 1024, 496 full and 32 partial on
//          the diagonal, 496 empty: the upper triangle is never visited.)

func.func @causal_attention(%q: tensor<1x8x4096x128xbf16>,
                            %k: tensor<1x8x4096x128xbf16>,
                            %v: tensor<1x8x4096x128xbf16>)
    -> tensor<1x8x4096x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x8x4096x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x8x4096x128xbf16>
  return %o : tensor<1x8x4096x128xbf16>
}
