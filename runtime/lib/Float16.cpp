//===- Float16.cpp - bfloat16 and IEEE half conversions -------------------===//
//
// Bit-level conversions. Narrowing keeps the bits that fit and rounds on the
// dropped ones: up when they exceed half an ulp, or equal it and the kept
// part is odd. A carry out of the fraction bumps the exponent, which is
// exactly how rounding crosses a binade or overflows to infinity.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Float16.h"

#include <cstring>

using namespace attn::runtime;

static uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

static float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// `x >> shift` rounded to nearest, ties to even (shift in [1, 31]).
static uint32_t shiftRightRoundEven(uint32_t x, unsigned shift) {
  uint32_t kept = x >> shift;
  uint32_t dropped = x & ((uint32_t(1) << shift) - 1);
  uint32_t half = uint32_t(1) << (shift - 1);
  if (dropped > half || (dropped == half && (kept & 1)))
    ++kept;
  return kept;
}

uint16_t attn::runtime::floatToBFloat16(float value) {
  uint32_t bits = bitsOf(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: keep sign and top payload,
    return static_cast<uint16_t>((bits >> 16) | 0x0040u); // force quiet.
  // Rounding the magnitude as an integer also rounds the largest finite
  // values up to infinity, as IEEE 754 requires.
  uint32_t sign = bits & 0x80000000u;
  uint32_t magnitude = shiftRightRoundEven(bits & 0x7fffffffu, 16);
  return static_cast<uint16_t>((sign >> 16) | magnitude);
}

float attn::runtime::bfloat16ToFloat(uint16_t bits) {
  return floatOf(static_cast<uint32_t>(bits) << 16);
}

uint16_t attn::runtime::floatToHalf(float value) {
  uint32_t bits = bitsOf(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t x = bits & 0x7fffffffu;
  if (x > 0x7f800000u) // NaN: quiet, with the top of the payload.
    return static_cast<uint16_t>(sign | 0x7e00u | ((x >> 13) & 0x03ffu));
  if (x >= 0x477ff000u) // >= 65520 (half way past 65504, ties to even): inf
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (x >= 0x38800000u) { // >= 2^-14: a normal half.
    // Rebias the exponent (127 -> 15) in place, then round off 13 bits; a
    // carry into the exponent is the correct result.
    uint32_t rebased = x - (uint32_t(127 - 15) << 23);
    return static_cast<uint16_t>(sign | shiftRightRoundEven(rebased, 13));
  }
  // Subnormal half: the value is m * 2^-24 with m < 2^10. A float with
  // biased exponent e and significand s (24 bits) is s * 2^(e - 150), so
  // m = s >> (126 - e), rounded.
  uint32_t exponent = x >> 23;
  if (exponent < 102) // below 2^-25: rounds to zero
    return sign;
  uint32_t significand = (x & 0x007fffffu) | 0x00800000u;
  return static_cast<uint16_t>(
      sign | shiftRightRoundEven(significand, 126 - exponent));
}

float attn::runtime::halfToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1fu;
  uint32_t fraction = bits & 0x03ffu;
  if (exponent == 0x1f) // inf or NaN
    return floatOf(sign | 0x7f800000u | (fraction << 13));
  if (exponent != 0)
    return floatOf(sign | ((exponent + 127 - 15) << 23) | (fraction << 13));
  // Zero or subnormal: fraction * 2^-24, exact in float.
  float magnitude = static_cast<float>(fraction) * 0x1p-24f;
  return sign ? -magnitude : magnitude;
}

const char *attn::runtime::stringify(FloatFormat format) {
  switch (format) {
  case FloatFormat::F16:
    return "f16";
  case FloatFormat::BF16:
    return "bf16";
  case FloatFormat::F32:
    break;
  }
  return "f32";
}
