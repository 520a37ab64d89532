// Sliding window plus attention sinks (StreamingLLM).
//
// Variant: mask `causal & (window(1024) | sink(4))`: a causal window of 1024
//          keys, plus the first 4 tokens, which every query keeps seeing (the
//          "attention sinks" that absorb the softmax mass).
// Mirrors: StreamingLLM (Xiao et al., 2023); the mask written out in
//          DESIGN.md.
// Shapes:  B=1, Hq=32, Hkv=8 (GQA), S=4096, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/attention_sinks.mlir
//          (the window band plus a partial first KV column: only 4 of its
//          128 keys are sinks.)

func.func @streaming_llm(%q: tensor<1x32x4096x128xbf16>,
                         %k: tensor<1x8x4096x128xbf16>,
                         %v: tensor<1x8x4096x128xbf16>)
    -> tensor<1x32x4096x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal & (window(1024) | sink(4))>}
      : tensor<1x32x4096x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x32x4096x128xbf16>
  return %o : tensor<1x32x4096x128xbf16>
}
