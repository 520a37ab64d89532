// Packed sequences given as cumulative document starts (cu_seqlens).
//
// Variant: mask `causal & document(offsets)`; the `segments` operands hold
//          the cumulative starts of the documents, shape [B, N + 1] (here up
//          to 16 documents per row: [0, 512, 1300, ..., 4096]).
// Mirrors: FlashAttention `flash_attn_varlen_func(cu_seqlens_q,
//          cu_seqlens_k)`, xFormers BlockDiagonalCausalMask, FlashInfer
//          ragged tensors.
// Shapes:  B=1, Hq=32, Hkv=8, S=8192, D=128, bf16; offsets are i32.
// Run:     attn-opt --attn-tile-report examples/document_offsets.mlir

func.func @varlen_documents(%q: tensor<1x32x8192x128xbf16>,
                            %k: tensor<1x8x8192x128xbf16>,
                            %v: tensor<1x8x8192x128xbf16>,
                            %cu_seqlens_q: tensor<1x17xi32>,
                            %cu_seqlens_k: tensor<1x17xi32>)
    -> tensor<1x32x8192x128xbf16> {
  %o = attn.attention %q, %k, %v
      segments(%cu_seqlens_q, %cu_seqlens_k : tensor<1x17xi32>, tensor<1x17xi32>)
      {mask = #attn.mask<causal & document(offsets)>}
      : tensor<1x32x8192x128xbf16>, tensor<1x8x8192x128xbf16>,
        tensor<1x8x8192x128xbf16> -> tensor<1x32x8192x128xbf16>
  return %o : tensor<1x32x8192x128xbf16>
}
