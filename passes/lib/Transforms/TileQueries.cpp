//===- TileQueries.cpp - Tile the online-softmax cascade over queries -----===//
//
// Wraps each KV loop of the 1-pass cascade in a loop over Q tiles: each Q
// tile runs its own online softmax over the KV tiles and writes its rows of
// the running max, denominator and numerator. Rows are independent, so the
// normalisation and the LSE after the loop are unchanged.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Cascade.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace attn {
#define GEN_PASS_DEF_ATTNTILEQUERIES
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

namespace {

/// The parts of a KV loop built by buildOnlineSoftmax.
struct KVLoopParts {
  ScoreMapOp map;
  Value q5, key, value;
  CascadeAxes axes;
  int64_t kvTile = 0;
};

static FailureOr<KVLoopParts> matchKVLoop(scf::ForOp loop) {
  KVLoopParts parts;
  loop.getBody()->walk([&](ScoreMapOp m) { parts.map = m; });
  if (!parts.map)
    return failure();
  auto qk = parts.map.getScores().getDefiningOp<EinsumOp>();
  if (!qk || qk.getInputs().size() != 2)
    return failure();
  StringRef eq = qk.getEquation();
  parts.axes =
      getCascadeAxes(eq.starts_with("bphge") ? Layout::bshd : Layout::bhsd);
  parts.q5 = qk.getInputs()[0];
  auto kSlice = qk.getInputs()[1].getDefiningOp<tensor::ExtractSliceOp>();
  if (!kSlice)
    return failure();
  parts.key = kSlice.getSource();
  // V's slice feeds the P V einsum, possibly through an f32 copy.
  loop.getBody()->walk([&](tensor::ExtractSliceOp slice) {
    if (slice != kSlice)
      parts.value = slice.getSource();
  });
  auto step = getConstantIntValue(loop.getStep());
  if (!parts.value || !step || parts.q5.getParentBlock() == loop.getBody())
    return failure();
  parts.kvTile = *step;
  return parts;
}

struct TileQueriesPass
    : public attn::impl::AttnTileQueriesBase<TileQueriesPass> {
  using Base::Base;

  void runOnOperation() override {
    if (!order.empty() && !parseHeadOrder(order)) {
      emitError(getOperation()->getLoc())
          << "attn-tile-queries: order must be heads_inner or heads_outer, "
             "found '"
          << order << "'";
      return signalPassFailure();
    }
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) {
      if (!loop->hasAttr(kKVLoopAttr))
        return;
      for (auto parent = loop->getParentOfType<scf::ForOp>(); parent;
           parent = parent->getParentOfType<scf::ForOp>())
        if (parent->hasAttr(kQLoopAttr))
          return;
      loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      if (succeeded(tile(loop)))
        ++numTiled;
  }

  LogicalResult tile(scf::ForOp kvLoop) {
    FailureOr<KVLoopParts> parts = matchKVLoop(kvLoop);
    if (failed(parts))
      return failure();
    int64_t tq = qTile > 0 ? qTile : getScheduledTile(parts->map, "q_tile");
    if (tq <= 0)
      tq = 64;
    HeadOrder headOrder = HeadOrder::Inner;
    if (!order.empty())
      headOrder = *parseHeadOrder(order);
    else if (auto scheduled = getScheduledOrder(parts->map))
      headOrder = *scheduled;

    OpBuilder b(kvLoop);
    Location loc = kvLoop.getLoc();
    SmallVector<Value> inits =
        emptyLike(b, loc, kvLoop.getInitArgs(), kvLoop.getResultTypes());
    scf::ForOp outer;
    if (headOrder == HeadOrder::Inner) {
      outer = buildQueryLoop(b, loc, *parts, parts->q5, parts->key,
                             parts->value, inits, tq, TileOrigin{});
    } else {
      outer = buildHeadLoops(b, loc, *parts, inits, tq);
      ++numHeadsOuter;
    }
    kvLoop.replaceAllUsesWith(outer.getResults());
    kvLoop.erase();
    return success();
  }

  /// Empty f32 tensors of the running values' sizes, cast to `types`.
  static SmallVector<Value> emptyLike(OpBuilder &b, Location loc,
                                      ValueRange values, TypeRange types) {
    SmallVector<Value> result;
    for (auto [v, type] : llvm::zip(values, types)) {
      Value init = tensor::EmptyOp::create(b, loc, getMixedSizes(b, loc, v),
                                           b.getF32Type());
      if (init.getType() != type)
        init = tensor::CastOp::create(b, loc, type, init);
      result.push_back(init);
    }
    return result;
  }

  /// Writes `tile` into `full` at `offsets` (the rest 0).
  static Value insertAt(OpBuilder &b, Location loc, Value tile, Value full,
                        ArrayRef<std::pair<unsigned, OpFoldResult>> offsets) {
    auto type = cast<RankedTensorType>(full.getType());
    SmallVector<OpFoldResult> offs(type.getRank(), b.getIndexAttr(0));
    for (auto [axis, offset] : offsets)
      offs[axis] = offset;
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    return tensor::InsertSliceOp::create(b, loc, tile, full, offs,
                                         getMixedSizes(b, loc, tile), strides);
  }

  /// `t` restricted, along each given axis, to `size` entries from
  /// `offset`.
  struct AxisSlice {
    unsigned axis;
    OpFoldResult offset, size;
  };
  static Value sliceAxes(OpBuilder &b, Location loc, Value t,
                         ArrayRef<AxisSlice> slices) {
    auto type = cast<RankedTensorType>(t.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = getMixedSizes(b, loc, t);
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    for (const AxisSlice &slice : slices) {
      offsets[slice.axis] = slice.offset;
      sizes[slice.axis] = slice.size;
    }
    return tensor::ExtractSliceOp::create(b, loc, t, offsets, sizes, strides);
  }

  /// The loop over Q tiles of `q5`, each running its own KV loop and writing
  /// its rows of the running values (initially `inits`).
  static scf::ForOp buildQueryLoop(OpBuilder &b, Location loc,
                                   const KVLoopParts &parts, Value q5,
                                   Value key, Value value, ValueRange inits,
                                   int64_t tq, TileOrigin origin) {
    unsigned pAxis = parts.axes.q5Seq;
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value step = arith::ConstantIndexOp::create(b, loc, tq);
    Value qLen = tensor::DimOp::create(b, loc, q5, pAxis);
    auto qLoop = scf::ForOp::create(
        b, loc, c0, qLen, step, inits,
        [&](OpBuilder &b, Location loc, Value q0, ValueRange state) {
          Value rest = arith::SubIOp::create(b, loc, qLen, q0);
          Value len = arith::MinSIOp::create(b, loc, rest, step);
          Value qTile = sliceAxes(b, loc, q5, {{pAxis, q0, len}});
          Value qOffset = arith::AddIOp::create(
              b, loc, ScoreMapOp(parts.map).getQOffset(), q0);
          OnlineSoftmax os =
              buildOnlineSoftmax(b, loc, parts.axes, qTile, key, value,
                                 parts.map, qOffset, parts.kvTile, origin);
          // Write rows [q0, q0 + len) of each running value (p is axis 3).
          SmallVector<Value> updated;
          SmallVector<Value, 3> tileValues = {os.max, os.denominator,
                                              os.numerator};
          for (auto [tileValue, full] : llvm::zip(tileValues, state))
            updated.push_back(insertAt(b, loc, tileValue, full, {{3, q0}}));
          scf::YieldOp::create(b, loc, updated);
        });
    qLoop->setAttr(kQLoopAttr, b.getUnitAttr());
    return qLoop;
  }

  /// Loops over batch entries and KV heads around one query loop each.
  static scf::ForOp buildHeadLoops(OpBuilder &b, Location loc,
                                   const KVLoopParts &parts, ValueRange inits,
                                   int64_t tq) {
    const CascadeAxes &axes = parts.axes;
    // The head axis of Q5 and of K/V: after b in bhsd, after the sequence
    // in bshd. Batch is axis 0 everywhere; the running values are bhgp[f].
    bool bshd = axes.q5 == "bphge";
    unsigned qHeadAxis = bshd ? 2 : 1, kvHeadAxis = bshd ? 2 : 1;
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
    Value batches = tensor::DimOp::create(b, loc, parts.q5, 0);
    Value heads = tensor::DimOp::create(b, loc, parts.q5, qHeadAxis);
    OpFoldResult one = b.getIndexAttr(1);
    auto batchLoop = scf::ForOp::create(
        b, loc, c0, batches, c1, inits,
        [&](OpBuilder &b, Location loc, Value bIdx, ValueRange bState) {
          auto headLoop = scf::ForOp::create(
              b, loc, c0, heads, c1, bState,
              [&](OpBuilder &b, Location loc, Value hIdx, ValueRange state) {
                auto pick = [&](Value t, unsigned headAxis) {
                  return sliceAxes(b, loc, t,
                                   {{0, bIdx, one}, {headAxis, hIdx, one}});
                };
                Value q5 = pick(parts.q5, qHeadAxis);
                Value key = pick(parts.key, kvHeadAxis);
                Value value = pick(parts.value, kvHeadAxis);
                SmallVector<Value> tileInits;
                for (Value full : state)
                  tileInits.push_back(pick(full, 1));
                scf::ForOp qLoop =
                    buildQueryLoop(b, loc, parts, q5, key, value, tileInits, tq,
                                   TileOrigin{bIdx, hIdx});
                SmallVector<Value> updated;
                for (auto [tile, full] : llvm::zip(qLoop.getResults(), state))
                  updated.push_back(
                      insertAt(b, loc, tile, full, {{0, bIdx}, {1, hIdx}}));
                scf::YieldOp::create(b, loc, updated);
              });
          headLoop->setAttr(kHeadLoopAttr, b.getUnitAttr());
          scf::YieldOp::create(b, loc, headLoop.getResults());
        });
    batchLoop->setAttr(kBatchLoopAttr, b.getUnitAttr());
    return batchLoop;
  }
};

} // namespace
