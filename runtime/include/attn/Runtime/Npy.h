//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// The .npy format (versions 1.0, 2.0 and 3.0): a magic string, a header
// that is a Python dict literal naming the dtype, the order and the shape,
// then the raw elements. Supported: little-endian data in C order, any rank
// (0-d and zero-size included), dtypes '<f4', '<f2', '<f8', '<i4', '<i8',
// '|b1', '|u1' and '|i1'. Every malformed input is an error value with a
// one-line message naming the problem, never a crash. Writing goes through
// a temporary file in the target's directory and a rename, so a failed
// write never leaves a partial file behind. Plain C++, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_NPY_H
#define ATTN_RUNTIME_NPY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace attn::runtime {

/// One array as stored in a .npy file: its dtype string ('<f4', ...), its
/// shape (empty for a 0-d array) and its elements' bytes in C order,
/// little-endian.
struct NpyArray {
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  /// The product of the shape (1 for a 0-d array, 0 when an extent is 0);
  /// -1 when an extent is negative or the product overflows int64.
  int64_t numElements() const;
};

/// Bytes per element of a supported dtype, 0 for any other string.
size_t npyItemSize(const std::string &dtype);

/// Whether `dtype` holds floating-point values ('<f2', '<f4', '<f8').
bool npyIsFloat(const std::string &dtype);

/// A float32 array of `shape` holding `data` (whose size must be the
/// product of `shape`).
NpyArray makeNpyFloat32(std::vector<int64_t> shape,
                        const std::vector<float> &data);

/// Parses a whole .npy file held in memory. On failure returns false and
/// sets `error` to a one-line message.
bool parseNpy(const uint8_t *data, size_t size, NpyArray &out,
              std::string &error);

/// Reads the .npy file at `path`. On failure returns false and sets `error`
/// to a one-line message starting with the path.
bool readNpy(const std::string &path, NpyArray &out, std::string &error);

/// Serialises `array` as numpy does (header version 1.0; the data starts at
/// a multiple of 64 bytes). Fails on an unsupported dtype, a negative
/// extent, more than 64 dimensions or a byte count that does not match the
/// shape.
bool encodeNpy(const NpyArray &array, std::vector<uint8_t> &out,
               std::string &error);

/// Writes `array` to `path` through a temporary file in the same directory
/// and a rename: either the whole file appears or nothing changes.
bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error);

/// Writes float32 data of `shape` to `path`, as writeNpy.
bool writeNpyFloat32(const std::string &path, const std::vector<int64_t> &shape,
                     const std::vector<float> &data, std::string &error);

/// The elements as float: floats are converted (f8 rounds to nearest),
/// integers and booleans too (large integers round).
bool npyToFloat(const NpyArray &array, std::vector<float> &out,
                std::string &error);

/// The elements as double: exact for every dtype but '<i8' beyond 2^53.
bool npyToDouble(const NpyArray &array, std::vector<double> &out,
                 std::string &error);

/// The elements of an integer or boolean array as int64; a float dtype is
/// an error.
bool npyToInt64(const NpyArray &array, std::vector<int64_t> &out,
                std::string &error);

} // namespace attn::runtime

#endif // ATTN_RUNTIME_NPY_H
