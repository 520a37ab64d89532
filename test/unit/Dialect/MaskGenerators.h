//===- MaskGenerators.h - Random mask expressions for tests -----*- C++ -*-===//
//
// Draws random parameters for each mask kind, as text of #attn.mask, for a
// problem of given extents; used by the classifier and syntax tests.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_DIALECT_MASKGENERATORS_H
#define ATTN_TEST_UNIT_DIALECT_MASKGENERATORS_H

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace attn::test {

struct Problem {
  int64_t batch = 1, heads = 1, qLen = 1, kvLen = 1;
};

inline int64_t pick(std::mt19937_64 &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

inline std::string intList(const std::vector<int64_t> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

/// A random mask of one kind for `p` (which the generator may reshape, e.g.
/// neighborhood sets Sq = Sk = the grid size).
using MaskGenerator = std::function<std::string(std::mt19937_64 &, Problem &)>;

inline std::string alignment(std::mt19937_64 &rng) {
  return pick(rng, 0, 1) ? ", bottom_right" : "";
}

inline std::string genCausal(std::mt19937_64 &rng, Problem &) {
  return pick(rng, 0, 1) ? "causal(bottom_right)" : "causal";
}
inline std::string genWindow(std::mt19937_64 &rng, Problem &) {
  return "window(" + std::to_string(pick(rng, 0, 40)) + ", " +
         std::to_string(pick(rng, 0, 40)) + alignment(rng) + ")";
}
inline std::string genSink(std::mt19937_64 &rng, Problem &) {
  return "sink(" + std::to_string(pick(rng, 1, 40)) + ")";
}
inline std::string genPrefix(std::mt19937_64 &rng, Problem &) {
  return "prefix(" + std::to_string(pick(rng, 1, 80)) + ")";
}
inline std::string genChunk(std::mt19937_64 &rng, Problem &) {
  int64_t size = pick(rng, 1, 40);
  return "chunk(" + std::to_string(size) + ", " +
         std::to_string(pick(rng, 0, size - 1)) + ")";
}
inline std::string genDilated(std::mt19937_64 &rng, Problem &) {
  return "dilated(" + std::to_string(pick(rng, 0, 40)) + ", " +
         std::to_string(pick(rng, 1, 6)) + ")";
}
inline std::string genGlobal(std::mt19937_64 &rng, Problem &p) {
  std::vector<int64_t> tokens;
  int64_t longest = std::max(p.qLen, p.kvLen);
  for (int64_t t = pick(rng, 0, 5); t < longest; t += pick(rng, 1, 30))
    tokens.push_back(t);
  if (tokens.empty())
    tokens.push_back(0);
  std::string s = "global(";
  for (size_t i = 0; i < tokens.size(); ++i)
    s += (i ? ", " : "") + std::to_string(tokens[i]);
  return s + ")";
}
inline std::string genStrided(std::mt19937_64 &rng, Problem &p) {
  p.heads = pick(rng, 1, 6);
  std::string s = "strided(" + std::to_string(pick(rng, 0, 7)) + ", " +
                  std::to_string(pick(rng, 1, 9));
  if (pick(rng, 0, 2))
    s += ", " + std::to_string(pick(rng, 0, 12));
  return s + ")";
}
inline std::string genNeighborhood(std::mt19937_64 &rng, Problem &p) {
  int64_t rank = pick(rng, 1, 3);
  std::vector<int64_t> extents, kernel, dilation, stride;
  std::string causal = "[";
  int64_t tokens = 1;
  for (int64_t a = 0; a < rank; ++a) {
    int64_t extent = rank == 1   ? pick(rng, 1, 120)
                     : rank == 2 ? pick(rng, 1, 14)
                                 : pick(rng, 1, 6);
    int64_t dil = pick(rng, 1, std::max<int64_t>(1, extent / 2));
    int64_t k = pick(rng, 1, extent / dil);
    extents.push_back(extent);
    dilation.push_back(dil);
    kernel.push_back(k);
    stride.push_back(pick(rng, 1, k));
    causal +=
        std::string(a ? ", " : "") + (pick(rng, 0, 2) == 0 ? "true" : "false");
    tokens *= extent;
  }
  p.qLen = p.kvLen = tokens;
  return "neighborhood(extents = " + intList(extents) +
         ", kernel = " + intList(kernel) + ", dilation = " + intList(dilation) +
         ", stride = " + intList(stride) + ", causal = " + causal + "])";
}
inline std::string genBlocksStatic(std::mt19937_64 &rng, Problem &p) {
  int64_t bq = pick(rng, 1, 24), bk = pick(rng, 1, 24);
  int64_t nq = (p.qLen + bq - 1) / bq, nk = (p.kvLen + bk - 1) / bk;
  bool perHead = pick(rng, 0, 1);
  auto matrix = [&] {
    std::string s = "[";
    for (int64_t i = 0; i < nq; ++i) {
      s += i ? ", [" : "[";
      for (int64_t j = 0; j < nk; ++j)
        s += std::string(j ? ", " : "") + (pick(rng, 0, 2) ? "1" : "0");
      s += "]";
    }
    return s + "]";
  };
  std::string layout;
  if (perHead) {
    layout = "[";
    for (int64_t h = 0; h < p.heads; ++h)
      layout += (h ? ", " : "") + matrix();
    layout += "]";
  } else {
    layout = matrix();
  }
  return "blocks(" + std::to_string(bq) + ", " + std::to_string(bk) + ", " +
         layout + ")";
}
inline std::string genHeads(std::mt19937_64 &rng, Problem &p) {
  p.heads = pick(rng, 2, 5);
  std::string s = "heads([0] : causal & window(" +
                  std::to_string(pick(rng, 0, 20)) + "), [1";
  if (p.heads > 2)
    s += ", 2";
  s += "] : (sink(" + std::to_string(pick(rng, 1, 9)) + ") | chunk(" +
       std::to_string(pick(rng, 1, 30)) + "))";
  return s + ", * : dilated(" + std::to_string(pick(rng, 0, 20)) + ", 2))";
}

/// A random expression of depth up to `depth` over `leaves`, combined with
/// `&`, `|` and `!`.
inline std::string genComposition(std::mt19937_64 &rng, Problem &p,
                                  const std::vector<MaskGenerator> &leaves,
                                  int depth) {
  if (depth == 0 || pick(rng, 0, 2) == 0)
    return leaves[pick(rng, 0, leaves.size() - 1)](rng, p);
  switch (pick(rng, 0, 2)) {
  case 0:
    return "(" + genComposition(rng, p, leaves, depth - 1) + " & " +
           genComposition(rng, p, leaves, depth - 1) + ")";
  case 1:
    return "(" + genComposition(rng, p, leaves, depth - 1) + " | " +
           genComposition(rng, p, leaves, depth - 1) + ")";
  default:
    return "!" + genComposition(rng, p, leaves, depth - 1);
  }
}

} // namespace attn::test

#endif // ATTN_TEST_UNIT_DIALECT_MASKGENERATORS_H
