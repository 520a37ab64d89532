//===- ReferenceTest.cpp - The fp64 reference and the tolerance rule ------===//
//
// The reference on hand-computed cases; against an independent dense
// computation (explicit score matrix, softmax through the log-sum-exp) for
// every mask kind (visibility from the kinds' isVisible, and from formulas
// for the simplest), every score modifier (from the papers' formulas),
// GQA / MQA, unequal head dims, the bshd layout and dynamic shapes; fully
// masked rows, large scores, mask_mod and score_mod regions; every input
// error; and the naive computation and the tolerance rule built on it.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Reference/Reference.h"
#include "MaskGenerators.h"
#include "MaskTestUtils.h"
#include "attn/Runtime/Float16.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"

#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace attn;
using namespace attn::reference;
using namespace attn::test;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// The attn.attention a test builds: extents, attributes, operands, regions.
struct Spec {
  int64_t batch = 1, qHeads = 2, kvHeads = 2, qLen = 5, kvLen = 7;
  int64_t dqk = 4, dv = 4;
  std::string mask, score, scale, element = "f32";
  bool bshd = false, dynamic = false, returnLse = false;
  std::string segments; ///< "", "ids" or "offsets"
  int64_t offsetsLen = 0;
  bool blockMask = false;
  int64_t blockQ = 1, blockK = 1;
  bool bias = false;
  bool broadcastBatch = false, broadcastHead = false; ///< bias, block_mask
  std::string regions;
};

std::string tensorType(const std::vector<std::string> &dims,
                       const std::string &element) {
  std::string s = "tensor<";
  for (const std::string &d : dims)
    s += d + "x";
  return s + element + ">";
}

std::string buildIR(const Spec &s) {
  auto dim = [&](int64_t v, bool dynamic) {
    return dynamic ? std::string("?") : std::to_string(v);
  };
  std::string B = dim(s.batch, s.dynamic), Sq = dim(s.qLen, s.dynamic),
              Sk = dim(s.kvLen, s.dynamic);
  auto layoutType = [&](const std::string &len, int64_t heads, int64_t d) {
    std::string H = std::to_string(heads), D = std::to_string(d);
    return s.bshd ? tensorType({B, len, H, D}, s.element)
                  : tensorType({B, H, len, D}, s.element);
  };
  std::string tq = layoutType(Sq, s.qHeads, s.dqk),
              tk = layoutType(Sk, s.kvHeads, s.dqk),
              tv = layoutType(Sk, s.kvHeads, s.dv),
              to = layoutType(Sq, s.qHeads, s.dv);
  std::string args = "%q: " + tq + ", %k: " + tk + ", %v: " + tv;
  std::string operands;
  if (!s.segments.empty()) {
    bool ids = s.segments == "ids";
    std::string tqs = tensorType({B, ids ? Sq : std::to_string(s.offsetsLen)},
                                 "i32"),
                tks = tensorType({B, ids ? Sk : std::to_string(s.offsetsLen)},
                                 "i32");
    args += ", %qs: " + tqs + ", %ks: " + tks;
    operands += " segments(%qs, %ks : " + tqs + ", " + tks + ")";
  }
  std::string B1 = s.broadcastBatch ? "1" : B,
              H1 = s.broadcastHead ? "1" : std::to_string(s.qHeads);
  if (s.blockMask) {
    std::string nq = s.dynamic
                         ? "?"
                         : std::to_string((s.qLen + s.blockQ - 1) / s.blockQ),
                nk = s.dynamic
                         ? "?"
                         : std::to_string((s.kvLen + s.blockK - 1) / s.blockK);
    std::string tm = tensorType({B1, H1, nq, nk}, "i8");
    args += ", %m: " + tm;
    operands += " block_mask(%m : " + tm + ")";
  }
  if (s.bias) {
    std::string tb = tensorType({B1, H1, Sq, Sk}, "f32");
    args += ", %bias: " + tb;
    operands += " bias(%bias : " + tb + ")";
  }
  std::vector<std::string> attrs;
  if (!s.mask.empty())
    attrs.push_back("mask = #attn.mask<" + s.mask + ">");
  if (!s.score.empty())
    attrs.push_back("score = #attn.score<" + s.score + ">");
  if (!s.scale.empty())
    attrs.push_back("scale = " + s.scale + " : f32");
  if (s.bshd)
    attrs.push_back("layout = #attn.layout<bshd>");
  if (s.returnLse)
    attrs.push_back("return_lse");
  std::string attrText;
  for (size_t i = 0; i < attrs.size(); ++i)
    attrText += (i ? ", " : "") + attrs[i];
  std::string tl = tensorType({B, std::to_string(s.qHeads), Sq}, "f32");
  std::string results = s.returnLse ? to + ", " + tl : to;
  return "func.func @f(" + args + ") -> (" + results + ") {\n  %r" +
         (s.returnLse ? ":2" : "") + " = attn.attention %q, %k, %v" + operands +
         " {" + attrText + "} : " + tq + ", " + tk + ", " + tv + " -> " +
         results + "\n" + s.regions + "\n  return " +
         (s.returnLse ? "%r#0, %r#1" : "%r") + " : " + results + "\n}\n";
}

HostTensor randomTensor(std::vector<int64_t> shape, std::mt19937_64 &rng,
                        double lo = -1.0, double hi = 1.0) {
  HostTensor t = HostTensor::filled(std::move(shape), 0.0);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (double &x : t.data)
    x = dist(rng);
  return t;
}

/// Shape of Q, K, V or O for the spec's layout.
std::vector<int64_t> layoutShape(const Spec &s, int64_t len, int64_t heads,
                                 int64_t d) {
  return s.bshd ? std::vector<int64_t>{s.batch, len, heads, d}
                : std::vector<int64_t>{s.batch, heads, len, d};
}

ReferenceInputs randomInputs(const Spec &s, std::mt19937_64 &rng,
                             double magnitude = 1.0) {
  ReferenceInputs in;
  in.query = randomTensor(layoutShape(s, s.qLen, s.qHeads, s.dqk), rng,
                          -magnitude, magnitude);
  in.key = randomTensor(layoutShape(s, s.kvLen, s.kvHeads, s.dqk), rng,
                        -magnitude, magnitude);
  in.value = randomTensor(layoutShape(s, s.kvLen, s.kvHeads, s.dv), rng);
  return in;
}

/// [B, S, H, D] -> [B, H, S, D] (and back: the same swap).
HostTensor swapSeqAndHeads(const HostTensor &t) {
  HostTensor out =
      HostTensor::filled({t.shape[0], t.shape[2], t.shape[1], t.shape[3]}, 0.0);
  for (int64_t a = 0; a < t.shape[0]; ++a)
    for (int64_t b = 0; b < t.shape[1]; ++b)
      for (int64_t c = 0; c < t.shape[2]; ++c)
        for (int64_t d = 0; d < t.shape[3]; ++d)
          out.at({a, c, b, d}) = t.at({a, b, c, d});
  return out;
}

using VisibleFn =
    std::function<bool(int64_t b, int64_t h, int64_t q, int64_t k)>;
using ScoreFn =
    std::function<double(double s, int64_t b, int64_t h, int64_t q, int64_t k)>;

/// Attention written differently from the reference: the full score matrix
/// with -inf for hidden keys, P = exp(S - LSE), O = P V. Q, K, V in bhsd.
ReferenceResult dense(const HostTensor &Q, const HostTensor &K,
                      const HostTensor &V, double scale,
                      const VisibleFn &visible, const ScoreFn &score = {}) {
  int64_t B = Q.shape[0], Hq = Q.shape[1], Sq = Q.shape[2], D = Q.shape[3];
  int64_t Hkv = K.shape[1], Sk = K.shape[2], Dv = V.shape[3];
  ReferenceResult r;
  r.output = HostTensor::filled({B, Hq, Sq, Dv}, 0.0);
  r.lse = HostTensor::filled({B, Hq, Sq}, -kInf);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h) {
      int64_t kvh = h * Hkv / Hq;
      std::vector<std::vector<double>> S(Sq, std::vector<double>(Sk, -kInf));
      for (int64_t q = 0; q < Sq; ++q)
        for (int64_t k = 0; k < Sk; ++k) {
          if (!visible(b, h, q, k))
            continue;
          double dot = 0;
          for (int64_t d = 0; d < D; ++d)
            dot += Q.at({b, h, q, d}) * K.at({b, kvh, k, d});
          S[q][k] = score ? score(scale * dot, b, h, q, k) : scale * dot;
        }
      for (int64_t q = 0; q < Sq; ++q) {
        double m = *std::max_element(S[q].begin(), S[q].end());
        if (m == -kInf)
          continue;
        double sum = 0;
        for (double s : S[q])
          sum += std::exp(s - m);
        double lse = m + std::log(sum);
        r.lse.at({b, h, q}) = lse;
        for (int64_t k = 0; k < Sk; ++k) {
          double p = std::exp(S[q][k] - lse);
          for (int64_t d = 0; d < Dv; ++d)
            r.output.at({b, h, q, d}) += p * V.at({b, kvh, k, d});
        }
      }
    }
  return r;
}

/// Element-wise |a - b| <= tol, with equal infinities matching.
void expectClose(const HostTensor &a, const HostTensor &b, double tol,
                 const std::string &what) {
  ASSERT_EQ(a.shape, b.shape) << what;
  for (size_t i = 0; i < a.data.size(); ++i) {
    ASSERT_FALSE(std::isnan(a.data[i])) << what << " at " << i;
    if (a.data[i] == b.data[i])
      continue;
    ASSERT_NEAR(a.data[i], b.data[i], tol) << what << " at " << i;
  }
}

class ReferenceTest : public ::testing::Test {
protected:
  void SetUp() override { ctx = makeContext(); }

  /// Parses the op a spec describes; null (and a test failure) on error.
  AttentionOp parse(const Spec &s) { return parseText(buildIR(s)); }
  AttentionOp parseText(const std::string &text) {
    std::string diag;
    ScopedDiagnosticHandler handler(ctx.get(), [&](Diagnostic &d) {
      diag += d.str() + "\n";
      return success();
    });
    auto module = parseSourceString<ModuleOp>(text, ParserConfig(ctx.get()));
    EXPECT_TRUE(module) << diag << "\n" << text;
    if (!module)
      return {};
    modules.push_back(std::move(module));
    AttentionOp op;
    modules.back()->walk([&](AttentionOp a) { op = a; });
    return op;
  }

  ReferenceResult reference(AttentionOp op, const ReferenceInputs &in) {
    auto r = computeReference(op, in);
    if (!r) {
      ADD_FAILURE() << llvm::toString(r.takeError());
      return {};
    }
    return std::move(*r);
  }

  /// The reference's error for inputs that do not fit.
  std::string referenceError(AttentionOp op, const ReferenceInputs &in) {
    auto r = computeReference(op, in);
    if (r) {
      ADD_FAILURE() << "expected an error";
      return "";
    }
    std::string message = llvm::toString(r.takeError());
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }

  /// Checks the reference of `op` on `in` against dense(), in bhsd.
  void checkAgainstDense(AttentionOp op, const Spec &s,
                         const ReferenceInputs &in, const VisibleFn &visible,
                         const ScoreFn &score, const std::string &what) {
    ReferenceResult got = reference(op, in);
    if (got.output.data.empty() && !in.query.data.empty())
      return;
    double scale =
        s.scale.empty() ? 1.0 / std::sqrt(double(s.dqk)) : std::stod(s.scale);
    ReferenceResult want =
        s.bshd ? dense(swapSeqAndHeads(in.query), swapSeqAndHeads(in.key),
                       swapSeqAndHeads(in.value), scale, visible, score)
               : dense(in.query, in.key, in.value, scale, visible, score);
    expectClose(s.bshd ? swapSeqAndHeads(got.output) : got.output, want.output,
                1e-10, what + " (O)");
    expectClose(got.lse, want.lse, 1e-10, what + " (LSE)");
  }

  std::unique_ptr<MLIRContext> ctx;
  std::vector<OwningOpRef<ModuleOp>> modules;
};

//===----------------------------------------------------------------------===//
// Hand-computed cases
//===----------------------------------------------------------------------===//

TEST_F(ReferenceTest, OneQueryTwoKeysByHand) {
  // s = [0, ln 2]: p = [1/3, 2/3]; O = 3/3 + 2*6/3 = 5; LSE = ln 3.
  Spec s;
  s.qHeads = s.kvHeads = 1;
  s.qLen = 1;
  s.kvLen = 2;
  s.dqk = s.dv = 1;
  s.scale = "1.0";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  ReferenceInputs in;
  in.query = HostTensor({1, 1, 1, 1}, {1.0});
  in.key = HostTensor({1, 1, 2, 1}, {0.0, std::log(2.0)});
  in.value = HostTensor({1, 1, 2, 1}, {3.0, 6.0});
  ReferenceResult r = reference(op, in);
  ASSERT_EQ(r.output.shape, (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_NEAR(r.output.data[0], 5.0, 1e-14);
  ASSERT_EQ(r.lse.shape, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_NEAR(r.lse.data[0], std::log(3.0), 1e-14);
}

TEST_F(ReferenceTest, DefaultScaleIsInverseSqrtOfQKHeadDim) {
  // D = 4: scale 1/2. q.k1 = 4 * (ln 3 / 2) = 2 ln 3, scaled ln 3:
  // p = [1/4, 3/4]; O = 4/4 + 3*8/4 = 7; LSE = ln 4.
  Spec s;
  s.qHeads = s.kvHeads = 1;
  s.qLen = 1;
  s.kvLen = 2;
  s.dqk = 4;
  s.dv = 1;
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  double x = std::log(3.0) / 2;
  ReferenceInputs in;
  in.query = HostTensor({1, 1, 1, 4}, {1, 1, 1, 1});
  in.key = HostTensor({1, 1, 2, 4}, {0, 0, 0, 0, x, x, x, x});
  in.value = HostTensor({1, 1, 2, 1}, {4.0, 8.0});
  ReferenceResult r = reference(op, in);
  EXPECT_NEAR(r.output.data[0], 7.0, 1e-14);
  EXPECT_NEAR(r.lse.data[0], std::log(4.0), 1e-14);
  // An explicit scale replaces it: scale 1 doubles the score to 2 ln 3.
  s.scale = "1.0";
  r = reference(parse(s), in);
  EXPECT_NEAR(r.output.data[0], (4.0 + 9 * 8.0) / 10, 1e-14);
  EXPECT_NEAR(r.lse.data[0], std::log(10.0), 1e-14);
}

TEST_F(ReferenceTest, LargeScoresStayFinite) {
  // Scores 1e4, 1e4 - 1 and 1e4 - 100: exp(1e4) overflows, the reference
  // subtracts the row maximum first.
  Spec s;
  s.qHeads = s.kvHeads = 1;
  s.qLen = 1;
  s.kvLen = 3;
  s.dqk = s.dv = 1;
  s.scale = "1.0";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  ReferenceInputs in;
  in.query = HostTensor({1, 1, 1, 1}, {100.0});
  in.key = HostTensor({1, 1, 3, 1}, {100.0, 99.99, 99.0});
  in.value = HostTensor({1, 1, 3, 1}, {1.0, 2.0, 3.0});
  ReferenceResult r = reference(op, in);
  double z = 1 + std::exp(-1.0) + std::exp(-100.0);
  EXPECT_NEAR(r.output.data[0],
              (1 + 2 * std::exp(-1.0) + 3 * std::exp(-100.0)) / z, 1e-12);
  EXPECT_NEAR(r.lse.data[0], 10000.0 + std::log(z), 1e-9);
  // Random inputs of magnitude 100 (scores up to ~2e4) in every precision.
  Spec big;
  big.qLen = 9;
  big.kvLen = 11;
  big.mask = "causal";
  AttentionOp bigOp = parse(big);
  std::mt19937_64 rng(5);
  ReferenceInputs bigIn = randomInputs(big, rng, 100.0);
  ReferenceResult ref = reference(bigOp, bigIn);
  for (double x : ref.output.data)
    EXPECT_TRUE(std::isfinite(x));
  for (double x : ref.lse.data)
    EXPECT_TRUE(std::isfinite(x));
  for (Type type : {Type(Float32Type::get(ctx.get())),
                    Type(BFloat16Type::get(ctx.get()))}) {
    auto naive = computeNaive(bigOp, bigIn, type);
    ASSERT_TRUE(static_cast<bool>(naive)) << toString(naive.takeError());
    for (double x : naive->output.data)
      EXPECT_TRUE(std::isfinite(x));
  }
}

//===----------------------------------------------------------------------===//
// Masks
//===----------------------------------------------------------------------===//

/// Kinds with a formula of their own: the reference agrees with it.
TEST_F(ReferenceTest, MasksMatchTheirFormulas) {
  Spec s;
  s.qLen = 9;
  s.kvLen = 12;
  int64_t off = s.kvLen - s.qLen;
  struct Case {
    const char *mask;
    VisibleFn visible;
  } cases[] = {
      {"causal", [](int64_t, int64_t, int64_t q, int64_t k) { return k <= q; }},
      {"causal(bottom_right)",
       [off](int64_t, int64_t, int64_t q, int64_t k) { return k <= q + off; }},
      {"window(2, 1)", [](int64_t, int64_t, int64_t q,
                          int64_t k) { return q - 2 <= k && k <= q + 1; }},
      {"sink(2)", [](int64_t, int64_t, int64_t, int64_t k) { return k < 2; }},
      {"prefix(3)",
       [](int64_t, int64_t, int64_t q, int64_t k) { return q < 3 && k < 3; }},
      {"chunk(4, 1)", [](int64_t, int64_t, int64_t q,
                         int64_t k) { return (q + 1) / 4 == (k + 1) / 4; }},
      {"dilated(4, 2)",
       [](int64_t, int64_t, int64_t q, int64_t k) {
         return std::abs(q - k) <= 4 && (q - k) % 2 == 0;
       }},
      {"global(0, 5)",
       [](int64_t, int64_t, int64_t q, int64_t k) {
         return q == 0 || q == 5 || k == 0 || k == 5;
       }},
      {"strided(1, 3)", [](int64_t, int64_t h, int64_t,
                           int64_t k) { return (k + h + 1) % 3 == 0; }},
      {"heads([0] : causal, * : sink(1))",
       [](int64_t, int64_t h, int64_t q, int64_t k) {
         return h == 0 ? k <= q : k < 1;
       }},
      {"causal & !sink(2)",
       [](int64_t, int64_t, int64_t q, int64_t k) { return k <= q && k >= 2; }},
      {"window(1) | global(3)",
       [](int64_t, int64_t, int64_t q, int64_t k) {
         return std::abs(q - k) <= 1 || q == 3 || k == 3;
       }},
  };
  std::mt19937_64 rng(1);
  for (const Case &c : cases) {
    s.mask = c.mask;
    AttentionOp op = parse(s);
    ASSERT_TRUE(op) << c.mask;
    checkAgainstDense(op, s, randomInputs(s, rng), c.visible, {}, c.mask);
  }
}

/// Every kind, with random parameters: the softmax runs over exactly the
/// keys the kind's isVisible shows.
TEST_F(ReferenceTest, EveryMaskKindRestrictsTheSoftmaxToVisibleKeys) {
  std::pair<const char *, MaskGenerator> kinds[] = {
      {"causal", genCausal},
      {"window", genWindow},
      {"sink", genSink},
      {"prefix", genPrefix},
      {"chunk", genChunk},
      {"dilated", genDilated},
      {"global", genGlobal},
      {"strided", genStrided},
      {"neighborhood", genNeighborhood},
      {"blocks", genBlocksStatic},
      {"heads", genHeads},
      {"not", [](std::mt19937_64 &rng,
                 attn::test::Problem &p) { return "!" + genWindow(rng, p); }},
      {"and",
       [](std::mt19937_64 &rng, attn::test::Problem &p) {
         return genCausal(rng, p) + " & " + genDilated(rng, p);
       }},
      {"or", [](std::mt19937_64 &rng, attn::test::Problem &p) {
         return genSink(rng, p) + " | " + genChunk(rng, p);
       }}};
  std::mt19937_64 rng(2);
  for (auto &[kind, gen] : kinds)
    for (int trial = 0; trial < 6; ++trial) {
      attn::test::Problem p;
      p.batch = pick(rng, 1, 2);
      p.heads = pick(rng, 1, 3);
      p.qLen = pick(rng, 1, 40);
      p.kvLen = pick(rng, 0, 2) == 0 ? p.qLen : pick(rng, 1, 40);
      std::string text = gen(rng, p);
      Spec s;
      s.mask = text;
      s.batch = p.batch;
      s.qHeads = s.kvHeads = p.heads;
      s.qLen = p.qLen;
      s.kvLen = p.kvLen;
      s.dqk = 3;
      s.dv = 2;
      AttentionOp op = parse(s);
      ASSERT_TRUE(op) << text;
      mask::Context mctx;
      mctx.batch = s.batch;
      mctx.qHeads = s.qHeads;
      mctx.kvHeads = s.kvHeads;
      mctx.qLen = s.qLen;
      mctx.kvLen = s.kvLen;
      MaskExprAttrInterface expr = parseMask(*ctx, text);
      ASSERT_TRUE(expr) << text;
      auto visible = [&](int64_t b, int64_t h, int64_t q, int64_t k) {
        return expr.isVisible(mask::Point{b, h, q, k}, mctx);
      };
      checkAgainstDense(op, s, randomInputs(s, rng), visible, {},
                        std::string(kind) + ": " + text);
      if (HasFatalFailure() || HasNonfatalFailure())
        return;
    }
}

/// Kinds that read operands: document ids, document offsets and runtime
/// block masks (broadcast over batch and heads too), against the test's own
/// reading of the data.
TEST_F(ReferenceTest, DataMasksReadTheirOperands) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 8; ++trial) {
    Spec s;
    s.batch = 2;
    s.qLen = pick(rng, 1, 30);
    s.kvLen = trial % 2 ? s.qLen : pick(rng, 1, 30);
    s.mask = trial % 3 ? "document" : "causal(bottom_right) & document";
    s.segments = "ids";
    AttentionOp op = parse(s);
    ASSERT_TRUE(op);
    RuntimeData data;
    data.makeDocuments(rng, s.batch, s.qLen, s.kvLen);
    ReferenceInputs in = randomInputs(s, rng);
    in.qSegments = HostTensor::filled({s.batch, s.qLen}, 0);
    in.kvSegments = HostTensor::filled({s.batch, s.kvLen}, 0);
    for (int64_t b = 0; b < s.batch; ++b) {
      for (int64_t i = 0; i < s.qLen; ++i)
        in.qSegments->at({b, i}) = static_cast<double>(data.qDocs[b][i]);
      for (int64_t i = 0; i < s.kvLen; ++i)
        in.kvSegments->at({b, i}) = static_cast<double>(data.kvDocs[b][i]);
    }
    int64_t off = s.kvLen - s.qLen;
    bool causal = trial % 3 == 0;
    checkAgainstDense(
        op, s, in,
        [&](int64_t b, int64_t, int64_t q, int64_t k) {
          int64_t d = data.qDocs[b][q];
          return d >= 0 && d == data.kvDocs[b][k] && (!causal || k <= q + off);
        },
        {}, s.mask);
  }

  // Offsets [B, N + 1]: position i is in document j when
  // off[j] <= i < off[j + 1]; beyond off[N] it is padding.
  {
    Spec s;
    s.batch = 2;
    s.qLen = s.kvLen = 10;
    s.mask = "document(offsets)";
    s.segments = "offsets";
    s.offsetsLen = 4;
    AttentionOp op = parse(s);
    ASSERT_TRUE(op);
    ReferenceInputs in = randomInputs(s, rng);
    std::vector<std::vector<int64_t>> offsets = {{0, 3, 3, 8}, {0, 1, 6, 10}};
    in.qSegments = HostTensor::filled({2, 4}, 0);
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t j = 0; j < 4; ++j)
        in.qSegments->at({b, j}) = static_cast<double>(offsets[b][j]);
    in.kvSegments = in.qSegments;
    auto doc = [&](int64_t b, int64_t i) -> int64_t {
      for (int64_t j = 0; j + 1 < 4; ++j)
        if (offsets[b][j] <= i && i < offsets[b][j + 1])
          return j;
      return -1;
    };
    checkAgainstDense(
        op, s, in,
        [&](int64_t b, int64_t, int64_t q, int64_t k) {
          return doc(b, q) >= 0 && doc(b, q) == doc(b, k);
        },
        {}, "document(offsets)");
    // Positions 8, 9 of batch 0 are padding: O = 0, LSE = -inf.
    ReferenceResult r = reference(op, in);
    EXPECT_EQ(r.lse.at({0, 0, 9}), -kInf);
    EXPECT_EQ(r.output.at({0, 1, 8, 3}), 0.0);
  }

  // Runtime block masks, with and without broadcasting.
  for (int variant = 0; variant < 3; ++variant) {
    Spec s;
    s.batch = 2;
    s.qHeads = s.kvHeads = 2;
    s.qLen = 11;
    s.kvLen = 13;
    s.blockMask = true;
    s.blockQ = 4;
    s.blockK = 3;
    s.mask = "blocks(4, 3, runtime)";
    s.broadcastBatch = variant == 1;
    s.broadcastHead = variant == 2;
    AttentionOp op = parse(s);
    ASSERT_TRUE(op);
    ReferenceInputs in = randomInputs(s, rng);
    int64_t nq = 3, nk = 5;
    HostTensor m = HostTensor::filled(
        {s.broadcastBatch ? 1 : 2, s.broadcastHead ? 1 : 2, nq, nk}, 0);
    for (double &x : m.data)
      x = pick(rng, 0, 2) ? 1.0 : 0.0;
    in.blockMask = m;
    checkAgainstDense(
        op, s, in,
        [&](int64_t b, int64_t h, int64_t q, int64_t k) {
          return m.at({s.broadcastBatch ? 0 : b, s.broadcastHead ? 0 : h, q / 4,
                       k / 3}) != 0.0;
        },
        {}, "blocks runtime variant " + std::to_string(variant));
  }
}

TEST_F(ReferenceTest, MaskModRegionDecidesVisibility) {
  Spec s;
  s.qLen = s.kvLen = 10;
  s.mask = "mask_mod";
  s.regions = R"mlir(
      mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %ki: index):
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %causal = arith.cmpi ule, %ki, %qi : index
    %diff = arith.subi %qi, %ki : index
    %rem = arith.remui %diff, %c3 : index
    %keep = arith.cmpi ne, %rem, %c1 : index
    %odd_head = arith.cmpi eq, %h, %c1 : index
    %all = arith.ori %keep, %odd_head : i1
    %visible = arith.andi %causal, %all : i1
    attn.yield %visible : i1
  })mlir";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(4);
  checkAgainstDense(
      op, s, randomInputs(s, rng),
      [](int64_t, int64_t h, int64_t q, int64_t k) {
        return k <= q && ((q - k) % 3 != 1 || h == 1);
      },
      {}, "mask_mod");
  // Composed with a built-in kind.
  s.mask = "mask_mod & window(2)";
  op = parse(s);
  ASSERT_TRUE(op);
  checkAgainstDense(
      op, s, randomInputs(s, rng),
      [](int64_t, int64_t h, int64_t q, int64_t k) {
        return k <= q && ((q - k) % 3 != 1 || h == 1) && q - k <= 2;
      },
      {}, "mask_mod & window");
}

TEST_F(ReferenceTest, FullyMaskedRowsGiveZeroAndMinusInfinity) {
  std::mt19937_64 rng(6);
  auto checkRows = [&](const ReferenceResult &r, const Spec &s,
                       const std::function<bool(int64_t q)> &empty) {
    for (int64_t b = 0; b < s.batch; ++b)
      for (int64_t h = 0; h < s.qHeads; ++h)
        for (int64_t q = 0; q < s.qLen; ++q) {
          double lse = r.lse.at({b, h, q});
          EXPECT_FALSE(std::isnan(lse));
          EXPECT_EQ(lse == -kInf, empty(q)) << "q=" << q;
          for (int64_t d = 0; d < s.dv; ++d) {
            double o = r.output.at({b, h, q, d});
            EXPECT_FALSE(std::isnan(o));
            if (empty(q))
              EXPECT_EQ(o, 0.0);
          }
        }
  };
  // Nothing visible at all.
  Spec s;
  s.mask = "!all";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  ReferenceInputs in = randomInputs(s, rng);
  checkRows(reference(op, in), s, [](int64_t) { return true; });
  // Bottom-right causal with Sq > Sk: the first Sq - Sk queries see nothing.
  s.mask = "causal(bottom_right)";
  s.qLen = 7;
  s.kvLen = 3;
  op = parse(s);
  in = randomInputs(s, rng);
  checkRows(reference(op, in), s, [](int64_t q) { return q < 4; });
  for (Type type :
       {Type(Float32Type::get(ctx.get())), Type(Float16Type::get(ctx.get())),
        Type(BFloat16Type::get(ctx.get()))}) {
    auto naive = computeNaive(op, in, type);
    ASSERT_TRUE(static_cast<bool>(naive)) << toString(naive.takeError());
    checkRows(*naive, s, [](int64_t q) { return q < 4; });
  }
  // A bias of -inf on every key of a row weighs them all nothing.
  s.mask = "";
  s.score = "bias";
  s.bias = true;
  s.broadcastBatch = s.broadcastHead = true;
  op = parse(s);
  in = randomInputs(s, rng);
  in.bias = HostTensor::filled({1, 1, s.qLen, s.kvLen}, 0.0);
  for (int64_t k = 0; k < s.kvLen; ++k)
    in.bias->at({0, 0, 2, k}) = -kInf;
  checkRows(reference(op, in), s, [](int64_t q) { return q == 2; });
}

//===----------------------------------------------------------------------===//
// Score modifiers
//===----------------------------------------------------------------------===//

/// The ALiBi paper's slopes, written out: for n a power of two, 2^(-8i/n)
/// for i = 1..n; otherwise those of the largest power of two below, then
/// every other slope of twice that.
double alibiSlope(int64_t h, int64_t heads, double maxBias = 8.0) {
  int64_t n = 1;
  while (n * 2 <= heads)
    n *= 2;
  std::vector<double> slopes;
  for (int64_t i = 1; i <= n; ++i)
    slopes.push_back(std::pow(2.0, -maxBias * i / n));
  for (int64_t i = 1; static_cast<int64_t>(slopes.size()) < heads; i += 2)
    slopes.push_back(std::pow(2.0, -maxBias * i / (2 * n)));
  return slopes[h];
}

TEST_F(ReferenceTest, ScoreModifiersFollowTheirFormulas) {
  std::mt19937_64 rng(7);
  struct Case {
    const char *score;
    int64_t heads;
    double magnitude;
    std::function<ScoreFn(const Spec &)> fn;
  };
  auto alibi = [](double maxBias) {
    return [maxBias](const Spec &s) -> ScoreFn {
      return [s, maxBias](double x, int64_t, int64_t h, int64_t q, int64_t k) {
        return x - alibiSlope(h, s.qHeads, maxBias) *
                       std::abs(double(q + s.kvLen - s.qLen - k));
      };
    };
  };
  auto softcap = [](double c) {
    return [c](const Spec &) -> ScoreFn {
      return [c](double x, int64_t, int64_t, int64_t, int64_t) {
        return c * std::tanh(x / c);
      };
    };
  };
  Case cases[] = {
      {"alibi", 8, 1.0, alibi(8.0)},
      {"alibi", 6, 1.0, alibi(8.0)},
      {"alibi(4.0)", 4, 1.0, alibi(4.0)},
      {"softcap(2.0)", 2, 3.0, softcap(2.0)},
      {"alibi, softcap(1.5)", 4, 2.0,
       [&](const Spec &s) -> ScoreFn {
         ScoreFn a = alibi(8.0)(s), c = softcap(1.5)(s);
         return [a, c](double x, int64_t b, int64_t h, int64_t q, int64_t k) {
           return c(a(x, b, h, q, k), b, h, q, k);
         };
       }},
      {"softcap(1.5), alibi", 4, 2.0,
       [&](const Spec &s) -> ScoreFn {
         ScoreFn a = alibi(8.0)(s), c = softcap(1.5)(s);
         return [a, c](double x, int64_t b, int64_t h, int64_t q, int64_t k) {
           return a(c(x, b, h, q, k), b, h, q, k);
         };
       }},
  };
  for (const Case &c : cases) {
    Spec s;
    s.qHeads = s.kvHeads = c.heads;
    s.qLen = 6;
    s.kvLen = 9;
    s.score = c.score;
    s.mask = "causal(bottom_right)";
    AttentionOp op = parse(s);
    ASSERT_TRUE(op) << c.score;
    int64_t off = s.kvLen - s.qLen;
    checkAgainstDense(
        op, s, randomInputs(s, rng, c.magnitude),
        [off](int64_t, int64_t, int64_t q, int64_t k) { return k <= q + off; },
        c.fn(s), c.score);
  }
  // The slopes of 8 heads are 1/2, 1/4, ..., 1/256.
  EXPECT_EQ(alibiSlope(0, 8), 0.5);
  EXPECT_EQ(alibiSlope(7, 8), 1.0 / 256);
}

TEST_F(ReferenceTest, BiasIsAddedWithBroadcasting) {
  std::mt19937_64 rng(8);
  for (int variant = 0; variant < 3; ++variant) {
    Spec s;
    s.batch = 2;
    s.qHeads = 4;
    s.kvHeads = 2;
    s.score = "bias";
    s.bias = true;
    s.broadcastBatch = variant == 1;
    s.broadcastHead = variant == 2;
    AttentionOp op = parse(s);
    ASSERT_TRUE(op);
    ReferenceInputs in = randomInputs(s, rng);
    HostTensor bias = randomTensor(
        {s.broadcastBatch ? 1 : 2, s.broadcastHead ? 1 : 4, s.qLen, s.kvLen},
        rng, -3, 3);
    in.bias = bias;
    checkAgainstDense(
        op, s, in, [](int64_t, int64_t, int64_t, int64_t) { return true; },
        [&](double x, int64_t b, int64_t h, int64_t q, int64_t k) {
          return x + bias.at({s.broadcastBatch ? 0 : b, s.broadcastHead ? 0 : h,
                              q, k});
        },
        "bias variant " + std::to_string(variant));
  }
}

TEST_F(ReferenceTest, ScoreModRegionIsInterpreted) {
  Spec s;
  s.qHeads = s.kvHeads = 3;
  s.qLen = s.kvLen = 8;
  s.mask = "causal";
  s.score = "score_mod, softcap(5.0)";
  s.regions = R"mlir(
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %ki: index):
    %c1 = arith.constant 1 : index
    %step = arith.constant 0.25 : f32
    %h1 = arith.addi %h, %c1 : index
    %h1_i64 = arith.index_cast %h1 : index to i64
    %slope_h = arith.sitofp %h1_i64 : i64 to f32
    %slope = arith.mulf %slope_h, %step : f32
    %dist = arith.subi %qi, %ki : index
    %dist_i64 = arith.index_cast %dist : index to i64
    %dist_f = arith.sitofp %dist_i64 : i64 to f32
    %penalty = arith.mulf %slope, %dist_f : f32
    %t = math.tanh %s : f32
    %r = arith.subf %t, %penalty : f32
    attn.yield %r : f32
  })mlir";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(9);
  // The reference reads f32 region code in double: no f32 rounding here.
  checkAgainstDense(
      op, s, randomInputs(s, rng, 2.0),
      [](int64_t, int64_t, int64_t q, int64_t k) { return k <= q; },
      [](double x, int64_t, int64_t h, int64_t q, int64_t k) {
        double r = std::tanh(x) - (h + 1) * 0.25 * double(q - k);
        return 5.0 * std::tanh(r / 5.0);
      },
      "score_mod");
}

TEST_F(ReferenceTest, RegionFailuresAreErrorValues) {
  Spec s;
  s.mask = "mask_mod";
  s.regions = R"mlir(
      mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %ki: index):
    %c0 = arith.constant 0 : index
    %r = arith.remsi %qi, %ki : index
    %visible = arith.cmpi eq, %r, %c0 : index
    attn.yield %visible : i1
  })mlir";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(10);
  ReferenceInputs in = randomInputs(s, rng);
  std::string message = referenceError(op, in);
  EXPECT_NE(message.find("mask_mod: 'arith.remsi'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("division by zero"), std::string::npos) << message;
  auto naive = computeNaive(op, in, BFloat16Type::get(ctx.get()));
  ASSERT_FALSE(static_cast<bool>(naive));
  EXPECT_NE(toString(naive.takeError()).find("division by zero"),
            std::string::npos);

  s.mask = "";
  s.score = "score_mod";
  s.regions = R"mlir(
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %ki: index):
    %one = arith.constant 1.0 : f32
    %r = math.atan2 %s, %one : f32
    attn.yield %r : f32
  })mlir";
  op = parse(s);
  ASSERT_TRUE(op);
  message = referenceError(op, in);
  EXPECT_NE(message.find("score_mod: unsupported operation 'math.atan2'"),
            std::string::npos)
      << message;
}

//===----------------------------------------------------------------------===//
// Heads, layouts, shapes
//===----------------------------------------------------------------------===//

/// GQA and MQA equal MHA with each KV head repeated for its query heads.
TEST_F(ReferenceTest, GroupedHeadsMatchRepeatedHeads) {
  std::mt19937_64 rng(11);
  for (int64_t kvHeads : {1, 2, 4}) {
    for (const char *mask : {"causal", "strided(1, 3, 1)"}) {
      Spec grouped;
      grouped.qHeads = 4;
      grouped.kvHeads = kvHeads;
      grouped.batch = 2;
      grouped.mask = mask;
      Spec full = grouped;
      full.kvHeads = 4;
      AttentionOp groupedOp = parse(grouped), fullOp = parse(full);
      ASSERT_TRUE(groupedOp && fullOp);
      ReferenceInputs in = randomInputs(grouped, rng);
      ReferenceInputs repeated = in;
      int64_t group = 4 / kvHeads;
      auto repeat = [&](const HostTensor &t) {
        HostTensor out =
            HostTensor::filled({t.shape[0], 4, t.shape[2], t.shape[3]}, 0.0);
        for (int64_t b = 0; b < t.shape[0]; ++b)
          for (int64_t h = 0; h < 4; ++h)
            for (int64_t i = 0; i < t.shape[2]; ++i)
              for (int64_t d = 0; d < t.shape[3]; ++d)
                out.at({b, h, i, d}) = t.at({b, h / group, i, d});
        return out;
      };
      repeated.key = repeat(in.key);
      repeated.value = repeat(in.value);
      ReferenceResult a = reference(groupedOp, in),
                      b = reference(fullOp, repeated);
      expectClose(a.output, b.output, 0.0, mask);
      expectClose(a.lse, b.lse, 0.0, mask);
    }
  }
}

TEST_F(ReferenceTest, UnequalHeadDims) {
  Spec s;
  s.dqk = 3;
  s.dv = 5;
  s.mask = "window(2)";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(12);
  ReferenceInputs in = randomInputs(s, rng);
  ReferenceResult r = reference(op, in);
  EXPECT_EQ(r.output.shape, (std::vector<int64_t>{1, 2, 5, 5}));
  checkAgainstDense(
      op, s, in,
      [](int64_t, int64_t, int64_t q, int64_t k) {
        return std::abs(q - k) <= 2;
      },
      {}, "Dqk=3, Dv=5");
}

TEST_F(ReferenceTest, BshdLayoutMatchesBhsd) {
  std::mt19937_64 rng(13);
  Spec bhsd;
  bhsd.batch = 2;
  bhsd.qHeads = 4;
  bhsd.kvHeads = 2;
  bhsd.qLen = 6;
  bhsd.kvLen = 9;
  bhsd.dv = 3;
  bhsd.mask = "causal(bottom_right) | sink(1)";
  bhsd.score = "alibi";
  Spec bshd = bhsd;
  bshd.bshd = true;
  AttentionOp a = parse(bhsd), b = parse(bshd);
  ASSERT_TRUE(a && b);
  ReferenceInputs in = randomInputs(bhsd, rng), swapped;
  swapped.query = swapSeqAndHeads(in.query);
  swapped.key = swapSeqAndHeads(in.key);
  swapped.value = swapSeqAndHeads(in.value);
  ReferenceResult ra = reference(a, in), rb = reference(b, swapped);
  EXPECT_EQ(rb.output.shape, (std::vector<int64_t>{2, 6, 4, 3}));
  expectClose(swapSeqAndHeads(rb.output), ra.output, 0.0, "O");
  expectClose(rb.lse, ra.lse, 0.0, "LSE");
}

TEST_F(ReferenceTest, DynamicShapesRunAtAnyLength) {
  Spec s;
  s.dynamic = true;
  s.mask = "causal(bottom_right)";
  s.returnLse = true;
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(14);
  for (auto [batch, qLen, kvLen] :
       {std::tuple<int64_t, int64_t, int64_t>{1, 3, 5},
        {2, 6, 2},
        {3, 1, 1},
        {1, 17, 17}}) {
    s.batch = batch;
    s.qLen = qLen;
    s.kvLen = kvLen;
    int64_t off = kvLen - qLen;
    checkAgainstDense(
        op, s, randomInputs(s, rng),
        [off](int64_t, int64_t, int64_t q, int64_t k) { return k <= q + off; },
        {}, "Sq=" + std::to_string(qLen) + " Sk=" + std::to_string(kvLen));
  }
  // Zero-length sequences: an empty output, or rows with no key.
  s.qLen = 0;
  s.kvLen = 4;
  ReferenceResult r = reference(op, randomInputs(s, rng));
  EXPECT_EQ(r.output.numElements(), 0);
  s.qLen = 2;
  s.kvLen = 0;
  r = reference(op, randomInputs(s, rng));
  for (double x : r.lse.data)
    EXPECT_EQ(x, -kInf);
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_F(ReferenceTest, RejectsInputsThatDoNotFitTheOp) {
  std::mt19937_64 rng(15);
  Spec s;
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  ReferenceInputs good = randomInputs(s, rng);
  auto expectError = [&](AttentionOp o, const ReferenceInputs &in,
                         const std::string &needle) {
    std::string message = referenceError(o, in);
    EXPECT_NE(message.find(needle), std::string::npos)
        << "'" << message << "' lacks '" << needle << "'";
  };
  ReferenceInputs in = good;
  in.query.shape = {1, 2, 20};
  expectError(op, in, "query must have rank 4");
  in = good;
  in.query.data.pop_back();
  expectError(op, in, "query has 39 elements, its shape [1, 2, 5, 4] needs 40");
  in = good;
  in.key = randomTensor({1, 2, 8, 4}, rng);
  expectError(op, in,
              "key has shape [1, 2, 8, 4], the op's type is "
              "[1, 2, 7, 4]");
  in = good;
  in.bias = HostTensor::filled({1, 2, 5, 7}, 0.0);
  expectError(op, in, "bias given but the score terms have no 'bias'");
  in = good;
  in.qSegments = HostTensor::filled({1, 5}, 0.0);
  expectError(op, in, "segments need both");
  in.kvSegments = HostTensor::filled({1, 7}, 0.0);
  expectError(op, in, "segments given but the mask has no 'document' kind");
  in = good;
  in.blockMask = HostTensor::filled({1, 1, 1, 1}, 1.0);
  expectError(op, in, "block_mask given");

  // Dynamic extents let the inputs disagree with each other.
  Spec dyn;
  dyn.dynamic = true;
  AttentionOp dynOp = parse(dyn);
  ASSERT_TRUE(dynOp);
  in = randomInputs(dyn, rng);
  in.value = randomTensor({1, 2, 6, 4}, rng);
  expectError(dynOp, in, "differ in heads or length");
  in = randomInputs(dyn, rng);
  in.key = randomTensor({2, 2, 7, 4}, rng);
  expectError(dynOp, in, "batch sizes differ");

  // Operands the mask or the score terms need.
  Spec docs;
  docs.mask = "document";
  docs.segments = "ids";
  AttentionOp docOp = parse(docs);
  ASSERT_TRUE(docOp);
  in = good;
  expectError(docOp, in, "needs the segments operands");
  in.qSegments = HostTensor::filled({1, 4}, 0.0);
  in.kvSegments = HostTensor::filled({1, 7}, 0.0);
  expectError(docOp, in, "query segments has shape [1, 4], expected [1, 5]");
  in.qSegments = HostTensor::filled({1, 5}, 0.5);
  expectError(docOp, in, "query segments must hold integers");
  Spec offsets;
  offsets.mask = "document(offsets)";
  offsets.segments = "offsets";
  offsets.offsetsLen = 3;
  AttentionOp offOp = parse(offsets);
  ASSERT_TRUE(offOp);
  in = good;
  in.qSegments = HostTensor({1, 3}, {0, 4, 2});
  in.kvSegments = HostTensor({1, 3}, {0, 4, 7});
  expectError(offOp, in, "document offsets must not decrease");
  Spec blocks;
  blocks.mask = "blocks(2, 2, runtime)";
  blocks.blockMask = true;
  blocks.blockQ = blocks.blockK = 2;
  AttentionOp blockOp = parse(blocks);
  ASSERT_TRUE(blockOp);
  in = good;
  expectError(blockOp, in, "needs the block_mask operand");
  in.blockMask = HostTensor::filled({1, 2, 2, 4}, 1.0);
  expectError(blockOp, in,
              "block_mask has shape [1, 2, 2, 4], expected "
              "[1, 2, 3, 4]");
  Spec bias;
  bias.score = "bias";
  bias.bias = true;
  AttentionOp biasOp = parse(bias);
  ASSERT_TRUE(biasOp);
  in = good;
  expectError(biasOp, in, "needs the bias operand");
  in.bias = HostTensor::filled({1, 3, 5, 7}, 0.0);
  expectError(biasOp, in, "bias has shape [1, 3, 5, 7]");
}

//===----------------------------------------------------------------------===//
// The naive computation and the tolerance rule
//===----------------------------------------------------------------------===//

/// Inputs rounded to bf16, as a bf16 kernel would see them.
ReferenceInputs roundedToBF16(ReferenceInputs in) {
  for (HostTensor *t : {&in.query, &in.key, &in.value})
    for (double &x : t->data)
      x = runtime::roundToBFloat16(static_cast<float>(x));
  return in;
}

double maxDifference(const HostTensor &a, const HostTensor &b) {
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    if (std::isfinite(a.data[i]) && std::isfinite(b.data[i]))
      m = std::max(m, std::fabs(a.data[i] - b.data[i]));
  return m;
}

TEST_F(ReferenceTest, NaiveErrorGrowsAsThePrecisionShrinks) {
  Spec s;
  s.batch = 2;
  s.qHeads = 4;
  s.kvHeads = 2;
  s.qLen = 33;
  s.kvLen = 47;
  s.dqk = 64;
  s.dv = 32;
  s.mask = "causal(bottom_right) | sink(4)";
  s.score = "softcap(30.0)";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(16);
  ReferenceInputs in = roundedToBF16(randomInputs(s, rng, 2.0));
  ReferenceResult ref = reference(op, in);
  double errors[3];
  Type types[3] = {Float32Type::get(ctx.get()), Float16Type::get(ctx.get()),
                   BFloat16Type::get(ctx.get())};
  for (int i = 0; i < 3; ++i) {
    auto naive = computeNaive(op, in, types[i]);
    ASSERT_TRUE(static_cast<bool>(naive)) << toString(naive.takeError());
    errors[i] = maxDifference(naive->output, ref.output);
    // The LSE comes from the rounded scores: close, not exact.
    EXPECT_LT(maxDifference(naive->lse, ref.lse), i == 0 ? 1e-4 : 0.5);
  }
  EXPECT_LT(errors[0], 1e-5);
  EXPECT_GT(errors[1], errors[0]);
  EXPECT_GT(errors[2], errors[1]);
  EXPECT_LT(errors[2], 0.1);
  EXPECT_GT(errors[2], 1e-4);
}

TEST_F(ReferenceTest, NaiveRunsOnlyInKernelPrecisions) {
  Spec s;
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(17);
  auto naive =
      computeNaive(op, randomInputs(s, rng), Float64Type::get(ctx.get()));
  ASSERT_FALSE(static_cast<bool>(naive));
  EXPECT_EQ(toString(naive.takeError()),
            "naive attention runs in f16, bf16 or f32, not f64");
}

TEST_F(ReferenceTest, ToleranceRuleFigures) {
  HostTensor ref({2, 2}, {1.0, 2.0, -kInf, 4.0});
  HostTensor naive({2, 2}, {1.01, 1.98, -kInf, 4.0});
  // Identical: passes with no error.
  auto report = compareWithTolerance(ref, ref, naive);
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_TRUE(report->pass);
  EXPECT_EQ(report->maxError, 0.0);
  EXPECT_EQ(report->worstIndex, -1);
  EXPECT_NEAR(report->naiveError, 0.02, 1e-12);
  EXPECT_NEAR(report->bound, 0.04 + 1e-5, 1e-12);
  // Within twice the naive error (plus 1e-5).
  HostTensor out({2, 2}, {1.0, 2.04, -kInf, 4.0});
  report = compareWithTolerance(out, ref, naive);
  EXPECT_TRUE(report->pass);
  EXPECT_NEAR(report->maxError, 0.04, 1e-12);
  EXPECT_EQ(report->worstIndex, 1);
  out.data[3] = 4.05;
  report = compareWithTolerance(out, ref, naive);
  EXPECT_FALSE(report->pass);
  EXPECT_EQ(report->worstIndex, 3);
  // A finite value where the reference has -inf, a NaN, a wrong infinity.
  for (double bad : {0.0, std::nan(""), kInf}) {
    out = ref;
    out.data[2] = bad;
    report = compareWithTolerance(out, ref, naive);
    EXPECT_FALSE(report->pass) << bad;
    EXPECT_EQ(report->nonFiniteMismatches, 1);
    EXPECT_EQ(report->maxError, kInf);
  }
  out = ref;
  out.data[0] = std::nan("");
  report = compareWithTolerance(out, ref, naive);
  EXPECT_FALSE(report->pass);
  EXPECT_EQ(report->worstIndex, 0);
  // With f32-exact naive figures the floor of 1e-5 remains.
  report = compareWithTolerance(HostTensor({1}, {1.000009}),
                                HostTensor({1}, {1}), HostTensor({1}, {1}));
  EXPECT_TRUE(report->pass);
  // Shapes must agree.
  auto bad = compareWithTolerance(HostTensor({3}, {1, 2, 3}), ref, naive);
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_NE(toString(bad.takeError()).find("cannot compare"),
            std::string::npos);
}

/// The rule on real figures: a bf16 computation done the naive way passes
/// against the reference (as a kernel of the same quality would), a
/// visibly wrong one fails.
TEST_F(ReferenceTest, ToleranceRuleOnAttention) {
  Spec s;
  s.qLen = 20;
  s.kvLen = 30;
  s.dqk = 32;
  s.mask = "window(8) | global(0)";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(18);
  ReferenceInputs in = roundedToBF16(randomInputs(s, rng));
  ReferenceResult ref = reference(op, in);
  auto naive = computeNaive(op, in, BFloat16Type::get(ctx.get()));
  ASSERT_TRUE(static_cast<bool>(naive));
  auto lse = compareWithTolerance(naive->lse, ref.lse, naive->lse);
  ASSERT_TRUE(static_cast<bool>(lse));
  EXPECT_TRUE(lse->pass);
  // A kernel that computed in f32 throughout is closer than the naive one.
  auto f32 = computeNaive(op, in, Float32Type::get(ctx.get()));
  ASSERT_TRUE(static_cast<bool>(f32));
  auto report = compareWithTolerance(f32->output, ref.output, naive->output);
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_TRUE(report->pass);
  EXPECT_LT(report->maxError, report->naiveError);
  // A kernel that drops the sink (global(0)) key fails.
  Spec wrong = s;
  wrong.mask = "window(8)";
  ReferenceResult bad = reference(parse(wrong), in);
  report = compareWithTolerance(bad.output, ref.output, naive->output);
  EXPECT_FALSE(report->pass);
  EXPECT_GT(report->maxError, report->bound);
}

//===----------------------------------------------------------------------===//
// Sampled query rows
//===----------------------------------------------------------------------===//

/// O[b, h, q, d] in the spec's layout.
double outputAt(const HostTensor &o, const Spec &s, int64_t b, int64_t h,
                int64_t q, int64_t d) {
  return s.bshd ? o.at({b, q, h, d}) : o.at({b, h, q, d});
}

/// The rows of `sampled` listed in `rows` are bit for bit those of `full`;
/// every other row is NaN.
void expectSampledRows(const ReferenceResult &sampled,
                       const ReferenceResult &full, const Spec &s,
                       const std::vector<int64_t> &rows,
                       const std::string &what) {
  ASSERT_EQ(sampled.output.shape, full.output.shape) << what;
  ASSERT_EQ(sampled.lse.shape, full.lse.shape) << what;
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < s.qHeads; ++h)
      for (int64_t q = 0; q < s.qLen; ++q) {
        bool listed = llvm::is_contained(rows, q);
        double lse = sampled.lse.at({b, h, q});
        if (!listed) {
          EXPECT_TRUE(std::isnan(lse)) << what << " q=" << q;
        } else {
          EXPECT_EQ(lse, full.lse.at({b, h, q})) << what << " q=" << q;
        }
        for (int64_t d = 0; d < s.dv; ++d) {
          double o = outputAt(sampled.output, s, b, h, q, d);
          if (!listed) {
            EXPECT_TRUE(std::isnan(o)) << what << " q=" << q;
          } else {
            EXPECT_EQ(o, outputAt(full.output, s, b, h, q, d))
                << what << " b=" << b << " h=" << h << " q=" << q << " d=" << d;
          }
        }
      }
}

TEST_F(ReferenceTest, SampledRowsEqualTheFullComputation) {
  std::mt19937_64 rng(19);
  // GQA, bottom-right causal with Sq > Sk (rows 0..2 see nothing), softcap.
  Spec gqa;
  gqa.batch = 2;
  gqa.qHeads = 4;
  gqa.kvHeads = 2;
  gqa.qLen = 9;
  gqa.kvLen = 6;
  gqa.dqk = 8;
  gqa.dv = 4;
  gqa.mask = "causal(bottom_right)";
  gqa.score = "softcap(10.0)";
  // The bshd layout with a broadcast bias.
  Spec bshd;
  bshd.bshd = true;
  bshd.qLen = 11;
  bshd.kvLen = 13;
  bshd.mask = "window(3) | global(0)";
  bshd.score = "bias";
  bshd.bias = true;
  bshd.broadcastBatch = true;
  for (const Spec &s : {gqa, bshd}) {
    AttentionOp op = parse(s);
    ASSERT_TRUE(op);
    ReferenceInputs in = randomInputs(s, rng, 2.0);
    if (s.bias)
      in.bias = randomTensor({1, s.qHeads, s.qLen, s.kvLen}, rng);
    // Any order, repeats allowed; first, last, an empty row, a middle one.
    std::vector<int64_t> rows = {s.qLen - 1, 0, 4, 4, 1};
    ReferenceOptions options;
    options.queryRows = rows;
    ReferenceResult full = reference(op, in);
    auto sampled = computeReference(op, in, options);
    ASSERT_TRUE(static_cast<bool>(sampled)) << toString(sampled.takeError());
    expectSampledRows(*sampled, full, s, rows, s.mask + " (reference)");
    auto naiveFull = computeNaive(op, in, BFloat16Type::get(ctx.get()));
    auto naiveSampled =
        computeNaive(op, in, BFloat16Type::get(ctx.get()), options);
    ASSERT_TRUE(static_cast<bool>(naiveFull));
    ASSERT_TRUE(static_cast<bool>(naiveSampled));
    expectSampledRows(*naiveSampled, *naiveFull, s, rows, s.mask + " (naive)");
  }
  // No rows listed: every row, as without options.
  AttentionOp op = parse(gqa);
  ReferenceInputs in = randomInputs(gqa, rng);
  std::vector<int64_t> all(gqa.qLen);
  std::iota(all.begin(), all.end(), 0);
  auto every = computeReference(op, in, ReferenceOptions{});
  ASSERT_TRUE(static_cast<bool>(every));
  expectSampledRows(*every, reference(op, in), gqa, all, "all rows");
}

TEST_F(ReferenceTest, SampledRowsOutOfRangeAreErrors) {
  Spec s;
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(20);
  ReferenceInputs in = randomInputs(s, rng);
  for (int64_t row : {int64_t(5), int64_t(-1)}) {
    ReferenceOptions options;
    options.queryRows = {0, row};
    auto r = computeReference(op, in, options);
    ASSERT_FALSE(static_cast<bool>(r));
    EXPECT_EQ(toString(r.takeError()),
              "query row " + std::to_string(row) + " is outside [0, 5)");
    auto n = computeNaive(op, in, Float32Type::get(ctx.get()), options);
    ASSERT_FALSE(static_cast<bool>(n));
    EXPECT_EQ(toString(n.takeError()),
              "query row " + std::to_string(row) + " is outside [0, 5)");
  }
}

TEST_F(ReferenceTest, ToleranceRuleOnSelectedRows) {
  // [2, 3, 2], rows along dimension 1. Row 1 is wrong in `out`; rows the
  // reference left out (NaN) are never read.
  const double nan = std::nan("");
  HostTensor ref({2, 3, 2}, {1, 2, nan, nan, 5, 6, 7, 8, nan, nan, 11, 12});
  HostTensor naive({2, 3, 2},
                   {1.01, 2, nan, nan, 5, 6, 7, 8.02, nan, nan, 11, 12});
  HostTensor out({2, 3, 2}, {1, 2.03, 9, 9, 5, 6, 7, 8, 9, 9, 11, 12});
  auto report = compareWithTolerance(out, ref, naive, {1, {0, 2}});
  ASSERT_TRUE(static_cast<bool>(report)) << toString(report.takeError());
  EXPECT_TRUE(report->pass);
  EXPECT_EQ(report->elementsCompared, 8);
  EXPECT_NEAR(report->maxError, 0.03, 1e-12);
  EXPECT_EQ(report->worstIndex, 1);
  EXPECT_NEAR(report->naiveError, 0.02, 1e-12);
  EXPECT_NEAR(report->bound, 0.04 + 1e-5, 1e-12);
  // Repeats count once; a selection of row 1 reads the NaN rows and fails.
  report = compareWithTolerance(out, ref, naive, {1, {1, 1}});
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_FALSE(report->pass);
  EXPECT_EQ(report->elementsCompared, 4);
  EXPECT_EQ(report->nonFiniteMismatches, 4);
  EXPECT_EQ(report->worstIndex, 2);
  // Without a selection every element is read.
  report = compareWithTolerance(out, ref, naive);
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_FALSE(report->pass);
  EXPECT_EQ(report->elementsCompared, 12);
  // Rows along the last dimension.
  report = compareWithTolerance(out, ref, naive, {2, {0}});
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_EQ(report->elementsCompared, 6);
  EXPECT_EQ(report->nonFiniteMismatches, 2);
  // A row out of range, an axis beyond the rank.
  auto bad = compareWithTolerance(out, ref, naive, {1, {3}});
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(toString(bad.takeError()),
            "row 3 is outside [0, 3) in dimension 1 of [2, 3, 2]");
  bad = compareWithTolerance(out, ref, naive, {3, {0}});
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(toString(bad.takeError()),
            "cannot select rows along dimension 3 of a tensor of shape "
            "[2, 3, 2]");
}

/// The rule on a sampled reference: the figures are those of the full
/// comparison restricted to the rows, and a kernel wrong on a sampled row
/// fails.
TEST_F(ReferenceTest, ToleranceRuleOnSampledAttention) {
  Spec s;
  s.qLen = 20;
  s.kvLen = 30;
  s.dqk = 32;
  s.mask = "window(8) | global(0)";
  AttentionOp op = parse(s);
  ASSERT_TRUE(op);
  std::mt19937_64 rng(21);
  ReferenceInputs in = roundedToBF16(randomInputs(s, rng));
  std::vector<int64_t> rows = {0, 7, 19};
  ReferenceOptions options;
  options.queryRows = rows;
  auto ref = computeReference(op, in, options);
  auto naive = computeNaive(op, in, BFloat16Type::get(ctx.get()), options);
  ASSERT_TRUE(static_cast<bool>(ref));
  ASSERT_TRUE(static_cast<bool>(naive));
  RowSelection selection{op.getSeqAxis(), rows};
  // A kernel computing in f32 throughout, on every row.
  auto f32 = computeNaive(op, in, Float32Type::get(ctx.get()));
  ASSERT_TRUE(static_cast<bool>(f32));
  auto report =
      compareWithTolerance(f32->output, ref->output, naive->output, selection);
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_TRUE(report->pass);
  EXPECT_EQ(report->elementsCompared, s.batch * s.qHeads * 3 * s.dv);
  // The same figures as the full comparison restricted by hand.
  ReferenceResult fullRef = reference(op, in);
  double maxError = 0;
  for (int64_t h = 0; h < s.qHeads; ++h)
    for (int64_t q : rows)
      for (int64_t d = 0; d < s.dv; ++d)
        maxError =
            std::max(maxError, std::fabs(f32->output.at({0, h, q, d}) -
                                         fullRef.output.at({0, h, q, d})));
  EXPECT_EQ(report->maxError, maxError);
  // The LSE selects along its last dimension.
  auto lse = compareWithTolerance(f32->lse, ref->lse, naive->lse, {2, rows});
  ASSERT_TRUE(static_cast<bool>(lse));
  EXPECT_TRUE(lse->pass);
  // Without the selection the rows left out (NaN) fail the rule.
  report = compareWithTolerance(f32->output, ref->output, naive->output);
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_FALSE(report->pass);
  // A kernel that drops the sink fails on the sampled row 19.
  Spec wrong = s;
  wrong.mask = "window(8)";
  ReferenceResult bad = reference(parse(wrong), in);
  report =
      compareWithTolerance(bad.output, ref->output, naive->output, selection);
  ASSERT_TRUE(static_cast<bool>(report));
  EXPECT_FALSE(report->pass);
  EXPECT_GT(report->maxError, report->bound);
}

} // namespace
