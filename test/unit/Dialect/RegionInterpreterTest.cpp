//===- RegionInterpreterTest.cpp - Evaluating regions on values -----------===//
//
// Each supported op on hand-picked values, with the edge cases MLIR defines
// (wrapping, floor and ceil division of negatives, NaN ordering, signed
// zeros, rounding to the result type); scf control flow; tensor.extract from
// constants and from tensors the caller binds; the mask_mod and score_mod
// regions of attn.attention; and every error path: unsupported ops and
// types, undefined results, bad arguments and runaway loops.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Reference/RegionInterpreter.h"
#include "MaskTestUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Parser/Parser.h"

#include <cmath>

using namespace mlir;
using namespace attn;
using namespace attn::reference;
using namespace attn::test;

namespace {

class RegionInterpreterTest : public ::testing::Test {
protected:
  void SetUp() override { ctx = makeContext(); }

  /// Parses `text` (one or more func.func) and returns the first function.
  func::FuncOp parse(const std::string &text) {
    std::string diag;
    ScopedDiagnosticHandler handler(ctx.get(), [&](Diagnostic &d) {
      diag += d.str() + "\n";
      return success();
    });
    module = parseSourceString<ModuleOp>(text, ParserConfig(ctx.get()));
    EXPECT_TRUE(module) << diag << "\n" << text;
    if (!module)
      return {};
    return *module->getOps<func::FuncOp>().begin();
  }

  /// Runs the body of the function in `text` on `args`.
  llvm::Expected<SmallVector<InterpValue, 1>>
  run(const std::string &text, ArrayRef<InterpValue> args,
      InterpreterOptions options = {}) {
    func::FuncOp f = parse(text);
    if (!f)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "parse error");
    auto interp = RegionInterpreter::create(f.getBody(), options);
    if (!interp)
      return interp.takeError();
    return interp->run(args);
  }

  /// A function of two operands of `type` applying `op` and returning
  /// `resultType`.
  static std::string binary(const std::string &op, const std::string &type,
                            const std::string &resultType = "") {
    std::string result = resultType.empty() ? type : resultType;
    return "func.func @f(%a: " + type + ", %b: " + type + ") -> " + result +
           " {\n  %r = " + op + " %a, %b : " + type +
           "\n  return %r : " + result + "\n}";
  }
  static std::string unary(const std::string &op, const std::string &from,
                           const std::string &to, bool cast = false) {
    return "func.func @f(%a: " + from + ") -> " + to + " {\n  %r = " + op +
           " %a : " + from + (cast ? " to " + to : "") +
           "\n  return %r : " + to + "\n}";
  }

  /// The single result of a run, which must succeed.
  InterpValue one(llvm::Expected<SmallVector<InterpValue, 1>> results) {
    if (!results) {
      ADD_FAILURE() << llvm::toString(results.takeError());
      return {};
    }
    EXPECT_EQ(results->size(), 1u);
    return results->empty() ? InterpValue() : (*results)[0];
  }
  int64_t intOp(const std::string &op, const std::string &type, int64_t a,
                int64_t b, unsigned width) {
    return one(run(binary(op, type),
                   {InterpValue::index(a), InterpValue::index(b)}))
        .getSigned(width);
  }
  double floatOp(const std::string &op, double a, double b,
                 const std::string &type = "f64") {
    return one(run(binary(op, type),
                   {InterpValue::real(a), InterpValue::real(b)}))
        .getFloat();
  }
  /// The error of a run, which must fail.
  std::string error(llvm::Expected<SmallVector<InterpValue, 1>> results) {
    if (results) {
      ADD_FAILURE() << "expected an error";
      return "";
    }
    std::string message = llvm::toString(results.takeError());
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }

  std::unique_ptr<MLIRContext> ctx;
  OwningOpRef<ModuleOp> module;
};

TEST_F(RegionInterpreterTest, IntegerArithmeticWrapsAndRoundsLikeMLIR) {
  // Wrapping at the type's width.
  EXPECT_EQ(intOp("arith.addi", "i32", INT32_MAX, 1, 32), INT32_MIN);
  EXPECT_EQ(intOp("arith.subi", "i8", -128, 1, 8), 127);
  EXPECT_EQ(intOp("arith.muli", "i16", 300, 300, 16), int16_t(90000 - 65536));
  EXPECT_EQ(intOp("arith.addi", "index", INT64_MAX, 1, 64), INT64_MIN);
  // Division of negatives: truncating, floor and ceil.
  EXPECT_EQ(intOp("arith.divsi", "i32", -7, 2, 32), -3);
  EXPECT_EQ(intOp("arith.remsi", "i32", -7, 2, 32), -1);
  EXPECT_EQ(intOp("arith.floordivsi", "i32", -7, 2, 32), -4);
  EXPECT_EQ(intOp("arith.floordivsi", "i32", 7, -2, 32), -4);
  EXPECT_EQ(intOp("arith.floordivsi", "i32", -8, 2, 32), -4);
  EXPECT_EQ(intOp("arith.ceildivsi", "i32", 7, 2, 32), 4);
  EXPECT_EQ(intOp("arith.ceildivsi", "i32", -7, 2, 32), -3);
  EXPECT_EQ(intOp("arith.ceildivsi", "i32", -7, -2, 32), 4);
  EXPECT_EQ(intOp("arith.remsi", "i32", INT32_MIN, -1, 32), 0);
  // Unsigned views of negative bits.
  EXPECT_EQ(intOp("arith.divui", "i32", -1, 2, 64), 0x7fffffff);
  EXPECT_EQ(intOp("arith.remui", "i8", -1, 10, 64), 255 % 10);
  EXPECT_EQ(intOp("arith.ceildivui", "i32", 7, 2, 32), 4);
  EXPECT_EQ(intOp("arith.minsi", "i32", -1, 1, 32), -1);
  EXPECT_EQ(intOp("arith.maxsi", "i32", -1, 1, 32), 1);
  EXPECT_EQ(intOp("arith.minui", "i32", -1, 1, 32), 1);
  EXPECT_EQ(intOp("arith.maxui", "i32", -1, 1, 32), -1);
  // Bits and shifts.
  EXPECT_EQ(intOp("arith.andi", "i32", 0b1100, 0b1010, 32), 0b1000);
  EXPECT_EQ(intOp("arith.ori", "i32", 0b1100, 0b1010, 32), 0b1110);
  EXPECT_EQ(intOp("arith.xori", "i32", 0b1100, 0b1010, 32), 0b0110);
  EXPECT_EQ(intOp("arith.shli", "i8", 1, 7, 8), -128);
  EXPECT_EQ(intOp("arith.shrsi", "i8", -128, 7, 8), -1);
  EXPECT_EQ(intOp("arith.shrui", "i8", -128, 7, 8), 1);
  // Booleans are 0/1 bits.
  EXPECT_EQ(one(run(binary("arith.andi", "i1"),
                    {InterpValue::boolean(true), InterpValue::boolean(true)}))
                .getBits(),
            1u);
}

TEST_F(RegionInterpreterTest, ComparesSignedAndUnsigned) {
  struct Case {
    const char *pred;
    bool minusOneVsOne;
  } cases[] = {{"eq", false},  {"ne", true},   {"slt", true},  {"sle", true},
               {"sgt", false}, {"sge", false}, {"ult", false}, {"ule", false},
               {"ugt", true},  {"uge", true}};
  for (const Case &c : cases) {
    std::string text = "func.func @f(%a: i8, %b: i8) -> i1 {\n"
                       "  %r = arith.cmpi " +
                       std::string(c.pred) +
                       ", %a, %b : i8\n  return %r : i1\n}";
    InterpValue r =
        one(run(text, {InterpValue::index(-1), InterpValue::index(1)}));
    EXPECT_EQ(r.getBits(), c.minusOneVsOne ? 1u : 0u) << c.pred;
  }
}

TEST_F(RegionInterpreterTest, CastsBetweenWidthsAndToFloats) {
  EXPECT_EQ(one(run(unary("arith.index_cast", "i32", "index", true),
                    {InterpValue::index(-1)}))
                .getSigned(),
            -1);
  EXPECT_EQ(one(run(unary("arith.index_castui", "i32", "index", true),
                    {InterpValue::index(-1)}))
                .getSigned(),
            0xffffffffll);
  EXPECT_EQ(one(run(unary("arith.trunci", "i64", "i8", true),
                    {InterpValue::index(0x1ff)}))
                .getSigned(8),
            -1);
  EXPECT_EQ(one(run(unary("arith.extsi", "i8", "i32", true),
                    {InterpValue::index(-3)}))
                .getSigned(32),
            -3);
  EXPECT_EQ(one(run(unary("arith.extui", "i8", "i32", true),
                    {InterpValue::index(-3)}))
                .getSigned(32),
            253);
  // i1 true is -1 as a signed integer.
  EXPECT_EQ(one(run(unary("arith.sitofp", "i1", "f32", true),
                    {InterpValue::boolean(true)}))
                .getFloat(),
            -1.0);
  EXPECT_EQ(one(run(unary("arith.uitofp", "i1", "f32", true),
                    {InterpValue::boolean(true)}))
                .getFloat(),
            1.0);
  // 2^53 + 1 rounds once, to f32 directly.
  EXPECT_EQ(one(run(unary("arith.sitofp", "i64", "f32", true),
                    {InterpValue::index((int64_t(1) << 53) + 1)}))
                .getFloat(),
            std::ldexp(1.0, 53));
  EXPECT_EQ(one(run(unary("arith.fptosi", "f32", "i32", true),
                    {InterpValue::real(-2.7)}))
                .getSigned(32),
            -2);
  EXPECT_EQ(one(run(unary("arith.fptoui", "f32", "i8", true),
                    {InterpValue::real(255.9)}))
                .getBits(),
            255u);
  EXPECT_EQ(one(run(unary("arith.extf", "bf16", "f32", true),
                    {InterpValue::real(1.5)}))
                .getFloat(),
            1.5);
}

TEST_F(RegionInterpreterTest, FloatOpsFollowIEEE) {
  EXPECT_EQ(floatOp("arith.addf", 1.5, 2.25), 3.75);
  EXPECT_EQ(floatOp("arith.subf", 1.5, 2.25), -0.75);
  EXPECT_EQ(floatOp("arith.mulf", 1.5, -2.0), -3.0);
  EXPECT_EQ(floatOp("arith.divf", 1.0, 0.0), INFINITY);
  EXPECT_EQ(floatOp("arith.remf", 7.5, 2.0), 1.5);
  EXPECT_TRUE(std::isnan(floatOp("arith.maximumf", NAN, 1.0)));
  EXPECT_TRUE(std::isnan(floatOp("arith.minimumf", 1.0, NAN)));
  EXPECT_EQ(floatOp("arith.maxnumf", NAN, 1.0), 1.0);
  EXPECT_EQ(floatOp("arith.minnumf", 1.0, NAN), 1.0);
  EXPECT_FALSE(std::signbit(floatOp("arith.maximumf", -0.0, 0.0)));
  EXPECT_TRUE(std::signbit(floatOp("arith.minimumf", 0.0, -0.0)));
  EXPECT_EQ(one(run(unary("arith.negf", "f64", "f64"), {InterpValue::real(2)}))
                .getFloat(),
            -2.0);
  // Ordered and unordered predicates with NaN.
  struct Case {
    const char *pred;
    bool withNaN, oneVsTwo;
  } cases[] = {{"oeq", false, false},   {"one", false, true},
               {"olt", false, true},    {"ult", true, true},
               {"uge", true, false},    {"une", true, true},
               {"ord", false, true},    {"uno", true, false},
               {"false", false, false}, {"true", true, true}};
  for (const Case &c : cases) {
    std::string text = "func.func @f(%a: f32, %b: f32) -> i1 {\n"
                       "  %r = arith.cmpf " +
                       std::string(c.pred) +
                       ", %a, %b : f32\n  return %r : i1\n}";
    EXPECT_EQ(one(run(text, {InterpValue::real(NAN), InterpValue::real(1)}))
                  .getBits(),
              c.withNaN ? 1u : 0u)
        << c.pred;
    EXPECT_EQ(
        one(run(text, {InterpValue::real(1), InterpValue::real(2)})).getBits(),
        c.oneVsTwo ? 1u : 0u)
        << c.pred;
  }
}

TEST_F(RegionInterpreterTest, MathOps) {
  auto math = [&](const std::string &op, double x) {
    return one(run(unary(op, "f64", "f64"), {InterpValue::real(x)})).getFloat();
  };
  EXPECT_DOUBLE_EQ(math("math.exp", 1.0), std::exp(1.0));
  EXPECT_DOUBLE_EQ(math("math.log", 2.0), std::log(2.0));
  EXPECT_DOUBLE_EQ(math("math.tanh", 0.5), std::tanh(0.5));
  EXPECT_EQ(math("math.absf", -3.0), 3.0);
  EXPECT_EQ(math("math.sqrt", 9.0), 3.0);
  EXPECT_EQ(math("math.rsqrt", 4.0), 0.5);
  EXPECT_EQ(math("math.floor", -1.5), -2.0);
  EXPECT_EQ(math("math.ceil", -1.5), -1.0);
  EXPECT_EQ(math("math.roundeven", 2.5), 2.0);
  EXPECT_EQ(math("math.round", 2.5), 3.0);
  EXPECT_EQ(math("math.exp2", 3.0), 8.0);
  EXPECT_TRUE(std::isnan(math("math.log", -1.0))); // NaN, not an error
  EXPECT_EQ(floatOp("math.powf", 2.0, 10.0), 1024.0);
  EXPECT_EQ(floatOp("math.copysign", 2.0, -0.0), -2.0);
  EXPECT_EQ(one(run(unary("math.absi", "i32", "i32"), {InterpValue::index(-5)}))
                .getSigned(32),
            5);
  EXPECT_EQ(one(run("func.func @f(%a: f64, %b: f64, %c: f64) -> f64 {\n"
                    "  %r = math.fma %a, %b, %c : f64\n"
                    "  return %r : f64\n}",
                    {InterpValue::real(2), InterpValue::real(3),
                     InterpValue::real(1)}))
                .getFloat(),
            7.0);
}

TEST_F(RegionInterpreterTest, RoundsToTheResultType) {
  std::string add = binary("arith.addf", "f32");
  InterpValue a = InterpValue::real(1.0), tiny = InterpValue::real(1e-10);
  // As hardware: 1 + 1e-10 is 1 in f32.
  EXPECT_EQ(one(run(add, {a, tiny})).getFloat(), 1.0);
  // The fp64 reference's reading: f32 carried in double.
  InterpreterOptions wide;
  wide.roundToType = false;
  EXPECT_EQ(one(run(add, {a, tiny}, wide)).getFloat(), 1.0 + 1e-10);
  // Narrow types round either way, as do explicit truncations.
  std::string toBF16 = unary("arith.truncf", "f32", "bf16", true);
  EXPECT_EQ(
      one(run(toBF16, {InterpValue::real(1.0 + 0x1p-8)}, wide)).getFloat(),
      1.0);
  EXPECT_EQ(
      one(run(toBF16, {InterpValue::real(1.0 + 0x3p-8)}, wide)).getFloat(),
      1.0 + 0x1p-6);
  EXPECT_EQ(one(run(unary("arith.truncf", "f32", "f16", true),
                    {InterpValue::real(70000.0)}))
                .getFloat(),
            INFINITY);
  EXPECT_EQ(one(run(binary("arith.mulf", "f16"),
                    {InterpValue::real(300), InterpValue::real(300)}, wide))
                .getFloat(),
            INFINITY);
  // An explicit rounding mode is honoured.
  EXPECT_EQ(one(run("func.func @f(%a: f32) -> bf16 {\n"
                    "  %r = arith.truncf %a to_nearest_away : f32 to bf16\n"
                    "  return %r : bf16\n}",
                    {InterpValue::real(1.0 + 0x1p-8)}))
                .getFloat(),
            1.0 + 0x1p-7);
  EXPECT_EQ(one(run("func.func @f(%a: f32) -> bf16 {\n"
                    "  %r = arith.truncf %a downward : f32 to bf16\n"
                    "  return %r : bf16\n}",
                    {InterpValue::real(-1.0 - 0x1p-9)}))
                .getFloat(),
            -1.0 - 0x1p-7);
  // Float constants hold their type's value: 0.1 : f32 is not 0.1.
  EXPECT_EQ(one(run("func.func @f() -> f32 {\n"
                    "  %c = arith.constant 0.1 : f32\n"
                    "  return %c : f32\n}",
                    {}, wide))
                .getFloat(),
            static_cast<double>(0.1f));
}

TEST_F(RegionInterpreterTest, RunsScfIfAndFor) {
  // sum_{i < n} (i odd ? i : 0), with nested if inside for.
  std::string text = R"mlir(
func.func @f(%n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0 : i64
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (i64) {
    %r = arith.remui %i, %c2 : index
    %odd = arith.cmpi eq, %r, %c1 : index
    %next = scf.if %odd -> (i64) {
      %iv = arith.index_cast %i : index to i64
      %s = arith.addi %acc, %iv : i64
      scf.yield %s : i64
    } else {
      scf.yield %acc : i64
    }
    scf.yield %next : i64
  }
  return %sum : i64
}
)mlir";
  EXPECT_EQ(one(run(text, {InterpValue::index(10)})).getSigned(),
            1 + 3 + 5 + 7 + 9);
  EXPECT_EQ(one(run(text, {InterpValue::index(0)})).getSigned(), 0);
  EXPECT_EQ(one(run(text, {InterpValue::index(-5)})).getSigned(), 0);
  // A loop of i8 stops before its induction variable wraps.
  std::string wrap = R"mlir(
func.func @f() -> i8 {
  %lo = arith.constant 120 : i8
  %hi = arith.constant 127 : i8
  %step = arith.constant 5 : i8
  %c1 = arith.constant 1 : i8
  %zero = arith.constant 0 : i8
  %n = scf.for %i = %lo to %hi step %step iter_args(%acc = %zero) -> (i8) : i8 {
    %s = arith.addi %acc, %c1 : i8
    scf.yield %s : i8
  }
  return %n : i8
}
)mlir";
  EXPECT_EQ(one(run(wrap, {})).getSigned(8), 2);
  // scf.if without results or else.
  std::string noElse = R"mlir(
func.func @f(%c: i1) -> i32 {
  %x = arith.constant 7 : i32
  scf.if %c {
    %y = arith.addi %x, %x : i32
  }
  return %x : i32
}
)mlir";
  EXPECT_EQ(one(run(noElse, {InterpValue::boolean(true)})).getSigned(32), 7);
}

TEST_F(RegionInterpreterTest, ExtractsFromConstantsAndBoundTensors) {
  std::string text = R"mlir(
func.func @f(%i: index, %j: index) -> f32 {
  %t = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %x = tensor.extract %t[%i, %j] : tensor<2x3xf32>
  return %x : f32
}
)mlir";
  EXPECT_EQ(
      one(run(text, {InterpValue::index(1), InterpValue::index(2)})).getFloat(),
      6.0);
  std::string message =
      error(run(text, {InterpValue::index(2), InterpValue::index(0)}));
  EXPECT_NE(message.find("'tensor.extract'"), std::string::npos) << message;
  EXPECT_NE(message.find("index 2 is out of bounds for dimension 0 of size 2"),
            std::string::npos)
      << message;
  message = error(run(text, {InterpValue::index(0), InterpValue::index(-1)}));
  EXPECT_NE(message.find("out of bounds"), std::string::npos) << message;

  // A lookup table the caller passes as a tensor argument.
  std::string table = R"mlir(
func.func @f(%t: tensor<?xi32>, %i: index) -> i32 {
  %x = tensor.extract %t[%i] : tensor<?xi32>
  return %x : i32
}
)mlir";
  InterpValue lookupTable =
      InterpValue::tensor({3}, {InterpValue::index(10), InterpValue::index(20),
                                InterpValue::index(30)});
  EXPECT_EQ(one(run(table, {lookupTable, InterpValue::index(1)})).getSigned(32),
            20);
  message = error(run(table, {InterpValue::index(0), InterpValue::index(1)}));
  EXPECT_NE(message.find("argument #0 must be a tensor"), std::string::npos)
      << message;

  // A value bound by the caller for a region that is not isolated.
  func::FuncOp f = parse(R"mlir(
func.func @f(%t: tensor<2xi32>) -> i32 {
  %c1 = arith.constant 1 : index
  %r = scf.execute_region -> i32 {
    %x = tensor.extract %t[%c1] : tensor<2xi32>
    scf.yield %x : i32
  }
  return %r : i32
}
)mlir");
  ASSERT_TRUE(f);
  Operation *inner = nullptr;
  f.walk([&](tensor::ExtractOp op) { inner = op->getParentOp(); });
  ASSERT_TRUE(inner);
  // scf.execute_region is not supported: its region is run directly here,
  // with the outer values bound.
  auto interp = RegionInterpreter::create(inner->getRegion(0));
  ASSERT_TRUE(static_cast<bool>(interp)) << llvm::toString(interp.takeError());
  auto unbound = interp->run({});
  ASSERT_FALSE(static_cast<bool>(unbound));
  message = llvm::toString(unbound.takeError());
  EXPECT_NE(message.find("not bound"), std::string::npos) << message;
  interp->bind(
      f.getArgument(0),
      InterpValue::tensor({2}, {InterpValue::index(5), InterpValue::index(6)}));
  Value c1 = (*f.getOps<arith::ConstantOp>().begin()).getResult();
  interp->bind(c1, InterpValue::index(1));
  EXPECT_EQ(one(interp->run({})).getSigned(32), 6);
}

TEST_F(RegionInterpreterTest, EvaluatesMaskModAndScoreModRegions) {
  std::string text = R"mlir(
func.func @f(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>,
             %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<mask_mod>, score = #attn.score<score_mod>}
      : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>
        -> tensor<1x2x8x4xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %ki: index):
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %causal = arith.cmpi ule, %ki, %qi : index
    %diff = arith.subi %qi, %ki : index
    %rem = arith.remui %diff, %c3 : index
    %keep = arith.cmpi ne, %rem, %c1 : index
    %visible = arith.andi %causal, %keep : i1
    attn.yield %visible : i1
  }
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %ki: index):
    %c1 = arith.constant 1 : index
    %step = arith.constant 0.25 : f32
    %h1 = arith.addi %h, %c1 : index
    %h1_i64 = arith.index_cast %h1 : index to i64
    %slope_h = arith.sitofp %h1_i64 : i64 to f32
    %slope = arith.mulf %slope_h, %step : f32
    %dist = arith.subi %qi, %ki : index
    %dist_i64 = arith.index_cast %dist : index to i64
    %dist_f = arith.sitofp %dist_i64 : i64 to f32
    %penalty = arith.mulf %slope, %dist_f : f32
    %r = arith.subf %s, %penalty : f32
    attn.yield %r : f32
  }
  return %o : tensor<1x2x8x4xf32>
}
)mlir";
  func::FuncOp f = parse(text);
  ASSERT_TRUE(f);
  AttentionOp op = *f.getOps<AttentionOp>().begin();
  auto maskMod = RegionInterpreter::create(op.getMaskMod());
  auto scoreMod = RegionInterpreter::create(op.getScoreMod());
  ASSERT_TRUE(static_cast<bool>(maskMod)) << toString(maskMod.takeError());
  ASSERT_TRUE(static_cast<bool>(scoreMod)) << toString(scoreMod.takeError());
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t q = 0; q < 8; ++q)
      for (int64_t k = 0; k < 8; ++k) {
        auto idx = [](int64_t x) { return InterpValue::index(x); };
        bool visible =
            one(maskMod->run({idx(0), idx(h), idx(q), idx(k)})).getBits() & 1;
        EXPECT_EQ(visible, k <= q && (q - k) % 3 != 1) << q << "," << k;
        double s = one(scoreMod->run({InterpValue::real(1.5), idx(0), idx(h),
                                      idx(q), idx(k)}))
                       .getFloat();
        EXPECT_EQ(s, static_cast<float>(1.5f - (h + 1) * 0.25f *
                                                   static_cast<float>(q - k)));
      }
}

TEST_F(RegionInterpreterTest, RefusesUnsupportedOpsAndTypes) {
  auto createError = [&](const std::string &text) {
    func::FuncOp f = parse(text);
    if (!f)
      return std::string();
    auto interp = RegionInterpreter::create(f.getBody());
    if (interp) {
      ADD_FAILURE() << "expected an error for\n" << text;
      return std::string();
    }
    std::string message = llvm::toString(interp.takeError());
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  };
  std::string message = createError(R"mlir(
func.func @f(%a: f32) -> i32 {
  %r = arith.bitcast %a : f32 to i32
  return %r : i32
}
)mlir");
  EXPECT_NE(message.find("unsupported operation 'arith.bitcast' at loc("),
            std::string::npos)
      << message;
  message = createError(R"mlir(
func.func @f(%a: f32) -> f32 {
  %r = func.call @g(%a) : (f32) -> f32
  return %r : f32
}
func.func @g(%a: f32) -> f32 { return %a : f32 }
)mlir");
  EXPECT_NE(message.find("'func.call'"), std::string::npos) << message;
  // Unsupported ops inside nested regions are found too.
  message = createError(R"mlir(
func.func @f(%c: i1, %a: f32, %b: f32) -> f32 {
  %r = scf.if %c -> (f32) {
    %x = math.atan2 %a, %b : f32
    scf.yield %x : f32
  } else {
    scf.yield %a : f32
  }
  return %r : f32
}
)mlir");
  EXPECT_NE(message.find("'math.atan2'"), std::string::npos) << message;
  message = createError(R"mlir(
func.func @f(%a: vector<4xf32>) -> vector<4xf32> {
  %r = arith.addf %a, %a : vector<4xf32>
  return %r : vector<4xf32>
}
)mlir");
  EXPECT_NE(message.find("unsupported type vector<4xf32>"), std::string::npos)
      << message;
  message = createError(R"mlir(
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = arith.addf %a, %a : tensor<4xf32>
  return %r : tensor<4xf32>
}
)mlir");
  EXPECT_NE(message.find("only scalars"), std::string::npos) << message;
  message = createError(R"mlir(
func.func @f(%a: i128) -> i128 {
  return %a : i128
}
)mlir");
  EXPECT_NE(message.find("unsupported type i128"), std::string::npos)
      << message;
  // An empty region.
  func::FuncOp decl = parse("func.func private @d(%a: f32) -> f32");
  ASSERT_TRUE(decl);
  auto interp = RegionInterpreter::create(decl.getBody());
  ASSERT_FALSE(static_cast<bool>(interp));
  EXPECT_NE(toString(interp.takeError()).find("empty"), std::string::npos);
}

TEST_F(RegionInterpreterTest, ReportsUndefinedResultsAndBadArguments) {
  std::string message =
      error(run(binary("arith.divsi", "i32"),
                {InterpValue::index(1), InterpValue::index(0)}));
  EXPECT_NE(message.find("'arith.divsi' at loc("), std::string::npos)
      << message;
  EXPECT_NE(message.find("division by zero"), std::string::npos) << message;
  for (const char *op :
       {"arith.remsi", "arith.divui", "arith.remui", "arith.floordivsi",
        "arith.ceildivsi", "arith.ceildivui"}) {
    message = error(run(binary(op, "index"),
                        {InterpValue::index(1), InterpValue::index(0)}));
    EXPECT_NE(message.find("division by zero"), std::string::npos) << op;
  }
  message = error(run(binary("arith.divsi", "i8"),
                      {InterpValue::index(-128), InterpValue::index(-1)}));
  EXPECT_NE(message.find("overflows"), std::string::npos) << message;
  message = error(run(binary("arith.shli", "i8"),
                      {InterpValue::index(1), InterpValue::index(8)}));
  EXPECT_NE(message.find("not less than the bit width 8"), std::string::npos)
      << message;
  message = error(run(unary("arith.fptosi", "f32", "i8", true),
                      {InterpValue::real(128.0)}));
  EXPECT_NE(message.find("does not fit in i8"), std::string::npos) << message;
  message = error(
      run(unary("arith.fptosi", "f32", "i32", true), {InterpValue::real(NAN)}));
  EXPECT_NE(message.find("does not fit"), std::string::npos) << message;
  message = error(run(unary("arith.fptoui", "f32", "i32", true),
                      {InterpValue::real(-1.0)}));
  EXPECT_NE(message.find("does not fit"), std::string::npos) << message;
  // Arguments: count and kind.
  message = error(run(binary("arith.addi", "i32"), {InterpValue::index(1)}));
  EXPECT_NE(message.find("takes 2 arguments, 1 given"), std::string::npos)
      << message;
  message = error(run(binary("arith.addf", "f32"),
                      {InterpValue::index(1), InterpValue::real(1)}));
  EXPECT_NE(message.find("argument #0 must be a float"), std::string::npos)
      << message;
  message = error(run(binary("arith.addi", "i32"),
                      {InterpValue::real(1), InterpValue::index(1)}));
  EXPECT_NE(message.find("argument #0 must be an integer"), std::string::npos)
      << message;
}

TEST_F(RegionInterpreterTest, BoundsLoops) {
  std::string loop = R"mlir(
func.func @f(%n: index, %step: index) -> index {
  %c0 = arith.constant 0 : index
  %r = scf.for %i = %c0 to %n step %step iter_args(%acc = %c0) -> (index) {
    %s = arith.addi %acc, %i : index
    scf.yield %s : index
  }
  return %r : index
}
)mlir";
  InterpreterOptions options;
  options.maxLoopIterations = 1000;
  EXPECT_EQ(
      one(run(loop, {InterpValue::index(1000), InterpValue::index(1)}, options))
          .getSigned(),
      999 * 1000 / 2);
  std::string message = error(
      run(loop, {InterpValue::index(1001), InterpValue::index(1)}, options));
  EXPECT_NE(message.find("more than 1000 loop iterations"), std::string::npos)
      << message;
  message = error(run(loop, {InterpValue::index(10), InterpValue::index(0)}));
  EXPECT_NE(message.find("step must be positive"), std::string::npos)
      << message;
  message = error(run(loop, {InterpValue::index(10), InterpValue::index(-1)}));
  EXPECT_NE(message.find("step must be positive"), std::string::npos)
      << message;
}

} // namespace
