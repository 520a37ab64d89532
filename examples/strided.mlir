// Per-head strided shards plus a local window (S2-Attention).
//
// Variant: mask `causal & strided(1, 8, 128)`: head h sees the keys with
//          (k + h + 1) mod 8 == 0, so the 8 heads of a group each cover a
//          different eighth of the context and together the whole of it;
//          every head also keeps the local window |q - k| <= 128.
// Mirrors: S2-Attention (Lin et al., 2024, "Hardware-aware context sharding
//          among attention heads"), the sparse half of Sparse Transformer's
//          strided pattern (Child et al., 2019).
// Shapes:  B=1, H=16, S=4096, D=128, bf16.
// Run:     attn-opt --attn-tile-report='all-heads=1' examples/strided.mlir
//          (one line per head: the pattern depends on the head.)

func.func @s2_attention(%q: tensor<1x16x4096x128xbf16>,
                        %k: tensor<1x16x4096x128xbf16>,
                        %v: tensor<1x16x4096x128xbf16>)
    -> tensor<1x16x4096x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & strided(1, 8, 128)>}
      : tensor<1x16x4096x128xbf16>, tensor<1x16x4096x128xbf16>,
        tensor<1x16x4096x128xbf16> -> tensor<1x16x4096x128xbf16>
  return %o : tensor<1x16x4096x128xbf16>
}
