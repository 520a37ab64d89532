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

    OpBuilder b(kvLoop);
    Location loc = kvLoop.getLoc();
    Type f32 = b.getF32Type();
    unsigned pAxis = parts->axes.q5Seq;
    Value q5 = parts->q5;
    // Outputs written row block by row block.
    SmallVector<OpFoldResult> rowSizes, outSizes;
    for (Value v : kvLoop.getInitArgs()) {
      SmallVector<OpFoldResult> sizes = getMixedSizes(b, loc, v);
      (cast<RankedTensorType>(v.getType()).getRank() == 4 ? rowSizes
                                                          : outSizes) = sizes;
    }
    SmallVector<Value> inits = {tensor::EmptyOp::create(b, loc, rowSizes, f32),
                                tensor::EmptyOp::create(b, loc, rowSizes, f32),
                                tensor::EmptyOp::create(b, loc, outSizes, f32)};
    for (auto [init, result] : llvm::zip(inits, kvLoop.getResults()))
      if (init.getType() != result.getType())
        init = tensor::CastOp::create(b, loc, result.getType(), init);

    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value step = arith::ConstantIndexOp::create(b, loc, tq);
    Value qLen = tensor::DimOp::create(b, loc, q5, pAxis);
    auto qLoop = scf::ForOp::create(
        b, loc, c0, qLen, step, inits,
        [&](OpBuilder &b, Location loc, Value q0, ValueRange state) {
          Value rest = arith::SubIOp::create(b, loc, qLen, q0);
          Value len = arith::MinSIOp::create(b, loc, rest, step);
          auto q5Type = cast<RankedTensorType>(q5.getType());
          SmallVector<OpFoldResult> offsets(q5Type.getRank(),
                                            b.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes = getMixedSizes(b, loc, q5);
          SmallVector<OpFoldResult> strides(q5Type.getRank(),
                                            b.getIndexAttr(1));
          offsets[pAxis] = q0;
          sizes[pAxis] = len;
          Value qTile = tensor::ExtractSliceOp::create(b, loc, q5, offsets,
                                                       sizes, strides);
          Value qOffset =
              arith::AddIOp::create(b, loc, parts->map.getQOffset(), q0);
          OnlineSoftmax os = buildOnlineSoftmax(
              b, loc, parts->axes, qTile, parts->key, parts->value, parts->map,
              qOffset, parts->kvTile);
          // Write rows [q0, q0 + len) of each running value (p is axis 3).
          SmallVector<Value> updated;
          SmallVector<Value, 3> tileValues = {os.max, os.denominator,
                                              os.numerator};
          for (auto [tileValue, full] : llvm::zip(tileValues, state)) {
            auto type = cast<RankedTensorType>(full.getType());
            SmallVector<OpFoldResult> offs(type.getRank(), b.getIndexAttr(0));
            SmallVector<OpFoldResult> szs = getMixedSizes(b, loc, tileValue);
            SmallVector<OpFoldResult> strs(type.getRank(), b.getIndexAttr(1));
            offs[3] = q0;
            updated.push_back(tensor::InsertSliceOp::create(
                b, loc, tileValue, full, offs, szs, strs));
          }
          scf::YieldOp::create(b, loc, updated);
        });
    qLoop->setAttr(kQLoopAttr, b.getUnitAttr());
    kvLoop.replaceAllUsesWith(qLoop.getResults());
    kvLoop.erase();
    return success();
  }
};

} // namespace
