//===- MaskIR.h - What a mask kind's IR builders read -----------*- C++ -*-===//
//
// The SSA values a mask kind needs to emit visible(b, h, q, k), the key
// range of a query tile and the "tile is full" test as IR: coordinates,
// run-time lengths, the static head count and the operands of the op.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_MASK_MASKIR_H
#define ATTN_DIALECT_ATTN_MASK_MASKIR_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <functional>

namespace attn::mask {

/// Values of type `index` unless stated; unused ones may be null.
struct IRArgs {
  /// One (batch, query head, query, key) point, for buildVisible.
  mlir::Value b, h, q, k;
  /// A tile [qLo, qHi) x [kLo, kHi), clipped to the lengths and non-empty,
  /// for buildTileIsFull. buildKVRange reads the q bounds, and the k bounds
  /// when set: keys outside [kLo, kHi) are hidden for another reason (an
  /// AND's operands before this one), so a builder may leave them out of
  /// its range and of its scans.
  mlir::Value qLo, qHi, kLo, kHi;
  /// Run-time sequence lengths.
  mlir::Value qLen, kvLen;
  /// Static query head count.
  int64_t qHeads = 1;
  /// Ranked tensors: segment ids [B, S] or document offsets [B, N + 1]
  /// (i32 or i64), and the block mask [B|1, H|1, nq, nk] (i1, i8 or i32).
  mlir::Value qSegments, kvSegments, blockMask;
  /// A share of the scans over run-time data (buildKVRange,
  /// buildTileIsFull), for a block whose threads split them: when set, a
  /// builder's scan over positions [lo, hi) may read only lo + scanLane +
  /// i * scanLanes. The caller combines the answers of lanes 0 ..
  /// scanLanes - 1: the hull of the key ranges (each lane's holds the
  /// visible keys of its share) and the AND of the full-tile tests (which
  /// holds only when every pair of the tile is visible). Builders that scan
  /// nothing ignore it.
  mlir::Value scanLane, scanLanes;
  /// With scanLane, may be set: (the smallest lo, the largest hi) over every
  /// lane's (lo, hi), for a builder whose scan needs a whole answer before
  /// its next one. Every lane calls it at the same point.
  std::function<std::pair<mlir::Value, mlir::Value>(
      mlir::OpBuilder &, mlir::Location, mlir::Value lo, mlir::Value hi)>
      spanOverLanes;
  /// When set (i1): whether the key segment ids of batch entry b are
  /// non-decreasing as unsigned numbers over [kLo, kHi) (over every key
  /// when kLo is not set), as a caller found at run time
  /// (buildKeyIdsSorted). Document masks with ids then take the keys of the
  /// queries' documents from keysWithIds instead of scanning for them,
  /// exactly where it holds; where it does not, their range is [kLo, kHi)
  /// (showsKeyIntervals(idsSorted = true)).
  mlir::Value idsSorted;
  /// Set with idsSorted: the keys [lo, hi) whose ids lie in [dLo, dHi] as
  /// unsigned numbers, among keys whose ids are sorted (lo == hi when none),
  /// from the runs the caller recorded (buildKeyIdsSorted). The keys the
  /// record covers must hold [kLo, kHi).
  std::function<std::pair<mlir::Value, mlir::Value>(
      mlir::OpBuilder &, mlir::Location, mlir::Value dLo, mlir::Value dHi)>
      keysWithIds;
  /// The same arguments without a share: every position of every scan.
  IRArgs whole() const {
    IRArgs all = *this;
    all.scanLane = all.scanLanes = mlir::Value();
    all.spanOverLanes = nullptr;
    return all;
  }
  /// Emits the user's mask_mod region for a point (inlined), yielding i1.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value b,
                            mlir::Value h, mlir::Value q, mlir::Value k)>
      maskMod;
};

/// Records, where it is emitted, a run of equal key ids starting at key
/// `pos` with id `id` (index values; ids sign-extended).
using RecordRunFn = std::function<void(mlir::OpBuilder &, mlir::Location,
                                       mlir::Value pos, mlir::Value id)>;

/// Emits an i1: whether args.kvSegments[b, k - 1] <= args.kvSegments[b, k]
/// as unsigned numbers for every k of (kLo, kHi) (args' share of them with
/// IRArgs::scanLane; the AND over lanes is the whole answer). kLo and kHi
/// must be set. With `recordRun`, also emits a call at each run start of
/// the share (kLo, and each k whose id differs from k - 1's), once each.
mlir::Value buildKeyIdsSorted(mlir::OpBuilder &builder, mlir::Location loc,
                              const IRArgs &args,
                              const RecordRunFn &recordRun = nullptr);

/// What a score modifier's IR builder reads (values of type `index` unless
/// stated).
struct ScoreIRArgs {
  mlir::Value b, h, q, k;
  mlir::Value qLen, kvLen;
  int64_t qHeads = 1;
  /// The bias operand [B|1, Hq|1, Sq, Sk] (f16, bf16 or f32).
  mlir::Value bias;
  /// Emits the user's score_mod region (inlined) for an f32 score.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value s,
                            mlir::Value b, mlir::Value h, mlir::Value q,
                            mlir::Value k)>
      scoreMod;
};

} // namespace attn::mask

#endif // ATTN_DIALECT_ATTN_MASK_MASKIR_H
