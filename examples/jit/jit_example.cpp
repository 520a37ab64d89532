//===- jit_example.cpp - Using attn from C++ through the JIT API ----------===//
//
// Builds a GQA attention with a causal sliding window (AttentionSpec),
// compiles it for the CPU and runs it on host data, then compiles it for the
// GPU (a kernel package: no GPU is needed to compile) through the caches,
// printing how long a cold compile, a memory hit and a disk hit take; when a
// CUDA driver and GPU are present it also launches the kernel.
//
//   attn-jit-example [CACHE_DIR]
//
//===----------------------------------------------------------------------===//

#include "attn/JIT/JIT.h"

#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

using namespace attn;

template <typename F> static double millis(F &&f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

int main(int argc, char **argv) {
  std::string cacheDir = argc > 1 ? argv[1] : "";
  jit::AttentionSpec spec;
  spec.name = "gqa_window";
  spec.qHeads = 8;
  spec.kvHeads = 2;
  spec.headDim = 64;
  spec.elementType = "f32";
  spec.mask = "causal & window(32)";

  // The CPU: compile, then run on random data.
  jit::Compiler compiler(cacheDir);
  jit::CompileOptions cpu;
  cpu.target = jit::Target::Cpu;
  auto cpuKernel = compiler.compile(spec.str(), cpu);
  if (!cpuKernel) {
    llvm::errs() << "error: " << llvm::toString(cpuKernel.takeError()) << "\n";
    return 1;
  }
  int64_t b = 1, s = 100, d = 64;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  std::vector<float> q(b * 8 * s * d), k(b * 2 * s * d), v(b * 2 * s * d),
      o(b * 8 * s * d);
  for (auto *t : {&q, &k, &v})
    for (float &x : *t)
      x = normal(rng);
  std::vector<HostBuffer> in = {{q.data(), {b, 8, s, d}},
                                {k.data(), {b, 2, s, d}},
                                {v.data(), {b, 2, s, d}}};
  std::vector<HostBuffer> out = {{o.data(), {b, 8, s, d}}};
  if (llvm::Error err = (*cpuKernel)->cpuKernel()->run(in, out)) {
    llvm::errs() << "error: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  // Query 0 sees only key 0: its output row is V's row 0 of its KV head.
  double diff = 0;
  for (int64_t f = 0; f < d; ++f)
    diff = std::max(diff, std::fabs(double(o[f]) - double(v[f])));
  llvm::outs() << "cpu: ran " << spec.name << " on B=1 S=100; row 0 = V row 0 "
               << (diff < 1e-6 ? "(ok)" : "(WRONG)") << "\n";

  // The GPU package: a cold compile, a memory hit, then a disk hit from a
  // second compiler sharing the cache directory.
  jit::CompileOptions gpu;
  std::shared_ptr<jit::Kernel> kernel;
  uint64_t compiledBefore = compiler.stats().compiled;
  double cold = millis([&] {
    auto k = compiler.compile(spec.str(), gpu);
    if (k)
      kernel = *k;
    else
      llvm::errs() << "error: " << llvm::toString(k.takeError()) << "\n";
  });
  if (!kernel)
    return 1;
  double memory = millis([&] {
    auto k = compiler.compile(spec.str(), gpu);
    if (!k)
      llvm::consumeError(k.takeError());
  });
  jit::Compiler second(compiler.cacheDirectory());
  double disk = millis([&] {
    auto k = second.compile(spec.str(), gpu);
    if (!k)
      llvm::consumeError(k.takeError());
  });
  jit::CacheStats s1 = compiler.stats(), s2 = second.stats();
  llvm::outs() << "gpu: package for " << kernel->package().target << " ("
               << kernel->package().ptx.size() << " bytes of PTX) in "
               << llvm::format("%.1f", cold) << " ms ("
               << (s1.compiled > compiledBefore ? "compiled"
                                                : "from the disk cache")
               << "); memory hit " << llvm::format("%.3f", memory)
               << " ms; disk hit " << llvm::format("%.3f", disk) << " ms ("
               << (s2.diskHits ? "hit" : "miss") << ")\n";

  // Launch where a GPU answers.
  std::vector<runtime::NpyArray> arrays = {
      runtime::makeNpyFloat32({b, 8, s, d}, q),
      runtime::makeNpyFloat32({b, 2, s, d}, k),
      runtime::makeNpyFloat32({b, 2, s, d}, v)};
  auto run = runtime::runOnHost(kernel->package(), arrays, 10, 2);
  if (!run.ok()) {
    llvm::outs() << "gpu: not run (" << run.message() << ")\n";
    return 0;
  }
  std::vector<float> g(o.size());
  std::memcpy(g.data(), run->outputs[0].bytes.data(), g.size() * 4);
  double maxDiff = 0;
  for (size_t i = 0; i < o.size(); ++i)
    maxDiff = std::max(maxDiff, std::fabs(double(g[i]) - double(o[i])));
  llvm::outs() << "gpu: ran on " << run->deviceName << " in "
               << llvm::format("%.3f", run->medianMs)
               << " ms; max |gpu - cpu| = " << maxDiff << "\n";
  return maxDiff < 1e-3 ? 0 : 1;
}
