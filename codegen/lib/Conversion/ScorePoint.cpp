//===- ScorePoint.cpp - The score of one (b, h, q, k) as scalar IR --------===//

#include "attn/Conversion/ScorePoint.h"

#include "attn/Dialect/Attn/Mask/MaskIR.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace attn;

Value attn::inlineRegion(OpBuilder &b, Region &region, ValueRange args) {
  IRMapping mapping;
  Block &block = region.front();
  for (auto [arg, v] : llvm::zip(block.getArguments(), args))
    mapping.map(arg, v);
  for (Operation &op : block.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<YieldOp>(block.getTerminator());
  return mapping.lookupOrDefault(yield.getValues().front());
}

Value attn::convertFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

Value attn::clampToLength(OpBuilder &b, Location loc, Value x, Value len) {
  Value last = arith::MaxSIOp::create(
      b, loc,
      arith::SubIOp::create(b, loc, len,
                            arith::ConstantIndexOp::create(b, loc, 1)),
      arith::ConstantIndexOp::create(b, loc, 0));
  return arith::MinSIOp::create(b, loc, x, last);
}

mask::IRArgs attn::maskArgs(const ScorePointSpec &spec, Value batch,
                            Value head) {
  mask::IRArgs args;
  args.b = batch;
  args.h = head;
  args.qLen = spec.qLen;
  args.kvLen = spec.kvLen;
  args.qHeads = spec.qHeads;
  args.qSegments = spec.qSegments;
  args.kvSegments = spec.kvSegments;
  args.blockMask = spec.blockMask;
  const ScorePointSpec *of = &spec;
  args.maskMod = [of](OpBuilder &b, Location, Value bb, Value hh, Value qq,
                      Value kk) {
    return inlineRegion(b, *of->maskMod, {bb, hh, qq, kk});
  };
  return args;
}

std::pair<Value, Value> attn::buildScoreAt(OpBuilder &b, Location loc,
                                           const ScorePointSpec &spec,
                                           Value raw, Value batch, Value head,
                                           Value q, Value k) {
  Type f32 = b.getF32Type();
  // s = scale * q.k, then the score modifiers in order.
  Value s = arith::MulFOp::create(
      b, loc, raw,
      arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(spec.scale)));
  if (spec.score) {
    mask::ScoreIRArgs sargs;
    sargs.b = batch;
    sargs.h = head;
    sargs.q = q;
    sargs.k = k;
    sargs.qLen = spec.qLen;
    sargs.kvLen = spec.kvLen;
    sargs.qHeads = spec.qHeads;
    sargs.bias = spec.bias;
    sargs.scoreMod = [&](OpBuilder &b, Location, Value s, Value bb, Value hh,
                         Value qq, Value kk) {
      return inlineRegion(b, *spec.scoreMod, {s, bb, hh, qq, kk});
    };
    for (ScoreModAttrInterface term : spec.score.getTerms())
      s = term.buildScore(b, loc, s, sargs);
  }

  // Keys beyond the length, and those the mask hides, are not visible.
  Value visible =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, k, spec.kvLen);
  Value qIn =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, q, spec.qLen);
  visible = arith::AndIOp::create(b, loc, visible, qIn);
  if (!spec.mask)
    return {s, visible};
  mask::IRArgs margs = maskArgs(spec, batch, head);
  // Guard the mask's reads of run-time data: clamp to valid positions (the
  // result is discarded where out of range).
  margs.q = clampToLength(b, loc, q, spec.qLen);
  margs.k = clampToLength(b, loc, k, spec.kvLen);
  Value shown = spec.mask.buildVisible(b, loc, margs);
  visible = arith::AndIOp::create(b, loc, visible, shown);
  return {s, visible};
}
