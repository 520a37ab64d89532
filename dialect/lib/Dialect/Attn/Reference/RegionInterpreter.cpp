//===- RegionInterpreter.cpp - Evaluates small regions on values ----------===//
//
// A tree-walking interpreter over one region. create() checks every op and
// type once and materialises dense constants; run() walks the block with a
// fresh map from SSA values to concrete values. Integers are held as their
// zero-extended bits and re-truncated to the result width after each op, so
// wrapping matches two's complement at every width; floats are held in
// double and rounded to their type (see InterpreterOptions::roundToType).
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Reference/RegionInterpreter.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/Mask/MaskModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace attn::reference;

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

InterpValue InterpValue::tensor(std::vector<int64_t> shape,
                                std::vector<InterpValue> elements) {
  auto data = std::make_shared<InterpTensor>();
  data->shape = std::move(shape);
  data->elements = std::move(elements);
  return tensor(std::move(data));
}

static int64_t signExtend(uint64_t bits, unsigned width) {
  if (width >= 64)
    return static_cast<int64_t>(bits);
  unsigned shift = 64 - width;
  return static_cast<int64_t>(bits << shift) >> shift;
}

int64_t InterpValue::getSigned(unsigned width) const {
  return signExtend(bits, width);
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {

unsigned bitWidth(Type type) {
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth();
  return 64; // index
}

uint64_t truncateBits(uint64_t bits, unsigned width) {
  return width >= 64 ? bits : bits & ((uint64_t(1) << width) - 1);
}

int64_t maxSigned(unsigned width) {
  return width >= 64 ? INT64_MAX : (int64_t(1) << (width - 1)) - 1;
}
int64_t minSigned(unsigned width) { return -maxSigned(width) - 1; }

bool isScalarType(Type type) {
  if (isa<IndexType>(type))
    return true;
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth() >= 1 && integer.getWidth() <= 64;
  if (auto real = dyn_cast<FloatType>(type))
    return real.getWidth() <= 64;
  return false;
}

bool isSupportedType(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return isScalarType(tensor.getElementType());
  return isScalarType(type);
}

std::string numberString(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

std::string locationOf(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << op->getLoc();
  return text;
}

llvm::Error opError(Operation *op, const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "'" + op->getName().getStringRef() + "' at " +
                                     locationOf(op) + ": " + message);
}

llvm::Error plainError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Ops the interpreter runs. Everything else is refused at creation.
bool isSupportedOp(Operation *op) {
  return isa<
      // arith: integers
      arith::ConstantOp, arith::AddIOp, arith::SubIOp, arith::MulIOp,
      arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
      arith::FloorDivSIOp, arith::CeilDivSIOp, arith::CeilDivUIOp,
      arith::MinSIOp, arith::MaxSIOp, arith::MinUIOp, arith::MaxUIOp,
      arith::AndIOp, arith::OrIOp, arith::XOrIOp, arith::ShLIOp, arith::ShRSIOp,
      arith::ShRUIOp, arith::CmpIOp, arith::SelectOp,
      // arith: casts
      arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp, arith::ExtUIOp,
      arith::TruncIOp, arith::SIToFPOp, arith::UIToFPOp, arith::FPToSIOp,
      arith::FPToUIOp, arith::ExtFOp, arith::TruncFOp,
      // arith: floats
      arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::RemFOp,
      arith::NegFOp, arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
      arith::MinNumFOp, arith::CmpFOp,
      // math
      math::ExpOp, math::Exp2Op, math::ExpM1Op, math::LogOp, math::Log2Op,
      math::Log10Op, math::Log1pOp, math::TanhOp, math::SinOp, math::CosOp,
      math::ErfOp, math::SqrtOp, math::RsqrtOp, math::AbsFOp, math::PowFOp,
      math::FloorOp, math::CeilOp, math::TruncOp, math::RoundOp,
      math::RoundEvenOp, math::CopySignOp, math::FmaOp, math::AbsIOp,
      // control flow, tensors, terminators
      scf::IfOp, scf::ForOp, scf::YieldOp, tensor::ExtractOp, attn::YieldOp,
      func::ReturnOp>(op);
}

/// Whether `op` computes on scalars only (arith and math do here).
bool isScalarOp(Operation *op) {
  StringRef dialect = op->getName().getDialectNamespace();
  return (dialect == "arith" && !isa<arith::ConstantOp, arith::SelectOp>(op)) ||
         dialect == "math";
}

llvm::RoundingMode toLLVM(arith::RoundingMode mode) {
  switch (mode) {
  case arith::RoundingMode::downward:
    return llvm::RoundingMode::TowardNegative;
  case arith::RoundingMode::upward:
    return llvm::RoundingMode::TowardPositive;
  case arith::RoundingMode::toward_zero:
    return llvm::RoundingMode::TowardZero;
  case arith::RoundingMode::to_nearest_away:
    return llvm::RoundingMode::NearestTiesToAway;
  case arith::RoundingMode::to_nearest_even:
    break;
  }
  return llvm::RoundingMode::NearestTiesToEven;
}

/// `value` rounded to the float type `type` (see roundToType).
double
roundFloat(double value, Type type, const InterpreterOptions &options,
           llvm::RoundingMode mode = llvm::RoundingMode::NearestTiesToEven) {
  auto real = cast<FloatType>(type);
  if (real.isF64() || (real.isF32() && !options.roundToType))
    return value;
  if (real.isF32() && mode == llvm::RoundingMode::NearestTiesToEven)
    return static_cast<double>(static_cast<float>(value));
  llvm::APFloat f(value);
  bool lost = false;
  f.convert(real.getFloatSemantics(), mode, &lost);
  f.convert(llvm::APFloat::IEEEdouble(), llvm::RoundingMode::NearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

/// An integer (signed when `isSigned`) converted to the float type `type`
/// with one rounding, however large.
double intToFloat(uint64_t bits, unsigned width, bool isSigned, Type type,
                  const InterpreterOptions &options) {
  auto real = cast<FloatType>(type);
  bool wide = real.isF64() || (real.isF32() && !options.roundToType);
  const llvm::fltSemantics &semantics =
      wide ? llvm::APFloat::IEEEdouble() : real.getFloatSemantics();
  llvm::APFloat f(semantics);
  f.convertFromAPInt(llvm::APInt(width, bits), isSigned,
                     llvm::RoundingMode::NearestTiesToEven);
  bool lost = false;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::RoundingMode::NearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

/// IEEE 754-2019 maximum / minimum: NaN propagates, -0 < +0.
double maximum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nan("");
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
double minimum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nan("");
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

bool compareInts(arith::CmpIPredicate pred, uint64_t a, uint64_t b,
                 unsigned width) {
  int64_t sa = signExtend(a, width), sb = signExtend(b, width);
  switch (pred) {
  case arith::CmpIPredicate::eq:
    return a == b;
  case arith::CmpIPredicate::ne:
    return a != b;
  case arith::CmpIPredicate::slt:
    return sa < sb;
  case arith::CmpIPredicate::sle:
    return sa <= sb;
  case arith::CmpIPredicate::sgt:
    return sa > sb;
  case arith::CmpIPredicate::sge:
    return sa >= sb;
  case arith::CmpIPredicate::ult:
    return a < b;
  case arith::CmpIPredicate::ule:
    return a <= b;
  case arith::CmpIPredicate::ugt:
    return a > b;
  case arith::CmpIPredicate::uge:
    return a >= b;
  }
  return false;
}

bool compareFloats(arith::CmpFPredicate pred, double a, double b) {
  bool unordered = std::isnan(a) || std::isnan(b);
  using P = arith::CmpFPredicate;
  switch (pred) {
  case P::AlwaysFalse:
    return false;
  case P::AlwaysTrue:
    return true;
  case P::ORD:
    return !unordered;
  case P::UNO:
    return unordered;
  case P::OEQ:
    return !unordered && a == b;
  case P::OGT:
    return !unordered && a > b;
  case P::OGE:
    return !unordered && a >= b;
  case P::OLT:
    return !unordered && a < b;
  case P::OLE:
    return !unordered && a <= b;
  case P::ONE:
    return !unordered && a != b;
  case P::UEQ:
    return unordered || a == b;
  case P::UGT:
    return unordered || a > b;
  case P::UGE:
    return unordered || a >= b;
  case P::ULT:
    return unordered || a < b;
  case P::ULE:
    return unordered || a <= b;
  case P::UNE:
    return unordered || a != b;
  }
  return false;
}

/// The elements of a dense constant as interpreter values.
llvm::Expected<InterpValue> materialize(Operation *op, DenseElementsAttr attr,
                                        const InterpreterOptions &options) {
  auto type = cast<RankedTensorType>(attr.getType());
  if (type.getNumElements() > options.maxConstantElements)
    return opError(op, "tensor constant of " + Twine(type.getNumElements()) +
                           " elements exceeds the limit of " +
                           Twine(options.maxConstantElements));
  std::vector<InterpValue> elements;
  elements.reserve(type.getNumElements());
  Type elementType = type.getElementType();
  if (isa<FloatType>(elementType)) {
    for (const llvm::APFloat &f : attr.getValues<llvm::APFloat>()) {
      llvm::APFloat d = f;
      bool lost = false;
      d.convert(llvm::APFloat::IEEEdouble(),
                llvm::RoundingMode::NearestTiesToEven, &lost);
      elements.push_back(InterpValue::real(d.convertToDouble()));
    }
  } else {
    for (const llvm::APInt &i : attr.getValues<llvm::APInt>())
      elements.push_back(InterpValue::integer(i.getZExtValue()));
  }
  return InterpValue::tensor(
      std::vector<int64_t>(type.getShape().begin(), type.getShape().end()),
      std::move(elements));
}

/// Checks one op and its types; materialises a dense constant into
/// `constants`.
llvm::Error checkOp(Operation *op, const InterpreterOptions &options,
                    llvm::DenseMap<Operation *, InterpValue> &constants) {
  if (!isSupportedOp(op))
    return plainError("unsupported operation '" + op->getName().getStringRef() +
                      "' at " + locationOf(op) +
                      ": the region interpreter runs arith, "
                      "math, scf.if/for/yield, tensor.extract and attn.yield");
  auto checkType = [&](Type type) -> llvm::Error {
    if (!isSupportedType(type))
      return opError(op, "unsupported type " + typeString(type));
    if (isScalarOp(op) && !isScalarType(type))
      return opError(op, "only scalars are supported, not tensors");
    return llvm::Error::success();
  };
  for (Type type : op->getOperandTypes())
    if (llvm::Error e = checkType(type))
      return e;
  for (Type type : op->getResultTypes())
    if (llvm::Error e = checkType(type))
      return e;
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (Type type : block.getArgumentTypes())
        if (llvm::Error e = checkType(type))
          return e;
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    Attribute value = constant.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      llvm::Expected<InterpValue> tensor = materialize(op, dense, options);
      if (!tensor)
        return tensor.takeError();
      constants[op] = std::move(*tensor);
    } else if (!isa<IntegerAttr, FloatAttr>(value)) {
      return opError(op, "unsupported constant kind");
    }
  }
  return llvm::Error::success();
}

/// One run: the values of the SSA names seen so far.
class Executor {
public:
  Executor(const InterpreterOptions &options,
           const llvm::DenseMap<Value, InterpValue> &bound,
           const llvm::DenseMap<Operation *, InterpValue> &constants)
      : options(options), bound(bound), constants(constants) {}

  llvm::Error runBlock(Block &block, ArrayRef<InterpValue> args,
                       SmallVectorImpl<InterpValue> &results);

private:
  llvm::Expected<InterpValue> lookup(Value value, Operation *user);
  llvm::Error runOp(Operation &op);
  llvm::Error runIntOp(Operation &op, ArrayRef<InterpValue> in);
  llvm::Error runFloatOp(Operation &op, ArrayRef<InterpValue> in);
  llvm::Error runCast(Operation &op, ArrayRef<InterpValue> in);
  llvm::Error runFor(scf::ForOp op, ArrayRef<InterpValue> in);
  llvm::Error runExtract(tensor::ExtractOp op, ArrayRef<InterpValue> in);

  void setResult(Operation &op, InterpValue v) {
    values[op.getResult(0)] = std::move(v);
  }

  const InterpreterOptions &options;
  const llvm::DenseMap<Value, InterpValue> &bound;
  const llvm::DenseMap<Operation *, InterpValue> &constants;
  llvm::DenseMap<Value, InterpValue> values;
  int64_t iterations = 0;
};

llvm::Expected<InterpValue> Executor::lookup(Value value, Operation *user) {
  auto it = values.find(value);
  if (it != values.end())
    return it->second;
  auto outer = bound.find(value);
  if (outer != bound.end())
    return outer->second;
  return opError(user, "an operand is defined outside the region and was "
                       "not bound");
}

llvm::Error Executor::runBlock(Block &block, ArrayRef<InterpValue> args,
                               SmallVectorImpl<InterpValue> &results) {
  for (auto [arg, value] : llvm::zip(block.getArguments(), args))
    values[arg] = value;
  for (Operation &op : block) {
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      results.clear();
      for (Value operand : op.getOperands()) {
        llvm::Expected<InterpValue> v = lookup(operand, &op);
        if (!v)
          return v.takeError();
        results.push_back(*v);
      }
      return llvm::Error::success();
    }
    if (llvm::Error e = runOp(op))
      return e;
  }
  return plainError("a block of the region has no terminator");
}

llvm::Error Executor::runOp(Operation &op) {
  SmallVector<InterpValue, 4> in;
  for (Value operand : op.getOperands()) {
    llvm::Expected<InterpValue> v = lookup(operand, &op);
    if (!v)
      return v.takeError();
    in.push_back(std::move(*v));
  }

  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    Attribute value = constant.getValue();
    if (auto integer = dyn_cast<IntegerAttr>(value))
      setResult(op, InterpValue::integer(
                        truncateBits(integer.getValue().getZExtValue(),
                                     bitWidth(integer.getType()))));
    else if (auto real = dyn_cast<FloatAttr>(value))
      setResult(op, InterpValue::real(roundFloat(real.getValueAsDouble(),
                                                 real.getType(), options)));
    else
      setResult(op, constants.lookup(&op));
    return llvm::Error::success();
  }
  if (isa<arith::SelectOp>(op)) {
    setResult(op, (in[0].getBits() & 1) ? in[1] : in[2]);
    return llvm::Error::success();
  }
  if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
    Region &region =
        (in[0].getBits() & 1) ? ifOp.getThenRegion() : ifOp.getElseRegion();
    if (region.empty())
      return llvm::Error::success();
    SmallVector<InterpValue, 2> results;
    if (llvm::Error e = runBlock(region.front(), {}, results))
      return e;
    for (auto [result, value] : llvm::zip(op.getResults(), results))
      values[result] = value;
    return llvm::Error::success();
  }
  if (auto forOp = dyn_cast<scf::ForOp>(op))
    return runFor(forOp, in);
  if (auto extract = dyn_cast<tensor::ExtractOp>(op))
    return runExtract(extract, in);
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
          arith::ExtUIOp, arith::TruncIOp, arith::SIToFPOp, arith::UIToFPOp,
          arith::FPToSIOp, arith::FPToUIOp, arith::ExtFOp, arith::TruncFOp>(op))
    return runCast(op, in);
  if (isa<FloatType>(op.getOperand(0).getType()))
    return runFloatOp(op, in);
  return runIntOp(op, in);
}

llvm::Error Executor::runIntOp(Operation &op, ArrayRef<InterpValue> in) {
  unsigned width = bitWidth(op.getOperand(0).getType());
  uint64_t a = in[0].getBits();
  uint64_t b = in.size() > 1 ? in[1].getBits() : 0;
  int64_t sa = signExtend(a, width), sb = signExtend(b, width);
  auto set = [&](uint64_t bits) -> llvm::Error {
    setResult(op, InterpValue::integer(truncateBits(bits, width)));
    return llvm::Error::success();
  };
  auto checkSignedDivision = [&]() -> llvm::Error {
    if (b == 0)
      return opError(&op, "division by zero");
    if (sa == minSigned(width) && sb == -1)
      return opError(&op, "signed division overflows");
    return llvm::Error::success();
  };
  auto checkShift = [&]() -> llvm::Error {
    if (b >= width)
      return opError(&op, "shift by " + Twine(b) +
                              " is not less than the "
                              "bit width " +
                              Twine(width));
    return llvm::Error::success();
  };
  auto u = [](int64_t v) { return static_cast<uint64_t>(v); };

  return llvm::TypeSwitch<Operation *, llvm::Error>(&op)
      .Case([&](arith::AddIOp) { return set(a + b); })
      .Case([&](arith::SubIOp) { return set(a - b); })
      .Case([&](arith::MulIOp) { return set(a * b); })
      .Case([&](arith::AndIOp) { return set(a & b); })
      .Case([&](arith::OrIOp) { return set(a | b); })
      .Case([&](arith::XOrIOp) { return set(a ^ b); })
      .Case([&](arith::MinSIOp) { return set(u(std::min(sa, sb))); })
      .Case([&](arith::MaxSIOp) { return set(u(std::max(sa, sb))); })
      .Case([&](arith::MinUIOp) { return set(std::min(a, b)); })
      .Case([&](arith::MaxUIOp) { return set(std::max(a, b)); })
      .Case([&](arith::DivSIOp) {
        if (llvm::Error e = checkSignedDivision())
          return e;
        return set(u(sa / sb));
      })
      .Case([&](arith::RemSIOp) {
        if (b == 0)
          return opError(&op, "division by zero");
        return set(sb == -1 ? 0 : u(sa % sb));
      })
      .Case([&](arith::FloorDivSIOp) {
        if (llvm::Error e = checkSignedDivision())
          return e;
        return set(u(attn::mask::floorDiv(sa, sb)));
      })
      .Case([&](arith::CeilDivSIOp) {
        if (llvm::Error e = checkSignedDivision())
          return e;
        int64_t q = sa / sb;
        if (sa % sb != 0 && ((sa < 0) == (sb < 0)))
          ++q;
        return set(u(q));
      })
      .Case([&](arith::DivUIOp) {
        if (b == 0)
          return opError(&op, "division by zero");
        return set(a / b);
      })
      .Case([&](arith::RemUIOp) {
        if (b == 0)
          return opError(&op, "division by zero");
        return set(a % b);
      })
      .Case([&](arith::CeilDivUIOp) {
        if (b == 0)
          return opError(&op, "division by zero");
        return set(a / b + (a % b != 0 ? 1 : 0));
      })
      .Case([&](arith::ShLIOp) {
        if (llvm::Error e = checkShift())
          return e;
        return set(a << b);
      })
      .Case([&](arith::ShRUIOp) {
        if (llvm::Error e = checkShift())
          return e;
        return set(a >> b);
      })
      .Case([&](arith::ShRSIOp) {
        if (llvm::Error e = checkShift())
          return e;
        return set(u(sa >> b));
      })
      .Case([&](arith::CmpIOp cmp) {
        setResult(op, InterpValue::boolean(
                          compareInts(cmp.getPredicate(), a, b, width)));
        return llvm::Error::success();
      })
      .Case([&](math::AbsIOp) {
        return set(sa < 0 ? u(0) - a : a); // wraps for the minimum
      })
      .Default([&](Operation *) {
        return opError(&op, "no integer semantics (internal error)");
      });
}

llvm::Error Executor::runFloatOp(Operation &op, ArrayRef<InterpValue> in) {
  double a = in[0].getFloat();
  double b = in.size() > 1 ? in[1].getFloat() : 0.0;
  auto set = [&](double v) -> llvm::Error {
    setResult(op, InterpValue::real(
                      roundFloat(v, op.getResult(0).getType(), options)));
    return llvm::Error::success();
  };
  return llvm::TypeSwitch<Operation *, llvm::Error>(&op)
      .Case([&](arith::AddFOp) { return set(a + b); })
      .Case([&](arith::SubFOp) { return set(a - b); })
      .Case([&](arith::MulFOp) { return set(a * b); })
      .Case([&](arith::DivFOp) { return set(a / b); })
      .Case([&](arith::RemFOp) { return set(std::fmod(a, b)); })
      .Case([&](arith::NegFOp) { return set(-a); })
      .Case([&](arith::MaximumFOp) { return set(maximum(a, b)); })
      .Case([&](arith::MinimumFOp) { return set(minimum(a, b)); })
      .Case([&](arith::MaxNumFOp) { return set(std::fmax(a, b)); })
      .Case([&](arith::MinNumFOp) { return set(std::fmin(a, b)); })
      .Case([&](arith::CmpFOp cmp) {
        setResult(
            op, InterpValue::boolean(compareFloats(cmp.getPredicate(), a, b)));
        return llvm::Error::success();
      })
      .Case([&](math::ExpOp) { return set(std::exp(a)); })
      .Case([&](math::Exp2Op) { return set(std::exp2(a)); })
      .Case([&](math::ExpM1Op) { return set(std::expm1(a)); })
      .Case([&](math::LogOp) { return set(std::log(a)); })
      .Case([&](math::Log2Op) { return set(std::log2(a)); })
      .Case([&](math::Log10Op) { return set(std::log10(a)); })
      .Case([&](math::Log1pOp) { return set(std::log1p(a)); })
      .Case([&](math::TanhOp) { return set(std::tanh(a)); })
      .Case([&](math::SinOp) { return set(std::sin(a)); })
      .Case([&](math::CosOp) { return set(std::cos(a)); })
      .Case([&](math::ErfOp) { return set(std::erf(a)); })
      .Case([&](math::SqrtOp) { return set(std::sqrt(a)); })
      .Case([&](math::RsqrtOp) { return set(1.0 / std::sqrt(a)); })
      .Case([&](math::AbsFOp) { return set(std::fabs(a)); })
      .Case([&](math::PowFOp) { return set(std::pow(a, b)); })
      .Case([&](math::FloorOp) { return set(std::floor(a)); })
      .Case([&](math::CeilOp) { return set(std::ceil(a)); })
      .Case([&](math::TruncOp) { return set(std::trunc(a)); })
      .Case([&](math::RoundOp) { return set(std::round(a)); })
      .Case([&](math::RoundEvenOp) { return set(std::nearbyint(a)); })
      .Case([&](math::CopySignOp) { return set(std::copysign(a, b)); })
      .Case([&](math::FmaOp) { return set(std::fma(a, b, in[2].getFloat())); })
      .Default([&](Operation *) {
        return opError(&op, "no float semantics (internal error)");
      });
}

llvm::Error Executor::runCast(Operation &op, ArrayRef<InterpValue> in) {
  Type from = op.getOperand(0).getType(), to = op.getResult(0).getType();
  auto setInt = [&](uint64_t bits) -> llvm::Error {
    setResult(op, InterpValue::integer(truncateBits(bits, bitWidth(to))));
    return llvm::Error::success();
  };
  auto toInt = [&](bool isSigned) -> llvm::Error {
    double v = in[0].getFloat();
    unsigned width = bitWidth(to);
    double t = std::trunc(v);
    double lo = isSigned ? -std::ldexp(1.0, width - 1) : 0.0;
    double hi = std::ldexp(1.0, isSigned ? width - 1 : width);
    if (std::isnan(v) || !(t >= lo && t < hi))
      return opError(&op, "value " + numberString(v) + " does not fit in i" +
                              Twine(width));
    return setInt(isSigned ? static_cast<uint64_t>(static_cast<int64_t>(t))
                           : static_cast<uint64_t>(t));
  };
  return llvm::TypeSwitch<Operation *, llvm::Error>(&op)
      .Case<arith::IndexCastOp, arith::ExtSIOp>([&](Operation *) {
        return setInt(
            static_cast<uint64_t>(signExtend(in[0].getBits(), bitWidth(from))));
      })
      .Case<arith::IndexCastUIOp, arith::ExtUIOp, arith::TruncIOp>(
          [&](Operation *) { return setInt(in[0].getBits()); })
      .Case<arith::SIToFPOp, arith::UIToFPOp>([&](Operation *) {
        setResult(op, InterpValue::real(
                          intToFloat(in[0].getBits(), bitWidth(from),
                                     isa<arith::SIToFPOp>(op), to, options)));
        return llvm::Error::success();
      })
      .Case([&](arith::FPToSIOp) { return toInt(true); })
      .Case([&](arith::FPToUIOp) { return toInt(false); })
      .Case([&](arith::ExtFOp) {
        setResult(op,
                  InterpValue::real(roundFloat(in[0].getFloat(), to, options)));
        return llvm::Error::success();
      })
      .Case([&](arith::TruncFOp trunc) {
        llvm::RoundingMode mode = llvm::RoundingMode::NearestTiesToEven;
        if (std::optional<arith::RoundingMode> m = trunc.getRoundingmode())
          mode = toLLVM(*m);
        setResult(op, InterpValue::real(
                          roundFloat(in[0].getFloat(), to, options, mode)));
        return llvm::Error::success();
      })
      .Default([&](Operation *) {
        return opError(&op, "no cast semantics (internal error)");
      });
}

llvm::Error Executor::runFor(scf::ForOp op, ArrayRef<InterpValue> in) {
  unsigned width = bitWidth(op.getInductionVar().getType());
  bool isUnsigned = op.getUnsignedCmp();
  uint64_t iv = in[0].getBits(), ub = in[1].getBits(), step = in[2].getBits();
  if (isUnsigned ? step == 0 : signExtend(step, width) <= 0)
    return opError(op, "the step must be positive, found " +
                           Twine(signExtend(step, width)));
  SmallVector<InterpValue, 4> carried(in.begin() + 3, in.end());
  SmallVector<InterpValue, 4> args, yielded;
  auto below = [&](uint64_t x) {
    return isUnsigned ? x < ub : signExtend(x, width) < signExtend(ub, width);
  };
  while (below(iv)) {
    if (++iterations > options.maxLoopIterations)
      return opError(op, "more than " + Twine(options.maxLoopIterations) +
                             " loop iterations in one run");
    args.assign(1, InterpValue::integer(iv));
    args.append(carried.begin(), carried.end());
    if (llvm::Error e = runBlock(*op.getBody(), args, yielded))
      return e;
    carried.assign(yielded.begin(), yielded.end());
    // Stop before the induction variable wraps: it is past ub by then.
    uint64_t next = truncateBits(iv + step, width);
    bool wrapped = isUnsigned ? next < iv
                              : signExtend(iv, width) >
                                    maxSigned(width) - signExtend(step, width);
    if (wrapped)
      break;
    iv = next;
  }
  for (auto [result, value] : llvm::zip(op.getResults(), carried))
    values[result] = value;
  return llvm::Error::success();
}

llvm::Error Executor::runExtract(tensor::ExtractOp op,
                                 ArrayRef<InterpValue> in) {
  if (!in[0].isTensor())
    return opError(op, "the operand is not a tensor value");
  const InterpTensor &tensor = in[0].getTensor();
  if (tensor.shape.size() != in.size() - 1)
    return opError(op, "rank mismatch: the tensor has rank " +
                           Twine(tensor.shape.size()));
  int64_t offset = 0;
  for (size_t d = 0; d < tensor.shape.size(); ++d) {
    int64_t i = in[d + 1].getSigned();
    if (i < 0 || i >= tensor.shape[d])
      return opError(op, "index " + Twine(i) +
                             " is out of bounds for "
                             "dimension " +
                             Twine(d) + " of size " + Twine(tensor.shape[d]));
    offset = offset * tensor.shape[d] + i;
  }
  if (offset >= static_cast<int64_t>(tensor.elements.size()))
    return opError(op, "the tensor holds fewer elements than its shape");
  setResult(*op.getOperation(), tensor.elements[offset]);
  return llvm::Error::success();
}

} // namespace

//===----------------------------------------------------------------------===//
// RegionInterpreter
//===----------------------------------------------------------------------===//

llvm::Expected<RegionInterpreter>
RegionInterpreter::create(Region &region, InterpreterOptions options) {
  if (region.empty())
    return plainError("the region to interpret is empty");
  if (!region.hasOneBlock())
    return plainError("the region to interpret must have one block");
  RegionInterpreter interpreter(region, options);
  for (Type type : region.front().getArgumentTypes())
    if (!isSupportedType(type))
      return plainError("the region takes an argument of unsupported type " +
                        typeString(type));
  llvm::Error error = llvm::Error::success();
  region.walk([&](Operation *op) {
    if (llvm::Error e = checkOp(op, options, interpreter.constants)) {
      error = std::move(e);
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (error)
    return std::move(error);
  return std::move(interpreter);
}

void RegionInterpreter::bind(Value value, InterpValue v) {
  bound[value] = std::move(v);
}

llvm::Expected<llvm::SmallVector<InterpValue, 1>>
RegionInterpreter::run(llvm::ArrayRef<InterpValue> args) const {
  Block &block = region->front();
  if (args.size() != block.getNumArguments())
    return plainError("the region takes " + Twine(block.getNumArguments()) +
                      " arguments, " + Twine(args.size()) + " given");
  SmallVector<InterpValue, 6> converted;
  for (auto [i, arg, value] : llvm::enumerate(block.getArguments(), args)) {
    Type type = arg.getType();
    if (isa<FloatType>(type)) {
      if (!value.isFloat())
        return plainError("argument #" + Twine(i) + " must be a float");
      converted.push_back(
          InterpValue::real(roundFloat(value.getFloat(), type, options)));
    } else if (isa<RankedTensorType>(type)) {
      auto tensorType = cast<RankedTensorType>(type);
      if (!value.isTensor() || value.getTensor().shape.size() !=
                                   static_cast<size_t>(tensorType.getRank()))
        return plainError("argument #" + Twine(i) + " must be a tensor of " +
                          "rank " + Twine(tensorType.getRank()));
      for (auto [dim, extent] :
           llvm::zip(tensorType.getShape(), value.getTensor().shape))
        if (!ShapedType::isDynamic(dim) && dim != extent)
          return plainError("argument #" + Twine(i) +
                            " has the wrong shape for its tensor type");
      converted.push_back(value);
    } else {
      if (!value.isInteger())
        return plainError("argument #" + Twine(i) + " must be an integer");
      converted.push_back(
          InterpValue::integer(truncateBits(value.getBits(), bitWidth(type))));
    }
  }
  Executor executor(options, bound, constants);
  llvm::SmallVector<InterpValue, 1> results;
  if (llvm::Error e = executor.runBlock(block, converted, results))
    return std::move(e);
  return results;
}
