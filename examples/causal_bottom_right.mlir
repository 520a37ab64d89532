// Causal attention aligned bottom-right, for Sq != Sk: chunked prefill.
//
// Variant: mask `causal(bottom_right)`: k <= q + Sk - Sq. A chunk of 512 new
//          queries attends a KV cache of 4096 keys whose last 512 entries are
//          the chunk itself, so the last query sees every key and the first
//          query sees the 3585 keys up to its own position.
// Mirrors: FlashAttention >= 2.1 `causal=True` with seqlen_q != seqlen_k,
//          vLLM / SGLang chunked prefill, FlexAttention's offset causal mask.
// Shapes:  B=1, H=32 (GQA 32/8), Sq=512, Sk=4096, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/causal_bottom_right.mlir
//          (grid 4x32: 122 non-empty (118 full, 4 partial on the shifted
//          diagonal), 6 empty; `causal`, top-left aligned, would instead
//          hide almost the whole cache from these queries.)

func.func @chunked_prefill(%q: tensor<1x32x512x128xbf16>,
                           %k: tensor<1x8x4096x128xbf16>,
                           %v: tensor<1x8x4096x128xbf16>)
    -> tensor<1x32x512x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal(bottom_right)>}
      : tensor<1x32x512x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x32x512x128xbf16>
  return %o : tensor<1x32x512x128xbf16>
}
