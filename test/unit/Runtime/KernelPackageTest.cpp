//===- KernelPackageTest.cpp - The .attnpkg kernel package format ---------===//
//
// The example of docs/kernel-package.md parsed field by field; serialise /
// parse round trips; one case per malformed package, each a one-line
// message naming the line; binding symbols from input shapes (and every
// mismatch message), output shapes, grid evaluation with cdiv, strides;
// and a fuzz loop of truncations and byte flips that must never crash.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/KernelPackage.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace attn::runtime;

namespace {

const char *const kPtx = ".version 8.0\n.target sm_90a\n.address_size 64\n"
                         ".visible .entry attn_fwd()\n{\n\tret;\n}\n";

/// The manifest of docs/kernel-package.md, line by line (line 1 first).
std::vector<std::string> exampleManifest() {
  return {
      "attn-kernel-package 1",
      "compiler attn 0.1 (LLVM 22.1)",
      "target sm_90a",
      "entry attn_fwd",
      "block 128",
      "grid cdiv(SQ,128) 32 B",
      "shared 0",
      "sym B",
      "sym SQ",
      "sym SK",
      "input q bf16 B 32 SQ 128",
      "input k bf16 B 8 SK 128",
      "input v bf16 B 8 SK 128",
      "input qs i32 B SQ",
      "output o bf16 B 32 SQ 128",
      "output lse f32 B 32 SQ",
      "param ptr q",
      "param ptr k",
      "param ptr v",
      "param ptr qs",
      "param ptr o",
      "param ptr lse",
      "param sym B",
      "param sym SQ",
      "param sym SK",
      "param stride q 0",
      "param stride q 1",
      "param stride q 2",
      "param stride o 2",
  };
}

/// A package file: the manifest lines, `ptx N` and the PTX.
std::string packageText(const std::vector<std::string> &manifest,
                        const std::string &ptx = kPtx) {
  std::string text;
  for (const std::string &line : manifest)
    text += line + "\n";
  return text + "ptx " + std::to_string(ptx.size()) + "\n" + ptx;
}

/// The example with line `number` (1-based) replaced by `line`.
std::string exampleWithLine(size_t number, const std::string &line) {
  std::vector<std::string> manifest = exampleManifest();
  manifest.at(number - 1) = line;
  return packageText(manifest);
}

KernelPackage parseOk(const std::string &text) {
  Result<KernelPackage> package = parseKernelPackage(text);
  EXPECT_TRUE(package.ok()) << package.message();
  return package.ok() ? package.take() : KernelPackage();
}

/// Parses `text`, expecting a one-line error that starts with `line N: `
/// and holds `needle`.
void expectError(const std::string &text, unsigned line,
                 const std::string &needle) {
  Result<KernelPackage> package = parseKernelPackage(text);
  ASSERT_FALSE(package.ok()) << needle;
  const std::string &message = package.message();
  std::string prefix = "line " + std::to_string(line) + ": ";
  EXPECT_EQ(message.rfind(prefix, 0), 0u)
      << "'" << message << "' does not start with '" << prefix << "'";
  EXPECT_NE(message.find(needle), std::string::npos)
      << "'" << message << "' lacks '" << needle << "'";
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

KernelPackage example() { return parseOk(packageText(exampleManifest())); }

} // namespace

//===----------------------------------------------------------------------===//
// Parsing a valid package
//===----------------------------------------------------------------------===//

TEST(KernelPackageTest, ParsesTheDocumentedExample) {
  KernelPackage p = example();
  EXPECT_EQ(p.version, 1u);
  EXPECT_EQ(p.compiler, "attn 0.1 (LLVM 22.1)");
  EXPECT_EQ(p.target, "sm_90a");
  EXPECT_EQ(p.entry, "attn_fwd");
  EXPECT_EQ(p.block, (std::array<uint32_t, 3>{128, 1, 1}));
  EXPECT_EQ(p.grid[0].kind, GridExtent::Kind::CeilDiv);
  EXPECT_EQ(p.grid[0].symbol, "SQ");
  EXPECT_EQ(p.grid[0].value, 128);
  EXPECT_EQ(p.grid[1].kind, GridExtent::Kind::Constant);
  EXPECT_EQ(p.grid[1].value, 32);
  EXPECT_EQ(p.grid[2].kind, GridExtent::Kind::Symbol);
  EXPECT_EQ(p.grid[2].symbol, "B");
  EXPECT_EQ(p.sharedBytes, 0u);
  EXPECT_EQ(p.symbols, (std::vector<std::string>{"B", "SQ", "SK"}));
  ASSERT_EQ(p.inputs.size(), 4u);
  ASSERT_EQ(p.outputs.size(), 2u);
  const TensorDecl &k = p.inputs[1];
  EXPECT_EQ(k.name, "k");
  EXPECT_EQ(k.dtype, DType::BF16);
  ASSERT_EQ(k.dims.size(), 4u);
  EXPECT_EQ(k.dims[0].symbol, "B");
  EXPECT_FALSE(k.dims[1].isSymbol());
  EXPECT_EQ(k.dims[1].value, 8);
  EXPECT_EQ(k.dims[2].symbol, "SK");
  EXPECT_EQ(k.dims[3].value, 128);
  EXPECT_EQ(p.inputs[3].dtype, DType::I32);
  EXPECT_EQ(p.outputs[1].name, "lse");
  EXPECT_EQ(p.outputs[1].dtype, DType::F32);
  ASSERT_EQ(p.params.size(), 13u);
  EXPECT_EQ(p.params[0].kind, ParamDecl::Kind::Pointer);
  EXPECT_EQ(p.params[0].name, "q");
  EXPECT_EQ(p.params[6].kind, ParamDecl::Kind::Symbol);
  EXPECT_EQ(p.params[6].name, "B");
  EXPECT_EQ(p.params[12].kind, ParamDecl::Kind::Stride);
  EXPECT_EQ(p.params[12].name, "o");
  EXPECT_EQ(p.params[12].dim, 2u);
  EXPECT_EQ(p.ptx, kPtx);
  EXPECT_EQ(p.findTensor("lse"), &p.outputs[1]);
  EXPECT_EQ(p.findTensor("nope"), nullptr);
}

TEST(KernelPackageTest, IgnoresCommentsAndEmptyLinesAndReadsBlockAndShared) {
  std::vector<std::string> m = exampleManifest();
  m[4] = "block 64 2 2";
  m[6] = "shared 102400";
  m.insert(m.begin() + 1, "# a comment");
  m.insert(m.begin() + 5, "");
  KernelPackage p = parseOk(packageText(m));
  EXPECT_EQ(p.block, (std::array<uint32_t, 3>{64, 2, 2}));
  EXPECT_EQ(p.sharedBytes, 102400u);
}

TEST(KernelPackageTest, ThePtxMayHoldAnyBytesButNul) {
  std::string ptx = "// ptx 12\nattn-kernel-package 1\n\xff\r\n";
  KernelPackage p = parseOk(packageText(exampleManifest(), ptx));
  EXPECT_EQ(p.ptx, ptx);
}

TEST(KernelPackageTest, DTypes) {
  for (const char *name : {"f32", "f16", "bf16", "i32", "i64", "i8", "i1"}) {
    std::optional<DType> dtype = parseDType(name);
    ASSERT_TRUE(dtype) << name;
    EXPECT_STREQ(stringify(*dtype), name);
  }
  EXPECT_FALSE(parseDType("f64"));
  EXPECT_EQ(byteWidth(DType::BF16), 2u);
  EXPECT_EQ(byteWidth(DType::I64), 8u);
  EXPECT_EQ(byteWidth(DType::I1), 1u);
  EXPECT_TRUE(isFloat(DType::F16));
  EXPECT_FALSE(isFloat(DType::I8));
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST(KernelPackageTest, SerialiseThenParseGivesTheSamePackage) {
  KernelPackage p = example();
  std::string text = serializeKernelPackage(p);
  // The example is written in the canonical form already.
  EXPECT_EQ(text, packageText(exampleManifest()));
  KernelPackage q = parseOk(text);
  EXPECT_TRUE(q == p);
  EXPECT_EQ(serializeKernelPackage(q), text);
}

TEST(KernelPackageTest, RoundTripsAPackageBuiltInCode) {
  KernelPackage p;
  p.compiler = "test (with spaces, and: punctuation)";
  p.target = "sm_80";
  p.entry = "k_2";
  p.block = {32, 4, 1};
  p.grid[0] = {GridExtent::Kind::CeilDiv, 64, "S"};
  p.grid[1] = {GridExtent::Kind::Symbol, 1, "H"};
  p.grid[2] = {GridExtent::Kind::Constant, 7, ""};
  p.sharedBytes = 200000;
  p.symbols = {"S", "H"};
  p.inputs.push_back({"x", DType::I1, {{0, "H"}, {0, "S"}, {3, ""}}});
  p.inputs.push_back({"ids", DType::I64, {{0, "S"}}});
  p.outputs.push_back({"y", DType::F16, {{0, "H"}, {0, "S"}}});
  p.params = {{ParamDecl::Kind::Symbol, "H", 0},
              {ParamDecl::Kind::Pointer, "y", 0},
              {ParamDecl::Kind::Stride, "x", 1},
              {ParamDecl::Kind::Pointer, "x", 0}};
  p.ptx = kPtx;
  std::string text = serializeKernelPackage(p);
  EXPECT_NE(text.find("\nblock 32 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ngrid cdiv(S,64) H 7\n"), std::string::npos) << text;
  KernelPackage q = parseOk(text);
  EXPECT_TRUE(q == p);
  EXPECT_EQ(serializeKernelPackage(q), text);
}

//===----------------------------------------------------------------------===//
// Malformed packages: one line each
//===----------------------------------------------------------------------===//

TEST(KernelPackageTest, RejectsAWrongVersion) {
  expectError(exampleWithLine(1, "attn-kernel-package 2"), 1,
              "unsupported package version '2' (this runtime reads version "
              "1)");
}

TEST(KernelPackageTest, RejectsAFileThatIsNoPackage) {
  expectError("hello\n", 1, "not a kernel package");
  expectError("", 1, "the file is empty");
  // The version line must come first, before any comment.
  std::vector<std::string> m = exampleManifest();
  m.insert(m.begin(), "# comment");
  expectError(packageText(m), 1, "not a kernel package");
}

TEST(KernelPackageTest, RejectsAnUnknownKey) {
  expectError(exampleWithLine(7, "sharedmem 0"), 7, "unknown key 'sharedmem'");
}

TEST(KernelPackageTest, RejectsAMissingEntry) {
  std::vector<std::string> m = exampleManifest();
  m.erase(m.begin() + 3);
  // The manifest ends at the `ptx` line, line 29.
  expectError(packageText(m), 29, "no 'entry' line before 'ptx'");
}

TEST(KernelPackageTest, RejectsAKeyGivenTwice) {
  expectError(exampleWithLine(5, "target sm_80"), 5,
              "'target' given twice (first on line 3)");
}

TEST(KernelPackageTest, RejectsAPtrNamingNoTensor) {
  expectError(exampleWithLine(20, "param ptr qq"), 20,
              "'qq' names no input or output");
  expectError(exampleWithLine(29, "param stride x 0"), 29,
              "'x' names no input or output");
}

TEST(KernelPackageTest, RejectsAnUndeclaredSymbol) {
  expectError(exampleWithLine(12, "input k bf16 B 8 SKV 128"), 12,
              "symbol 'SKV' is not declared");
  expectError(exampleWithLine(6, "grid cdiv(SQ,128) 32 BB"), 6,
              "symbol 'BB' is not declared");
  expectError(exampleWithLine(25, "param sym S"), 25,
              "symbol 'S' is not declared");
}

TEST(KernelPackageTest, RejectsABadDtype) {
  expectError(exampleWithLine(14, "input qs int32 B SQ"), 14,
              "unknown dtype 'int32'");
}

TEST(KernelPackageTest, RejectsABadGridExpression) {
  expectError(exampleWithLine(6, "grid ceil(SQ,128) 32 B"), 6,
              "bad grid extent 'ceil(SQ,128)'");
  expectError(exampleWithLine(6, "grid cdiv(SQ;128) 32 B"), 6,
              "bad grid extent 'cdiv(SQ;128)'");
  expectError(exampleWithLine(6, "grid cdiv(128,SQ) 32 B"), 6,
              "bad grid extent 'cdiv(128,SQ)'");
  // No spaces inside an extent: tokens are separated by spaces.
  expectError(exampleWithLine(6, "grid cdiv(SQ, 128) 32 B"), 6,
              "'grid' takes 3 extents");
  expectError(exampleWithLine(6, "grid cdiv(SQ,0) 32 B"), 6,
              "division by zero");
  expectError(exampleWithLine(6, "grid cdiv(SQ,128) 0 B"), 6, "grid extent 0");
  expectError(exampleWithLine(6, "grid cdiv(SQ,128) 32"), 6,
              "'grid' takes 3 extents");
}

TEST(KernelPackageTest, RejectsATruncatedPtx) {
  std::string text = packageText(exampleManifest());
  text.resize(text.size() - 5);
  std::string ptxSize = std::to_string(std::string(kPtx).size());
  expectError(text, 30,
              "truncated PTX: 'ptx' announces " + ptxSize + " bytes, " +
                  std::to_string(std::string(kPtx).size() - 5) + " follow");
  // A file that ends inside the manifest.
  std::string manifestOnly = packageText(exampleManifest());
  manifestOnly.resize(manifestOnly.find("param sym B") + 5);
  expectError(manifestOnly, 23, "the manifest ends without a 'ptx' line");
}

TEST(KernelPackageTest, RejectsAPtxSizeMismatch) {
  std::string text = packageText(exampleManifest()) + "\n";
  expectError(text, 30, "PTX size mismatch: 'ptx' announces");
  expectError(packageText(exampleManifest(), ""), 30, "the PTX is empty");
  expectError(packageText(exampleManifest(), std::string("a\0b", 3)), 30,
              "NUL byte at offset 1");
  std::vector<std::string> m = exampleManifest();
  expectError(
      packageText(m).replace(packageText(m).find("\nptx ") + 1, 3, "ptx -"), 30,
      "'ptx' takes the PTX size in bytes");
}

TEST(KernelPackageTest, RejectsBadSpacing) {
  expectError(exampleWithLine(4, "entry  attn_fwd"), 4,
              "separated by single spaces");
  expectError(exampleWithLine(4, "entry attn_fwd "), 4,
              "separated by single spaces");
  expectError(exampleWithLine(4, "entry\tattn_fwd"), 4,
              "control character \\x09");
  expectError(exampleWithLine(4, "entry attn_fwd\r"), 4,
              "control character \\x0d");
}

TEST(KernelPackageTest, RejectsBadValues) {
  expectError(exampleWithLine(3, "target gfx90a"), 3, "bad target 'gfx90a'");
  expectError(exampleWithLine(3, "target sm_9"), 3, "bad target 'sm_9'");
  expectError(exampleWithLine(4, "entry 9lives"), 4, "bad entry name '9lives'");
  expectError(exampleWithLine(4, "entry a b"), 4, "'entry' takes one");
  expectError(exampleWithLine(5, "block 0"), 5, "bad block extent '0'");
  expectError(exampleWithLine(5, "block 1 2 3 4"), 5, "1 to 3 extents");
  expectError(exampleWithLine(7, "shared -1"), 7, "byte count below 2^32");
  expectError(exampleWithLine(7, "shared 4294967296"), 7,
              "byte count below 2^32");
  expectError(exampleWithLine(9, "sym B"), 9,
              "symbol 'B' declared twice (first on line 8)");
  expectError(exampleWithLine(13, "input k bf16 B 8 SK 128"), 13,
              "tensor 'k' declared twice (first on line 12)");
  expectError(exampleWithLine(13, "input v bf16 B 8 SK -1"), 13,
              "bad extent '-1' of 'v'");
  expectError(exampleWithLine(13, "input v"), 13, "takes a name, a dtype");
  expectError(exampleWithLine(20, "param pointer q"), 20,
              "unknown param kind 'pointer'");
  expectError(exampleWithLine(20, "param ptr"), 20, "'param ptr' takes one");
  expectError(exampleWithLine(26, "param stride q x"), 26,
              "bad dim 'x' of 'param stride'");
  expectError(exampleWithLine(2, "compiler"), 2, "'compiler' needs");
}

TEST(KernelPackageTest, RejectsStridesOfTheInnermostOrAMissingDim) {
  expectError(exampleWithLine(26, "param stride q 3"), 26,
              "dim 3 of 'q' is innermost: its stride is 1 and never a "
              "parameter");
  expectError(exampleWithLine(26, "param stride qs 5"), 26,
              "dim 5 of 'qs', which has rank 2");
}

TEST(KernelPackageTest, RejectsSymbolsNoInputBinds) {
  expectError(exampleWithLine(16, "output lse f32 B 32 SO"), 16,
              "symbol 'SO' is not declared");
  std::vector<std::string> m = exampleManifest();
  m.insert(m.begin() + 10, "sym SO");
  m[16] = "output lse f32 B 32 SO";
  expectError(packageText(m), 17,
              "symbol 'SO' of an output appears in no input");
  m = exampleManifest();
  m.insert(m.begin() + 10, "sym H");
  expectError(packageText(m), 11,
              "symbol 'H' appears in no input, so nothing binds it");
}

TEST(KernelPackageTest, ReadingAMissingFileNamesIt) {
  Result<KernelPackage> p = readKernelPackage("/nonexistent/x.attnpkg");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.message(), "/nonexistent/x.attnpkg: No such file or directory");
}

TEST(KernelPackageTest, ReadingAFileNamesItAndTheLine) {
  std::string path = ::testing::TempDir() + "attn-kernel-package-test.attnpkg";
  std::string text = exampleWithLine(1, "attn-kernel-package 3");
  std::FILE *f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  Result<KernelPackage> p = readKernelPackage(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(
      p.message().rfind(path + ": line 1: unsupported package version", 0), 0u)
      << p.message();
  text = packageText(exampleManifest());
  f = std::fopen(path.c_str(), "wb");
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  p = readKernelPackage(path);
  EXPECT_TRUE(p.ok()) << p.message();
  std::remove(path.c_str());
}

TEST(KernelPackageTest, FuzzedPackagesNeverCrash) {
  std::mt19937 rng(5);
  std::string seed = packageText(exampleManifest());
  for (size_t cut = 0; cut < seed.size(); ++cut) {
    Result<KernelPackage> p = parseKernelPackage(seed.substr(0, cut));
    EXPECT_FALSE(p.ok()) << cut;
    EXPECT_EQ(p.message().find('\n'), std::string::npos);
  }
  for (int i = 0; i < 20000; ++i) {
    std::string text = seed;
    for (int flips = 1 + rng() % 3; flips > 0; --flips)
      text[rng() % text.size()] = static_cast<char>(rng());
    Result<KernelPackage> p = parseKernelPackage(text);
    if (!p.ok()) {
      EXPECT_EQ(p.message().rfind("line ", 0), 0u) << p.message();
      EXPECT_EQ(p.message().find('\n'), std::string::npos);
      continue;
    }
    // Whatever parses serialises back to a package that parses the same.
    Result<KernelPackage> q = parseKernelPackage(serializeKernelPackage(*p));
    ASSERT_TRUE(q.ok()) << q.message();
    EXPECT_TRUE(*q == *p);
  }
}

//===----------------------------------------------------------------------===//
// Evaluating for given shapes
//===----------------------------------------------------------------------===//

TEST(KernelPackageTest, BindsSymbolsFromInputShapes) {
  KernelPackage p = example();
  Result<SymbolValues> v = bindSymbols(
      p, {{2, 32, 1000, 128}, {2, 8, 1500, 128}, {2, 8, 1500, 128}, {2, 1000}});
  ASSERT_TRUE(v.ok()) << v.message();
  EXPECT_EQ(*v, (SymbolValues{{"B", 2}, {"SQ", 1000}, {"SK", 1500}}));
  Result<std::vector<std::vector<int64_t>>> out = outputShapes(p, *v);
  ASSERT_TRUE(out.ok()) << out.message();
  EXPECT_EQ(*out, (std::vector<std::vector<int64_t>>{{2, 32, 1000, 128},
                                                     {2, 32, 1000}}));
  Result<std::array<uint32_t, 3>> grid = evaluateGrid(p, *v);
  ASSERT_TRUE(grid.ok()) << grid.message();
  EXPECT_EQ(*grid, (std::array<uint32_t, 3>{8, 32, 2}));
}

TEST(KernelPackageTest, ReportsEachShapeMismatch) {
  KernelPackage p = example();
  auto expectBindError = [&](std::vector<std::vector<int64_t>> shapes,
                             const std::string &message) {
    Result<SymbolValues> v = bindSymbols(p, shapes);
    ASSERT_FALSE(v.ok()) << message;
    EXPECT_EQ(v.message(), message);
  };
  expectBindError(
      {{2, 32, 100, 128}, {2, 8, 150, 15}, {2, 8, 150, 128}, {2, 100}},
      "input k: extent 15 in dim 3, the package expects 128");
  expectBindError({{2, 32, 100, 128}, {2, 8, 150}, {2, 8, 150, 128}, {2, 100}},
                  "input k: rank 3, the package expects 4");
  expectBindError(
      {{2, 32, 100, 128}, {2, 8, 150, 128}, {2, 8, 151, 128}, {2, 100}},
      "input v: extent 151 in dim 2, but SK is already bound to 150");
  expectBindError(
      {{2, 32, 100, 128}, {3, 8, 150, 128}, {2, 8, 150, 128}, {2, 100}},
      "input k: extent 3 in dim 0, but B is already bound to 2");
  expectBindError({{2, 32, 100, 128}, {2, 8, 150, 128}, {2, 8, 150, 128}},
                  "the package takes 4 inputs, got 3");
  expectBindError(
      {{2, 32, -1, 128}, {2, 8, 150, 128}, {2, 8, 150, 128}, {2, 100}},
      "input q: bad shape [2, 32, -1, 128]");
}

TEST(KernelPackageTest, BindsOneInputAtATime) {
  KernelPackage p = example();
  SymbolValues v = {{"SQ", 64}};
  Status s = bindInput(p, 3, {4, 64}, v);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(v, (SymbolValues{{"B", 4}, {"SQ", 64}}));
  s = bindInput(p, 0, {4, 32, 65, 128}, v);
  EXPECT_EQ(s.message(),
            "input q: extent 65 in dim 2, but SQ is already bound to 64");
  s = bindInput(p, 4, {1}, v);
  EXPECT_EQ(s.message(), "the package has 4 inputs, not 5");
  // An unbound symbol is named when shaping a tensor.
  Result<std::vector<int64_t>> shape = tensorShape(p.inputs[1], v);
  ASSERT_FALSE(shape.ok());
  EXPECT_EQ(shape.message(), "k: symbol SK is not bound");
  shape = tensorShape(p.inputs[0], v);
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (std::vector<int64_t>{4, 32, 64, 128}));
}

TEST(KernelPackageTest, EvaluatesGridExtentsWithCeilDiv) {
  GridExtent cdiv{GridExtent::Kind::CeilDiv, 128, "SQ"};
  auto at = [&](int64_t sq) {
    Result<int64_t> v = evaluate(cdiv, {{"SQ", sq}});
    EXPECT_TRUE(v.ok()) << v.message();
    return v.ok() ? *v : -1;
  };
  EXPECT_EQ(at(0), 0);
  EXPECT_EQ(at(1), 1);
  EXPECT_EQ(at(127), 1);
  EXPECT_EQ(at(128), 1);
  EXPECT_EQ(at(129), 2);
  EXPECT_EQ(at(4096), 32);
  EXPECT_EQ(at(4097), 33);
  EXPECT_EQ(at(INT64_MAX), INT64_MAX / 128 + 1);
  Result<int64_t> v = evaluate({GridExtent::Kind::Symbol, 1, "B"}, {{"B", 3}});
  EXPECT_EQ(*v, 3);
  v = evaluate({GridExtent::Kind::Constant, 7, ""}, {});
  EXPECT_EQ(*v, 7);
  v = evaluate(cdiv, {});
  EXPECT_EQ(v.message(), "symbol SQ is not bound");
}

TEST(KernelPackageTest, ChecksTheGridAgainstCudasLimits) {
  KernelPackage p = example();
  Result<std::array<uint32_t, 3>> grid =
      evaluateGrid(p, {{"B", 65536}, {"SQ", 1}, {"SK", 1}});
  ASSERT_FALSE(grid.ok());
  EXPECT_EQ(grid.message(), "grid z = 65536 is beyond CUDA's limit 65535");
  grid = evaluateGrid(p, {{"B", 1}, {"SQ", int64_t(1) << 40}, {"SK", 1}});
  ASSERT_FALSE(grid.ok());
  EXPECT_EQ(grid.message(),
            "grid x = 8589934592 is beyond CUDA's limit 2147483647");
  grid = evaluateGrid(p, {{"B", 1}, {"SK", 1}});
  ASSERT_FALSE(grid.ok());
  EXPECT_EQ(grid.message(), "grid x: symbol SQ is not bound");
  // An empty problem gives an empty grid, not an error.
  grid = evaluateGrid(p, {{"B", 0}, {"SQ", 0}, {"SK", 0}});
  ASSERT_TRUE(grid.ok());
  EXPECT_EQ(*grid, (std::array<uint32_t, 3>{0, 32, 0}));
}

TEST(KernelPackageTest, ContiguousStridesAndElementCounts) {
  EXPECT_EQ(contiguousStrides({2, 3, 4}), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(contiguousStrides({5}), (std::vector<int64_t>{1}));
  EXPECT_EQ(contiguousStrides({}), (std::vector<int64_t>{}));
  EXPECT_EQ(numElements({2, 3, 4}), 24);
  EXPECT_EQ(numElements({}), 1);
  EXPECT_EQ(numElements({2, 0, 4}), 0);
  EXPECT_EQ(numElements({-1}), -1);
  EXPECT_EQ(numElements({int64_t(1) << 40, int64_t(1) << 40}), -1);
  EXPECT_EQ(shapeString({2, 3}), "[2, 3]");
}
