// Dynamic batch and sequence lengths: one compiled kernel for every length.
//
// Variant: B, Sq and Sk are `?`; heads (GQA 32/8) and the head dim (128) are
//          static. The mask is the DESIGN.md example, a StreamingLLM causal
//          window of 1024 plus 4 sink tokens.
// Mirrors: the DESIGN.md spec; serving engines (vLLM, SGLang) that must not
//          recompile per sequence length.
// Shapes:  B=?, Hq=32, Hkv=8, S=?, D=128, bf16.
// Run:     attn-opt --attn-tile-report='seq-q=8192 seq-kv=8192' examples/dynamic_shapes.mlir
//          (the report needs lengths to draw a grid; without seq-q/seq-kv it
//          says so and fails.)

func.func @streaming_any_length(%q: tensor<?x32x?x128xbf16>,
                                %k: tensor<?x8x?x128xbf16>,
                                %v: tensor<?x8x?x128xbf16>)
    -> tensor<?x32x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & (window(1024) | sink(4))>}
      : tensor<?x32x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16> -> tensor<?x32x?x128xbf16>
  return %o : tensor<?x32x?x128xbf16>
}
