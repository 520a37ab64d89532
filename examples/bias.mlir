// Additive attention bias from an operand.
//
// Variant: score `bias`; the `bias(%b)` operand [B or 1, H or 1, Sq, Sk] is
//          added to the scaled scores (broadcast over the batch here). No
//          mask: an encoder, every key visible.
// Mirrors: T5's relative position bias and Swin's relative position bias
//          tables once gathered to [H, Sq, Sk]; AlphaFold's pair bias;
//          PyTorch SDPA `attn_mask` given as a float tensor.
// Shapes:  B=4, H=12, S=1024, D=64, bf16; bias 1x12x1024x1024 f32.
// Run:     attn-opt --attn-tile-report examples/bias.mlir

func.func @relative_position_bias(%q: tensor<4x12x1024x64xbf16>,
                                  %k: tensor<4x12x1024x64xbf16>,
                                  %v: tensor<4x12x1024x64xbf16>,
                                  %bias: tensor<1x12x1024x1024xf32>)
    -> tensor<4x12x1024x64xbf16> {
  %o = attn.attention %q, %k, %v bias(%bias : tensor<1x12x1024x1024xf32>)
      {score = #attn.score<bias>}
      : tensor<4x12x1024x64xbf16>, tensor<4x12x1024x64xbf16>,
        tensor<4x12x1024x64xbf16> -> tensor<4x12x1024x64xbf16>
  return %o : tensor<4x12x1024x64xbf16>
}
