// Head dims that are not powers of two, in f16: D_qk = 80, D_v = 112.
//
// Variant: f16 Q and K with head dim 80, V and the output 112; more keys
//          than queries (400 against 300, neither a multiple of a tile);
//          mask `causal & window(100)`. The GPU lowering runs it on the
//          tensor cores (head dims multiples of 16).
// Mirrors: Phi-2's head dim 80, with a V dim of its own as in MLA-style
//          attention; a case the fixed-size kernels of FlashAttention do
//          not cover.
// Shapes:  B=1, H=2, Sq=300, Sk=400, D_qk=80, D_v=112, f16.
// Run:     attn-opt --attn-tile-report examples/odd_head_dims.mlir

func.func @odd_head_dims(%q: tensor<1x2x300x80xf16>,
                         %k: tensor<1x2x400x80xf16>,
                         %v: tensor<1x2x400x112xf16>)
    -> tensor<1x2x300x112xf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & window(100)>}
      : tensor<1x2x300x80xf16>, tensor<1x2x400x80xf16>,
        tensor<1x2x400x112xf16> -> tensor<1x2x300x112xf16>
  return %o : tensor<1x2x300x112xf16>
}
