// Static block-sparse attention: a fixed layout of 512x512 blocks.
//
// Variant: mask `blocks(512, 512, [[...]])`: an 8x8 layout of kept (1) and
//          dropped (0) blocks, the same for every head: the diagonal blocks
//          (local), the first block column (global / sink) and a few random
//          blocks, all below the diagonal, as in BigBird's ITC pattern
//          made causal.
// Mirrors: BigBird (Zaheer et al., 2020) block-sparse attention, Sparse
//          Transformer fixed patterns, Triton / DeepSpeed block-sparse
//          kernels, FlexAttention BlockMask built once at compile time.
// Shapes:  B=1, H=16, S=4096, D=64, bf16.
// Run:     attn-opt --attn-tile-report examples/blocks_static.mlir

func.func @bigbird_blocks(%q: tensor<1x16x4096x64xbf16>,
                          %k: tensor<1x16x4096x64xbf16>,
                          %v: tensor<1x16x4096x64xbf16>)
    -> tensor<1x16x4096x64xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal & blocks(512, 512, [[1, 0, 0, 0, 0, 0, 0, 0],
                                                    [1, 1, 0, 0, 0, 0, 0, 0],
                                                    [1, 0, 1, 0, 0, 0, 0, 0],
                                                    [1, 1, 0, 1, 0, 0, 0, 0],
                                                    [1, 0, 1, 0, 1, 0, 0, 0],
                                                    [1, 0, 0, 1, 0, 1, 0, 0],
                                                    [1, 1, 0, 0, 1, 0, 1, 0],
                                                    [1, 0, 0, 1, 0, 0, 1, 1]])>}
      : tensor<1x16x4096x64xbf16>, tensor<1x16x4096x64xbf16>,
        tensor<1x16x4096x64xbf16> -> tensor<1x16x4096x64xbf16>
  return %o : tensor<1x16x4096x64xbf16>
}
