//===- AttnOps.td - Operations of the attn dialect ---------*- tablegen -*-===//
//
// attn.attention (the user-facing op), attn.einsum (one extended Einsum of a
// cascade) and attn.yield (terminator of the mask_mod / score_mod regions).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNOPS_TD
#define ATTN_DIALECT_ATTN_IR_ATTNOPS_TD

include "attn/Dialect/Attn/IR/AttnDialect.td"
include "attn/Dialect/Attn/IR/AttnAttrs.td"
include "attn/Dialect/Attn/IR/AttnEnums.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/OpBase.td"

def Attn_FloatTensor : RankedTensorOf<[F16, BF16, F32]>;
def Attn_IdTensor : RankedTensorOf<[I32, I64]>;
def Attn_BlockMaskTensor : RankedTensorOf<[I1, I8, I32]>;

def Attn_AttentionOp : Attn_Op<"attention", [
    Pure, AttrSizedOperandSegments, IsolatedFromAbove]> {
  let summary = "Scaled dot-product attention with a mask expression";
  let description = [{
    O = softmax(score(scale * Q K^T) restricted to the visible keys) V, per
    batch entry and query head; query head h reads KV head h / (Hq / Hkv)
    (GQA, MQA). Scores are computed in f32. A query with no visible key gives
    O = 0 and LSE = -inf. The QK head dim may differ from the V head dim;
    batch and sequence extents may be dynamic, heads and head dims are
    static.

    Operands beyond Q, K, V are those the mask or the score modifiers need:
    `segments(%q_ids, %kv_ids)` for `document`, `block_mask(%m)` for
    `blocks(.., runtime)`, `bias(%b)` for the `bias` score term. The optional
    regions define `mask_mod` (b, h, q, k : index -> i1) and `score_mod`
    (s : f32, b, h, q, k : index -> f32). With `return_lse` the op also
    returns the log-sum-exp of the visible scores, [B, Hq, Sq] in f32.

    ```mlir
    %o = attn.attention %q, %k, %v
        {mask = #attn.mask<causal & (window(1024) | sink(4))>}
        : tensor<?x32x?x128xbf16>, tensor<?x8x?x128xbf16>,
          tensor<?x8x?x128xbf16> -> tensor<?x32x?x128xbf16>
    ```
  }];
  let arguments = (ins
    Attn_FloatTensor:$query,
    Attn_FloatTensor:$key,
    Attn_FloatTensor:$value,
    Optional<Attn_IdTensor>:$q_segments,
    Optional<Attn_IdTensor>:$kv_segments,
    Optional<Attn_BlockMaskTensor>:$block_mask,
    Optional<Attn_FloatTensor>:$bias,
    OptionalAttr<F32Attr>:$scale,
    DefaultValuedAttr<Attn_LayoutAttr, "::attn::Layout::bhsd">:$layout,
    OptionalAttr<Attn_MaskAttr>:$mask,
    OptionalAttr<Attn_ScoreAttr>:$score,
    UnitAttr:$return_lse
  );
  let results = (outs Attn_FloatTensor:$output,
                      Optional<RankedTensorOf<[F32]>>:$lse);
  let regions = (region AnyRegion:$mask_mod, AnyRegion:$score_mod);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`segments` `(` $q_segments^ `,` $kv_segments `:` type($q_segments) `,`
        type($kv_segments) `)`)?
    (`block_mask` `(` $block_mask^ `:` type($block_mask) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value) `->`
    type(results)
    (`mask_mod` $mask_mod^)?
    (`score_mod` $score_mod^)?
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The extents of the problem as far as the types tell them.
    ::attn::mask::ShapeInfo getShapeInfo();
    /// The mask expression; `all` when the op has no mask.
    ::attn::MaskExprAttrInterface getMaskExpr();
    /// Positions of the batch, head, sequence and dim axes for the layout.
    unsigned getHeadAxis() { return getLayout() == ::attn::Layout::bhsd ? 1 : 2; }
    unsigned getSeqAxis() { return getLayout() == ::attn::Layout::bhsd ? 2 : 1; }
  }];
}

def Attn_EinsumOp : Attn_Op<"einsum", [Pure]> {
  let summary = "An extended Einsum: a map, then an optional reduction";
  let description = [{
    FuseMax's extended Einsum. The equation names each input's and the
    output's axes with lower-case letters (`""` for a rank-0 operand). Every
    output element applies `compute` to the input elements at the matching
    coordinates; axes that appear in an input but not in the output are
    reduced with `reduce`. The 3-pass attention cascade:

    ```mlir
    %qk = attn.einsum mul "bhpe,bhme->bhpm" reduce add (%q, %k)
        : (tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32>) -> tensor<1x2x64x64xf32>
    %gm = attn.einsum copy "bhpm->bhp" reduce max (%qk)
        : (tensor<1x2x64x64xf32>) -> tensor<1x2x64xf32>
    %sn = attn.einsum exp_sub "bhpm,bhp->bhpm" (%qk, %gm)
        : (tensor<1x2x64x64xf32>, tensor<1x2x64xf32>) -> tensor<1x2x64x64xf32>
    ```
  }];
  let arguments = (ins Attn_EinsumComputeAttr:$compute, StrAttr:$equation,
                       OptionalAttr<Attn_EinsumReduceAttr>:$reduce,
                       Variadic<RankedTensorOf<[AnyFloat]>>:$inputs);
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $compute $equation (`reduce` $reduce^)? ` ` `(` $inputs `)` attr-dict `:`
    functional-type($inputs, results)
  }];
  let hasVerifier = 1;
  let builders = [
    // Infers the result shape from the equation; `elementType` is the
    // result's element type.
    OpBuilder<(ins "::attn::EinsumCompute":$compute,
                   "::llvm::StringRef":$equation, "::mlir::ValueRange":$inputs,
                   "::mlir::Type":$elementType,
                   CArg<"std::optional<::attn::EinsumReduce>",
                        "std::nullopt">:$reduce)>
  ];
  let extraClassDeclaration = [{
    /// Number of inputs `compute` takes.
    static unsigned getArity(::attn::EinsumCompute c);
    /// The result type an equation gives for these inputs (dynamic where the
    /// inputs' extent is).
    static ::mlir::RankedTensorType
    inferResultType(::llvm::StringRef equation, ::mlir::TypeRange inputs,
                    ::mlir::Type elementType);
  }];
}

def Attn_ScoreMapOp : Attn_Op<"score_map", [
    Pure, AttrSizedOperandSegments, IsolatedFromAbove,
    AllTypesMatch<["scores", "result"]>]> {
  let summary = "Scale, score modifiers and mask applied to a tile of scores";
  let description = [{
    The map step of the cascade that the mask and score modifiers define.
    `scores` holds raw scores q.k in f32 as [B, Hkv, G, Tq, Tk], where query
    head h = hkv * G + g; the tile's first query and key are `q_offset` and
    `kv_offset` and the problem's lengths `q_len` and `kv_len`. Each element
    becomes the modified `scale * s` where the mask shows the key, and -inf
    where it hides it or the key lies beyond `kv_len`. Operands and regions
    are those of the attn.attention it comes from.

    When the tile covers only some batch entries and KV heads (a schedule
    with the heads outside the query loop), `origin [%b, %hkv]` gives the
    tile's first batch entry and KV head, and `q_heads` the problem's query
    head count; without them the tile starts at (0, 0) and covers every head.

    ```mlir
    %s = attn.score_map %qk at [%q0, %k0] lengths [%sq, %sk]
        {mask = #attn.mask<causal>, scale = 0.125 : f32}
        : tensor<1x8x4x64x64xf32>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[F32]>:$scores,
    Index:$q_offset, Index:$kv_offset, Index:$q_len, Index:$kv_len,
    Optional<Index>:$batch_offset, Optional<Index>:$head_offset,
    Optional<Attn_IdTensor>:$q_segments,
    Optional<Attn_IdTensor>:$kv_segments,
    Optional<Attn_BlockMaskTensor>:$block_mask,
    Optional<Attn_FloatTensor>:$bias,
    F32Attr:$scale,
    OptionalAttr<Attn_MaskAttr>:$mask,
    OptionalAttr<Attn_ScoreAttr>:$score,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$q_heads
  );
  let results = (outs RankedTensorOf<[F32]>:$result);
  let regions = (region AnyRegion:$mask_mod, AnyRegion:$score_mod);
  let assemblyFormat = [{
    $scores `at` ` ` `[` $q_offset `,` $kv_offset `]`
    (`origin` ` ` `[` $batch_offset^ `,` $head_offset `]`)?
    `lengths` ` ` `[` $q_len `,` $kv_len `]`
    (`segments` `(` $q_segments^ `,` $kv_segments `:` type($q_segments) `,`
        type($kv_segments) `)`)?
    (`block_mask` `(` $block_mask^ `:` type($block_mask) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($scores)
    (`mask_mod` $mask_mod^)?
    (`score_mod` $score_mod^)?
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The mask expression; `all` when there is none.
    ::attn::MaskExprAttrInterface getMaskExpr();
    /// Number of query heads per KV head (the G of [B, Hkv, G, Tq, Tk]).
    int64_t getGroups() {
      return ::llvm::cast<::mlir::RankedTensorType>(getScores().getType())
          .getDimSize(2);
    }
    /// The problem's query head count: `q_heads`, else Hkv * G of the tile.
    int64_t getQueryHeads() {
      if (auto heads = getQHeads())
        return *heads;
      return ::llvm::cast<::mlir::RankedTensorType>(getScores().getType())
                 .getDimSize(1) * getGroups();
    }
  }];
}

def Attn_YieldOp : Attn_Op<"yield", [
    Pure, Terminator, ReturnLike, ParentOneOf<["AttentionOp", "ScoreMapOp"]>]> {
  let summary = "Yields the value of a mask_mod or score_mod region";
  let description = [{
    ```mlir
    attn.yield %visible : i1
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ /* empty */ }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNOPS_TD
