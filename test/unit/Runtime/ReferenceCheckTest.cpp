//===- ReferenceCheckTest.cpp - Comparing outputs with a reference --------===//
//
// Finding the sequence dim of a row-sampled reference (and every mismatch
// message), and the tolerance rule: the bound from the naive error, equal
// infinities, NaN in the output, non-finite mismatches, and that only the
// listed rows are read.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/ReferenceCheck.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace attn::runtime;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

RowMapping match(const std::vector<int64_t> &out,
                 const std::vector<int64_t> &ref,
                 const std::vector<int64_t> &rows) {
  Result<RowMapping> m = matchReferenceRows(out, ref, ref, rows);
  EXPECT_TRUE(m.ok()) << m.message();
  return m.ok() ? m.take() : RowMapping();
}

std::string matchError(const std::vector<int64_t> &out,
                       const std::vector<int64_t> &ref,
                       const std::vector<int64_t> &naive,
                       const std::vector<int64_t> &rows) {
  Result<RowMapping> m = matchReferenceRows(out, ref, naive, rows);
  EXPECT_FALSE(m.ok());
  return m.message();
}

} // namespace

TEST(ReferenceCheckTest, FindsTheSequenceDim) {
  RowMapping m = match({2, 4, 37, 8}, {2, 4, 3, 8}, {0, 36, 5});
  EXPECT_EQ(m.axis, 2);
  EXPECT_EQ(m.rows, (std::vector<int64_t>{0, 36, 5}));
  // bshd: the sequence is dim 1.
  m = match({2, 37, 4, 8}, {2, 2, 4, 8}, {1, 2});
  EXPECT_EQ(m.axis, 1);
  // No dim differs: the reference covers every row.
  m = match({2, 4, 37}, {2, 4, 37}, {0, 1});
  EXPECT_EQ(m.axis, -1);
}

TEST(ReferenceCheckTest, ReportsEachMismatch) {
  EXPECT_EQ(matchError({2, 4, 37, 8}, {2, 4, 3, 8}, {2, 4, 2, 8}, {0, 1, 2}),
            "the naive result's shape [2, 4, 2, 8] is not the reference's "
            "[2, 4, 3, 8]");
  EXPECT_EQ(matchError({2, 4, 37, 8}, {4, 3, 8}, {4, 3, 8}, {0, 1, 2}),
            "the reference has rank 3, the output 4");
  EXPECT_EQ(matchError({2, 4, 37, 8}, {2, 3, 3, 8}, {2, 3, 3, 8}, {0, 1, 2}),
            "the reference's shape [2, 3, 3, 8] differs from the output's "
            "[2, 4, 37, 8] in more than one dim");
  EXPECT_EQ(matchError({2, 4, 37, 8}, {2, 4, 3, 8}, {2, 4, 3, 8}, {0, 1}),
            "the reference has 3 rows in dim 2, the row list holds 2 "
            "positions");
  EXPECT_EQ(matchError({2, 4, 37, 8}, {2, 4, 2, 8}, {2, 4, 2, 8}, {0, 37}),
            "row position 37 is outside [0, 37) of dim 2 of the output");
  EXPECT_EQ(matchError({2, 4, 37, 8}, {2, 4, 2, 8}, {2, 4, 2, 8}, {-1, 3}),
            "row position -1 is outside [0, 37) of dim 2 of the output");
}

TEST(ReferenceCheckTest, ComparesOnlyTheListedRows) {
  // Output [2, 5, 2]: rows 1 and 3 of dim 1 hold v + 0.001; the others are
  // garbage that must not be read.
  std::vector<int64_t> outShape = {2, 5, 2}, refShape = {2, 2, 2};
  std::vector<float> out(20, 1e6f);
  std::vector<double> ref, naive;
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t row : {3, 1})
      for (int64_t d = 0; d < 2; ++d) {
        double v = 0.25 * (b * 10 + row * 2 + d);
        out[(b * 5 + row) * 2 + d] = static_cast<float>(v + 0.001);
        ref.push_back(v);
        naive.push_back(v - 0.0006);
      }
  RowMapping m = match(outShape, refShape, {3, 1});
  ToleranceReport r =
      compareWithReference(out, outShape, ref, naive, refShape, m);
  EXPECT_EQ(r.elementsCompared, 8);
  EXPECT_NEAR(r.maxError, 0.001, 1e-6);
  EXPECT_NEAR(r.naiveError, 0.0006, 1e-12);
  EXPECT_NEAR(r.bound, 0.0012 + 1e-5, 1e-12);
  EXPECT_TRUE(r.pass);
  // A tighter naive error fails the same output.
  for (double &n : naive)
    n += 0.0002;
  r = compareWithReference(out, outShape, ref, naive, refShape, m);
  EXPECT_FALSE(r.pass);
}

TEST(ReferenceCheckTest, EqualInfinitiesMatchAndNaNFails) {
  std::vector<int64_t> shape = {4};
  RowMapping all = match(shape, shape, {});
  float negInf = -std::numeric_limits<float>::infinity();
  // An LSE of -inf for a fully masked row matches exactly.
  ToleranceReport r = compareWithReference({negInf, 1.0f, 2.0f, 3.0f}, shape,
                                           {-kInf, 1.0, 2.0, 3.0},
                                           {-kInf, 1.0, 2.0, 3.0}, shape, all);
  EXPECT_TRUE(r.pass);
  EXPECT_EQ(r.maxError, 0.0);
  EXPECT_EQ(r.bound, 1e-5);
  // NaN in the output fails, even against a NaN reference.
  float nan = std::numeric_limits<float>::quiet_NaN();
  r = compareWithReference({nan, 1, 2, 3}, shape, {std::nan(""), 1, 2, 3},
                           {0, 1, 2, 3}, shape, all);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.maxError, kInf);
  // A finite output where the reference is -inf fails, and the other way.
  r = compareWithReference({-1e30f, 1, 2, 3}, shape, {-kInf, 1, 2, 3},
                           {-kInf, 1, 2, 3}, shape, all);
  EXPECT_FALSE(r.pass);
  r = compareWithReference({negInf, 1, 2, 3}, shape, {0, 1, 2, 3}, {0, 1, 2, 3},
                           shape, all);
  EXPECT_FALSE(r.pass);
  // Non-finite naive values do not widen the bound.
  r = compareWithReference({0, 1, 2, 3.5f}, shape, {0, 1, 2, 3},
                           {kInf, 1, 2, 3}, shape, all);
  EXPECT_EQ(r.naiveError, 0.0);
  EXPECT_FALSE(r.pass);
}
