//===- AnalyticMasks.cpp - Mask kinds with closed-form tiles --------------===//
//
// all, causal, window, sink, prefix, chunk, dilated, global and strided: the
// kinds whose visible set is a closed-form function of (h, q, k). Their tile
// classifiers are exact and O(1) (global: O(log tokens)). Each kind's IR
// builders mirror its C++ methods: visible() always; the KV range exactly
// for all of them; "tile is full" exactly for all but strided (default:
// false).
//
//===----------------------------------------------------------------------===//

#include "MaskUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace attn;
using namespace attn::mask;

using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;
using arith::CmpIPredicate;

static const char *alignmentSuffix(Alignment align) {
  return align == Alignment::bottom_right ? ", bottom_right" : "";
}

//===----------------------------------------------------------------------===//
// all
//===----------------------------------------------------------------------===//

bool AllMaskAttr::isVisible(const Point &, const Context &) const {
  return true;
}
TileClass AllMaskAttr::classify(const Box &, const Context &) const {
  return TileClass::Full;
}
Interval AllMaskAttr::kvRange(int64_t, int64_t, Interval q,
                              const Context &ctx) const {
  return q.empty() ? Interval{0, 0} : Interval{0, ctx.kvLen};
}
void AllMaskAttr::printExpr(llvm::raw_ostream &os) const { os << "all"; }
Value AllMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                const IRArgs &) const {
  return IREmitter(builder, loc).boolean(true);
}
bool AllMaskAttr::showsKeyIntervals(bool) const { return true; }
Value AllMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                   const IRArgs &) const {
  return IREmitter(builder, loc).boolean(true);
}

//===----------------------------------------------------------------------===//
// causal
//===----------------------------------------------------------------------===//

bool CausalMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  return p.k <= p.q + diagonalOffset(getAlignment(), ctx);
}
TileClass CausalMaskAttr::classify(const Box &box, const Context &ctx) const {
  return classifyBand(box, diagonalOffset(getAlignment(), ctx), -kUnbounded, 0);
}
Interval CausalMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                 const Context &ctx) const {
  return bandKeys(q, diagonalOffset(getAlignment(), ctx), -kUnbounded, 0, ctx);
}
void CausalMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "causal";
  if (getAlignment() == Alignment::bottom_right)
    os << "(bottom_right)";
}
Value CausalMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter e(builder, loc);
  return buildBandVisible(e, args.q, args.k,
                          buildDiagonalOffset(e, getAlignment(), args),
                          -kUnbounded, 0);
}
bool CausalMaskAttr::showsKeyIntervals(bool) const { return true; }
IRKeys CausalMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  IREmitter e(builder, loc);
  return buildBandKeys(e, args, buildDiagonalOffset(e, getAlignment(), args),
                       -kUnbounded, 0);
}
Value CausalMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                      const IRArgs &args) const {
  IREmitter e(builder, loc);
  return buildBandFull(e, args, buildDiagonalOffset(e, getAlignment(), args),
                       -kUnbounded, 0);
}

//===----------------------------------------------------------------------===//
// window
//===----------------------------------------------------------------------===//

LogicalResult WindowMaskAttr::verify(EmitErrorFn emitError, int64_t left,
                                     int64_t right, Alignment) {
  if (left < 0 || right < 0)
    return emitError() << "window extents must be >= 0, found (" << left << ", "
                       << right << ")";
  if (left >= kUnbounded || right >= kUnbounded)
    return emitError() << "window extents must be < 2^60, found (" << left
                       << ", " << right << ")";
  return success();
}
bool WindowMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  int64_t d = p.k - p.q - diagonalOffset(getAlignment(), ctx);
  return d >= -getLeft() && d <= getRight();
}
TileClass WindowMaskAttr::classify(const Box &box, const Context &ctx) const {
  return classifyBand(box, diagonalOffset(getAlignment(), ctx), -getLeft(),
                      getRight());
}
Interval WindowMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                 const Context &ctx) const {
  return bandKeys(q, diagonalOffset(getAlignment(), ctx), -getLeft(),
                  getRight(), ctx);
}
void WindowMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "window(" << getLeft();
  if (getRight() != getLeft())
    os << ", " << getRight();
  os << alignmentSuffix(getAlignment()) << ")";
}
Value WindowMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter e(builder, loc);
  return buildBandVisible(e, args.q, args.k,
                          buildDiagonalOffset(e, getAlignment(), args),
                          -getLeft(), getRight());
}
bool WindowMaskAttr::showsKeyIntervals(bool) const { return true; }
IRKeys WindowMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  IREmitter e(builder, loc);
  return buildBandKeys(e, args, buildDiagonalOffset(e, getAlignment(), args),
                       -getLeft(), getRight());
}
Value WindowMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                      const IRArgs &args) const {
  IREmitter e(builder, loc);
  return buildBandFull(e, args, buildDiagonalOffset(e, getAlignment(), args),
                       -getLeft(), getRight());
}

//===----------------------------------------------------------------------===//
// sink
//===----------------------------------------------------------------------===//

LogicalResult SinkMaskAttr::verify(EmitErrorFn emitError, int64_t count) {
  if (count < 1)
    return emitError() << "sink size must be >= 1, found " << count;
  return success();
}
bool SinkMaskAttr::isVisible(const Point &p, const Context &) const {
  return p.k < getCount();
}
TileClass SinkMaskAttr::classify(const Box &box, const Context &) const {
  if (box.k.lo >= getCount())
    return TileClass::Empty;
  return box.k.hi <= getCount() ? TileClass::Full : TileClass::Partial;
}
Interval SinkMaskAttr::kvRange(int64_t, int64_t, Interval q,
                               const Context &ctx) const {
  if (q.empty())
    return {0, 0};
  return Interval{0, getCount()}.intersect({0, ctx.kvLen});
}
void SinkMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "sink(" << getCount() << ")";
}
Value SinkMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                 const IRArgs &args) const {
  IREmitter e(builder, loc);
  return e.cmp(CmpIPredicate::slt, args.k, getCount());
}
IRKeys SinkMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                  const IRArgs &args) const {
  IREmitter e(builder, loc);
  return e.clipKeys(e.index(0), e.index(getCount()), args.kvLen);
}
Value SinkMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  IREmitter e(builder, loc);
  return e.cmp(CmpIPredicate::sle, args.kHi, getCount());
}

//===----------------------------------------------------------------------===//
// prefix
//===----------------------------------------------------------------------===//

LogicalResult PrefixMaskAttr::verify(EmitErrorFn emitError, int64_t length) {
  if (length < 1)
    return emitError() << "prefix length must be >= 1, found " << length;
  return success();
}
bool PrefixMaskAttr::isVisible(const Point &p, const Context &) const {
  return p.q < getLength() && p.k < getLength();
}
TileClass PrefixMaskAttr::classify(const Box &box, const Context &) const {
  int64_t n = getLength();
  if (box.q.lo >= n || box.k.lo >= n)
    return TileClass::Empty;
  return box.q.hi <= n && box.k.hi <= n ? TileClass::Full : TileClass::Partial;
}
Interval PrefixMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                 const Context &ctx) const {
  if (q.empty() || q.lo >= getLength())
    return {0, 0};
  return Interval{0, getLength()}.intersect({0, ctx.kvLen});
}
void PrefixMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "prefix(" << getLength() << ")";
}
Value PrefixMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter e(builder, loc);
  return e.land(e.cmp(CmpIPredicate::slt, args.q, getLength()),
                e.cmp(CmpIPredicate::slt, args.k, getLength()));
}
bool PrefixMaskAttr::showsKeyIntervals(bool) const { return true; }
IRKeys PrefixMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  IREmitter e(builder, loc);
  // Queries from the prefix's end on see nothing.
  Value hi = e.select(e.cmp(CmpIPredicate::slt, args.qLo, getLength()),
                      e.index(getLength()), e.index(0));
  return e.clipKeys(e.index(0), hi, args.kvLen);
}
Value PrefixMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                      const IRArgs &args) const {
  IREmitter e(builder, loc);
  return e.land(e.cmp(CmpIPredicate::sle, args.qHi, getLength()),
                e.cmp(CmpIPredicate::sle, args.kHi, getLength()));
}

//===----------------------------------------------------------------------===//
// chunk
//===----------------------------------------------------------------------===//

LogicalResult ChunkMaskAttr::verify(EmitErrorFn emitError, int64_t size,
                                    int64_t shift) {
  if (size < 1 || size >= kUnbounded)
    return emitError() << "chunk size must be >= 1 and < 2^60, found " << size;
  if (shift < 0 || shift >= size)
    return emitError() << "chunk shift must be in [0, " << size << "), found "
                       << shift;
  return success();
}
static int64_t chunkOf(int64_t i, int64_t size, int64_t shift) {
  return floorDiv(i + shift, size);
}
bool ChunkMaskAttr::isVisible(const Point &p, const Context &) const {
  return chunkOf(p.q, getSize(), getShift()) ==
         chunkOf(p.k, getSize(), getShift());
}
TileClass ChunkMaskAttr::classify(const Box &box, const Context &) const {
  int64_t s = getSize(), sh = getShift();
  Interval qc{chunkOf(box.q.lo, s, sh), chunkOf(box.q.hi - 1, s, sh) + 1};
  Interval kc{chunkOf(box.k.lo, s, sh), chunkOf(box.k.hi - 1, s, sh) + 1};
  if (qc.intersect(kc).empty())
    return TileClass::Empty;
  return qc.size() == 1 && qc == kc ? TileClass::Full : TileClass::Partial;
}
Interval ChunkMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                const Context &ctx) const {
  if (q.empty())
    return {0, 0};
  int64_t s = getSize(), sh = getShift();
  Interval keys{chunkOf(q.lo, s, sh) * s - sh,
                (chunkOf(q.hi - 1, s, sh) + 1) * s - sh};
  return keys.intersect({0, ctx.kvLen});
}
void ChunkMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "chunk(" << getSize();
  if (getShift())
    os << ", " << getShift();
  os << ")";
}
/// chunkOf() as IR, for a position i >= 0.
static Value buildChunkOf(IREmitter &e, Value i, int64_t size, int64_t shift) {
  return e.divS(e.add(i, shift), size);
}
Value ChunkMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                  const IRArgs &args) const {
  IREmitter e(builder, loc);
  return e.cmp(CmpIPredicate::eq,
               buildChunkOf(e, args.q, getSize(), getShift()),
               buildChunkOf(e, args.k, getSize(), getShift()));
}
bool ChunkMaskAttr::showsKeyIntervals(bool) const { return true; }
IRKeys ChunkMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter e(builder, loc);
  int64_t s = getSize(), sh = getShift();
  Value first = buildChunkOf(e, args.qLo, s, sh);
  Value last = buildChunkOf(e, e.sub(args.qHi, 1), s, sh);
  return e.clipKeys(e.sub(e.mul(first, s), sh),
                    e.sub(e.mul(e.add(last, 1), s), sh), args.kvLen);
}
Value ChunkMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                     const IRArgs &args) const {
  // Every query and every key of the tile in one chunk.
  IREmitter e(builder, loc);
  int64_t s = getSize(), sh = getShift();
  Value chunk = buildChunkOf(e, args.qLo, s, sh);
  Value full = e.cmp(CmpIPredicate::eq, chunk,
                     buildChunkOf(e, e.sub(args.qHi, 1), s, sh));
  full = e.land(
      full, e.cmp(CmpIPredicate::eq, chunk, buildChunkOf(e, args.kLo, s, sh)));
  return e.land(full, e.cmp(CmpIPredicate::eq, chunk,
                            buildChunkOf(e, e.sub(args.kHi, 1), s, sh)));
}

//===----------------------------------------------------------------------===//
// dilated
//===----------------------------------------------------------------------===//

LogicalResult DilatedMaskAttr::verify(EmitErrorFn emitError, int64_t width,
                                      int64_t dilation) {
  if (width < 0 || width >= kUnbounded)
    return emitError() << "dilated window width must be >= 0 and < 2^60, "
                          "found "
                       << width;
  if (dilation < 1 || dilation >= kUnbounded)
    return emitError() << "dilation must be >= 1 and < 2^60, found "
                       << dilation;
  return success();
}
bool DilatedMaskAttr::isVisible(const Point &p, const Context &) const {
  int64_t d = p.k - p.q;
  return d >= -getWidth() && d <= getWidth() && floorMod(d, getDilation()) == 0;
}
TileClass DilatedMaskAttr::classify(const Box &box, const Context &) const {
  int64_t w = getWidth(), dil = getDilation();
  Interval span = bandSpan(box, 0);
  Interval inside = span.intersect({-w, w + 1});
  // Is there a multiple of the dilation among the differences in the window?
  int64_t firstMultiple = ceilDiv(inside.lo, dil) * dil;
  if (inside.empty() || firstMultiple >= inside.hi)
    return TileClass::Empty;
  bool allInWindow = inside == span;
  bool allMultiples =
      dil == 1 || (span.size() == 1 && floorMod(span.lo, dil) == 0);
  return allInWindow && allMultiples ? TileClass::Full : TileClass::Partial;
}
Interval DilatedMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                  const Context &ctx) const {
  return bandKeys(q, 0, -getWidth(), getWidth(), ctx);
}
void DilatedMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "dilated(" << getWidth() << ", " << getDilation() << ")";
}
Value DilatedMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  IREmitter e(builder, loc);
  Value visible =
      buildBandVisible(e, args.q, args.k, Value(), -getWidth(), getWidth());
  if (getDilation() == 1)
    return visible;
  // The sign of the remainder does not matter for a test against 0.
  Value rem = e.remS(e.sub(args.k, args.q), getDilation());
  return e.land(visible, e.cmp(CmpIPredicate::eq, rem, 0));
}
IRKeys DilatedMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                     const IRArgs &args) const {
  IREmitter e(builder, loc);
  return buildBandKeys(e, args, Value(), -getWidth(), getWidth());
}
Value DilatedMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                       const IRArgs &args) const {
  IREmitter e(builder, loc);
  if (getDilation() == 1)
    return buildBandFull(e, args, Value(), -getWidth(), getWidth());
  // With d >= 2 two differences k - q in a row are never both visible: only
  // a 1 x 1 tile with a visible pair is full.
  IRArgs corner = args;
  corner.q = args.qLo;
  corner.k = args.kLo;
  Value single = e.land(e.cmp(CmpIPredicate::eq, args.qHi, e.add(args.qLo, 1)),
                        e.cmp(CmpIPredicate::eq, args.kHi, e.add(args.kLo, 1)));
  return e.land(single, buildVisible(builder, loc, corner));
}

//===----------------------------------------------------------------------===//
// global
//===----------------------------------------------------------------------===//

LogicalResult GlobalMaskAttr::verify(EmitErrorFn emitError,
                                     ArrayRef<int64_t> tokens) {
  if (tokens.empty())
    return emitError() << "global needs at least one token";
  for (auto [i, t] : llvm::enumerate(tokens)) {
    if (t < 0)
      return emitError() << "global token must be >= 0, found " << t;
    if (i > 0 && tokens[i - 1] >= t)
      return emitError() << "global tokens must be strictly increasing, found "
                         << tokens[i - 1] << " before " << t;
  }
  return success();
}
/// Number of global tokens in [r.lo, r.hi).
static int64_t countTokens(ArrayRef<int64_t> tokens, Interval r) {
  auto lo = llvm::lower_bound(tokens, r.lo);
  auto hi = llvm::lower_bound(tokens, r.hi);
  return hi - lo;
}
bool GlobalMaskAttr::isVisible(const Point &p, const Context &) const {
  return llvm::binary_search(getTokens(), p.q) ||
         llvm::binary_search(getTokens(), p.k);
}
TileClass GlobalMaskAttr::classify(const Box &box, const Context &) const {
  int64_t nq = countTokens(getTokens(), box.q);
  int64_t nk = countTokens(getTokens(), box.k);
  if (nq == box.q.size() || nk == box.k.size())
    return TileClass::Full;
  return nq == 0 && nk == 0 ? TileClass::Empty : TileClass::Partial;
}
Interval GlobalMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                 const Context &ctx) const {
  if (q.empty())
    return {0, 0};
  if (countTokens(getTokens(), q) > 0)
    return {0, ctx.kvLen};
  return Interval{getTokens().front(), getTokens().back() + 1}.intersect(
      {0, ctx.kvLen});
}
LogicalResult GlobalMaskAttr::verifyShape(const ShapeInfo &shape,
                                          EmitErrorFn emitError) const {
  if (shape.qLen == kDynamic || shape.kvLen == kDynamic)
    return success();
  int64_t longest = std::max(shape.qLen, shape.kvLen);
  if (getTokens().back() >= longest)
    return emitError() << "global token " << getTokens().back()
                       << " is out of range for sequence length " << longest;
  return success();
}
void GlobalMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "global(";
  llvm::interleaveComma(getTokens(), os);
  os << ")";
}
/// countTokens() as IR: the number of tokens in [lo, hi).
static Value buildCountTokens(IREmitter &e, ArrayRef<int64_t> tokens, Value lo,
                              Value hi) {
  Value count = e.index(0);
  for (int64_t t : tokens) {
    Value in = e.land(e.cmp(CmpIPredicate::sle, lo, t),
                      e.cmp(CmpIPredicate::sgt, hi, t));
    count = e.add(count, e.select(in, e.index(1), e.index(0)));
  }
  return count;
}
Value GlobalMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter e(builder, loc);
  return e.lor(e.isAnyOf(args.q, getTokens()), e.isAnyOf(args.k, getTokens()));
}
IRKeys GlobalMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  // A global query sees every key; the others see the global keys.
  IREmitter e(builder, loc);
  Value anyGlobal =
      e.cmp(CmpIPredicate::sgt,
            buildCountTokens(e, getTokens(), args.qLo, args.qHi), 0);
  Value lo = e.select(anyGlobal, e.index(0), e.index(getTokens().front()));
  Value hi = e.select(anyGlobal, args.kvLen, e.index(getTokens().back() + 1));
  return e.clipKeys(lo, hi, args.kvLen);
}
Value GlobalMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                      const IRArgs &args) const {
  // Every query of the tile global, or every key.
  IREmitter e(builder, loc);
  Value allQueries = e.cmp(CmpIPredicate::eq,
                           buildCountTokens(e, getTokens(), args.qLo, args.qHi),
                           e.sub(args.qHi, args.qLo));
  Value allKeys = e.cmp(CmpIPredicate::eq,
                        buildCountTokens(e, getTokens(), args.kLo, args.kHi),
                        e.sub(args.kHi, args.kLo));
  return e.lor(allQueries, allKeys);
}

//===----------------------------------------------------------------------===//
// strided (S2-Attention)
//===----------------------------------------------------------------------===//

LogicalResult StridedMaskAttr::verify(EmitErrorFn emitError, int64_t shift,
                                      int64_t period, int64_t local) {
  if (shift < 0 || shift >= kUnbounded)
    return emitError() << "strided shift must be >= 0 and < 2^60, found "
                       << shift;
  if (period < 1 || period >= kUnbounded)
    return emitError() << "strided period must be >= 1 and < 2^60, found "
                       << period;
  if (local < -1 || local >= kUnbounded)
    return emitError() << "strided local window must be >= 0 and < 2^60, "
                          "found "
                       << local;
  return success();
}
/// Whether key k is one of head h's strided keys.
static int64_t headOffset(int64_t h, int64_t shift, int64_t period) {
  return static_cast<int64_t>((static_cast<__int128>(h) * shift) % period);
}
static bool isStridedKey(int64_t k, int64_t h, int64_t shift, int64_t period) {
  return floorMod(k + headOffset(h, shift, period) + 1, period) == 0;
}
bool StridedMaskAttr::isVisible(const Point &p, const Context &) const {
  if (isStridedKey(p.k, p.h, getShift(), getPeriod()))
    return true;
  return getLocal() >= 0 && std::abs(p.q - p.k) <= getLocal();
}
TileClass StridedMaskAttr::classify(const Box &box, const Context &) const {
  int64_t v = getPeriod(), h = box.h, s = getShift(), local = getLocal();
  // First strided key at or after box.k.lo.
  int64_t firstStrided =
      box.k.lo + floorMod(-(box.k.lo + headOffset(h, s, v) + 1), v);
  bool anyStrided = firstStrided < box.k.hi;
  TileClass window =
      local >= 0 ? classifyBand(box, 0, -local, local) : TileClass::Empty;
  if (!anyStrided && window == TileClass::Empty)
    return TileClass::Empty;
  if (v == 1)
    return TileClass::Full;
  // The other keys must all lie in the window; with v >= 2 they include
  // box.k.lo or its successor, and box.k.hi - 1 or its predecessor.
  int64_t lo = isStridedKey(box.k.lo, h, s, v) ? box.k.lo + 1 : box.k.lo;
  int64_t hi =
      isStridedKey(box.k.hi - 1, h, s, v) ? box.k.hi - 2 : box.k.hi - 1;
  if (lo > hi)
    return TileClass::Full;
  if (local < 0)
    return TileClass::Partial;
  Box others{box.b, box.h, box.q, {lo, hi + 1}};
  return classifyBand(others, 0, -local, local) == TileClass::Full
             ? TileClass::Full
             : TileClass::Partial;
}
Interval StridedMaskAttr::kvRange(int64_t, int64_t h, Interval q,
                                  const Context &ctx) const {
  if (q.empty() || ctx.kvLen == 0)
    return {0, 0};
  int64_t v = getPeriod(), s = getShift();
  int64_t offset = headOffset(h, s, v);
  int64_t first = floorMod(-(offset + 1), v);
  int64_t last = ctx.kvLen - 1 - floorMod(ctx.kvLen - 1 + offset + 1, v);
  Interval keys = first <= last ? Interval{first, last + 1} : Interval{0, 0};
  if (getLocal() >= 0)
    keys = keys.hull(bandKeys(q, 0, -getLocal(), getLocal(), ctx));
  return keys;
}
bool StridedMaskAttr::dependsOnHead() const { return true; }
void StridedMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "strided(" << getShift() << ", " << getPeriod();
  if (getLocal() >= 0)
    os << ", " << getLocal();
  os << ")";
}
/// headOffset() as IR for a run-time head h in [0, heads): h * (s mod v)
/// mod v in index arithmetic when it cannot overflow, else a table.
static Value buildHeadOffset(IREmitter &e, Value h, int64_t heads,
                             int64_t shift, int64_t period) {
  int64_t step = shift % period, product;
  if (!llvm::MulOverflow(std::max<int64_t>(heads - 1, 0), step, product))
    return e.remS(e.mul(h, step), period);
  SmallVector<int64_t> table;
  for (int64_t i = 0; i < heads; ++i)
    table.push_back(headOffset(i, shift, period));
  auto type = RankedTensorType::get({heads}, e.builder.getIndexType());
  Value offsets = arith::ConstantOp::create(
      e.builder, e.loc, DenseElementsAttr::get(type, ArrayRef(table)));
  return e.extract(offsets, h);
}
Value StridedMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  IREmitter e(builder, loc);
  int64_t v = getPeriod();
  Value offset = buildHeadOffset(e, args.h, args.qHeads, getShift(), v);
  // k + offset + 1 >= 0: the remainder is the floor modulo.
  Value strided =
      e.cmp(CmpIPredicate::eq, e.remS(e.add(e.add(args.k, offset), 1), v), 0);
  if (getLocal() < 0)
    return strided;
  return e.lor(strided, buildBandVisible(e, args.q, args.k, Value(),
                                         -getLocal(), getLocal()));
}
IRKeys StridedMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                     const IRArgs &args) const {
  IREmitter e(builder, loc);
  int64_t v = getPeriod();
  Value offset = buildHeadOffset(e, args.h, args.qHeads, getShift(), v);
  // The first strided key is floorMod(-(offset + 1), v) = v - 1 - offset
  // (offset < v); the last is kvLen - 1 - (kvLen + offset) mod v.
  Value first = e.sub(e.index(v - 1), offset);
  Value last =
      e.sub(e.sub(args.kvLen, 1), e.remS(e.add(args.kvLen, offset), v));
  IRKeys keys = e.clipKeys(first, e.max(e.add(last, 1), first), args.kvLen);
  if (getLocal() >= 0)
    keys =
        e.hull(keys, buildBandKeys(e, args, Value(), -getLocal(), getLocal()));
  return keys;
}
