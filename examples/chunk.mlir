// Chunked (block-local) attention.
//
// Variant: mask `causal & chunk(512)`: the sequence is cut into chunks of
//          512 tokens and a query sees only the earlier keys of its own chunk.
// Mirrors: Block Transformer's local "token decoder" (Ho et al., 2024),
//          Llama 4's chunked attention layers (chunk 8192), FlexAttention
//          chunked causal.
// Shapes:  B=1, Hq=32, Hkv=8, S=8192, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/chunk.mlir
//          (16 triangles of 4x4 tiles on the diagonal; everything else empty.)

func.func @block_local(%q: tensor<1x32x8192x128xbf16>,
                       %k: tensor<1x8x8192x128xbf16>,
                       %v: tensor<1x8x8192x128xbf16>)
    -> tensor<1x32x8192x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & chunk(512)>}
      : tensor<1x32x8192x128xbf16>, tensor<1x8x8192x128xbf16>,
        tensor<1x8x8192x128xbf16> -> tensor<1x32x8192x128xbf16>
  return %o : tensor<1x32x8192x128xbf16>
}
