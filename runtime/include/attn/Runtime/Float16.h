//===- Float16.h - bfloat16 and IEEE half conversions -----------*- C++ -*-===//
//
// Conversions between float and the two 16-bit formats that attention
// kernels read and write: bfloat16 (8 exponent bits, 7 fraction bits) and
// IEEE 754 binary16 (5 exponent bits, 10 fraction bits). Narrowing rounds to
// nearest, ties to even; NaN stays a (quiet) NaN with its sign, infinities
// and signed zeros are kept, subnormals are produced and read exactly, and a
// value beyond the largest finite number rounds to infinity as IEEE 754
// requires. Plain C++, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_FLOAT16_H
#define ATTN_RUNTIME_FLOAT16_H

#include <cstdint>

namespace attn::runtime {

/// The bits of the bfloat16 nearest to `value` (ties to even).
uint16_t floatToBFloat16(float value);

/// The float holding the bfloat16 `bits` exactly.
float bfloat16ToFloat(uint16_t bits);

/// The bits of the IEEE half nearest to `value` (ties to even).
uint16_t floatToHalf(float value);

/// The float holding the IEEE half `bits` exactly.
float halfToFloat(uint16_t bits);

/// `value` rounded to bfloat16 precision and range, as a float.
inline float roundToBFloat16(float value) {
  return bfloat16ToFloat(floatToBFloat16(value));
}

/// `value` rounded to IEEE half precision and range, as a float.
inline float roundToHalf(float value) {
  return halfToFloat(floatToHalf(value));
}

/// The element formats a kernel computes in.
enum class FloatFormat { F32, F16, BF16 };

/// `value` rounded to `format` (the identity for F32).
inline float roundTo(FloatFormat format, float value) {
  switch (format) {
  case FloatFormat::F16:
    return roundToHalf(value);
  case FloatFormat::BF16:
    return roundToBFloat16(value);
  case FloatFormat::F32:
    break;
  }
  return value;
}

/// "f32", "f16" or "bf16".
const char *stringify(FloatFormat format);

} // namespace attn::runtime

#endif // ATTN_RUNTIME_FLOAT16_H
