//===- MaskModel.h - Plain values the mask algebra works on -----*- C++ -*-===//
//
// The coordinates, tile boxes, classifications and run-time data that every
// mask kind's visible(), tile classifier and KV-range work on. Nothing here
// depends on MLIR: the same values serve the verifier, the tile report, the
// schedules and the fp64 reference.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_MASK_MASKMODEL_H
#define ATTN_DIALECT_ATTN_MASK_MASKMODEL_H

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>

namespace attn::mask {

/// Marks an extent that is not known at compile time (same value as
/// mlir::ShapedType::kDynamic).
inline constexpr int64_t kDynamic = std::numeric_limits<int64_t>::min();

/// A half-open range [lo, hi) of sequence positions.
struct Interval {
  int64_t lo = 0;
  int64_t hi = 0;
  bool empty() const { return lo >= hi; }
  int64_t size() const { return empty() ? 0 : hi - lo; }
  bool contains(int64_t x) const { return lo <= x && x < hi; }
  Interval intersect(Interval o) const {
    return {std::max(lo, o.lo), std::min(hi, o.hi)};
  }
  /// The smallest interval holding both (an empty side is ignored).
  Interval hull(Interval o) const {
    if (empty())
      return o;
    if (o.empty())
      return *this;
    return {std::min(lo, o.lo), std::max(hi, o.hi)};
  }
  bool operator==(const Interval &o) const {
    return (empty() && o.empty()) || (lo == o.lo && hi == o.hi);
  }
};

/// How a tile relates to a mask: no visible pair, some visible and some
/// hidden pairs, or every pair visible.
enum class TileClass { Empty, Partial, Full };

const char *stringify(TileClass c);

/// One (batch, query head, query, key) coordinate.
struct Point {
  int64_t b = 0, h = 0, q = 0, k = 0;
};

/// A tile: one batch entry and query head, a query range and a key range.
struct Box {
  int64_t b = 0, h = 0;
  Interval q, k;
};

/// The sizes of one problem and, when known, its run-time mask data. Every
/// callback is optional: a kind whose data is missing classifies tiles
/// conservatively, and its visible() must not be called.
struct Context {
  int64_t batch = 1;
  int64_t qHeads = 1;
  int64_t kvHeads = 1;
  int64_t qLen = 0;
  int64_t kvLen = 0;

  /// Document of a query / key (document masks); a negative id is padding
  /// and sees nothing. Built from segment ids or from cumulative offsets.
  std::function<int64_t(int64_t b, int64_t q)> qDocument;
  std::function<int64_t(int64_t b, int64_t k)> kvDocument;
  /// Whether block (qBlock, kBlock) of head h is kept (runtime block masks).
  std::function<bool(int64_t b, int64_t h, int64_t qBlock, int64_t kBlock)>
      blockKept;
  /// The user's mask_mod region, evaluated.
  std::function<bool(int64_t b, int64_t h, int64_t q, int64_t k)> maskMod;

  /// Clips a box to the problem's extents.
  Box clip(Box box) const {
    box.q = box.q.intersect({0, qLen});
    box.k = box.k.intersect({0, kvLen});
    return box;
  }
};

/// The extents that the verifier knows; any of them may be kDynamic.
struct ShapeInfo {
  int64_t batch = kDynamic;
  int64_t qHeads = kDynamic;
  int64_t kvHeads = kDynamic;
  int64_t qLen = kDynamic;
  int64_t kvLen = kDynamic;
};

/// A context of the extents the op knows; dynamic lengths take `qLen` /
/// `kvLen` (0 when unknown) and a dynamic batch counts as 1.
inline Context contextFor(const ShapeInfo &shape, int64_t qLen, int64_t kvLen) {
  Context ctx;
  ctx.batch = shape.batch == kDynamic ? 1 : shape.batch;
  ctx.qHeads = shape.qHeads;
  ctx.kvHeads = shape.kvHeads;
  ctx.qLen = shape.qLen == kDynamic ? qLen : shape.qLen;
  ctx.kvLen = shape.kvLen == kDynamic ? kvLen : shape.kvLen;
  return ctx;
}

/// What a mask needs beyond Q, K and V.
struct Requirements {
  bool documents = false;  ///< segments(...) operands, as segment ids
  bool docOffsets = false; ///< segments(...) operands, as cumulative offsets
  bool blockMask = false;  ///< block_mask(...) operand
  int64_t blockQ = 0, blockK = 0; ///< its block sizes
  bool blockSizeConflict = false; ///< two runtime kinds with other sizes
  bool maskModRegion = false;     ///< the mask_mod region
};

/// The sizes and run-time data a score modifier reads.
struct ScoreContext {
  int64_t qHeads = 1;
  int64_t qLen = 0;
  int64_t kvLen = 0;
  /// The additive bias operand, broadcast to (b, h, q, k).
  std::function<double(int64_t b, int64_t h, int64_t q, int64_t k)> bias;
  /// The user's score_mod region, evaluated.
  std::function<double(double s, int64_t b, int64_t h, int64_t q, int64_t k)>
      scoreMod;
};

/// Classifies a box by evaluating `visible` on every pair: the ground truth
/// that tests compare the analytic classifiers with.
template <typename Visible>
TileClass classifyByEnumeration(const Box &box, Visible &&visible) {
  bool anyVisible = false, anyHidden = false;
  for (int64_t q = box.q.lo; q < box.q.hi; ++q)
    for (int64_t k = box.k.lo; k < box.k.hi; ++k) {
      if (visible(Point{box.b, box.h, q, k}))
        anyVisible = true;
      else
        anyHidden = true;
      if (anyVisible && anyHidden)
        return TileClass::Partial;
    }
  if (!anyVisible)
    return TileClass::Empty;
  return TileClass::Full;
}

/// The document of position `pos` under cumulative document starts
/// `starts[0..count)` (document i covers [starts[i], starts[i + 1])): the
/// number of starts <= pos, minus one; -1 (padding, sees nothing) before the
/// first start and from the last entry on. How `document(offsets)` turns its
/// [B, N + 1] operands into Context::qDocument / kvDocument.
inline int64_t documentFromOffsets(const int64_t *starts, int64_t count,
                                   int64_t pos) {
  int64_t atOrBelow = 0;
  for (int64_t i = 0; i < count; ++i)
    atOrBelow += starts[i] <= pos;
  return atOrBelow >= 1 && atOrBelow < count ? atOrBelow - 1 : -1;
}

/// Floor division and non-negative modulo, for negative offsets.
inline int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline int64_t floorMod(int64_t a, int64_t b) { return a - floorDiv(a, b) * b; }

} // namespace attn::mask

#endif // ATTN_DIALECT_ATTN_MASK_MASKMODEL_H
