//===- MaskIRTest.cpp - Mask and score IR agree with the C++ semantics ----===//
//
// For every mask kind and score modifier, with random parameters and random
// problems (GQA head counts, Sq != Sk, both alignments, broadcast operands,
// static and dynamic operand types): buildVisible, buildKVRange, its hull
// over batch entries and heads (buildKVRangeHull), buildTileIsFull (the
// last two also split between lanes, IRArgs::scanLane, whose hull and AND
// must give the unsplit answer) and buildScore are emitted on constant
// coordinates and constant operand tensors inside one function, the function is
// folded by the canonicalizer (the scf.for loops of document offsets, of data
// scans and of the hull fully unrolled first), and each folded constant is
// compared with the C++ semantics: isVisible (equal), kvRange and
// kvRangeHull (contained, equal where the builder is exact), classify
// (IR full implies Full, and the converse where the builder is exact) and
// apply (within 1e-5 relative).
//
//===----------------------------------------------------------------------===//

#include "../MaskTestUtils.h"
#include "MaskGenerators.h"
#include "attn/Dialect/Attn/Mask/KVRange.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <cmath>

using namespace mlir;
using namespace attn;
using namespace attn::mask;
using namespace attn::test;

namespace {

//===----------------------------------------------------------------------===//
// A function of constants, folded
//===----------------------------------------------------------------------===//

/// Builds `func.func @f() -> (...)` whose results are the values under test,
/// then folds it to constants.
class FoldHarness {
public:
  explicit FoldHarness(MLIRContext &ctx)
      : ctx(ctx), builder(&ctx), loc(UnknownLoc::get(&ctx)),
        module(ModuleOp::create(loc)) {
    builder.setInsertionPointToEnd(module->getBody());
    func = func::FuncOp::create(builder, loc, "f",
                                builder.getFunctionType({}, {}));
    builder.setInsertionPointToStart(func.addEntryBlock());
  }

  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(builder, loc, v);
  }
  Value f32(float v) {
    return arith::ConstantOp::create(builder, loc, builder.getF32FloatAttr(v));
  }
  /// A constant tensor; with `dynamic`, cast to a type of unknown extents so
  /// that the builders take their run-time paths (tensor.dim, broadcast
  /// tests).
  Value tensor(DenseElementsAttr data, bool dynamic) {
    Value t = arith::ConstantOp::create(builder, loc, data);
    if (!dynamic)
      return t;
    auto type = cast<RankedTensorType>(data.getType());
    SmallVector<int64_t> unknown(type.getRank(), ShapedType::kDynamic);
    return tensor::CastOp::create(
        builder, loc, RankedTensorType::get(unknown, type.getElementType()), t);
  }
  Value intTensor(ArrayRef<int64_t> shape, Type elem, ArrayRef<int64_t> data,
                  bool dynamic) {
    unsigned width = elem.getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (int64_t v : data)
      values.push_back(width == 1 ? APInt(1, v != 0)
                                  : APInt(width, v, /*isSigned=*/true));
    return tensor(
        DenseElementsAttr::get(RankedTensorType::get(shape, elem), values),
        dynamic);
  }

  /// Adds a result; returns its position.
  size_t yield(Value v) {
    results.push_back(v);
    return results.size() - 1;
  }

  /// Verifies and folds the function; `values` gets each result's constant.
  ::testing::AssertionResult fold(SmallVectorImpl<Attribute> &values) {
    func::ReturnOp::create(builder, loc, results);
    func.setFunctionType(
        builder.getFunctionType({}, ValueRange(results).getTypes()));
    if (failed(verify(*module)))
      return ::testing::AssertionFailure() << "invalid IR:\n" << text();
    PassManager pm(&ctx);
    pm.addPass(createCanonicalizerPass());
    if (failed(pm.run(*module)))
      return ::testing::AssertionFailure() << "canonicalize failed";
    // Document offsets search with an scf.for, which canonicalize keeps:
    // unroll it (its trip count is now a constant) and fold again.
    SmallVector<scf::ForOp> loops;
    module->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      if (failed(loopUnrollFull(loop)))
        return ::testing::AssertionFailure() << "cannot unroll:\n" << text();
    if (!loops.empty() && failed(pm.run(*module)))
      return ::testing::AssertionFailure() << "canonicalize failed";
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    for (Value v : ret.getOperands()) {
      auto c = v.getDefiningOp<arith::ConstantOp>();
      if (!c)
        return ::testing::AssertionFailure() << "did not fold:\n" << text();
      values.push_back(c.getValue());
    }
    return ::testing::AssertionSuccess();
  }

  std::string text() {
    std::string s;
    llvm::raw_string_ostream os(s);
    module->print(os);
    return s.size() > 20000 ? s.substr(0, 20000) + "\n..." : s;
  }

  MLIRContext &ctx;
  OpBuilder builder;
  Location loc;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
  SmallVector<Value> results;
};

int64_t intOf(Attribute a) { return cast<IntegerAttr>(a).getInt(); }
bool boolOf(Attribute a) {
  return cast<IntegerAttr>(a).getValue().getBoolValue();
}

/// A random divisor of n: the KV head count of a GQA problem.
int64_t pickDivisor(std::mt19937_64 &rng, int64_t n) {
  std::vector<int64_t> divisors;
  for (int64_t d = 1; d <= n; ++d)
    if (n % d == 0)
      divisors.push_back(d);
  return divisors[pick(rng, 0, divisors.size() - 1)];
}

/// The mask_mod region of these tests, in C++ and as IR.
bool maskModValue(int64_t b, int64_t h, int64_t q, int64_t k) {
  return (q + 2 * k + h + b) % 5 < 2;
}
Value buildMaskMod(OpBuilder &builder, Location loc, Value b, Value h, Value q,
                   Value k) {
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(builder, loc, v);
  };
  Value sum = arith::AddIOp::create(
      builder, loc, q, arith::MulIOp::create(builder, loc, k, c(2)));
  sum = arith::AddIOp::create(builder, loc,
                              arith::AddIOp::create(builder, loc, sum, h), b);
  return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::slt,
                               arith::RemSIOp::create(builder, loc, sum, c(5)),
                               c(2));
}

//===----------------------------------------------------------------------===//
// Masks
//===----------------------------------------------------------------------===//

/// Which IR builders of a kind are exact (equal to the C++ answer) rather
/// than merely never wrong.
struct Exactness {
  bool range = false; ///< buildKVRange == kvRange
  bool full = false;  ///< buildTileIsFull == (classify == Full)
};

class MaskIRTest : public ::testing::Test {
protected:
  static constexpr int kPoints = 64, kRanges = 24, kHulls = 6, kTiles = 48;

  void SetUp() override { ctx = makeContext(); }

  /// Draws `trials` problems and masks from `gen` and checks kPoints points,
  /// kRanges query ranges and kTiles tiles of each.
  void sweep(const char *kind, MaskGenerator gen, Exactness exact,
             int trials = 25, uint64_t seed = 7) {
    std::mt19937_64 rng(seed ^ std::hash<std::string>()(kind));
    int64_t fullTiles = 0, fullTilesExpected = 0;
    for (int t = 0; t < trials; ++t) {
      Problem p;
      p.batch = pick(rng, 1, 3);
      p.heads = std::vector<int64_t>{1, 2, 3, 4, 6, 8}[pick(rng, 0, 5)];
      p.qLen = pick(rng, 1, 130);
      p.kvLen = pick(rng, 0, 3) == 0 ? p.qLen : pick(rng, 1, 130);
      std::string text = gen(rng, p);
      std::string error;
      MaskExprAttrInterface m = parseMask(*ctx, text, &error);
      ASSERT_TRUE(m) << kind << ": cannot parse '" << text << "': " << error;
      std::string what =
          std::string(kind) + " '" + text + "' B=" + std::to_string(p.batch) +
          " H=" + std::to_string(p.heads) + " Sq=" + std::to_string(p.qLen) +
          " Sk=" + std::to_string(p.kvLen);
      if (!checkProblem(rng, m, p, exact, what, fullTiles, fullTilesExpected))
        return;
    }
    // Full tiles occurred, so an exact builder did say "full" somewhere.
    if (exact.full) {
      EXPECT_GT(fullTilesExpected, 0) << kind;
      EXPECT_EQ(fullTiles, fullTilesExpected) << kind;
    }
  }

  bool checkProblem(std::mt19937_64 &rng, MaskExprAttrInterface m,
                    const Problem &p, Exactness exact, const std::string &what,
                    int64_t &fullTiles, int64_t &fullTilesExpected) {
    Context mctx;
    mctx.batch = p.batch;
    mctx.qHeads = p.heads;
    mctx.kvHeads = pickDivisor(rng, p.heads);
    mctx.qLen = p.qLen;
    mctx.kvLen = p.kvLen;
    Requirements req;
    m.addRequirements(req);
    RuntimeData data;
    if (req.docOffsets)
      data.makeOffsets(rng, p.batch, p.qLen, p.kvLen);
    else if (req.documents)
      data.makeDocuments(rng, p.batch, p.qLen, p.kvLen, scrambleDocuments);
    int64_t nq = 0, nk = 0;
    if (req.blockMask) {
      nq = (p.qLen + req.blockQ - 1) / req.blockQ;
      nk = (p.kvLen + req.blockK - 1) / req.blockK;
      // At times one block short: the verifier cannot rule that out for
      // dynamic extents, and the blocks beyond the operand are dropped.
      if (pick(rng, 0, 3) == 0)
        (pick(rng, 0, 1) ? nq : nk) -= 1;
      nq = std::max<int64_t>(nq, 1);
      nk = std::max<int64_t>(nk, 1);
      data.makeBlocks(rng, pick(rng, 0, 1) ? p.batch : 1,
                      pick(rng, 0, 1) ? p.heads : 1, nq, nk, pick(rng, 0, 100));
    }
    data.attach(mctx);
    mctx.maskMod = maskModValue;

    FoldHarness f(*ctx);
    IRArgs base;
    base.qLen = f.index(p.qLen);
    base.kvLen = f.index(p.kvLen);
    base.qHeads = p.heads;
    base.maskMod = buildMaskMod;
    if (req.documents || req.docOffsets) {
      // Ids [B, S] or starts [B, N + 1], as i32 or i64.
      Type elem =
          pick(rng, 0, 1) ? f.builder.getI32Type() : f.builder.getI64Type();
      auto rows = [&](const std::vector<std::vector<int64_t>> &r) {
        std::vector<int64_t> flat;
        for (const auto &row : r)
          flat.insert(flat.end(), row.begin(), row.end());
        return f.intTensor({p.batch, int64_t(r.front().size())}, elem, flat,
                           pick(rng, 0, 1));
      };
      base.qSegments = rows(req.docOffsets ? data.qStarts : data.qDocs);
      base.kvSegments = rows(req.docOffsets ? data.kvStarts : data.kvDocs);
    }
    if (req.blockMask) {
      // [B|1, H|1, nq, nk] of i1, i8 or i32; a kept block is any non-zero.
      Type elem =
          std::vector<Type>{f.builder.getI1Type(), f.builder.getI8Type(),
                            f.builder.getI32Type()}[pick(rng, 0, 2)];
      std::vector<int64_t> bits;
      for (uint8_t kept : data.blocks)
        bits.push_back(kept ? (pick(rng, 0, 1) ? 1 : -pick(rng, 1, 100)) : 0);
      base.blockMask = f.intTensor({data.batches, data.heads, nq, nk}, elem,
                                   bits, pick(rng, 0, 1));
    }

    struct PointCase {
      Point p;
      size_t result;
    };
    /// b = h = -1: the hull over the batch entries `batches` and the
    /// heads `heads`.
    struct RangeCase {
      int64_t b, h;
      Interval q;
      size_t lo, hi;
      Interval batches{0, 0}, heads{0, 0};
      /// The same range built by each lane of a split scan (IRArgs::
      /// scanLane), whose hull must be the unsplit range.
      std::vector<std::pair<size_t, size_t>> lanes;
      /// A single query's range: exactly its keys, else a hull.
      bool exact = true;
    };
    /// batches/heads non-empty: full for every pair of the box.
    struct TileCase {
      Box box;
      size_t result;
      Interval batches{0, 0}, heads{0, 0};
      /// The same test built by each lane of a split scan, whose AND must
      /// be the unsplit test.
      std::vector<size_t> lanes;
    };
    // Lanes splitting the scans over run-time data: 2, 3, 5 or 32.
    auto laneArgs = [&](const IRArgs &a, int64_t lane, int64_t lanes) {
      IRArgs split = a;
      split.scanLane = f.index(lane);
      split.scanLanes = f.index(lanes);
      return split;
    };
    auto pickLanes = [&]() {
      return std::vector<int64_t>{2, 3, 5, 32}[pick(rng, 0, 3)];
    };
    auto headBox = [&](Interval batches, Interval heads) {
      return HeadBox{f.index(batches.lo), f.index(batches.size()),
                     f.index(heads.lo), f.index(heads.size())};
    };
    auto subRange = [&](int64_t n) {
      int64_t lo = pick(rng, 0, n - 1);
      return Interval{lo, pick(rng, lo + 1, n)};
    };
    std::vector<PointCase> points;
    std::vector<RangeCase> ranges;
    std::vector<TileCase> tiles;
    // Sizes skewed towards small ones, so that small masks have full tiles.
    auto span = [&](int64_t len) {
      int64_t lo = pick(rng, 0, len - 1);
      return Interval{lo, std::min(len, lo + pick(rng, 1, pick(rng, 1, 33)))};
    };
    for (int i = 0; i < kPoints; ++i) {
      Point pt{pick(rng, 0, p.batch - 1), pick(rng, 0, p.heads - 1),
               pick(rng, 0, p.qLen - 1), pick(rng, 0, p.kvLen - 1)};
      IRArgs a = base;
      a.b = f.index(pt.b);
      a.h = f.index(pt.h);
      a.q = f.index(pt.q);
      a.k = f.index(pt.k);
      points.push_back({pt, f.yield(m.buildVisible(f.builder, f.loc, a))});
    }
    for (int i = 0; i < kRanges; ++i) {
      RangeCase r{pick(rng, 0, p.batch - 1), pick(rng, 0, p.heads - 1),
                  span(p.qLen), 0, 0};
      IRArgs a = base;
      a.b = f.index(r.b);
      a.h = f.index(r.h);
      a.qLo = f.index(r.q.lo);
      a.qHi = f.index(r.q.hi);
      auto [lo, hi] = m.buildKVRange(f.builder, f.loc, a);
      r.lo = f.yield(lo);
      r.hi = f.yield(hi);
      for (int64_t lane = 0, lanes = pickLanes(); lane < lanes; ++lane) {
        auto [l, h] =
            m.buildKVRange(f.builder, f.loc, laneArgs(a, lane, lanes));
        r.lanes.push_back({f.yield(l), f.yield(h)});
      }
      ranges.push_back(r);
    }
    // Kinds that show each query one interval of keys: the range of a
    // single query is exactly its visible keys (showsKeyIntervals). Kinds
    // that do so when the key ids are sorted get IRArgs::idsSorted from
    // buildKeyIdsSorted over every key: exact where the ids are sorted, a
    // hull elsewhere.
    std::vector<RangeCase> singles;
    bool intervals = m.showsKeyIntervals(/*idsSorted=*/false);
    bool ifSorted = !intervals && m.showsKeyIntervals(/*idsSorted=*/true);
    if (intervals || ifSorted)
      for (int i = 0; i < kRanges; ++i) {
        int64_t q = pick(rng, 0, p.qLen - 1);
        RangeCase r{pick(rng, 0, p.batch - 1), pick(rng, 0, p.heads - 1),
                    Interval{q, q + 1}, 0, 0};
        IRArgs a = base;
        a.b = f.index(r.b);
        a.h = f.index(r.h);
        a.qLo = f.index(q);
        a.qHi = f.index(q + 1);
        if (ifSorted) {
          IRArgs keys = a;
          keys.kLo = f.index(0);
          keys.kHi = base.kvLen;
          a.idsSorted = buildKeyIdsSorted(f.builder, f.loc, keys);
          r.exact = idsSorted(data.kvDocs[r.b], {0, p.kvLen});
          a.keysWithIds = keysWithIds(f, data.kvDocs[r.b]);
        }
        auto [lo, hi] = m.buildKVRange(f.builder, f.loc, a);
        r.lo = f.yield(lo);
        r.hi = f.yield(hi);
        singles.push_back(r);
      }
    // buildKeyIdsSorted on random key ranges, whole and split between
    // lanes (the AND of their shares).
    struct SortedCase {
      int64_t b;
      Interval k;
      size_t result;
      std::vector<size_t> lanes;
    };
    std::vector<SortedCase> sortedCases;
    if (req.documents)
      for (int i = 0; i < kRanges; ++i) {
        SortedCase c{pick(rng, 0, p.batch - 1), span(p.kvLen), 0, {}};
        IRArgs a = base;
        a.b = f.index(c.b);
        a.kLo = f.index(c.k.lo);
        a.kHi = f.index(c.k.hi);
        c.result = f.yield(buildKeyIdsSorted(f.builder, f.loc, a));
        for (int64_t lane = 0, lanes = pickLanes(); lane < lanes; ++lane)
          c.lanes.push_back(f.yield(
              buildKeyIdsSorted(f.builder, f.loc, laneArgs(a, lane, lanes))));
        sortedCases.push_back(c);
      }
    for (int i = 0; i < kHulls; ++i) {
      // Every other hull covers all pairs, the rest a random sub-box.
      RangeCase r{-1, -1, span(p.qLen), 0, 0};
      r.batches = i % 2 ? subRange(p.batch) : Interval{0, p.batch};
      r.heads = i % 2 ? subRange(p.heads) : Interval{0, p.heads};
      IRArgs a = base;
      a.qLo = f.index(r.q.lo);
      a.qHi = f.index(r.q.hi);
      auto [lo, hi] =
          buildKVRangeHull(m, f.builder, f.loc, a, headBox(r.batches, r.heads));
      r.lo = f.yield(lo);
      r.hi = f.yield(hi);
      ranges.push_back(r);
    }
    for (int i = 0; i < kTiles; ++i) {
      Box box{pick(rng, 0, p.batch - 1), pick(rng, 0, p.heads - 1),
              span(p.qLen), span(p.kvLen)};
      IRArgs a = base;
      a.b = f.index(box.b);
      a.h = f.index(box.h);
      a.qLo = f.index(box.q.lo);
      a.qHi = f.index(box.q.hi);
      a.kLo = f.index(box.k.lo);
      a.kHi = f.index(box.k.hi);
      TileCase whole{box, f.yield(m.buildTileIsFull(f.builder, f.loc, a))};
      for (int64_t lane = 0, lanes = pickLanes(); lane < lanes; ++lane)
        whole.lanes.push_back(f.yield(
            m.buildTileIsFull(f.builder, f.loc, laneArgs(a, lane, lanes))));
      tiles.push_back(whole);
      // The same tile over a random box of batch entries and heads.
      Interval batches = subRange(p.batch), heads = subRange(p.heads);
      tiles.push_back({box,
                       f.yield(buildTileIsFullOver(m, f.builder, f.loc, a,
                                                   headBox(batches, heads))),
                       batches, heads});
    }

    SmallVector<Attribute> values;
    ::testing::AssertionResult folded = f.fold(values);
    if (!folded) {
      ADD_FAILURE() << what << ": " << folded.message();
      return false;
    }

    for (const PointCase &c : points) {
      bool ir = boolOf(values[c.result]);
      bool ref = m.isVisible(c.p, mctx);
      if (ir != ref) {
        ADD_FAILURE() << what << ": visible(b=" << c.p.b << ", h=" << c.p.h
                      << ", q=" << c.p.q << ", k=" << c.p.k << ") is " << ref
                      << ", the IR says " << ir;
        return false;
      }
    }
    for (const RangeCase &c : ranges) {
      Interval ir{intOf(values[c.lo]), intOf(values[c.hi])};
      Interval ref = c.b < 0 ? Interval{0, 0} : m.kvRange(c.b, c.h, c.q, mctx);
      for (int64_t b = c.batches.lo; b < c.batches.hi; ++b)
        for (int64_t h = c.heads.lo; h < c.heads.hi; ++h)
          ref = ref.hull(m.kvRange(b, h, c.q, mctx));
      // Never narrower than the keys the queries see. (kvRange itself may
      // be a wider hull than the IR's: an AND's C++ range intersects its
      // operands' hulls, where the IR scans only the keys left.)
      Interval seen{0, 0};
      auto see = [&](int64_t b, int64_t h) {
        for (int64_t q = c.q.lo; q < c.q.hi; ++q)
          for (int64_t k = 0; k < p.kvLen; ++k)
            if (m.isVisible(Point{b, h, q, k}, mctx))
              seen = seen.hull({k, k + 1});
      };
      if (c.b >= 0)
        see(c.b, c.h);
      for (int64_t b = c.batches.lo; b < c.batches.hi; ++b)
        for (int64_t h = c.heads.lo; h < c.heads.hi; ++h)
          see(b, h);
      auto holds = [](Interval outer, Interval inner) {
        return inner.empty() || (outer.lo <= inner.lo && inner.hi <= outer.hi);
      };
      if (!c.lanes.empty()) {
        // The lanes' hull holds the visible keys, within the unsplit range;
        // equal to it where the builder is exact. (An AND intersects a
        // lane's share of one operand with another's whole range, which may
        // leave less than the whole ranges' intersection.)
        Interval hull{0, 0};
        for (auto [l, h] : c.lanes)
          hull = hull.hull({intOf(values[l]), intOf(values[h])});
        if (!holds(hull, seen) || !holds(ir, hull) ||
            (exact.range && !(hull == ir))) {
          ADD_FAILURE() << what << ": kvRange(b=" << c.b << ", h=" << c.h
                        << ", q=[" << c.q.lo << "," << c.q.hi << ")) is ["
                        << ir.lo << "," << ir.hi << ") in the IR, the hull of "
                        << c.lanes.size() << " lanes' shares [" << hull.lo
                        << "," << hull.hi << "), the visible keys [" << seen.lo
                        << "," << seen.hi << ")";
          return false;
        }
      }
      bool normalized = 0 <= ir.lo && ir.lo <= ir.hi && ir.hi <= p.kvLen;
      if (!normalized || !holds(ir, seen) || (exact.range && !(ir == ref))) {
        ADD_FAILURE() << what << ": kvRange(b=" << c.b << ", h=" << c.h
                      << ", q=[" << c.q.lo << "," << c.q.hi << ")) is ["
                      << ref.lo << "," << ref.hi << "), the IR says [" << ir.lo
                      << "," << ir.hi << "), the visible keys [" << seen.lo
                      << "," << seen.hi << ")";
        return false;
      }
    }
    for (const SortedCase &c : sortedCases) {
      bool ir = boolOf(values[c.result]);
      bool ref = idsSorted(data.kvDocs[c.b], c.k);
      bool all = true;
      for (size_t lane : c.lanes)
        all = all && boolOf(values[lane]);
      if (ir != ref || all != ref) {
        ADD_FAILURE() << what << ": key ids of b=" << c.b << " over [" << c.k.lo
                      << "," << c.k.hi << ") are " << (ref ? "" : "not ")
                      << "sorted; the IR says " << ir << ", the AND of "
                      << c.lanes.size() << " lanes " << all;
        return false;
      }
    }
    for (const RangeCase &c : singles) {
      Interval ir{intOf(values[c.lo]), intOf(values[c.hi])};
      for (int64_t k = 0; k < p.kvLen; ++k) {
        bool shown = ir.lo <= k && k < ir.hi;
        bool visible = m.isVisible(Point{c.b, c.h, c.q.lo, k}, mctx);
        if (!c.exact && visible && !shown) {
          ADD_FAILURE() << what << ": query " << c.q.lo << " (b=" << c.b
                        << ", h=" << c.h << ") sees key " << k
                        << " outside its IR range [" << ir.lo << "," << ir.hi
                        << ") (ids out of order)";
          return false;
        }
        if (c.exact && visible != shown) {
          ADD_FAILURE() << what << ": query " << c.q.lo << " (b=" << c.b
                        << ", h=" << c.h << ") sees key " << k
                        << (shown ? " not" : "") << ", but its IR range ["
                        << ir.lo << "," << ir.hi
                        << ") claims to be exactly its keys";
          return false;
        }
      }
    }
    for (const TileCase &c : tiles) {
      bool ir = boolOf(values[c.result]);
      bool ref = classifyTile(m, c.box, mctx) == TileClass::Full;
      if (!c.batches.empty()) {
        // Over a box: full for every pair; exactness is not claimed.
        ref = true;
        for (int64_t b = c.batches.lo; b < c.batches.hi; ++b)
          for (int64_t h = c.heads.lo; h < c.heads.hi; ++h)
            ref = ref && classifyTile(m, Box{b, h, c.box.q, c.box.k}, mctx) ==
                             TileClass::Full;
        if (ir && !ref) {
          ADD_FAILURE() << what << ": tile q=[" << c.box.q.lo << ","
                        << c.box.q.hi << ") k=[" << c.box.k.lo << ","
                        << c.box.k.hi << ") over b=[" << c.batches.lo << ","
                        << c.batches.hi << ") h=[" << c.heads.lo << ","
                        << c.heads.hi << ") is not full, the IR says full";
          return false;
        }
        continue;
      }
      bool all = true;
      for (size_t lane : c.lanes)
        all = all && boolOf(values[lane]);
      if (all != ir) {
        ADD_FAILURE() << what << ": tile b=" << c.box.b << " h=" << c.box.h
                      << " q=[" << c.box.q.lo << "," << c.box.q.hi << ") k=["
                      << c.box.k.lo << "," << c.box.k.hi << ") is "
                      << (ir ? "full" : "not full") << " in the IR, the AND of "
                      << c.lanes.size() << " lanes' shares says "
                      << (all ? "full" : "not full");
        return false;
      }
      fullTiles += ir;
      fullTilesExpected += ref;
      if ((ir && !ref) || (exact.full && ir != ref)) {
        ADD_FAILURE() << what << ": tile b=" << c.box.b << " h=" << c.box.h
                      << " q=[" << c.box.q.lo << "," << c.box.q.hi << ") k=["
                      << c.box.k.lo << "," << c.box.k.hi << ") is "
                      << (ref ? "full" : "not full") << ", the IR says "
                      << (ir ? "full" : "not full");
        return false;
      }
    }
    return true;
  }

  /// IRArgs::keysWithIds over the runs of `ids` (sorted or not), as a
  /// chain of selects over constants: the first run whose id is at least
  /// dLo, and the first whose id is above dHi (unsigned).
  static std::function<std::pair<Value, Value>(OpBuilder &, Location, Value,
                                               Value)>
  keysWithIds(FoldHarness &f, const std::vector<int64_t> &ids) {
    std::vector<std::pair<int64_t, int64_t>> runs; // (start, id)
    for (int64_t k = 0; k < static_cast<int64_t>(ids.size()); ++k)
      if (k == 0 || ids[k] != ids[k - 1])
        runs.push_back({k, ids[k]});
    int64_t end = ids.size();
    return [&f, runs, end](OpBuilder &builder, Location loc, Value dLo,
                           Value dHi) -> std::pair<Value, Value> {
      Value first = f.index(end), after = f.index(end);
      for (auto [start, id] : runs) {
        Value pos = f.index(start), value = f.index(id);
        auto cmp = [&](arith::CmpIPredicate pred, Value d) {
          return arith::CmpIOp::create(builder, loc, pred, value, d);
        };
        auto takeMin = [&](Value acc, Value take) -> Value {
          return arith::SelectOp::create(
              builder, loc, take,
              arith::MinSIOp::create(builder, loc, acc, pos), acc);
        };
        first = takeMin(first, cmp(arith::CmpIPredicate::uge, dLo));
        after = takeMin(after, cmp(arith::CmpIPredicate::ugt, dHi));
      }
      return {first, after};
    };
  }

  /// Whether the key ids of `ids` over `keys` are non-decreasing as
  /// unsigned numbers (padding, -1, after every document).
  static bool idsSorted(const std::vector<int64_t> &ids, Interval keys) {
    for (int64_t k = keys.lo; k + 1 < keys.hi; ++k)
      if (static_cast<uint64_t>(ids[k]) > static_cast<uint64_t>(ids[k + 1]))
        return false;
    return true;
  }

  std::unique_ptr<MLIRContext> ctx;
  /// Document ids out of order at times (RuntimeData::makeDocuments).
  bool scrambleDocuments = false;
};

MaskGenerator fixed(std::string text) {
  return [text](std::mt19937_64 &, Problem &) { return text; };
}

constexpr Exactness kExact{true, true};
constexpr Exactness kExactRange{true, false};
constexpr Exactness kConservative{false, false};

TEST_F(MaskIRTest, All) { sweep("all", fixed("all"), kExact, 5); }
TEST_F(MaskIRTest, Causal) { sweep("causal", genCausal, kExact); }
TEST_F(MaskIRTest, Window) { sweep("window", genWindow, kExact); }
TEST_F(MaskIRTest, Sink) { sweep("sink", genSink, kExact); }
TEST_F(MaskIRTest, Prefix) { sweep("prefix", genPrefix, kExact); }
TEST_F(MaskIRTest, Chunk) { sweep("chunk", genChunk, kExact); }
TEST_F(MaskIRTest, Dilated) { sweep("dilated", genDilated, kExact); }
TEST_F(MaskIRTest, Global) { sweep("global", genGlobal, kExact); }
TEST_F(MaskIRTest, Strided) { sweep("strided", genStrided, kExactRange, 40); }
/// Head offsets h * s mod v that overflow int64 for some head: the builder
/// reads them from a table. Head h sees key h - 1 (s = v - 1 = -1 mod v).
TEST_F(MaskIRTest, StridedHugePeriod) {
  sweep(
      "strided huge",
      [](std::mt19937_64 &rng, Problem &p) {
        p.heads = pick(rng, 9, 16);
        return std::string("strided(1152921504606846974, 1152921504606846975") +
               (pick(rng, 0, 1) ? ", 3)" : ")");
      },
      kExactRange, 10);
}
TEST_F(MaskIRTest, Neighborhood) {
  sweep("neighborhood", genNeighborhood, kConservative, 80);
}
/// Ranges exact for sorted ids, which the generator makes; full tiles exact
/// for any ids.
TEST_F(MaskIRTest, DocumentIds) {
  sweep("document", fixed("document"), kExact);
}
/// Ids out of order at times (a document in two runs, a run of padding
/// inside): ranges are hulls, and a single query's range with
/// IRArgs::idsSorted is exact only where buildKeyIdsSorted says sorted.
TEST_F(MaskIRTest, DocumentIdsOutOfOrder) {
  scrambleDocuments = true;
  sweep("document out of order", fixed("document"), Exactness{false, true});
  sweep("causal & document out of order", fixed("causal & document"),
        kConservative);
}
TEST_F(MaskIRTest, DocumentOffsets) {
  sweep("document(offsets)", fixed("document(offsets)"),
        Exactness{false, true});
}
TEST_F(MaskIRTest, BlocksStatic) {
  sweep("blocks", genBlocksStatic, kConservative);
}
/// Layouts smaller than the problem (possible with dynamic extents): the
/// blocks and heads outside them are dropped.
TEST_F(MaskIRTest, BlocksStaticUndersized) {
  sweep(
      "blocks undersized",
      [](std::mt19937_64 &rng, Problem &p) {
        std::string text = genBlocksStatic(rng, p);
        p.qLen += pick(rng, 0, 40);
        p.kvLen += pick(rng, 0, 40);
        p.heads += pick(rng, 0, 3);
        return text;
      },
      kConservative);
}
TEST_F(MaskIRTest, BlocksRuntime) {
  sweep(
      "blocks runtime",
      [](std::mt19937_64 &rng, Problem &) {
        return "blocks(" + std::to_string(pick(rng, 1, 20)) + ", " +
               std::to_string(pick(rng, 1, 20)) + ", runtime)";
      },
      kExactRange);
}
TEST_F(MaskIRTest, Heads) { sweep("heads", genHeads, kExact); }
TEST_F(MaskIRTest, HeadsWithoutFallback) {
  sweep(
      "heads no fallback",
      [](std::mt19937_64 &rng, Problem &p) {
        p.heads = pick(rng, 3, 6);
        return "heads([0, 2] : window(" + std::to_string(pick(rng, 0, 20)) +
               ", bottom_right), [1] : prefix(" +
               std::to_string(pick(rng, 1, 60)) + "))";
      },
      kExact);
}
TEST_F(MaskIRTest, MaskMod) {
  sweep("mask_mod", fixed("mask_mod"), kConservative, 10);
}
TEST_F(MaskIRTest, Not) {
  sweep(
      "not",
      [](std::mt19937_64 &rng, Problem &p) {
        return "!" + (pick(rng, 0, 1) ? genWindow(rng, p) : genChunk(rng, p));
      },
      kConservative);
}
/// `and` and `or` of kinds with exact builders are exact too.
TEST_F(MaskIRTest, AndOrOfExactKinds) {
  std::vector<MaskGenerator> leaves = {genCausal, genWindow, genSink,
                                       genPrefix, genChunk,  genDilated,
                                       genGlobal};
  sweep(
      "and/or",
      [&](std::mt19937_64 &rng, Problem &p) {
        auto leaf = [&] {
          return leaves[pick(rng, 0, leaves.size() - 1)](rng, p);
        };
        std::string a = leaf(), b = leaf(), c = leaf();
        switch (pick(rng, 0, 3)) {
        case 0:
          return a + " & " + b;
        case 1:
          return a + " | " + b;
        case 2:
          return "(" + a + " | " + b + ") & " + c;
        default:
          return a + " & " + b + " | " + c;
        }
      },
      kExact, 60);
}

/// Two operands that scan data split their scans between lanes in
/// different ways (keys, blocks): the lanes' key ranges must still cover
/// the AND's keys (the hull check of every sweep).
TEST_F(MaskIRTest, AndOfTwoDataScans) {
  sweep("document & blocks", fixed("document & blocks(8, 16, runtime)"),
        kConservative, 12);
  sweep("blocks & document", fixed("blocks(4, 8, runtime) & document"),
        kConservative, 12);
}

// Which kinds claim one interval of keys a query: the claim lets a kernel
// test pairs against two bounds a row, so a wrong one shows keys the mask
// hides. The sweeps check each claim made against isVisible.
TEST_F(MaskIRTest, KeyIntervalClaims) {
  // (mask, claim, claim with sorted ids): with sorted ids, documents given
  // by ids claim intervals too; ORs, NOTs and sinks still do not.
  struct Claim {
    const char *text;
    bool claimed, claimedIfSorted;
  };
  for (auto [text, claimed, claimedIfSorted] :
       std::vector<Claim>{{"all", true, true},
                          {"causal", true, true},
                          {"causal(bottom_right)", true, true},
                          {"window(3, 1)", true, true},
                          {"causal & window(7)", true, true},
                          {"chunk(8, 3)", true, true},
                          {"prefix(5)", true, true},
                          {"document(offsets)", true, true},
                          {"causal & document(offsets)", true, true},
                          {"document", false, true},
                          {"causal & document", false, true},
                          {"window(7) & document", false, true},
                          {"sink(2)", false, false},
                          {"causal & sink(2)", false, false},
                          {"sink(2) & document", false, false},
                          {"causal | prefix(5)", false, false},
                          {"causal | document", false, false},
                          {"dilated(4, 2)", false, false},
                          {"!causal", false, false},
                          {"!document", false, false},
                          {"mask_mod", false, false},
                          {"mask_mod & document", false, false}}) {
    std::string error;
    MaskExprAttrInterface m = parseMask(*ctx, text, &error);
    ASSERT_TRUE(m) << text << ": " << error;
    EXPECT_EQ(m.showsKeyIntervals(/*idsSorted=*/false), claimed) << text;
    EXPECT_EQ(m.showsKeyIntervals(/*idsSorted=*/true), claimedIfSorted) << text;
  }
}

/// Random compositions of every kind: never wrong.
TEST_F(MaskIRTest, RandomCompositions) {
  std::vector<MaskGenerator> leaves = {
      genCausal,         genWindow,
      genSink,           genPrefix,
      genChunk,          genDilated,
      genGlobal,         genStrided,
      genHeads,          fixed("document"),
      fixed("mask_mod"), fixed("all"),
      genBlocksStatic,   fixed("blocks(8, 16, runtime)")};
  sweep(
      "composition",
      // Leaves may change the head count (strided, heads); every leaf is
      // defined for any count.
      [&](std::mt19937_64 &rng, Problem &p) {
        return genComposition(rng, p, leaves, 3);
      },
      kConservative, 120);
}

/// The IR KV range of a 2-D neighborhood is far narrower than all keys.
TEST_F(MaskIRTest, NeighborhoodRangeIsNarrow) {
  auto m =
      parseMask(*ctx, "neighborhood(extents = [96, 96], kernel = [13, 13])");
  ASSERT_TRUE(m);
  FoldHarness f(*ctx);
  IRArgs a;
  a.qLen = a.kvLen = f.index(96 * 96);
  a.b = a.h = f.index(0);
  a.qLo = f.index(4096);
  a.qHi = f.index(4096 + 128);
  auto [lo, hi] = m.buildKVRange(f.builder, f.loc, a);
  f.yield(lo);
  f.yield(hi);
  SmallVector<Attribute> values;
  ASSERT_TRUE(f.fold(values));
  // Windows reach at most 12 rows and 12 columns away from their query.
  EXPECT_EQ(intOf(values[0]), 4096 - 12 * 96 - 12);
  EXPECT_EQ(intOf(values[1]), 4096 + 128 + 12 * 96 + 12);
}

/// Folds the hull of the IR key ranges over `batch` entries and `heads`
/// heads for each query range; `setup` fills the data operands.
std::vector<Interval>
foldHulls(MLIRContext &ctx, MaskExprAttrInterface m, int64_t batch,
          int64_t heads, int64_t qLen, int64_t kvLen,
          ArrayRef<Interval> queries,
          llvm::function_ref<void(FoldHarness &, IRArgs &)> setup = {}) {
  FoldHarness f(ctx);
  IRArgs a;
  a.qLen = f.index(qLen);
  a.kvLen = f.index(kvLen);
  a.qHeads = heads;
  if (setup)
    setup(f, a);
  for (Interval q : queries) {
    a.qLo = f.index(q.lo);
    a.qHi = f.index(q.hi);
    auto [lo, hi] = buildKVRangeHull(
        m, f.builder, f.loc, a,
        HeadBox{f.index(0), f.index(batch), f.index(0), f.index(heads)});
    f.yield(lo);
    f.yield(hi);
  }
  SmallVector<Attribute> values;
  EXPECT_TRUE(f.fold(values));
  std::vector<Interval> keys;
  for (size_t i = 0; i + 1 < values.size(); i += 2)
    keys.push_back({intOf(values[i]), intOf(values[i + 1])});
  return keys;
}

/// A per-head static layout: the range of a Q tile is the hull of the kept
/// key blocks of the query blocks it overlaps, over both heads.
TEST_F(MaskIRTest, BlocksStaticHullOverHeads) {
  auto m = parseMask(*ctx, "blocks(4, 8, [[[0, 1, 0], [0, 0, 1]], "
                           "[[1, 0, 0], [0, 0, 0]]])");
  ASSERT_TRUE(m);
  std::vector<Interval> keys =
      foldHulls(*ctx, m, 1, 2, 8, 24, {{0, 4}, {2, 6}, {4, 8}});
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].lo, 0);  // head 1 keeps key block 0
  EXPECT_EQ(keys[0].hi, 16); // head 0 keeps key block 1
  EXPECT_EQ(keys[1].lo, 0);
  EXPECT_EQ(keys[1].hi, 24);
  EXPECT_EQ(keys[2].lo, 16); // head 1 keeps nothing in query block 1
  EXPECT_EQ(keys[2].hi, 24);
}

/// Document offsets: the keys of the documents the queries span, hull over
/// the batch entries.
TEST_F(MaskIRTest, DocumentOffsetsRangeIsNarrow) {
  auto m = parseMask(*ctx, "document(offsets)");
  ASSERT_TRUE(m);
  std::vector<Interval> keys =
      foldHulls(*ctx, m, 2, 1, 50, 50, {{14, 20}, {0, 13}, {30, 32}},
                [](FoldHarness &f, IRArgs &a) {
                  Value starts =
                      f.intTensor({2, 4}, f.builder.getI64Type(),
                                  {0, 13, 31, 50, 0, 13, 31, 40}, false);
                  a.qSegments = a.kvSegments = starts;
                });
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], (Interval{13, 31}));
  EXPECT_EQ(keys[1], (Interval{0, 13}));
  EXPECT_EQ(keys[2], (Interval{13, 50}));
}

/// documentFromOffsets() against a hand-written table: empty documents are
/// skipped, positions before the first start and from the last on are
/// padding.
TEST(MaskIRSemantics, DocumentFromOffsets) {
  int64_t starts[] = {2, 5, 5, 9};
  int64_t expected[] = {-1, -1, 0, 0, 0, 2, 2, 2, 2, -1, -1};
  for (int64_t pos = 0; pos < 11; ++pos)
    EXPECT_EQ(documentFromOffsets(starts, 4, pos), expected[pos]) << pos;
}

//===----------------------------------------------------------------------===//
// Score modifiers
//===----------------------------------------------------------------------===//

class ScoreIRTest : public ::testing::Test {
protected:
  static constexpr int kPoints = 64;

  void SetUp() override { ctx = makeContext(); }

  ScoreAttr parseScore(const std::string &terms) {
    return llvm::dyn_cast_or_null<ScoreAttr>(
        parseAttribute("#attn.score<" + terms + ">", ctx.get()));
  }

  /// Draws `trials` problems and term lists from `gen` and compares the f32
  /// IR of kPoints points with the fp64 apply(). Each f32 operation rounds
  /// by 2^-24 relative to its operands, so the error is bounded relative to
  /// the largest magnitude involved, not to the (possibly cancelled) result.
  void sweep(const char *name,
             std::function<std::string(std::mt19937_64 &, Problem &)> gen,
             int trials = 20) {
    std::mt19937_64 rng(std::hash<std::string>()(name));
    for (int t = 0; t < trials; ++t) {
      Problem p;
      p.batch = pick(rng, 1, 3);
      p.heads = pick(rng, 1, 16);
      p.qLen = pick(rng, 1, 70);
      p.kvLen = pick(rng, 0, 3) == 0 ? p.qLen : pick(rng, 1, 70);
      std::string text = gen(rng, p);
      ScoreAttr score = parseScore(text);
      ASSERT_TRUE(score) << name << ": cannot parse '" << text << "'";
      std::string what =
          std::string(name) + " '" + text + "' H=" + std::to_string(p.heads) +
          " Sq=" + std::to_string(p.qLen) + " Sk=" + std::to_string(p.kvLen);
      if (!checkProblem(rng, score, p, what))
        return;
    }
  }

  bool checkProblem(std::mt19937_64 &rng, ScoreAttr score, const Problem &p,
                    const std::string &what) {
    FoldHarness f(*ctx);
    ScoreContext sctx;
    sctx.qHeads = p.heads;
    sctx.qLen = p.qLen;
    sctx.kvLen = p.kvLen;
    ScoreIRArgs base;
    base.qHeads = p.heads;
    base.qLen = f.index(p.qLen);
    base.kvLen = f.index(p.kvLen);

    // The bias operand [B|1, H|1, Sq, Sk] in f16, bf16 or f32; the
    // reference reads the rounded values.
    int64_t bb = pick(rng, 0, 1) ? p.batch : 1,
            bh = pick(rng, 0, 1) ? p.heads : 1;
    std::vector<double> bias;
    FloatType elem =
        std::vector<FloatType>{f.builder.getF16Type(), f.builder.getBF16Type(),
                               f.builder.getF32Type()}[pick(rng, 0, 2)];
    SmallVector<APFloat> stored;
    std::uniform_real_distribution<double> biasDist(-4.0, 4.0);
    for (int64_t i = 0; i < bb * bh * p.qLen * p.kvLen; ++i) {
      APFloat v(biasDist(rng));
      bool lost;
      v.convert(elem.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      stored.push_back(v);
      APFloat wide = v;
      wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      bias.push_back(wide.convertToDouble());
    }
    base.bias = f.tensor(
        DenseElementsAttr::get(
            RankedTensorType::get({bb, bh, p.qLen, p.kvLen}, elem), stored),
        pick(rng, 0, 1));
    sctx.bias = [&](int64_t b, int64_t h, int64_t q, int64_t k) {
      b = bb == 1 ? 0 : b;
      h = bh == 1 ? 0 : h;
      return bias[((b * bh + h) * p.qLen + q) * p.kvLen + k];
    };
    // The score_mod region: s / 2 + (q - 2k + h + b) / 8.
    sctx.scoreMod = [](double s, int64_t b, int64_t h, int64_t q, int64_t k) {
      return s * 0.5 + static_cast<double>(q - 2 * k + h + b) * 0.125;
    };
    base.scoreMod = [](OpBuilder &builder, Location loc, Value s, Value b,
                       Value h, Value q, Value k) -> Value {
      Value two = arith::ConstantIndexOp::create(builder, loc, 2);
      Value n = arith::SubIOp::create(
          builder, loc, q, arith::MulIOp::create(builder, loc, k, two));
      n = arith::AddIOp::create(builder, loc,
                                arith::AddIOp::create(builder, loc, n, h), b);
      Value nf = arith::SIToFPOp::create(
          builder, loc, builder.getF32Type(),
          arith::IndexCastOp::create(builder, loc, builder.getI64Type(), n));
      auto c = [&](float v) {
        return arith::ConstantOp::create(builder, loc,
                                         builder.getF32FloatAttr(v));
      };
      return arith::AddFOp::create(
          builder, loc, arith::MulFOp::create(builder, loc, s, c(0.5f)),
          arith::MulFOp::create(builder, loc, nf, c(0.125f)));
    };

    struct Case {
      Point p;
      double ref, scale;
      size_t result;
    };
    std::vector<Case> cases;
    std::uniform_real_distribution<float> scoreDist(-40.0f, 40.0f);
    for (int i = 0; i < kPoints; ++i) {
      Point pt{pick(rng, 0, p.batch - 1), pick(rng, 0, p.heads - 1),
               pick(rng, 0, p.qLen - 1), pick(rng, 0, p.kvLen - 1)};
      float s = scoreDist(rng);
      ScoreIRArgs a = base;
      a.b = f.index(pt.b);
      a.h = f.index(pt.h);
      a.q = f.index(pt.q);
      a.k = f.index(pt.k);
      Value v = f.f32(s);
      double ref = s, scale = std::abs(s);
      for (ScoreModAttrInterface term : score.getTerms()) {
        v = term.buildScore(f.builder, f.loc, v, a);
        double next = term.apply(ref, pt, sctx);
        scale = std::max({scale, std::abs(next), std::abs(next - ref)});
        ref = next;
      }
      cases.push_back({pt, ref, std::max(scale, 1.0), f.yield(v)});
    }

    SmallVector<Attribute> values;
    ::testing::AssertionResult folded = f.fold(values);
    if (!folded) {
      ADD_FAILURE() << what << ": " << folded.message();
      return false;
    }
    for (const Case &c : cases) {
      double ir = cast<FloatAttr>(values[c.result]).getValueAsDouble();
      if (!(std::abs(ir - c.ref) <= 1e-5 * c.scale)) {
        ADD_FAILURE() << what << ": at (b=" << c.p.b << ", h=" << c.p.h
                      << ", q=" << c.p.q << ", k=" << c.p.k << ") apply gives "
                      << c.ref << ", the IR " << ir;
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<MLIRContext> ctx;
};

std::string genAlibi(std::mt19937_64 &rng, Problem &) {
  const char *biases[] = {"", "(0.5)", "(1.0)", "(4.0)", "(8.0)", "(16.0)"};
  return std::string("alibi") + biases[pick(rng, 0, 5)];
}
std::string genSoftcap(std::mt19937_64 &rng, Problem &) {
  return "softcap(" + std::to_string(pick(rng, 1, 600) / 10.0) + ")";
}

TEST_F(ScoreIRTest, Alibi) { sweep("alibi", genAlibi, 40); }
TEST_F(ScoreIRTest, Softcap) { sweep("softcap", genSoftcap); }
TEST_F(ScoreIRTest, Bias) {
  sweep("bias", [](auto &, auto &) { return std::string("bias"); });
}
TEST_F(ScoreIRTest, ScoreMod) {
  sweep("score_mod", [](auto &, auto &) { return std::string("score_mod"); });
}
/// Terms applied left to right.
TEST_F(ScoreIRTest, TermLists) {
  sweep(
      "terms",
      [](std::mt19937_64 &rng, Problem &p) {
        std::string s;
        for (int64_t i = 0, n = pick(rng, 2, 4); i < n; ++i) {
          s += i ? ", " : "";
          switch (pick(rng, 0, 3)) {
          case 0:
            s += genAlibi(rng, p);
            break;
          case 1:
            s += genSoftcap(rng, p);
            break;
          case 2:
            s += "bias";
            break;
          default:
            s += "score_mod";
          }
        }
        return s;
      },
      40);
}

} // namespace
