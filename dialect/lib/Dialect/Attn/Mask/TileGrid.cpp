//===- TileGrid.cpp - What a mask costs, tile by tile ---------------------===//
//
// The grid of tile classes for one head, its counts, a text picture and a
// PNG writer (stored-deflate zlib stream, no compression library needed).
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Mask/TileGrid.h"

#include "llvm/Support/CRC.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace attn;
using namespace attn::mask;

TileClass attn::mask::classifyTile(MaskExprAttrInterface mask, Box box,
                                   const Context &ctx) {
  box = ctx.clip(box);
  if (box.q.empty() || box.k.empty())
    return TileClass::Empty;
  return mask.classify(box, ctx);
}

bool attn::mask::isAnalytic(MaskExprAttrInterface mask) {
  Requirements req;
  mask.addRequirements(req);
  return !mask.dependsOnHead() && !req.documents && !req.docOffsets &&
         !req.blockMask && !req.maskModRegion;
}

bool attn::mask::canEvaluate(MaskExprAttrInterface mask, const Context &ctx) {
  Requirements req;
  mask.addRequirements(req);
  if ((req.documents || req.docOffsets) && (!ctx.qDocument || !ctx.kvDocument))
    return false;
  if (req.blockMask && !ctx.blockKept)
    return false;
  if (req.maskModRegion && !ctx.maskMod)
    return false;
  return true;
}

TileGrid attn::mask::computeTileGrid(MaskExprAttrInterface mask,
                                     const Context &ctx, int64_t b, int64_t h,
                                     int64_t qTile, int64_t kvTile,
                                     bool countPairs, int64_t maxEvaluated) {
  TileGrid grid;
  grid.qTile = qTile;
  grid.kvTile = kvTile;
  grid.rows = (ctx.qLen + qTile - 1) / qTile;
  grid.cols = (ctx.kvLen + kvTile - 1) / kvTile;
  grid.cells.reserve(grid.rows * grid.cols);
  grid.totalPairs = ctx.qLen * ctx.kvLen;
  auto boxAt = [&](int64_t r, int64_t c) {
    return ctx.clip(Box{
        b, h, {r * qTile, (r + 1) * qTile}, {c * kvTile, (c + 1) * kvTile}});
  };
  int64_t partialArea = 0;
  for (int64_t r = 0; r < grid.rows; ++r)
    for (int64_t c = 0; c < grid.cols; ++c) {
      Box box = boxAt(r, c);
      grid.cells.push_back(classifyTile(mask, box, ctx));
      if (grid.cells.back() == TileClass::Partial)
        partialArea += box.q.size() * box.k.size();
    }
  bool evaluate =
      countPairs && canEvaluate(mask, ctx) && partialArea <= maxEvaluated;
  grid.pairsExact = evaluate;
  for (int64_t r = 0; r < grid.rows; ++r) {
    for (int64_t c = 0; c < grid.cols; ++c) {
      Box box = boxAt(r, c);
      TileClass cls = grid.at(r, c);
      switch (cls) {
      case TileClass::Empty:
        ++grid.empty;
        break;
      case TileClass::Full:
        ++grid.full;
        grid.visiblePairs += box.q.size() * box.k.size();
        break;
      case TileClass::Partial:
        ++grid.partial;
        if (!evaluate) {
          grid.visiblePairs += box.q.size() * box.k.size();
          break;
        }
        for (int64_t q = box.q.lo; q < box.q.hi; ++q)
          for (int64_t k = box.k.lo; k < box.k.hi; ++k)
            grid.visiblePairs += mask.isVisible(Point{b, h, q, k}, ctx);
        break;
      }
    }
  }
  return grid;
}

std::string attn::mask::renderTileGrid(const TileGrid &grid,
                                       unsigned maxWidth) {
  int64_t block = 1;
  while (maxWidth > 0 && (grid.cols + block - 1) / block > maxWidth)
    ++block;
  std::string out;
  llvm::raw_string_ostream os(out);
  for (int64_t r0 = 0; r0 < grid.rows; r0 += block) {
    for (int64_t c0 = 0; c0 < grid.cols; c0 += block) {
      bool anyFull = false, anyEmpty = false, anyPartial = false;
      for (int64_t r = r0; r < std::min(r0 + block, grid.rows); ++r)
        for (int64_t c = c0; c < std::min(c0 + block, grid.cols); ++c) {
          TileClass cls = grid.at(r, c);
          anyFull |= cls == TileClass::Full;
          anyEmpty |= cls == TileClass::Empty;
          anyPartial |= cls == TileClass::Partial;
        }
      char ch = '+';
      if (!anyPartial && !anyEmpty)
        ch = '#';
      else if (!anyPartial && !anyFull)
        ch = '.';
      os << ch;
    }
    os << '\n';
  }
  if (block > 1)
    os << "(each character is " << block << "x" << block << " tiles)\n";
  return out;
}

//===----------------------------------------------------------------------===//
// PNG
//===----------------------------------------------------------------------===//

static void appendBigEndian(std::string &s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    s.push_back(static_cast<char>((v >> shift) & 0xff));
}

static void appendChunk(std::string &png, const char type[4],
                        llvm::StringRef data) {
  appendBigEndian(png, data.size());
  std::string body(type, 4);
  body.append(data.begin(), data.end());
  png += body;
  appendBigEndian(png, llvm::crc32(llvm::arrayRefFromStringRef(body)));
}

LogicalResult attn::mask::writeTileGridPng(const TileGrid &grid,
                                           llvm::StringRef path,
                                           unsigned pixelsPerTile,
                                           std::string &error) {
  uint64_t width = grid.cols * pixelsPerTile,
           height = grid.rows * pixelsPerTile;
  if (width == 0 || height == 0 || width > 16384 || height > 16384) {
    error = "tile grid picture would be " + std::to_string(width) + "x" +
            std::to_string(height) + " pixels";
    return failure();
  }
  // Raw scanlines: a filter byte (0) then RGB triples.
  std::string raw;
  raw.reserve(height * (1 + 3 * width));
  for (uint64_t y = 0; y < height; ++y) {
    raw.push_back(0);
    for (uint64_t x = 0; x < width; ++x) {
      TileClass cls = grid.at(y / pixelsPerTile, x / pixelsPerTile);
      bool border = pixelsPerTile >= 4 &&
                    (x % pixelsPerTile == 0 || y % pixelsPerTile == 0);
      uint8_t rgb[3];
      switch (cls) {
      case TileClass::Full:
        rgb[0] = 31, rgb[1] = 78, rgb[2] = 153;
        break;
      case TileClass::Partial:
        rgb[0] = 240, rgb[1] = 160, rgb[2] = 40;
        break;
      case TileClass::Empty:
        rgb[0] = rgb[1] = rgb[2] = 250;
        break;
      }
      for (uint8_t ch : rgb)
        raw.push_back(static_cast<char>(border ? ch * 3 / 4 : ch));
    }
  }
  // zlib stream of stored deflate blocks.
  std::string z = {0x78, 0x01};
  for (size_t pos = 0; pos < raw.size() || pos == 0;) {
    size_t n = std::min<size_t>(65535, raw.size() - pos);
    bool last = pos + n == raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<char>(n & 0xff));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xff));
    z.push_back(static_cast<char>((~n >> 8) & 0xff));
    z.append(raw, pos, n);
    pos += n;
    if (last)
      break;
  }
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  appendBigEndian(z, (b << 16) | a);

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  appendBigEndian(header, width);
  appendBigEndian(header, height);
  header += std::string{8, 2, 0, 0, 0}; // 8-bit RGB, no interlace
  appendChunk(png, "IHDR", header);
  appendChunk(png, "IDAT", z);
  appendChunk(png, "IEND", "");

  std::error_code ec;
  llvm::raw_fd_ostream file(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  file << png;
  return success();
}
