// 3-D neighborhood attention over video latents, causal in time.
//
// Variant: a grid of T=16 frames of 32x32 latents (16384 tokens);
//          kernel 4 x 9 x 9, dilation 1 x 2 x 2 (every other latent in space,
//          so the 9x9 window spans 17x17 positions), stride 1 x 3 x 3 (3x3
//          groups of queries share one window: Generalized Neighborhood
//          Attention), and a causal time axis (a frame sees itself and the 3
//          frames before it, never the future).
// Mirrors: NATTEN na3d with dilation and causal axes; GNA's strided
//          neighborhoods (Hassani et al., 2025, "Generalized Neighborhood
//          Attention"), evaluated there on video diffusion models; the
//          causal time axis is what a frame-by-frame (autoregressive) video
//          model needs.
// Shapes:  B=1, H=24, S=16*32*32=16384, D=128, bf16.
// Run:     attn-opt --attn-tile-report examples/neighborhood_3d.mlir

func.func @na3d_video(%q: tensor<1x24x16384x128xbf16>,
                      %k: tensor<1x24x16384x128xbf16>,
                      %v: tensor<1x24x16384x128xbf16>)
    -> tensor<1x24x16384x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<neighborhood(extents = [16, 32, 32],
                                      kernel = [4, 9, 9],
                                      dilation = [1, 2, 2],
                                      stride = [1, 3, 3],
                                      causal = [true, false, false])>}
      : tensor<1x24x16384x128xbf16>, tensor<1x24x16384x128xbf16>,
        tensor<1x24x16384x128xbf16> -> tensor<1x24x16384x128xbf16>
  return %o : tensor<1x24x16384x128xbf16>
}
