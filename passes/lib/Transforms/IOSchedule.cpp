//===- IOSchedule.cpp - Choose tile sizes from a memory-traffic model -----===//
//
// For each attn.attention with known (or assumed) lengths, evaluates Q/KV
// tile sizes with a cost model: the bytes moved between slow memory and a
// fast memory of `cache-bytes` (Q and O once, K and V once per visited KV
// tile of each Q tile, visited tiles counted with the mask's KV ranges),
// the FLOPs of the visited tiles, a roofline time plus a fixed cost per
// visited tile. It keeps the fastest
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
  int64_t qTile = 0, kvTile = 0;
  int64_t visitedTiles = 0; ///< per query head
  double bytes = 0, flops = 0, seconds = 0, workingSet = 0;
};

struct IOSchedulePass : public attn::impl::AttnIOScheduleBase<IOSchedulePass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](AttentionOp op) { schedule(op); });
  }

  /// Tiles the KV loops of one head visit: the KV range of each Q tile.
  static int64_t visitedTiles(MaskExprAttrInterface mask, const Context &ctx,
                              int64_t tq, int64_t tk) {
    int64_t visited = 0;
    for (int64_t q0 = 0; q0 < ctx.qLen; q0 += tq) {
      Interval range =
          mask.kvRange(0, 0, {q0, std::min(q0 + tq, ctx.qLen)}, ctx);
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
    // Head- or data-dependent masks are scheduled as dense (conservative).
    bool analytic = isAnalytic(mask);

    std::optional<Prediction> best;
    if (ctx.qLen > 0 && ctx.kvLen > 0) {
      for (int64_t tq : {16, 32, 64, 128, 256}) {
        for (int64_t tk : {16, 32, 64, 128, 256}) {
          Prediction p;
          p.qTile = tq;
          p.kvTile = tk;
          // Per KV head: G query heads' Q tiles, one K and V tile, f32
          // scores, running numerator, max and denominator.
          p.workingSet = elem * (groups * tq * dqk + tk * (dqk + dv)) +
                         4.0 * groups * (tq * tk + tq * dv + 2 * tq);
          if (p.workingSet > cacheBytes)
            continue;
          int64_t qTiles = (ctx.qLen + tq - 1) / tq;
          p.visitedTiles = analytic ? visitedTiles(mask, ctx, tq, tk)
                                    : qTiles * ((ctx.kvLen + tk - 1) / tk);
          double heads = static_cast<double>(ctx.batch) * ctx.kvHeads;
          p.bytes = heads * elem *
                    (groups * ctx.qLen * (dqk + dv) +
                     static_cast<double>(p.visitedTiles) * tk * (dqk + dv));
          p.flops =
              heads * groups * 2.0 * p.visitedTiles * tq * tk * (dqk + dv);
          // Roofline, plus a fixed cost per visited tile of each KV head
          // (loop step, rescale of the running values).
          p.seconds = std::max(p.bytes / (bandwidthGBs * 1e9),
                               p.flops / (peakGFlops * 1e9)) +
                      heads * p.visitedTiles * tileOverheadNs * 1e-9;
          if (!best || p.seconds < best->seconds * 0.999)
            best = p;
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
             b.getNamedAttr("split_kv", b.getI64IntegerAttr(1))}));
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
       << " split_kv=1; " << best->visitedTiles
       << " KV tiles visited per head; "
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
