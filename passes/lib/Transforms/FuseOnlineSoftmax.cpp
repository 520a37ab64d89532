//===- FuseOnlineSoftmax.cpp - 3-pass cascade to 1-pass over KV tiles -----===//
//
// Finds the 3-pass cascade QK -> S -> GM, SN -> SD, A -> AV that
// attn-decompose-attention produces and replaces it with one loop over KV
// tiles carrying the running max, denominator and numerator (one rescale per
// tile), followed by one normalisation AV = numerator / denominator. Users of
// GM and SD (the LSE) read the final running max and denominator. Cascades of
// another shape are left alone.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Cascade.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace attn {
#define GEN_PASS_DEF_ATTNFUSEONLINESOFTMAX
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

namespace {

/// The single einsum user of `v` with this compute, equation and reduce.
static EinsumOp findUser(Value v, EinsumCompute c, StringRef equation,
                         std::optional<EinsumReduce> reduce) {
  for (Operation *user : v.getUsers()) {
    auto e = dyn_cast<EinsumOp>(user);
    if (e && e.getCompute() == c && e.getEquation() == equation &&
        e.getReduce() == reduce)
      return e;
  }
  return {};
}

struct FuseOnlineSoftmaxPass
    : public attn::impl::AttnFuseOnlineSoftmaxBase<FuseOnlineSoftmaxPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<ScoreMapOp> maps;
    getOperation()->walk([&](ScoreMapOp op) {
      // Maps already inside a fused KV loop are done.
      for (auto loop = op->getParentOfType<scf::ForOp>(); loop;
           loop = loop->getParentOfType<scf::ForOp>())
        if (loop->hasAttr(kKVLoopAttr))
          return;
      maps.push_back(op);
    });
    for (ScoreMapOp map : maps)
      if (succeeded(fuse(map)))
        ++numFused;
  }

  LogicalResult fuse(ScoreMapOp map) {
    // QK = Q K^T feeding the map.
    auto qk = map.getScores().getDefiningOp<EinsumOp>();
    if (!qk || qk.getCompute() != EinsumCompute::mul ||
        qk.getReduce() != EinsumReduce::add || qk.getInputs().size() != 2)
      return failure();
    StringRef eq = qk.getEquation();
    CascadeAxes axes;
    if (eq == "bhgpe,bhme->bhgpm")
      axes = getCascadeAxes(Layout::bhsd);
    else if (eq == "bphge,bmhe->bhgpm")
      axes = getCascadeAxes(Layout::bshd);
    else
      return failure();
    Value s = map.getResult();
    EinsumOp gm =
        findUser(s, EinsumCompute::copy, "bhgpm->bhgp", EinsumReduce::max);
    EinsumOp sn =
        findUser(s, EinsumCompute::exp_sub, "bhgpm,bhgp->bhgpm", std::nullopt);
    if (!gm || !sn || sn.getInputs()[1] != gm.getResult() ||
        !llvm::all_of(s.getUsers(),
                      [&](Operation *u) { return u == gm || u == sn; }))
      return failure();
    EinsumOp sd =
        findUser(sn, EinsumCompute::copy, "bhgpm->bhgp", EinsumReduce::add);
    EinsumOp a = findUser(sn, EinsumCompute::safe_div, "bhgpm,bhgp->bhgpm",
                          std::nullopt);
    if (!sd || !a || a.getInputs()[1] != sd.getResult() ||
        !llvm::all_of(sn->getUsers(),
                      [&](Operation *u) { return u == sd || u == a; }))
      return failure();
    EinsumOp av = findUser(a, EinsumCompute::mul, "bhgpm," + axes.v + "->bhgpf",
                           EinsumReduce::add);
    if (!av || !a->hasOneUse() ||
        !av.getResult().getType().getElementType().isF32())
      return failure();
    // The map must read the whole key range from key 0.
    auto kvOffset = getConstantIntValue(map.getKvOffset());
    if (!kvOffset || *kvOffset != 0)
      return failure();
    // V, possibly converted to f32 first.
    Value value = av.getInputs()[1];
    EinsumOp vCast;
    if (auto cast = value.getDefiningOp<EinsumOp>();
        cast && cast.getCompute() == EinsumCompute::copy &&
        cast.getEquation() == axes.v + "->" + axes.v) {
      vCast = cast;
      value = cast.getInputs()[0];
    }

    int64_t tile = kvTile > 0 ? kvTile : getScheduledTile(map, "kv_tile");
    if (tile <= 0)
      tile = 64;

    // The loop goes after the map and V's definition; users of GM and SD
    // (the LSE) must come after it.
    Operation *anchor = map;
    if (Operation *def = value.getDefiningOp())
      if (def->getBlock() == map->getBlock() && anchor->isBeforeInBlock(def))
        anchor = def;
    for (Value v : {gm.getResult(), sd.getResult()})
      for (Operation *user : v.getUsers())
        if (user != sn && user != a &&
            (user->getBlock() != anchor->getBlock() ||
             !anchor->isBeforeInBlock(user)))
          return failure();
    if (av->getBlock() != anchor->getBlock() || !anchor->isBeforeInBlock(av))
      return failure();

    OpBuilder b(map);
    b.setInsertionPointAfter(anchor);
    Location loc = map.getLoc();
    OnlineSoftmax fused =
        buildOnlineSoftmax(b, loc, axes, qk.getInputs()[0], qk.getInputs()[1],
                           value, map, map.getQOffset(), tile);
    // AV = numerator / denominator, once.
    Value out = einsum(b, loc, EinsumCompute::safe_div, "bhgpf,bhgp->bhgpf",
                       {fused.numerator, fused.denominator}, b.getF32Type());
    if (out.getType() != av.getResult().getType())
      out = tensor::CastOp::create(b, loc, av.getResult().getType(), out);
    av.getResult().replaceAllUsesWith(out);
    auto castTo = [&](Value v, Type type) -> Value {
      return v.getType() == type ? v : tensor::CastOp::create(b, loc, type, v);
    };
    Value max = castTo(fused.max, gm.getResult().getType());
    Value den = castTo(fused.denominator, sd.getResult().getType());
    gm.getResult().replaceUsesWithIf(
        max, [&](OpOperand &use) { return use.getOwner() != sn; });
    sd.getResult().replaceUsesWithIf(
        den, [&](OpOperand &use) { return use.getOwner() != a; });
    for (Operation *op :
         {av.getOperation(), a.getOperation(), sd.getOperation(),
          sn.getOperation(), gm.getOperation()})
      op->erase();
    if (vCast && vCast->use_empty())
      vCast->erase();
    Operation *qkOp = qk;
    map->erase();
    if (qkOp->use_empty())
      qkOp->erase();
    return success();
  }
};

} // namespace
