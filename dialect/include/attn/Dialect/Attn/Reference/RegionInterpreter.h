//===- RegionInterpreter.h - Evaluates small regions on values --*- C++ -*-===//
//
// Runs the ops of a region (a mask_mod or score_mod body, or any
// single-block region in the same small language) on concrete values: arith,
// math, scf.if / scf.for / scf.yield, tensor.extract, and the terminators
// attn.yield and func.return. Integers wrap like the hardware does; an
// operation whose result MLIR leaves undefined (division by zero, a shift by
// the width or more, an out-of-range float-to-int conversion, an
// out-of-bounds extract) is an error value naming the op, as is any op the
// interpreter does not know. Nothing here aborts on user input.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_REFERENCE_REGIONINTERPRETER_H
#define ATTN_DIALECT_ATTN_REFERENCE_REGIONINTERPRETER_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Region.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace attn::reference {

struct InterpTensor;

/// A concrete value: an integer or index, a float, or a tensor.
class InterpValue {
public:
  enum class Kind { None, Integer, Float, Tensor };

  InterpValue() = default;
  /// An integer of any width up to 64 bits, or an index: its bits,
  /// zero-extended (so i1 true is 1 and an i8 -1 holds 255).
  static InterpValue integer(uint64_t bits) {
    InterpValue v;
    v.kind = Kind::Integer;
    v.bits = bits;
    return v;
  }
  /// An index (or i64) from a signed value.
  static InterpValue index(int64_t value) {
    return integer(static_cast<uint64_t>(value));
  }
  static InterpValue boolean(bool value) { return integer(value ? 1 : 0); }
  /// A float of any float type, held in double.
  static InterpValue real(double value) {
    InterpValue v;
    v.kind = Kind::Float;
    v.value = value;
    return v;
  }
  static InterpValue tensor(std::shared_ptr<const InterpTensor> data) {
    InterpValue v;
    v.kind = Kind::Tensor;
    v.tensorData = std::move(data);
    return v;
  }
  /// A tensor of `shape` (row-major `elements`).
  static InterpValue tensor(std::vector<int64_t> shape,
                            std::vector<InterpValue> elements);

  Kind getKind() const { return kind; }
  bool isInteger() const { return kind == Kind::Integer; }
  bool isFloat() const { return kind == Kind::Float; }
  bool isTensor() const { return kind == Kind::Tensor; }

  /// The bits of an integer, zero-extended.
  uint64_t getBits() const { return bits; }
  /// The two's-complement value of an integer of `width` bits.
  int64_t getSigned(unsigned width = 64) const;
  double getFloat() const { return value; }
  const InterpTensor &getTensor() const { return *tensorData; }

private:
  Kind kind = Kind::None;
  uint64_t bits = 0;
  double value = 0.0;
  std::shared_ptr<const InterpTensor> tensorData;
};

/// A ranked tensor's elements in row-major order.
struct InterpTensor {
  std::vector<int64_t> shape;
  std::vector<InterpValue> elements;
};

struct InterpreterOptions {
  /// Round every float result to the precision of its type, as the
  /// hardware does. When false, f32 (and f64) values are carried in double:
  /// the fp64 reference's reading of f32 code. Narrower types (f16, bf16,
  /// ...) round either way: a user who narrows means it.
  bool roundToType = true;
  /// The most scf.for iterations one run may take, all loops together: a
  /// bound on the time a hostile or mistaken loop can take.
  int64_t maxLoopIterations = int64_t(1) << 20;
  /// The most elements a dense tensor constant may have.
  int64_t maxConstantElements = int64_t(1) << 24;
};

/// Evaluates one single-block region. Build it once (which checks every op)
/// and run it many times; runs share no state, so a const interpreter may
/// be used from several threads.
class RegionInterpreter {
public:
  /// Checks that `region` has one block and that every op in it, nested
  /// regions included, is one the interpreter runs, on types it handles.
  /// The first unsupported op is an error naming it and its location.
  static llvm::Expected<RegionInterpreter>
  create(mlir::Region &region, InterpreterOptions options = {});

  /// Binds a value defined outside the region (for a region that is not
  /// isolated from above), e.g. a tensor the caller holds.
  void bind(mlir::Value value, InterpValue v);

  /// Runs the region with its block arguments bound to `args` (floats are
  /// first rounded to their argument's type, integers truncated to its
  /// width) and returns the values the terminator yields.
  llvm::Expected<llvm::SmallVector<InterpValue, 1>>
  run(llvm::ArrayRef<InterpValue> args) const;

  const InterpreterOptions &getOptions() const { return options; }

private:
  RegionInterpreter(mlir::Region &region, InterpreterOptions options)
      : region(&region), options(options) {}

  mlir::Region *region;
  InterpreterOptions options;
  /// Values bound by the caller, and dense tensor constants, materialised
  /// once at creation.
  llvm::DenseMap<mlir::Value, InterpValue> bound;
  llvm::DenseMap<mlir::Operation *, InterpValue> constants;
};

} // namespace attn::reference

#endif // ATTN_DIALECT_ATTN_REFERENCE_REGIONINTERPRETER_H
