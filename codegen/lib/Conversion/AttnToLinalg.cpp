//===- AttnToLinalg.cpp - attn.einsum and attn.score_map to linalg --------===//
//
// Extended Einsums become linalg.generic ops over their equation's axes; a
// score map becomes a linalg.generic over the score tile that inlines the
// mask's visible() and the score modifiers through the mask and score
// interfaces' IR builders.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Conversion/ScorePoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace attn {
#define GEN_PASS_DEF_ATTNLOWERTOLINALG
#include "attn/Conversion/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

/// The map of an einsum on f32 scalars.
static Value buildCompute(OpBuilder &b, Location loc, EinsumCompute c,
                          ValueRange x) {
  Type f32 = b.getF32Type();
  auto constant = [&](double v) {
    return arith::ConstantOp::create(b, loc, f32, b.getFloatAttr(f32, v));
  };
  switch (c) {
  case EinsumCompute::copy:
    return x[0];
  case EinsumCompute::neg:
    return arith::NegFOp::create(b, loc, x[0]);
  case EinsumCompute::exp:
    return math::ExpOp::create(b, loc, x[0]);
  case EinsumCompute::log:
    return math::LogOp::create(b, loc, x[0]);
  case EinsumCompute::mul:
    return arith::MulFOp::create(b, loc, x[0], x[1]);
  case EinsumCompute::add:
    return arith::AddFOp::create(b, loc, x[0], x[1]);
  case EinsumCompute::sub:
    return arith::SubFOp::create(b, loc, x[0], x[1]);
  case EinsumCompute::div:
    return arith::DivFOp::create(b, loc, x[0], x[1]);
  case EinsumCompute::max:
    return arith::MaximumFOp::create(b, loc, x[0], x[1]);
  case EinsumCompute::exp_sub: {
    // exp(a - b), and 0 when b = -inf (a row whose keys are all hidden).
    Value diff = arith::SubFOp::create(b, loc, x[0], x[1]);
    Value e = math::ExpOp::create(b, loc, diff);
    Value ninf = constant(-std::numeric_limits<double>::infinity());
    Value isNinf =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x[1], ninf);
    return arith::SelectOp::create(b, loc, isNinf, constant(0.0), e);
  }
  case EinsumCompute::safe_div: {
    Value q = arith::DivFOp::create(b, loc, x[0], x[1]);
    Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                         x[1], constant(0.0));
    return arith::SelectOp::create(b, loc, isZero, constant(0.0), q);
  }
  }
  return x[0];
}

namespace {

struct LowerEinsum : OpRewritePattern<EinsumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EinsumOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto [lhs, out] = op.getEquation().split("->");
    SmallVector<StringRef> terms;
    lhs.split(terms, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/true);

    // Iteration axes: the output's, then the reduced ones.
    std::string axes = out.str();
    for (StringRef term : terms)
      for (char c : term)
        if (axes.find(c) == std::string::npos)
          axes.push_back(c);
    auto mapFor = [&](StringRef term) {
      SmallVector<AffineExpr> exprs;
      for (char c : term)
        exprs.push_back(getAffineDimExpr(axes.find(c), ctx));
      return AffineMap::get(axes.size(), 0, exprs, ctx);
    };
    SmallVector<AffineMap> maps;
    for (StringRef term : terms)
      maps.push_back(mapFor(term));
    maps.push_back(mapFor(out));
    SmallVector<utils::IteratorType> iterators(out.size(),
                                               utils::IteratorType::parallel);
    iterators.append(axes.size() - out.size(), utils::IteratorType::reduction);

    // Init: the result's extents, read from the inputs where dynamic.
    RankedTensorType type = op.getResult().getType();
    SmallVector<Value> dynSizes;
    for (auto [i, c] : llvm::enumerate(out)) {
      if (!type.isDynamicDim(i))
        continue;
      for (auto [term, input] : llvm::zip(terms, op.getInputs())) {
        size_t pos = term.find(c);
        if (pos == StringRef::npos)
          continue;
        dynSizes.push_back(tensor::DimOp::create(rewriter, loc, input, pos));
        break;
      }
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, type, dynSizes);
    Type elem = type.getElementType();
    std::optional<EinsumReduce> reduce = op.getReduce();
    if (reduce) {
      double identity = *reduce == EinsumReduce::add
                            ? 0.0
                            : -std::numeric_limits<double>::infinity();
      Value id = arith::ConstantOp::create(
          rewriter, loc, elem, rewriter.getFloatAttr(elem, identity));
      init = linalg::FillOp::create(rewriter, loc, id, init).getResult(0);
    }

    EinsumCompute compute = op.getCompute();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, op.getInputs(), init, maps, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Type f32 = b.getF32Type();
          SmallVector<Value> xs;
          for (Value v : args.drop_back())
            xs.push_back(convertFloat(b, loc, v, f32));
          Value y = buildCompute(b, loc, compute, xs);
          if (reduce) {
            Value acc = convertFloat(b, loc, args.back(), f32);
            y = *reduce == EinsumReduce::add
                    ? arith::AddFOp::create(b, loc, acc, y).getResult()
                    : arith::MaximumFOp::create(b, loc, acc, y).getResult();
          }
          linalg::YieldOp::create(b, loc, convertFloat(b, loc, y, elem));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct LowerScoreMap : OpRewritePattern<ScoreMapOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ScoreMapOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType type = op.getResult().getType();
    int64_t groups = type.getDimSize(2);
    if (ShapedType::isDynamic(groups) ||
        ShapedType::isDynamic(type.getDimSize(1)))
      return rewriter.notifyMatchFailure(op, "heads must be static");
    int64_t qHeads = op.getQueryHeads();
    ScorePointSpec spec;
    spec.scale = op.getScaleAttr().getValueAsDouble();
    if (op.getMaskAttr())
      spec.mask = op.getMaskExpr();
    spec.score = op.getScoreAttr();
    spec.maskMod = &op.getMaskMod();
    spec.scoreMod = &op.getScoreMod();
    spec.qHeads = qHeads;
    spec.qLen = op.getQLen();
    spec.kvLen = op.getKvLen();
    spec.qSegments = op.getQSegments();
    spec.kvSegments = op.getKvSegments();
    spec.blockMask = op.getBlockMask();
    spec.bias = op.getBias();

    SmallVector<Value> dynSizes;
    for (int64_t i = 0; i < 5; ++i)
      if (type.isDynamicDim(i))
        dynSizes.push_back(
            tensor::DimOp::create(rewriter, loc, op.getScores(), i));
    Value init = tensor::EmptyOp::create(rewriter, loc, type, dynSizes);
    AffineMap id = AffineMap::getMultiDimIdentityMap(5, ctx);
    SmallVector<utils::IteratorType> iterators(5,
                                               utils::IteratorType::parallel);

    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, op.getScores(), init,
        SmallVector<AffineMap>{id, id}, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Type f32 = b.getF32Type();
          Value bIdx = linalg::IndexOp::create(b, loc, 0);
          Value hkv = linalg::IndexOp::create(b, loc, 1);
          // A tile of some batch entries and KV heads starts at its origin.
          if (op.getBatchOffset()) {
            bIdx = arith::AddIOp::create(b, loc, op.getBatchOffset(), bIdx);
            hkv = arith::AddIOp::create(b, loc, op.getHeadOffset(), hkv);
          }
          Value g = linalg::IndexOp::create(b, loc, 2);
          Value p = linalg::IndexOp::create(b, loc, 3);
          Value m = linalg::IndexOp::create(b, loc, 4);
          Value groupsV = arith::ConstantIndexOp::create(b, loc, groups);
          Value h = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, hkv, groupsV), g);
          Value q = arith::AddIOp::create(b, loc, op.getQOffset(), p);
          Value k = arith::AddIOp::create(b, loc, op.getKvOffset(), m);

          auto [score, visible] =
              buildScoreAt(b, loc, spec, args[0], bIdx, h, q, k);
          Value ninf = arith::ConstantOp::create(
              b, loc, f32,
              b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
          linalg::YieldOp::create(
              b, loc,
              arith::SelectOp::create(b, loc, visible, score, ninf)
                  .getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct LowerToLinalgPass
    : public attn::impl::AttnLowerToLinalgBase<LowerToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerEinsum, LowerScoreMap>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    WalkResult left = getOperation()->walk([](Operation *op) {
      if (isa<EinsumOp, ScoreMapOp>(op)) {
        op->emitError("attn-lower-to-linalg could not lower this op");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
