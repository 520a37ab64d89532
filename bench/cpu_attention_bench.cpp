//===- cpu_attention_bench.cpp - The CPU path against naive attention -----===//
//
// Google Benchmark program: the attn-to-cpu kernel of a causal and a dense
// f32 attention against a naive implementation (materialised score matrix,
// softmax, then P V, in plain C++ loops) at a few sizes. Reports visible
// GFLOP/s (4 * visible pairs * D per head). A benchmark, not a test.
//
//===----------------------------------------------------------------------===//

#include "attn/Target/CPU/CpuKernel.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace attn;

namespace {

struct Problem {
  int64_t heads, seq, dim;
  bool causal;
};

std::string specFor(const Problem &p) {
  std::string t = "tensor<1x" + std::to_string(p.heads) + "x" +
                  std::to_string(p.seq) + "x" + std::to_string(p.dim) + "xf32>";
  std::string mask = p.causal ? " {mask = #attn.mask<causal>}" : "";
  return "func.func @f(%q: " + t + ", %k: " + t + ", %v: " + t + ") -> " + t +
         " {\n  %o = attn.attention %q, %k, %v" + mask + " : " + t + ", " + t +
         ", " + t + " -> " + t + "\n  return %o : " + t + "\n}\n";
}

double visibleFlops(const Problem &p) {
  double pairs =
      p.causal ? p.seq * (p.seq + 1) / 2.0 : static_cast<double>(p.seq) * p.seq;
  return 4.0 * p.heads * pairs * p.dim;
}

/// Naive attention: S = Q K^T / sqrt(D) (masked), softmax, O = P V.
void naiveAttention(const Problem &p, const float *q, const float *k,
                    const float *v, float *o) {
  int64_t s = p.seq, d = p.dim;
  std::vector<float> scores(s * s);
  float scale = 1.0f / std::sqrt(static_cast<float>(d));
  for (int64_t h = 0; h < p.heads; ++h) {
    const float *qh = q + h * s * d, *kh = k + h * s * d, *vh = v + h * s * d;
    float *oh = o + h * s * d;
    for (int64_t i = 0; i < s; ++i)
      for (int64_t j = 0; j < s; ++j) {
        float acc = 0;
        for (int64_t e = 0; e < d; ++e)
          acc += qh[i * d + e] * kh[j * d + e];
        scores[i * s + j] = (p.causal && j > i)
                                ? -std::numeric_limits<float>::infinity()
                                : acc * scale;
      }
    for (int64_t i = 0; i < s; ++i) {
      float m = -std::numeric_limits<float>::infinity(), sum = 0;
      for (int64_t j = 0; j < s; ++j)
        m = std::max(m, scores[i * s + j]);
      for (int64_t j = 0; j < s; ++j)
        sum += scores[i * s + j] = std::exp(scores[i * s + j] - m);
      for (int64_t e = 0; e < d; ++e) {
        float acc = 0;
        for (int64_t j = 0; j < s; ++j)
          acc += scores[i * s + j] * vh[j * d + e];
        oh[i * d + e] = acc / sum;
      }
    }
  }
}

struct Inputs {
  std::vector<float> q, k, v, o;
  explicit Inputs(const Problem &p) {
    size_t n = p.heads * p.seq * p.dim;
    std::mt19937 rng(1);
    std::normal_distribution<float> normal;
    for (auto *x : {&q, &k, &v}) {
      x->resize(n);
      for (float &f : *x)
        f = normal(rng);
    }
    o.resize(n);
  }
};

const Problem kProblems[] = {{4, 256, 64, true},
                             {4, 256, 64, false},
                             {8, 512, 64, true},
                             {8, 512, 64, false},
                             {8, 1024, 64, true}};

void BM_AttnCpu(benchmark::State &state) {
  const Problem &p = kProblems[state.range(0)];
  auto kernel = CpuKernel::compile(specFor(p));
  if (!kernel) {
    state.SkipWithError(llvm::toString(kernel.takeError()).c_str());
    return;
  }
  Inputs in(p);
  std::vector<int64_t> shape = {1, p.heads, p.seq, p.dim};
  std::vector<HostBuffer> inputs = {
      {in.q.data(), shape}, {in.k.data(), shape}, {in.v.data(), shape}};
  std::vector<HostBuffer> outputs = {{in.o.data(), shape}};
  for (auto _ : state) {
    if (auto err = (*kernel)->run(inputs, outputs)) {
      state.SkipWithError(llvm::toString(std::move(err)).c_str());
      return;
    }
    benchmark::DoNotOptimize(in.o.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      visibleFlops(p) * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(std::string(p.causal ? "causal" : "dense") + " H" +
                 std::to_string(p.heads) + " S" + std::to_string(p.seq) + " D" +
                 std::to_string(p.dim));
}

void BM_Naive(benchmark::State &state) {
  const Problem &p = kProblems[state.range(0)];
  Inputs in(p);
  for (auto _ : state) {
    naiveAttention(p, in.q.data(), in.k.data(), in.v.data(), in.o.data());
    benchmark::DoNotOptimize(in.o.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      visibleFlops(p) * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(std::string(p.causal ? "causal" : "dense") + " H" +
                 std::to_string(p.heads) + " S" + std::to_string(p.seq) + " D" +
                 std::to_string(p.dim));
}

} // namespace

BENCHMARK(BM_AttnCpu)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Naive)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
