//===- CpuPipelineTest.cpp - The CPU pipeline against the fp64 reference --===//
//
// Compiles specs with attn-to-cpu, runs them on fresh random inputs (outputs
// poisoned first) and compares with the independent fp64 reference under
// FlashAttention's rule: max|out - ref64| <= 2 max|naive - ref64| + 1e-5,
// where `naive` is attention computed naively in the input precision. The
// LSE, always f32, must be within 1e-4 relative of the reference's.
// Covers every mask kind and score modifier, GQA/MQA, unequal head dims,
// f32/f16/bf16, bshd, Sq != Sk, lengths that are not multiples of the tile,
// fully masked rows, large inputs and one dynamic-shape kernel at three
// lengths.
//
//===----------------------------------------------------------------------===//

#include "../MaskTestUtils.h"

#include "attn/Dialect/Attn/Reference/Reference.h"
#include "attn/Runtime/Float16.h"
#include "attn/Target/CPU/CpuKernel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"

#include <cmath>
#include <cstring>

using namespace attn;
using namespace attn::reference;

namespace {

/// Extra inputs a test supplies by name of the attention operand.
struct Extras {
  std::function<double(int64_t b, int64_t i)> qSegment, kvSegment;
  std::function<double(const std::vector<int64_t> &)> blockMask, bias;
};

/// A schedule forced on every kernel of a test (empty/0: the IO schedule's
/// choice).
struct ForcedSchedule {
  std::string order;
  int64_t splitKV = 0;
};

class CpuPipelineTest : public ::testing::TestWithParam<ForcedSchedule> {
protected:
  void SetUp() override { ctx = test::makeContext(); }

  /// Runs `kernel` on random inputs of `shapes` and compares with the
  /// reference of the spec's attention op.
  void check(CpuKernel &kernel, const std::string &spec,
             const std::vector<std::vector<int64_t>> &shapes, uint64_t seed,
             const Extras &extras = {}, double magnitude = 1.0) {
    SCOPED_TRACE(spec);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(spec, ctx.get());
    ASSERT_TRUE(module);
    AttentionOp op;
    module->walk([&](AttentionOp a) { op = a; });
    ASSERT_TRUE(op);
    auto fn = op->getParentOfType<mlir::func::FuncOp>();

    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, magnitude);
    const EntrySignature &sig = kernel.getSignature();
    ASSERT_EQ(shapes.size(), sig.inputs.size());
    std::vector<std::vector<uint8_t>> storage;
    std::vector<HostBuffer> inputs;
    std::vector<HostTensor> values;
    for (auto [i, type] : llvm::enumerate(sig.inputs)) {
      mlir::Value arg = fn.getArgument(i);
      mlir::Type elem = type.getElementType();
      const std::vector<int64_t> &shape = shapes[i];
      int64_t n = 1;
      for (int64_t d : shape)
        n *= d;
      HostTensor t(shape, std::vector<double>(n));
      // Fill per role.
      for (int64_t e = 0; e < n; ++e) {
        std::vector<int64_t> idx(shape.size());
        for (int64_t r = shape.size() - 1, rest = e; r >= 0; --r) {
          idx[r] = rest % shape[r];
          rest /= shape[r];
        }
        if (arg == op.getQSegments())
          t.data[e] = extras.qSegment(idx[0], idx[1]);
        else if (arg == op.getKvSegments())
          t.data[e] = extras.kvSegment(idx[0], idx[1]);
        else if (arg == op.getBlockMask())
          t.data[e] = extras.blockMask(idx);
        else if (arg == op.getBias())
          t.data[e] = extras.bias ? extras.bias(idx) : normal(rng);
        else
          t.data[e] = normal(rng);
      }
      // Round floats to the element type, and store in it.
      std::vector<uint8_t> bytes;
      size_t width = elem.isInteger(1) ? 1 : elem.getIntOrFloatBitWidth() / 8;
      bytes.resize(n * width);
      for (int64_t e = 0; e < n; ++e) {
        if (elem.isF32()) {
          float f = static_cast<float>(t.data[e]);
          t.data[e] = f;
          std::memcpy(&bytes[4 * e], &f, 4);
        } else if (elem.isBF16() || elem.isF16()) {
          uint16_t bits = elem.isBF16() ? runtime::floatToBFloat16(t.data[e])
                                        : runtime::floatToHalf(t.data[e]);
          t.data[e] = elem.isBF16() ? runtime::bfloat16ToFloat(bits)
                                    : runtime::halfToFloat(bits);
          std::memcpy(&bytes[2 * e], &bits, 2);
        } else {
          int64_t v = static_cast<int64_t>(t.data[e]);
          std::memcpy(&bytes[width * e], &v, width);
        }
      }
      storage.push_back(std::move(bytes));
      values.push_back(std::move(t));
    }
    for (size_t i = 0; i < storage.size(); ++i)
      inputs.push_back({storage[i].data(), shapes[i]});

    auto refIn = referenceInputsFromArguments(op, values);
    ASSERT_TRUE(static_cast<bool>(refIn)) << llvm::toString(refIn.takeError());

    // Outputs, poisoned with NaN patterns.
    auto resultShapes = kernel.inferResultShapes(shapes);
    ASSERT_TRUE(static_cast<bool>(resultShapes))
        << llvm::toString(resultShapes.takeError());
    std::vector<std::vector<uint8_t>> outStorage;
    std::vector<HostBuffer> outputs;
    for (auto [type, shape] : llvm::zip(sig.results, *resultShapes)) {
      int64_t n = 1;
      for (int64_t d : shape)
        n *= d;
      outStorage.emplace_back(n * type.getElementTypeBitWidth() / 8, 0xff);
    }
    for (size_t i = 0; i < outStorage.size(); ++i)
      outputs.push_back({outStorage[i].data(), (*resultShapes)[i]});
    llvm::Error err = kernel.run(inputs, outputs);
    ASSERT_FALSE(static_cast<bool>(err)) << llvm::toString(std::move(err));

    auto ref = computeReference(op, *refIn);
    ASSERT_TRUE(static_cast<bool>(ref)) << llvm::toString(ref.takeError());
    mlir::Type elem = sig.inputs[0].getElementType();
    auto naive = computeNaive(op, *refIn, elem);
    ASSERT_TRUE(static_cast<bool>(naive)) << llvm::toString(naive.takeError());

    auto toDouble = [&](size_t r) {
      mlir::Type t = sig.results[r].getElementType();
      const std::vector<int64_t> &shape = (*resultShapes)[r];
      int64_t n = 1;
      for (int64_t d : shape)
        n *= d;
      HostTensor h(shape, std::vector<double>(n));
      for (int64_t e = 0; e < n; ++e) {
        if (t.isF32()) {
          float f;
          std::memcpy(&f, &outStorage[r][4 * e], 4);
          h.data[e] = f;
        } else {
          uint16_t bits;
          std::memcpy(&bits, &outStorage[r][2 * e], 2);
          h.data[e] = t.isBF16() ? runtime::bfloat16ToFloat(bits)
                                 : runtime::halfToFloat(bits);
        }
      }
      return h;
    };
    HostTensor out = toDouble(0);
    auto report = compareWithTolerance(out, ref->output, naive->output);
    ASSERT_TRUE(static_cast<bool>(report))
        << llvm::toString(report.takeError());
    EXPECT_TRUE(report->pass)
        << "max|out - ref| = " << report->maxError << ", bound "
        << report->bound << " (naive error " << report->naiveError
        << "), worst index " << report->worstIndex;
    if (sig.results.size() > 1) {
      HostTensor lse = toDouble(1);
      for (size_t e = 0; e < lse.data.size(); ++e) {
        double want = ref->lse.data[e], got = lse.data[e];
        if (std::isinf(want)) {
          EXPECT_EQ(got, want) << "LSE at " << e;
          continue;
        }
        EXPECT_NEAR(got, want, 1e-4 * (1 + std::abs(want))) << "LSE at " << e;
      }
    }
  }

  std::unique_ptr<CpuKernel> compile(const std::string &spec, int64_t qTile = 0,
                                     int64_t kvTile = 0) {
    AttnToCpuOptions options;
    options.qTile = qTile;
    options.kvTile = kvTile;
    options.order = GetParam().order;
    options.splitKV = GetParam().splitKV;
    auto kernel = CpuKernel::compile(spec, "", &options);
    if (!kernel) {
      ADD_FAILURE() << llvm::toString(kernel.takeError());
      return nullptr;
    }
    return std::move(*kernel);
  }

  /// One static attention with the given attribute dictionary and types.
  static std::string spec(const std::string &attrs, int64_t b, int64_t hq,
                          int64_t hkv, int64_t sq, int64_t sk, int64_t dqk,
                          int64_t dv, const std::string &elem = "f32",
                          bool lse = true) {
    auto t = [&](int64_t h, int64_t s, int64_t d, const std::string &e) {
      return "tensor<" + std::to_string(b) + "x" + std::to_string(h) + "x" +
             std::to_string(s) + "x" + std::to_string(d) + "x" + e + ">";
    };
    std::string q = t(hq, sq, dqk, elem), k = t(hkv, sk, dqk, elem),
                v = t(hkv, sk, dv, elem), o = t(hq, sq, dv, elem);
    std::string l = "tensor<" + std::to_string(b) + "x" + std::to_string(hq) +
                    "x" + std::to_string(sq) + "xf32>";
    std::string results = lse ? "(" + o + ", " + l + ")" : o;
    std::string s = "func.func @f(%q: " + q + ", %k: " + k + ", %v: " + v +
                    ") -> " + results + " {\n  ";
    s += lse ? "%o, %l = " : "%o = ";
    s += "attn.attention %q, %k, %v {" + attrs + (lse ? ", return_lse" : "") +
         "} : " + q + ", " + k + ", " + v + " -> " + o + (lse ? ", " + l : "") +
         "\n  return %o" + (lse ? ", %l : " + o + ", " + l : " : " + o) +
         "\n}\n";
    return s;
  }

  void checkMask(const std::string &mask, int64_t sq = 77, int64_t sk = 93,
                 int64_t hq = 4, int64_t hkv = 2, uint64_t seed = 1) {
    std::string s =
        spec("mask = #attn.mask<" + mask + ">", 1, hq, hkv, sq, sk, 16, 8);
    auto kernel = compile(s, 16, 32);
    ASSERT_TRUE(kernel);
    check(*kernel, s, {{1, hq, sq, 16}, {1, hkv, sk, 16}, {1, hkv, sk, 8}},
          seed);
  }

  std::unique_ptr<mlir::MLIRContext> ctx;
};

TEST_P(CpuPipelineTest, NoMask) { checkMask("all"); }
TEST_P(CpuPipelineTest, Causal) { checkMask("causal"); }
TEST_P(CpuPipelineTest, CausalBottomRightSqLessThanSk) {
  checkMask("causal(bottom_right)", 40, 113);
}
TEST_P(CpuPipelineTest, CausalBottomRightFullyMaskedRows) {
  checkMask("causal(bottom_right)", 90, 50);
}
TEST_P(CpuPipelineTest, SlidingWindowWithSinks) {
  checkMask("causal & (window(20) | sink(4))");
}
TEST_P(CpuPipelineTest, WindowBottomRight) {
  checkMask("window(10, 3, bottom_right)", 50, 120);
}
TEST_P(CpuPipelineTest, PrefixLM) { checkMask("causal | prefix(30)"); }
TEST_P(CpuPipelineTest, ChunkShifted) { checkMask("chunk(24, 8)"); }
TEST_P(CpuPipelineTest, Dilated) { checkMask("dilated(30, 3)"); }
TEST_P(CpuPipelineTest, GlobalTokens) {
  checkMask("window(5) | global(0, 17, 60)");
}
TEST_P(CpuPipelineTest, StridedPerHeadShards) {
  checkMask("causal & strided(1, 4, 6)", 64, 64, 4, 1);
}
TEST_P(CpuPipelineTest, Neighborhood2D) {
  checkMask(
      "neighborhood(extents = [9, 11], kernel = [3, 5], dilation = [1, 2], "
      "causal = [true, false])",
      99, 99);
}
TEST_P(CpuPipelineTest, BlocksStaticPerHead) {
  checkMask("blocks(32, 32, [[[1, 0], [1, 1]], [[0, 1], [1, 0]], [[1, 1], "
            "[0, 1]], [[0, 0], [1, 1]]])",
            50, 60);
}
/// A 2-D layout whose KV ranges start after 0, end before Sk, and are
/// empty for one query block (fully masked rows) and for one whose only
/// kept block lies beyond Sk.
TEST_P(CpuPipelineTest, BlocksStatic2DRangedLoop) {
  checkMask("blocks(16, 32, [[0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0], "
            "[1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 1, 1]])",
            77, 93);
}
TEST_P(CpuPipelineTest, PerHeadHeterogeneous) {
  checkMask("heads([0] : causal, [2, 3] : causal & window(8), * : sink(5))");
}
TEST_P(CpuPipelineTest, NotCausalHidesEverythingOnTheLastRow) {
  checkMask("!causal", 40, 40);
}
TEST_P(CpuPipelineTest, EverythingMasked) { checkMask("!all", 20, 30); }

TEST_P(CpuPipelineTest, LengthsOne113And1023) {
  checkMask("causal", 1, 1);
  checkMask("causal(bottom_right)", 1, 113);
  checkMask("causal", 113, 113);
  checkMask("causal & window(100)", 1023, 1023, 2, 1);
}

TEST_P(CpuPipelineTest, Neighborhood1DAnd3D) {
  checkMask("neighborhood(extents = [90], kernel = [7], stride = [3])", 90, 90);
  checkMask("neighborhood(extents = [4, 5, 6], kernel = [3, 3, 2], "
            "dilation = [1, 1, 2], causal = [true, false, false])",
            120, 120);
}

TEST_P(CpuPipelineTest, BlocksStatic2D) {
  checkMask("blocks(16, 32, [[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1], "
            "[1, 0, 0]])",
            77, 93);
}

TEST_P(CpuPipelineTest, DocumentSegmentIds) {
  std::string s =
      "func.func @f(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x70x16xf32>, "
      "%v: tensor<2x2x70x8xf32>, %qs: tensor<2x70xi32>, %ks: "
      "tensor<2x70xi32>) -> tensor<2x4x70x8xf32> {\n"
      "  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<2x70xi32>, "
      "tensor<2x70xi32>) {mask = #attn.mask<causal & document>} : "
      "tensor<2x4x70x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> "
      "tensor<2x4x70x8xf32>\n  return %o : tensor<2x4x70x8xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  Extras extras;
  // Documents of 1 to 20 tokens; batch 1 ends in padding (-1).
  auto doc = [](int64_t b, int64_t i) -> double {
    if (b == 1 && i >= 60)
      return -1;
    return (i * 7 + b * 3) / 20;
  };
  extras.qSegment = doc;
  extras.kvSegment = doc;
  check(*kernel, s,
        {{2, 4, 70, 16}, {2, 2, 70, 16}, {2, 2, 70, 8}, {2, 70}, {2, 70}}, 5,
        extras);
}

TEST_P(CpuPipelineTest, DocumentOffsets) {
  std::string s =
      "func.func @f(%q: tensor<1x2x50x16xf32>, %k: tensor<1x2x50x16xf32>, "
      "%v: tensor<1x2x50x8xf32>, %qs: tensor<1x4xi64>, %ks: "
      "tensor<1x4xi64>) -> tensor<1x2x50x8xf32> {\n"
      "  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<1x4xi64>, "
      "tensor<1x4xi64>) {mask = #attn.mask<document(offsets)>} : "
      "tensor<1x2x50x16xf32>, tensor<1x2x50x16xf32>, tensor<1x2x50x8xf32> -> "
      "tensor<1x2x50x8xf32>\n  return %o : tensor<1x2x50x8xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  Extras extras;
  auto offsets = [](int64_t, int64_t i) -> double {
    const double starts[] = {0, 13, 31, 50};
    return starts[i];
  };
  extras.qSegment = offsets;
  extras.kvSegment = offsets;
  check(*kernel, s,
        {{1, 2, 50, 16}, {1, 2, 50, 16}, {1, 2, 50, 8}, {1, 4}, {1, 4}}, 6,
        extras);
}

TEST_P(CpuPipelineTest, BlocksRuntime) {
  std::string s =
      "func.func @f(%q: tensor<1x2x60x16xf32>, %k: tensor<1x2x60x16xf32>, "
      "%v: tensor<1x2x60x8xf32>, %m: tensor<1x2x4x4xi8>) -> "
      "tensor<1x2x60x8xf32> {\n"
      "  %o = attn.attention %q, %k, %v block_mask(%m : tensor<1x2x4x4xi8>) "
      "{mask = #attn.mask<blocks(16, 16, runtime)>} : tensor<1x2x60x16xf32>, "
      "tensor<1x2x60x16xf32>, tensor<1x2x60x8xf32> -> tensor<1x2x60x8xf32>\n"
      "  return %o : tensor<1x2x60x8xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  Extras extras;
  extras.blockMask = [](const std::vector<int64_t> &i) -> double {
    return (i[1] + i[2] * 3 + i[3]) % 3 != 0;
  };
  check(*kernel, s,
        {{1, 2, 60, 16}, {1, 2, 60, 16}, {1, 2, 60, 8}, {1, 2, 4, 4}}, 7,
        extras);
}

/// Block masks that differ between batch entries, with query tiles over
/// two block rows: the KV range is the hull over the batch; one row of
/// batch entry 1 keeps nothing.
TEST_P(CpuPipelineTest, BlocksRuntimePerBatch) {
  std::string s =
      "func.func @f(%q: tensor<2x2x45x16xf32>, %k: tensor<2x1x50x16xf32>, "
      "%v: tensor<2x1x50x8xf32>, %m: tensor<2x1x6x5xi32>) -> "
      "tensor<2x2x45x8xf32> {\n"
      "  %o = attn.attention %q, %k, %v block_mask(%m : tensor<2x1x6x5xi32>) "
      "{mask = #attn.mask<blocks(8, 12, runtime)>} : tensor<2x2x45x16xf32>, "
      "tensor<2x1x50x16xf32>, tensor<2x1x50x8xf32> -> tensor<2x2x45x8xf32>\n"
      "  return %o : tensor<2x2x45x8xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  Extras extras;
  extras.blockMask = [](const std::vector<int64_t> &i) -> double {
    if (i[0] == 1 && i[2] == 2)
      return 0;
    return (i[0] * 5 + i[2] * 3 + i[3] * 7) % 4 == 0;
  };
  check(*kernel, s,
        {{2, 2, 45, 16}, {2, 1, 50, 16}, {2, 1, 50, 8}, {2, 1, 6, 5}}, 8,
        extras);
}

TEST_P(CpuPipelineTest, MaskModAndScoreModRegions) {
  std::string s =
      "func.func @f(%q: tensor<1x2x40x16xf32>, %k: tensor<1x2x45x16xf32>, "
      "%v: tensor<1x2x45x8xf32>) -> tensor<1x2x40x8xf32> {\n"
      "  %o = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>, score = "
      "#attn.score<score_mod>} : tensor<1x2x40x16xf32>, tensor<1x2x45x16xf32>, "
      "tensor<1x2x45x8xf32> -> tensor<1x2x40x8xf32>\n"
      "  mask_mod {\n  ^bb0(%b: index, %h: index, %qi: index, %ki: index):\n"
      "    %c3 = arith.constant 3 : index\n    %c1 = arith.constant 1 : index\n"
      "    %d = arith.subi %qi, %ki : index\n    %r = arith.remsi %d, %c3 : "
      "index\n"
      "    %le = arith.cmpi sle, %ki, %qi : index\n"
      "    %ne = arith.cmpi ne, %r, %c1 : index\n    %vis = arith.andi %le, "
      "%ne : i1\n"
      "    attn.yield %vis : i1\n  }\n"
      "  score_mod {\n  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %ki: "
      "index):\n"
      "    %hf = arith.index_cast %h : index to i64\n"
      "    %x = arith.sitofp %hf : i64 to f32\n    %t = arith.mulf %s, %x : "
      "f32\n"
      "    %u = arith.addf %t, %s : f32\n    attn.yield %u : f32\n  }\n"
      "  return %o : tensor<1x2x40x8xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  check(*kernel, s, {{1, 2, 40, 16}, {1, 2, 45, 16}, {1, 2, 45, 8}}, 8);
}

TEST_P(CpuPipelineTest, AlibiAndSoftcap) {
  std::string s = spec("mask = #attn.mask<causal>, score = #attn.score<alibi, "
                       "softcap(5.0)>",
                       1, 4, 4, 60, 60, 16, 16);
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  check(*kernel, s, {{1, 4, 60, 16}, {1, 4, 60, 16}, {1, 4, 60, 16}}, 9);
}

TEST_P(CpuPipelineTest, BiasBroadcastOverBatch) {
  std::string s =
      "func.func @f(%q: tensor<2x2x30x16xf32>, %k: tensor<2x2x35x16xf32>, "
      "%v: tensor<2x2x35x8xf32>, %b: tensor<1x2x30x35xf32>) -> "
      "tensor<2x2x30x8xf32> {\n"
      "  %o = attn.attention %q, %k, %v bias(%b : tensor<1x2x30x35xf32>) "
      "{score = #attn.score<bias>, scale = 0.5 : f32} : tensor<2x2x30x16xf32>, "
      "tensor<2x2x35x16xf32>, tensor<2x2x35x8xf32> -> tensor<2x2x30x8xf32>\n"
      "  return %o : tensor<2x2x30x8xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  check(*kernel, s,
        {{2, 2, 30, 16}, {2, 2, 35, 16}, {2, 2, 35, 8}, {1, 2, 30, 35}}, 10);
}

TEST_P(CpuPipelineTest, MQAAndUnequalHeadDims) {
  std::string s = spec("mask = #attn.mask<causal>", 2, 4, 1, 50, 50, 24, 8);
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  check(*kernel, s, {{2, 4, 50, 24}, {2, 1, 50, 24}, {2, 1, 50, 8}}, 11);
}

TEST_P(CpuPipelineTest, BF16AndF16) {
  for (const char *elem : {"bf16", "f16"}) {
    std::string s = spec("mask = #attn.mask<causal & window(20)>", 1, 4, 2, 70,
                         70, 32, 16, elem);
    auto kernel = compile(s, 16, 32);
    ASSERT_TRUE(kernel);
    check(*kernel, s, {{1, 4, 70, 32}, {1, 2, 70, 32}, {1, 2, 70, 16}}, 12);
  }
}

TEST_P(CpuPipelineTest, LargeMagnitudeInputs) {
  std::string s = spec("mask = #attn.mask<causal>", 1, 2, 2, 40, 40, 16, 8);
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  check(*kernel, s, {{1, 2, 40, 16}, {1, 2, 40, 16}, {1, 2, 40, 8}}, 13, {},
        /*magnitude=*/30.0);
}

TEST_P(CpuPipelineTest, BshdLayout) {
  std::string s =
      "func.func @f(%q: tensor<1x45x4x16xf32>, %k: tensor<1x50x2x16xf32>, "
      "%v: tensor<1x50x2x8xf32>) -> tensor<1x45x4x8xf32> {\n"
      "  %o = attn.attention %q, %k, %v {layout = #attn.layout<bshd>, mask = "
      "#attn.mask<causal(bottom_right)>} : tensor<1x45x4x16xf32>, "
      "tensor<1x50x2x16xf32>, tensor<1x50x2x8xf32> -> tensor<1x45x4x8xf32>\n"
      "  return %o : tensor<1x45x4x8xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  check(*kernel, s, {{1, 45, 4, 16}, {1, 50, 2, 16}, {1, 50, 2, 8}}, 14);
}

/// One compiled dynamic-shape kernel, three lengths, no recompilation.
TEST_P(CpuPipelineTest, DynamicShapesOneKernelThreeLengths) {
  std::string s =
      "func.func @f(%q: tensor<?x4x?x16xf32>, %k: tensor<?x2x?x16xf32>, "
      "%v: tensor<?x2x?x8xf32>) -> (tensor<?x4x?x8xf32>, tensor<?x4x?xf32>) {\n"
      "  %o, %l = attn.attention %q, %k, %v {mask = "
      "#attn.mask<causal(bottom_right) "
      "& window(40)>, return_lse} : tensor<?x4x?x16xf32>, "
      "tensor<?x2x?x16xf32>, "
      "tensor<?x2x?x8xf32> -> tensor<?x4x?x8xf32>, tensor<?x4x?xf32>\n"
      "  return %o, %l : tensor<?x4x?x8xf32>, tensor<?x4x?xf32>\n}\n";
  auto kernel = compile(s, 16, 16);
  ASSERT_TRUE(kernel);
  int64_t lengths[][3] = {{1, 1, 1}, {2, 37, 113}, {1, 100, 64}};
  for (auto [b, sq, sk] : lengths)
    check(*kernel, s, {{b, 4, sq, 16}, {b, 2, sk, 16}, {b, 2, sk, 8}}, 20 + sq);
}

/// Every test runs with the schedule the IO model picks (for these small
/// shapes: all heads in each tile step, one KV part), and again with the
/// heads outside the query loop (per-head key ranges and full tiles, score
/// maps with an origin) and the KV range split into 3 independent parts.
INSTANTIATE_TEST_SUITE_P(
    Schedules, CpuPipelineTest,
    ::testing::Values(ForcedSchedule{}, ForcedSchedule{"heads_outer", 3}),
    [](const ::testing::TestParamInfo<ForcedSchedule> &info) {
      return info.param.order.empty()
                 ? std::string("Scheduled")
                 : "HeadsOuterSplit" + std::to_string(info.param.splitKV);
    });

/// All heads per tile step with the keys split in 4 (more parts than some
/// rows have tiles: empty parts must merge as no-ops).
class CpuPipelineSplitTest : public CpuPipelineTest {};
TEST_P(CpuPipelineSplitTest, CausalWindowSinkGQA) {
  checkMask("causal & (window(20) | sink(4))");
  checkMask("causal(bottom_right)", 90, 50);
}
INSTANTIATE_TEST_SUITE_P(HeadsInnerSplit4, CpuPipelineSplitTest,
                         ::testing::Values(ForcedSchedule{"heads_inner", 4}));

} // namespace
