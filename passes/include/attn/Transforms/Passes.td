//===- Passes.td - Passes of the attn compiler -------------*- tablegen -*-===//
//
// Analyses and transformations on attn.attention and the Einsum cascade.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TRANSFORMS_PASSES_TD
#define ATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnTileReport : Pass<"attn-tile-report"> {
  let summary = "Print what each attention's mask costs, tile by tile";
  let description = [{
    For every `attn.attention`, classifies each (Q tile, KV tile) of one
    batch entry and query head as empty (never visited), full (no predicate)
    or partial (predicate applied), and prints the counts, the fraction of
    visible (q, k) pairs and a picture of the tile grid. The IR is unchanged.

    Sequence lengths come from the types; for dynamic lengths give
    `seq-q`/`seq-kv`. Masks that read run-time data (document, runtime
    blocks, mask_mod) are classified conservatively and the visible fraction
    is then an upper bound.

    ```
    $ attn-opt --attn-tile-report='q-tile=128 kv-tile=128' causal.mlir
    attn tile report: attn.attention at causal.mlir:5:8
      mask: causal
      extents: B=1 Hq=8 Hkv=8 Sq=4096 Sk=4096; tiles 128x128, grid 32x32
      head 0: 528 non-empty of 1024 tiles (496 full, 32 partial), 496 empty
      visible pairs: 8390656 of 16777216 (50.01%)
    ```
  }];
  let options = [
    Option<"qTile", "q-tile", "int64_t", /*default=*/"128",
           "Queries per tile">,
    Option<"kvTile", "kv-tile", "int64_t", /*default=*/"128",
           "Keys per tile">,
    Option<"head", "head", "int64_t", /*default=*/"0",
           "Query head whose grid is drawn">,
    Option<"allHeads", "all-heads", "bool", /*default=*/"false",
           "Also print one summary line per head">,
    Option<"seqQ", "seq-q", "int64_t", /*default=*/"0",
           "Query length to assume when the type's is dynamic">,
    Option<"seqKV", "seq-kv", "int64_t", /*default=*/"0",
           "Key length to assume when the type's is dynamic">,
    Option<"maxWidth", "max-width", "unsigned", /*default=*/"64",
           "Widest picture in characters (0: no picture)">,
    Option<"pngPath", "png", "std::string", /*default=*/"",
           "Also write the grid of the first attention as a PNG here">
  ];
  let statistics = [
    Statistic<"numEmpty", "empty-tiles", "Tiles never visited">,
    Statistic<"numFull", "full-tiles", "Tiles visited without a predicate">,
    Statistic<"numPartial", "partial-tiles", "Tiles visited with a predicate">
  ];
  let dependentDialects = ["::attn::AttnDialect"];
}

#endif // ATTN_TRANSFORMS_PASSES_TD
