// Heterogeneous heads: retrieval heads keep the full context, streaming heads
// keep only the sinks and a recent window.
//
// Variant: mask `heads([..] : causal, * : causal & (window(256) | sink(16)))`:
//          the 8 listed retrieval heads are plain causal, every other head
//          is a StreamingLLM head (16 sinks and a window of 256). Inside a
//          case, `|` needs parentheses: `,` ends the case.
// Mirrors: DuoAttention (Xiao et al., 2024) with its learned split of
//          retrieval vs streaming heads; RazorAttention, MoA per-head spans.
// Shapes:  B=1, Hq=32, Hkv=8, S=8192, D=128, bf16; 8 of 32 heads retrieval.
// Run:     attn-opt --attn-tile-report='all-heads=1 head=1' examples/heads.mlir
//          (head 0 is a retrieval head, head 1 a streaming head.)

func.func @duo_attention(%q: tensor<1x32x8192x128xbf16>,
                         %k: tensor<1x8x8192x128xbf16>,
                         %v: tensor<1x8x8192x128xbf16>)
    -> tensor<1x32x8192x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<heads([0, 5, 9, 14, 18, 23, 27, 30] : causal,
                               * : causal & (window(256) | sink(16)))>}
      : tensor<1x32x8192x128xbf16>, tensor<1x8x8192x128xbf16>,
        tensor<1x8x8192x128xbf16> -> tensor<1x32x8192x128xbf16>
  return %o : tensor<1x32x8192x128xbf16>
}
