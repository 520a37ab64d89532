//===- TileGrid.h - What a mask costs, tile by tile -------------*- C++ -*-===//
//
// Classifies every (Q tile, KV tile) of one batch entry and head, counts the
// empty, full and partial tiles and the visible (q, k) pairs, and draws the
// grid as text or PNG. The tile report and the mask-aware schedule share it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_MASK_TILEGRID_H
#define ATTN_DIALECT_ATTN_MASK_TILEGRID_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include <string>
#include <vector>

namespace attn::mask {

/// Classifies a box after clipping it to the problem: the entry point that
/// callers use rather than the interface method.
TileClass classifyTile(MaskExprAttrInterface mask, Box box, const Context &ctx);

struct TileGrid {
  int64_t qTile = 0, kvTile = 0;
  int64_t rows = 0, cols = 0;
  std::vector<TileClass> cells; ///< row-major: Q tiles by KV tiles
  int64_t empty = 0, full = 0, partial = 0;
  /// Visible (q, k) pairs, counted exactly when `pairsExact`; otherwise an
  /// upper bound (a mask reads run-time data that is not at hand).
  int64_t visiblePairs = 0;
  int64_t totalPairs = 0;
  bool pairsExact = true;

  TileClass at(int64_t r, int64_t c) const { return cells[r * cols + c]; }
  int64_t nonEmpty() const { return full + partial; }
};

/// Builds the grid for batch entry `b` and query head `h`. Pairs inside
/// partial tiles are counted by evaluating visible() when `countPairs`, the
/// mask can be evaluated, and partial tiles hold at most `maxEvaluated`
/// pairs; otherwise the count is an upper bound.
TileGrid computeTileGrid(MaskExprAttrInterface mask, const Context &ctx,
                         int64_t b, int64_t h, int64_t qTile, int64_t kvTile,
                         bool countPairs = true,
                         int64_t maxEvaluated = int64_t(1) << 27);

/// Whether the mask is the same for every head and batch entry and reads
/// no run-time data: its KV ranges and full tiles are known from the
/// lengths alone.
bool isAnalytic(MaskExprAttrInterface mask);

/// Whether visible() can be evaluated with the data in `ctx`.
bool canEvaluate(MaskExprAttrInterface mask, const Context &ctx);

/// The grid as text: `#` full, `+` partial, `.` empty; when wider than
/// `maxWidth`, each character stands for a square block of tiles (`#` all
/// full, `.` all empty, `+` otherwise).
std::string renderTileGrid(const TileGrid &grid, unsigned maxWidth = 64);

/// Writes the grid as an 8-bit RGB PNG, `pixelsPerTile` pixels a side.
llvm::LogicalResult writeTileGridPng(const TileGrid &grid, llvm::StringRef path,
                                     unsigned pixelsPerTile,
                                     std::string &error);

} // namespace attn::mask

#endif // ATTN_DIALECT_ATTN_MASK_TILEGRID_H
