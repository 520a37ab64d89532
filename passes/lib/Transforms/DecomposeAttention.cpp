//===- DecomposeAttention.cpp - attn.attention to the 3-pass cascade ------===//
//
// Rewrites each attn.attention into FuseMax's 3-pass Einsum cascade on whole
// tensors: QK = Q K^T; S = map(QK) (scale, score modifiers, mask);
// GM = max_m S; SN = exp(S - GM); SD = sum_m SN; A = SN / SD; AV = A V; and
// LSE = GM + log(SD). Q is viewed as [.., Hkv, G, ..] so that GQA is a plain
// broadcast of K and V over g.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Cascade.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

namespace attn {
#define GEN_PASS_DEF_ATTNDECOMPOSEATTENTION
#include "attn/Transforms/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

namespace {

/// Splits the head axis of Q into (Hkv, G).
static Value splitQueryHeads(OpBuilder &b, Location loc, AttentionOp op,
                             int64_t groups) {
  Value q = op.getQuery();
  auto type = cast<RankedTensorType>(q.getType());
  unsigned hAxis = op.getHeadAxis();
  SmallVector<int64_t> shape(type.getShape());
  shape[hAxis] = type.getDimSize(hAxis) / groups;
  shape.insert(shape.begin() + hAxis + 1, groups);
  SmallVector<ReassociationIndices> reassoc;
  for (unsigned i = 0, j = 0; i < 4; ++i) {
    if (i == hAxis) {
      reassoc.push_back({static_cast<int64_t>(j), static_cast<int64_t>(j + 1)});
      j += 2;
    } else {
      reassoc.push_back({static_cast<int64_t>(j++)});
    }
  }
  SmallVector<OpFoldResult> outShape;
  SmallVector<OpFoldResult> inSizes = getMixedSizes(b, loc, q);
  for (unsigned i = 0; i < 4; ++i) {
    if (i == hAxis) {
      outShape.push_back(b.getIndexAttr(shape[hAxis]));
      outShape.push_back(b.getIndexAttr(groups));
    } else {
      outShape.push_back(inSizes[i]);
    }
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, resultType, q, reassoc,
                                       outShape);
}

/// Merges (Hkv, G) back into one head axis at `hAxis` of a tensor whose
/// axes are those of `term` with h and g adjacent.
static Value mergeHeads(OpBuilder &b, Location loc, Value t, unsigned hAxis) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0, r = type.getRank(); i < r; ++i) {
    if (i == hAxis) {
      reassoc.push_back({i, i + 1});
      ++i;
    } else {
      reassoc.push_back({i});
    }
  }
  return tensor::CollapseShapeOp::create(b, loc, t, reassoc);
}

struct DecomposeAttentionPass
    : public attn::impl::AttnDecomposeAttentionBase<DecomposeAttentionPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<AttentionOp> ops;
    getOperation()->walk([&](AttentionOp op) { ops.push_back(op); });
    for (AttentionOp op : ops)
      decompose(op);
  }

  void decompose(AttentionOp op) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    Type f32 = b.getF32Type();
    CascadeAxes axes = getCascadeAxes(op.getLayout());
    auto qType = op.getQuery().getType();
    auto kType = op.getKey().getType();
    int64_t hq = qType.getDimSize(op.getHeadAxis());
    int64_t hkv = kType.getDimSize(op.getHeadAxis());
    int64_t dqk = qType.getDimSize(3);
    Type elementType = qType.getElementType();

    Value q5 = splitQueryHeads(b, loc, op, hq / hkv);
    Value qLen = tensor::DimOp::create(b, loc, op.getQuery(), op.getSeqAxis());
    Value kvLen = tensor::DimOp::create(b, loc, op.getKey(), op.getSeqAxis());
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);

    // QK = Q K^T, accumulated in f32.
    Value qk =
        einsum(b, loc, EinsumCompute::mul, axes.q5 + "," + axes.k + "->bhgpm",
               {q5, op.getKey()}, f32, EinsumReduce::add);
    // S = map(QK): scale, score modifiers, mask.
    float scale = op.getScaleAttr() ? op.getScaleAttr().getValueAsDouble()
                                    : 1.0 / std::sqrt(static_cast<double>(dqk));
    auto map = ScoreMapOp::create(
        b, loc, qk.getType(), qk, c0, c0, qLen, kvLen, /*batch_offset=*/Value(),
        /*head_offset=*/Value(), op.getQSegments(), op.getKvSegments(),
        op.getBlockMask(), op.getBias(), b.getF32FloatAttr(scale),
        op.getMaskAttr(), op.getScoreAttr(),
        /*q_heads=*/IntegerAttr());
    map.getMaskMod().takeBody(op.getMaskMod());
    map.getScoreMod().takeBody(op.getScoreMod());
    if (Attribute schedule = op->getAttr(kScheduleAttr))
      map->setAttr(kScheduleAttr, schedule);
    Value s = map.getResult();

    // GM = max_m S
    Value gm = einsum(b, loc, EinsumCompute::copy, "bhgpm->bhgp", s, f32,
                      EinsumReduce::max);
    // SN = exp(S - GM)
    Value sn = einsum(b, loc, EinsumCompute::exp_sub, "bhgpm,bhgp->bhgpm",
                      {s, gm}, f32);
    // SD = sum_m SN
    Value sd = einsum(b, loc, EinsumCompute::copy, "bhgpm->bhgp", sn, f32,
                      EinsumReduce::add);
    // A = SN / SD
    Value a = einsum(b, loc, EinsumCompute::safe_div, "bhgpm,bhgp->bhgpm",
                     {sn, sd}, f32);
    // AV = A V
    Value v = op.getValue();
    if (elementType != f32)
      v = einsum(b, loc, EinsumCompute::copy, axes.v + "->" + axes.v, v, f32);
    Value av = einsum(b, loc, EinsumCompute::mul, "bhgpm," + axes.v + "->bhgpf",
                      {a, v}, f32, EinsumReduce::add);

    // O in the op's layout and element type.
    bool bshd = op.getLayout() == Layout::bshd;
    Value o = av;
    if (bshd || elementType != f32)
      o = einsum(b, loc, EinsumCompute::copy,
                 bshd ? "bhgpf->bphgf" : "bhgpf->bhgpf", av, elementType);
    o = mergeHeads(b, loc, o, op.getHeadAxis());
    if (o.getType() != op.getOutput().getType())
      o = tensor::CastOp::create(b, loc, op.getOutput().getType(), o);
    op.getOutput().replaceAllUsesWith(o);

    // LSE = GM + log(SD)
    if (Value lse = op.getLse()) {
      Value logSd = einsum(b, loc, EinsumCompute::log, "bhgp->bhgp", sd, f32);
      Value l = einsum(b, loc, EinsumCompute::add, "bhgp,bhgp->bhgp",
                       {gm, logSd}, f32);
      l = mergeHeads(b, loc, l, 1);
      if (l.getType() != lse.getType())
        l = tensor::CastOp::create(b, loc, lse.getType(), l);
      lse.replaceAllUsesWith(l);
    }
    op.erase();
    ++numDecomposed;
  }
};

} // namespace
