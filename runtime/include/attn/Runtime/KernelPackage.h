//===- KernelPackage.h - The .attnpkg kernel package format -----*- C++ -*-===//
//
// A kernel package is what the compiler writes for a GPU target and what
// the runtime loads: a manifest of `key value...` lines (the chip, the entry
// point, the launch geometry as expressions of run-time symbols, the
// tensors with their dtypes and shapes, the kernel's parameters in order)
// followed by the PTX. docs/kernel-package.md is the contract; this file
// parses it strictly (every error names the line and the problem),
// serialises it (serialise then parse gives the same package back), and
// evaluates it for given input shapes: binding the symbols, shaping the
// outputs and computing the grid. Plain C++17, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_KERNELPACKAGE_H
#define ATTN_RUNTIME_KERNELPACKAGE_H

#include "attn/Runtime/Status.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace attn::runtime {

/// The element types a package's tensors may have. I1 is one byte per
/// element.
enum class DType { F32, F16, BF16, I32, I64, I8, I1 };

/// "f32", "f16", "bf16", "i32", "i64", "i8" or "i1".
const char *stringify(DType dtype);

/// The dtype spelled `name` in a package, if any.
std::optional<DType> parseDType(const std::string &name);

/// Bytes per element.
size_t byteWidth(DType dtype);

/// Whether `dtype` is F32, F16 or BF16.
bool isFloat(DType dtype);

/// One extent of a tensor: an integer, or a symbol bound at run time.
struct Extent {
  int64_t value = 0;
  /// Empty for an integer extent.
  std::string symbol;

  bool isSymbol() const { return !symbol.empty(); }
};

/// One extent of the grid: an integer, a symbol, or cdiv(symbol, value).
struct GridExtent {
  enum class Kind { Constant, Symbol, CeilDiv };
  Kind kind = Kind::Constant;
  /// The constant, or the divisor of a CeilDiv.
  int64_t value = 1;
  /// The symbol of a Symbol or CeilDiv.
  std::string symbol;
};

/// An `input` or `output` line.
struct TensorDecl {
  std::string name;
  DType dtype = DType::F32;
  std::vector<Extent> dims;
};

/// A `param` line: one 8-byte kernel parameter, or for `memref` the
/// 3 + 2 * rank words of a memref descriptor.
struct ParamDecl {
  enum class Kind {
    /// The memref descriptor of the tensor `name`: its address twice
    /// (allocated, aligned), the offset 0, its sizes, its strides.
    MemRef,
    /// The device address of the tensor `name`.
    Pointer,
    /// The value of the symbol `name`, as i64.
    Symbol,
    /// The stride in elements of dimension `dim` of the tensor `name`, i64.
    Stride
  };
  Kind kind = Kind::Pointer;
  std::string name;
  unsigned dim = 0;
};

/// Everything a package holds.
struct KernelPackage {
  /// The format version (always 1 here).
  unsigned version = 1;
  /// Free text naming the compiler and its version.
  std::string compiler;
  /// The chip, e.g. "sm_90a".
  std::string target;
  /// The kernel's symbol in the PTX.
  std::string entry;
  /// Threads per block.
  std::array<uint32_t, 3> block = {1, 1, 1};
  /// Blocks per grid, as expressions of the symbols.
  std::array<GridExtent, 3> grid;
  /// Dynamic shared memory in bytes.
  uint32_t sharedBytes = 0;
  /// `align N T...`: the kernel reads whole rows of these tensors with
  /// N-byte vector accesses, so each one's address and every stride (in
  /// bytes) must be a multiple of N. 0: no requirement.
  uint32_t alignment = 0;
  std::vector<std::string> alignedTensors;
  /// The run-time symbols, in declaration order.
  std::vector<std::string> symbols;
  std::vector<TensorDecl> inputs;
  std::vector<TensorDecl> outputs;
  std::vector<ParamDecl> params;
  /// The PTX text.
  std::string ptx;

  /// The input or output called `name`, or null.
  const TensorDecl *findTensor(const std::string &name) const;
};

bool operator==(const Extent &a, const Extent &b);
bool operator==(const GridExtent &a, const GridExtent &b);
bool operator==(const TensorDecl &a, const TensorDecl &b);
bool operator==(const ParamDecl &a, const ParamDecl &b);
bool operator==(const KernelPackage &a, const KernelPackage &b);
inline bool operator!=(const KernelPackage &a, const KernelPackage &b) {
  return !(a == b);
}

//===----------------------------------------------------------------------===//
// Reading and writing
//===----------------------------------------------------------------------===//

/// Parses a whole package held in memory. Errors read
/// `line N: <problem>`.
Result<KernelPackage> parseKernelPackage(const char *data, size_t size);
Result<KernelPackage> parseKernelPackage(const std::string &text);

/// Reads and parses the package at `path`; errors start with the path.
Result<KernelPackage> readKernelPackage(const std::string &path);

/// The package as text in the format parseKernelPackage reads: the keys in
/// the order of docs/kernel-package.md, trailing 1s of `block` dropped.
std::string serializeKernelPackage(const KernelPackage &package);

//===----------------------------------------------------------------------===//
// Evaluating for given shapes
//===----------------------------------------------------------------------===//

/// The value of each symbol.
using SymbolValues = std::map<std::string, int64_t>;

/// Checks `shape` against input `index` of `package` (rank, integer
/// extents, and symbols already in `values`) and binds the symbols it
/// names into `values`. Errors start with `input NAME: `, e.g.
/// `input k: extent 15 in dim 3, the package expects 16`.
Status bindInput(const KernelPackage &package, size_t index,
                 const std::vector<int64_t> &shape, SymbolValues &values);

/// Binds every symbol from the shapes of all inputs (one shape per input,
/// in order), checking each as bindInput does.
Result<SymbolValues>
bindSymbols(const KernelPackage &package,
            const std::vector<std::vector<int64_t>> &inputShapes);

/// The shape of `tensor` under `values`; an unbound symbol is an error
/// (`o: symbol SQ is not bound`).
Result<std::vector<int64_t>> tensorShape(const TensorDecl &tensor,
                                         const SymbolValues &values);

/// The shapes of all outputs under `values`, in order.
Result<std::vector<std::vector<int64_t>>>
outputShapes(const KernelPackage &package, const SymbolValues &values);

/// The value of one grid extent under `values`.
Result<int64_t> evaluate(const GridExtent &extent, const SymbolValues &values);

/// The grid under `values`, checked against CUDA's limits (x below 2^31,
/// y and z at most 65535). A zero extent (an empty problem) is allowed.
Result<std::array<uint32_t, 3>> evaluateGrid(const KernelPackage &package,
                                             const SymbolValues &values);

/// The strides in elements of a contiguous (row-major) tensor of `shape`.
std::vector<int64_t> contiguousStrides(const std::vector<int64_t> &shape);

/// The product of `shape`, or -1 for a negative extent or an overflow.
int64_t numElements(const std::vector<int64_t> &shape);

/// `shape` as "[2, 3, 4]".
std::string shapeString(const std::vector<int64_t> &shape);

} // namespace attn::runtime

#endif // ATTN_RUNTIME_KERNELPACKAGE_H
