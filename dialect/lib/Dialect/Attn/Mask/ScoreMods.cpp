//===- ScoreMods.cpp - ALiBi, softcap, bias and score_mod -----------------===//
//
// The semantics of each score modifier in double precision, used by the
// reference and by constant evaluation, their parameter checks, and the same
// maps emitted as f32 IR (buildScore).
//
//===----------------------------------------------------------------------===//

#include "MaskUtils.h"
#include "attn/Dialect/Attn/IR/MaskSyntax.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace attn;
using namespace attn::mask;

using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;

//===----------------------------------------------------------------------===//
// alibi
//===----------------------------------------------------------------------===//

LogicalResult AlibiScoreAttr::verify(EmitErrorFn emitError,
                                     llvm::APFloat maxBias) {
  double v = maxBias.convertToDouble();
  if (!(v > 0.0) || !std::isfinite(v))
    return emitError() << "ALiBi maximum bias must be > 0";
  return success();
}
double AlibiScoreAttr::slope(int64_t h, int64_t heads) const {
  // The ALiBi paper's slopes: a geometric sequence over the largest power of
  // two n <= heads, then the odd powers of the sequence for 2n.
  double maxBias = getMaxBias().convertToDouble();
  int64_t n = 1;
  while (n * 2 <= heads)
    n *= 2;
  if (h < n)
    return std::pow(2.0, -maxBias * static_cast<double>(h + 1) / n);
  return std::pow(2.0,
                  -maxBias * static_cast<double>(2 * (h - n) + 1) / (2 * n));
}
double AlibiScoreAttr::apply(double s, const Point &p,
                             const ScoreContext &ctx) const {
  double distance =
      std::abs(static_cast<double>(p.q + ctx.kvLen - ctx.qLen - p.k));
  return s - slope(p.h, ctx.qHeads) * distance;
}
Value AlibiScoreAttr::buildScore(OpBuilder &builder, Location loc, Value s,
                                 const ScoreIRArgs &args) const {
  IREmitter e(builder, loc);
  // The slopes of the Hq heads as a constant table indexed by the run-time
  // head.
  int64_t heads = std::max<int64_t>(args.qHeads, 1);
  SmallVector<float> slopes;
  for (int64_t h = 0; h < heads; ++h)
    slopes.push_back(static_cast<float>(slope(h, heads)));
  auto type = RankedTensorType::get({heads}, builder.getF32Type());
  Value table = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, ArrayRef(slopes)));
  Value m = e.extract(table, args.h);
  // |q + Sk - Sq - k|, exact in index arithmetic.
  Value d = e.sub(e.add(args.q, e.sub(args.kvLen, args.qLen)), args.k);
  Value distance =
      e.select(e.cmp(arith::CmpIPredicate::slt, d, 0), e.sub(e.index(0), d), d);
  Value distanceF = arith::SIToFPOp::create(
      builder, loc, builder.getF32Type(),
      arith::IndexCastOp::create(builder, loc, builder.getI64Type(), distance));
  return arith::SubFOp::create(
      builder, loc, s, arith::MulFOp::create(builder, loc, m, distanceF));
}
void AlibiScoreAttr::printTerm(llvm::raw_ostream &os) const {
  os << "alibi";
  double maxBias = getMaxBias().convertToDouble();
  if (maxBias != 8.0) {
    os << "(";
    printExactFloat(os, maxBias);
    os << ")";
  }
}

//===----------------------------------------------------------------------===//
// softcap
//===----------------------------------------------------------------------===//

LogicalResult SoftcapScoreAttr::verify(EmitErrorFn emitError,
                                       llvm::APFloat cap) {
  double v = cap.convertToDouble();
  if (!(v > 0.0) || !std::isfinite(v))
    return emitError() << "softcap must be > 0";
  return success();
}
double SoftcapScoreAttr::apply(double s, const Point &,
                               const ScoreContext &) const {
  double cap = getCap().convertToDouble();
  return cap * std::tanh(s / cap);
}
Value SoftcapScoreAttr::buildScore(OpBuilder &builder, Location loc, Value s,
                                   const ScoreIRArgs &) const {
  Value cap = arith::ConstantOp::create(
      builder, loc,
      builder.getF32FloatAttr(static_cast<float>(getCap().convertToDouble())));
  Value scaled = arith::DivFOp::create(builder, loc, s, cap);
  return arith::MulFOp::create(builder, loc, cap,
                               math::TanhOp::create(builder, loc, scaled));
}
void SoftcapScoreAttr::printTerm(llvm::raw_ostream &os) const {
  os << "softcap(";
  printExactFloat(os, getCap().convertToDouble());
  os << ")";
}

//===----------------------------------------------------------------------===//
// bias
//===----------------------------------------------------------------------===//

double BiasScoreAttr::apply(double s, const Point &p,
                            const ScoreContext &ctx) const {
  return s + ctx.bias(p.b, p.h, p.q, p.k);
}
bool BiasScoreAttr::needsBiasOperand() const { return true; }
Value BiasScoreAttr::buildScore(OpBuilder &builder, Location loc, Value s,
                                const ScoreIRArgs &args) const {
  // [B|1, Hq|1, Sq, Sk], broadcast over batch and head where the extent is
  // 1.
  IREmitter e(builder, loc);
  Value bias = e.extract(args.bias, {e.broadcastIndex(args.bias, 0, args.b),
                                     e.broadcastIndex(args.bias, 1, args.h),
                                     args.q, args.k});
  unsigned width = bias.getType().getIntOrFloatBitWidth();
  if (width < 32)
    bias = arith::ExtFOp::create(builder, loc, builder.getF32Type(), bias);
  else if (width > 32)
    bias = arith::TruncFOp::create(builder, loc, builder.getF32Type(), bias);
  return arith::AddFOp::create(builder, loc, s, bias);
}
void BiasScoreAttr::printTerm(llvm::raw_ostream &os) const { os << "bias"; }

//===----------------------------------------------------------------------===//
// score_mod
//===----------------------------------------------------------------------===//

double RegionScoreAttr::apply(double s, const Point &p,
                              const ScoreContext &ctx) const {
  return ctx.scoreMod(s, p.b, p.h, p.q, p.k);
}
bool RegionScoreAttr::needsScoreModRegion() const { return true; }
Value RegionScoreAttr::buildScore(OpBuilder &builder, Location loc, Value s,
                                  const ScoreIRArgs &args) const {
  return args.scoreMod(builder, loc, s, args.b, args.h, args.q, args.k);
}
void RegionScoreAttr::printTerm(llvm::raw_ostream &os) const {
  os << "score_mod";
}
