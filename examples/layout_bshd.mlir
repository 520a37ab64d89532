// Tensors in [batch, sequence, head, dim] order.
//
// Variant: `layout = #attn.layout<bshd>`: Q is [B, Sq, Hq, D], K and V
//          [B, Sk, Hkv, D], the output [B, Sq, Hq, Dv]; no transpose is
//          needed for tensors that come straight out of the QKV projection.
// Mirrors: FlashAttention's native (batch, seqlen, nheads, headdim) layout,
//          HF transformers before the transpose, cuDNN SDPA with BSHD
//          strides. Causal, GQA 32/8.
// Shapes:  B=1, S=4096, Hq=32, Hkv=8, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/layout_bshd.mlir

func.func @bshd(%q: tensor<1x4096x32x128xbf16>,
                %k: tensor<1x4096x8x128xbf16>,
                %v: tensor<1x4096x8x128xbf16>)
    -> tensor<1x4096x32x128xbf16> {
  %o = attn.attention %q, %k, %v
      {layout = #attn.layout<bshd>, mask = #attn.mask<causal>}
      : tensor<1x4096x32x128xbf16>, tensor<1x4096x8x128xbf16>,
        tensor<1x4096x8x128xbf16> -> tensor<1x4096x32x128xbf16>
  return %o : tensor<1x4096x32x128xbf16>
}
