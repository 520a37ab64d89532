//===- ScorePoint.h - The score of one (b, h, q, k) as scalar IR -*- C++
//-*-===//
//
// What every lowering of attention computes per query/key pair: the raw
// product q.k scaled, the score modifiers applied in order, and whether the
// pair is visible (inside the lengths and shown by the mask), as scalar IR
// through the mask and score interfaces' builders. Shared by the linalg
// lowering of attn.score_map and the GPU kernel lowering of attn.attention.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_SCOREPOINT_H
#define ATTN_CONVERSION_SCOREPOINT_H

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/IR/Builders.h"

namespace attn {

/// The parts of an attn.attention or attn.score_map that define the score
/// of a pair. Operands are ranked tensors or memrefs; null where absent.
struct ScorePointSpec {
  float scale = 1.0f;
  /// Null: every pair inside the lengths is visible.
  MaskExprAttrInterface mask;
  ScoreAttr score;
  mlir::Region *maskMod = nullptr, *scoreMod = nullptr;
  int64_t qHeads = 1;
  mlir::Value qLen, kvLen;
  mlir::Value qSegments, kvSegments, blockMask, bias;
};

/// The mask builders' arguments for (batch, head): the lengths, run-time
/// mask data and mask_mod region of `spec` (which must outlive them); the
/// point or tile bounds are left for the caller.
mask::IRArgs maskArgs(const ScorePointSpec &spec, mlir::Value batch,
                      mlir::Value head);

/// The modified score of the raw f32 product `raw` at (b, h, q, k) (all
/// index values; h a query head) and an i1 that is true where the pair is
/// visible: q < qLen, k < kvLen and the mask shows it. Reads of run-time
/// mask data are clamped to valid positions, so out-of-range pairs read
/// nothing outside the operands.
std::pair<mlir::Value, mlir::Value>
buildScoreAt(mlir::OpBuilder &b, mlir::Location loc, const ScorePointSpec &spec,
             mlir::Value raw, mlir::Value batch, mlir::Value head,
             mlir::Value q, mlir::Value k);

/// A float scalar converted to `to` (extf or truncf; itself when equal).
mlir::Value convertFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type to);

/// min(x, max(len - 1, 0)): the last valid position of a length for x past
/// it, so that reads of out-of-range positions stay inside the operand.
mlir::Value clampToLength(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          mlir::Value len);

/// Inlines a single-block region at the builder's point with `args` for its
/// block arguments; returns the value its attn.yield yields.
mlir::Value inlineRegion(mlir::OpBuilder &b, mlir::Region &region,
                         mlir::ValueRange args);

} // namespace attn

#endif // ATTN_CONVERSION_SCOREPOINT_H
