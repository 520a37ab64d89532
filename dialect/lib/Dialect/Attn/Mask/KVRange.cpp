//===- KVRange.cpp - Key ranges over every batch entry and head -----------===//
//
// The hull of a mask's key ranges over batch entries and query heads, in C++
// (for tile counts) and as IR (nested scf.for loops that fold the per-(b, h)
// ranges of buildKVRange with IREmitter::hull).
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Mask/KVRange.h"

#include "MaskUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace attn;
using namespace attn::mask;

bool attn::mask::rangeDependsOnBatch(MaskExprAttrInterface mask) {
  Requirements req;
  mask.addRequirements(req);
  return req.documents || req.docOffsets || req.blockMask;
}

Interval attn::mask::kvRangeHull(MaskExprAttrInterface mask, Interval q,
                                 const Context &ctx) {
  int64_t batches = rangeDependsOnBatch(mask) ? ctx.batch : 1;
  int64_t heads = mask.dependsOnHead() ? ctx.qHeads : 1;
  Interval keys{0, 0};
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t h = 0; h < heads; ++h)
      keys = keys.hull(mask.kvRange(b, h, q, ctx));
  return keys;
}

/// Folds `value(iv)` over iv in [lo, lo + count) with `combine`, as an
/// scf.for, or the single value(lo) when count is the constant 1.
template <typename T>
static T foldOver(IREmitter &e, Value lo, Value count, T init,
                  llvm::function_ref<T(OpBuilder &, Location, Value)> value,
                  llvm::function_ref<T(IREmitter &, T, T)> combine) {
  if (getConstantIntValue(count) == 1)
    return value(e.builder, e.loc, lo);
  SmallVector<Value> inits;
  if constexpr (std::is_same_v<T, Value>)
    inits = {init};
  else
    inits = {init.first, init.second};
  Value hi = e.builder.createOrFold<arith::AddIOp>(e.loc, lo, count);
  auto loop = scf::ForOp::create(
      e.builder, e.loc, lo, hi, e.index(1), inits,
      [&](OpBuilder &builder, Location loc, Value iv, ValueRange acc) {
        IREmitter body(builder, loc);
        T next;
        if constexpr (std::is_same_v<T, Value>)
          next = combine(body, acc[0], value(builder, loc, iv));
        else
          next = combine(body, {acc[0], acc[1]}, value(builder, loc, iv));
        SmallVector<Value> yielded;
        if constexpr (std::is_same_v<T, Value>)
          yielded = {next};
        else
          yielded = {next.first, next.second};
        scf::YieldOp::create(builder, loc, yielded);
      });
  if constexpr (std::is_same_v<T, Value>)
    return loop.getResult(0);
  else
    return {loop.getResult(0), loop.getResult(1)};
}

/// Batch entries and heads the mask's answer can differ between: the box's
/// where it depends on them, else only its first.
static HeadBox relevantPart(MaskExprAttrInterface mask, IREmitter &e,
                            const HeadBox &box) {
  HeadBox part = box;
  if (!rangeDependsOnBatch(mask))
    part.batches = e.index(1);
  if (!mask.dependsOnHead())
    part.heads = e.index(1);
  return part;
}

std::pair<Value, Value> attn::mask::buildKVRangeHull(MaskExprAttrInterface mask,
                                                     OpBuilder &builder,
                                                     Location loc,
                                                     const IRArgs &args,
                                                     const HeadBox &box) {
  IREmitter e(builder, loc);
  HeadBox part = relevantPart(mask, e, box);
  Value zero = e.index(0);
  auto hull = [](IREmitter &e, IRKeys a, IRKeys b) { return e.hull(a, b); };
  return foldOver<IRKeys>(
      e, part.batchLo, part.batches, {zero, zero},
      [&](OpBuilder &bb, Location bl, Value b) {
        IREmitter be(bb, bl);
        return foldOver<IRKeys>(
            be, part.headLo, part.heads, {be.index(0), be.index(0)},
            [&](OpBuilder &hb, Location hl, Value h) {
              IRArgs at = args;
              at.b = b;
              at.h = h;
              return mask.buildKVRange(hb, hl, at);
            },
            hull);
      },
      hull);
}

Value attn::mask::buildTileIsFullOver(MaskExprAttrInterface mask,
                                      OpBuilder &builder, Location loc,
                                      const IRArgs &args, const HeadBox &box) {
  IREmitter e(builder, loc);
  HeadBox part = relevantPart(mask, e, box);
  auto both = [](IREmitter &e, Value a, Value b) {
    return arith::AndIOp::create(e.builder, e.loc, a, b).getResult();
  };
  // The box's first pair: a mask that never calls a tile full answers a
  // constant false, which the caller can see without the loops.
  IRArgs first = args;
  first.b = part.batchLo;
  first.h = part.headLo;
  Value probe = mask.buildTileIsFull(builder, loc, first);
  if (getConstantIntValue(probe) == 0)
    return probe;
  return foldOver<Value>(
      e, part.batchLo, part.batches, probe,
      [&](OpBuilder &bb, Location bl, Value b) {
        IREmitter be(bb, bl);
        return foldOver<Value>(
            be, part.headLo, part.heads, be.boolean(true),
            [&](OpBuilder &hb, Location hl, Value h) {
              IRArgs at = args;
              at.b = b;
              at.h = h;
              return mask.buildTileIsFull(hb, hl, at);
            },
            both);
      },
      both);
}
