// Per-head static block-sparse attention: each head has its own layout.
//
// Variant: mask `blocks(1024, 1024, [H][nq][nk])` with H=4 heads and a 4x4
//          layout per head: head 0 keeps the diagonal (local), head 1 the
//          first column (sink / global), head 2 a vertical-slash pattern,
//          head 3 everything below the diagonal (dense causal).
// Mirrors: MoA (Mixture of Sparse Attention, Fu et al., 2024) and
//          SampleAttention / SALE-style per-head layouts decided offline;
//          NSA's selected-block branch with a fixed selection.
// Shapes:  B=1, H=4, S=4096, D=128, bf16.
// Run:     attn-opt --attn-tile-report='all-heads=1' examples/blocks_per_head.mlir

func.func @per_head_blocks(%q: tensor<1x4x4096x128xbf16>,
                           %k: tensor<1x4x4096x128xbf16>,
                           %v: tensor<1x4x4096x128xbf16>)
    -> tensor<1x4x4096x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal & blocks(1024, 1024,
                 [[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                  [[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
                  [[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 1]],
                  [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]])>}
      : tensor<1x4x4096x128xbf16>, tensor<1x4x4096x128xbf16>,
        tensor<1x4x4096x128xbf16> -> tensor<1x4x4096x128xbf16>
  return %o : tensor<1x4x4096x128xbf16>
}
