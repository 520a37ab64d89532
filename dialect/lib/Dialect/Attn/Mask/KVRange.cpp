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

/// The hull of `range(iv)` over iv in [0, count), as an scf.for, or the
/// single range(0) when count is the constant 1.
static IRKeys
hullOver(IREmitter &e, Value count,
         llvm::function_ref<IRKeys(OpBuilder &, Location, Value)> range) {
  if (getConstantIntValue(count) == 1)
    return range(e.builder, e.loc, e.index(0));
  Value zero = e.index(0);
  auto loop = scf::ForOp::create(
      e.builder, e.loc, zero, count, e.index(1), ValueRange{zero, zero},
      [&](OpBuilder &builder, Location loc, Value iv, ValueRange acc) {
        IREmitter body(builder, loc);
        IRKeys keys = body.hull({acc[0], acc[1]}, range(builder, loc, iv));
        scf::YieldOp::create(builder, loc, ValueRange{keys.first, keys.second});
      });
  return {loop.getResult(0), loop.getResult(1)};
}

std::pair<Value, Value>
attn::mask::buildKVRangeHull(MaskExprAttrInterface mask, OpBuilder &builder,
                             Location loc, const IRArgs &args, Value batch) {
  IREmitter e(builder, loc);
  Value batches = rangeDependsOnBatch(mask) ? batch : e.index(1);
  Value heads = e.index(mask.dependsOnHead() ? args.qHeads : 1);
  return hullOver(e, batches, [&](OpBuilder &bb, Location bl, Value b) {
    IREmitter be(bb, bl);
    return hullOver(be, heads, [&](OpBuilder &hb, Location hl, Value h) {
      IRArgs at = args;
      at.b = b;
      at.h = h;
      return mask.buildKVRange(hb, hl, at);
    });
  });
}
