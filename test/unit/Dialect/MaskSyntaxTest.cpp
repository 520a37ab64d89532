//===- MaskSyntaxTest.cpp - #attn.mask parses, prints and round-trips -----===//
//
// Printing is canonical and reads back to the same attribute; random token
// soup and random bytes give a diagnostic or a valid mask, never a crash.
//
//===----------------------------------------------------------------------===//

#include "../MaskTestUtils.h"
#include "MaskGenerators.h"

using namespace attn;
using namespace attn::test;

namespace {

class MaskSyntaxTest : public ::testing::Test {
protected:
  void SetUp() override { ctx = makeContext(); }
  std::unique_ptr<mlir::MLIRContext> ctx;
};

TEST_F(MaskSyntaxTest, CanonicalPrinting) {
  std::pair<const char *, const char *> cases[] = {
      {"causal & (window(1024) | sink(4))",
       "causal & (window(1024) | sink(4))"},
      {"(causal)", "causal"},
      {"causal & (sink(1) & prefix(3))", "causal & sink(1) & prefix(3)"},
      {"(causal | sink(2)) | prefix(3)", "causal | sink(2) | prefix(3)"},
      {"!(causal & sink(2))", "!(causal & sink(2))"},
      {"!!causal", "!!causal"},
      {"window(3, 3)", "window(3)"},
      {"window(3, 5, top_left)", "window(3, 5)"},
      {"window(3, 3, bottom_right)", "window(3, bottom_right)"},
      {"chunk(8, 0)", "chunk(8)"},
      {"causal(top_left)", "causal"},
      {"document(ids)", "document"},
      {"neighborhood(extents = [4, 4], kernel = 3)",
       "neighborhood(extents = [4, 4], kernel = [3, 3])"},
      {"neighborhood(kernel = [3], extents = 9, causal = true)",
       "neighborhood(extents = [9], kernel = [3], causal = [true])"},
      {"heads([1, 0] : causal | sink(1), * : all)", ""},
      {"heads([1, 0] : (causal | sink(1)), * : all)",
       "heads([1, 0] : (causal | sink(1)), * : all)"},
  };
  for (auto [in, out] : cases) {
    std::string error;
    MaskExprAttrInterface m = parseMask(*ctx, in, &error);
    if (std::string(out).empty()) {
      EXPECT_FALSE(m) << in;
      EXPECT_FALSE(error.empty()) << in;
      continue;
    }
    ASSERT_TRUE(m) << in << ": " << error;
    EXPECT_EQ(printMask(m), out) << in;
  }
}

TEST_F(MaskSyntaxTest, RandomMasksRoundTrip) {
  std::vector<MaskGenerator> gens = {
      genCausal,       genWindow,       genSink,   genPrefix,
      genChunk,        genDilated,      genGlobal, genStrided,
      genNeighborhood, genBlocksStatic, genHeads};
  std::mt19937_64 rng(7);
  for (int t = 0; t < 300; ++t) {
    Problem p;
    p.heads = pick(rng, 1, 3);
    p.qLen = pick(rng, 1, 60);
    p.kvLen = pick(rng, 1, 60);
    std::string a = gens[pick(rng, 0, gens.size() - 1)](rng, p);
    std::string b = gens[pick(rng, 0, gens.size() - 1)](rng, p);
    const char *ops[] = {" & ", " | "};
    std::string text = (pick(rng, 0, 1) ? "!" : "") + std::string("(") + a +
                       ")" + ops[pick(rng, 0, 1)] + b;
    std::string error;
    MaskExprAttrInterface m = parseMask(*ctx, text, &error);
    ASSERT_TRUE(m) << text << ": " << error;
    std::string printed = printMask(m);
    MaskExprAttrInterface again = parseMask(*ctx, printed, &error);
    ASSERT_TRUE(again) << printed << ": " << error;
    EXPECT_EQ(m, again) << text << " printed as " << printed;
    EXPECT_EQ(printMask(again), printed);
  }
}

TEST_F(MaskSyntaxTest, TokenSoupNeverCrashes) {
  const char *tokens[] = {"causal",
                          "window",
                          "sink",
                          "(",
                          ")",
                          "[",
                          "]",
                          ",",
                          "&",
                          "|",
                          "!",
                          "1",
                          "-3",
                          "0",
                          "heads",
                          ":",
                          "*",
                          "=",
                          "kernel",
                          "extents",
                          "blocks",
                          "runtime",
                          "neighborhood",
                          "99999999999999999999",
                          "2.5",
                          "global",
                          "chunk",
                          "bottom_right",
                          "strided",
                          "dilated",
                          "document",
                          "#"};
  std::mt19937_64 rng(11);
  int parsed = 0;
  for (int t = 0; t < 3000; ++t) {
    std::string text;
    for (int64_t n = pick(rng, 1, 14); n > 0; --n)
      text += std::string(tokens[pick(rng, 0, std::size(tokens) - 1)]) + " ";
    std::string error;
    MaskExprAttrInterface m = parseMask(*ctx, text, &error);
    if (m) {
      ++parsed;
      EXPECT_EQ(parseMask(*ctx, printMask(m)), m) << text;
    } else {
      EXPECT_FALSE(error.empty()) << "no diagnostic for: " << text;
    }
  }
  EXPECT_GT(parsed, 0);
}

TEST_F(MaskSyntaxTest, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string error;
  EXPECT_FALSE(parseMask(*ctx, std::string(100000, '!') + "causal", &error));
  EXPECT_NE(error.find("nests deeper"), std::string::npos) << error;
  std::string parens =
      std::string(5000, '(') + "causal" + std::string(5000, ')');
  EXPECT_FALSE(parseMask(*ctx, parens, &error));
  EXPECT_NE(error.find("nests deeper"), std::string::npos) << error;
}

TEST_F(MaskSyntaxTest, ScoreModifiersRoundTrip) {
  const char *in =
      "#attn.score<alibi, alibi(4.5), softcap(30.0), bias, score_mod>";
  auto attr = mlir::parseAttribute(in, ctx.get());
  ASSERT_TRUE(attr);
  std::string s;
  llvm::raw_string_ostream os(s);
  attr.print(os);
  EXPECT_EQ(s,
            "#attn.score<alibi, alibi(4.5), softcap(30.0), bias, score_mod>");
  auto scores = llvm::cast<ScoreAttr>(attr);
  auto alibi = llvm::cast<AlibiScoreAttr>(scores.getTerms()[0]);
  // The ALiBi paper's slopes for 8 heads: 1/2, 1/4, ..., 1/256.
  for (int h = 0; h < 8; ++h)
    EXPECT_DOUBLE_EQ(alibi.slope(h, 8), std::pow(2.0, -(h + 1)));
  // 12 heads: the 8-head slopes, then the odd ones of the 16-head sequence.
  EXPECT_DOUBLE_EQ(alibi.slope(8, 12), std::pow(2.0, -0.5));
  EXPECT_DOUBLE_EQ(alibi.slope(9, 12), std::pow(2.0, -1.5));
}

} // namespace
