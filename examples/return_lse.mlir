// Attention that also returns the log-sum-exp of each query's scores.
//
// Variant: `return_lse`: a second result [B, Hq, Sq] in f32 holding
//          log(sum_k exp(s_qk)) over the visible keys (-inf for a query that
//          sees none). Needed to merge partial results (split-KV decode,
//          ring / context-parallel attention, cascade attention over a shared
//          prefix) and by the backward pass.
// Mirrors: FlashAttention `return_softmax_lse=True` / `softmax_lse`,
//          FlashInfer `return_lse`, FlexAttention `return_lse=True`.
// Shapes:  B=2, Hq=32, Hkv=8, Sq=1024, Sk=8192 (one KV shard of a ring),
//          D=128, bf16; LSE 2x32x1024 f32.
// Run:     attn-opt --attn-tile-report examples/return_lse.mlir

func.func @attention_with_lse(%q: tensor<2x32x1024x128xbf16>,
                              %k: tensor<2x8x8192x128xbf16>,
                              %v: tensor<2x8x8192x128xbf16>)
    -> (tensor<2x32x1024x128xbf16>, tensor<2x32x1024xf32>) {
  %o, %lse = attn.attention %q, %k, %v
      {mask = #attn.mask<causal(bottom_right)>, return_lse}
      : tensor<2x32x1024x128xbf16>, tensor<2x8x8192x128xbf16>,
        tensor<2x8x8192x128xbf16>
      -> tensor<2x32x1024x128xbf16>, tensor<2x32x1024xf32>
  return %o, %lse : tensor<2x32x1024x128xbf16>, tensor<2x32x1024xf32>
}
