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

def AttnDecomposeAttention : Pass<"attn-decompose-attention"> {
  let summary = "Rewrite attn.attention into the 3-pass Einsum cascade";
  let description = [{
    FuseMax's 3-pass cascade on whole tensors, with Q viewed as
    [B, Hkv, G, Sq, D] so that grouped heads share K and V:

    ```mlir
    // Before
    %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
        : tensor<1x8x64x32xf32>, tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32>
        -> tensor<1x8x64x32xf32>
    // After
    %q5 = tensor.expand_shape %q [[0], [1, 2], [3], [4]] ...
    %qk = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%q5, %k) ...
    %s = attn.score_map %qk at [%c0, %c0] lengths [%sq, %sk]
        {mask = #attn.mask<causal>, scale = 0.176776695 : f32} ...
    %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) ...
    %sn = attn.einsum exp_sub "bhgpm,bhgp->bhgpm" (%s, %gm) ...
    %sd = attn.einsum copy "bhgpm->bhgp" reduce add (%sn) ...
    %a = attn.einsum safe_div "bhgpm,bhgp->bhgpm" (%sn, %sd) ...
    %av = attn.einsum mul "bhgpm,bhmf->bhgpf" reduce add (%a, %v) ...
    %o = tensor.collapse_shape %av [[0], [1, 2], [3], [4]] ...
    ```
    With `return_lse`, LSE = GM + log(SD).
  }];
  let statistics = [
    Statistic<"numDecomposed", "decomposed", "attn.attention ops decomposed">
  ];
  let dependentDialects = ["::attn::AttnDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def AttnFuseOnlineSoftmax : Pass<"attn-fuse-online-softmax"> {
  let summary = "Fuse the 3-pass cascade into the 1-pass online softmax";
  let description = [{
    Replaces the cascade GM = max S, SN = exp(S - GM), SD = sum SN,
    AV = (SN / SD) V by one loop over KV tiles with a running max RM, a
    running denominator RD and a running numerator RN:

    ```mlir
    %r:3 = scf.for %k0 = %c0 to %sk step %c64 iter_args(%rm = %ninf, %rd = %zero, %rn = %zero2) {
      %kt = tensor.extract_slice %k ...   %vt = tensor.extract_slice %v ...
      %qk = attn.einsum mul "bhgpe,bhme->bhgpm" reduce add (%q5, %kt)
      %s = attn.score_map %qk at [%c0, %k0] lengths [%sq, %sk] ...
      // newMax = max(oldMax, rowMax(S))
      // P = exp(S - newMax); c = exp(oldMax - newMax)
      // RD' = RD * c + rowSum(P); RN' = RN * c + P V
      scf.yield %newMax, %rd2, %rn2
    } {attn.kv_loop}
    %av = attn.einsum safe_div "bhgpf,bhgp->bhgpf" (%r#2, %r#1)
    ```
    The normalisation happens once, after the loop; the LSE reads RM and RD.
    Cascades of another shape are left unchanged.
  }];
  let options = [
    Option<"kvTile", "kv-tile", "int64_t", /*default=*/"0",
           "Keys per tile (0: the attn.schedule attribute, else 64)">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Cascades fused">
  ];
  let dependentDialects = ["::attn::AttnDialect", "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect"];
}

def AttnTileQueries : Pass<"attn-tile-queries"> {
  let summary = "Tile the online-softmax cascade over query tiles";
  let description = [{
    Wraps each KV loop (`attn.kv_loop`) in a loop over Q tiles of `q-tile`
    queries (`attn.q_loop`). Each Q tile slices Q, runs its own KV loop with
    the tile's query offset, and inserts its rows of the running max,
    denominator and numerator into the full results:

    ```mlir
    %r:3 = scf.for %q0 = %c0 to %sq step %c64 iter_args(%m = %e0, %d = %e1, %n = %e2) {
      %qt = tensor.extract_slice %q5[0, 0, 0, %q0, 0] ...
      %t:3 = scf.for %k0 ... {attn.kv_loop}   // score_map at [%q0, %k0]
      ... tensor.insert_slice %t#0 into %m[0, 0, 0, %q0] ...
    } {attn.q_loop}
    ```

    With `order=heads_outer` the query loop sits inside loops over batch
    entries and KV heads: each (b, hkv) pair slices its Q, K and V and runs
    its own query loop, and its score maps carry `origin [%b, %hkv]`, so the
    mask schedule can compute each head's exact key range. This is the grid
    order of a GPU kernel, and keeps one head's working set in cache.
  }];
  let options = [
    Option<"qTile", "q-tile", "int64_t", /*default=*/"0",
           "Queries per tile (0: the attn.schedule attribute, else 64)">,
    Option<"order", "order", "std::string", /*default=*/"\"\"",
           "heads_inner (every tile step covers all batch entries and "
           "heads) or heads_outer (loops over batch entries and KV heads "
           "around the query loop); empty: the attn.schedule attribute, "
           "else heads_inner">
  ];
  let statistics = [
    Statistic<"numTiled", "tiled", "KV loops tiled over queries">,
    Statistic<"numHeadsOuter", "heads-outer",
              "KV loops tiled with the heads outside the query loop">
  ];
  let dependentDialects = ["::attn::AttnDialect", "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def AttnMaskSchedule : Pass<"attn-mask-schedule"> {
  let summary = "Visit only the KV tiles the mask leaves; skip the predicate on full tiles";
  let description = [{
    For each KV loop (`attn.kv_loop`), replaces the loop bounds by the key
    range of the Q tile, computed at run time from the tile's bounds, the
    actual lengths and the mask's data (no host-side mask construction).
    Where the mask is analytic (the same for every head and batch entry, no
    run-time data) it also splits the score map: tiles the mask shows
    entirely run without the predicate.

    ```mlir
    // causal, after the pass
    %hi = arith.minsi (%q0 + %tq), %sk ...
    scf.for %k0 = %c0 to %hi step %c64 ... {
      %full = arith.cmpi sle, %k_hi_minus_1, %q0 ...
      %s = scf.if %full -> tensor<...> {
        %u = attn.score_map %qk ... {scale = ...}          // no mask
      } else {
        %m = attn.score_map %qk ... {mask = #attn.mask<causal>, scale = ...}
      }
    }
    ```
    The loop handles every batch entry and query head of the Q tile at once,
    so for head- or data-dependent masks the range is the hull over all of
    them (scf.for loops over the batch entries and heads before the KV
    loop), and the predicate stays on every tile: static `blocks` read
    constant tables of the first and last kept key block per query block
    (and head), runtime `blocks` scan the block mask rows the tile overlaps,
    `document` scans the segment ids, `document(offsets)` reads the starts
    of the documents the tile spans.

    ```mlir
    // blocks(128, 128, [[1, 0], [1, 1]]), after the pass
    %first = arith.constant dense<[0, 0]> : tensor<2xindex>
    %last = arith.constant dense<[0, 1]> : tensor<2xindex>
    %r:2 = scf.for %qb = %qb_lo to %qb_hi step %c1 iter_args(...) {
      // hull of [first[qb] * 128, (last[qb] + 1) * 128) clipped to Sk
    }
    scf.for %k0 = %lb to %ub step %c128 ... {  // bounds from %r
      %m = attn.score_map %qk ... {mask = #attn.mask<blocks(...)>, ...}
    }
    ```
    With `report`, a remark counts visited, full and partial tiles for
    static lengths (causal at S = 4096 with 128x128 tiles: 528 of 1024),
    from the C++ key ranges (the hull over all heads where the mask is not
    analytic; without run-time data at compile time, data masks count every
    tile).
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit the tile counts of each KV loop as a remark">
  ];
  let statistics = [
    Statistic<"numRanged", "ranged-loops", "KV loops bounded by the mask">,
    Statistic<"numSplit", "split-loops", "KV loops split into full/partial tiles">
  ];
  let dependentDialects = ["::attn::AttnDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AttnSplitKV : Pass<"attn-split-kv"> {
  let summary = "Split each KV loop into independent parts and combine them";
  let description = [{
    Rewrites each KV loop (`attn.kv_loop`, after the mask schedule has set
    its bounds) into a loop over `split` parts (`attn.kv_split`). Part s runs
    the KV tiles of its equal share of the range from the empty running
    state, so no part reads another's results; the parts' running max,
    denominator and numerator are then merged with one rescale each:

    ```mlir
    %r:3 = scf.for %s = %c0 to %c4 step %c1 iter_args(%m = %ninf, %d = %z, %n = %zn) {
      %lo = min(%lb + %s * %share, %ub)  %hi = min(%lo + %share, %ub)
      %p:3 = scf.for %k0 = %lo to %hi step %c64 iter_args(...) {attn.kv_loop}
      %mx = attn.einsum max "bhgp,bhgp->bhgp" (%m, %p#0)
      %ca = attn.einsum exp_sub ... (%m, %mx)   %cb = ... (%p#0, %mx)
      ... %d * %ca + %p#1 * %cb, %n * %ca + %p#2 * %cb
    } {attn.kv_split = 4 : i64}
    ```
    On a GPU the parts are a grid dimension (split-KV / Flash-Decoding),
    which keeps the machine busy when batch x heads x Q tiles is small; on
    the CPU they run in turn. The number of parts is `split`, else the
    attn.schedule attribute's split_kv; 1 leaves the loop alone.
  }];
  let options = [
    Option<"splitKV", "split", "int64_t", /*default=*/"0",
           "Parts per KV loop (0: the attn.schedule attribute, else 1)">
  ];
  let statistics = [
    Statistic<"numSplit", "split", "KV loops split">
  ];
  let dependentDialects = ["::attn::AttnDialect", "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def AttnIOSchedule : Pass<"attn-io-schedule"> {
  let summary = "Choose tile sizes, head order and split-KV with an IO-aware cost model";
  let description = [{
    For each attn.attention, predicts for every Q/KV tile size in
    {16..256}, head order and number of KV parts:
    - the working set in a fast memory of `cache-bytes`: one KV head's Q,
      K and V tiles, scores and running values, times B x Hkv when the heads
      are inside the query loop (`heads_inner`); schedules that do not fit
      are dropped;
    - the bytes moved from slow memory: Q and O once, K and V once per KV
      tile each Q tile visits (counted with the mask's key ranges: per KV
      head's group with `heads_outer`, the hull over all heads with
      `heads_inner`), and each extra KV part's running values;
    - the FLOPs of the visited tiles;
    - a time: the roofline over `parallel-units` processors running
      programs (B x Hkv x Q tiles x parts with `heads_outer`, Q tiles x parts
      with `heads_inner`) in waves, divided by the busy fraction of those
      waves, plus `tile-overhead-ns` per tile step.
    It keeps the fastest and records it for the cascade passes:

    ```mlir
    %o = attn.attention ... {attn.schedule = {kv_tile = 64 : i64, order = "heads_outer", q_tile = 32 : i64, split_kv = 1 : i64}, ...}
    ```
    Split-KV pays only where programs are fewer than processors (decoding
    on a GPU: `parallel-units=132`); on the CPU path (one unit) it is 1.
    With `print`, a remark gives the prediction beside the
    Theta(Sq Sk d^2 / M) lower bound on the traffic of exact attention.
    Masks that read run-time data are costed as dense.
  }];
  let options = [
    Option<"cacheBytes", "cache-bytes", "int64_t", /*default=*/"1048576",
           "Size of the fast memory the working set must fit">,
    Option<"bandwidthGBs", "bandwidth-gbs", "double", /*default=*/"20.0",
           "Slow-memory bandwidth, GB/s">,
    Option<"peakGFlops", "peak-gflops", "double", /*default=*/"50.0",
           "Peak arithmetic rate, GFLOP/s">,
    Option<"tileOverheadNs", "tile-overhead-ns", "double", /*default=*/"500.0",
           "Fixed cost of one KV tile step, ns">,
    Option<"parallelUnits", "parallel-units", "int64_t", /*default=*/"1",
           "Processors that run programs at once (1 for the CPU path, "
           "the SM count on a GPU)">,
    Option<"seqQ", "seq-q", "int64_t", /*default=*/"0",
           "Query length to assume when dynamic">,
    Option<"seqKV", "seq-kv", "int64_t", /*default=*/"0",
           "Key length to assume when dynamic">,
    Option<"print", "print", "bool", /*default=*/"false",
           "Emit the prediction as a remark">
  ];
  let statistics = [
    Statistic<"numScheduled", "scheduled", "attn.attention ops scheduled">
  ];
  let dependentDialects = ["::attn::AttnDialect"];
}

#endif // ATTN_TRANSFORMS_PASSES_TD
