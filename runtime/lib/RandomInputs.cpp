//===- RandomInputs.cpp - Portable deterministic N(0, 1) inputs -----------===//
//
// The logarithm and the sine and cosine are short series in a fixed order
// rather than libm calls: libm's results may differ in the last bit between
// libraries and between code paths chosen by the CPU, and such a bit can
// change a float after rounding. Every operation here is an IEEE 754 double
// operation with one correct result, so the values are the same wherever
// the file is compiled with FP contraction off (CMake sets
// -ffp-contract=off for it).
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/RandomInputs.h"

#include <cmath>

using namespace attn::runtime;

namespace {

/// One splitmix64 step.
uint64_t next(uint64_t &state) {
  state += 0x9E3779B97F4A7C15ull;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// 2^-53.
constexpr double kUlpOfOne = 1.0 / 9007199254740992.0;
constexpr double kTwoPi = 6.283185307179586476925286766559;
/// ln 2 split so that e * kLn2Hi is exact for |e| < 2^11 (fdlibm's split).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

/// The coefficients of the series, computed by the compiler (constant
/// folding rounds each division correctly, like the machine would).
struct Series {
  /// 1 / (2k + 1) for k = 0 .. 11: log(m) = 2 f sum_k f^2k / (2k + 1).
  double log[12] = {};
  /// (-1)^k / (2k + 1)! for k = 1 .. 9, at index k - 1: the sine after a.
  double sin[9] = {};
  /// (-1)^k / (2k)! for k = 1 .. 10, at index k - 1: the cosine after 1.
  double cos[10] = {};
};

constexpr Series makeSeries() {
  Series series;
  for (int k = 0; k < 12; ++k)
    series.log[k] = 1.0 / (2 * k + 1);
  // The factorials up to 20! are exact in a double.
  double factorial = 1.0;
  for (int n = 1; n <= 20; ++n) {
    factorial *= n;
    int k = n / 2;
    double term = (k % 2 ? -1.0 : 1.0) / factorial;
    if (n >= 3 && n % 2 == 1)
      series.sin[k - 1] = term;
    if (n >= 2 && n % 2 == 0)
      series.cos[k - 1] = term;
  }
  return series;
}

constexpr Series kSeries = makeSeries();

} // namespace

double attn::runtime::portableLog(double x) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); frexp and the scaling by 2
  // are exact.
  int e = 0;
  double m = std::frexp(x, &e);
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  // log(m) = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), f = (m - 1)/(m + 1),
  // |f| < 0.1716: terms up to f^23 reach below 2^-60 of the sum.
  double f = (m - 1.0) / (m + 1.0);
  double s = f * f;
  double p = kSeries.log[11];
  for (int k = 10; k >= 0; --k)
    p = p * s + kSeries.log[k];
  double logM = 2.0 * f * p;
  return e * kLn2Hi + (logM + e * kLn2Lo);
}

void attn::runtime::portableCosSinTurns(double t, double &cosine,
                                        double &sine) {
  // The quadrant q and the rest r in [0, 1/4) turn; both steps are exact.
  double scaled = t * 4.0;
  int q = static_cast<int>(std::floor(scaled)) & 3;
  double r = t - std::floor(scaled) * 0.25;
  // Past 1/8 turn, use the complement (exact by Sterbenz's lemma):
  // cos(2 pi r) = sin(2 pi (1/4 - r)) and the other way round.
  bool swap = r > 0.125;
  if (swap)
    r = 0.25 - r;
  double a = kTwoPi * r; // in [0, pi/4]
  double x = a * a;
  // Taylor series to a^19 and a^20: the next terms are below 2^-60.
  double sp = kSeries.sin[8];
  for (int k = 7; k >= 0; --k)
    sp = sp * x + kSeries.sin[k];
  double sinA = a + a * x * sp;
  double cp = kSeries.cos[9];
  for (int k = 8; k >= 0; --k)
    cp = cp * x + kSeries.cos[k];
  double cosA = 1.0 + x * cp;
  double c = swap ? sinA : cosA;
  double s = swap ? cosA : sinA;
  switch (q) {
  case 0:
    cosine = c;
    sine = s;
    break;
  case 1:
    cosine = -s;
    sine = c;
    break;
  case 2:
    cosine = -c;
    sine = -s;
    break;
  default:
    cosine = s;
    sine = -c;
    break;
  }
}

std::vector<float>
attn::runtime::normalInputs(uint64_t seed, unsigned inputIndex, size_t count) {
  uint64_t state = seed;
  state =
      next(state) ^ (static_cast<uint64_t>(inputIndex) * 0xD1B54A32D192ED03ull);
  std::vector<float> values;
  values.reserve(count);
  while (values.size() < count) {
    uint64_t a = next(state), b = next(state);
    double u1 = static_cast<double>((a >> 11) + 1) * kUlpOfOne;
    double u2 = static_cast<double>(b >> 11) * kUlpOfOne;
    double radius = std::sqrt(-2.0 * portableLog(u1));
    double cosine, sine;
    portableCosSinTurns(u2, cosine, sine);
    values.push_back(static_cast<float>(radius * cosine));
    if (values.size() < count)
      values.push_back(static_cast<float>(radius * sine));
  }
  return values;
}
