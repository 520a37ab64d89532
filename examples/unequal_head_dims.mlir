// Different head dims for QK and V: D_qk = 192, D_v = 128.
//
// Variant: Q and K have head dim 192 (128 "nope" + 64 rotary dims), V and
//          the output 128; causal. The scale defaults to 1/sqrt(D_qk) =
//          1/sqrt(192).
// Mirrors: DeepSeek-V2/V3 multi-head latent attention (MLA) in its prefill
//          form, after the latent KV is up-projected: per head 128 + 64
//          rotary QK dims and 128 V dims.
// Shapes:  B=1, H=16, S=4096, D_qk=192, D_v=128, bf16.
// Run:     attn-opt --attn-tile-report examples/unequal_head_dims.mlir

func.func @mla_prefill(%q: tensor<1x16x4096x192xbf16>,
                       %k: tensor<1x16x4096x192xbf16>,
                       %v: tensor<1x16x4096x128xbf16>)
    -> tensor<1x16x4096x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x16x4096x192xbf16>, tensor<1x16x4096x192xbf16>,
        tensor<1x16x4096x128xbf16> -> tensor<1x16x4096x128xbf16>
  return %o : tensor<1x16x4096x128xbf16>
}
