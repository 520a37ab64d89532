//===- Cascade.h - Building blocks of the Einsum cascades -------*- C++ -*-===//
//
// The axis names of the attention cascades, einsum and fill helpers, and the
// builder of the one-pass online-softmax loop over KV tiles, shared by the
// decomposition, fusion and tiling passes.
//
// Axes: b batch, h KV head, g query head within its group (head = h*G + g),
// p query, m key, e QK dim, f V dim. Scores are always [b, h, g, p, m].
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TRANSFORMS_CASCADE_H
#define ATTN_TRANSFORMS_CASCADE_H

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <string>

namespace attn {

/// Equation terms of Q (split into groups), K and V for a layout.
struct CascadeAxes {
  std::string q5, k, v;
  /// Position of the sequence axis in Q5, K and V.
  unsigned q5Seq, kvSeq;
};
CascadeAxes getCascadeAxes(Layout layout);

/// Marks the KV loop of an online-softmax cascade.
inline constexpr llvm::StringLiteral kKVLoopAttr = "attn.kv_loop";
/// Marks the query-tile loop around it.
inline constexpr llvm::StringLiteral kQLoopAttr = "attn.q_loop";
/// Mark the loops over batch entries and KV heads around the query loop
/// (order heads_outer).
inline constexpr llvm::StringLiteral kBatchLoopAttr = "attn.batch_loop";
inline constexpr llvm::StringLiteral kHeadLoopAttr = "attn.head_loop";
/// Marks the loop over KV parts around independent KV loops.
inline constexpr llvm::StringLiteral kKVSplitAttr = "attn.kv_split";
/// The schedule an IO-aware analysis chose: {q_tile, kv_tile, split_kv,
/// order}.
inline constexpr llvm::StringLiteral kScheduleAttr = "attn.schedule";

/// The integer `name` (q_tile, kv_tile, split_kv) an attn.schedule attribute
/// on `op` records; 0 when there is none.
int64_t getScheduledTile(mlir::Operation *op, llvm::StringRef name);

/// Where the loops over batch entries and KV heads go relative to the query
/// loop: inside (every tile step covers all of them) or outside (each
/// (batch, KV head) pair runs its own query and KV loops).
enum class HeadOrder { Inner, Outer };
llvm::StringRef stringifyHeadOrder(HeadOrder order);
std::optional<HeadOrder> parseHeadOrder(llvm::StringRef text);
/// The order an attn.schedule attribute on `op` records, if any.
std::optional<HeadOrder> getScheduledOrder(mlir::Operation *op);

/// The first batch entry and KV head of a tile that covers one of each
/// (null values: the tile covers them all).
struct TileOrigin {
  mlir::Value batch, head;
  explicit operator bool() const { return static_cast<bool>(batch); }
};

mlir::Value einsum(mlir::OpBuilder &b, mlir::Location loc, EinsumCompute c,
                   llvm::StringRef equation, mlir::ValueRange inputs,
                   mlir::Type elementType,
                   std::optional<EinsumReduce> reduce = std::nullopt);

/// Sizes of a tensor as OpFoldResults (tensor.dim where dynamic).
llvm::SmallVector<mlir::OpFoldResult>
getMixedSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor);

/// A tensor of the given sizes filled with `value` (f32).
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         double value);

/// A copy of `templ` reading `scores` at the given offsets (operands,
/// attributes and regions cloned); with an origin, the copy covers that
/// batch entry and KV head of a problem of templ's query heads.
ScoreMapOp cloneScoreMap(mlir::OpBuilder &b, ScoreMapOp templ,
                         mlir::Value scores, mlir::Value qOffset,
                         mlir::Value kvOffset, TileOrigin origin = {});

/// The results of the online-softmax loop: running max and denominator
/// [B, Hkv, G, Tq] and numerator [B, Hkv, G, Tq, Dv], all f32.
struct OnlineSoftmax {
  mlir::scf::ForOp loop;
  mlir::Value max, denominator, numerator;
};

/// Builds the one-pass cascade over KV tiles of `kvTile` keys for the
/// queries `q5` (whose first query is `qOffset`): per tile, scores, their
/// map (`templ`), the new running max, one rescale of the running
/// denominator and numerator, and their update.
OnlineSoftmax buildOnlineSoftmax(mlir::OpBuilder &b, mlir::Location loc,
                                 const CascadeAxes &axes, mlir::Value q5,
                                 mlir::Value key, mlir::Value value,
                                 ScoreMapOp templ, mlir::Value qOffset,
                                 int64_t kvTile, TileOrigin origin = {});

} // namespace attn

#endif // ATTN_TRANSFORMS_CASCADE_H
