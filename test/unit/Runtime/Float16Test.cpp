//===- Float16Test.cpp - bfloat16 and IEEE half conversions ---------------===//
//
// Every 16-bit pattern survives a round trip through float; narrowing agrees
// bit for bit with llvm::APFloat (an independent implementation) on random
// and hand-picked floats, ties included; and a few values whose rounding is
// known by hand: overflow to infinity, ties to even, subnormals, NaN.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Float16.h"

#include "llvm/ADT/APFloat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace attn::runtime;

namespace {

float floatOf(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint32_t bitsOf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

/// The narrowing that APFloat computes, as 16 bits.
uint16_t apfloatNarrow(float value, const llvm::fltSemantics &semantics) {
  llvm::APFloat f(value);
  bool lost = false;
  f.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &lost);
  return static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
}

bool isHalfNaN(uint16_t h) {
  return (h & 0x7c00u) == 0x7c00u && (h & 0x03ffu) != 0;
}
bool isBFloat16NaN(uint16_t h) {
  return (h & 0x7f80u) == 0x7f80u && (h & 0x007fu) != 0;
}

/// Floats that stress the rounding: random bit patterns, values around the
/// formats' range limits and ties (dropped bits exactly half an ulp).
std::vector<float> stressFloats() {
  std::mt19937 rng(7);
  std::vector<float> values;
  for (int i = 0; i < 200000; ++i)
    values.push_back(floatOf(static_cast<uint32_t>(rng())));
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (int e = -30; e <= 20; ++e)
    for (int i = 0; i < 500; ++i)
      values.push_back(std::ldexp(unit(rng), e));
  for (int i = 0; i < 20000; ++i) {
    uint32_t bits = static_cast<uint32_t>(rng());
    values.push_back(floatOf((bits & 0xffff0000u) | 0x8000u)); // bf16 tie
    values.push_back(floatOf((bits & 0xffffe000u) | 0x1000u)); // f16 tie
  }
  for (float v :
       {0.0f, -0.0f, 65504.0f, 65519.0f, 65520.0f, 65536.0f, 0x1p-24f, 0x1p-25f,
        0x1.8p-25f, 0x1p-14f, 0x1.ffcp-15f, std::numeric_limits<float>::max(),
        std::numeric_limits<float>::denorm_min(),
        std::numeric_limits<float>::infinity()})
    for (float s : {1.0f, -1.0f})
      values.push_back(s * v);
  return values;
}

TEST(Float16Test, HalfRoundTripsEveryBitPattern) {
  for (uint32_t h = 0; h <= 0xffffu; ++h) {
    float f = halfToFloat(static_cast<uint16_t>(h));
    uint16_t back = floatToHalf(f);
    if (isHalfNaN(static_cast<uint16_t>(h))) {
      ASSERT_TRUE(std::isnan(f)) << std::hex << h;
      ASSERT_TRUE(isHalfNaN(back)) << std::hex << h;
      ASSERT_EQ(back & 0x8000u, h & 0x8000u) << std::hex << h;
    } else {
      ASSERT_EQ(back, h) << std::hex << h;
    }
  }
}

TEST(Float16Test, BFloat16RoundTripsEveryBitPattern) {
  for (uint32_t h = 0; h <= 0xffffu; ++h) {
    float f = bfloat16ToFloat(static_cast<uint16_t>(h));
    uint16_t back = floatToBFloat16(f);
    if (isBFloat16NaN(static_cast<uint16_t>(h))) {
      ASSERT_TRUE(std::isnan(f)) << std::hex << h;
      ASSERT_TRUE(isBFloat16NaN(back)) << std::hex << h;
      ASSERT_EQ(back & 0x8000u, h & 0x8000u) << std::hex << h;
    } else {
      ASSERT_EQ(back, h) << std::hex << h;
    }
  }
}

TEST(Float16Test, HalfWidensExactly) {
  for (uint32_t h = 0; h <= 0xffffu; ++h) {
    if (isHalfNaN(static_cast<uint16_t>(h)))
      continue;
    llvm::APFloat ref(llvm::APFloat::IEEEhalf(), llvm::APInt(16, h));
    bool lost = false;
    ref.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
                &lost);
    ASSERT_EQ(bitsOf(halfToFloat(static_cast<uint16_t>(h))),
              ref.bitcastToAPInt().getZExtValue())
        << std::hex << h;
  }
}

TEST(Float16Test, HalfNarrowingMatchesAPFloat) {
  for (float v : stressFloats()) {
    uint16_t got = floatToHalf(v);
    uint16_t want = apfloatNarrow(v, llvm::APFloat::IEEEhalf());
    if (std::isnan(v)) {
      ASSERT_TRUE(isHalfNaN(got)) << std::hex << bitsOf(v);
      continue;
    }
    ASSERT_EQ(got, want) << std::hex << "float bits " << bitsOf(v);
  }
}

TEST(Float16Test, BFloat16NarrowingMatchesAPFloat) {
  for (float v : stressFloats()) {
    uint16_t got = floatToBFloat16(v);
    uint16_t want = apfloatNarrow(v, llvm::APFloat::BFloat());
    if (std::isnan(v)) {
      ASSERT_TRUE(isBFloat16NaN(got)) << std::hex << bitsOf(v);
      continue;
    }
    ASSERT_EQ(got, want) << std::hex << "float bits " << bitsOf(v);
  }
}

TEST(Float16Test, HalfKnownValues) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff); // largest finite
  EXPECT_EQ(floatToHalf(65519.0f), 0x7bff); // below the tie
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00); // tie, odd: up to inf
  EXPECT_EQ(floatToHalf(1e9f), 0x7c00);
  EXPECT_EQ(floatToHalf(-INFINITY), 0xfc00);
  EXPECT_EQ(floatToHalf(0x1p-24f), 0x0001);   // smallest subnormal
  EXPECT_EQ(floatToHalf(0x1p-25f), 0x0000);   // tie, even: down to 0
  EXPECT_EQ(floatToHalf(0x1.8p-25f), 0x0001); // above the tie
  EXPECT_EQ(floatToHalf(0x1.ffcp-15f),
            0x0400); // subnormal tie rounds to normal
  EXPECT_EQ(floatToHalf(1.0f + 0x1p-11f), 0x3c00); // tie, even: down
  EXPECT_EQ(floatToHalf(1.0f + 0x3p-11f), 0x3c02); // tie, odd: up
  EXPECT_EQ(halfToFloat(0x0001), 0x1p-24f);
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
}

TEST(Float16Test, BFloat16KnownValues) {
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBFloat16(-0.0f), 0x8000);
  EXPECT_EQ(floatToBFloat16(1.0f + 0x1p-8f), 0x3f80); // tie, even: down
  EXPECT_EQ(floatToBFloat16(1.0f + 0x3p-8f), 0x3f82); // tie, odd: up
  EXPECT_EQ(floatToBFloat16(floatOf(0x7f7f7fffu)), 0x7f7f);
  EXPECT_EQ(floatToBFloat16(floatOf(0x7f7f8000u)), 0x7f80); // to inf
  EXPECT_EQ(floatToBFloat16(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_EQ(floatToBFloat16(floatOf(0x00008000u)), 0x0000); // subnormal tie
  EXPECT_EQ(floatToBFloat16(floatOf(0x00018000u)), 0x0002);
  // A NaN whose payload lies only in the dropped bits stays a NaN.
  EXPECT_TRUE(isBFloat16NaN(floatToBFloat16(floatOf(0x7f800001u))));
  EXPECT_EQ(floatToBFloat16(floatOf(0xff800001u)) & 0x8000u, 0x8000u);
  EXPECT_EQ(floatToBFloat16(INFINITY), 0x7f80);
}

TEST(Float16Test, RoundToHelpers) {
  EXPECT_EQ(roundToBFloat16(1.0f + 0x1p-9f), 1.0f);
  EXPECT_EQ(roundToHalf(1.0f + 0x1p-12f), 1.0f);
  EXPECT_EQ(roundToHalf(70000.0f), INFINITY);
  EXPECT_EQ(roundToBFloat16(70000.0f), 70144.0f);
  EXPECT_EQ(roundTo(FloatFormat::F32, 1.0f + 0x1p-20f), 1.0f + 0x1p-20f);
  EXPECT_EQ(roundTo(FloatFormat::F16, 0.1f), roundToHalf(0.1f));
  EXPECT_EQ(roundTo(FloatFormat::BF16, 0.1f), roundToBFloat16(0.1f));
  EXPECT_STREQ(stringify(FloatFormat::BF16), "bf16");
  // Rounding is idempotent.
  std::mt19937 rng(3);
  for (int i = 0; i < 10000; ++i) {
    float v = floatOf(static_cast<uint32_t>(rng()));
    if (std::isnan(v))
      continue;
    EXPECT_EQ(bitsOf(roundToHalf(roundToHalf(v))), bitsOf(roundToHalf(v)));
    EXPECT_EQ(bitsOf(roundToBFloat16(roundToBFloat16(v))),
              bitsOf(roundToBFloat16(v)));
  }
}

} // namespace
