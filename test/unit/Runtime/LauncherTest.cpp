//===- LauncherTest.cpp - Loading and launching kernel packages -----------===//
//
// On any machine: the launch plan (grid, block, and the parameter words in
// `param` order: addresses, symbol values, default and caller strides), the
// conversions of host data to and from the package's dtypes, and the
// errors runOnHost reports before it touches a GPU. On a GPU machine: the
// test fixture test/Tools/Inputs/scale2.attnpkg (a hand-written PTX kernel,
// y = 2 x, that never writes its second output) run end to end, with
// caller strides, and the errors of a bad PTX, a missing entry and too much
// shared memory. The GPU tests skip where the driver does not load.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Launcher.h"
#include "attn/Runtime/Float16.h"
#include "attn/Runtime/RandomInputs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace attn::runtime;

namespace {

/// x [N, H, 4] f32 and ids [N] i32 in, y [N, H, 4] f16 out.
KernelPackage smallPackage() {
  Result<KernelPackage> p = parseKernelPackage("attn-kernel-package 1\n"
                                               "compiler test\n"
                                               "target sm_80\n"
                                               "entry k\n"
                                               "block 64 2\n"
                                               "grid cdiv(N,16) H 1\n"
                                               "shared 1024\n"
                                               "sym N\n"
                                               "sym H\n"
                                               "input x f32 N H 4\n"
                                               "input ids i32 N\n"
                                               "output y f16 N H 4\n"
                                               "param ptr x\n"
                                               "param sym H\n"
                                               "param stride x 0\n"
                                               "param stride x 1\n"
                                               "param ptr y\n"
                                               "param stride y 0\n"
                                               "param sym N\n"
                                               "param ptr ids\n"
                                               "ptx 5\n"
                                               "x\ny\nz");
  EXPECT_TRUE(p.ok()) << p.message();
  return p.ok() ? p.take() : KernelPackage();
}

NpyArray int64Array(std::vector<int64_t> shape, std::vector<int64_t> values) {
  NpyArray a;
  a.dtype = "<i8";
  a.shape = std::move(shape);
  a.bytes.resize(values.size() * 8);
  std::memcpy(a.bytes.data(), values.data(), a.bytes.size());
  return a;
}

/// Skips the test where the CUDA driver does not load.
#define REQUIRE_GPU()                                                          \
  do {                                                                         \
    Result<CudaDriver *> driver = CudaDriver::get();                           \
    if (!driver.ok())                                                          \
      GTEST_SKIP() << driver.message();                                        \
  } while (false)

KernelPackage scale2() {
  Result<KernelPackage> p = readKernelPackage(
      std::string(ATTN_SOURCE_DIR) + "/test/Tools/Inputs/scale2.attnpkg");
  EXPECT_TRUE(p.ok()) << p.message();
  return p.ok() ? p.take() : KernelPackage();
}

} // namespace

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

TEST(LauncherTest, PlansGridBlockAndParametersInOrder) {
  KernelPackage p = smallPackage();
  LaunchArguments args;
  args.inputShapes = {{37, 3, 4}, {37}};
  args.inputs = {0x1000, 0x2000};
  args.outputs = {0x3000};
  Result<LaunchPlan> plan = planLaunch(p, args);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->grid, (std::array<uint32_t, 3>{3, 3, 1}));
  EXPECT_EQ(plan->block, (std::array<uint32_t, 3>{64, 2, 1}));
  EXPECT_EQ(plan->sharedBytes, 1024u);
  // ptr x, sym H, stride x 0, stride x 1, ptr y, stride y 0, sym N, ptr ids.
  EXPECT_EQ(plan->parameters,
            (std::vector<uint64_t>{0x1000, 3, 12, 4, 0x3000, 12, 37, 0x2000}));
}

TEST(LauncherTest, PassesTheCallersStrides) {
  KernelPackage p = smallPackage();
  LaunchArguments args;
  args.inputShapes = {{37, 3, 4}, {37}};
  args.inputs = {0x1000, 0x2000};
  args.outputs = {0x3000};
  args.inputStrides = {{100, 8, 1}, {}};
  args.outputStrides = {{24, 4, 1}};
  Result<LaunchPlan> plan = planLaunch(p, args);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->parameters,
            (std::vector<uint64_t>{0x1000, 3, 100, 8, 0x3000, 24, 37, 0x2000}));
}

TEST(LauncherTest, ChecksTheAlignmentOfVectorReadTensors) {
  KernelPackage p = smallPackage();
  p.alignment = 16;
  p.alignedTensors = {"x", "y"};
  // Round trip through the text form.
  Result<KernelPackage> again = parseKernelPackage(serializeKernelPackage(p));
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->alignment, 16u);
  EXPECT_EQ(again->alignedTensors, (std::vector<std::string>{"x", "y"}));

  LaunchArguments args;
  args.inputShapes = {{37, 3, 4}, {37}};
  args.inputs = {0x1000, 0x2000};
  args.outputs = {0x3000};
  // Contiguous f32 x [37, 3, 4]: strides 12 and 4 elements, 48 and 16
  // bytes; f16 y: 24 and 8 bytes.
  EXPECT_EQ(planLaunch(p, args).message(),
            "tensor y: the kernel reads it in 16-byte vectors, but the stride "
            "of dim 0 (12 elements) is not a multiple of 16 bytes");
  p.alignedTensors = {"x"};
  EXPECT_TRUE(planLaunch(p, args).ok());
  args.inputs = {0x1004, 0x2000};
  EXPECT_EQ(planLaunch(p, args).message(),
            "tensor x: the kernel reads it in 16-byte vectors, but its "
            "address is not a multiple of 16");
  args.inputs = {0x1000, 0x2000};
  args.inputStrides = {{14, 4, 1}, {}};
  EXPECT_EQ(planLaunch(p, args).message(),
            "tensor x: the kernel reads it in 16-byte vectors, but the stride "
            "of dim 0 (14 elements) is not a multiple of 16 bytes");
  // Only the named tensors: ids (i32 [37]) and y are not checked.
  args.inputStrides = {};
  EXPECT_TRUE(planLaunch(p, args).ok());
  for (const char *bad :
       {"align 3 x", "align 16", "align 512 x", "align 16 z"}) {
    std::string text = serializeKernelPackage(smallPackage());
    text.insert(text.find("sym N"), std::string(bad) + "\n");
    EXPECT_FALSE(parseKernelPackage(text).ok()) << bad;
  }
}

TEST(LauncherTest, RejectsBadLaunchArguments) {
  KernelPackage p = smallPackage();
  LaunchArguments args;
  args.inputShapes = {{37, 3, 4}, {37}};
  args.inputs = {0x1000, 0x2000};
  args.outputs = {};
  EXPECT_EQ(planLaunch(p, args).message(),
            "the package takes 2 inputs and 1 outputs, got 2 and 0 device "
            "pointers");
  args.outputs = {0x3000};
  args.inputStrides = {{12, 4, 2}, {}};
  EXPECT_EQ(planLaunch(p, args).message(),
            "input x: innermost stride 2, the kernel needs 1");
  args.inputStrides = {{12, 1}, {}};
  EXPECT_EQ(planLaunch(p, args).message(), "input x: 2 strides for rank 3");
  args.inputStrides = {{12, 4, 1}};
  EXPECT_EQ(planLaunch(p, args).message(),
            "stride lists must be empty or one per tensor");
  args.inputStrides = {};
  args.inputShapes = {{37, 3, 4}, {36}};
  EXPECT_EQ(planLaunch(p, args).message(),
            "input ids: extent 36 in dim 0, but N is already bound to 37");
}

//===----------------------------------------------------------------------===//
// Host data
//===----------------------------------------------------------------------===//

TEST(LauncherTest, RoundsFloatInputsToThePackageDtype) {
  NpyArray a = makeNpyFloat32({4}, {1.0f, 1.00390625f, 3.14159f, -0.0f});
  for (DType dtype : {DType::BF16, DType::F16, DType::F32}) {
    Result<std::vector<uint8_t>> bytes =
        toPackageBytes({"x", dtype, {{4, ""}}}, a);
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    ASSERT_EQ(bytes->size(), 4 * byteWidth(dtype));
    Result<NpyArray> back = toFloat32Array(dtype, {4}, *bytes);
    ASSERT_TRUE(back.ok()) << back.message();
    std::vector<float> values;
    std::string error;
    ASSERT_TRUE(npyToFloat(*back, values, error)) << error;
    FloatFormat format = dtype == DType::BF16  ? FloatFormat::BF16
                         : dtype == DType::F16 ? FloatFormat::F16
                                               : FloatFormat::F32;
    for (size_t i = 0; i < 4; ++i) {
      float expected = roundTo(
          format, std::vector<float>{1.0f, 1.00390625f, 3.14159f, -0.0f}[i]);
      EXPECT_EQ(std::memcmp(&values[i], &expected, 4), 0)
          << stringify(dtype) << " " << i;
    }
  }
  // 1 + 2^-8 is a tie in bfloat16 and rounds to even, i.e. to 1.
  Result<std::vector<uint8_t>> bf =
      toPackageBytes({"x", DType::BF16, {{4, ""}}}, a);
  uint16_t bits;
  std::memcpy(&bits, bf->data() + 2, 2);
  EXPECT_EQ(bits, 0x3f80);
}

TEST(LauncherTest, ConvertsIntegersWithinRange) {
  // i64 data for an i32 input, in range.
  NpyArray ids = int64Array({3}, {0, -5, 2147483647});
  Result<std::vector<uint8_t>> bytes =
      toPackageBytes({"ids", DType::I32, {{3, ""}}}, ids);
  ASSERT_TRUE(bytes.ok()) << bytes.message();
  int32_t values[3];
  std::memcpy(values, bytes->data(), 12);
  EXPECT_EQ(values[0], 0);
  EXPECT_EQ(values[1], -5);
  EXPECT_EQ(values[2], 2147483647);
  // Out of range.
  ids = int64Array({2}, {1, 2147483648ll});
  EXPECT_EQ(toPackageBytes({"ids", DType::I32, {{2, ""}}}, ids).message(),
            "input ids: element 1 is 2147483648, beyond the range of i32");
  ids = int64Array({2}, {1, 2});
  EXPECT_EQ(toPackageBytes({"m", DType::I1, {{2, ""}}}, ids).message(),
            "input m: element 1 is 2, beyond the range of i1");
  ids = int64Array({1}, {-129});
  EXPECT_EQ(toPackageBytes({"m", DType::I8, {{1, ""}}}, ids).message(),
            "input m: element 0 is -129, beyond the range of i8");
  // Floats for integers and integers for floats are refused.
  EXPECT_EQ(toPackageBytes({"ids", DType::I64, {{1, ""}}},
                           makeNpyFloat32({1}, {1.0f}))
                .message(),
            "input ids: dtype <f4 where the package expects i64");
  EXPECT_EQ(toPackageBytes({"q", DType::BF16, {{1, ""}}}, int64Array({1}, {1}))
                .message(),
            "input q: dtype <i8 where the package expects bf16");
}

TEST(LauncherTest, ConvertsOutputsToFloat32) {
  std::vector<uint8_t> bytes(8);
  int32_t ints[2] = {-3, 1 << 24};
  std::memcpy(bytes.data(), ints, 8);
  Result<NpyArray> a = toFloat32Array(DType::I32, {2}, bytes);
  ASSERT_TRUE(a.ok()) << a.message();
  std::vector<float> values;
  std::string error;
  ASSERT_TRUE(npyToFloat(*a, values, error));
  EXPECT_EQ(values, (std::vector<float>{-3.0f, 16777216.0f}));
  // The poison pattern reads as NaN in every float dtype.
  std::vector<uint8_t> poison(8, 0xFF);
  for (DType dtype : {DType::F32, DType::F16, DType::BF16}) {
    Result<NpyArray> p =
        toFloat32Array(dtype, {int64_t(8 / byteWidth(dtype))}, poison);
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(npyToFloat(*p, values, error));
    for (float v : values)
      EXPECT_TRUE(std::isnan(v)) << stringify(dtype);
  }
  EXPECT_EQ(toFloat32Array(DType::F16, {3}, bytes).message(),
            "cannot read 8 bytes as f16 of shape [3]");
}

TEST(LauncherTest, RunOnHostChecksInputsBeforeTheGpu) {
  // These fail the same way with or without a GPU.
  KernelPackage p = smallPackage();
  NpyArray x = makeNpyFloat32({5, 2, 4}, std::vector<float>(40, 1.0f));
  NpyArray ids = int64Array({5}, {0, 1, 2, 3, 4});
  EXPECT_EQ(runOnHost(p, {x}).message(), "the package takes 2 inputs, got 1");
  NpyArray wrong = makeNpyFloat32({5, 2, 3}, std::vector<float>(30, 1.0f));
  EXPECT_EQ(runOnHost(p, {wrong, ids}).message(),
            "input x: extent 3 in dim 2, the package expects 4");
  EXPECT_EQ(runOnHost(p, {x, makeNpyFloat32({5}, {0, 1, 2, 3, 4})}).message(),
            "input ids: dtype <f4 where the package expects i32");
}

//===----------------------------------------------------------------------===//
// On a GPU
//===----------------------------------------------------------------------===//

TEST(LauncherTest, RunsTheFixtureOnTheGpu) {
  REQUIRE_GPU();
  KernelPackage p = scale2();
  // 37 rows: two blocks of 32 rows, the second partial.
  std::vector<float> x = normalInputs(1, 0, 37 * 4);
  Result<HostRun> run =
      runOnHost(p, {makeNpyFloat32({37, 4}, x)}, /*repeat=*/5, /*warmup=*/1);
  ASSERT_TRUE(run.ok()) << run.message();
  EXPECT_FALSE(run->deviceName.empty());
  EXPECT_GT(run->medianMs, 0.0);
  ASSERT_EQ(run->outputs.size(), 2u);
  EXPECT_EQ(run->outputs[0].shape, (std::vector<int64_t>{37, 4}));
  std::vector<float> y, z;
  std::string error;
  ASSERT_TRUE(npyToFloat(run->outputs[0], y, error));
  ASSERT_TRUE(npyToFloat(run->outputs[1], z, error));
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(y[i], 2 * x[i]) << i;
  // The kernel never writes z: the poison shows as NaN.
  ASSERT_EQ(z.size(), 37u);
  for (float v : z)
    EXPECT_TRUE(std::isnan(v));
}

TEST(LauncherTest, LaunchesWithTheCallersStridesOnTheGpu) {
  REQUIRE_GPU();
  KernelPackage p = scale2();
  Result<std::unique_ptr<GpuModule>> module = GpuModule::load(p);
  ASSERT_TRUE(module.ok()) << module.message();
  CudaDriver &d = **CudaDriver::get();
  // x is [5, 4] inside rows of 6 floats; the padding must not be read.
  const int64_t rows = 5, pitch = 6;
  std::vector<float> x(rows * pitch, 1e30f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < 4; ++c)
      x[r * pitch + c] = static_cast<float>(r * 10 + c);
  CuDevicePtr dx = 0, dy = 0, dz = 0;
  ASSERT_TRUE(d.check(d.memAlloc(&dx, x.size() * 4), "cuMemAlloc").ok());
  ASSERT_TRUE(d.check(d.memAlloc(&dy, rows * 4 * 4), "cuMemAlloc").ok());
  ASSERT_TRUE(d.check(d.memAlloc(&dz, rows * 4), "cuMemAlloc").ok());
  EXPECT_TRUE(
      d.check(d.memcpyHtoD(dx, x.data(), x.size() * 4), "cuMemcpyHtoD").ok());
  LaunchArguments args;
  args.inputShapes = {{rows, 4}};
  args.inputs = {dx};
  args.outputs = {dy, dz};
  args.inputStrides = {{pitch, 1}};
  Status s = launch(**module, args);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(d.check(d.ctxSynchronize(), "cuCtxSynchronize").ok());
  std::vector<float> y(rows * 4);
  EXPECT_TRUE(
      d.check(d.memcpyDtoH(y.data(), dy, y.size() * 4), "cuMemcpyDtoH").ok());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < 4; ++c)
      EXPECT_EQ(y[r * 4 + c], 2.0f * (r * 10 + c)) << r << " " << c;
  for (CuDevicePtr ptr : {dx, dy, dz})
    (void)d.memFree(ptr);
}

TEST(LauncherTest, ReportsJitAndLoadErrorsOnTheGpu) {
  REQUIRE_GPU();
  KernelPackage bad = scale2();
  bad.ptx = ".version 7.0\n.target sm_80\n.address_size 64\n"
            ".visible .entry scale2()\n{\n\tbogus.instruction;\n}\n";
  Result<std::unique_ptr<GpuModule>> module = GpuModule::load(bad);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(
      module.message().rfind("cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX", 0),
      0u)
      << module.message();
  EXPECT_EQ(module.message().find('\n'), std::string::npos);

  KernelPackage renamed = scale2();
  renamed.entry = "scale3";
  module = GpuModule::load(renamed);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.message().rfind(
                "entry scale3: cuModuleGetFunction: CUDA_ERROR_NOT_FOUND", 0),
            0u)
      << module.message();

  KernelPackage greedy = scale2();
  greedy.sharedBytes = 64u << 20;
  module = GpuModule::load(greedy);
  ASSERT_FALSE(module.ok());
  EXPECT_NE(module.message().find("the kernel needs 67108864 bytes of shared "
                                  "memory"),
            std::string::npos)
      << module.message();
}
