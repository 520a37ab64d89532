//===- DataMasks.cpp - Masks read from operands: document, blocks ---------===//
//
// Kinds whose visible set comes from run-time data: documents (segment ids
// or cumulative offsets) and block-sparse layouts (static in the attribute,
// or the block_mask operand). With the data at hand their classifiers are
// exact; without it (at compile time) they are conservative. Their IR reads
// the operands with tensor.extract (document offsets: an scf.for over the
// starts). Their KV range builders scan the data at run time (documents)
// or read tables built at compile time (static blocks). The scans over
// positions can be split between the threads of a block (IRArgs::scanLane).
//
//===----------------------------------------------------------------------===//

#include "MaskUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"

#include <array>

using namespace mlir;
using namespace attn;
using namespace attn::mask;

using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;
using arith::CmpIPredicate;

//===----------------------------------------------------------------------===//
// document
//===----------------------------------------------------------------------===//

bool DocumentMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  int64_t qd = ctx.qDocument(p.b, p.q);
  return qd >= 0 && qd == ctx.kvDocument(p.b, p.k);
}

/// The documents in a range, sorted and unique; `padding` is set when a
/// negative id occurs. (Ids are arbitrary run-time values, so no hash set
/// with reserved keys.)
static void collectDocuments(const std::function<int64_t(int64_t, int64_t)> &of,
                             int64_t b, Interval r,
                             llvm::SmallVectorImpl<int64_t> &docs,
                             bool &padding) {
  for (int64_t i = r.lo; i < r.hi; ++i) {
    int64_t d = of(b, i);
    if (d < 0)
      padding = true;
    else if (docs.empty() || docs.back() != d)
      docs.push_back(d);
  }
  llvm::sort(docs);
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
}

static bool containsDocument(ArrayRef<int64_t> docs, int64_t d) {
  return std::binary_search(docs.begin(), docs.end(), d);
}

TileClass DocumentMaskAttr::classify(const Box &box, const Context &ctx) const {
  if (!ctx.qDocument || !ctx.kvDocument)
    return TileClass::Partial;
  SmallVector<int64_t, 8> qDocs, kDocs;
  bool padding = false;
  collectDocuments(ctx.qDocument, box.b, box.q, qDocs, padding);
  collectDocuments(ctx.kvDocument, box.b, box.k, kDocs, padding);
  if (llvm::none_of(qDocs,
                    [&](int64_t d) { return containsDocument(kDocs, d); }))
    return TileClass::Empty;
  if (!padding && qDocs.size() == 1 && kDocs.size() == 1)
    return TileClass::Full;
  return TileClass::Partial;
}

Interval DocumentMaskAttr::kvRange(int64_t b, int64_t, Interval q,
                                   const Context &ctx) const {
  if (q.empty())
    return {0, 0};
  if (!ctx.qDocument || !ctx.kvDocument)
    return {0, ctx.kvLen};
  SmallVector<int64_t, 8> qDocs;
  bool padding = false;
  collectDocuments(ctx.qDocument, b, q, qDocs, padding);
  Interval keys{0, 0};
  for (int64_t k = 0; k < ctx.kvLen; ++k)
    if (containsDocument(qDocs, ctx.kvDocument(b, k)))
      keys = keys.hull({k, k + 1});
  return keys;
}

void DocumentMaskAttr::addRequirements(Requirements &req) const {
  (getFromOffsets() ? req.docOffsets : req.documents) = true;
}
void DocumentMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << (getFromOffsets() ? "document(offsets)" : "document");
}

/// Entry (b, pos) of a [B, N] operand (segment ids or document starts, i32
/// or i64) as an index.
static Value entryAt(IREmitter &e, Value operand, Value b, Value pos) {
  return e.toIndex(e.extract(operand, {b, pos}));
}

/// The documents of positions `positions` of batch entry `b`, as indices,
/// under cumulative starts [B, N + 1] (documentFromOffsets(): the number of
/// starts <= pos, minus one; -1 outside): one scan over the starts counts
/// for every position.
static SmallVector<Value, 2> buildOffsetDocuments(IREmitter &e, Value starts,
                                                  Value b,
                                                  ArrayRef<Value> positions) {
  Value count = e.dim(starts, 1);
  SmallVector<Value, 2> zeros(positions.size(), e.index(0));
  auto loop = scf::ForOp::create(
      e.builder, e.loc, e.index(0), count, e.index(1), zeros,
      [&](OpBuilder &builder, Location loc, Value i, ValueRange atOrBelow) {
        IREmitter body(builder, loc);
        Value start = entryAt(body, starts, b, i);
        SmallVector<Value, 2> next;
        for (auto [pos, n] : llvm::zip_equal(positions, atOrBelow)) {
          Value below = body.cmp(CmpIPredicate::sle, start, pos);
          next.push_back(
              body.add(n, body.select(below, body.index(1), body.index(0))));
        }
        scf::YieldOp::create(builder, loc, next);
      });
  SmallVector<Value, 2> docs;
  for (Value atOrBelow : loop.getResults()) {
    Value inside = e.land(e.cmp(CmpIPredicate::sge, atOrBelow, 1),
                          e.cmp(CmpIPredicate::slt, atOrBelow, count));
    docs.push_back(e.select(inside, e.sub(atOrBelow, 1), e.index(-1)));
  }
  return docs;
}
/// The document of position `pos` of batch entry `b` as an index: the
/// segment id, or the offsets' document (buildOffsetDocuments).
static Value buildDocument(IREmitter &e, Value segments, Value b, Value pos,
                           bool fromOffsets) {
  if (!fromOffsets)
    return entryAt(e, segments, b, pos);
  return buildOffsetDocuments(e, segments, b, {pos}).front();
}
Value DocumentMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                     const IRArgs &args) const {
  IREmitter e(builder, loc);
  Value qd = buildDocument(e, args.qSegments, args.b, args.q, getFromOffsets());
  Value kd =
      buildDocument(e, args.kvSegments, args.b, args.k, getFromOffsets());
  return e.land(e.cmp(CmpIPredicate::sge, qd, 0),
                e.cmp(CmpIPredicate::eq, qd, kd));
}

/// Folds one candidate key range [lo, hi) into the accumulated `acc` where
/// `take` holds: the smallest lo and the largest hi. `acc` starts at
/// (kUnbounded, 0), so that it is empty (lo >= hi) until something is taken.
static IRKeys takeKeys(IREmitter &e, IRKeys acc, Value take, Value lo,
                       Value hi) {
  return {e.select(take, e.min(acc.first, lo), acc.first),
          e.select(take, e.max(acc.second, hi), acc.second)};
}
/// An accumulated range as a normalized one: {0, 0} when empty, else
/// clipped to [0, kvLen).
static IRKeys finishKeys(IREmitter &e, IRKeys acc, Value kvLen) {
  Value empty = e.cmp(CmpIPredicate::sge, acc.first, acc.second);
  IRKeys keys = e.clipKeys(acc.first, acc.second, kvLen);
  return {e.select(empty, e.index(0), keys.first),
          e.select(empty, e.index(0), keys.second)};
}
/// The first position and the step of a scan over [lo, hi): every position,
/// or the share of lane args.scanLane when the block's threads split their
/// scans (IRArgs::scanLane).
static std::pair<Value, Value> scanShare(IREmitter &e, const IRArgs &args,
                                         Value lo) {
  if (!args.scanLane)
    return {lo, e.index(1)};
  return {e.add(lo, args.scanLane), args.scanLanes};
}
/// scf.for over [lo, hi) (args' share of it) carrying `init`, `unroll`
/// positions an iteration: the reads of one iteration do not depend on each
/// other, so they are in flight together (a scan of every key of a row,
/// one position an iteration, waited for each read in turn). Positions past
/// `hi` take position hi - 1 again: every body is a hull or an AND, where a
/// position of [lo, hi) counted twice, or by two lanes, changes nothing.
/// The body's `fresh` (i1) is false for such repeats. `finish`, when
/// given, runs after the last body of an iteration (before its yield).
static SmallVector<Value>
scanLoop(IREmitter &e, const IRArgs &args, Value lo, Value hi, ValueRange init,
         int64_t unroll,
         llvm::function_ref<SmallVector<Value>(IREmitter &, Value, Value fresh,
                                               ValueRange)>
             body,
         llvm::function_ref<void(IREmitter &)> finish = nullptr) {
  std::pair<Value, Value> share = scanShare(e, args, lo);
  Value first = share.first, step = share.second;
  auto loop = scf::ForOp::create(
      e.builder, e.loc, first, hi, e.mul(step, unroll), init,
      [&](OpBuilder &builder, Location loc, Value iv, ValueRange acc) {
        IREmitter inner(builder, loc);
        SmallVector<Value> state(acc.begin(), acc.end());
        Value last = inner.sub(hi, 1);
        Value position = iv;
        for (int64_t u = 0; u < unroll; ++u) {
          if (u == 0) {
            state = body(inner, iv, inner.boolean(true), state);
            continue;
          }
          position = inner.add(position, step);
          state = body(inner, inner.min(position, last),
                       inner.cmp(CmpIPredicate::slt, position, hi), state);
        }
        if (finish)
          finish(inner);
        scf::YieldOp::create(builder, loc, state);
      });
  return SmallVector<Value>(loop.getResults());
}

/// Positions a scan over keys or queries reads an iteration.
constexpr int64_t kScanUnroll = 8;
/// A scan over [lo, hi) (args' share of it) carrying an accumulated key
/// range from `init`.
static IRKeys
scanKeys(IREmitter &e, const IRArgs &args, Value lo, Value hi, IRKeys init,
         llvm::function_ref<IRKeys(IREmitter &, Value, IRKeys)> body) {
  SmallVector<Value> keys = scanLoop(
      e, args, lo, hi, ValueRange{init.first, init.second}, kScanUnroll,
      [&](IREmitter &x, Value i, Value, ValueRange acc) -> SmallVector<Value> {
        IRKeys next = body(x, i, {acc[0], acc[1]});
        return {next.first, next.second};
      });
  return {keys[0], keys[1]};
}
/// Whether `test` holds at every position of [lo, hi) (args' share of it).
/// Two positions an iteration: a tile's test gives a lane few.
static Value scanAll(IREmitter &e, const IRArgs &args, Value lo, Value hi,
                     llvm::function_ref<Value(IREmitter &, Value)> test) {
  return scanLoop(e, args, lo, hi, ValueRange{e.boolean(true)}, 2,
                  [&](IREmitter &x, Value i, Value,
                      ValueRange acc) -> SmallVector<Value> {
                    return {x.land(acc[0], test(x, i))};
                  })
      .front();
}

/// Document offsets: the queries' valid positions [first, last] lie in the
/// documents [doc(first), doc(last)], whose keys run from the start of the
/// first to the start of the one after the last (starts are sorted).
static IRKeys buildOffsetsKeys(IREmitter &e, const IRArgs &args) {
  Value qStarts = args.qSegments, kvStarts = args.kvSegments;
  auto start = [&](Value starts, Value i) {
    return entryAt(e, starts, args.b, i);
  };
  Value qDocs = e.sub(e.dim(qStarts, 1), 1);
  Value first = e.max(args.qLo, start(qStarts, e.index(0)));
  Value last = e.sub(e.min(args.qHi, start(qStarts, qDocs)), 1);
  Value any = e.cmp(CmpIPredicate::sle, first, last);
  SmallVector<Value, 2> docs =
      buildOffsetDocuments(e, qStarts, args.b, {first, last});
  Value dLo = docs[0], dHi = docs[1];
  // Documents beyond the keys' count hold no key.
  Value kvDocs = e.sub(e.dim(kvStarts, 1), 1);
  Value lo = start(kvStarts, e.clamp(dLo, e.index(0), kvDocs));
  Value hi = start(kvStarts, e.clamp(e.add(dHi, 1), e.index(0), kvDocs));
  IRKeys keys = e.clipKeys(lo, hi, args.kvLen);
  return {e.select(any, keys.first, e.index(0)),
          e.select(any, keys.second, e.index(0))};
}

/// A tile is full when its queries and keys all lie in one document (no
/// padding). With offsets documents are contiguous, so the first and last
/// position of each side decide; with ids, every id of both sides must be
/// the first query's (a test that lanes can split: each checks its share
/// against the same first id).
Value DocumentMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                        const IRArgs &args) const {
  IREmitter e(builder, loc);
  auto last = [&](Value hi) { return e.sub(hi, e.index(1)); };
  if (getFromOffsets()) {
    // One scan of each side's starts for its first and last position.
    SmallVector<Value, 2> q = buildOffsetDocuments(e, args.qSegments, args.b,
                                                   {args.qLo, last(args.qHi)});
    SmallVector<Value, 2> k = buildOffsetDocuments(e, args.kvSegments, args.b,
                                                   {args.kLo, last(args.kHi)});
    Value d = q[0];
    Value same = e.land(e.land(e.cmp(CmpIPredicate::eq, d, q[1]),
                               e.cmp(CmpIPredicate::eq, d, k[0])),
                        e.cmp(CmpIPredicate::eq, d, k[1]));
    return e.land(same, e.cmp(CmpIPredicate::sge, d, e.index(0)));
  }
  Value d = entryAt(e, args.qSegments, args.b, args.qLo);
  auto allAre = [&](Value segments, Value lo, Value hi) {
    return scanAll(e, args, lo, hi, [&](IREmitter &x, Value i) {
      return x.cmp(CmpIPredicate::eq, entryAt(x, segments, args.b, i), d);
    });
  };
  return e.land(e.land(allAre(args.qSegments, args.qLo, args.qHi),
                       allAre(args.kvSegments, args.kLo, args.kHi)),
                e.cmp(CmpIPredicate::sge, d, e.index(0)));
}

Value mask::buildKeyIdsSorted(OpBuilder &builder, Location loc,
                              const IRArgs &args,
                              const RecordRunFn &recordRun) {
  IREmitter e(builder, loc);
  // Key k is in order after k - 1 (ids compare as unsigned numbers, so
  // that padding, -1, sorts after every document); it starts a run at kLo
  // or where the id changes. The records come after the iteration's reads,
  // which stay in flight together (a record's atomics would order the reads
  // after it).
  SmallVector<std::array<Value, 3>> pending; // (starts, key, id)
  SmallVector<Value> all = scanLoop(
      e, args, args.kLo, args.kHi, ValueRange{e.boolean(true)}, kScanUnroll,
      [&](IREmitter &x, Value k, Value fresh,
          ValueRange acc) -> SmallVector<Value> {
        Value first = x.cmp(CmpIPredicate::eq, k, args.kLo);
        Value id = entryAt(x, args.kvSegments, args.b, k);
        Value before =
            entryAt(x, args.kvSegments, args.b, x.max(x.sub(k, 1), args.kLo));
        Value inOrder = x.lor(first, x.cmp(CmpIPredicate::ule, before, id));
        if (recordRun)
          pending.push_back({x.land(fresh, x.lor(first, x.cmp(CmpIPredicate::ne,
                                                              before, id))),
                             k, id});
        return {x.land(acc[0], inOrder)};
      },
      [&](IREmitter &x) {
        for (auto [starts, k, id] : pending) {
          auto record = scf::IfOp::create(x.builder, x.loc, starts,
                                          /*withElseRegion=*/false);
          OpBuilder::InsertionGuard guard(x.builder);
          x.builder.setInsertionPointToStart(record.thenBlock());
          recordRun(x.builder, x.loc, k, id);
        }
        pending.clear();
      });
  return all.front();
}

/// Documents given by offsets are contiguous; ids may repeat anywhere, and
/// are contiguous where they are sorted.
bool DocumentMaskAttr::showsKeyIntervals(bool idsSorted) const {
  return getFromOffsets() || idsSorted;
}
IRKeys DocumentMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                      const IRArgs &args) const {
  IREmitter e(builder, loc);
  if (getFromOffsets())
    return buildOffsetsKeys(e, args);
  // The smallest and largest document of the queries (padding sees
  // nothing), then the keys of a document between them: exact when the ids
  // of a row are sorted, as packing makes them, and never narrower.
  // Every lane needs all the queries' documents: lanes that can meet split
  // the query scan too, the others scan every query.
  IRArgs queries = args.spanOverLanes ? args : args.whole();
  IRKeys none{e.index(kUnbounded), e.index(-1)};
  IRKeys docs =
      scanKeys(e, queries, args.qLo, args.qHi, none,
               [&](IREmitter &x, Value q, IRKeys acc) {
                 Value d = entryAt(x, args.qSegments, args.b, q);
                 return takeKeys(x, acc, x.cmp(CmpIPredicate::sge, d, 0), d, d);
               });
  if (queries.scanLane)
    docs = args.spanOverLanes(builder, loc, docs.first, docs.second);
  // Only the keys not hidden already (IRArgs::kLo) are scanned.
  Value kLo = args.kLo ? args.kLo : e.index(0);
  Value kHi = args.kHi ? args.kHi : args.kvLen;
  if (args.idsSorted) {
    // Sorted ids: the keys of the documents dLo..dHi are one run, which the
    // caller's record of the runs gives; ids out of order: every key not
    // hidden already.
    Value any = e.cmp(CmpIPredicate::sle, docs.first, docs.second);
    IRKeys run = args.keysWithIds(builder, loc, docs.first, docs.second);
    IRKeys found = {e.select(any, e.max(run.first, kLo), e.index(kUnbounded)),
                    e.select(any, e.min(run.second, kHi), e.index(0))};
    return finishKeys(e,
                      {e.select(args.idsSorted, found.first, kLo),
                       e.select(args.idsSorted, found.second, kHi)},
                      args.kvLen);
  }
  IRKeys keys =
      scanKeys(e, args, kLo, kHi, {args.kvLen, e.index(0)},
               [&](IREmitter &x, Value k, IRKeys acc) {
                 Value d = entryAt(x, args.kvSegments, args.b, k);
                 Value in = x.land(x.cmp(CmpIPredicate::sge, d, docs.first),
                                   x.cmp(CmpIPredicate::sle, d, docs.second));
                 return takeKeys(x, acc, in, k, x.add(k, 1));
               });
  return finishKeys(e, keys, args.kvLen);
}

//===----------------------------------------------------------------------===//
// blocks
//===----------------------------------------------------------------------===//

LogicalResult BlocksMaskAttr::verify(EmitErrorFn emitError, int64_t blockQ,
                                     int64_t blockK,
                                     ArrayRef<int64_t> layoutShape,
                                     ArrayRef<bool> layout) {
  if (blockQ < 1 || blockK < 1 || blockQ >= kUnbounded || blockK >= kUnbounded)
    return emitError() << "block sizes must be >= 1, found (" << blockQ << ", "
                       << blockK << ")";
  if (layoutShape.empty())
    return layout.empty() ? success()
                          : emitError() << "runtime blocks carry no layout";
  if (layoutShape.size() != 2 && layoutShape.size() != 3)
    return emitError() << "block layout must be [nq][nk] or [heads][nq][nk]";
  int64_t count = 1;
  for (int64_t d : layoutShape) {
    if (d < 1 || d > (int64_t(1) << 24))
      return emitError() << "block layout extent " << d << " is out of range";
    count *= d;
    if (count > (int64_t(1) << 26))
      return emitError() << "block layout is too large";
  }
  if (count != static_cast<int64_t>(layout.size()))
    return emitError() << "block layout has " << layout.size()
                       << " entries, its shape needs " << count;
  return success();
}

bool BlocksMaskAttr::blockKept(int64_t b, int64_t h, int64_t qb, int64_t kb,
                               const Context &ctx) const {
  if (isRuntime())
    return ctx.blockKept(b, h, qb, kb);
  ArrayRef<int64_t> shape = getLayoutShape();
  int64_t nq = shape[shape.size() - 2], nk = shape.back();
  if (qb >= nq || kb >= nk)
    return false;
  int64_t head = 0;
  if (shape.size() == 3) {
    if (h >= shape[0])
      return false;
    head = h;
  }
  return getLayout()[(head * nq + qb) * nk + kb];
}

bool BlocksMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  return blockKept(p.b, p.h, p.q / getBlockQ(), p.k / getBlockK(), ctx);
}

TileClass BlocksMaskAttr::classify(const Box &box, const Context &ctx) const {
  if (isRuntime() && !ctx.blockKept)
    return TileClass::Partial;
  bool anyKept = false, anyDropped = false;
  for (int64_t qb = box.q.lo / getBlockQ(); qb <= (box.q.hi - 1) / getBlockQ();
       ++qb)
    for (int64_t kb = box.k.lo / getBlockK();
         kb <= (box.k.hi - 1) / getBlockK(); ++kb) {
      if (blockKept(box.b, box.h, qb, kb, ctx))
        anyKept = true;
      else
        anyDropped = true;
    }
  if (!anyKept)
    return TileClass::Empty;
  return anyDropped ? TileClass::Partial : TileClass::Full;
}

Interval BlocksMaskAttr::kvRange(int64_t b, int64_t h, Interval q,
                                 const Context &ctx) const {
  if (q.empty())
    return {0, 0};
  if (isRuntime() && !ctx.blockKept)
    return {0, ctx.kvLen};
  int64_t numKBlocks = ceilDiv(ctx.kvLen, getBlockK());
  Interval keys{0, 0};
  for (int64_t qb = q.lo / getBlockQ(); qb <= (q.hi - 1) / getBlockQ(); ++qb)
    for (int64_t kb = 0; kb < numKBlocks; ++kb)
      if (blockKept(b, h, qb, kb, ctx))
        keys = keys.hull({kb * getBlockK(), (kb + 1) * getBlockK()});
  return keys.intersect({0, ctx.kvLen});
}

LogicalResult BlocksMaskAttr::verifyShape(const ShapeInfo &shape,
                                          EmitErrorFn emitError) const {
  if (isRuntime())
    return success();
  ArrayRef<int64_t> layout = getLayoutShape();
  if (layout.size() == 3 && shape.qHeads != kDynamic &&
      layout[0] != shape.qHeads)
    return emitError() << "block layout has " << layout[0]
                       << " heads, the op has " << shape.qHeads
                       << " query heads";
  int64_t nq = layout[layout.size() - 2], nk = layout.back();
  if (shape.qLen != kDynamic && nq < ceilDiv(shape.qLen, getBlockQ()))
    return emitError() << "block layout covers " << nq
                       << " query blocks, Sq = " << shape.qLen << " needs "
                       << ceilDiv(shape.qLen, getBlockQ());
  if (shape.kvLen != kDynamic && nk < ceilDiv(shape.kvLen, getBlockK()))
    return emitError() << "block layout covers " << nk
                       << " key blocks, Sk = " << shape.kvLen << " needs "
                       << ceilDiv(shape.kvLen, getBlockK());
  return success();
}

void BlocksMaskAttr::addRequirements(Requirements &req) const {
  if (!isRuntime())
    return;
  if (req.blockMask && (req.blockQ != getBlockQ() || req.blockK != getBlockK()))
    req.blockSizeConflict = true;
  req.blockMask = true;
  req.blockQ = getBlockQ();
  req.blockK = getBlockK();
}
bool BlocksMaskAttr::dependsOnHead() const {
  return isRuntime() || getLayoutShape().size() == 3;
}

/// Prints the nested 0/1 lists of a layout of any rank.
static void printBits(llvm::raw_ostream &os, ArrayRef<int64_t> shape,
                      ArrayRef<bool> bits) {
  if (shape.empty()) {
    os << (bits.front() ? 1 : 0);
    return;
  }
  int64_t stride = bits.size() / shape.front();
  os << "[";
  for (int64_t i = 0; i < shape.front(); ++i) {
    if (i)
      os << ", ";
    printBits(os, shape.drop_front(), bits.slice(i * stride, stride));
  }
  os << "]";
}

/// Reads a block layout at `fixed` followed by `indices`, false where one of
/// `indices` is not below its extent in `extents`; those indices are
/// clamped so that the read stays in bounds.
static Value buildBlockBit(IREmitter &e, Value layout, ArrayRef<Value> fixed,
                           ArrayRef<Value> indices, ArrayRef<Value> extents) {
  Value inside;
  SmallVector<Value, 4> at(fixed);
  for (auto [i, n] : llvm::zip_equal(indices, extents)) {
    Value in = e.cmp(CmpIPredicate::slt, i, n);
    inside = inside ? e.land(inside, in) : in;
    at.push_back(e.min(i, e.sub(n, 1)));
  }
  return e.land(inside, e.nonZero(e.extract(layout, at)));
}
Value BlocksMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter e(builder, loc);
  Value qb = e.divS(args.q, getBlockQ()), kb = e.divS(args.k, getBlockK());
  if (isRuntime()) {
    // [B|1, H|1, nq, nk], broadcast over batch and head where the extent is
    // 1. Blocks beyond nq x nk are dropped, as for a static layout.
    Value mask = args.blockMask;
    return buildBlockBit(
        e, mask,
        {e.broadcastIndex(mask, 0, args.b), e.broadcastIndex(mask, 1, args.h)},
        {qb, kb}, {e.dim(mask, 2), e.dim(mask, 3)});
  }
  // The layout as a constant [nq, nk] or [H, nq, nk] tensor of i1; blocks
  // (and heads) outside it are dropped.
  ArrayRef<int64_t> shape = getLayoutShape();
  auto type = RankedTensorType::get(shape, builder.getI1Type());
  Value layout = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, getLayout()));
  SmallVector<Value, 3> indices, extents;
  if (shape.size() == 3)
    indices.push_back(args.h);
  indices.append({qb, kb});
  for (int64_t n : shape)
    extents.push_back(e.index(n));
  return buildBlockBit(e, layout, {}, indices, extents);
}

/// The query blocks [lo, hi) that the queries [args.qLo, args.qHi) overlap,
/// cut to the first `rows`.
static IRKeys queryBlocks(IREmitter &e, const IRArgs &args, int64_t blockQ,
                          Value rows) {
  return {e.divS(args.qLo, blockQ),
          e.min(e.add(e.divS(e.sub(args.qHi, 1), blockQ), 1), rows)};
}

Value BlocksMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                      const IRArgs &args) const {
  IREmitter e(builder, loc);
  // Runtime layouts are not known here: conservative.
  if (isRuntime())
    return e.boolean(false);
  // A table of 2-D prefix counts of kept blocks per head: the tile is full
  // when every block it overlaps lies in the layout and is kept.
  ArrayRef<int64_t> shape = getLayoutShape();
  ArrayRef<bool> layout = getLayout();
  int64_t heads = shape.size() == 3 ? shape[0] : 1;
  int64_t nq = shape[shape.size() - 2], nk = shape.back();
  int64_t rows = nq + 1, cols = nk + 1;
  SmallVector<int64_t> prefix(heads * rows * cols, 0);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < nq; ++i)
      for (int64_t j = 0; j < nk; ++j)
        prefix[(h * rows + i + 1) * cols + j + 1] =
            layout[(h * nq + i) * nk + j] +
            prefix[(h * rows + i) * cols + j + 1] +
            prefix[(h * rows + i + 1) * cols + j] -
            prefix[(h * rows + i) * cols + j];
  auto type =
      RankedTensorType::get({heads * rows * cols}, builder.getIndexType());
  Value table = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, ArrayRef<int64_t>(prefix)));

  int64_t bq = getBlockQ(), bk = getBlockK();
  Value r0 = e.divS(args.qLo, bq), r1 = e.divS(e.sub(args.qHi, 1), bq);
  Value c0 = e.divS(args.kLo, bk), c1 = e.divS(e.sub(args.kHi, 1), bk);
  Value inside = e.land(e.cmp(arith::CmpIPredicate::slt, r1, nq),
                        e.cmp(arith::CmpIPredicate::slt, c1, nk));
  Value head = e.index(0);
  if (shape.size() == 3) {
    inside = e.land(inside, e.cmp(arith::CmpIPredicate::slt, args.h, heads));
    head = e.min(args.h, e.index(heads - 1));
  }
  // Clamped so that the reads stay in the table; `inside` decides.
  Value lastRow = e.index(nq - 1), lastCol = e.index(nk - 1);
  r1 = e.min(r1, lastRow);
  c1 = e.min(c1, lastCol);
  r0 = e.min(r0, r1);
  c0 = e.min(c0, c1);
  Value base = e.mul(head, rows * cols);
  auto at = [&](Value i, Value j) {
    return e.extract(table, {e.add(base, e.add(e.mul(i, cols), j))});
  };
  Value r1p = e.add(r1, 1), c1p = e.add(c1, 1);
  Value kept =
      e.add(e.sub(e.sub(at(r1p, c1p), at(r0, c1p)), at(r1p, c0)), at(r0, c0));
  Value area =
      arith::MulIOp::create(builder, loc, e.sub(r1p, r0), e.sub(c1p, c0));
  return e.land(inside, e.cmp(arith::CmpIPredicate::eq, kept, area));
}

IRKeys BlocksMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  IREmitter e(builder, loc);
  int64_t bq = getBlockQ(), bk = getBlockK();
  if (isRuntime()) {
    // Scan the rows of the block mask that the queries overlap, over the
    // key blocks that hold keys.
    Value mask = args.blockMask;
    Value mb = e.broadcastIndex(mask, 0, args.b);
    Value mh = e.broadcastIndex(mask, 1, args.h);
    IRKeys rows = queryBlocks(e, args, bq, e.dim(mask, 2));
    Value cols = e.min(e.dim(mask, 3), e.divS(e.add(args.kvLen, bk - 1), bk));
    IRKeys none{e.index(kUnbounded), e.index(0)};
    // Lanes split the key blocks of each row.
    IRKeys keys = scanKeys(
        e, args.whole(), rows.first, rows.second, none,
        [&](IREmitter &x, Value qb, IRKeys acc) {
          return scanKeys(x, args, x.index(0), cols, acc,
                          [&](IREmitter &y, Value kb, IRKeys inner) {
                            Value kept =
                                y.nonZero(y.extract(mask, {mb, mh, qb, kb}));
                            Value lo = y.mul(kb, bk);
                            return takeKeys(y, inner, kept, lo, y.add(lo, bk));
                          });
        });
    return finishKeys(e, keys, args.kvLen);
  }
  // Tables of the first and last kept key block of each query block (and
  // head); the hull of the rows the queries overlap, each row clipped to
  // the keys. A row that keeps nothing has first = nk and last = -1.
  ArrayRef<int64_t> shape = getLayoutShape();
  ArrayRef<bool> layout = getLayout();
  int64_t heads = shape.size() == 3 ? shape[0] : 1;
  int64_t nq = shape[shape.size() - 2], nk = shape.back();
  SmallVector<int64_t> firstKept(heads * nq, nk), lastKept(heads * nq, -1);
  for (int64_t row = 0; row < heads * nq; ++row)
    for (int64_t kb = 0; kb < nk; ++kb)
      if (layout[row * nk + kb]) {
        firstKept[row] = std::min(firstKept[row], kb);
        lastKept[row] = kb;
      }
  auto table = [&](ArrayRef<int64_t> values) -> Value {
    auto type = RankedTensorType::get({heads * nq}, builder.getIndexType());
    return arith::ConstantOp::create(builder, loc,
                                     DenseElementsAttr::get(type, values));
  };
  Value firstTable = table(firstKept), lastTable = table(lastKept);
  IRKeys rows = queryBlocks(e, args, bq, e.index(nq));
  Value base = e.index(0);
  if (shape.size() == 3)
    base = e.mul(e.min(args.h, e.index(heads - 1)), nq);
  Value zero = e.index(0);
  IRKeys keys = scanKeys(e, IRArgs(), rows.first, rows.second, {zero, zero},
                         [&](IREmitter &x, Value qb, IRKeys acc) {
                           Value row = x.add(base, qb);
                           Value lo = x.mul(x.extract(firstTable, row), bk);
                           Value hi =
                               x.mul(x.add(x.extract(lastTable, row), 1), bk);
                           return x.hull(acc, x.clipKeys(lo, hi, args.kvLen));
                         });
  if (shape.size() != 3)
    return keys;
  // Heads beyond the layout see nothing.
  Value inLayout = e.cmp(CmpIPredicate::slt, args.h, heads);
  return {e.select(inLayout, keys.first, zero),
          e.select(inLayout, keys.second, zero)};
}

void BlocksMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "blocks(" << getBlockQ() << ", " << getBlockK() << ", ";
  if (isRuntime())
    os << "runtime";
  else
    printBits(os, getLayoutShape(), getLayout());
  os << ")";
}
