//===- IOSchedule.cpp - Choose tile sizes from a memory-traffic model -----===//
//
// For each attn.attention with known (or assumed) lengths, evaluates Q/KV
// tile sizes, the head order (heads inside or outside the query loop) and
// the number of KV parts with a cost model: the bytes moved between slow
// memory and a fast memory of `cache-bytes` (Q and O once, K and V once per
// visited KV tile of each Q tile, visited tiles counted with the mask's KV
// ranges, and each KV part's running values), the FLOPs of the visited
// tiles, and a roofline time over `parallel-units` processors (idle ones in
// the last wave count) plus a fixed cost per tile step. It keeps the fastest
// schedule whose working set fits, records it as attn.schedule for the
// cascade passes, and prints its prediction on request, beside the
// Theta(N^2 d^2 / M) lower bound on traffic of exact attention.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Mask/TileGrid.h"
#include "attn/Transforms/Cascade.h"
#include "attn/Transforms/Passes.h"

#include "llvm/Support/Format.h"

namespace attn {
#define GEN_PASS_DEF_ATTNIOSCHEDULE
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;
using namespace attn::mask;

namespace {

struct Prediction {
  int64_t qTile = 0, kvTile = 0, split = 1;
  HeadOrder order = HeadOrder::Inner;
  /// KV tile steps of all programs, and of one head on average.
  int64_t steps = 0, visitedPerHead = 0;
  /// Programs that can run at once: (batch, KV head,) Q tile, KV part.
  int64_t programs = 0;
  double bytes = 0, flops = 0, seconds = 0, workingSet = 0, utilization = 1;
};

struct IOSchedulePass : public attn::impl::AttnIOScheduleBase<IOSchedulePass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](AttentionOp op) { schedule(op); });
  }

  /// KV tiles the loops of one step visit, summed over Q tiles, when a step
  /// covers the query heads [hLo, hHi): the hull of their key ranges.
  static int64_t visitedTiles(MaskExprAttrInterface mask, const Context &ctx,
                              int64_t tq, int64_t tk, int64_t hLo,
                              int64_t hHi) {
    int64_t visited = 0;
    for (int64_t q0 = 0; q0 < ctx.qLen; q0 += tq) {
      Interval q{q0, std::min(q0 + tq, ctx.qLen)};
      Interval range{0, 0};
      for (int64_t h = hLo; h < hHi; ++h)
        range = range.hull(mask.kvRange(0, h, q, ctx));
      if (!range.empty())
        visited += (range.hi + tk - 1) / tk - range.lo / tk;
    }
    return visited;
  }

  void schedule(AttentionOp op) {
    ShapeInfo shape = op.getShapeInfo();
    Context ctx = contextFor(shape, seqQ, seqKV);
    auto qType = op.getQuery().getType();
    int64_t dqk = qType.getDimSize(3);
    int64_t dv = op.getValue().getType().getDimSize(3);
    double elem = qType.getElementTypeBitWidth() / 8.0;
    int64_t groups = ctx.qHeads / ctx.kvHeads;
    MaskExprAttrInterface mask = op.getMaskExpr();
    // Masks that read run-time data are costed as dense; head-dependent
    // ones per head group.
    Requirements req;
    mask.addRequirements(req);
    bool dense = req.documents || req.docOffsets || req.blockMask;
    bool analytic = isAnalytic(mask);
    double kvHeadsAll = static_cast<double>(ctx.batch) * ctx.kvHeads;
    int64_t units = std::max<int64_t>(1, parallelUnits);

    std::optional<Prediction> best;
    auto consider = [&](Prediction p) {
      if (!best || p.seconds < best->seconds * 0.999)
        best = p;
    };
    if (ctx.qLen > 0 && ctx.kvLen > 0) {
      for (int64_t tq : {16, 32, 64, 128, 256}) {
        for (int64_t tk : {16, 32, 64, 128, 256}) {
          int64_t qTiles = (ctx.qLen + tq - 1) / tq;
          int64_t kvTiles = (ctx.kvLen + tk - 1) / tk;
          // Tiles visited per step of each order (all heads at once, or one
          // KV head's group), summed over the Q tiles.
          int64_t innerVisited =
              dense      ? qTiles * kvTiles
              : analytic ? visitedTiles(mask, ctx, tq, tk, 0, 1)
                         : visitedTiles(mask, ctx, tq, tk, 0, ctx.qHeads);
          int64_t outerVisited = 0; // summed over KV heads, one batch entry
          for (int64_t h = 0; h < ctx.kvHeads; ++h)
            outerVisited += dense ? qTiles * kvTiles
                            : analytic
                                ? innerVisited
                                : visitedTiles(mask, ctx, tq, tk, h * groups,
                                               (h + 1) * groups);
          // One KV head's working set: G query heads' Q tiles, one K and V
          // tile, f32 scores, running numerator, max and denominator.
          double perHead = elem * (groups * tq * dqk + tk * (dqk + dv)) +
                           4.0 * groups * (tq * tk + tq * dv + 2 * tq);
          for (HeadOrder order : {HeadOrder::Inner, HeadOrder::Outer}) {
            bool inner = order == HeadOrder::Inner;
            Prediction p;
            p.qTile = tq;
            p.kvTile = tk;
            p.order = order;
            p.workingSet = inner ? perHead * kvHeadsAll : perHead;
            if (p.workingSet > cacheBytes)
              continue;
            // KV tiles read, counted per KV head (a step covering all heads
            // reads each head's tile).
            double kvReads = inner ? kvHeadsAll * innerVisited
                                   : ctx.batch * double(outerVisited);
            p.steps = inner ? innerVisited : ctx.batch * outerVisited;
            p.visitedPerHead = static_cast<int64_t>(kvReads / kvHeadsAll);
            int64_t programs0 =
                inner ? qTiles : ctx.batch * ctx.kvHeads * qTiles;
            for (int64_t split : {1, 2, 4, 8, 16, 32, 64}) {
              if (split > 1 && split > kvTiles)
                break;
              p.split = split;
              p.programs = programs0 * split;
              // Q and O once; K and V once per visited tile; each extra
              // part writes and reads back its running values (f32).
              p.bytes = kvHeadsAll * elem * groups * ctx.qLen * (dqk + dv) +
                        kvReads * elem * tk * (dqk + dv) +
                        (split > 1 ? 2.0 * 4 * split * kvHeadsAll * groups *
                                         ctx.qLen * (dv + 2)
                                   : 0.0);
              // Tiles hold the queries left (the last one is short).
              double rows = double(ctx.qLen) / qTiles;
              p.flops = kvReads * groups * 2.0 * rows * tk * (dqk + dv);
              // Programs run `units` at a time; the last wave may leave
              // units idle. Each step also costs a fixed overhead.
              int64_t waves = (p.programs + units - 1) / units;
              p.utilization = double(p.programs) / double(waves * units);
              double roofline = std::max(p.bytes / (bandwidthGBs * 1e9),
                                         p.flops / (peakGFlops * 1e9));
              double overhead = (p.steps + (split > 1 ? p.programs : 0)) *
                                tileOverheadNs * 1e-9 /
                                std::min(p.programs, units);
              p.seconds = roofline / p.utilization + overhead;
              consider(p);
            }
          }
        }
      }
    }
    if (!best) {
      if (print)
        emitRemark(op.getLoc())
            << "io-schedule: no tile pair fits "
            << static_cast<int64_t>(cacheBytes)
            << " bytes or the lengths are unknown; keeping the "
               "defaults";
      return;
    }
    Builder b(op.getContext());
    op->setAttr(
        kScheduleAttr,
        b.getDictionaryAttr(
            {b.getNamedAttr("q_tile", b.getI64IntegerAttr(best->qTile)),
             b.getNamedAttr("kv_tile", b.getI64IntegerAttr(best->kvTile)),
             b.getNamedAttr("split_kv", b.getI64IntegerAttr(best->split)),
             b.getNamedAttr(
                 "order", b.getStringAttr(stringifyHeadOrder(best->order)))}));
    ++numScheduled;
    if (!print)
      return;
    // Exact attention moves Omega(Sq Sk d^2 / M) bytes per head.
    double d = std::max(dqk, dv);
    double lowerBound = static_cast<double>(ctx.batch) * ctx.qHeads * ctx.qLen *
                        ctx.kvLen * d * d * elem / cacheBytes;
    bool memoryBound =
        best->bytes / (bandwidthGBs * 1e9) >= best->flops / (peakGFlops * 1e9);
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "io-schedule: q_tile=" << best->qTile << " kv_tile=" << best->kvTile
       << " split_kv=" << best->split
       << " order=" << stringifyHeadOrder(best->order) << "; "
       << best->visitedPerHead << " KV tiles visited per head, "
       << best->programs << " programs on " << units << " units ("
       << llvm::format("%.0f", best->utilization * 100) << "% busy); "
       << llvm::format("%.3f", best->bytes / 1e6) << " MB moved (lower bound "
       << llvm::format("%.3f", lowerBound / 1e6) << " MB), "
       << llvm::format("%.3f", best->flops / 1e9) << " GFLOP, predicted "
       << llvm::format("%.1f", best->seconds * 1e6) << " us ("
       << (memoryBound ? "memory" : "compute") << "-bound); working set "
       << static_cast<int64_t>(best->workingSet) << " of "
       << static_cast<int64_t>(cacheBytes) << " bytes";
    emitRemark(op.getLoc()) << text;
  }
};

} // namespace
