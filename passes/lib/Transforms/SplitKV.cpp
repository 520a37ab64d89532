//===- SplitKV.cpp - Split each KV loop into independent parts ------------===//
//
// Rewrites a KV loop over [lb, ub) into `split` loops over consecutive,
// equal shares of its tiles. Each part starts from the empty running state
// (max -inf, denominator 0, numerator 0) and reads nothing the others write,
// so the parts can run at once (a grid dimension on a GPU); a combine step
// then merges their running values with the usual rescale:
//   m = max(m_a, m_b), d = d_a e^(m_a - m) + d_b e^(m_b - m), likewise n.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Cascade.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace attn {
#define GEN_PASS_DEF_ATTNSPLITKV
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

namespace {

struct SplitKVPass : public attn::impl::AttnSplitKVBase<SplitKVPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) {
      if (!loop->hasAttr(kKVLoopAttr))
        return;
      auto parent = loop->getParentOfType<scf::ForOp>();
      if (!parent || !parent->hasAttr(kKVSplitAttr))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      if (succeeded(split(loop)))
        ++numSplit;
  }

  LogicalResult split(scf::ForOp loop) {
    ScoreMapOp map;
    for (auto m : loop.getBody()->getOps<ScoreMapOp>())
      map = m;
    // Maps split by the mask schedule sit in an scf.if.
    if (!map)
      loop.getBody()->walk([&](ScoreMapOp m) { map = m; });
    int64_t parts = splitKV > 0 ? splitKV
                    : map       ? getScheduledTile(map, "split_kv")
                                : 0;
    if (parts <= 1 || loop.getNumResults() != 3)
      return failure();

    OpBuilder b(loop);
    Location loc = loop.getLoc();
    Type f32 = b.getF32Type();
    Value lb = loop.getLowerBound(), ub = loop.getUpperBound();
    Value step = loop.getStep();
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
    Value count = arith::ConstantIndexOp::create(b, loc, parts);
    // Keys per part: ceil(tiles / parts) tiles, tiles = ceil((ub - lb) / step).
    Value span = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, ub, lb), c0);
    Value tiles = arith::CeilDivSIOp::create(b, loc, span, step);
    Value share = arith::MulIOp::create(
        b, loc, arith::CeilDivSIOp::create(b, loc, tiles, count), step);

    auto outer = scf::ForOp::create(
        b, loc, c0, count, c1, loop.getInitArgs(),
        [&](OpBuilder &b, Location loc, Value s, ValueRange acc) {
          Value lo = arith::MinSIOp::create(
              b, loc,
              arith::AddIOp::create(b, loc, lb,
                                    arith::MulIOp::create(b, loc, s, share)),
              ub);
          Value hi = arith::MinSIOp::create(
              b, loc, arith::AddIOp::create(b, loc, lo, share), ub);
          // The part: the loop over [lo, hi) from the empty state.
          IRMapping mapping;
          auto part = cast<scf::ForOp>(b.clone(*loop, mapping));
          part.getLowerBoundMutable().assign(lo);
          part.getUpperBoundMutable().assign(hi);
          Value m = einsum(b, loc, EinsumCompute::max, "bhgp,bhgp->bhgp",
                           {acc[0], part.getResult(0)}, f32);
          Value ca = einsum(b, loc, EinsumCompute::exp_sub, "bhgp,bhgp->bhgp",
                            {acc[0], m}, f32);
          Value cb = einsum(b, loc, EinsumCompute::exp_sub, "bhgp,bhgp->bhgp",
                            {part.getResult(0), m}, f32);
          auto merge = [&](Value a, Value p, StringRef axes) {
            std::string eq = (axes + ",bhgp->" + axes).str();
            Value sa = einsum(b, loc, EinsumCompute::mul, eq, {a, ca}, f32);
            Value sb = einsum(b, loc, EinsumCompute::mul, eq, {p, cb}, f32);
            std::string sum = (axes + "," + axes + "->" + axes).str();
            return einsum(b, loc, EinsumCompute::add, sum, {sa, sb}, f32);
          };
          SmallVector<Value> next = {m,
                                     merge(acc[1], part.getResult(1), "bhgp"),
                                     merge(acc[2], part.getResult(2), "bhgpf")};
          for (auto [v, old] : llvm::zip(next, acc))
            if (v.getType() != old.getType())
              v = tensor::CastOp::create(b, loc, old.getType(), v);
          scf::YieldOp::create(b, loc, next);
        });
    outer->setAttr(kKVSplitAttr, b.getI64IntegerAttr(parts));
    loop.replaceAllUsesWith(outer.getResults());
    loop.erase();
    return success();
  }
};

} // namespace
