//===- Cascade.cpp - Building blocks of the Einsum cascades ---------------===//
//
// Helpers shared by the cascade passes, and the one-pass online-softmax
// loop (FuseMax's 1-pass cascade over KV tiles with a running max, a running
// denominator and a running numerator, rescaled once per tile).
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Cascade.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

#include <limits>

using namespace mlir;
using namespace attn;

CascadeAxes attn::getCascadeAxes(Layout layout) {
  if (layout == Layout::bshd)
    return {"bphge", "bmhe", "bmhf", 1, 1};
  return {"bhgpe", "bhme", "bhmf", 3, 2};
}

int64_t attn::getScheduledTile(Operation *op, StringRef name) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kScheduleAttr);
  if (!dict)
    return 0;
  auto value = dict.getAs<IntegerAttr>(name);
  return value ? value.getInt() : 0;
}

StringRef attn::stringifyHeadOrder(HeadOrder order) {
  return order == HeadOrder::Outer ? "heads_outer" : "heads_inner";
}

std::optional<HeadOrder> attn::parseHeadOrder(StringRef text) {
  if (text == "heads_outer")
    return HeadOrder::Outer;
  if (text == "heads_inner")
    return HeadOrder::Inner;
  return std::nullopt;
}

std::optional<HeadOrder> attn::getScheduledOrder(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kScheduleAttr);
  if (!dict)
    return std::nullopt;
  auto text = dict.getAs<StringAttr>("order");
  return text ? parseHeadOrder(text.getValue()) : std::nullopt;
}

Value attn::einsum(OpBuilder &b, Location loc, EinsumCompute c,
                   StringRef equation, ValueRange inputs, Type elementType,
                   std::optional<EinsumReduce> reduce) {
  return EinsumOp::create(b, loc, c, equation, inputs, elementType, reduce);
}

SmallVector<OpFoldResult> attn::getMixedSizes(OpBuilder &b, Location loc,
                                              Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, tensor, i).getResult());
    else
      sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
  }
  return sizes;
}

Value attn::filledTensor(OpBuilder &b, Location loc,
                         ArrayRef<OpFoldResult> sizes, double value) {
  Type f32 = b.getF32Type();
  Value empty = tensor::EmptyOp::create(b, loc, sizes, f32);
  Value scalar =
      arith::ConstantOp::create(b, loc, f32, b.getFloatAttr(f32, value));
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

ScoreMapOp attn::cloneScoreMap(OpBuilder &b, ScoreMapOp templ, Value scores,
                               Value qOffset, Value kvOffset,
                               TileOrigin origin) {
  IRMapping mapping;
  auto clone = cast<ScoreMapOp>(b.cloneWithoutRegions(*templ, mapping));
  for (auto [from, to] : llvm::zip(templ->getRegions(), clone->getRegions()))
    from.cloneInto(&to, mapping);
  // The offsets may be one value in the template: set them by position.
  clone.getScoresMutable().assign(scores);
  clone.getQOffsetMutable().assign(qOffset);
  clone.getKvOffsetMutable().assign(kvOffset);
  if (origin) {
    clone.getBatchOffsetMutable().assign(origin.batch);
    clone.getHeadOffsetMutable().assign(origin.head);
    clone.setQHeads(templ.getQueryHeads());
  }
  clone.getResult().setType(cast<RankedTensorType>(scores.getType()));
  return clone;
}

OnlineSoftmax attn::buildOnlineSoftmax(OpBuilder &b, Location loc,
                                       const CascadeAxes &axes, Value q5,
                                       Value key, Value value, ScoreMapOp templ,
                                       Value qOffset, int64_t kvTile,
                                       TileOrigin origin) {
  Type f32 = b.getF32Type();
  const std::string &q = axes.q5, &k = axes.k, &v = axes.v;
  const double negInf = -std::numeric_limits<double>::infinity();

  // Running state: max -inf, denominator 0, numerator 0.
  SmallVector<OpFoldResult> qSizes = getMixedSizes(b, loc, q5);
  SmallVector<OpFoldResult> vSizes = getMixedSizes(b, loc, value);
  auto at = [&](SmallVector<OpFoldResult> &sizes, char axis) {
    size_t pos = (axis == 'f' ? v : q).find(axis);
    return sizes[pos];
  };
  SmallVector<OpFoldResult> rowSizes = {at(qSizes, 'b'), at(qSizes, 'h'),
                                        at(qSizes, 'g'), at(qSizes, 'p')};
  SmallVector<OpFoldResult> outSizes = rowSizes;
  outSizes.push_back(at(vSizes, 'f'));
  Value max0 = filledTensor(b, loc, rowSizes, negInf);
  Value den0 = filledTensor(b, loc, rowSizes, 0.0);
  Value num0 = filledTensor(b, loc, outSizes, 0.0);

  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value step = arith::ConstantIndexOp::create(b, loc, kvTile);
  Value kvLen = tensor::DimOp::create(b, loc, key, axes.kvSeq);
  auto loop = scf::ForOp::create(
      b, loc, c0, kvLen, step, ValueRange{max0, den0, num0},
      [&](OpBuilder &b, Location loc, Value k0, ValueRange state) {
        Value oldMax = state[0], oldDen = state[1], oldNum = state[2];
        // The tile [k0, k0 + len).
        Value rest = arith::SubIOp::create(b, loc, kvLen, k0);
        Value len = arith::MinSIOp::create(b, loc, rest, step);
        auto slice = [&](Value t) {
          auto type = cast<RankedTensorType>(t.getType());
          SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes = getMixedSizes(b, loc, t);
          SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
          offsets[axes.kvSeq] = k0;
          sizes[axes.kvSeq] = len;
          return tensor::ExtractSliceOp::create(b, loc, t, offsets, sizes,
                                                strides)
              .getResult();
        };
        Value kTile = slice(key), vTile = slice(value);
        if (cast<RankedTensorType>(vTile.getType()).getElementType() != f32)
          vTile = einsum(b, loc, EinsumCompute::copy, v + "->" + v, vTile, f32);

        // S = map(Q K^T) on this tile.
        Value qk = einsum(b, loc, EinsumCompute::mul, q + "," + k + "->bhgpm",
                          {q5, kTile}, f32, EinsumReduce::add);
        Value s = cloneScoreMap(b, templ, qk, qOffset, k0, origin);
        // newMax = max(oldMax, rowMax(S))
        Value rowMax = einsum(b, loc, EinsumCompute::copy, "bhgpm->bhgp", s,
                              f32, EinsumReduce::max);
        Value newMax = einsum(b, loc, EinsumCompute::max, "bhgp,bhgp->bhgp",
                              {oldMax, rowMax}, f32);
        // P = exp(S - newMax); correction = exp(oldMax - newMax)
        Value p = einsum(b, loc, EinsumCompute::exp_sub, "bhgpm,bhgp->bhgpm",
                         {s, newMax}, f32);
        Value corr = einsum(b, loc, EinsumCompute::exp_sub, "bhgp,bhgp->bhgp",
                            {oldMax, newMax}, f32);
        // newDen = oldDen * correction + rowSum(P)
        Value rowSum = einsum(b, loc, EinsumCompute::copy, "bhgpm->bhgp", p,
                              f32, EinsumReduce::add);
        Value scaledDen = einsum(b, loc, EinsumCompute::mul, "bhgp,bhgp->bhgp",
                                 {oldDen, corr}, f32);
        Value newDen = einsum(b, loc, EinsumCompute::add, "bhgp,bhgp->bhgp",
                              {scaledDen, rowSum}, f32);
        // newNum = oldNum * correction + P V
        Value pv = einsum(b, loc, EinsumCompute::mul, "bhgpm," + v + "->bhgpf",
                          {p, vTile}, f32, EinsumReduce::add);
        Value scaledNum = einsum(b, loc, EinsumCompute::mul,
                                 "bhgpf,bhgp->bhgpf", {oldNum, corr}, f32);
        Value newNum = einsum(b, loc, EinsumCompute::add, "bhgpf,bhgpf->bhgpf",
                              {scaledNum, pv}, f32);
        // Keep the running values' types (an einsum may infer a static
        // extent from K or V where Q's is dynamic).
        SmallVector<Value> next = {newMax, newDen, newNum};
        for (auto [v, old] : llvm::zip(next, state))
          if (v.getType() != old.getType())
            v = tensor::CastOp::create(b, loc, old.getType(), v);
        scf::YieldOp::create(b, loc, next);
      });
  loop->setAttr(kKVLoopAttr, b.getUnitAttr());
  return {loop, loop.getResult(0), loop.getResult(1), loop.getResult(2)};
}
