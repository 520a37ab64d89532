// Packed sequences: document masking with segment ids.
//
// Variant: mask `causal & document`; the `segments(%q_ids, %kv_ids)`
//          operands give each position's document id, shape [B, S]. A query
//          sees a key only in its own document (and causally); a negative id
//          marks padding, which sees nothing.
// Mirrors: packed pre-training (Llama 3 "document masking"), FlexAttention's
//          document_causal mask, FlashAttention varlen.
// Shapes:  B=2, Hq=32, Hkv=8, S=4096, D=128, bf16; ids are i32.
// Run:     attn-opt --attn-tile-report examples/document.mlir
//          (the documents are run-time data: the report says so and counts
//          conservatively, only the causal upper triangle is known empty.)

func.func @packed_documents(%q: tensor<2x32x4096x128xbf16>,
                            %k: tensor<2x8x4096x128xbf16>,
                            %v: tensor<2x8x4096x128xbf16>,
                            %q_ids: tensor<2x4096xi32>,
                            %kv_ids: tensor<2x4096xi32>)
    -> tensor<2x32x4096x128xbf16> {
  %o = attn.attention %q, %k, %v
      segments(%q_ids, %kv_ids : tensor<2x4096xi32>, tensor<2x4096xi32>)
      {mask = #attn.mask<causal & document>}
      : tensor<2x32x4096x128xbf16>, tensor<2x8x4096x128xbf16>,
        tensor<2x8x4096x128xbf16> -> tensor<2x32x4096x128xbf16>
  return %o : tensor<2x32x4096x128xbf16>
}
