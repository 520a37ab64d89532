//===- MaskUtils.h - Helpers shared by the mask kinds -----------*- C++ -*-===//
//
// The diagonal band d = k - q - offset in [dmin, dmax] underlies causal,
// window, dilated and the local part of strided masks; its classifier and KV
// range live here once.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_MASK_MASKUTILS_H
#define ATTN_LIB_DIALECT_ATTN_MASK_MASKUTILS_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

namespace attn::mask {

/// Stands for an unbounded side of a band; far from overflow when added to
/// any sequence position.
inline constexpr int64_t kUnbounded = int64_t(1) << 60;

/// Offset of the diagonal for an alignment.
inline int64_t diagonalOffset(Alignment align, const Context &ctx) {
  return align == Alignment::bottom_right ? ctx.kvLen - ctx.qLen : 0;
}

/// Range of d = k - q - offset over a (non-empty) box.
inline Interval bandSpan(const Box &box, int64_t offset) {
  return {box.k.lo - (box.q.hi - 1) - offset,
          (box.k.hi - 1) - box.q.lo - offset + 1};
}

/// Exact class of a box for the band dmin <= k - q - offset <= dmax: every
/// value of k - q between its extremes occurs in a box.
inline TileClass classifyBand(const Box &box, int64_t offset, int64_t dmin,
                              int64_t dmax) {
  Interval span = bandSpan(box, offset);
  Interval band{dmin, dmax + 1};
  if (span.intersect(band).empty())
    return TileClass::Empty;
  if (span.lo >= band.lo && span.hi <= band.hi)
    return TileClass::Full;
  return TileClass::Partial;
}

/// Keys a query range can see through the band, clipped to the keys.
inline Interval bandKeys(Interval q, int64_t offset, int64_t dmin, int64_t dmax,
                         const Context &ctx) {
  if (q.empty())
    return {0, 0};
  Interval keys{q.lo + offset + dmin, q.hi - 1 + offset + dmax + 1};
  return keys.intersect({0, ctx.kvLen});
}

inline int64_t ceilDiv(int64_t a, int64_t b) { return -floorDiv(-a, b); }

} // namespace attn::mask

#endif // ATTN_LIB_DIALECT_ATTN_MASK_MASKUTILS_H
