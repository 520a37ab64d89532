//===- AttnAttrs.td - Mask algebra and score modifiers -----*- tablegen -*-===//
//
// #attn.mask<EXPR> holds a tree of mask kinds; #attn.score<TERMS> a list of
// score modifiers. Each kind is one attribute class implementing
// MaskExprAttrInterface; kinds have no syntax of their own outside #attn.mask.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNATTRS_TD
#define ATTN_DIALECT_ATTN_IR_ATTNATTRS_TD

include "attn/Dialect/Attn/IR/AttnDialect.td"
include "attn/Dialect/Attn/IR/AttnEnums.td"
include "attn/Dialect/Attn/IR/AttnInterfaces.td"
include "mlir/IR/AttrTypeBase.td"

def Attn_AlignmentParam : EnumParameter<Attn_Alignment>;

class Attn_MaskKind<string name, list<string> overrides = []>
    : AttrDef<Attn_Dialect, name,
              [DeclareAttrInterfaceMethods<Attn_MaskExprInterface, overrides>]> {
  let genVerifyDecl = 1;
  // Kinds are written only inside #attn.mask<...>: no mnemonic of their own.
  let attrName = "attn.mask." # name;
}

def Attn_AllMask : Attn_MaskKind<"AllMask", ["buildTileIsFull", "showsKeyIntervals"]> {
  let summary = "`all`: every key is visible";
  let description = [{ The identity of `&`. `!all` hides everything. }];
  let genVerifyDecl = 0;
}

def Attn_CausalMask : Attn_MaskKind<"CausalMask", ["buildKVRange", "buildTileIsFull", "showsKeyIntervals"]> {
  let summary = "`causal` / `causal(bottom_right)`: k <= q (+ Sk - Sq)";
  let description = [{
    Top-left alignment (the default) keeps k <= q; bottom-right keeps
    k <= q + Sk - Sq, so the last query sees the last key when Sq != Sk.
  }];
  let parameters = (ins Attn_AlignmentParam:$alignment);
  let genVerifyDecl = 0;
}

def Attn_WindowMask : Attn_MaskKind<"WindowMask", ["buildKVRange", "buildTileIsFull", "showsKeyIntervals"]> {
  let summary = "`window(left[, right][, bottom_right])`: q - left <= k <= q + right";
  let description = [{
    A sliding window around the (aligned) diagonal. `window(n)` is
    `window(n, n)`. Combine with `causal` for a causal sliding window.
  }];
  let parameters = (ins "int64_t":$left, "int64_t":$right,
                        Attn_AlignmentParam:$alignment);
}

def Attn_SinkMask : Attn_MaskKind<"SinkMask", ["buildKVRange", "buildTileIsFull"]> {
  let summary = "`sink(n)`: the first n keys are visible to every query";
  let description = [{ Attention sinks (StreamingLLM): k < n. }];
  let parameters = (ins "int64_t":$count);
}

def Attn_PrefixMask : Attn_MaskKind<"PrefixMask", ["buildKVRange", "buildTileIsFull", "showsKeyIntervals"]> {
  let summary = "`prefix(n)`: the first n queries see the first n keys";
  let description = [{
    The bidirectional block of a prefix LM: q < n and k < n. A prefix LM is
    `causal | prefix(n)`.
  }];
  let parameters = (ins "int64_t":$length);
}

def Attn_DocumentMask : Attn_MaskKind<"DocumentMask", ["addRequirements", "buildKVRange", "buildTileIsFull", "showsKeyIntervals"]> {
  let summary = "`document` / `document(offsets)`: same document only";
  let description = [{
    Packed sequences: q sees k only when both lie in the same document. The
    documents come from the `segments(%q_ids, %kv_ids)` operands: segment ids
    of shape [B, S] (a negative id marks padding, which sees nothing), or with
    `document(offsets)` cumulative document starts of shape [B, N + 1].
  }];
  let parameters = (ins "bool":$fromOffsets);
  let genVerifyDecl = 0;
}

def Attn_ChunkMask : Attn_MaskKind<"ChunkMask", ["buildKVRange", "buildTileIsFull", "showsKeyIntervals"]> {
  let summary = "`chunk(size[, shift])`: same chunk of `size` tokens";
  let description = [{
    Block Transformer / SCCA: chunk(i) = floor((i + shift) / size); q sees k
    when their chunks match. `shift` in [0, size) shifts the chunk borders.
  }];
  let parameters = (ins "int64_t":$size, "int64_t":$shift);
}

def Attn_DilatedMask : Attn_MaskKind<"DilatedMask", ["buildKVRange", "buildTileIsFull"]> {
  let summary = "`dilated(w, d)`: |q - k| <= w and (q - k) mod d == 0";
  let description = [{ A dilated sliding window (LongNet, Longformer). }];
  let parameters = (ins "int64_t":$width, "int64_t":$dilation);
}

def Attn_GlobalMask : Attn_MaskKind<"GlobalMask", ["verifyShape", "buildKVRange", "buildTileIsFull"]> {
  let summary = "`global(t0, t1, ...)`: global tokens see and are seen by all";
  let description = [{
    Longformer's global attention: visible when q or k is one of the listed
    positions.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$tokens);
}

def Attn_StridedMask : Attn_MaskKind<"StridedMask", ["dependsOnHead", "buildKVRange"]> {
  let summary = "`strided(s, v[, local])`: S2-Attention per-head shards";
  let description = [{
    Head h sees the keys with (k + h * s + 1) mod v == 0, plus a local window
    |q - k| <= local when `local` is given. Heads are sharded: each sees a
    different stride-v subset of the context.
  }];
  let parameters = (ins "int64_t":$shift, "int64_t":$period, "int64_t":$local);
}

def Attn_NeighborhoodMask : Attn_MaskKind<"NeighborhoodMask", ["verifyShape", "buildKVRange"]> {
  let summary = "`neighborhood(extents = [..], kernel = [..], ...)`: N-D neighborhoods";
  let description = [{
    NATTEN / GNA neighborhood attention over a row-major N-D token grid (1-D
    to 3-D). Per axis: a window of `kernel` positions among those with the
    query's residue mod `dilation`, centred on the query and shifted inward at
    the borders; with `stride` s, the queries of a group of s share the window
    of the group's centre; a `causal` axis keeps the window at or before the
    query. Visible when every axis is.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$extents,
                        ArrayRefParameter<"int64_t">:$kernel,
                        ArrayRefParameter<"int64_t">:$dilation,
                        ArrayRefParameter<"int64_t">:$stride,
                        ArrayRefParameter<"bool">:$causal);
  let extraClassDeclaration = [{
    /// The visible window along `axis` for a query at coordinate `x`:
    /// positions lo, lo + d, ..., hi - d (hi exclusive).
    struct AxisWindow { int64_t lo, hi, step; };
    AxisWindow axisWindow(unsigned axis, int64_t x) const;
  }];
}

def Attn_BlocksMask : Attn_MaskKind<"BlocksMask", ["verifyShape", "addRequirements", "dependsOnHead", "buildKVRange", "buildTileIsFull"]> {
  let summary = "`blocks(bq, bk, runtime | [[...]])`: block-sparse";
  let description = [{
    A block of bq queries by bk keys is kept or dropped whole. The layout is
    static (a nested list of 0/1, [nq][nk] or per head [H][nq][nk]; blocks
    outside it are dropped) or `runtime`, read from the `block_mask` operand
    of shape [B or 1, H or 1, nq, nk].
  }];
  let parameters = (ins "int64_t":$blockQ, "int64_t":$blockK,
                        ArrayRefParameter<"int64_t">:$layoutShape,
                        ArrayRefParameter<"bool">:$layout);
  let extraClassDeclaration = [{
    bool isRuntime() const { return getLayoutShape().empty(); }
    bool blockKept(int64_t b, int64_t h, int64_t qb, int64_t kb,
                   const ::attn::mask::Context &ctx) const;
  }];
}

def Attn_HeadsMask : Attn_MaskKind<"HeadsMask", ["verifyShape", "addRequirements", "dependsOnHead", "buildKVRange", "buildTileIsFull"]> {
  let summary = "`heads([h..] : EXPR, ..., * : EXPR)`: per-head masks";
  let description = [{
    Heterogeneous heads (DuoAttention, MoA): each listed group of query heads
    uses its own expression; `*` covers the heads not listed.
  }];
  let parameters = (ins
      ArrayRefParameter<"::attn::MaskExprAttrInterface">:$cases,
      ArrayRefParameter<"int64_t">:$caseHeads,
      ArrayRefParameter<"int64_t">:$caseSizes,
      OptionalParameter<"::attn::MaskExprAttrInterface">:$fallback);
  let extraClassDeclaration = [{
    /// The expression head h uses, or null when no case covers it.
    ::attn::MaskExprAttrInterface caseFor(int64_t h) const;
  }];
}

def Attn_AndMask : Attn_MaskKind<"AndMask", ["verifyShape", "addRequirements", "dependsOnHead", "getPrecedence", "buildKVRange", "buildTileIsFull", "showsKeyIntervals"]> {
  let summary = "`a & b`: visible in both";
  let description = [{ Conservative composition of the operands' classes. }];
  let parameters = (ins ArrayRefParameter<"::attn::MaskExprAttrInterface">:$operands);
}

def Attn_OrMask : Attn_MaskKind<"OrMask", ["verifyShape", "addRequirements", "dependsOnHead", "getPrecedence", "buildKVRange", "buildTileIsFull"]> {
  let summary = "`a | b`: visible in either";
  let description = [{ Conservative composition of the operands' classes. }];
  let parameters = (ins ArrayRefParameter<"::attn::MaskExprAttrInterface">:$operands);
}

def Attn_NotMask : Attn_MaskKind<"NotMask", ["verifyShape", "addRequirements", "dependsOnHead"]> {
  let summary = "`!a`: visible where a hides";
  let description = [{ Exact: full and empty swap, partial stays partial. }];
  let parameters = (ins "::attn::MaskExprAttrInterface":$operand);
  let genVerifyDecl = 0;
}

def Attn_MaskModMask : Attn_MaskKind<"MaskModMask", ["addRequirements", "dependsOnHead"]> {
  let summary = "`mask_mod`: the op's mask_mod region";
  let description = [{
    Any predicate: the op's `mask_mod` region maps (b, h, q, k : index) to
    i1. Its tiles are classified conservatively (partial).
  }];
  let genVerifyDecl = 0;
}

def Attn_MaskAttr : Attn_Attr<"Mask", "mask"> {
  let summary = "A mask expression";
  let description = [{
    An expression over mask kinds with `&`, `|`, `!` and parentheses (`!`
    binds tightest, then `&`, then `|`). Kinds: `all`, `causal`,
    `causal(bottom_right)`, `window(l[, r][, bottom_right])`, `sink(n)`,
    `prefix(n)`, `document`, `document(offsets)`, `chunk(size[, shift])`,
    `dilated(w, d)`, `global(t, ...)`, `strided(s, v[, local])`,
    `neighborhood(extents = [...], kernel = [...], dilation = [...],
    stride = [...], causal = [...])`, `blocks(bq, bk, runtime | [[...]])`,
    `heads([h, ...] : e, * : e)`, `mask_mod`.

    ```mlir
    #attn.mask<causal & (window(1024) | sink(4))>
    ```
  }];
  let parameters = (ins "::attn::MaskExprAttrInterface":$expr);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    /// Parses the expression from raw text (after the `<`) up to the `>`.
    static ::mlir::Attribute parseBody(::mlir::AsmParser &parser,
                                       const char *body);
  }];
}

//===----------------------------------------------------------------------===//
// Score modifiers
//===----------------------------------------------------------------------===//

class Attn_ScoreTerm<string name, list<string> overrides = []>
    : AttrDef<Attn_Dialect, name,
              [DeclareAttrInterfaceMethods<Attn_ScoreModInterface,
                                           overrides>]> {
  // Terms are written only inside #attn.score<...>.
  let attrName = "attn.score." # name;
}

def Attn_AlibiScore : Attn_ScoreTerm<"AlibiScore"> {
  let summary = "`alibi` / `alibi(max_bias)`: s - m_h * |q + Sk - Sq - k|";
  let description = [{
    ALiBi with the paper's head slopes m_h for Hq heads and the given maximum
    bias (8.0 by default), aligned bottom-right as in FlashAttention.
  }];
  let parameters = (ins APFloatParameter<"">:$maxBias);
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The slope of head h among `heads` heads.
    double slope(int64_t h, int64_t heads) const;
  }];
}

def Attn_SoftcapScore : Attn_ScoreTerm<"SoftcapScore"> {
  let summary = "`softcap(c)`: c * tanh(s / c)";
  let description = [{ Logit soft-capping (Gemma 2, Grok); c > 0. }];
  let parameters = (ins APFloatParameter<"">:$cap);
  let genVerifyDecl = 1;
}

def Attn_BiasScore : Attn_ScoreTerm<"BiasScore", ["needsBiasOperand"]> {
  let summary = "`bias`: s + bias[b, h, q, k] from the bias operand";
  let description = [{
    The `bias(%t : tensor<B|1 x H|1 x Sq x Sk>)` operand, broadcast over
    batch and head where its extent is 1.
  }];
}

def Attn_RegionScore : Attn_ScoreTerm<"RegionScore", ["needsScoreModRegion"]> {
  let summary = "`score_mod`: the op's score_mod region";
  let description = [{
    The region maps (s : f32, b, h, q, k : index) to the new score (f32).
  }];
}

def Attn_ScoreAttr : Attn_Attr<"Score", "score"> {
  let summary = "Score modifiers applied in order";
  let description = [{
    A comma-separated list of terms applied left to right to the scaled
    score: `alibi`, `alibi(max_bias)`, `softcap(c)`, `bias`, `score_mod`.

    ```mlir
    #attn.score<alibi, softcap(50.0)>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"::attn::ScoreModAttrInterface">:$terms);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    /// Parses the terms from raw text (after the `<`) up to the `>`.
    static ::mlir::Attribute parseBody(::mlir::AsmParser &parser,
                                       const char *body);
  }];
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNATTRS_TD
