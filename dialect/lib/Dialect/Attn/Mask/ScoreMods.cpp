//===- ScoreMods.cpp - ALiBi, softcap, bias and score_mod -----------------===//
//
// The semantics of each score modifier in double precision, used by the
// reference and by constant evaluation, and their parameter checks.
//
//===----------------------------------------------------------------------===//

#include "MaskUtils.h"
#include "attn/Dialect/Attn/IR/MaskSyntax.h"

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
void BiasScoreAttr::printTerm(llvm::raw_ostream &os) const { os << "bias"; }

//===----------------------------------------------------------------------===//
// score_mod
//===----------------------------------------------------------------------===//

double RegionScoreAttr::apply(double s, const Point &p,
                              const ScoreContext &ctx) const {
  return ctx.scoreMod(s, p.b, p.h, p.q, p.k);
}
bool RegionScoreAttr::needsScoreModRegion() const { return true; }
void RegionScoreAttr::printTerm(llvm::raw_ostream &os) const {
  os << "score_mod";
}
