// Quick start: a causal sliding window with attention sinks, sized to run
// on a CPU in a second.
//
// Variant: mask `causal & (window(64) | sink(4))` with GQA (8 query heads
//          over 2 KV heads), bf16, S=256, D=64.
// Mirrors: StreamingLLM (Xiao et al., 2023), scaled down from
//          attention_sinks.mlir.
// Run:     attn-opt --attn-tile-report examples/quickstart.mlir
//          scripts/run.sh examples/quickstart.mlir compiles it with
//          attn-to-cpu, runs it on random inputs, compares with the fp64
//          reference, then prints the tile report.

func.func @quickstart(%q: tensor<1x8x256x64xbf16>,
                      %k: tensor<1x2x256x64xbf16>,
                      %v: tensor<1x2x256x64xbf16>)
    -> tensor<1x8x256x64xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<causal & (window(64) | sink(4))>}
      : tensor<1x8x256x64xbf16>, tensor<1x2x256x64xbf16>,
        tensor<1x2x256x64xbf16> -> tensor<1x8x256x64xbf16>
  return %o : tensor<1x8x256x64xbf16>
}
