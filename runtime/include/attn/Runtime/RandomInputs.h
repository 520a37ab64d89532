//===- RandomInputs.h - Portable deterministic N(0, 1) inputs ---*- C++ -*-===//
//
// The random inputs of the tools (attn-run on the CPU, attn-launch on the
// GPU machine) must be the same bits on every machine, so that a run there
// can be checked against a reference computed here. std::normal_distribution
// and the libm functions differ between standard libraries and CPUs, so the
// generator is spelled out below and built only from IEEE 754 double
// operations that every conforming machine rounds identically (+, -, *, /,
// sqrt, and exact scalings by powers of two), compiled without contracting
// a * b + c into fused multiply-adds.
//
// The algorithm, exactly:
//
//  1. splitmix64: a 64-bit state s; next() does
//       s += 0x9E3779B97F4A7C15;  z = s;
//       z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//       z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//       return z ^ (z >> 31);
//     (all arithmetic modulo 2^64).
//  2. Seeding: s = seed; then s = next() ^ (inputIndex * 0xD1B54A32D192ED03)
//     (the first output of a generator started at `seed`, mixed with the
//     input index, is the state of the stream of that input).
//  3. Each pair of values: a = next(), b = next();
//       u1 = ((a >> 11) + 1) * 2^-53   in (0, 1],
//       u2 = (b >> 11) * 2^-53         in [0, 1),
//       r = sqrt(-2 * log(u1)),
//       z0 = r * cos(2 pi u2),  z1 = r * sin(2 pi u2)   (Box-Muller),
//     where log, cos and sin are the routines of RandomInputs.cpp (series
//     evaluated in a fixed order, accurate to a few units in the last place
//     of a double), not the C library's.
//  4. The values are z0, z1 of the first pair, then of the second, ...,
//     each rounded to float (to nearest, ties to even); for an odd count
//     the last z1 is dropped.
//
// Plain C++17, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_RANDOMINPUTS_H
#define ATTN_RUNTIME_RANDOMINPUTS_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace attn::runtime {

/// `count` draws from N(0, 1) for input `inputIndex` of a run seeded with
/// `seed`, as the file comment describes: the same bits on every machine.
std::vector<float> normalInputs(uint64_t seed, unsigned inputIndex,
                                size_t count);

/// The natural logarithm of `x` > 0 (finite) as normalInputs computes it;
/// exposed for tests.
double portableLog(double x);

/// cos(2 pi t) and sin(2 pi t) for t in [0, 1) as normalInputs computes
/// them; exposed for tests.
void portableCosSinTurns(double t, double &cosine, double &sine);

} // namespace attn::runtime

#endif // ATTN_RUNTIME_RANDOMINPUTS_H
