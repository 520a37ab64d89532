//===- MaskTestUtils.h - Shared helpers of the mask unit tests --*- C++ -*-===//
//
// A context with everything attn registers, mask parsing from text, and the
// random run-time data (document ids or offsets, block masks) the
// data-dependent kinds read.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_MASKTESTUTILS_H
#define ATTN_TEST_UNIT_MASKTESTUTILS_H

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/Mask/TileGrid.h"
#include "attn/InitAll.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace attn::test {

inline std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  auto ctx = std::make_unique<mlir::MLIRContext>(registry);
  ctx->loadAllAvailableDialects();
  return ctx;
}

/// Parses `#attn.mask<text>`; null (and the diagnostic in `error`) on failure.
inline MaskExprAttrInterface parseMask(mlir::MLIRContext &ctx,
                                       const std::string &text,
                                       std::string *error = nullptr) {
  std::string diag;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    diag += d.str() + "\n";
    return mlir::success();
  });
  auto attr = llvm::dyn_cast_or_null<MaskAttr>(
      mlir::parseAttribute("#attn.mask<" + text + ">", &ctx));
  if (error)
    *error = diag;
  return attr ? attr.getExpr() : MaskExprAttrInterface();
}

inline std::string printMask(MaskExprAttrInterface e) {
  std::string s;
  llvm::raw_string_ostream os(s);
  e.printExpr(os);
  return s;
}

/// Random run-time data for one problem, owned here and exposed through a
/// mask::Context's callbacks.
struct RuntimeData {
  std::vector<std::vector<int64_t>> qDocs, kvDocs;     ///< [b][pos]
  std::vector<std::vector<int64_t>> qStarts, kvStarts; ///< [b][N + 1]
  std::vector<uint8_t> blocks; ///< [b][h][qb][kb], b and h broadcast at 1
  int64_t batches = 1, heads = 1, qBlocks = 0, kBlocks = 0;

  /// Documents as sorted runs of random lengths; some batches end in padding
  /// (id -1). Queries and keys share the run structure when Sq == Sk. With
  /// `scramble`, half the rows are out of order: a run takes an earlier
  /// run's id (one document in two runs) or becomes padding.
  void makeDocuments(std::mt19937_64 &rng, int64_t batch, int64_t qLen,
                     int64_t kvLen, bool scramble = false) {
    auto runs = [&](int64_t len) {
      std::vector<int64_t> ids(len);
      int64_t doc = 0, left = 1 + rng() % 12;
      int64_t pad = rng() % 3 == 0 ? len - len / 5 : len;
      for (int64_t i = 0; i < len; ++i) {
        if (left-- == 0) {
          ++doc;
          left = rng() % 12;
        }
        ids[i] = i >= pad ? -1 : doc;
      }
      if (scramble && doc > 0 && rng() % 2) {
        int64_t from = rng() % doc + 1;
        int64_t to = rng() % 3 == 0 ? -1 : int64_t(rng() % from);
        for (int64_t &id : ids)
          if (id == from)
            id = to;
      }
      return ids;
    };
    qDocs.clear();
    kvDocs.clear();
    for (int64_t b = 0; b < batch; ++b) {
      qDocs.push_back(runs(qLen));
      kvDocs.push_back(qLen == kvLen ? qDocs.back() : runs(kvLen));
    }
  }

  /// Cumulative document starts for document(offsets): the same number of
  /// documents N for queries and keys, of random lengths (some empty); a
  /// row may start after 0 (leading padding) and end before the sequence
  /// (trailing padding) or after it.
  void makeOffsets(std::mt19937_64 &rng, int64_t batch, int64_t qLen,
                   int64_t kvLen) {
    int64_t docs = 1 + rng() % 8;
    auto starts = [&](int64_t len) {
      std::vector<int64_t> s(docs + 1);
      s[0] = rng() % 4 == 0 ? rng() % 5 : 0;
      for (int64_t i = 1; i <= docs; ++i)
        s[i] = s[0] + rng() % (len + 3);
      std::sort(s.begin(), s.end());
      if (rng() % 2)
        s[docs] = std::max(s[docs - 1], len);
      return s;
    };
    qStarts.clear();
    kvStarts.clear();
    for (int64_t b = 0; b < batch; ++b) {
      qStarts.push_back(starts(qLen));
      kvStarts.push_back(starts(kvLen));
    }
  }

  /// A block mask of `batch` x `h` x nq x nk bits; a batch or head extent of
  /// 1 broadcasts.
  void makeBlocks(std::mt19937_64 &rng, int64_t batch, int64_t h, int64_t nq,
                  int64_t nk, unsigned keepPercent) {
    batches = batch;
    heads = h;
    qBlocks = nq;
    kBlocks = nk;
    blocks.resize(batch * h * nq * nk);
    for (auto &bit : blocks)
      bit = (rng() % 100) < keepPercent;
  }

  void attach(mask::Context &ctx) const {
    if (!qDocs.empty()) {
      ctx.qDocument = [this](int64_t b, int64_t q) { return qDocs[b][q]; };
      ctx.kvDocument = [this](int64_t b, int64_t k) { return kvDocs[b][k]; };
    }
    if (!qStarts.empty()) {
      ctx.qDocument = [this](int64_t b, int64_t q) {
        return mask::documentFromOffsets(qStarts[b].data(), qStarts[b].size(),
                                         q);
      };
      ctx.kvDocument = [this](int64_t b, int64_t k) {
        return mask::documentFromOffsets(kvStarts[b].data(), kvStarts[b].size(),
                                         k);
      };
    }
    if (!blocks.empty())
      ctx.blockKept = [this](int64_t b, int64_t h, int64_t qb, int64_t kb) {
        if (qb >= qBlocks || kb >= kBlocks)
          return false;
        b = batches == 1 ? 0 : b;
        h = heads == 1 ? 0 : h;
        return blocks[((b * heads + h) * qBlocks + qb) * kBlocks + kb] != 0;
      };
  }
};

} // namespace attn::test

#endif // ATTN_TEST_UNIT_MASKTESTUTILS_H
