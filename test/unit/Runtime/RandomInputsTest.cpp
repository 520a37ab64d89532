//===- RandomInputsTest.cpp - Portable deterministic N(0, 1) inputs -------===//
//
// Golden values, computed once and written down bit for bit: any change of
// the algorithm (seeding, splitmix64, Box-Muller, the series, the rounding)
// fails here, since inputs drawn on two machines must stay the same. Then
// the statistics of a large draw, the independence of the streams, and the
// accuracy of the portable logarithm, sine and cosine against libm.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/RandomInputs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace attn::runtime;

namespace {

uint32_t bits(float value) {
  uint32_t b;
  std::memcpy(&b, &value, sizeof(b));
  return b;
}

std::vector<uint32_t> bitsOf(const std::vector<float> &values) {
  std::vector<uint32_t> out;
  for (float v : values)
    out.push_back(bits(v));
  return out;
}

} // namespace

TEST(RandomInputsTest, FixedSeedsGiveFixedValues) {
  // seed 0, input 0: -0.278874934 -0.881064653 -0.76422286 -1.14629102
  // 0.418925643
  EXPECT_EQ(bitsOf(normalInputs(0, 0, 5)),
            (std::vector<uint32_t>{0xbe8ec8b2, 0xbf618d74, 0xbf43a41c,
                                   0xbf92b9aa, 0x3ed67d6c}));
  // seed 0, input 1: -0.340811014 0.038213376 1.25940645 1.13538814
  // 0.419560879
  EXPECT_EQ(bitsOf(normalInputs(0, 1, 5)),
            (std::vector<uint32_t>{0xbeae7ec8, 0x3d1c85a1, 0x3fa1343b,
                                   0x3f915466, 0x3ed6d0af}));
  // seed 42, input 0: 1.40614498 -0.401378334 1.09475315 0.49312371
  // 0.805121064
  EXPECT_EQ(bitsOf(normalInputs(42, 0, 5)),
            (std::vector<uint32_t>{0x3fb3fc8f, 0xbecd8176, 0x3f8c20df,
                                   0x3efc7ab6, 0x3f4e1c6a}));
  // seed 42, input 3.
  EXPECT_EQ(bitsOf(normalInputs(42, 3, 5)),
            (std::vector<uint32_t>{0x3f0a352d, 0x3ea0234b, 0x3ef6adfd,
                                   0xbf146dcd, 0xbee04669}));
  // The largest seed.
  EXPECT_EQ(bitsOf(normalInputs(~uint64_t(0), 7, 5)),
            (std::vector<uint32_t>{0xbef04731, 0x3f0aa204, 0x3fc8f96f,
                                   0xbeadc347, 0x3ea6b3a6}));
  EXPECT_FLOAT_EQ(normalInputs(0, 0, 1)[0], -0.278874934f);
}

TEST(RandomInputsTest, AMillionValuesHashToAFixedNumber) {
  // FNV-1a over the little-endian bytes of every value: a change anywhere
  // in the stream (a series term, an odd count) shows here.
  std::vector<float> values = normalInputs(7, 2, 1000001);
  uint64_t hash = 1469598103934665603ull;
  for (float v : values) {
    uint32_t b = bits(v);
    for (int k = 0; k < 4; ++k) {
      hash ^= (b >> (8 * k)) & 0xff;
      hash *= 1099511628211ull;
    }
  }
  EXPECT_EQ(hash, 0x0c269d2f6a62b238ull);
}

TEST(RandomInputsTest, ShorterDrawsArePrefixes) {
  std::vector<float> all = normalInputs(3, 1, 101);
  for (size_t n : {0, 1, 2, 3, 50, 100}) {
    std::vector<float> some = normalInputs(3, 1, n);
    ASSERT_EQ(some.size(), n);
    EXPECT_EQ(bitsOf(some), bitsOf({all.begin(), all.begin() + n})) << n;
  }
}

TEST(RandomInputsTest, MeanAndVarianceAreThoseOfAStandardNormal) {
  const size_t n = 2000000;
  std::vector<float> values = normalInputs(11, 0, n);
  double sum = 0, squares = 0, fourth = 0;
  size_t beyond3 = 0;
  for (float v : values) {
    ASSERT_TRUE(std::isfinite(v));
    sum += v;
    squares += double(v) * v;
    fourth += double(v) * v * v * v;
    beyond3 += std::fabs(v) > 3;
  }
  double mean = sum / n, variance = squares / n - mean * mean;
  // Standard errors: 1/sqrt(n) = 7e-4 for the mean, sqrt(2/n) = 1e-3 for
  // the variance; 5 of them each.
  EXPECT_NEAR(mean, 0.0, 3.5e-3);
  EXPECT_NEAR(variance, 1.0, 5e-3);
  EXPECT_NEAR(fourth / n, 3.0, 0.05); // the kurtosis of a normal
  // P(|z| > 3) = 0.0027.
  EXPECT_NEAR(double(beyond3) / n, 0.0027, 0.0003);
}

TEST(RandomInputsTest, StreamsDifferByInputAndSeed) {
  std::vector<float> a = normalInputs(5, 0, 1000);
  std::vector<float> b = normalInputs(5, 1, 1000);
  std::vector<float> c = normalInputs(6, 0, 1000);
  EXPECT_EQ(bitsOf(a), bitsOf(normalInputs(5, 0, 1000)));
  size_t sameAB = 0, sameAC = 0;
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sameAB += a[i] == b[i];
    sameAC += a[i] == c[i];
    dot += double(a[i]) * b[i];
  }
  EXPECT_EQ(sameAB, 0u);
  EXPECT_EQ(sameAC, 0u);
  // Uncorrelated: the correlation of 1000 pairs is within 4/sqrt(1000).
  EXPECT_LT(std::fabs(dot / 1000), 0.13);
}

TEST(RandomInputsTest, PortableLogMatchesLibm) {
  std::mt19937_64 rng(1);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    // Every binade the generator uses: (0, 1] in steps of 2^-53.
    double x = std::ldexp(static_cast<double>((rng() >> 11) | 1),
                          -53 - static_cast<int>(rng() % 8));
    double expected = std::log(x);
    worst = std::max(worst, std::fabs(portableLog(x) - expected) /
                                std::fabs(expected));
  }
  EXPECT_LT(worst, 1e-15);
  EXPECT_EQ(portableLog(1.0), 0.0);
  EXPECT_NEAR(portableLog(0.5), -0.6931471805599453, 1e-16);
  EXPECT_NEAR(portableLog(std::ldexp(1.0, -53)), -36.7368005696771, 1e-13);
}

TEST(RandomInputsTest, PortableCosSinMatchLibm) {
  std::mt19937_64 rng(2);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    double t = static_cast<double>(rng() >> 11) * std::ldexp(1.0, -53);
    double c, s;
    portableCosSinTurns(t, c, s);
    double angle = 2 * M_PI * t;
    worst = std::max(worst, std::max(std::fabs(c - std::cos(angle)),
                                     std::fabs(s - std::sin(angle))));
  }
  // libm's side is off by the rounding of 2 pi t, a few 1e-16.
  EXPECT_LT(worst, 2e-15);
  for (double t : {0.0, 0.125, 0.25, 0.5, 0.75}) {
    double c, s;
    portableCosSinTurns(t, c, s);
    EXPECT_NEAR(c, std::cos(2 * M_PI * t), 1e-15) << t;
    EXPECT_NEAR(s, std::sin(2 * M_PI * t), 1e-15) << t;
  }
}
