//===- JITTest.cpp - The C++ JIT API: compile, caches, threads ------------===//
//
// GPU packages compile without a GPU, so the caches are tested here: memory
// hits, disk hits across Compiler instances, damaged or foreign entries
// rebuilt, distinct keys for distinct options, one compile for concurrent
// requests, errors as values, and the AttentionSpec builder.
//
//===----------------------------------------------------------------------===//

#include "attn/JIT/JIT.h"
#include "llvm/ADT/StringExtras.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <thread>

using namespace attn;
using namespace attn::jit;

namespace {

class JITTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("attn-jit-test", path));
    dir = std::string(path);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string entryPath(const std::string &key) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, key + ".attnpkg");
    return std::string(path);
  }

  static std::string spec(const std::string &mask = "causal") {
    AttentionSpec s;
    s.name = "gqa";
    s.qHeads = 8;
    s.kvHeads = 2;
    s.headDim = 64;
    s.mask = mask;
    s.returnLse = true;
    return s.str();
  }

  std::string dir;
};

TEST_F(JITTest, BuilderWritesSpecsThatCompile) {
  Compiler compiler("-");
  AttentionSpec plain;
  AttentionSpec unequal;
  unequal.headDim = 128;
  unequal.valueDim = 64;
  unequal.mask = "causal & (window(1024) | sink(4))";
  unequal.elementType = "f16";
  for (const AttentionSpec &s : {plain, unequal}) {
    auto kernel = compiler.compile(s.str());
    ASSERT_TRUE(static_cast<bool>(kernel))
        << llvm::toString(kernel.takeError()) << "\n"
        << s.str();
    EXPECT_EQ((*kernel)->package().entry, s.name);
  }
}

TEST_F(JITTest, MemoryThenDiskHits) {
  std::string key;
  {
    Compiler compiler(dir);
    auto first = compiler.compile(spec());
    ASSERT_TRUE(static_cast<bool>(first)) << llvm::toString(first.takeError());
    auto second = compiler.compile(spec());
    ASSERT_TRUE(static_cast<bool>(second));
    EXPECT_EQ(first->get(), second->get());
    CacheStats s = compiler.stats();
    EXPECT_EQ(s.compiled, 1u);
    EXPECT_EQ(s.memoryHits, 1u);
    key = (*first)->key();
    EXPECT_TRUE(llvm::sys::fs::exists(entryPath(key)));
  }
  Compiler fresh(dir);
  auto again = fresh.compile(spec());
  ASSERT_TRUE(static_cast<bool>(again));
  EXPECT_EQ(fresh.stats().diskHits, 1u);
  EXPECT_EQ(fresh.stats().compiled, 0u);
  EXPECT_EQ((*again)->key(), key);
  EXPECT_FALSE((*again)->package().ptx.empty());
}

TEST_F(JITTest, DamagedEntriesAreRebuilt) {
  std::string key;
  std::string original;
  {
    Compiler compiler(dir);
    auto k = compiler.compile(spec());
    ASSERT_TRUE(static_cast<bool>(k));
    key = (*k)->key();
    original = (*k)->package().ptx;
  }
  auto rewrite = [&](llvm::function_ref<std::string(std::string)> change) {
    auto file = llvm::MemoryBuffer::getFile(entryPath(key));
    ASSERT_TRUE(static_cast<bool>(file));
    std::string text = change((*file)->getBuffer().str());
    std::error_code ec;
    llvm::raw_fd_ostream os(entryPath(key), ec);
    ASSERT_FALSE(ec);
    os << text;
  };
  // Truncated, one byte of PTX changed, a header from another key.
  std::vector<std::function<std::string(std::string)>> damages = {
      [](std::string t) { return t.substr(0, t.size() / 2); },
      [](std::string t) {
        t[t.size() - 10] ^= 1;
        return t;
      },
      [](std::string t) {
        size_t at = t.find(' ', t.find("key")) + 1;
        t[at] = t[at] == 'a' ? 'b' : 'a';
        return t;
      },
      [](std::string) { return std::string(); }};
  for (auto &damage : damages) {
    rewrite(damage);
    Compiler compiler(dir);
    auto k = compiler.compile(spec());
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    EXPECT_EQ(compiler.stats().rebuilt, 1u);
    EXPECT_EQ(compiler.stats().compiled, 1u);
    EXPECT_EQ((*k)->package().ptx, original);
    // The rewritten entry is whole again.
    Compiler next(dir);
    ASSERT_TRUE(static_cast<bool>(next.compile(spec())));
    EXPECT_EQ(next.stats().diskHits, 1u);
  }
}

TEST_F(JITTest, KeysSeparateSpecsTargetsAndOptions) {
  CompileOptions sm90, sm80, block64, mmaSync, cpu;
  sm80.chip = "sm_80";
  block64.blockQ = 64;
  mmaSync.warpgroupMma = false;
  cpu.target = Target::Cpu;
  std::set<std::string> keys = {
      cacheKey(spec(), sm90),    cacheKey(spec(), sm80),
      cacheKey(spec(), block64), cacheKey(spec(), mmaSync),
      cacheKey(spec(), cpu),     cacheKey(spec("causal & window(8)"), sm90)};
  EXPECT_EQ(keys.size(), 6u);
  EXPECT_EQ(cacheKey(spec(), sm90), cacheKey(spec(), sm90));
  EXPECT_NE(compilerVersion().find("attn"), llvm::StringRef::npos);
  // The build id is the hash of the sources that cmake/BuildId.cmake
  // writes: 16 hex digits after "build ".
  llvm::StringRef version = compilerVersion();
  size_t at = version.find("build ");
  ASSERT_NE(at, llvm::StringRef::npos) << version.str();
  llvm::StringRef id = version.drop_front(at + 6).take_while(
      [](char c) { return llvm::isHexDigit(c); });
  EXPECT_EQ(id.size(), 16u) << version.str();

  Compiler compiler(dir);
  auto a = compiler.compile(spec(), sm90);
  auto b = compiler.compile(spec(), sm80);
  auto c = compiler.compile(spec(), mmaSync);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ((*a)->package().target, "sm_90a");
  EXPECT_EQ((*b)->package().target, "sm_80");
  EXPECT_EQ((*c)->package().target, "sm_90a");
  // The option reaches the pipeline: wgmma by default, mma.sync without.
  EXPECT_NE((*a)->package().ptx.find("wgmma.mma_async"), std::string::npos);
  EXPECT_EQ((*c)->package().ptx.find("wgmma.mma_async"), std::string::npos);
  EXPECT_NE((*c)->package().ptx.find("mma.sync.aligned"), std::string::npos);
  EXPECT_EQ(compiler.stats().compiled, 3u);
}

TEST_F(JITTest, ConcurrentRequestsCompileOnce) {
  Compiler compiler(dir);
  constexpr int kThreads = 8;
  std::vector<std::shared_ptr<Kernel>> kernels(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      auto k = compiler.compile(spec("causal & window(100)"));
      if (k)
        kernels[i] = *k;
      else
        llvm::consumeError(k.takeError());
    });
  for (std::thread &t : threads)
    t.join();
  for (auto &k : kernels) {
    ASSERT_TRUE(k);
    EXPECT_EQ(k.get(), kernels[0].get());
  }
  EXPECT_EQ(compiler.stats().compiled, 1u);
  EXPECT_EQ(compiler.stats().memoryHits, kThreads - 1u);
}

TEST_F(JITTest, ErrorsAreValuesAndNotCached) {
  Compiler compiler(dir);
  std::string bad = "func.func @f(%q: tensor<1x1x8x8xf32>) {\n  return\n}\n";
  for (int i = 0; i < 2; ++i) {
    auto k = compiler.compile(bad);
    ASSERT_FALSE(static_cast<bool>(k));
    EXPECT_NE(llvm::toString(k.takeError()).find("no function holding"),
              std::string::npos);
  }
  auto garbage = compiler.compile("func.func @f(");
  ASSERT_FALSE(static_cast<bool>(garbage));
  EXPECT_NE(llvm::toString(garbage.takeError()).find("does not parse"),
            std::string::npos);
  CompileOptions chip;
  chip.chip = "sm_70";
  auto wrongChip = compiler.compile(spec(), chip);
  ASSERT_FALSE(static_cast<bool>(wrongChip));
  EXPECT_NE(llvm::toString(wrongChip.takeError()).find("sm_70"),
            std::string::npos);
  EXPECT_EQ(compiler.stats().compiled, 0u);
}

TEST_F(JITTest, CpuKernelsCompileRunAndRefuseLaunch) {
  Compiler compiler(dir);
  CompileOptions cpu;
  cpu.target = Target::Cpu;
  AttentionSpec s;
  s.qHeads = 2;
  s.kvHeads = 1;
  s.headDim = 8;
  s.elementType = "f32";
  s.mask = "causal";
  auto k = compiler.compile(s.str(), cpu);
  ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
  ASSERT_NE((*k)->cpuKernel(), nullptr);
  std::vector<float> q(1 * 2 * 5 * 8, 0.5f), kv(1 * 1 * 5 * 8, 0.25f),
      o(1 * 2 * 5 * 8, -1.0f);
  std::vector<HostBuffer> in = {{q.data(), {1, 2, 5, 8}},
                                {kv.data(), {1, 1, 5, 8}},
                                {kv.data(), {1, 1, 5, 8}}};
  std::vector<HostBuffer> out = {{o.data(), {1, 2, 5, 8}}};
  ASSERT_FALSE(static_cast<bool>((*k)->cpuKernel()->run(in, out)));
  // Every key's value row is 0.25, so every output is 0.25.
  for (float x : o)
    EXPECT_FLOAT_EQ(x, 0.25f);
  runtime::Status launched = (*k)->launch({});
  EXPECT_FALSE(launched.ok());
  EXPECT_NE(launched.message().find("CPU"), std::string::npos);
  EXPECT_EQ(compiler.stats().diskHits, 0u);
}

} // namespace
