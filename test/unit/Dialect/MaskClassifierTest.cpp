//===- MaskClassifierTest.cpp - Tile classifiers agree with visible() -----===//
//
// For every mask kind, random extents and random tile sizes: the analytic
// tile classifier is never wrong against enumeration of visible(), and exact
// for built-in kinds; the KV range of a Q tile holds every visible key.
// Also pins down the semantics of the kinds against independent formulas
// (NATTEN windows, bottom-right causal, S2 shards) and the report figures.
//
//===----------------------------------------------------------------------===//

#include "../MaskTestUtils.h"
#include "MaskGenerators.h"

using namespace attn;
using namespace attn::mask;
using namespace attn::test;

namespace {

class MaskClassifierTest : public ::testing::Test {
protected:
  void SetUp() override { ctx = makeContext(); }

  /// Checks every tile of every (batch, head) against enumeration.
  /// Returns false after the first disagreement (reported once).
  bool checkTiles(MaskExprAttrInterface maskExpr, const Context &mctx,
                  int64_t tq, int64_t tk, bool exact, const std::string &what) {
    for (int64_t b = 0; b < mctx.batch; ++b)
      for (int64_t h = 0; h < mctx.qHeads; ++h) {
        auto visible = [&](const Point &p) {
          return maskExpr.isVisible(p, mctx);
        };
        for (int64_t q0 = 0; q0 < mctx.qLen; q0 += tq) {
          Interval qi{q0, std::min(q0 + tq, mctx.qLen)};
          for (int64_t k0 = 0; k0 < mctx.kvLen; k0 += tk) {
            Box box{b, h, qi, {k0, std::min(k0 + tk, mctx.kvLen)}};
            TileClass got = classifyTile(maskExpr, box, mctx);
            TileClass truth = classifyByEnumeration(box, visible);
            bool wrong = (got == TileClass::Full && truth != TileClass::Full) ||
                         (got == TileClass::Empty && truth != TileClass::Empty);
            if (wrong || (exact && got != truth)) {
              ADD_FAILURE()
                  << what << ": tile b=" << b << " h=" << h << " q=["
                  << box.q.lo << "," << box.q.hi << ") k=[" << box.k.lo << ","
                  << box.k.hi << ") Sq=" << mctx.qLen << " Sk=" << mctx.kvLen
                  << " classified " << stringify(got) << ", is "
                  << stringify(truth);
              return false;
            }
          }
          Interval range = maskExpr.kvRange(b, h, qi, mctx);
          for (int64_t q = qi.lo; q < qi.hi; ++q)
            for (int64_t k = 0; k < mctx.kvLen; ++k)
              if (visible(Point{b, h, q, k}) && !range.contains(k)) {
                ADD_FAILURE()
                    << what << ": key " << k << " visible to q=" << q
                    << " (b=" << b << " h=" << h << ") lies outside kvRange ["
                    << range.lo << "," << range.hi << ")";
                return false;
              }
        }
      }
    return true;
  }

  /// Draws `trials` problems and masks of one kind and checks them.
  void sweep(const char *kind, MaskGenerator gen, bool exact, int trials = 40,
             uint64_t seed = 1) {
    std::mt19937_64 rng(seed ^ std::hash<std::string>()(kind));
    for (int t = 0; t < trials; ++t) {
      Problem p;
      p.batch = pick(rng, 1, 2);
      p.heads = pick(rng, 1, 3);
      p.qLen = pick(rng, 1, 130);
      p.kvLen = pick(rng, 0, 3) == 0 ? p.qLen : pick(rng, 1, 130);
      std::string text = gen(rng, p);
      std::string error;
      MaskExprAttrInterface m = parseMask(*ctx, text, &error);
      ASSERT_TRUE(m) << kind << ": cannot parse '" << text << "': " << error;
      Context mctx;
      mctx.batch = p.batch;
      mctx.qHeads = p.heads;
      mctx.kvHeads = 1;
      mctx.qLen = p.qLen;
      mctx.kvLen = p.kvLen;
      RuntimeData data;
      Requirements req;
      m.addRequirements(req);
      if (req.docOffsets)
        data.makeOffsets(rng, p.batch, p.qLen, p.kvLen);
      else
        data.makeDocuments(rng, p.batch, p.qLen, p.kvLen);
      if (req.blockMask)
        data.makeBlocks(
            rng, p.batch, p.heads, (p.qLen + req.blockQ - 1) / req.blockQ,
            (p.kvLen + req.blockK - 1) / req.blockK, pick(rng, 0, 100));
      data.attach(mctx);
      mctx.maskMod = [](int64_t b, int64_t h, int64_t q, int64_t k) {
        return (q + 2 * k + h + b) % 5 < 2;
      };
      int64_t tq = pick(rng, 1, 33), tk = pick(rng, 1, 33);
      if (!checkTiles(m, mctx, tq, tk, exact,
                      std::string(kind) + " '" + text + "' tiles " +
                          std::to_string(tq) + "x" + std::to_string(tk)))
        return;
    }
  }

  std::unique_ptr<mlir::MLIRContext> ctx;
};

//===----------------------------------------------------------------------===//
// Each kind: never wrong, and exact.
//===----------------------------------------------------------------------===//

TEST_F(MaskClassifierTest, All) {
  sweep("all", [](auto &, auto &) { return std::string("all"); }, true, 5);
}
TEST_F(MaskClassifierTest, Causal) { sweep("causal", genCausal, true); }
TEST_F(MaskClassifierTest, Window) { sweep("window", genWindow, true); }
TEST_F(MaskClassifierTest, Sink) { sweep("sink", genSink, true); }
TEST_F(MaskClassifierTest, Prefix) { sweep("prefix", genPrefix, true); }
TEST_F(MaskClassifierTest, Chunk) { sweep("chunk", genChunk, true); }
TEST_F(MaskClassifierTest, Dilated) { sweep("dilated", genDilated, true); }
TEST_F(MaskClassifierTest, Global) { sweep("global", genGlobal, true); }
TEST_F(MaskClassifierTest, StridedPerHeadShards) {
  sweep("strided", genStrided, true, 80);
}
TEST_F(MaskClassifierTest, Neighborhood) {
  sweep("neighborhood", genNeighborhood, true, 120);
}
TEST_F(MaskClassifierTest, DocumentIds) {
  sweep(
      "document", [](auto &, auto &) { return std::string("document"); }, true);
}
TEST_F(MaskClassifierTest, DocumentOffsets) {
  sweep(
      "document(offsets)",
      [](auto &, auto &) { return std::string("document(offsets)"); }, true);
}
TEST_F(MaskClassifierTest, BlocksStatic) {
  sweep("blocks", genBlocksStatic, true);
}
TEST_F(MaskClassifierTest, BlocksRuntime) {
  sweep(
      "blocks runtime",
      [](std::mt19937_64 &rng, Problem &) {
        return "blocks(" + std::to_string(pick(rng, 1, 20)) + ", " +
               std::to_string(pick(rng, 1, 20)) + ", runtime)";
      },
      true);
}
TEST_F(MaskClassifierTest, PerHeadHeterogeneous) {
  sweep("heads", genHeads, true);
}
TEST_F(MaskClassifierTest, MaskModIsConservative) {
  sweep(
      "mask_mod", [](auto &, auto &) { return std::string("mask_mod"); }, false,
      10);
}
TEST_F(MaskClassifierTest, NotIsExact) {
  sweep(
      "not",
      [](std::mt19937_64 &rng, Problem &p) {
        return "!" + (pick(rng, 0, 1) ? genWindow(rng, p) : genChunk(rng, p));
      },
      true);
}

/// Random compositions: conservative, never wrong.
TEST_F(MaskClassifierTest, RandomCompositionsNeverWrong) {
  std::vector<MaskGenerator> leaves = {genCausal,
                                       genWindow,
                                       genSink,
                                       genPrefix,
                                       genChunk,
                                       genDilated,
                                       genGlobal,
                                       genStrided,
                                       [](auto &, auto &) {
                                         return std::string("document"); }};
  sweep(
      "composition",
      [&](std::mt19937_64 &rng, Problem &p) {
        int64_t heads = p.heads;
        std::string e = genComposition(rng, p, leaves, 3);
        p.heads = std::max(heads, p.heads);
        return e;
      },
      false, 150);
}

//===----------------------------------------------------------------------===//
// Semantics against independent formulas.
//===----------------------------------------------------------------------===//

TEST_F(MaskClassifierTest, CausalBottomRightWhenSqDiffersFromSk) {
  Context c;
  c.qLen = 3;
  c.kvLen = 5;
  auto tl = parseMask(*ctx, "causal"),
       br = parseMask(*ctx, "causal(bottom_right)");
  for (int64_t q = 0; q < 3; ++q)
    for (int64_t k = 0; k < 5; ++k) {
      EXPECT_EQ(tl.isVisible({0, 0, q, k}, c), k <= q);
      EXPECT_EQ(br.isVisible({0, 0, q, k}, c), k <= q + 2);
    }
}

TEST_F(MaskClassifierTest, WindowBottomRight) {
  Context c;
  c.qLen = 4;
  c.kvLen = 10;
  auto w = parseMask(*ctx, "window(2, 0, bottom_right)");
  for (int64_t q = 0; q < 4; ++q)
    for (int64_t k = 0; k < 10; ++k)
      EXPECT_EQ(w.isVisible({0, 0, q, k}, c), k <= q + 6 && k >= q + 4);
}

/// NATTEN's 1-D window start for odd kernels, written independently:
/// start = max(i - K/2, 0) + (i + K/2 >= L ? L - i - K/2 - 1 : 0).
TEST_F(MaskClassifierTest, NeighborhoodMatchesNattenWindows1D) {
  for (int64_t L : {7, 13, 40})
    for (int64_t K : {1, 3, 5, 7}) {
      if (K > L)
        continue;
      auto m = parseMask(*ctx, "neighborhood(extents = [" + std::to_string(L) +
                                   "], kernel = [" + std::to_string(K) + "])");
      ASSERT_TRUE(m);
      Context c;
      c.qLen = c.kvLen = L;
      for (int64_t i = 0; i < L; ++i) {
        int64_t start = std::max<int64_t>(i - K / 2, 0) +
                        (i + K / 2 >= L ? L - i - K / 2 - 1 : 0);
        for (int64_t j = 0; j < L; ++j)
          EXPECT_EQ(m.isVisible({0, 0, i, j}, c), j >= start && j < start + K)
              << "L=" << L << " K=" << K << " i=" << i << " j=" << j;
      }
    }
}

TEST_F(MaskClassifierTest, NeighborhoodCausalDilated2D) {
  // 2-D grid 6x8, causal rows (kernel 3), dilated columns (kernel 2, dil 3).
  auto m = parseMask(*ctx, "neighborhood(extents = [6, 8], kernel = [3, 2], "
                           "dilation = [1, 3], causal = [true, false])");
  ASSERT_TRUE(m);
  Context c;
  c.qLen = c.kvLen = 48;
  for (int64_t q = 0; q < 48; ++q)
    for (int64_t k = 0; k < 48; ++k) {
      int64_t qr = q / 8, qc = q % 8, kr = k / 8, kc = k % 8;
      bool row = kr <= qr && kr >= qr - 2;
      // Columns with qc's residue mod 3; 2 of them, centred and clamped.
      int64_t r = qc % 3, g = qc / 3, groupLen = (8 - r + 2) / 3;
      int64_t lo = std::clamp<int64_t>(g - 1, 0, groupLen - 2);
      bool col = kc % 3 == r && kc / 3 >= lo && kc / 3 < lo + 2;
      EXPECT_EQ(m.isVisible({0, 0, q, k}, c), row && col) << q << " " << k;
    }
}

TEST_F(MaskClassifierTest, StridedHeadsSeeDisjointShards) {
  // S2-Attention: with shift 1 and period 4, heads 0..3 partition the keys.
  auto m = parseMask(*ctx, "strided(1, 4)");
  Context c;
  c.qHeads = 4;
  c.qLen = c.kvLen = 64;
  for (int64_t k = 0; k < 64; ++k) {
    int seen = 0;
    for (int64_t h = 0; h < 4; ++h) {
      bool v = m.isVisible({0, h, 63, k}, c);
      EXPECT_EQ(v, (k + h + 1) % 4 == 0);
      seen += v;
    }
    EXPECT_EQ(seen, 1) << "key " << k;
  }
}

//===----------------------------------------------------------------------===//
// Figures of the tile report.
//===----------------------------------------------------------------------===//

TEST_F(MaskClassifierTest, CausalAt4096Has528Tiles32Partial) {
  Context c;
  c.qLen = c.kvLen = 4096;
  TileGrid g = computeTileGrid(parseMask(*ctx, "causal"), c, 0, 0, 128, 128);
  EXPECT_EQ(g.nonEmpty(), 528);
  EXPECT_EQ(g.partial, 32);
  EXPECT_EQ(g.full, 496);
  EXPECT_EQ(g.visiblePairs, 4096LL * 4097 / 2);
}

TEST_F(MaskClassifierTest, Neighborhood2DVisitsFarFewerTilesThanDense) {
  Context c;
  c.qLen = c.kvLen = 96 * 96;
  TileGrid g = computeTileGrid(
      parseMask(*ctx, "neighborhood(extents = [96, 96], kernel = [13, 13])"), c,
      0, 0, 128, 128);
  EXPECT_EQ(g.rows * g.cols, 72 * 72);
  // 782 of 5184 tiles are visited (all partial: 1-D tiles cut 2-D windows).
  EXPECT_EQ(g.nonEmpty(), 782);
  EXPECT_EQ(g.full, 0);
  EXPECT_LT(g.nonEmpty() * 6, g.rows * g.cols);
  // Every query sees exactly 13 x 13 keys.
  EXPECT_EQ(g.visiblePairs, 96LL * 96 * 169);
}

} // namespace
