//===- TileReport.cpp - Print what a mask costs, tile by tile -------------===//
//
// The attn-tile-report pass: for each attn.attention, the tile grid of one
// head (counts, visible fraction, picture), optionally one summary line per
// head, and a PNG of the first grid.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Mask/TileGrid.h"
#include "attn/Transforms/Passes.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace attn {
#define GEN_PASS_DEF_ATTNTILEREPORT
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;
using namespace attn::mask;

namespace {

struct TileReportPass : public attn::impl::AttnTileReportBase<TileReportPass> {
  using Base::Base;

  void runOnOperation() override {
    if (qTile < 1 || kvTile < 1) {
      getOperation()->emitError()
          << "attn-tile-report: tile sizes must be >= 1";
      return signalPassFailure();
    }
    bool wrotePng = false;
    WalkResult result = getOperation()->walk([&](AttentionOp op) {
      if (failed(report(op, wrotePng)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult report(AttentionOp op, bool &wrotePng) {
    ShapeInfo shape = op.getShapeInfo();
    Context ctx = contextFor(shape, seqQ, seqKV);
    if (ctx.qLen < 1 || ctx.kvLen < 1) {
      if (shape.qLen == 0 || shape.kvLen == 0)
        return op.emitError() << "attn-tile-report: sequence lengths must be "
                                 ">= 1";
      return op.emitError() << "attn-tile-report needs static sequence "
                               "lengths; give seq-q and seq-kv for dynamic "
                               "ones";
    }
    if (ctx.qLen > (int64_t(1) << 24) || ctx.kvLen > (int64_t(1) << 24) ||
        (ctx.qLen / qTile + 1) * (ctx.kvLen / kvTile + 1) > (int64_t(1) << 24))
      return op.emitError() << "attn-tile-report: grid too large";
    int64_t h = head;
    if (h < 0 || h >= ctx.qHeads)
      return op.emitError()
             << "attn-tile-report: head " << h << " is out of range for "
             << ctx.qHeads << " query heads";

    MaskExprAttrInterface mask = op.getMaskExpr();
    TileGrid grid = computeTileGrid(mask, ctx, /*b=*/0, h, qTile, kvTile);
    numEmpty += grid.empty;
    numFull += grid.full;
    numPartial += grid.partial;

    llvm::raw_ostream &os = llvm::outs();
    os << "attn tile report: attn.attention at ";
    if (auto fileLoc = dyn_cast<FileLineColLoc>(op.getLoc()))
      os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine() << ":"
         << fileLoc.getColumn();
    else
      os << op.getLoc();
    os << "\n";
    os << "  mask: ";
    mask.printExpr(os);
    os << "\n";
    os << "  extents: B="
       << (shape.batch == kDynamic ? std::string("?")
                                   : std::to_string(ctx.batch))
       << " Hq=" << ctx.qHeads << " Hkv=" << ctx.kvHeads << " Sq=" << ctx.qLen
       << " Sk=" << ctx.kvLen << "; tiles " << qTile << "x" << kvTile
       << ", grid " << grid.rows << "x" << grid.cols << "\n";
    if (!canEvaluate(mask, ctx))
      os << "  note: the mask reads run-time data; tiles are classified "
            "conservatively\n";
    os << "  head " << h << ": " << grid.nonEmpty() << " non-empty of "
       << grid.rows * grid.cols << " tiles (" << grid.full << " full, "
       << grid.partial << " partial), " << grid.empty << " empty\n";
    os << "  visible pairs: " << (grid.pairsExact ? "" : "at most ")
       << grid.visiblePairs << " of " << grid.totalPairs << " ("
       << llvm::format("%.2f", 100.0 * grid.visiblePairs /
                                   std::max<int64_t>(1, grid.totalPairs))
       << "%)\n";
    if (allHeads && mask.dependsOnHead()) {
      for (int64_t other = 0; other < ctx.qHeads; ++other) {
        TileGrid g = computeTileGrid(mask, ctx, 0, other, qTile, kvTile,
                                     /*countPairs=*/false);
        os << "  head " << other << ": " << g.nonEmpty() << " non-empty ("
           << g.full << " full, " << g.partial << " partial), " << g.empty
           << " empty\n";
      }
    }
    if (maxWidth > 0) {
      os << "  grid (# full, + partial, . empty; rows are Q tiles):\n";
      std::string picture = renderTileGrid(grid, maxWidth);
      llvm::StringRef rest(picture);
      while (!rest.empty()) {
        auto [line, tail] = rest.split('\n');
        os << "    " << line << "\n";
        rest = tail;
      }
    }
    if (!pngPath.empty() && !wrotePng) {
      wrotePng = true;
      unsigned pixels = std::max<int64_t>(
          1, std::min<int64_t>(16, 1024 / std::max(grid.rows, grid.cols)));
      std::string error;
      if (failed(writeTileGridPng(grid, pngPath, pixels, error)))
        return op.emitError() << "attn-tile-report: " << error;
      os << "  picture written to " << pngPath << "\n";
    }
    os.flush();
    return success();
  }
};

} // namespace
