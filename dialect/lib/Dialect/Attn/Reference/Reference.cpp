//===- Reference.cpp - fp64 reference of attn.attention -------------------===//
//
// analyze() checks the inputs against the op and fixes the extents;
// Evaluator turns the run-time operands and regions into the callbacks of
// mask::Context and mask::ScoreContext (the same ones the mask algebra's
// isVisible and the score terms' apply read). computeReference and
// computeNaive then run the same loop nest over the query rows asked for
// (all, or a sample), one in double, one in the element type with f32
// accumulation; compareWithTolerance applies the rule on those rows.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Reference/Reference.h"
#include "attn/Dialect/Attn/Reference/RegionInterpreter.h"
#include "attn/Runtime/Float16.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

using namespace mlir;
using namespace attn;
using namespace attn::reference;

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

HostTensor HostTensor::filled(std::vector<int64_t> shape, double value) {
  HostTensor t;
  t.shape = std::move(shape);
  t.data.assign(static_cast<size_t>(t.numElements()), value);
  return t;
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t HostTensor::offset(llvm::ArrayRef<int64_t> index) const {
  int64_t flat = 0;
  for (auto [i, extent] : llvm::zip(index, shape))
    flat = flat * extent + i;
  return flat;
}

//===----------------------------------------------------------------------===//
// Checking the inputs
//===----------------------------------------------------------------------===//

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

llvm::Error error(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s +=
        (i ? ", " : "") + (d == ShapedType::kDynamic ? "?" : std::to_string(d));
  return s + "]";
}

/// The extents of one problem and what its mask and score terms need.
struct Problem {
  int64_t batch = 0, qHeads = 0, kvHeads = 0, qLen = 0, kvLen = 0;
  int64_t dqk = 0, dv = 0;
  bool bshd = false;
  double scale = 1.0;
  MaskExprAttrInterface mask;
  SmallVector<ScoreModAttrInterface> terms;
  mask::Requirements req;
  bool needBias = false, needScoreMod = false;

  /// Offset of (b, h, s, d) in a [B, H, S, D] tensor stored in the layout.
  int64_t index(int64_t b, int64_t h, int64_t s, int64_t d, int64_t heads,
                int64_t len, int64_t dim) const {
    return bshd ? ((b * len + s) * heads + h) * dim + d
                : ((b * heads + h) * len + s) * dim + d;
  }
  std::vector<int64_t> outputShape() const {
    return bshd ? std::vector<int64_t>{batch, qLen, qHeads, dv}
                : std::vector<int64_t>{batch, qHeads, qLen, dv};
  }
};

/// Checks that a tensor's data matches its shape.
llvm::Error checkTensor(const char *name, const HostTensor &t) {
  int64_t count = 1;
  for (int64_t d : t.shape) {
    if (d < 0)
      return error(Twine(name) + " has a negative extent in " +
                   shapeString(t.shape));
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / d)
      return error(Twine(name) + " shape " + shapeString(t.shape) +
                   " overflows");
    count *= d;
  }
  if (static_cast<int64_t>(t.data.size()) != count)
    return error(Twine(name) + " has " + Twine(t.data.size()) +
                 " elements, its shape " + shapeString(t.shape) + " needs " +
                 Twine(count));
  return llvm::Error::success();
}

/// Checks a tensor against the extents it must have (-1: any; a broadcast
/// extent may also be 1).
llvm::Error checkShape(const char *name, const HostTensor &t,
                       llvm::ArrayRef<int64_t> want,
                       llvm::ArrayRef<bool> broadcast = {}) {
  if (llvm::Error e = checkTensor(name, t))
    return e;
  bool ok = t.shape.size() == want.size();
  for (size_t i = 0; ok && i < want.size(); ++i)
    ok = want[i] < 0 || t.shape[i] == want[i] ||
         (i < broadcast.size() && broadcast[i] && t.shape[i] == 1);
  if (!ok)
    return error(Twine(name) + " has shape " + shapeString(t.shape) +
                 ", expected " + shapeString(want) +
                 (broadcast.empty() ? "" : " (or 1 in the broadcast dims)"));
  return llvm::Error::success();
}

/// Checks the run-time shape of an operand against its static type.
llvm::Error checkAgainstType(const char *name, const HostTensor &t,
                             Value operand) {
  auto type = cast<RankedTensorType>(operand.getType());
  if (static_cast<int64_t>(t.shape.size()) != type.getRank())
    return error(Twine(name) + " has rank " + Twine(t.shape.size()) +
                 ", the op's type has rank " + Twine(type.getRank()));
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (!ShapedType::isDynamic(dim) && dim != t.shape[i])
      return error(Twine(name) + " has shape " + shapeString(t.shape) +
                   ", the op's type is " + shapeString(type.getShape()));
  return llvm::Error::success();
}

llvm::Error checkIntegers(const char *name, const HostTensor &t) {
  for (double v : t.data)
    if (!std::isfinite(v) || v != std::trunc(v) || std::fabs(v) > 0x1p62)
      return error(Twine(name) + " must hold integers, found " +
                   std::to_string(v));
  return llvm::Error::success();
}

llvm::Expected<Problem> analyze(AttentionOp op, const ReferenceInputs &in) {
  Problem p;
  p.bshd = op.getLayout() == Layout::bshd;
  unsigned hAxis = op.getHeadAxis(), sAxis = op.getSeqAxis();
  for (auto [name, t] :
       {std::pair<const char *, const HostTensor *>{"query", &in.query},
        {"key", &in.key},
        {"value", &in.value}}) {
    if (llvm::Error e = checkTensor(name, *t))
      return std::move(e);
    if (t->shape.size() != 4)
      return error(Twine(name) + " must have rank 4, found shape " +
                   shapeString(t->shape));
  }
  if (llvm::Error e = checkAgainstType("query", in.query, op.getQuery()))
    return std::move(e);
  if (llvm::Error e = checkAgainstType("key", in.key, op.getKey()))
    return std::move(e);
  if (llvm::Error e = checkAgainstType("value", in.value, op.getValue()))
    return std::move(e);
  const std::vector<int64_t> &q = in.query.shape, &k = in.key.shape,
                             &v = in.value.shape;
  p.batch = q[0];
  p.qHeads = q[hAxis];
  p.qLen = q[sAxis];
  p.dqk = q[3];
  p.kvHeads = k[hAxis];
  p.kvLen = k[sAxis];
  p.dv = v[3];
  if (k[0] != p.batch || v[0] != p.batch)
    return error("batch sizes differ: query " + Twine(p.batch) + ", key " +
                 Twine(k[0]) + ", value " + Twine(v[0]));
  if (k[3] != p.dqk)
    return error("query and key head dims differ: " + Twine(p.dqk) + " vs " +
                 Twine(k[3]));
  if (v[hAxis] != p.kvHeads || v[sAxis] != p.kvLen)
    return error("key " + shapeString(k) + " and value " + shapeString(v) +
                 " differ in heads or length");
  if (p.kvHeads < 1 || p.qHeads % p.kvHeads != 0)
    return error("query heads (" + Twine(p.qHeads) +
                 ") must be a multiple of key/value heads (" +
                 Twine(p.kvHeads) + ")");
  if (p.dqk < 1 || p.dv < 1)
    return error("head dims must be >= 1");

  p.scale = op.getScaleAttr() ? op.getScaleAttr().getValueAsDouble()
                              : 1.0 / std::sqrt(static_cast<double>(p.dqk));
  p.mask = op.getMaskExpr();
  p.mask.addRequirements(p.req);
  if (ScoreAttr score = op.getScoreAttr())
    for (ScoreModAttrInterface term : score.getTerms()) {
      p.terms.push_back(term);
      p.needBias |= term.needsBiasOperand();
      p.needScoreMod |= term.needsScoreModRegion();
    }

  // Document operands.
  bool needSegments = p.req.documents || p.req.docOffsets;
  if (in.qSegments.has_value() != in.kvSegments.has_value())
    return error("segments need both the query and the key tensor");
  if (needSegments && !in.qSegments)
    return error("the mask's 'document' kind needs the segments operands");
  if (!needSegments && in.qSegments)
    return error("segments given but the mask has no 'document' kind");
  if (needSegments) {
    for (auto [name, t, len] :
         {std::tuple<const char *, const HostTensor *, int64_t>{
              "query segments", &*in.qSegments, p.qLen},
          {"key segments", &*in.kvSegments, p.kvLen}}) {
      if (p.req.documents) {
        if (llvm::Error e = checkShape(name, *t, {p.batch, len}))
          return std::move(e);
      } else {
        if (llvm::Error e = checkShape(name, *t, {p.batch, -1}))
          return std::move(e);
        if (t->shape[1] < 1)
          return error(Twine(name) + ": document offsets need at least one "
                                     "entry");
      }
      if (llvm::Error e = checkIntegers(name, *t))
        return std::move(e);
      if (p.req.docOffsets)
        for (int64_t b = 0; b < p.batch; ++b)
          for (int64_t j = 1; j < t->shape[1]; ++j)
            if (t->at({b, j}) < t->at({b, j - 1}))
              return error(Twine(name) +
                           ": document offsets must not "
                           "decrease (batch " +
                           Twine(b) + ")");
    }
  }
  // Block mask.
  if (p.req.blockMask && !in.blockMask)
    return error("the mask's 'blocks(.., runtime)' kind needs the block_mask "
                 "operand");
  if (!p.req.blockMask && in.blockMask)
    return error("block_mask given but the mask has no runtime 'blocks' kind");
  if (in.blockMask) {
    int64_t nq = (p.qLen + p.req.blockQ - 1) / p.req.blockQ;
    int64_t nk = (p.kvLen + p.req.blockK - 1) / p.req.blockK;
    if (llvm::Error e = checkShape("block_mask", *in.blockMask,
                                   {p.batch, p.qHeads, nq, nk}, {true, true}))
      return std::move(e);
  }
  // Bias.
  if (p.needBias && !in.bias)
    return error("the score term 'bias' needs the bias operand");
  if (!p.needBias && in.bias)
    return error("bias given but the score terms have no 'bias'");
  if (in.bias)
    if (llvm::Error e =
            checkShape("bias", *in.bias, {p.batch, p.qHeads, p.qLen, p.kvLen},
                       {true, true}))
      return std::move(e);
  // Regions.
  if (p.req.maskModRegion && op.getMaskMod().empty())
    return error("the mask's 'mask_mod' kind needs a mask_mod region");
  if (p.needScoreMod && op.getScoreMod().empty())
    return error("the score term 'score_mod' needs a score_mod region");
  return p;
}

//===----------------------------------------------------------------------===//
// The mask and score contexts
//===----------------------------------------------------------------------===//

/// Owns what the callbacks of a mask::Context and a mask::ScoreContext read.
/// The callbacks cannot return errors: a failing region records the first
/// one in `failure` and the caller checks it.
class Evaluator {
public:
  static llvm::Expected<std::unique_ptr<Evaluator>>
  create(AttentionOp op, const Problem &p, const ReferenceInputs &in,
         bool roundToType) {
    std::unique_ptr<Evaluator> ev(new Evaluator());
    InterpreterOptions options;
    options.roundToType = roundToType;
    ev->maskCtx.batch = p.batch;
    ev->maskCtx.qHeads = p.qHeads;
    ev->maskCtx.kvHeads = p.kvHeads;
    ev->maskCtx.qLen = p.qLen;
    ev->maskCtx.kvLen = p.kvLen;
    ev->scoreCtx.qHeads = p.qHeads;
    ev->scoreCtx.qLen = p.qLen;
    ev->scoreCtx.kvLen = p.kvLen;

    if (in.qSegments) {
      ev->qDocs = documents(*in.qSegments, p.batch, p.qLen, p.req.docOffsets);
      ev->kvDocs =
          documents(*in.kvSegments, p.batch, p.kvLen, p.req.docOffsets);
      Evaluator *self = ev.get();
      int64_t qLen = p.qLen, kvLen = p.kvLen;
      ev->maskCtx.qDocument = [self, qLen](int64_t b, int64_t q) {
        return self->qDocs[b * qLen + q];
      };
      ev->maskCtx.kvDocument = [self, kvLen](int64_t b, int64_t k) {
        return self->kvDocs[b * kvLen + k];
      };
    }
    if (in.blockMask) {
      const HostTensor *m = &*in.blockMask;
      ev->maskCtx.blockKept = [m](int64_t b, int64_t h, int64_t qb,
                                  int64_t kb) {
        if (qb >= m->shape[2] || kb >= m->shape[3])
          return false;
        return m->at({m->shape[0] == 1 ? 0 : b, m->shape[1] == 1 ? 0 : h, qb,
                      kb}) != 0.0;
      };
    }
    if (in.bias) {
      const HostTensor *bias = &*in.bias;
      ev->scoreCtx.bias = [bias](int64_t b, int64_t h, int64_t q, int64_t k) {
        return bias->at(
            {bias->shape[0] == 1 ? 0 : b, bias->shape[1] == 1 ? 0 : h, q, k});
      };
    }
    if (p.req.maskModRegion) {
      auto interp = RegionInterpreter::create(op.getMaskMod(), options);
      if (!interp)
        return error("mask_mod: " + llvm::toString(interp.takeError()));
      ev->maskMod.emplace(std::move(*interp));
      Evaluator *self = ev.get();
      ev->maskCtx.maskMod = [self](int64_t b, int64_t h, int64_t q, int64_t k) {
        auto results =
            self->maskMod->run({InterpValue::index(b), InterpValue::index(h),
                                InterpValue::index(q), InterpValue::index(k)});
        if (!results) {
          self->fail("mask_mod", results.takeError());
          return false;
        }
        if (results->size() != 1 || !(*results)[0].isInteger()) {
          self->fail("mask_mod", error("the region must yield one i1"));
          return false;
        }
        return ((*results)[0].getBits() & 1) != 0;
      };
    }
    if (p.needScoreMod) {
      auto interp = RegionInterpreter::create(op.getScoreMod(), options);
      if (!interp)
        return error("score_mod: " + llvm::toString(interp.takeError()));
      ev->scoreMod.emplace(std::move(*interp));
      Evaluator *self = ev.get();
      ev->scoreCtx.scoreMod = [self](double s, int64_t b, int64_t h, int64_t q,
                                     int64_t k) {
        auto results = self->scoreMod->run(
            {InterpValue::real(s), InterpValue::index(b), InterpValue::index(h),
             InterpValue::index(q), InterpValue::index(k)});
        if (!results) {
          self->fail("score_mod", results.takeError());
          return std::numeric_limits<double>::quiet_NaN();
        }
        if (results->size() != 1 || !(*results)[0].isFloat()) {
          self->fail("score_mod", error("the region must yield one f32"));
          return std::numeric_limits<double>::quiet_NaN();
        }
        return (*results)[0].getFloat();
      };
    }
    return std::move(ev);
  }

  /// The first error a region reported, if any.
  llvm::Error takeFailure() {
    return failure.empty() ? llvm::Error::success() : error(failure);
  }

  mask::Context maskCtx;
  mask::ScoreContext scoreCtx;

private:
  Evaluator() = default;

  void fail(const char *region, llvm::Error e) {
    std::string message = llvm::toString(std::move(e));
    if (failure.empty())
      failure = std::string(region) + ": " + message;
  }

  /// Document ids per (b, position), from ids or from cumulative offsets:
  /// position i lies in document j when offsets[j] <= i < offsets[j + 1],
  /// and is padding (-1) outside [offsets[0], offsets[N]).
  static std::vector<int64_t> documents(const HostTensor &t, int64_t batch,
                                        int64_t len, bool fromOffsets) {
    std::vector<int64_t> docs(static_cast<size_t>(batch * len), -1);
    for (int64_t b = 0; b < batch; ++b) {
      if (!fromOffsets) {
        for (int64_t i = 0; i < len; ++i)
          docs[b * len + i] = static_cast<int64_t>(t.at({b, i}));
        continue;
      }
      int64_t count = t.shape[1];
      int64_t j = 0;
      for (int64_t i = 0; i < len; ++i) {
        while (j + 1 < count && static_cast<int64_t>(t.at({b, j + 1})) <= i)
          ++j;
        bool inside = j + 1 < count && static_cast<int64_t>(t.at({b, j})) <= i;
        docs[b * len + i] = inside ? j : -1;
      }
    }
    return docs;
  }

  std::vector<int64_t> qDocs, kvDocs;
  std::optional<RegionInterpreter> maskMod, scoreMod;
  std::string failure;
};

runtime::FloatFormat formatOf(Type type, bool &ok) {
  ok = true;
  if (type.isF16())
    return runtime::FloatFormat::F16;
  if (type.isBF16())
    return runtime::FloatFormat::BF16;
  ok = type.isF32();
  return runtime::FloatFormat::F32;
}

/// The query rows to compute: those the options list, or all of them.
llvm::Expected<std::vector<int64_t>>
queryRowsOf(const Problem &p, const ReferenceOptions &options) {
  if (options.queryRows.empty()) {
    std::vector<int64_t> all(static_cast<size_t>(p.qLen));
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  for (int64_t q : options.queryRows)
    if (q < 0 || q >= p.qLen)
      return error("query row " + Twine(q) + " is outside [0, " +
                   Twine(p.qLen) + ")");
  return options.queryRows;
}

/// Results of the problem's shape, NaN until a row is computed: a row left
/// out of a sample can never pass for a computed one.
ReferenceResult unfilledResult(const Problem &p) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  return {HostTensor::filled(p.outputShape(), nan),
          HostTensor::filled({p.batch, p.qHeads, p.qLen}, nan)};
}

} // namespace

//===----------------------------------------------------------------------===//
// The reference
//===----------------------------------------------------------------------===//

llvm::Expected<ReferenceResult>
attn::reference::computeReference(AttentionOp op, const ReferenceInputs &inputs,
                                  const ReferenceOptions &options) {
  llvm::Expected<Problem> problem = analyze(op, inputs);
  if (!problem)
    return problem.takeError();
  const Problem &p = *problem;
  llvm::Expected<std::vector<int64_t>> rows = queryRowsOf(p, options);
  if (!rows)
    return rows.takeError();
  auto evaluator = Evaluator::create(op, p, inputs, /*roundToType=*/false);
  if (!evaluator)
    return evaluator.takeError();
  Evaluator &ev = **evaluator;

  ReferenceResult result = unfilledResult(p);
  const std::vector<double> &Q = inputs.query.data, &K = inputs.key.data,
                            &V = inputs.value.data;
  int64_t group = p.qHeads / p.kvHeads;
  std::vector<double> scores(p.kvLen), acc(p.dv);
  std::vector<char> visible(p.kvLen);

  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t h = 0; h < p.qHeads; ++h) {
      int64_t kvh = h / group;
      for (int64_t q : *rows) {
        double rowMax = -kInf;
        bool anyNaN = false;
        for (int64_t k = 0; k < p.kvLen; ++k) {
          mask::Point point{b, h, q, k};
          visible[k] = p.mask.isVisible(point, ev.maskCtx);
          if (!visible[k])
            continue;
          double dot = 0.0;
          for (int64_t d = 0; d < p.dqk; ++d)
            dot += Q[p.index(b, h, q, d, p.qHeads, p.qLen, p.dqk)] *
                   K[p.index(b, kvh, k, d, p.kvHeads, p.kvLen, p.dqk)];
          double s = p.scale * dot;
          for (ScoreModAttrInterface term : p.terms)
            s = term.apply(s, point, ev.scoreCtx);
          scores[k] = s;
          anyNaN |= std::isnan(s);
          if (s > rowMax)
            rowMax = s;
        }
        if (llvm::Error e = ev.takeFailure())
          return std::move(e);
        int64_t lseIndex = (b * p.qHeads + h) * p.qLen + q;
        auto outAt = [&](int64_t d) -> double & {
          return result.output
              .data[p.index(b, h, q, d, p.qHeads, p.qLen, p.dv)];
        };
        if (anyNaN) {
          result.lse.data[lseIndex] = std::nan("");
          for (int64_t d = 0; d < p.dv; ++d)
            outAt(d) = std::nan("");
          continue;
        }
        // No visible key (or only keys scored -inf): O = 0, LSE = -inf.
        if (rowMax == -kInf) {
          for (int64_t d = 0; d < p.dv; ++d)
            outAt(d) = 0.0;
          result.lse.data[lseIndex] = -kInf;
          continue;
        }
        double sum = 0.0;
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t k = 0; k < p.kvLen; ++k) {
          if (!visible[k])
            continue;
          double w = std::exp(scores[k] - rowMax);
          sum += w;
          for (int64_t d = 0; d < p.dv; ++d)
            acc[d] += w * V[p.index(b, kvh, k, d, p.kvHeads, p.kvLen, p.dv)];
        }
        for (int64_t d = 0; d < p.dv; ++d)
          outAt(d) = acc[d] / sum;
        result.lse.data[lseIndex] = rowMax + std::log(sum);
      }
    }
  return result;
}

//===----------------------------------------------------------------------===//
// The naive computation in the element type
//===----------------------------------------------------------------------===//

llvm::Expected<ReferenceResult>
attn::reference::computeNaive(AttentionOp op, const ReferenceInputs &inputs,
                              Type elementType,
                              const ReferenceOptions &options) {
  bool supported = false;
  runtime::FloatFormat format = formatOf(elementType, supported);
  if (!supported) {
    std::string name;
    llvm::raw_string_ostream(name) << elementType;
    return error("naive attention runs in f16, bf16 or f32, not " + name);
  }
  llvm::Expected<Problem> problem = analyze(op, inputs);
  if (!problem)
    return problem.takeError();
  const Problem &p = *problem;
  llvm::Expected<std::vector<int64_t>> rows = queryRowsOf(p, options);
  if (!rows)
    return rows.takeError();
  auto evaluator = Evaluator::create(op, p, inputs, /*roundToType=*/true);
  if (!evaluator)
    return evaluator.takeError();
  Evaluator &ev = **evaluator;
  auto round = [format](float x) { return runtime::roundTo(format, x); };
  auto rounded = [&](const std::vector<double> &data) {
    std::vector<float> out(data.size());
    for (size_t i = 0; i < data.size(); ++i)
      out[i] = round(static_cast<float>(data[i]));
    return out;
  };
  std::vector<float> Q = rounded(inputs.query.data),
                     K = rounded(inputs.key.data),
                     V = rounded(inputs.value.data);
  float scale = static_cast<float>(p.scale);
  const float inf = std::numeric_limits<float>::infinity();

  ReferenceResult result = unfilledResult(p);
  int64_t group = p.qHeads / p.kvHeads;
  std::vector<float> scores(p.kvLen), probs(p.kvLen), acc(p.dv);

  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t h = 0; h < p.qHeads; ++h) {
      int64_t kvh = h / group;
      for (int64_t q : *rows) {
        float rowMax = -inf;
        bool anyNaN = false;
        for (int64_t k = 0; k < p.kvLen; ++k) {
          mask::Point point{b, h, q, k};
          if (!p.mask.isVisible(point, ev.maskCtx)) {
            scores[k] = -inf;
            continue;
          }
          float dot = 0.0f;
          for (int64_t d = 0; d < p.dqk; ++d)
            dot += Q[p.index(b, h, q, d, p.qHeads, p.qLen, p.dqk)] *
                   K[p.index(b, kvh, k, d, p.kvHeads, p.kvLen, p.dqk)];
          float s = round(round(dot) * scale);
          for (ScoreModAttrInterface term : p.terms)
            s = round(static_cast<float>(term.apply(s, point, ev.scoreCtx)));
          scores[k] = s;
          anyNaN |= std::isnan(s);
          if (s > rowMax)
            rowMax = s;
        }
        if (llvm::Error e = ev.takeFailure())
          return std::move(e);
        int64_t lseIndex = (b * p.qHeads + h) * p.qLen + q;
        auto outAt = [&](int64_t d) -> double & {
          return result.output
              .data[p.index(b, h, q, d, p.qHeads, p.qLen, p.dv)];
        };
        if (anyNaN) {
          result.lse.data[lseIndex] = std::nan("");
          for (int64_t d = 0; d < p.dv; ++d)
            outAt(d) = std::nan("");
          continue;
        }
        if (rowMax == -inf) {
          for (int64_t d = 0; d < p.dv; ++d)
            outAt(d) = 0.0;
          result.lse.data[lseIndex] = -kInf;
          continue;
        }
        float sum = 0.0f;
        for (int64_t k = 0; k < p.kvLen; ++k) {
          probs[k] = std::exp(scores[k] - rowMax);
          sum += probs[k];
        }
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int64_t k = 0; k < p.kvLen; ++k) {
          float w = round(probs[k] / sum);
          if (w == 0.0f)
            continue;
          for (int64_t d = 0; d < p.dv; ++d)
            acc[d] += w * V[p.index(b, kvh, k, d, p.kvHeads, p.kvLen, p.dv)];
        }
        for (int64_t d = 0; d < p.dv; ++d)
          outAt(d) = round(acc[d]);
        result.lse.data[lseIndex] = rowMax + std::log(sum);
      }
    }
  return result;
}

//===----------------------------------------------------------------------===//
// The tolerance rule
//===----------------------------------------------------------------------===//

llvm::Expected<ToleranceReport> attn::reference::compareWithTolerance(
    const HostTensor &out, const HostTensor &ref, const HostTensor &naive,
    const RowSelection &selection) {
  for (auto [name, t] :
       {std::pair<const char *, const HostTensor *>{"output", &out},
        {"reference", &ref},
        {"naive", &naive}})
    if (llvm::Error e = checkTensor(name, *t))
      return std::move(e);
  if (out.shape != ref.shape || naive.shape != ref.shape)
    return error("cannot compare tensors of shapes " + shapeString(out.shape) +
                 " (output), " + shapeString(ref.shape) + " (reference) and " +
                 shapeString(naive.shape) + " (naive)");
  // Element i lies in row (i / stride) % extent of the selected axis.
  int64_t stride = 1, extent = 1;
  std::vector<char> selected;
  if (!selection.rows.empty()) {
    if (selection.axis >= ref.shape.size())
      return error("cannot select rows along dimension " +
                   Twine(selection.axis) + " of a tensor of shape " +
                   shapeString(ref.shape));
    extent = ref.shape[selection.axis];
    for (size_t d = selection.axis + 1; d < ref.shape.size(); ++d)
      stride *= ref.shape[d];
    selected.assign(static_cast<size_t>(extent), 0);
    for (int64_t row : selection.rows) {
      if (row < 0 || row >= extent)
        return error("row " + Twine(row) + " is outside [0, " + Twine(extent) +
                     ") in dimension " + Twine(selection.axis) + " of " +
                     shapeString(ref.shape));
      selected[row] = 1;
    }
  }
  ToleranceReport report;
  for (size_t i = 0; i < ref.data.size(); ++i) {
    if (!selected.empty() &&
        !selected[(static_cast<int64_t>(i) / stride) % extent])
      continue;
    ++report.elementsCompared;
    double o = out.data[i], r = ref.data[i], n = naive.data[i];
    double e = 0.0;
    if (o == r || (std::isnan(o) && std::isnan(r))) {
      e = 0.0;
    } else if (!std::isfinite(o) || !std::isfinite(r)) {
      e = kInf;
      ++report.nonFiniteMismatches;
    } else {
      e = std::fabs(o - r);
    }
    if (e > report.maxError) {
      report.maxError = e;
      report.worstIndex = static_cast<int64_t>(i);
    }
    if (std::isfinite(n) && std::isfinite(r))
      report.naiveError = std::max(report.naiveError, std::fabs(n - r));
  }
  report.bound = 2.0 * report.naiveError + 1e-5;
  report.pass = report.maxError <= report.bound;
  return report;
}

llvm::Expected<ReferenceInputs> attn::reference::referenceInputsFromArguments(
    AttentionOp op, llvm::ArrayRef<HostTensor> arguments) {
  ReferenceInputs inputs;
  auto assign = [&](mlir::Value operand, HostTensor &slot) -> llvm::Error {
    auto arg = llvm::dyn_cast<mlir::BlockArgument>(operand);
    if (!arg || arg.getOwner() != &op->getParentRegion()->front() ||
        arg.getArgNumber() >= arguments.size())
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "every operand of attn.attention must be an argument of its "
          "function");
    slot = arguments[arg.getArgNumber()];
    return llvm::Error::success();
  };
  if (auto err = assign(op.getQuery(), inputs.query))
    return std::move(err);
  if (auto err = assign(op.getKey(), inputs.key))
    return std::move(err);
  if (auto err = assign(op.getValue(), inputs.value))
    return std::move(err);
  auto optional = [&](mlir::Value operand,
                      std::optional<HostTensor> &slot) -> llvm::Error {
    if (!operand)
      return llvm::Error::success();
    slot.emplace();
    return assign(operand, *slot);
  };
  if (auto err = optional(op.getQSegments(), inputs.qSegments))
    return std::move(err);
  if (auto err = optional(op.getKvSegments(), inputs.kvSegments))
    return std::move(err);
  if (auto err = optional(op.getBlockMask(), inputs.blockMask))
    return std::move(err);
  if (auto err = optional(op.getBias(), inputs.bias))
    return std::move(err);
  return inputs;
}
