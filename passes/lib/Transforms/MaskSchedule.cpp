//===- MaskSchedule.cpp - Visit only the KV tiles a mask leaves -----------===//
//
// For each KV loop of the online-softmax cascade whose mask is analytic (it
// depends on neither the head nor run-time data), computes at run time, from
// the Q tile's bounds and the actual lengths, the key range the mask leaves
// and runs the loop over it only; inside, tiles that the mask shows entirely
// take a copy of the score map without the predicate. Other masks keep the
// dense loop with the predicate on every tile. With `report`, a remark gives
// the visited, full and partial tiles for static lengths.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Mask/TileGrid.h"
#include "attn/Transforms/Cascade.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace attn {
#define GEN_PASS_DEF_ATTNMASKSCHEDULE
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;
using namespace attn::mask;

namespace {

/// Whether the mask's KV range and full tiles are the same for every head
/// and batch entry and need no run-time data.
static bool isAnalytic(MaskExprAttrInterface mask) {
  Requirements req;
  mask.addRequirements(req);
  return !mask.dependsOnHead() && !req.documents && !req.docOffsets &&
         !req.blockMask && !req.maskModRegion;
}

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
    if (report)
      reportTiles(loop, map, mask, *step);
    if (!isAnalytic(mask))
      return;

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
    args.qHeads = map.getScores().getType().getDimSize(1) * map.getGroups();
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    args.b = args.h = zero;
    auto [lo, hi] = mask.buildKVRange(b, loc, args);
    Value stepV = loop.getStep();
    Value lb = arith::MulIOp::create(
        b, loc, arith::DivSIOp::create(b, loc, lo, stepV), stepV);
    // An empty range leaves no iteration.
    Value ub = arith::MaxSIOp::create(b, loc, hi, lb);
    loop.getLowerBoundMutable().assign(lb);
    loop.getUpperBoundMutable().assign(ub);
    ++numRanged;

    // Tiles the mask shows entirely skip the predicate.
    b.setInsertionPoint(map);
    Value k0 = loop.getInductionVar();
    Value kHi = arith::MinSIOp::create(
        b, loc, arith::AddIOp::create(b, loc, k0, stepV), kvLen);
    args.kLo = k0;
    args.kHi = kHi;
    Value full = mask.buildTileIsFull(b, loc, args);
    auto branch = scf::IfOp::create(b, loc, map.getResult().getType(), full,
                                    /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(branch.thenBlock());
      ScoreMapOp unmasked = cloneScoreMap(b, map, map.getScores(),
                                          map.getQOffset(), map.getKvOffset());
      unmasked.removeMaskAttr();
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
    ctx.qHeads = map.getScores().getType().getDimSize(1) * map.getGroups();
    bool analytic = isAnalytic(mask);
    int64_t total = 0, visited = 0, full = 0, partial = 0, empty = 0;
    for (int64_t q0 = 0; q0 < ctx.qLen; q0 += *qTile) {
      Interval q{q0, std::min(q0 + *qTile, ctx.qLen)};
      int64_t tiles = (ctx.kvLen + kvTile - 1) / kvTile;
      total += tiles;
      Interval range =
          analytic ? mask.kvRange(0, 0, q, ctx) : Interval{0, ctx.kvLen};
      if (range.empty())
        continue;
      for (int64_t t = range.lo / kvTile; t * kvTile < range.hi; ++t) {
        ++visited;
        TileClass c =
            analytic
                ? classifyTile(
                      mask, Box{0, 0, q, {t * kvTile, (t + 1) * kvTile}}, ctx)
                : TileClass::Partial;
        (c == TileClass::Full    ? full
         : c == TileClass::Empty ? empty
                                 : partial)++;
      }
    }
    emitRemark(loop.getLoc())
        << "mask schedule: " << visited << " of " << total << " tiles visited ("
        << full << " full, " << partial << " partial, " << empty
        << " empty inside the range)"
        << (analytic ? "" : "; the mask is not analytic: dense loop");
  }
};

} // namespace
