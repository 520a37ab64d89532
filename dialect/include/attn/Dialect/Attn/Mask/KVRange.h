//===- KVRange.h - Key ranges over every batch entry and head ---*- C++ -*-===//
//
// The KV loop of the cascade handles all batch entries and query heads of a
// Q tile at once, so the key range it may skip to is the hull of the mask's
// per-(b, h) ranges. The mask-aware schedule emits it as IR and its report
// counts tiles with the C++ counterpart.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_MASK_KVRANGE_H
#define ATTN_DIALECT_ATTN_MASK_KVRANGE_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

namespace attn::mask {

/// Whether the mask's key range can differ between batch entries: it reads
/// segment ids, document offsets or the block mask.
bool rangeDependsOnBatch(MaskExprAttrInterface mask);

/// The hull of kvRange(b, h, q, ctx) over b in [0, ctx.batch) and h in
/// [0, ctx.qHeads).
Interval kvRangeHull(MaskExprAttrInterface mask, Interval q,
                     const Context &ctx);

/// The batch entries [batchLo, batchLo + batches) and query heads
/// [headLo, headLo + heads) one step of the KV loop covers (index values).
struct HeadBox {
  mlir::Value batchLo, batches, headLo, heads;
};

/// Emits the hull of buildKVRange over the box's batch entries and query
/// heads, for the queries [args.qLo, args.qHi): scf.for loops over the batch
/// entries where the range depends on them and over the heads where the mask
/// depends on the head, a single call otherwise. args.b and args.h are not
/// read. The result is a key range [lo, hi) with 0 <= lo <= hi <= kvLen,
/// never narrower than the ranges of the box's (b, h) pairs.
std::pair<mlir::Value, mlir::Value>
buildKVRangeHull(MaskExprAttrInterface mask, mlir::OpBuilder &builder,
                 mlir::Location loc, const IRArgs &args, const HeadBox &box);

/// Emits an i1 that is true only when buildTileIsFull holds for every (b, h)
/// pair of the box (the tile [args.qLo, args.qHi) x [args.kLo, args.kHi)):
/// loops over the pairs, folded with `and`, where the mask depends on them.
mlir::Value buildTileIsFullOver(MaskExprAttrInterface mask,
                                mlir::OpBuilder &builder, mlir::Location loc,
                                const IRArgs &args, const HeadBox &box);

} // namespace attn::mask

#endif // ATTN_DIALECT_ATTN_MASK_KVRANGE_H
