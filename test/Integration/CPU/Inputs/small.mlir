func.func @small(%q: tensor<1x4x37x16xbf16>, %k: tensor<1x2x53x16xbf16>, %v: tensor<1x2x53x8xbf16>)
    -> (tensor<1x4x37x8xbf16>, tensor<1x4x37xf32>) {
  %o, %l = attn.attention %q, %k, %v {mask = #attn.mask<causal(bottom_right) & window(20)>, return_lse}
      : tensor<1x4x37x16xbf16>, tensor<1x2x53x16xbf16>, tensor<1x2x53x8xbf16> -> tensor<1x4x37x8xbf16>, tensor<1x4x37xf32>
  return %o, %l : tensor<1x4x37x8xbf16>, tensor<1x4x37xf32>
}
