//===- NeighborhoodMask.cpp - N-D neighborhood attention (NATTEN / GNA) ---===//
//
// Tokens form a row-major grid of 1 to 3 axes. Along each axis a query sees a
// window of `kernel` positions with its own residue mod `dilation`; the set
// a query sees is the product of its axis windows. Counting the keys of a
// flat range [k0, k1) inside such a product takes one pass over the axes
// (a mixed-radix digit walk), so a tile is classified exactly in
// O(rows x axes) instead of O(rows x cols). The IR builders unflatten q and k
// with divsi / remsi and recompute each axis window as axisWindow() does;
// the IR KV range widens the query range by the farthest any window reaches
// behind or ahead of its query, a bound found per axis at compile time.
//
//===----------------------------------------------------------------------===//

#include "MaskUtils.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace attn;
using namespace attn::mask;

using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;
using AxisWindow = NeighborhoodMaskAttr::AxisWindow;
using arith::CmpIPredicate;

static constexpr unsigned kMaxAxes = 3;

LogicalResult NeighborhoodMaskAttr::verify(EmitErrorFn emitError,
                                           ArrayRef<int64_t> extents,
                                           ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> dilation,
                                           ArrayRef<int64_t> stride,
                                           ArrayRef<bool> causal) {
  size_t rank = extents.size();
  if (rank < 1 || rank > kMaxAxes)
    return emitError() << "neighborhood needs 1 to " << kMaxAxes
                       << " axes, found " << rank;
  if (kernel.size() != rank || dilation.size() != rank ||
      stride.size() != rank || causal.size() != rank)
    return emitError() << "neighborhood parameters must all have " << rank
                       << " entries (one per axis of extents)";
  int64_t tokens = 1;
  for (size_t a = 0; a < rank; ++a) {
    if (extents[a] < 1 || extents[a] > (int64_t(1) << 31))
      return emitError() << "neighborhood extent " << extents[a] << " on axis "
                         << a << " is out of range";
    if (extents[a] > (int64_t(1) << 40) / tokens)
      return emitError() << "neighborhood grid is too large";
    tokens *= extents[a];
    if (kernel[a] < 1)
      return emitError() << "neighborhood kernel must be >= 1, found "
                         << kernel[a] << " on axis " << a;
    if (dilation[a] < 1)
      return emitError() << "neighborhood dilation must be >= 1, found "
                         << dilation[a] << " on axis " << a;
    if (kernel[a] > extents[a] || dilation[a] > extents[a] ||
        kernel[a] * dilation[a] > extents[a])
      return emitError() << "neighborhood kernel " << kernel[a]
                         << " with dilation " << dilation[a]
                         << " does not fit extent " << extents[a] << " on axis "
                         << a;
    if (stride[a] < 1 || stride[a] > kernel[a])
      return emitError() << "neighborhood stride must be in [1, kernel = "
                         << kernel[a] << "], found " << stride[a] << " on axis "
                         << a;
  }
  return success();
}

AxisWindow NeighborhoodMaskAttr::axisWindow(unsigned axis, int64_t x) const {
  int64_t extent = getExtents()[axis], kernel = getKernel()[axis];
  int64_t dil = getDilation()[axis], stride = getStride()[axis];
  // Work inside the dilation group of x: positions r, r + dil, ...
  int64_t r = x % dil, g = x / dil;
  int64_t groupLen = (extent - r + dil - 1) / dil;
  int64_t lo, hi; // group indices, hi exclusive
  if (getCausal()[axis]) {
    // A stride group shares the window of its last query, kept causal.
    int64_t leader = std::min(g / stride * stride + stride - 1, groupLen - 1);
    lo = std::max<int64_t>(leader - kernel + 1, 0);
    hi = std::min(leader, g) + 1;
  } else {
    // A stride group shares the window of its centre query.
    int64_t leader = std::min(g / stride * stride + stride / 2, groupLen - 1);
    lo = std::clamp<int64_t>(leader - kernel / 2, 0, groupLen - kernel);
    hi = lo + kernel;
  }
  return {lo * dil + r, (hi - 1) * dil + r + 1, dil};
}

/// Number of positions of `w` below `c`.
static int64_t countBelow(const AxisWindow &w, int64_t c) {
  if (c <= w.lo)
    return 0;
  int64_t size = (w.hi - w.lo + w.step - 1) / w.step;
  return std::min(size, ceilDiv(c - w.lo, w.step));
}
static int64_t windowSize(const AxisWindow &w) { return countBelow(w, w.hi); }
static bool inWindow(const AxisWindow &w, int64_t c) {
  return c >= w.lo && c < w.hi && (c - w.lo) % w.step == 0;
}

namespace {
/// The windows of one query and the grid they live on.
struct QueryWindows {
  llvm::SmallVector<AxisWindow, kMaxAxes> axes;
  llvm::SmallVector<int64_t, kMaxAxes> extents;
  int64_t tokens = 1;

  QueryWindows(NeighborhoodMaskAttr attr, int64_t q) {
    extents.assign(attr.getExtents().begin(), attr.getExtents().end());
    for (int64_t e : extents)
      tokens *= e;
    axes.resize(extents.size());
    for (int64_t a = extents.size() - 1; a >= 0; --a) {
      axes[a] = attr.axisWindow(a, q % extents[a]);
      q /= extents[a];
    }
  }

  /// Visible keys among the flat positions [0, n).
  int64_t countKeysBelow(int64_t n) const {
    int64_t total = 1;
    for (const AxisWindow &w : axes)
      total *= windowSize(w);
    if (n >= tokens)
      return total;
    llvm::SmallVector<int64_t, kMaxAxes> digits(extents.size());
    for (int64_t a = extents.size() - 1; a >= 0; --a) {
      digits[a] = n % extents[a];
      n /= extents[a];
    }
    int64_t count = 0, below = total;
    for (size_t a = 0; a < axes.size(); ++a) {
      below /= windowSize(axes[a]);
      count += countBelow(axes[a], digits[a]) * below;
      if (!inWindow(axes[a], digits[a]))
        break;
    }
    return count;
  }

  /// Flat positions of the first and last visible key.
  Interval keyHull() const {
    int64_t first = 0, last = 0;
    for (size_t a = 0; a < axes.size(); ++a) {
      first = first * extents[a] + axes[a].lo;
      last = last * extents[a] + axes[a].lo +
             (windowSize(axes[a]) - 1) * axes[a].step;
    }
    return {first, last + 1};
  }
};
} // namespace

static int64_t gridTokens(NeighborhoodMaskAttr attr) {
  int64_t tokens = 1;
  for (int64_t e : attr.getExtents())
    tokens *= e;
  return tokens;
}

bool NeighborhoodMaskAttr::isVisible(const Point &p, const Context &) const {
  int64_t tokens = gridTokens(*this);
  if (p.q >= tokens || p.k >= tokens)
    return false;
  QueryWindows windows(*this, p.q);
  int64_t k = p.k;
  for (int64_t a = windows.axes.size() - 1; a >= 0; --a) {
    if (!inWindow(windows.axes[a], k % windows.extents[a]))
      return false;
    k /= windows.extents[a];
  }
  return true;
}

TileClass NeighborhoodMaskAttr::classify(const Box &box,
                                         const Context &) const {
  int64_t tokens = gridTokens(*this);
  Interval keys = box.k.intersect({0, tokens});
  // Queries or keys beyond the grid see nothing / are seen by nothing.
  bool anyHidden = box.q.hi > tokens || box.k.hi > tokens;
  bool anyVisible = false;
  for (int64_t q = box.q.lo; q < std::min(box.q.hi, tokens); ++q) {
    if (keys.empty())
      break;
    QueryWindows windows(*this, q);
    int64_t visible =
        windows.countKeysBelow(keys.hi) - windows.countKeysBelow(keys.lo);
    anyVisible |= visible > 0;
    anyHidden |= visible < keys.size();
    if (anyVisible && anyHidden)
      return TileClass::Partial;
  }
  if (!anyVisible)
    return TileClass::Empty;
  return anyHidden ? TileClass::Partial : TileClass::Full;
}

Interval NeighborhoodMaskAttr::kvRange(int64_t, int64_t, Interval q,
                                       const Context &ctx) const {
  int64_t tokens = gridTokens(*this);
  Interval keys{0, 0};
  for (int64_t i = q.lo; i < std::min(q.hi, tokens); ++i)
    keys = keys.hull(QueryWindows(*this, i).keyHull());
  return keys.intersect({0, ctx.kvLen});
}

LogicalResult NeighborhoodMaskAttr::verifyShape(const ShapeInfo &shape,
                                                EmitErrorFn emitError) const {
  int64_t tokens = gridTokens(*this);
  if (shape.qLen != kDynamic && shape.qLen != tokens)
    return emitError() << "neighborhood grid of " << tokens
                       << " tokens does not match query length " << shape.qLen;
  if (shape.kvLen != kDynamic && shape.kvLen != tokens)
    return emitError() << "neighborhood grid of " << tokens
                       << " tokens does not match key length " << shape.kvLen;
  return success();
}

//===----------------------------------------------------------------------===//
// IR
//===----------------------------------------------------------------------===//

namespace {
/// An axis window as IR: the residue r = x mod dilation and the group
/// indices [lo, hi) of its positions lo * d + r, ..., (hi - 1) * d + r.
struct IRAxisWindow {
  Value r, lo, hi;
};
} // namespace

/// axisWindow() as IR, for a run-time coordinate 0 <= x < extent.
static IRAxisWindow buildAxisWindow(NeighborhoodMaskAttr attr, IREmitter &e,
                                    unsigned axis, Value x) {
  int64_t extent = attr.getExtents()[axis], kernel = attr.getKernel()[axis];
  int64_t dil = attr.getDilation()[axis], stride = attr.getStride()[axis];
  Value r = e.remS(x, dil), g = e.divS(x, dil);
  Value groupLen = e.divS(e.sub(e.index(extent + dil - 1), r), dil);
  Value groupStart = e.mul(e.divS(g, stride), stride);
  Value lastInGroup = e.sub(groupLen, 1);
  if (attr.getCausal()[axis]) {
    Value leader = e.min(e.add(groupStart, stride - 1), lastInGroup);
    Value lo = e.max(e.sub(leader, kernel - 1), e.index(0));
    return {r, lo, e.add(e.min(leader, g), 1)};
  }
  Value leader = e.min(e.add(groupStart, stride / 2), lastInGroup);
  // groupLen >= kernel (verified: kernel * dilation <= extent).
  Value lo =
      e.clamp(e.sub(leader, kernel / 2), e.index(0), e.sub(groupLen, kernel));
  return {r, lo, e.add(lo, kernel)};
}

Value NeighborhoodMaskAttr::buildVisible(OpBuilder &builder, Location loc,
                                         const IRArgs &args) const {
  IREmitter e(builder, loc);
  int64_t tokens = gridTokens(*this);
  Value visible = e.land(e.cmp(CmpIPredicate::slt, args.q, tokens),
                         e.cmp(CmpIPredicate::slt, args.k, tokens));
  // Row-major digits, last axis first.
  Value q = args.q, k = args.k;
  for (int64_t a = getExtents().size() - 1; a >= 0; --a) {
    int64_t extent = getExtents()[a], dil = getDilation()[a];
    Value qx = e.remS(q, extent), kx = e.remS(k, extent);
    q = e.divS(q, extent);
    k = e.divS(k, extent);
    IRAxisWindow w = buildAxisWindow(*this, e, a, qx);
    // inWindow(): kx = g * dil + r with g in [lo, hi).
    Value in = e.land(e.cmp(CmpIPredicate::eq, e.remS(kx, dil), w.r),
                      e.inRange(e.divS(kx, dil), w.lo, w.hi));
    visible = e.land(visible, in);
  }
  return visible;
}

IRKeys NeighborhoodMaskAttr::buildKVRange(OpBuilder &builder, Location loc,
                                          const IRArgs &args) const {
  // keyHull(q) of a query with digits x_a is [sum first_a(x_a) * s_a,
  // sum last_a(x_a) * s_a + 1) with s_a the flat stride of axis a, so it
  // lies in [q - behind, q + ahead + 1) where behind (ahead) sums over the
  // axes the most x - first_a(x) (last_a(x) - x) over x: the hull of the
  // queries [qLo, qHi) lies in [qLo - behind, qHi + ahead). The maxima are
  // found by enumerating each axis, skipped (full range) for huge axes.
  constexpr int64_t kMaxEnumerated = int64_t(1) << 20;
  IREmitter e(builder, loc);
  int64_t behind = 0, ahead = 0, flatStride = 1;
  for (int64_t a = getExtents().size() - 1; a >= 0; --a) {
    int64_t extent = getExtents()[a];
    if (extent > kMaxEnumerated)
      return {e.index(0), args.kvLen};
    int64_t axisBehind = std::numeric_limits<int64_t>::min();
    int64_t axisAhead = std::numeric_limits<int64_t>::min();
    for (int64_t x = 0; x < extent; ++x) {
      AxisWindow w = axisWindow(a, x);
      int64_t last = w.lo + (windowSize(w) - 1) * w.step;
      axisBehind = std::max(axisBehind, x - w.lo);
      axisAhead = std::max(axisAhead, last - x);
    }
    behind += axisBehind * flatStride;
    ahead += axisAhead * flatStride;
    flatStride *= extent;
  }
  Value hi = e.min(e.add(args.qHi, ahead), e.index(gridTokens(*this)));
  return e.clipKeys(e.sub(args.qLo, behind), hi, args.kvLen);
}

void NeighborhoodMaskAttr::printExpr(llvm::raw_ostream &os) const {
  auto list = [&](const char *name, auto values) {
    os << name << " = [";
    llvm::interleaveComma(values, os);
    os << "]";
  };
  os << "neighborhood(";
  list("extents", getExtents());
  os << ", ";
  list("kernel", getKernel());
  if (llvm::any_of(getDilation(), [](int64_t d) { return d != 1; })) {
    os << ", ";
    list("dilation", getDilation());
  }
  if (llvm::any_of(getStride(), [](int64_t s) { return s != 1; })) {
    os << ", ";
    list("stride", getStride());
  }
  if (llvm::is_contained(getCausal(), true)) {
    os << ", causal = [";
    llvm::interleaveComma(getCausal(), os,
                          [&](bool c) { os << (c ? "true" : "false"); });
    os << "]";
  }
  os << ")";
}
