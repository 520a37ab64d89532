//===- MaskSchedule.cpp - Visit only the KV tiles a mask leaves -----------===//
//
// For each KV loop of the online-softmax cascade, computes at run time, from
// the Q tile's bounds, the actual lengths and the mask's run-time data, the
// key range that the mask leaves and runs the loop over it only. The loop
// handles every batch entry and head of the Q tile at once, so for masks
// that depend on the head or on run-time data (segment ids, document
// offsets, block masks, per-head layouts) the range is the hull over all of
// them, computed by scf.for loops before the KV loop. For analytic masks (no
// head dependence, no run-time data) tiles that the mask shows entirely
// also take a copy of the score map without the predicate; the others keep
// the predicate on every tile. With `report`, a remark gives the visited,
// full and partial tiles for static lengths.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Mask/KVRange.h"
#include "attn/Dialect/Attn/Mask/TileGrid.h"
#include "attn/Transforms/Cascade.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace attn {
#define GEN_PASS_DEF_ATTNMASKSCHEDULE
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;
using namespace attn::mask;

namespace {

/// A length known at compile time: a constant or the static extent read by
/// tensor.dim.
static std::optional<int64_t> staticLength(Value v) {
  if (auto c = getConstantIntValue(v))
    return c;
  if (auto dim = v.getDefiningOp<tensor::DimOp>()) {
    auto index = getConstantIntValue(dim.getIndex());
    auto type = dyn_cast<RankedTensorType>(dim.getSource().getType());
    if (index && type && !type.isDynamicDim(*index))
      return type.getDimSize(*index);
  }
  return std::nullopt;
}

struct MaskSchedulePass
    : public attn::impl::AttnMaskScheduleBase<MaskSchedulePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kKVLoopAttr))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      schedule(loop);
  }

  void schedule(scf::ForOp loop) {
    ScoreMapOp map;
    for (auto m : loop.getBody()->getOps<ScoreMapOp>())
      map = m;
    if (!map || !map.getMaskAttr())
      return;
    MaskExprAttrInterface mask = map.getMaskExpr();
    auto qk = map.getScores().getDefiningOp<EinsumOp>();
    auto step = getConstantIntValue(loop.getStep());
    Value qOffset = map.getQOffset();
    bool outside =
        qOffset.getParentRegion()->isAncestor(loop->getParentRegion()) &&
        !loop->isAncestor(qOffset.getParentBlock()->getParentOp());
    if (!qk || !step || !outside)
      return;
    Value qTile = qk.getInputs()[0];
    if (loop->isAncestor(qTile.getParentBlock()->getParentOp()))
      return;
    // The range reads the mask's operands before the loop.
    Value qSegments = map.getQSegments(), kvSegments = map.getKvSegments(),
          blockMask = map.getBlockMask();
    for (Value v : {qSegments, kvSegments, blockMask})
      if (v && !loop.isDefinedOutsideOfLoop(v))
        return;
    if (report)
      reportTiles(loop, map, mask, *step);
    bool analytic = isAnalytic(mask);

    // The key range of this Q tile, computed before the loop.
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    unsigned pAxis = qk.getEquation().starts_with("bphge") ? 1 : 3;
    Value qLen = map.getQLen(), kvLen = map.getKvLen();
    Value tileLen = tensor::DimOp::create(b, loc, qTile, pAxis);
    Value qHi = arith::MinSIOp::create(
        b, loc, arith::AddIOp::create(b, loc, qOffset, tileLen), qLen);
    IRArgs args;
    args.qLo = qOffset;
    args.qHi = qHi;
    args.qLen = qLen;
    args.kvLen = kvLen;
    args.qHeads = map.getQueryHeads();
    args.qSegments = qSegments;
    args.kvSegments = kvSegments;
    args.blockMask = blockMask;
    // The batch entries and query heads one step of the loop covers: one
    // (b, hkv) pair's G heads with an origin, else all of them.
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    HeadBox box;
    if (map.getBatchOffset()) {
      Value groups = arith::ConstantIndexOp::create(b, loc, map.getGroups());
      box.batchLo = map.getBatchOffset();
      box.batches = tensor::DimOp::create(b, loc, qTile, 0);
      box.headLo = arith::MulIOp::create(b, loc, map.getHeadOffset(), groups);
      box.heads = groups;
    } else {
      box.batchLo = box.headLo = zero;
      box.batches = tensor::DimOp::create(b, loc, qTile, 0);
      box.heads = arith::ConstantIndexOp::create(b, loc, args.qHeads);
    }
    Value lo, hi;
    if (analytic) {
      args.b = args.h = zero;
      std::tie(lo, hi) = mask.buildKVRange(b, loc, args);
    } else {
      std::tie(lo, hi) = buildKVRangeHull(mask, b, loc, args, box);
    }
    Value stepV = loop.getStep();
    Value lb = arith::MulIOp::create(
        b, loc, arith::DivSIOp::create(b, loc, lo, stepV), stepV);
    // An empty range leaves no iteration.
    Value ub = arith::MaxSIOp::create(b, loc, hi, lb);
    loop.getLowerBoundMutable().assign(lb);
    loop.getUpperBoundMutable().assign(ub);
    ++numRanged;

    // Tiles the mask shows entirely, for every pair of the box, skip the
    // predicate.
    b.setInsertionPoint(map);
    Value k0 = loop.getInductionVar();
    Value kHi = arith::MinSIOp::create(
        b, loc, arith::AddIOp::create(b, loc, k0, stepV), kvLen);
    args.kLo = k0;
    args.kHi = kHi;
    Value full = analytic ? mask.buildTileIsFull(b, loc, args)
                          : buildTileIsFullOver(mask, b, loc, args, box);
    // A mask that never knows a tile full keeps the predicate everywhere;
    // the test's now dead ops go.
    if (getConstantIntValue(full) == 0) {
      for (Operation *op = map->getPrevNode(); op;) {
        Operation *prev = op->getPrevNode();
        if (isOpTriviallyDead(op))
          op->erase();
        op = prev;
      }
      return;
    }
    auto branch = scf::IfOp::create(b, loc, map.getResult().getType(), full,
                                    /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(branch.thenBlock());
      ScoreMapOp unmasked = cloneScoreMap(b, map, map.getScores(),
                                          map.getQOffset(), map.getKvOffset());
      unmasked.removeMaskAttr();
      // The mask's run-time data goes with it.
      unmasked.getQSegmentsMutable().clear();
      unmasked.getKvSegmentsMutable().clear();
      unmasked.getBlockMaskMutable().clear();
      scf::YieldOp::create(b, loc, unmasked.getResult());
      b.setInsertionPointToStart(branch.elseBlock());
      ScoreMapOp masked = cloneScoreMap(b, map, map.getScores(),
                                        map.getQOffset(), map.getKvOffset());
      scf::YieldOp::create(b, loc, masked.getResult());
    }
    map.getResult().replaceAllUsesWith(branch.getResult(0));
    map.erase();
    ++numSplit;
  }

  /// Counts, for static lengths, the tiles the schedule visits.
  void reportTiles(scf::ForOp loop, ScoreMapOp map, MaskExprAttrInterface mask,
                   int64_t kvTile) {
    auto qLen = staticLength(map.getQLen());
    auto kvLen = staticLength(map.getKvLen());
    auto qLoop = loop->getParentOfType<scf::ForOp>();
    std::optional<int64_t> qTile = qLoop && qLoop->hasAttr(kQLoopAttr)
                                       ? getConstantIntValue(qLoop.getStep())
                                       : qLen;
    if (!qLen || !kvLen || !qTile || *qTile <= 0) {
      emitRemark(loop.getLoc())
          << "mask schedule: lengths are not static; no tile count";
      return;
    }
    Context ctx;
    ctx.qLen = *qLen;
    ctx.kvLen = *kvLen;
    ctx.qHeads = map.getQueryHeads();
    // Without run-time data the ranges do not depend on the batch entry.
    ctx.batch = 1;
    bool analytic = isAnalytic(mask);
    Requirements req;
    mask.addRequirements(req);
    bool data = req.documents || req.docOffsets || req.blockMask;
    // The head groups one step covers: all heads, or with an origin each KV
    // head's G query heads (an analytic mask needs only one).
    int64_t groupSize = map.getBatchOffset() ? map.getGroups() : ctx.qHeads;
    int64_t groups = analytic || data ? 1 : ctx.qHeads / groupSize;
    int64_t total = 0, visited = 0, full = 0, partial = 0, empty = 0;
    for (int64_t group = 0; group < groups; ++group) {
      Interval heads{group * groupSize, analytic ? group * groupSize + 1
                                                 : (group + 1) * groupSize};
      for (int64_t q0 = 0; q0 < ctx.qLen; q0 += *qTile) {
        Interval q{q0, std::min(q0 + *qTile, ctx.qLen)};
        int64_t tiles = (ctx.kvLen + kvTile - 1) / kvTile;
        total += tiles;
        Interval range{0, 0};
        if (data) {
          range = kvRangeHull(mask, q, ctx);
        } else {
          for (int64_t h = heads.lo; h < heads.hi; ++h)
            range = range.hull(mask.kvRange(0, h, q, ctx));
        }
        if (range.empty())
          continue;
        for (int64_t t = range.lo / kvTile; t * kvTile < range.hi; ++t) {
          ++visited;
          Interval k{t * kvTile, std::min((t + 1) * kvTile, ctx.kvLen)};
          bool allFull = !data, allEmpty = !data;
          for (int64_t h = heads.lo; !data && h < heads.hi; ++h) {
            TileClass c = classifyTile(mask, Box{0, h, q, k}, ctx);
            allFull = allFull && c == TileClass::Full;
            allEmpty = allEmpty && c == TileClass::Empty;
          }
          (allFull ? full : allEmpty ? empty : partial)++;
        }
      }
    }
    emitRemark(loop.getLoc())
        << "mask schedule: " << visited << " of " << total << " tiles visited ("
        << full << " full, " << partial << " partial, " << empty
        << " empty inside the range)"
        << (analytic ? ""
            : data   ? "; the mask reads run-time data: key ranges and full "
                       "tiles are found at run time, counted here as partial"
            : groups > 1
                ? "; counted over the " + std::to_string(groups) +
                      " KV heads, each with its own range"
                : "; the mask depends on the head: range and full tiles "
                  "over all heads");
  }
};

} // namespace
