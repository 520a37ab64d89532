//===- TileProgramTest.cpp - Reading the GPU path's tile program back -----===//
//
// attn-lower-to-gpu builds each kernel from the tile program the cascade
// passes made (matchTileProgram). These tests build that tile program from
// specs with attn-gpu-schedule and the cascade passes, then check that
// reading it back gives the attention that made it (arguments, layout,
// scale, mask, score modifiers, LSE) and the scheduled tiles; and that a
// program changed in any one place the kernel relies on is refused with an
// error naming it.
//
//===----------------------------------------------------------------------===//

#include "../MaskTestUtils.h"

#include "TileProgram.h"
#include "attn/Conversion/Passes.h"
#include "attn/Pipelines/Pipelines.h"
#include "attn/Transforms/Cascade.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

using namespace attn;
using namespace mlir;

namespace {

class TileProgramTest : public ::testing::Test {
protected:
  void SetUp() override { ctx = test::makeContext(); }

  /// `spec` parsed, and the attention's facts before the passes run.
  struct Built {
    OwningOpRef<ModuleOp> module;
    func::FuncOp fn;
    /// Of the original attention: its operands' argument numbers (-1:
    /// absent), layout, scale, mask and score, LSE.
    SmallVector<int> operandArgs;
    Layout layout;
    double scale;
    Attribute mask, score;
    bool lse;
    int64_t qTile = 0, kvTile = 0;
    bool built = false;
  };

  /// Parses `spec`, records its attention, and runs attn-gpu-schedule with
  /// `options` and the tile-program passes.
  Built build(const std::string &spec, AttnGpuScheduleOptions options = {}) {
    Built built;
    built.module = parseSourceString<ModuleOp>(spec, ctx.get());
    EXPECT_TRUE(built.module);
    if (!built.module)
      return built;
    AttentionOp op;
    built.module->walk([&](AttentionOp a) { op = a; });
    for (Value operand :
         {Value(op.getQuery()), Value(op.getKey()), Value(op.getValue()),
          Value(op.getQSegments()), Value(op.getKvSegments()),
          Value(op.getBlockMask()), Value(op.getBias())})
      built.operandArgs.push_back(
          operand ? cast<BlockArgument>(operand).getArgNumber() : -1);
    AttentionSpec spec0 = getAttentionSpec(op);
    built.layout = spec0.layout;
    built.scale = spec0.scale;
    built.mask = op.getMaskAttr();
    built.score = op.getScoreAttr();
    built.lse = spec0.returnsLse;

    PassManager pm(ctx.get());
    pm.addPass(createAttnGpuSchedule(options));
    buildAttnTileProgramPipeline(pm, CascadeOverrides{});
    EXPECT_TRUE(succeeded(pm.run(*built.module)));
    built.module->walk([&](func::FuncOp f) { built.fn = f; });
    built.built = true;
    built.module->walk([&](ScoreMapOp map) {
      built.qTile = getScheduledTile(map, "q_tile");
      built.kvTile = getScheduledTile(map, "kv_tile");
    });
    return built;
  }

  /// matchTileProgram's result and its first error message.
  std::pair<FailureOr<TileProgram>, std::string> match(func::FuncOp fn) {
    std::string message;
    ScopedDiagnosticHandler handler(ctx.get(), [&](Diagnostic &d) {
      if (message.empty())
        message = d.str();
      return success();
    });
    FailureOr<TileProgram> program = matchTileProgram(fn);
    return {program, message};
  }

  /// The first einsum of `fn` with this compute and equation.
  static EinsumOp findEinsum(func::FuncOp fn, EinsumCompute compute,
                             StringRef equation) {
    EinsumOp found;
    fn.walk([&](EinsumOp e) {
      if (!found && e.getCompute() == compute && e.getEquation() == equation)
        found = e;
    });
    return found;
  }

  /// Checks that `fn`'s tile program fails to match with a message holding
  /// `expected`.
  void expectRefused(func::FuncOp fn, StringRef expected) {
    auto [program, message] = match(fn);
    EXPECT_TRUE(failed(program));
    EXPECT_NE(message.find(expected.str()), std::string::npos)
        << "message: " << message;
  }

  std::unique_ptr<MLIRContext> ctx;
};

/// GQA with a document mask, a bias, a softcap and the LSE.
constexpr const char *kRich = R"mlir(
func.func @rich(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x2x?x64xbf16>,
                %v: tensor<?x2x?x64xbf16>, %qs: tensor<?x?xi32>,
                %ks: tensor<?x?xi32>, %bias: tensor<?x8x?x?xf32>)
    -> (tensor<?x8x?x64xbf16>, tensor<?x8x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v segments(%qs, %ks : tensor<?x?xi32>, tensor<?x?xi32>)
      bias(%bias : tensor<?x8x?x?xf32>)
      {mask = #attn.mask<causal & document>, score = #attn.score<softcap(30.0), bias>, return_lse}
      : tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
        -> tensor<?x8x?x64xbf16>, tensor<?x8x?xf32>
  return %o, %lse : tensor<?x8x?x64xbf16>, tensor<?x8x?xf32>
}
)mlir";

/// The bshd layout, arguments in another order, a scale given.
constexpr const char *kBshd = R"mlir(
func.func @bshd(%v: tensor<2x100x4x128xf16>, %q: tensor<2x70x8x128xf16>,
                %k: tensor<2x100x4x128xf16>) -> tensor<2x70x8x128xf16> {
  %o = attn.attention %q, %k, %v
      {layout = #attn.layout<bshd>, mask = #attn.mask<window(16, 4)>, scale = 0.5 : f32}
      : tensor<2x70x8x128xf16>, tensor<2x100x4x128xf16>, tensor<2x100x4x128xf16>
        -> tensor<2x70x8x128xf16>
  return %o : tensor<2x70x8x128xf16>
}
)mlir";

/// f32 (the scalar kernel), no mask, the default scale.
constexpr const char *kScalar = R"mlir(
func.func @plain(%q: tensor<1x2x33x48xf32>, %k: tensor<1x2x40x48xf32>,
                 %v: tensor<1x2x40x24xf32>) -> tensor<1x2x33x24xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x33x48xf32>, tensor<1x2x40x48xf32>, tensor<1x2x40x24xf32>
        -> tensor<1x2x33x24xf32>
  return %o : tensor<1x2x33x24xf32>
}
)mlir";

TEST_F(TileProgramTest, ReadsBackTheAttentionThatMadeIt) {
  AttnGpuScheduleOptions sm80;
  sm80.chip = "sm_80";
  AttnGpuScheduleOptions scalar;
  scalar.tensorCores = false;
  for (auto [spec, options] : {std::pair{kRich, AttnGpuScheduleOptions{}},
                               {kRich, sm80},
                               {kBshd, AttnGpuScheduleOptions{}},
                               {kScalar, AttnGpuScheduleOptions{}},
                               {kScalar, scalar}}) {
    SCOPED_TRACE(std::string(spec) + " chip " + options.chip);
    Built built = build(spec, options);
    ASSERT_TRUE(built.built);
    auto [program, message] = match(built.fn);
    ASSERT_TRUE(succeeded(program)) << message;
    const AttentionSpec &a = program->attention;
    SmallVector<int> args;
    for (Value v : {Value(a.query), Value(a.key), Value(a.value), a.qSegments,
                    a.kvSegments, a.blockMask, a.bias})
      args.push_back(v ? cast<BlockArgument>(v).getArgNumber() : -1);
    EXPECT_EQ(args, built.operandArgs);
    EXPECT_EQ(a.layout, built.layout);
    EXPECT_EQ(a.scale, built.scale);
    EXPECT_EQ(Attribute(a.mask), built.mask);
    EXPECT_EQ(Attribute(a.score), built.score);
    EXPECT_EQ(a.returnsLse, built.lse);
    // The tiles the schedule chose are the loops' steps.
    EXPECT_GT(built.qTile, 0);
    EXPECT_EQ(program->qTile, built.qTile);
    EXPECT_EQ(program->kvTile, built.kvTile);
  }
}

TEST_F(TileProgramTest, RefusesTheAttentionItself) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kBshd, ctx.get());
  ASSERT_TRUE(module);
  func::FuncOp fn;
  module->walk([&](func::FuncOp f) { fn = f; });
  expectRefused(fn, "expected the tile program of attn.attention");
}

TEST_F(TileProgramTest, RefusesAChangedRescale) {
  Built built = build(kRich);
  ASSERT_TRUE(built.built);
  EinsumOp rescale =
      findEinsum(built.fn, EinsumCompute::exp_sub, "bhgp,bhgp->bhgp");
  ASSERT_TRUE(rescale);
  rescale.setCompute(EinsumCompute::sub);
  expectRefused(built.fn, "its denominator is not");
}

TEST_F(TileProgramTest, RefusesAChangedRowMax) {
  Built built = build(kBshd);
  ASSERT_TRUE(built.built);
  EinsumOp newMax = findEinsum(built.fn, EinsumCompute::max, "bhgp,bhgp->bhgp");
  ASSERT_TRUE(newMax);
  newMax.setCompute(EinsumCompute::add);
  expectRefused(built.fn, "its max is not max(max, max_m S)");
}

TEST_F(TileProgramTest, RefusesAnotherStartingMax) {
  Built built = build(kScalar);
  ASSERT_TRUE(built.built);
  scf::ForOp kvLoop;
  built.fn.walk([&](scf::ForOp loop) {
    if (loop->hasAttr(kKVLoopAttr))
      kvLoop = loop;
  });
  ASSERT_TRUE(kvLoop);
  auto fill = kvLoop.getInitArgs()[0].getDefiningOp<linalg::FillOp>();
  ASSERT_TRUE(fill);
  OpBuilder b(fill);
  Value zero = arith::ConstantOp::create(b, fill.getLoc(), b.getF32Type(),
                                         b.getF32FloatAttr(0.0));
  fill->setOperand(0, zero);
  expectRefused(built.fn, "must start from a max of -inf");
}

TEST_F(TileProgramTest, RefusesScoresThatAreNotQKt) {
  Built built = build(kRich);
  ASSERT_TRUE(built.built);
  EinsumOp qk = findEinsum(built.fn, EinsumCompute::mul, "bhgpe,bhme->bhgpm");
  ASSERT_TRUE(qk);
  OpBuilder b(qk->getBlock(), std::next(qk->getIterator()));
  Value negated =
      EinsumOp::create(b, qk.getLoc(), EinsumCompute::neg, "bhgpm->bhgpm",
                       ValueRange{qk.getResult()}, b.getF32Type(), std::nullopt)
          .getResult();
  qk.getResult().replaceAllUsesExcept(negated, negated.getDefiningOp());
  expectRefused(built.fn, "the scores are not Q K^T");
}

TEST_F(TileProgramTest, RefusesAnotherResult) {
  Built built = build(kBshd);
  ASSERT_TRUE(built.built);
  EinsumOp normalise =
      findEinsum(built.fn, EinsumCompute::safe_div, "bhgpf,bhgp->bhgpf");
  ASSERT_TRUE(normalise);
  normalise.setCompute(EinsumCompute::div);
  expectRefused(built.fn, "first result must be the normalised numerator");
}

TEST_F(TileProgramTest, RefusesAnotherLse) {
  Built built = build(kRich);
  ASSERT_TRUE(built.built);
  EinsumOp log = findEinsum(built.fn, EinsumCompute::log, "bhgp->bhgp");
  ASSERT_TRUE(log);
  log.setCompute(EinsumCompute::exp);
  expectRefused(built.fn, "second result must be the LSE");
}

TEST_F(TileProgramTest, RefusesAStrayOp) {
  Built built = build(kScalar);
  ASSERT_TRUE(built.built);
  auto ret = cast<func::ReturnOp>(built.fn.getBody().front().getTerminator());
  OpBuilder b(ret);
  func::CallOp::create(b, ret.getLoc(), "elsewhere", TypeRange{}, ValueRange{});
  expectRefused(built.fn, "holds an op the GPU kernel does not compute");
}

} // namespace
