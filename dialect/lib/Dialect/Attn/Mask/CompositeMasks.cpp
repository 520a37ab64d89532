//===- CompositeMasks.cpp - and, or, not, per-head and mask_mod -----------===//
//
// Composition of mask expressions. `not` is exact; `and` and `or` combine
// their operands' classes conservatively (an `and` of two partial tiles may
// really be empty); `heads` delegates to the case of the tile's head;
// `mask_mod` calls the user's region, whose tiles are all partial. The IR
// builders combine the operands' IR the same way: and/or chains, range
// intersection and hull, a select on the head for `heads`. `not` and
// `mask_mod` keep the default KV range and "tile is full" (false): a full
// `not` tile would need an emptiness test of the operand.
//
//===----------------------------------------------------------------------===//

#include "MaskUtils.h"
#include "attn/Dialect/Attn/Mask/TileGrid.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace attn;
using namespace attn::mask;

using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;

/// Prints `e`, parenthesised when it binds looser than `context`.
static void printOperand(llvm::raw_ostream &os, MaskExprAttrInterface e,
                         int context) {
  bool parens = e.getPrecedence() < context;
  if (parens)
    os << "(";
  e.printExpr(os);
  if (parens)
    os << ")";
}

static LogicalResult verifyOperands(ArrayRef<MaskExprAttrInterface> operands,
                                    EmitErrorFn emitError, const char *name) {
  if (operands.size() < 2)
    return emitError() << "'" << name << "' needs at least two operands";
  if (llvm::any_of(operands, [](auto e) { return !e; }))
    return emitError() << "'" << name << "' has a null operand";
  return success();
}

static LogicalResult verifyEach(ArrayRef<MaskExprAttrInterface> operands,
                                const ShapeInfo &shape, EmitErrorFn emitError) {
  for (MaskExprAttrInterface e : operands)
    if (failed(e.verifyShape(shape, emitError)))
      return failure();
  return success();
}

static void addEachRequirements(ArrayRef<MaskExprAttrInterface> operands,
                                Requirements &req) {
  for (MaskExprAttrInterface e : operands)
    e.addRequirements(req);
}

static bool anyDependsOnHead(ArrayRef<MaskExprAttrInterface> operands) {
  return llvm::any_of(operands, [](auto e) { return e.dependsOnHead(); });
}

/// Folds the operands' i1 values with `combine` (and / or).
template <typename Build, typename Combine>
static Value foldOperands(ArrayRef<MaskExprAttrInterface> operands, Build build,
                          Combine combine) {
  Value result;
  for (MaskExprAttrInterface e : operands) {
    Value v = build(e);
    result = result ? combine(result, v) : v;
  }
  return result;
}

//===----------------------------------------------------------------------===//
// and
//===----------------------------------------------------------------------===//

LogicalResult AndMaskAttr::verify(EmitErrorFn emitError,
                                  ArrayRef<MaskExprAttrInterface> operands) {
  return verifyOperands(operands, emitError, "&");
}
bool AndMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  return llvm::all_of(getOperands(),
                      [&](auto e) { return e.isVisible(p, ctx); });
}
TileClass AndMaskAttr::classify(const Box &box, const Context &ctx) const {
  bool allFull = true;
  for (MaskExprAttrInterface e : getOperands()) {
    TileClass c = e.classify(box, ctx);
    if (c == TileClass::Empty)
      return TileClass::Empty;
    allFull &= c == TileClass::Full;
  }
  return allFull ? TileClass::Full : TileClass::Partial;
}
Interval AndMaskAttr::kvRange(int64_t b, int64_t h, Interval q,
                              const Context &ctx) const {
  Interval keys{0, ctx.kvLen};
  for (MaskExprAttrInterface e : getOperands())
    keys = keys.intersect(e.kvRange(b, h, q, ctx));
  return keys.empty() ? Interval{0, 0} : keys;
}
LogicalResult AndMaskAttr::verifyShape(const ShapeInfo &shape,
                                       EmitErrorFn emitError) const {
  return verifyEach(getOperands(), shape, emitError);
}
void AndMaskAttr::addRequirements(Requirements &req) const {
  addEachRequirements(getOperands(), req);
}
bool AndMaskAttr::dependsOnHead() const {
  return anyDependsOnHead(getOperands());
}
int AndMaskAttr::getPrecedence() const { return 2; }
Value AndMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                const IRArgs &args) const {
  IREmitter ir(builder, loc);
  return foldOperands(
      getOperands(),
      [&](MaskExprAttrInterface e) {
        return e.buildVisible(builder, loc, args);
      },
      [&](Value x, Value y) { return ir.land(x, y); });
}
/// Intervals intersect to an interval (buildKVRange intersects them).
bool AndMaskAttr::showsKeyIntervals(bool idsSorted) const {
  return llvm::all_of(getOperands(), [&](MaskExprAttrInterface e) {
    return e.showsKeyIntervals(idsSorted);
  });
}
IRKeys AndMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                 const IRArgs &args) const {
  IREmitter ir(builder, loc);
  // Each operand's scans may skip the keys the operands before it hide
  // (IRArgs::kLo): a document's scan of every key becomes a scan of those
  // before the diagonal. Only analytic operands' ranges, the same for
  // every lane, bound the next operands (not a lane's share of a scan over
  // data).
  // A lane's share of one operand's scan holds the visible keys of that
  // share, but two operands may split their scans differently (keys,
  // blocks): a key of one lane's share of the first may be in another
  // lane's share of the second, and the intersection of a lane's two shares
  // would lose it. So only the first operand that scans data gets the
  // lanes' share; later ones scan whole.
  IRArgs bounded = args;
  bool sameForLanes = true, shared = false;
  IRKeys keys;
  for (auto [i, e] : llvm::enumerate(getOperands())) {
    bool scans = !mask::isAnalytic(e);
    IRKeys range = e.buildKVRange(builder, loc,
                                  scans && shared ? bounded.whole() : bounded);
    keys = i ? ir.intersect(keys, range) : range;
    shared |= scans && args.scanLane;
    sameForLanes &= !scans;
    if (!sameForLanes)
      continue;
    IRKeys bound = keys;
    if (args.kLo)
      bound = ir.intersect(bound, {args.kLo, args.kHi});
    bounded.kLo = bound.first;
    bounded.kHi = bound.second;
  }
  return keys;
}
Value AndMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter ir(builder, loc);
  return foldOperands(
      getOperands(),
      [&](MaskExprAttrInterface e) {
        return e.buildTileIsFull(builder, loc, args);
      },
      [&](Value x, Value y) { return ir.land(x, y); });
}
void AndMaskAttr::printExpr(llvm::raw_ostream &os) const {
  llvm::interleave(
      getOperands(), os, [&](auto e) { printOperand(os, e, 2); }, " & ");
}

//===----------------------------------------------------------------------===//
// or
//===----------------------------------------------------------------------===//

LogicalResult OrMaskAttr::verify(EmitErrorFn emitError,
                                 ArrayRef<MaskExprAttrInterface> operands) {
  return verifyOperands(operands, emitError, "|");
}
bool OrMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  return llvm::any_of(getOperands(),
                      [&](auto e) { return e.isVisible(p, ctx); });
}
TileClass OrMaskAttr::classify(const Box &box, const Context &ctx) const {
  bool allEmpty = true;
  for (MaskExprAttrInterface e : getOperands()) {
    TileClass c = e.classify(box, ctx);
    if (c == TileClass::Full)
      return TileClass::Full;
    allEmpty &= c == TileClass::Empty;
  }
  return allEmpty ? TileClass::Empty : TileClass::Partial;
}
Interval OrMaskAttr::kvRange(int64_t b, int64_t h, Interval q,
                             const Context &ctx) const {
  Interval keys{0, 0};
  for (MaskExprAttrInterface e : getOperands())
    keys = keys.hull(e.kvRange(b, h, q, ctx));
  return keys;
}
LogicalResult OrMaskAttr::verifyShape(const ShapeInfo &shape,
                                      EmitErrorFn emitError) const {
  return verifyEach(getOperands(), shape, emitError);
}
void OrMaskAttr::addRequirements(Requirements &req) const {
  addEachRequirements(getOperands(), req);
}
bool OrMaskAttr::dependsOnHead() const {
  return anyDependsOnHead(getOperands());
}
int OrMaskAttr::getPrecedence() const { return 1; }
Value OrMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                               const IRArgs &args) const {
  IREmitter ir(builder, loc);
  return foldOperands(
      getOperands(),
      [&](MaskExprAttrInterface e) {
        return e.buildVisible(builder, loc, args);
      },
      [&](Value x, Value y) { return ir.lor(x, y); });
}
IRKeys OrMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                const IRArgs &args) const {
  IREmitter ir(builder, loc);
  IRKeys keys = getOperands().front().buildKVRange(builder, loc, args);
  for (MaskExprAttrInterface e : getOperands().drop_front())
    keys = ir.hull(keys, e.buildKVRange(builder, loc, args));
  return keys;
}
Value OrMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                  const IRArgs &args) const {
  IREmitter ir(builder, loc);
  // Lanes' shares do not combine through an OR (the lanes would AND
  // "A holds on my share or B holds on mine"): each operand tests the whole
  // tile.
  IRArgs whole = args.whole();
  return foldOperands(
      getOperands(),
      [&](MaskExprAttrInterface e) {
        return e.buildTileIsFull(builder, loc, whole);
      },
      [&](Value x, Value y) { return ir.lor(x, y); });
}
void OrMaskAttr::printExpr(llvm::raw_ostream &os) const {
  llvm::interleave(
      getOperands(), os, [&](auto e) { printOperand(os, e, 1); }, " | ");
}

//===----------------------------------------------------------------------===//
// not
//===----------------------------------------------------------------------===//

bool NotMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  return !getOperand().isVisible(p, ctx);
}
TileClass NotMaskAttr::classify(const Box &box, const Context &ctx) const {
  switch (getOperand().classify(box, ctx)) {
  case TileClass::Empty:
    return TileClass::Full;
  case TileClass::Full:
    return TileClass::Empty;
  case TileClass::Partial:
    return TileClass::Partial;
  }
  return TileClass::Partial;
}
Interval NotMaskAttr::kvRange(int64_t, int64_t, Interval q,
                              const Context &ctx) const {
  return q.empty() ? Interval{0, 0} : Interval{0, ctx.kvLen};
}
LogicalResult NotMaskAttr::verifyShape(const ShapeInfo &shape,
                                       EmitErrorFn emitError) const {
  return getOperand().verifyShape(shape, emitError);
}
void NotMaskAttr::addRequirements(Requirements &req) const {
  getOperand().addRequirements(req);
}
bool NotMaskAttr::dependsOnHead() const { return getOperand().dependsOnHead(); }
Value NotMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                const IRArgs &args) const {
  return IREmitter(builder, loc)
      .lnot(getOperand().buildVisible(builder, loc, args));
}
void NotMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "!";
  printOperand(os, getOperand(), 3);
}

//===----------------------------------------------------------------------===//
// heads
//===----------------------------------------------------------------------===//

LogicalResult HeadsMaskAttr::verify(EmitErrorFn emitError,
                                    ArrayRef<MaskExprAttrInterface> cases,
                                    ArrayRef<int64_t> caseHeads,
                                    ArrayRef<int64_t> caseSizes,
                                    MaskExprAttrInterface) {
  if (cases.size() != caseSizes.size())
    return emitError() << "heads: " << cases.size() << " cases but "
                       << caseSizes.size() << " head lists";
  int64_t total = 0;
  for (int64_t size : caseSizes) {
    if (size < 1)
      return emitError() << "heads: every case needs at least one head";
    total += size;
  }
  if (total != static_cast<int64_t>(caseHeads.size()))
    return emitError() << "heads: head lists hold " << caseHeads.size()
                       << " heads, sizes say " << total;
  for (int64_t h : caseHeads)
    if (h < 0)
      return emitError() << "heads: head index must be >= 0, found " << h;
  SmallVector<int64_t> sorted(caseHeads);
  llvm::sort(sorted);
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i] == sorted[i - 1])
      return emitError() << "heads: head " << sorted[i] << " is listed twice";
  return success();
}
MaskExprAttrInterface HeadsMaskAttr::caseFor(int64_t h) const {
  ArrayRef<int64_t> heads = getCaseHeads();
  for (auto [expr, size] : llvm::zip(getCases(), getCaseSizes())) {
    if (llvm::is_contained(heads.take_front(size), h))
      return expr;
    heads = heads.drop_front(size);
  }
  return getFallback();
}
bool HeadsMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  MaskExprAttrInterface e = caseFor(p.h);
  return e && e.isVisible(p, ctx);
}
TileClass HeadsMaskAttr::classify(const Box &box, const Context &ctx) const {
  MaskExprAttrInterface e = caseFor(box.h);
  return e ? e.classify(box, ctx) : TileClass::Empty;
}
Interval HeadsMaskAttr::kvRange(int64_t b, int64_t h, Interval q,
                                const Context &ctx) const {
  MaskExprAttrInterface e = caseFor(h);
  return e ? e.kvRange(b, h, q, ctx) : Interval{0, 0};
}
LogicalResult HeadsMaskAttr::verifyShape(const ShapeInfo &shape,
                                         EmitErrorFn emitError) const {
  if (shape.qHeads != kDynamic) {
    for (int64_t h : getCaseHeads())
      if (h >= shape.qHeads)
        return emitError() << "heads: head " << h << " is out of range for "
                           << shape.qHeads << " query heads";
    if (!getFallback())
      for (int64_t h = 0; h < shape.qHeads; ++h)
        if (!caseFor(h))
          return emitError() << "heads: no case covers head " << h
                             << " and there is no '*' case";
  }
  for (MaskExprAttrInterface e : getCases())
    if (failed(e.verifyShape(shape, emitError)))
      return failure();
  if (getFallback() && failed(getFallback().verifyShape(shape, emitError)))
    return failure();
  return success();
}
void HeadsMaskAttr::addRequirements(Requirements &req) const {
  for (MaskExprAttrInterface e : getCases())
    e.addRequirements(req);
  if (getFallback())
    getFallback().addRequirements(req);
}
bool HeadsMaskAttr::dependsOnHead() const { return true; }

/// Selects, by the run-time head args.h, among the values `build` emits for
/// each case; `fallback` for the heads of no case.
template <typename T, typename None, typename Build, typename Select>
static T selectByHead(HeadsMaskAttr attr, IREmitter &ir, const IRArgs &args,
                      None none, Build build, Select select) {
  T result = attr.getFallback() ? build(attr.getFallback()) : none();
  ArrayRef<int64_t> heads = attr.getCaseHeads();
  for (auto [expr, size] : llvm::zip(attr.getCases(), attr.getCaseSizes())) {
    Value isCase = ir.isAnyOf(args.h, heads.take_front(size));
    result = select(isCase, build(expr), result);
    heads = heads.drop_front(size);
  }
  return result;
}
Value HeadsMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                  const IRArgs &args) const {
  IREmitter ir(builder, loc);
  return selectByHead<Value>(
      *this, ir, args, [&] { return ir.boolean(false); },
      [&](MaskExprAttrInterface e) {
        return e.buildVisible(builder, loc, args);
      },
      [&](Value c, Value x, Value y) { return ir.select(c, x, y); });
}
IRKeys HeadsMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                   const IRArgs &args) const {
  IREmitter ir(builder, loc);
  return selectByHead<IRKeys>(
      *this, ir, args,
      [&] {
        Value zero = ir.index(0);
        return IRKeys{zero, zero};
      },
      [&](MaskExprAttrInterface e) {
        return e.buildKVRange(builder, loc, args);
      },
      [&](Value c, IRKeys x, IRKeys y) {
        return IRKeys{ir.select(c, x.first, y.first),
                      ir.select(c, x.second, y.second)};
      });
}
Value HeadsMaskAttr::buildTileIsFull(OpBuilder &builder, Location loc,
                                     const IRArgs &args) const {
  IREmitter ir(builder, loc);
  return selectByHead<Value>(
      *this, ir, args, [&] { return ir.boolean(false); },
      [&](MaskExprAttrInterface e) {
        return e.buildTileIsFull(builder, loc, args);
      },
      [&](Value c, Value x, Value y) { return ir.select(c, x, y); });
}
void HeadsMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "heads(";
  ArrayRef<int64_t> heads = getCaseHeads();
  bool first = true;
  for (auto [expr, size] : llvm::zip(getCases(), getCaseSizes())) {
    if (!first)
      os << ", ";
    first = false;
    os << "[";
    llvm::interleaveComma(heads.take_front(size), os);
    os << "] : ";
    printOperand(os, expr, 2);
    heads = heads.drop_front(size);
  }
  if (getFallback()) {
    if (!first)
      os << ", ";
    os << "* : ";
    printOperand(os, getFallback(), 2);
  }
  os << ")";
}

//===----------------------------------------------------------------------===//
// mask_mod
//===----------------------------------------------------------------------===//

bool MaskModMaskAttr::isVisible(const Point &p, const Context &ctx) const {
  return ctx.maskMod(p.b, p.h, p.q, p.k);
}
TileClass MaskModMaskAttr::classify(const Box &, const Context &) const {
  return TileClass::Partial;
}
Interval MaskModMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                  const Context &ctx) const {
  return q.empty() ? Interval{0, 0} : Interval{0, ctx.kvLen};
}
void MaskModMaskAttr::addRequirements(Requirements &req) const {
  req.maskModRegion = true;
}
bool MaskModMaskAttr::dependsOnHead() const { return true; }
Value MaskModMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                    const IRArgs &args) const {
  return args.maskMod(builder, loc, args.b, args.h, args.q, args.k);
}
void MaskModMaskAttr::printExpr(llvm::raw_ostream &os) const {
  os << "mask_mod";
}
