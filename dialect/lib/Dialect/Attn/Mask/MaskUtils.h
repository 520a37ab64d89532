//===- MaskUtils.h - Helpers shared by the mask kinds -----------*- C++ -*-===//
//
// The diagonal band d = k - q - offset in [dmin, dmax] underlies causal,
// window, dilated and the local part of strided masks; its classifier and KV
// range live here once, in C++ and as IR. IREmitter holds the scalar index
// and i1 arithmetic, tensor reads and key-range algebra (clip, intersect,
// hull) that every kind's IR builders share.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_MASK_MASKUTILS_H
#define ATTN_LIB_DIALECT_ATTN_MASK_MASKUTILS_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

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

//===----------------------------------------------------------------------===//
// IR emission
//===----------------------------------------------------------------------===//

/// A key range [lo, hi) as index values with 0 <= lo <= hi <= kvLen; empty
/// when lo == hi. What buildKVRange returns.
using IRKeys = std::pair<mlir::Value, mlir::Value>;

/// Emits scalar arithmetic at the builder's insertion point. Coordinates are
/// `index`, predicates `i1`. Operations with a constant operand that makes
/// them the identity (x + 0, x * 1, x / 1) are not emitted.
class IREmitter {
public:
  IREmitter(mlir::OpBuilder &builder, mlir::Location loc)
      : builder(builder), loc(loc) {}

  mlir::Value index(int64_t v) {
    return mlir::arith::ConstantIndexOp::create(builder, loc, v);
  }
  mlir::Value boolean(bool v) {
    return mlir::arith::ConstantIntOp::create(builder, loc, builder.getI1Type(),
                                              v);
  }

  mlir::Value add(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddIOp::create(builder, loc, x, y);
  }
  mlir::Value add(mlir::Value x, int64_t c) {
    return c == 0 ? x : add(x, index(c));
  }
  mlir::Value sub(mlir::Value x, mlir::Value y) {
    return mlir::arith::SubIOp::create(builder, loc, x, y);
  }
  mlir::Value sub(mlir::Value x, int64_t c) {
    return c == 0 ? x : sub(x, index(c));
  }
  mlir::Value mul(mlir::Value x, int64_t c) {
    return c == 1 ? x : mlir::arith::MulIOp::create(builder, loc, x, index(c));
  }
  /// Truncating division and remainder: for non-negative x they are floor
  /// division and modulo.
  mlir::Value divS(mlir::Value x, int64_t c) {
    return c == 1 ? x : mlir::arith::DivSIOp::create(builder, loc, x, index(c));
  }
  mlir::Value remS(mlir::Value x, int64_t c) {
    return c == 1 ? index(0)
                  : mlir::arith::RemSIOp::create(builder, loc, x, index(c));
  }
  mlir::Value min(mlir::Value x, mlir::Value y) {
    return mlir::arith::MinSIOp::create(builder, loc, x, y);
  }
  mlir::Value max(mlir::Value x, mlir::Value y) {
    return mlir::arith::MaxSIOp::create(builder, loc, x, y);
  }
  /// min(max(x, lo), hi), for lo <= hi.
  mlir::Value clamp(mlir::Value x, mlir::Value lo, mlir::Value hi) {
    return min(max(x, lo), hi);
  }

  mlir::Value cmp(mlir::arith::CmpIPredicate pred, mlir::Value x,
                  mlir::Value y) {
    return mlir::arith::CmpIOp::create(builder, loc, pred, x, y);
  }
  mlir::Value cmp(mlir::arith::CmpIPredicate pred, mlir::Value x, int64_t c) {
    return cmp(pred, x, index(c));
  }
  // Folded where an operand is constant, so that a tile test that is
  // always false stays a visible constant.
  mlir::Value land(mlir::Value x, mlir::Value y) {
    return builder.createOrFold<mlir::arith::AndIOp>(loc, x, y);
  }
  mlir::Value lor(mlir::Value x, mlir::Value y) {
    return builder.createOrFold<mlir::arith::OrIOp>(loc, x, y);
  }
  mlir::Value lnot(mlir::Value x) {
    return mlir::arith::XOrIOp::create(builder, loc, x, boolean(true));
  }
  mlir::Value select(mlir::Value c, mlir::Value x, mlir::Value y) {
    return mlir::arith::SelectOp::create(builder, loc, c, x, y);
  }
  /// x == values[0] || x == values[1] || ... (false for no values).
  mlir::Value isAnyOf(mlir::Value x, llvm::ArrayRef<int64_t> values) {
    mlir::Value any;
    for (int64_t v : values) {
      mlir::Value eq = cmp(mlir::arith::CmpIPredicate::eq, x, v);
      any = any ? lor(any, eq) : eq;
    }
    return any ? any : boolean(false);
  }
  /// lo <= x < hi.
  mlir::Value inRange(mlir::Value x, mlir::Value lo, mlir::Value hi) {
    return land(cmp(mlir::arith::CmpIPredicate::sge, x, lo),
                cmp(mlir::arith::CmpIPredicate::slt, x, hi));
  }

  // Operands (segment ids, block masks, bias, tables) are ranked tensors,
  // or memrefs where a lowering has no tensors (the GPU kernels).

  /// Extent `i` of a ranked tensor or memref, as a constant when static.
  mlir::Value dim(mlir::Value tensor, unsigned i) {
    auto type = llvm::cast<mlir::ShapedType>(tensor.getType());
    if (!type.isDynamicDim(i))
      return index(type.getDimSize(i));
    if (llvm::isa<mlir::MemRefType>(type))
      return mlir::memref::DimOp::create(builder, loc, tensor, i);
    return mlir::tensor::DimOp::create(builder, loc, tensor, i);
  }
  /// The index to read along dimension `i` of an operand that broadcasts
  /// where its extent is 1: `x`, or 0 where the extent is 1 (checked at run
  /// time when the extent is dynamic).
  mlir::Value broadcastIndex(mlir::Value tensor, unsigned i, mlir::Value x) {
    auto type = llvm::cast<mlir::ShapedType>(tensor.getType());
    if (!type.isDynamicDim(i))
      return type.getDimSize(i) == 1 ? index(0) : x;
    return select(cmp(mlir::arith::CmpIPredicate::eq, dim(tensor, i), 1),
                  index(0), x);
  }
  mlir::Value extract(mlir::Value tensor, mlir::ValueRange indices) {
    if (llvm::isa<mlir::MemRefType>(tensor.getType()))
      return mlir::memref::LoadOp::create(builder, loc, tensor, indices);
    return mlir::tensor::ExtractOp::create(builder, loc, tensor, indices);
  }
  /// A signless integer as an index (sign-extended).
  mlir::Value toIndex(mlir::Value integer) {
    return mlir::arith::IndexCastOp::create(builder, loc,
                                            builder.getIndexType(), integer);
  }
  /// Whether an integer of any width is non-zero.
  mlir::Value nonZero(mlir::Value integer) {
    mlir::Value zero =
        mlir::arith::ConstantIntOp::create(builder, loc, integer.getType(), 0);
    return cmp(mlir::arith::CmpIPredicate::ne, integer, zero);
  }

  /// [lo, hi) clipped to [0, kvLen) and normalized (an empty range has
  /// lo == hi): the IR form of Interval::intersect({0, kvLen}).
  IRKeys clipKeys(mlir::Value lo, mlir::Value hi, mlir::Value kvLen) {
    mlir::Value l = clamp(lo, index(0), kvLen);
    return {l, clamp(hi, l, kvLen)};
  }
  /// Intersection of two normalized ranges (normalized).
  IRKeys intersect(IRKeys a, IRKeys b) {
    mlir::Value lo = max(a.first, b.first);
    return {lo, max(min(a.second, b.second), lo)};
  }
  /// The smallest range holding both, an empty side ignored: the IR form of
  /// Interval::hull.
  IRKeys hull(IRKeys a, IRKeys b) {
    using mlir::arith::CmpIPredicate;
    mlir::Value aEmpty = cmp(CmpIPredicate::sge, a.first, a.second);
    mlir::Value bEmpty = cmp(CmpIPredicate::sge, b.first, b.second);
    mlir::Value lo =
        select(aEmpty, b.first, select(bEmpty, a.first, min(a.first, b.first)));
    mlir::Value hi = select(aEmpty, b.second,
                            select(bEmpty, a.second, max(a.second, b.second)));
    return {lo, hi};
  }

  mlir::OpBuilder &builder;
  mlir::Location loc;
};

/// diagonalOffset() as IR: kvLen - qLen for bottom-right, else null (0).
inline mlir::Value buildDiagonalOffset(IREmitter &e, Alignment align,
                                       const IRArgs &args) {
  return align == Alignment::bottom_right ? e.sub(args.kvLen, args.qLen)
                                          : mlir::Value();
}

/// x - offset, where a null offset is 0.
inline mlir::Value subOffset(IREmitter &e, mlir::Value x, mlir::Value offset) {
  return offset ? e.sub(x, offset) : x;
}

/// dmin <= k - q - offset <= dmax; a side at +-kUnbounded is not emitted.
inline mlir::Value buildBandVisible(IREmitter &e, mlir::Value q, mlir::Value k,
                                    mlir::Value offset, int64_t dmin,
                                    int64_t dmax) {
  using mlir::arith::CmpIPredicate;
  mlir::Value d = subOffset(e, e.sub(k, q), offset);
  mlir::Value visible;
  if (dmin > -kUnbounded)
    visible = e.cmp(CmpIPredicate::sge, d, dmin);
  if (dmax < kUnbounded) {
    mlir::Value upper = e.cmp(CmpIPredicate::sle, d, dmax);
    visible = visible ? e.land(visible, upper) : upper;
  }
  return visible ? visible : e.boolean(true);
}

/// classifyBand(...) == Full as IR, for the tile in `args`: the smallest
/// difference k - q - offset of the tile is >= dmin and the largest <= dmax.
inline mlir::Value buildBandFull(IREmitter &e, const IRArgs &args,
                                 mlir::Value offset, int64_t dmin,
                                 int64_t dmax) {
  using mlir::arith::CmpIPredicate;
  mlir::Value full;
  if (dmin > -kUnbounded) {
    mlir::Value lowest =
        subOffset(e, e.sub(args.kLo, e.sub(args.qHi, 1)), offset);
    full = e.cmp(CmpIPredicate::sge, lowest, dmin);
  }
  if (dmax < kUnbounded) {
    mlir::Value highest =
        subOffset(e, e.sub(e.sub(args.kHi, 1), args.qLo), offset);
    mlir::Value upper = e.cmp(CmpIPredicate::sle, highest, dmax);
    full = full ? e.land(full, upper) : upper;
  }
  return full ? full : e.boolean(true);
}

/// bandKeys(...) as IR for the queries [args.qLo, args.qHi).
inline IRKeys buildBandKeys(IREmitter &e, const IRArgs &args,
                            mlir::Value offset, int64_t dmin, int64_t dmax) {
  mlir::Value lo =
      dmin > -kUnbounded
          ? e.add(offset ? e.add(args.qLo, offset) : args.qLo, dmin)
          : e.index(0);
  mlir::Value hi =
      dmax < kUnbounded
          ? e.add(offset ? e.add(args.qHi, offset) : args.qHi, dmax)
          : args.kvLen;
  return e.clipKeys(lo, hi, args.kvLen);
}

} // namespace attn::mask

#endif // ATTN_LIB_DIALECT_ATTN_MASK_MASKUTILS_H
