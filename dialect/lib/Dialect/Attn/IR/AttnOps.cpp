//===- AttnOps.cpp - Verification of attn operations ----------------------===//
//
// attn.attention checks ranks, GQA head counts, head dims, element types,
// result shapes, the operands and regions its mask and score modifiers
// need, and each mask kind's parameters against the known extents.
// attn.einsum checks its equation against its operands.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace attn;

#define GET_OP_CLASSES
#include "attn/Dialect/Attn/IR/AttnOps.cpp.inc"

static std::string dimString(int64_t d) {
  return ShapedType::isDynamic(d) ? "?" : std::to_string(d);
}

/// Two extents agree when either is dynamic or they are equal.
static bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static int64_t toMaskExtent(int64_t d) {
  return ShapedType::isDynamic(d) ? mask::kDynamic : d;
}

//===----------------------------------------------------------------------===//
// Operands and regions of masks and score modifiers
//===----------------------------------------------------------------------===//

/// Checks that an op carries exactly the operands and regions its mask and
/// score modifiers use (shared by attn.attention and attn.score_map), and
/// returns what the mask needs.
template <typename OpTy>
static LogicalResult verifyExtras(OpTy op, mask::Requirements &req) {
  MaskExprAttrInterface maskExpr = op.getMaskExpr();
  maskExpr.addRequirements(req);
  bool needSegments = req.documents || req.docOffsets;
  if (req.documents && req.docOffsets)
    return op.emitOpError() << "mask uses document ids and document offsets; "
                               "the segments operands can hold only one";
  if (static_cast<bool>(op.getQSegments()) !=
      static_cast<bool>(op.getKvSegments()))
    return op.emitOpError() << "segments needs both query and key operands";
  if (needSegments && !op.getQSegments())
    return op.emitOpError() << "mask kind 'document' needs the segments("
                               "%q_ids, %kv_ids) operands";
  if (!needSegments && op.getQSegments())
    return op.emitOpError() << "segments operands given but the mask has no "
                               "'document' kind";
  if (req.blockSizeConflict)
    return op.emitOpError() << "runtime 'blocks' kinds read one block_mask "
                               "operand and must share one block size";
  if (req.blockMask && !op.getBlockMask())
    return op.emitOpError() << "mask kind 'blocks(.., runtime)' needs the "
                               "block_mask(%m) operand";
  if (!req.blockMask && op.getBlockMask())
    return op.emitOpError() << "block_mask operand given but the mask has no "
                               "runtime 'blocks' kind";
  if (req.maskModRegion && op.getMaskMod().empty())
    return op.emitOpError() << "mask kind 'mask_mod' needs a mask_mod region";
  if (!req.maskModRegion && !op.getMaskMod().empty())
    return op.emitOpError() << "mask_mod region given but the mask does not "
                               "use 'mask_mod'";
  bool needBias = false, needScoreMod = false;
  if (auto score = op.getScoreAttr())
    for (ScoreModAttrInterface term : score.getTerms()) {
      needBias |= term.needsBiasOperand();
      needScoreMod |= term.needsScoreModRegion();
    }
  if (needBias && !op.getBias())
    return op.emitOpError()
           << "score modifier 'bias' needs the bias(%b) operand";
  if (!needBias && op.getBias())
    return op.emitOpError() << "bias operand given but the score modifiers "
                               "have no 'bias'";
  if (needScoreMod && op.getScoreMod().empty())
    return op.emitOpError()
           << "score modifier 'score_mod' needs a score_mod region";
  if (!needScoreMod && !op.getScoreMod().empty())
    return op.emitOpError() << "score_mod region given but the score "
                               "modifiers do not use 'score_mod'";
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

mask::ShapeInfo AttentionOp::getShapeInfo() {
  auto q = getQuery().getType(), k = getKey().getType();
  mask::ShapeInfo info;
  if (q.getRank() != 4 || k.getRank() != 4)
    return info;
  info.batch = toMaskExtent(q.getDimSize(0));
  info.qHeads = toMaskExtent(q.getDimSize(getHeadAxis()));
  info.kvHeads = toMaskExtent(k.getDimSize(getHeadAxis()));
  info.qLen = toMaskExtent(q.getDimSize(getSeqAxis()));
  info.kvLen = toMaskExtent(k.getDimSize(getSeqAxis()));
  return info;
}

MaskExprAttrInterface AttentionOp::getMaskExpr() {
  if (auto m = getMaskAttr())
    return m.getExpr();
  return AllMaskAttr::get(getContext());
}

LogicalResult AttentionOp::verify() {
  RankedTensorType q = getQuery().getType(), k = getKey().getType(),
                   v = getValue().getType(),
                   o = cast<RankedTensorType>(getOutput().getType());
  bool bhsd = getLayout() == Layout::bhsd;
  const char *layoutShape = bhsd ? "[B, H, S, D]" : "[B, S, H, D]";
  for (auto [name, type] :
       {std::pair{"query", q}, {"key", k}, {"value", v}, {"output", o}})
    if (type.getRank() != 4)
      return emitOpError() << name << " must have rank 4 (" << layoutShape
                           << " for layout " << stringifyLayout(getLayout())
                           << "), found rank " << type.getRank();
  unsigned hAxis = getHeadAxis(), sAxis = getSeqAxis();

  // Heads and head dims fix the kernel; batch and sequence may vary.
  for (auto [name, type] : {std::pair{"query", q}, {"key", k}, {"value", v}}) {
    if (type.isDynamicDim(hAxis))
      return emitOpError() << name << " head count must be static";
    if (type.isDynamicDim(3))
      return emitOpError() << name << " head dim must be static";
  }
  int64_t hq = q.getDimSize(hAxis), hkv = k.getDimSize(hAxis);
  if (v.getDimSize(hAxis) != hkv)
    return emitOpError() << "key and value must have the same head count, "
                         << "found " << hkv << " and " << v.getDimSize(hAxis);
  if (hkv < 1 || hq < 1 || hq % hkv != 0)
    return emitOpError() << "query heads (" << hq
                         << ") must be a multiple of key/value heads (" << hkv
                         << ")";
  if (q.getDimSize(3) != k.getDimSize(3))
    return emitOpError() << "query and key head dims differ: "
                         << q.getDimSize(3) << " vs " << k.getDimSize(3);
  if (q.getDimSize(3) < 1 || v.getDimSize(3) < 1)
    return emitOpError() << "head dims must be >= 1";
  if (!compatible(q.getDimSize(0), k.getDimSize(0)) ||
      !compatible(q.getDimSize(0), v.getDimSize(0)) ||
      !compatible(k.getDimSize(0), v.getDimSize(0)))
    return emitOpError() << "batch sizes differ: query "
                         << dimString(q.getDimSize(0)) << ", key "
                         << dimString(k.getDimSize(0)) << ", value "
                         << dimString(v.getDimSize(0));
  if (!compatible(k.getDimSize(sAxis), v.getDimSize(sAxis)))
    return emitOpError() << "key and value sequence lengths differ: "
                         << dimString(k.getDimSize(sAxis)) << " vs "
                         << dimString(v.getDimSize(sAxis));
  if (q.getElementType() != k.getElementType() ||
      q.getElementType() != v.getElementType())
    return emitOpError() << "query, key and value must share an element type, "
                         << "found " << q.getElementType() << ", "
                         << k.getElementType() << ", " << v.getElementType();
  if (o.getElementType() != q.getElementType())
    return emitOpError() << "output element type " << o.getElementType()
                         << " must match the inputs' " << q.getElementType();

  // Output: [B, Hq, Sq, Dv] in the layout's order.
  SmallVector<int64_t> expected(4);
  expected[0] = q.getDimSize(0);
  expected[hAxis] = hq;
  expected[sAxis] = q.getDimSize(sAxis);
  expected[3] = v.getDimSize(3);
  for (unsigned i = 0; i < 4; ++i)
    if (!compatible(o.getDimSize(i), expected[i]))
      return emitOpError() << "output dim " << i << " is "
                           << dimString(o.getDimSize(i)) << ", expected "
                           << dimString(expected[i]);

  // LSE: [B, Hq, Sq] f32, present exactly when asked for.
  if (getReturnLse() != static_cast<bool>(getLse()))
    return emitOpError() << (getReturnLse()
                                 ? "has return_lse but no LSE result"
                                 : "has an LSE result but no return_lse");
  if (Value lse = getLse()) {
    auto t = cast<RankedTensorType>(lse.getType());
    int64_t want[3] = {q.getDimSize(0), hq, q.getDimSize(sAxis)};
    if (t.getRank() != 3 || !compatible(t.getDimSize(0), want[0]) ||
        !compatible(t.getDimSize(1), want[1]) ||
        !compatible(t.getDimSize(2), want[2]))
      return emitOpError() << "LSE must be [B, Hq, Sq] = ["
                           << dimString(want[0]) << ", " << want[1] << ", "
                           << dimString(want[2]) << "], found " << t;
  }

  if (auto scale = getScaleAttr()) {
    double s = scale.getValueAsDouble();
    if (!(s > 0.0) || !std::isfinite(s))
      return emitOpError() << "scale must be finite and > 0, found " << s;
  }

  // What the mask needs, and nothing it does not.
  mask::Requirements req;
  if (failed(verifyExtras(*this, req)))
    return failure();
  MaskExprAttrInterface maskExpr = getMaskExpr();
  mask::ShapeInfo shape = getShapeInfo();
  bool needSegments = req.documents || req.docOffsets;
  if (needSegments) {
    for (auto [name, value, len] :
         {std::tuple{"query", getQSegments(), shape.qLen},
          {"key", getKvSegments(), shape.kvLen}}) {
      auto t = cast<RankedTensorType>(value.getType());
      if (t.getRank() != 2 || !compatible(t.getDimSize(0), q.getDimSize(0)))
        return emitOpError()
               << name << " segments must be [B, "
               << (req.docOffsets ? "documents + 1" : "S") << "], found " << t;
      if (req.documents && len != mask::kDynamic &&
          !compatible(t.getDimSize(1), len))
        return emitOpError()
               << name << " segment ids have length "
               << dimString(t.getDimSize(1)) << ", the sequence has " << len;
      if (req.docOffsets && !t.isDynamicDim(1) && t.getDimSize(1) < 2)
        return emitOpError()
               << name << " document offsets need at least 2 entries";
    }
  }
  if (Value bm = getBlockMask()) {
    auto t = cast<RankedTensorType>(bm.getType());
    auto ceilDiv = [](int64_t a, int64_t b) {
      return ShapedType::isDynamic(a) ? a : (a + b - 1) / b;
    };
    int64_t want[4] = {q.getDimSize(0), hq,
                       ceilDiv(q.getDimSize(sAxis), req.blockQ),
                       ceilDiv(k.getDimSize(sAxis), req.blockK)};
    bool ok = t.getRank() == 4;
    for (unsigned i = 0; ok && i < 4; ++i)
      ok = compatible(t.getDimSize(i), want[i]) ||
           (i < 2 && t.getDimSize(i) == 1);
    if (!ok)
      return emitOpError() << "block_mask must be [B or 1, Hq or 1, "
                           << dimString(want[2]) << ", " << dimString(want[3])
                           << "] for blocks of " << req.blockQ << "x"
                           << req.blockK << ", found " << t;
  }
  if (failed(maskExpr.verifyShape(shape, [&] { return emitOpError(); })))
    return failure();
  if (auto score = getScoreAttr())
    for (ScoreModAttrInterface term : score.getTerms())
      if (failed(term.verifyShape(shape, [&] { return emitOpError(); })))
        return failure();
  if (Value bias = getBias()) {
    auto t = cast<RankedTensorType>(bias.getType());
    // [B or 1, Hq or 1, Sq, Sk], always in bhsd order.
    int64_t want[4] = {q.getDimSize(0), hq, q.getDimSize(sAxis),
                       k.getDimSize(sAxis)};
    bool ok = t.getRank() == 4;
    for (unsigned i = 0; ok && i < 4; ++i)
      ok = compatible(t.getDimSize(i), want[i]) ||
           (i < 2 && t.getDimSize(i) == 1);
    if (!ok)
      return emitOpError() << "bias must be [B or 1, Hq or 1, Sq, Sk] = ["
                           << dimString(want[0]) << ", " << want[1] << ", "
                           << dimString(want[2]) << ", " << dimString(want[3])
                           << "], found " << t;
  }
  return success();
}

/// Checks a region's signature: `args` block arguments, one yielded value.
static LogicalResult verifyModRegion(Operation *op, Region &region,
                                     StringRef name, TypeRange args,
                                     Type yielded, StringRef signature) {
  if (region.empty())
    return success();
  if (!region.hasOneBlock())
    return op->emitOpError() << name << " region must have one block";
  Block &block = region.front();
  if (block.getArgumentTypes() != args)
    return op->emitOpError() << name << " region must take " << signature;
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError() << name << " region must end with attn.yield";
  if (yield.getValues().size() != 1 ||
      yield.getValues().front().getType() != yielded)
    return yield.emitOpError()
           << "in " << name << " must yield one " << yielded;
  return success();
}

/// Checks the signatures of the mask_mod and score_mod regions.
static LogicalResult verifyModRegions(Operation *op, Region &maskMod,
                                      Region &scoreMod) {
  Builder b(op->getContext());
  Type index = b.getIndexType();
  SmallVector<Type> idx(4, index);
  if (failed(verifyModRegion(op, maskMod, "mask_mod", idx, b.getI1Type(),
                             "(b, h, q, k : index)")))
    return failure();
  SmallVector<Type> scoreArgs{b.getF32Type(), index, index, index, index};
  return verifyModRegion(op, scoreMod, "score_mod", scoreArgs, b.getF32Type(),
                         "(s : f32, b, h, q, k : index)");
}

template <typename OpTy> static LogicalResult verifyModRegions(OpTy op) {
  return verifyModRegions(op, op.getMaskMod(), op.getScoreMod());
}

LogicalResult AttentionOp::verifyRegions() { return verifyModRegions(*this); }

//===----------------------------------------------------------------------===//
// ScoreMapOp
//===----------------------------------------------------------------------===//

MaskExprAttrInterface ScoreMapOp::getMaskExpr() {
  if (auto m = getMaskAttr())
    return m.getExpr();
  return AllMaskAttr::get(getContext());
}

LogicalResult ScoreMapOp::verify() {
  if (getScores().getType().getRank() != 5)
    return emitOpError() << "scores must be [B, Hkv, G, Tq, Tk], found "
                         << getScores().getType();
  double s = getScaleAttr().getValueAsDouble();
  if (!(s > 0.0) || !std::isfinite(s))
    return emitOpError() << "scale must be finite and > 0, found " << s;
  if (static_cast<bool>(getBatchOffset()) != static_cast<bool>(getHeadOffset()))
    return emitOpError("origin needs both a batch and a head offset");
  auto scores = getScores().getType();
  if (auto heads = getQHeads(); heads && !scores.isDynamicDim(1) &&
                                !scores.isDynamicDim(2) &&
                                *heads % (scores.getDimSize(2)) != 0)
    return emitOpError() << "q_heads = " << *heads
                         << " is not a multiple of the tile's G = "
                         << scores.getDimSize(2);
  mask::Requirements req;
  return verifyExtras(*this, req);
}

LogicalResult ScoreMapOp::verifyRegions() { return verifyModRegions(*this); }

//===----------------------------------------------------------------------===//
// EinsumOp
//===----------------------------------------------------------------------===//

RankedTensorType EinsumOp::inferResultType(StringRef equation, TypeRange inputs,
                                           Type elementType) {
  auto [lhs, out] = equation.split("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/true);
  SmallVector<int64_t> shape;
  for (char c : out) {
    int64_t size = ShapedType::kDynamic;
    for (auto [term, type] : llvm::zip(terms, inputs)) {
      size_t pos = term.find(c);
      auto ranked = dyn_cast<RankedTensorType>(type);
      if (pos == StringRef::npos || !ranked || pos >= ranked.getShape().size())
        continue;
      if (!ranked.isDynamicDim(pos)) {
        size = ranked.getDimSize(pos);
        break;
      }
    }
    shape.push_back(size);
  }
  return RankedTensorType::get(shape, elementType);
}

void EinsumOp::build(OpBuilder &builder, OperationState &state,
                     EinsumCompute compute, StringRef equation,
                     ValueRange inputs, Type elementType,
                     std::optional<EinsumReduce> reduce) {
  RankedTensorType type =
      inferResultType(equation, inputs.getTypes(), elementType);
  build(builder, state, type, compute, equation,
        reduce ? EinsumReduceAttr::get(builder.getContext(), *reduce)
               : EinsumReduceAttr(),
        inputs);
}

unsigned EinsumOp::getArity(EinsumCompute c) {
  switch (c) {
  case EinsumCompute::copy:
  case EinsumCompute::neg:
  case EinsumCompute::exp:
  case EinsumCompute::log:
    return 1;
  default:
    return 2;
  }
}

LogicalResult EinsumOp::verify() {
  StringRef eq = getEquation();
  StringRef lhs, out;
  std::tie(lhs, out) = eq.split("->");
  if (!eq.contains("->"))
    return emitOpError() << "equation '" << eq << "' has no '->'";
  SmallVector<StringRef> terms;
  lhs.split(terms, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/true);
  if (terms.size() != getInputs().size())
    return emitOpError() << "equation names " << terms.size()
                         << " inputs, the op has " << getInputs().size();
  for (Value input : getInputs())
    if (getElementTypeOrSelf(input.getType()) !=
        getElementTypeOrSelf(getInputs().front().getType()))
      return emitOpError() << "inputs must share an element type, found "
                           << getElementTypeOrSelf(
                                  getInputs().front().getType())
                           << " and " << getElementTypeOrSelf(input.getType());
  unsigned arity = getArity(getCompute());
  if (getInputs().size() != arity)
    return emitOpError() << "compute '" << stringifyEinsumCompute(getCompute())
                         << "' takes " << arity << " input(s), found "
                         << getInputs().size();

  // Each letter names one extent, consistent across operands.
  int64_t sizes[26];
  bool bound[26] = {};
  bool inInput[26] = {};
  auto bind = [&](StringRef term, RankedTensorType type,
                  StringRef what) -> LogicalResult {
    if (static_cast<int64_t>(term.size()) != type.getRank())
      return emitOpError() << what << " '" << term << "' names " << term.size()
                           << " axes, its type has rank " << type.getRank();
    bool seen[26] = {};
    for (auto [i, c] : llvm::enumerate(term)) {
      if (c < 'a' || c > 'z')
        return emitOpError()
               << "equation axes must be letters a-z, found '" << c << "'";
      if (seen[c - 'a'])
        return emitOpError()
               << what << " '" << term << "' repeats axis '" << c << "'";
      seen[c - 'a'] = true;
      int64_t &size = sizes[c - 'a'];
      int64_t d = type.getDimSize(i);
      if (!bound[c - 'a'] || ShapedType::isDynamic(size)) {
        size = d;
        bound[c - 'a'] = true;
      } else if (!ShapedType::isDynamic(d) && d != size) {
        return emitOpError()
               << "axis '" << c << "' has extent " << size << " and " << d;
      }
    }
    return success();
  };
  for (auto [term, input] : llvm::zip(terms, getInputs())) {
    if (failed(bind(term, cast<RankedTensorType>(input.getType()), "input")))
      return failure();
    for (char c : term)
      inInput[c - 'a'] = true;
  }
  for (char c : out)
    if (c >= 'a' && c <= 'z' && !inInput[c - 'a'])
      return emitOpError() << "output axis '" << c << "' appears in no input";
  if (failed(bind(out, getResult().getType(), "output")))
    return failure();
  bool reduces = llvm::any_of(llvm::seq(0, 26), [&](int i) {
    return inInput[i] && !out.contains(static_cast<char>('a' + i));
  });
  if (reduces && !getReduce())
    return emitOpError() << "equation reduces an axis but the op has no "
                            "reduce operator";
  if (!reduces && getReduce())
    return emitOpError() << "reduce operator given but the equation reduces "
                            "no axis";
  return success();
}
