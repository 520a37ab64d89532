//===- TileProgram.h - What a GPU kernel computes, and its tiles -*- C++
//-*-===//
//
// The GPU lowering's view of one entry: the attention it computes (its
// operands as the entry's arguments, layout, scale, mask, score modifiers,
// LSE) and the tiles of the tile program the cascade passes made of it.
// attn-gpu-schedule reads the attention from attn.attention to choose the
// tiles; attn-lower-to-gpu reads both from the tile program (after
// decomposition, online-softmax fusion, query tiling and the mask schedule),
// checking that it is the one-pass cascade it knows how to lower. Private to
// the Conversion library.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_TILEPROGRAM_H
#define ATTN_CONVERSION_TILEPROGRAM_H

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace attn {

/// One attention over an entry's arguments. The accessors are named as
/// attn.attention's, so that the kernel builders read either the same way.
struct AttentionSpec {
  explicit AttentionSpec(mlir::Location loc) : loc(loc) {}

  mlir::Location loc;
  mlir::TypedValue<mlir::RankedTensorType> query, key, value;
  /// The data the mask and score modifiers read (null when absent).
  mlir::Value qSegments, kvSegments, blockMask, bias;
  Layout layout = Layout::bhsd;
  /// The scores' scale (the default 1/sqrt(Dqk) made explicit).
  double scale = 1.0;
  MaskAttr mask;
  ScoreAttr score;
  mlir::Region *maskMod = nullptr, *scoreMod = nullptr;
  bool returnsLse = false;

  mlir::MLIRContext *getContext() const { return loc.getContext(); }
  mlir::Location getLoc() const { return loc; }
  mlir::TypedValue<mlir::RankedTensorType> getQuery() const { return query; }
  mlir::TypedValue<mlir::RankedTensorType> getKey() const { return key; }
  mlir::TypedValue<mlir::RankedTensorType> getValue() const { return value; }
  mlir::Value getQSegments() const { return qSegments; }
  mlir::Value getKvSegments() const { return kvSegments; }
  mlir::Value getBlockMask() const { return blockMask; }
  mlir::Value getBias() const { return bias; }
  MaskAttr getMaskAttr() const { return mask; }
  /// The mask expression; `all` without a mask.
  MaskExprAttrInterface getMaskExpr() const {
    return mask ? mask.getExpr()
                : MaskExprAttrInterface(AllMaskAttr::get(getContext()));
  }
  ScoreAttr getScoreAttr() const { return score; }
  mlir::Region &getMaskMod() const { return *maskMod; }
  mlir::Region &getScoreMod() const { return *scoreMod; }
  unsigned getHeadAxis() const { return layout == Layout::bhsd ? 1 : 2; }
  unsigned getSeqAxis() const { return layout == Layout::bhsd ? 2 : 1; }
};

/// The attention `op` computes.
AttentionSpec getAttentionSpec(AttentionOp op);

/// An entry's tile program: the attention, and its tiles (the query loop's
/// and the KV loop's steps). Every (batch entry, KV head, query tile) is one
/// program; the KV loop runs the tiles the mask schedule leaves.
struct TileProgram {
  AttentionSpec attention;
  int64_t qTile = 0, kvTile = 0;
};

/// The tile program of `fn`, or an error at the first thing that is not
/// the cascade attn-lower-to-gpu lowers (each function: the loops over
/// batch entries and KV heads, the query loop, one KV loop of the one-pass
/// online softmax, its normalisation, results returned).
mlir::FailureOr<TileProgram> matchTileProgram(mlir::func::FuncOp fn);

} // namespace attn

#endif // ATTN_CONVERSION_TILEPROGRAM_H
