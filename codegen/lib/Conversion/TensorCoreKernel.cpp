//===- TensorCoreKernel.cpp - Attention on mma.sync tensor cores ----------===//
//
// A block of 1 to 8 warps owns `rows` query rows of one (batch, head); each
// warp owns one or two tiles of 16 of them (TensorCoreShape). The block
// stages its query tile in shared memory once (with one row tile and Dqk <=
// 128 the warps keep their mma fragments in registers), then walks the key
// range its mask leaves (buildKVRange over the block's rows) in tiles of
// `keys`, with the next tile's K and V rows copied by cp.async into another
// shared buffer while the current one is computed (two buffers; three when
// the next tile's scores are computed during this one's softmax):
//
//   S = Q K^T          mma.sync m16n8k16, K fragments by ldmatrix
//   S = score(S)       only on tiles the mask does not show whole
//                      (buildTileIsFull), or when the score is modified:
//                      the same scalar builders as the CPU path (ScorePoint)
//   online softmax     in base 2 (scale and max folded into one fma), the row
//                      max shared by the 4 lanes of a row; O rescaled only
//                      when a row max of the warp moved
//   O = O * c + P V    P packed from the S fragments as the A operand, V
//                      fragments by ldmatrix.trans
//
// The full-tile test is made per warp, on the warp's rows. Masks that read
// run-time data have the threads split the scans:
// the block's for its key range (the shares meet through atomics in shared
// memory), a warp's lanes for its full-tile tests (met by a vote).
//
// Shared rows are padded by 16 bytes so that ldmatrix reads no bank twice.
// Rows past the lengths read the last valid row (clamped) and are masked by
// the score builder, so nothing outside the operands is read. O is 0 and
// the LSE -inf on rows that see no key.
//
// On sm_90a (warpgroupMma) the two products are wgmma.mma_async instead,
// a warpgroup (4 warps, 64 rows) at a time: Q, K and V are copied into
// 128-byte-swizzled tiles (no padding) that the tensor cores read through
// descriptors, after a proxy fence; P stays in registers. wgmma's
// accumulators and register A operand have the layouts below for each
// warp's 16 rows, so the mask, softmax and epilogue code is shared. With no
// mask or a causal one, the next tile's S = Q K^T is issued before this
// tile's softmax and waited for with its P V (three buffers).
//
// The fragment layouts are those of PTX's mma.m16n8k16 (lane = 4 * g + t):
// A (16x16) a0..a3 = rows g, g+8 x columns 2t, 2t+8 (pairs); B (16x8) b0,
// b1 = rows 2t, 2t+8 (pairs) x column g; C (16x8) c0,c1 = row g, c2,c3 =
// row g+8, columns 2t and 2t+1.
//
//===----------------------------------------------------------------------===//

#include "TensorCoreKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>

using namespace mlir;
using namespace attn;

/// Masks whose per-pair test takes more operations than this keep the
/// registers overlapTiles would take for the score builder.
constexpr int64_t kOverlapVisibilityCost = 32;

/// The wgmma kernel computes the next tile's scores during the softmax only
/// for masks whose per-pair test takes at most this many operations (none,
/// causal): the next scores leave too few registers for the others.
constexpr int64_t kWarpgroupOverlapCost = 4;

bool attn::fitsTensorCores(const AttentionSpec &attention) {
  Type qe = attention.getQuery().getType().getElementType();
  if (!(qe.isBF16() || qe.isF16()) ||
      attention.getKey().getType().getElementType() != qe ||
      attention.getValue().getType().getElementType() != qe)
    return false;
  auto fits = [](int64_t d) {
    return !ShapedType::isDynamic(d) && d % 16 == 0 && d <= 256;
  };
  return fits(attention.getQuery().getType().getDimSize(3)) &&
         fits(attention.getValue().getType().getDimSize(3));
}

/// Operations the mask's per-pair test takes (built into a scratch block):
/// how much the score builder of a partial tile costs in registers.
static int64_t visibilityCost(const AttentionSpec &attention) {
  if (!attention.getMaskAttr())
    return 0;
  MLIRContext *ctx = attention.getContext();
  Location loc = attention.getLoc();
  Type index = IndexType::get(ctx);
  OpBuilder b(ctx);
  // b, h, q, k, qLen, kvLen, then the operands the mask reads (segment ids
  // or offsets, the block mask), of their own types.
  SmallVector<Type> types(6, index);
  for (Value data : {attention.getQSegments(), attention.getKvSegments(),
                     attention.getBlockMask()})
    if (data)
      types.push_back(data.getType());
  OwningOpRef<func::FuncOp> scratch = func::FuncOp::create(
      b, loc, "visibility_cost", b.getFunctionType(types, {}));
  Block *body = scratch->addEntryBlock();
  mask::IRArgs args;
  args.b = body->getArgument(0);
  args.h = body->getArgument(1);
  args.q = body->getArgument(2);
  args.k = body->getArgument(3);
  args.qLen = body->getArgument(4);
  args.kvLen = body->getArgument(5);
  args.qHeads =
      attention.getQuery().getType().getDimSize(attention.getHeadAxis());
  unsigned next = 6;
  if (attention.getQSegments()) {
    args.qSegments = body->getArgument(next++);
    args.kvSegments = body->getArgument(next++);
  }
  if (attention.getBlockMask())
    args.blockMask = body->getArgument(next++);
  b.setInsertionPointToEnd(body);
  attention.getMaskExpr().buildVisible(b, loc, args);
  int64_t count = 0;
  body->walk([&](Operation *) { ++count; });
  return count;
}

bool attn::fitsWarpgroupMma(const AttentionSpec &attention) {
  return attention.getQuery().getType().getDimSize(3) % 64 == 0 &&
         attention.getValue().getType().getDimSize(3) % 64 == 0;
}

TensorCoreShape attn::tensorCoreShape(const AttentionSpec &attention,
                                      int64_t blockQ, bool warpgroupMma) {
  TensorCoreShape shape;
  shape.dqk = attention.getQuery().getType().getDimSize(3);
  shape.dv = attention.getValue().getType().getDimSize(3);
  int64_t width = std::max(shape.dqk, shape.dv);
  // Scores that go through the score builder on every tile (score
  // modifiers, and masks with no full-tile test: run-time block masks and
  // mask_mod) need registers of their own.
  bool perElement = static_cast<bool>(attention.getScoreAttr());
  if (attention.getMaskAttr()) {
    mask::Requirements req;
    attention.getMaskExpr().addRequirements(req);
    // Document offsets (a count over the starts) and mask_mod have no scan
    // that lanes can split, but they take the same path: without it the
    // mask_mod example ran 0.110 against 0.098 ms and document_offsets
    // 0.926 against 0.908 ms (H100; ptxas gave mask_mod 255 registers
    // instead of 157).
    shape.sharedMaskScans =
        req.documents || req.docOffsets || req.blockMask || req.maskModRegion;
    perElement |= req.blockMask || req.maskModRegion;
  }
  // Registers a thread holds, per 16-row tile: Dv / 2 accumulators, keys /
  // 2 scores (twice with overlapTiles), and Dqk / 4 query words when they
  // stay in registers. The choices below were measured on the H100
  // (docs/BENCHMARKS.md) and keep every example free of spills:
  // - two row tiles a warp halve the K and V fragments read per mma; they
  //   fit head dims up to 64 with 64-key tiles, and 128 with 32-key tiles
  //   when no mask sends partial tiles through the score builder;
  // - masked heads up to 128 compute the next tile's scores during the
  //   softmax (overlapTiles) with one row tile and 64-key tiles;
  // - otherwise one row tile, 64-key tiles up to head dim 64, else 32.
  if (warpgroupMma) {
    // A warpgroup's 64 rows hold keys / 2 scores and Dv / 2 accumulators a
    // thread. Measured on the H100 (docs/BENCHMARKS.md):
    // - no mask, or one as cheap as causal: 128-key tiles (64 from D = 256)
    //   in blocks of 128 rows, and a third K and V buffer where shared
    //   memory holds it, so that the next tile's S = Q K^T runs during this
    //   tile's softmax (+3% dense, +4% causal at D = 128);
    // - other masks and score modifiers: the next scores' registers would
    //   spill (a 1024 window -12%, documents -25%), so two buffers of
    //   64-key tiles in blocks of 64 rows, two blocks a multiprocessor
    //   (+8% window, +4% documents against 128 x 128), 32-key tiles when
    //   the per-pair test is costly (64 spilled document offsets).
    shape.warpgroupMma = true;
    shape.queryInRegisters = false;
    int64_t cost = perElement ? 0 : visibilityCost(attention);
    bool cheap =
        !perElement && !shape.sharedMaskScans && cost <= kWarpgroupOverlapCost;
    // Masks that show each row one interval of keys, with unmodified
    // scores, test a partial tile's pairs against two bounds a row, and
    // their kernel needs about 150 registers a thread: 48-key tiles let
    // three blocks of one warpgroup share a multiprocessor (66 KB of shared
    // memory and 168 registers each). A 1024 window: 305-309 -> 317-319
    // TFLOP/s on the H100; 32-key tiles ran 290-294 (docs/BENCHMARKS.md).
    shape.keyIntervals =
        !cheap && !perElement && attention.getMaskAttr() &&
        attention.getMaskExpr().showsKeyIntervals(/*idsSorted=*/true);
    shape.sortedIds =
        shape.keyIntervals &&
        !attention.getMaskExpr().showsKeyIntervals(/*idsSorted=*/false);
    if (cheap) {
      shape.keys = width <= 128 ? 128 : 64;
    } else if (shape.keyIntervals && width <= 128) {
      shape.keys = 48;
      shape.blocksPerMultiprocessor = 3;
    } else {
      shape.keys = cost > kOverlapVisibilityCost ? 32 : 64;
      // One-block kernels without the overlap have the registers for flat
      // copies: documents +4% on the H100. With the overlap they spilled
      // (causal -18%), as did softcap at D = 256 (128 accumulators a
      // thread), and they take the window kernel from 150 to 185
      // registers, more than three blocks leave (docs/BENCHMARKS.md).
      shape.flatCopies = width <= 128;
    }
    shape.overlapTiles = cheap;
    auto setRows = [&](int64_t rows) {
      shape.warps = 4 * std::clamp<int64_t>(rows / 64, 1, 2);
      shape.rows = shape.warps * 16;
      if (shape.sharedBytes() > kMaxDynamicSharedBytes)
        shape.overlapTiles = false;
    };
    setRows(blockQ ? blockQ : cheap ? 128 : 64);
    // Blocks of one warpgroup pay only when two share a multiprocessor
    // (not at D = 256: 4 warps a multiprocessor made softcap 47% slower).
    if (blockQ == 0 && shape.rows == 64 &&
        2 * (shape.sharedBytes() + kReservedSharedBytesPerBlock) >
            kSharedBytesPerMultiprocessor)
      setRows(128);
    return shape;
  }
  bool plain = !attention.getMaskAttr() && !attention.getScoreAttr();
  if (width <= 128 && plain) {
    shape.rowTiles = 2;
    shape.keys = width <= 64 ? 64 : 32;
  } else if (width <= 64 && !perElement) {
    shape.rowTiles = 2;
    shape.keys = 64;
  } else if (width <= 128 && !perElement &&
             visibilityCost(attention) <= kOverlapVisibilityCost) {
    shape.rowTiles = 1;
    shape.keys = 64;
    shape.overlapTiles = true;
  } else {
    shape.rowTiles = 1;
    shape.keys = width <= 64 ? 64 : 32;
  }
  shape.queryInRegisters = shape.dqk <= 128 && shape.rowTiles == 1;
  // Rows chosen per entry (blockQ 0): masked heads with the overlap take
  // blocks of 64 rows, so that two blocks share a multiprocessor and one's
  // start (key range, first tiles) hides behind the other's work: +7% on
  // a 1024 window, +5% on documents, -2% on causal at 16k (H100,
  // docs/BENCHMARKS.md); dense kernels keep 128 (64: -13%).
  if (blockQ == 0)
    blockQ = shape.overlapTiles ? 64 : kDefaultBlockQ;
  // rowTiles tiles of 16 rows a warp, 1 to 8 warps.
  shape.warps = std::clamp<int64_t>(blockQ / (16 * shape.rowTiles), 1, 8);
  shape.rows = shape.warps * 16 * shape.rowTiles;
  return shape;
}

namespace {

/// ldmatrix.x4 loads issued this many steps before the mma that uses them,
/// so that their latency hides behind the mma of the steps between.
constexpr int64_t kLoadsAhead = 2;

/// A sequence of `count` steps, each using the words of one load: the IR
/// of load i + kLoadsAhead comes before the use of step i.
class Pipeline {
public:
  using Load = std::function<SmallVector<Value, 4>(int64_t)>;
  using Use = function_ref<void(int64_t, ArrayRef<Value>)>;
  Pipeline(int64_t count, Load load) : count(count), load(std::move(load)) {}

  /// Issues the first loads.
  void prime() {
    while (issued < std::min(count, kLoadsAhead))
      inFlight.push_back(load(issued++));
  }
  /// Emits every step, loading ahead.
  void run(Use use) {
    prime();
    for (int64_t i = 0; i < count; ++i) {
      if (issued < count)
        inFlight.push_back(load(issued++));
      use(i, inFlight.front());
      inFlight.pop_front();
    }
  }

private:
  int64_t count, issued = 0;
  Load load;
  std::deque<SmallVector<Value, 4>> inFlight;
};

static void pipeline(int64_t count, Pipeline::Load load, Pipeline::Use use) {
  Pipeline(count, std::move(load)).run(use);
}

/// Builds one kernel body; holds the values every part reads.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const AttentionSpec &attention,
                const TensorCoreShape &shape, const ScorePointSpec &spec,
                Value query, Value key, Value value, Value out, Value lse)
      : b(b), loc(loc), attention(attention), shape(shape), spec(spec),
        query(query), key(key), value(value), out(out), lse(lse) {}

  void build();

private:
  OpBuilder &b;
  Location loc;
  const AttentionSpec &attention;
  const TensorCoreShape &shape;
  const ScorePointSpec &spec;
  Value query, key, value, out, lse;

  Type elem, f32, i32;
  Value tid, warp, lane, g, t;
  Value batch, head, kvHead, q0;
  Value qShared, kShared, vShared;

  static constexpr double kLog2e = 1.4426950408889634;

  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value ci32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value fc(double v) {
    return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t y) { return y ? add(x, c(y)) : x; }
  Value mul(Value x, int64_t y) { return mul(x, c(y)); }

  /// [b, h, s, d] in the operand's layout.
  SmallVector<Value, 4> at(Value h, Value s, Value d) {
    SmallVector<Value, 4> idx(4);
    idx[0] = batch;
    idx[attention.getHeadAxis()] = h;
    idx[attention.getSeqAxis()] = s;
    idx[3] = d;
    return idx;
  }

  /// Issues cp.async copies of `rows` rows of `src` (head `h`, sequence
  /// rows from `first`, clamped below `len`) into `dst` from row `dstRow`.
  void copyRows(Value src, Value h, Value first, Value len, Value dst,
                Value dstRow, int64_t rows, int64_t dim);

  /// The four i32 words of an ldmatrix.x4 at `row`, `col` of `smem`.
  SmallVector<Value, 4> ldmatrix4(Value smem, Value row, Value col,
                                  bool transpose);
  /// D = A B + C on one m16n8k16 tile.
  SmallVector<Value, 4> mma(ArrayRef<Value> a, ArrayRef<Value> bw,
                            ArrayRef<Value> acc);
  /// Two f32 as one mma operand word of two 16-bit values.
  Value pack(Value lo, Value hi);
  /// A vector<2xelem> as an mma operand word.
  Value word(Value pair);
  /// x reduced over the 4 lanes of a row (butterfly over lane bits 0, 1).
  Value quadReduce(Value x, bool max);
  /// The A fragment of P for 16 keys: the C fragments (4 values each) of
  /// its two 8-key tiles, from p0 and p1, packed into four operand words.
  SmallVector<Value, 4> probabilityFragment(const Value *p0, const Value *p1);

  // warpgroupMma. The tiles are 128-byte swizzled: a tile of R rows and D
  // columns is D / 64 blocks of R rows of 128 bytes (64 elements), the
  // 16-byte chunk c of row r stored at chunk c ^ (r % 8), as wgmma's
  // 128-byte swizzle reads it from tiles aligned to kSwizzleAtomBytes.

  /// The i64 shared address of the swizzled tiles (aligned), and the byte
  /// offsets of Q, K and V from it.
  Value tilesAddress;
  int64_t qBytesAt = 0, kBytesAt = 0, vBytesAt = 0;
  /// wgmma's descriptor of the swizzled operand `bytes` (index) past the
  /// tiles' address: `leading` and `stride` bytes as PTX defines them for
  /// its majorness.
  Value descriptor(Value bytes, int64_t leading, int64_t stride);
  /// `desc` moved by `bytes` (a multiple of 16) from its start address.
  Value advance(Value desc, int64_t bytes);
  /// A volatile inline asm returning a struct of `results`.
  Value inlineAsm(ArrayRef<Type> results, ValueRange operands, StringRef ptx,
                  StringRef constraints);
  /// `values` passed through an empty volatile asm: reads of wgmma's
  /// results stay after its wait, writes of its operands before its fence.
  SmallVector<Value> fenceOperands(ArrayRef<Value> values);
  /// S = Q K^T of this warpgroup's rows on K buffer `buffer`: keys / 2
  /// scores a thread, in the layout of mma.sync's C fragments. Unless
  /// `complete`, the product is only issued (committed as a group): the
  /// caller waits for it and fences the scores (fenceOperands) before use.
  SmallVector<Value> warpgroupScores(Value buffer, bool complete = true);
  /// acc (Dv / 2 a thread) += P V on V buffer `buffer`, P (keys / 2 a
  /// thread) from registers as wgmma's A fragments.
  void warpgroupAccumulate(MutableArrayRef<Value> acc, ArrayRef<Value> p,
                           Value buffer);
};

void KernelBuilder::copyRows(Value src, Value h, Value first, Value len,
                             Value dst, Value dstRow, int64_t rows,
                             int64_t dim) {
  int64_t chunks = dim / 8, total = rows * chunks, threads = shape.threads();
  // A thread's rows are `threads / chunks` apart, its chunk the same in
  // each. With flatCopies and every row inside the length, the source is
  // one flat element index, the first row's, plus multiples of the rows'
  // distance (the strides are run-time values, the innermost 1); else each
  // row is clamped to the length and addressed on its own.
  const bool flatCopies = shape.flatCopies && threads % chunks == 0;
  Value flat, rowStep, firstIndex;
  if (flatCopies) {
    auto meta = memref::ExtractStridedMetadataOp::create(b, loc, src);
    auto strides = meta.getStrides();
    auto sizes = meta.getSizes();
    // The flat view spans every element the strides reach.
    Value span = c(1);
    for (auto [size, stride] : llvm::zip(sizes, strides))
      span = add(span, mul(arith::SubIOp::create(b, loc, size, c(1)), stride));
    flat = memref::ReinterpretCastOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, elem), src,
        /*offset=*/b.getIndexAttr(0), ArrayRef<OpFoldResult>{span},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    unsigned seqAxis = attention.getSeqAxis();
    rowStep = mul(strides[seqAxis], threads / chunks);
    Value r = arith::DivUIOp::create(b, loc, tid, c(chunks));
    Value col = mul(arith::RemUIOp::create(b, loc, tid, c(chunks)), 8);
    SmallVector<Value, 4> idx = at(h, add(first, r), col);
    firstIndex = c(0);
    for (auto [i, stride] : llvm::zip(idx, strides))
      firstIndex = add(firstIndex, mul(i, stride));
  }
  auto copies = [&](bool clamp) {
    for (int64_t base = 0; base < total; base += threads) {
      Value i = add(tid, base);
      auto emit = [&](OpBuilder &, Location) {
        Value r = arith::DivUIOp::create(b, loc, i, c(chunks));
        Value chunk = arith::RemUIOp::create(b, loc, i, c(chunks));
        Value col = mul(chunk, 8);
        Value srcRow =
            clamp ? clampToLength(b, loc, add(first, r), len) : Value();
        // Padded rows, or the swizzled blocks of 64 columns (dstRow and
        // `rows` are multiples of 8, so r % 8 is the row's within its atom).
        SmallVector<Value, 2> to = {add(dstRow, r), col};
        if (shape.warpgroupMma) {
          Value block = arith::DivUIOp::create(b, loc, chunk, c(8));
          Value swizzled = arith::XOrIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, chunk, c(8)),
              arith::RemUIOp::create(b, loc, r, c(8)));
          to = {add(dstRow, add(mul(block, rows), r)), mul(swizzled, 8)};
        }
        Value from = src;
        SmallVector<Value, 4> fromAt;
        if (clamp) {
          fromAt = at(h, srcRow, col);
        } else {
          from = flat;
          fromAt = {add(firstIndex, mul(rowStep, base / threads))};
        }
        nvgpu::DeviceAsyncCopyOp::create(
            b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), dst, to,
            from, fromAt, b.getIndexAttr(8), Value(), b.getUnitAttr());
      };
      if (base + threads <= total) {
        emit(b, loc);
        continue;
      }
      Value inside =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i, c(total));
      auto inRange =
          scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard restore(b);
      b.setInsertionPointToStart(inRange.thenBlock());
      emit(b, loc);
    }
  };
  if (!flatCopies) {
    copies(/*clamp=*/true);
    return;
  }
  Value whole = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                      add(first, rows), len);
  auto choice = scf::IfOp::create(b, loc, whole, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard restore(b);
  b.setInsertionPointToStart(choice.thenBlock());
  copies(/*clamp=*/false);
  b.setInsertionPointToStart(choice.elseBlock());
  copies(/*clamp=*/true);
}

SmallVector<Value, 4> KernelBuilder::ldmatrix4(Value smem, Value row, Value col,
                                               bool transpose) {
  auto type = VectorType::get({4, 2}, elem);
  Value tiles = nvgpu::LdMatrixOp::create(b, loc, type, smem,
                                          ValueRange{row, col}, transpose, 4);
  SmallVector<Value, 4> words;
  for (int64_t i = 0; i < 4; ++i)
    words.push_back(word(vector::ExtractOp::create(b, loc, tiles, i)));
  return words;
}

SmallVector<Value, 4> KernelBuilder::mma(ArrayRef<Value> a, ArrayRef<Value> bw,
                                         ArrayRef<Value> acc) {
  auto ptxType = elem.isBF16() ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16;
  Type result =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  Value d = NVVM::MmaOp::create(
      b, loc, result, a, bw, acc, {16, 8, 16}, std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{ptxType, ptxType},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value, 4> parts;
  for (int64_t i = 0; i < 4; ++i)
    parts.push_back(LLVM::ExtractValueOp::create(b, loc, d, i));
  return parts;
}

Value KernelBuilder::pack(Value lo, Value hi) {
  Value pair = vector::FromElementsOp::create(
      b, loc, VectorType::get({2}, elem),
      ValueRange{arith::TruncFOp::create(b, loc, elem, lo),
                 arith::TruncFOp::create(b, loc, elem, hi)});
  return word(pair);
}

Value KernelBuilder::word(Value pair) {
  // NVVM's mma.sync takes bf16 pairs as i32 and f16 pairs as vector<2xf16>.
  if (!elem.isBF16())
    return pair;
  Value bits =
      vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), pair);
  return vector::ExtractOp::create(b, loc, bits, 0);
}

Value KernelBuilder::descriptor(Value bytes, int64_t leading, int64_t stride) {
  // Bits 0-13: start address / 16; 16-29: leading byte offset / 16; 32-45:
  // stride byte offset / 16; 62-63: 1, the 128-byte swizzle.
  Type i64 = b.getI64Type();
  Value address = arith::AddIOp::create(
      b, loc, tilesAddress, arith::IndexCastOp::create(b, loc, i64, bytes));
  uint64_t fields = (static_cast<uint64_t>(leading >> 4) << 16) |
                    (static_cast<uint64_t>(stride >> 4) << 32) | (1ull << 62);
  Value start = arith::AndIOp::create(
      b, loc,
      arith::ShRUIOp::create(b, loc, address,
                             arith::ConstantIntOp::create(b, loc, i64, 4)),
      arith::ConstantIntOp::create(b, loc, i64, 0x3FFF));
  return arith::OrIOp::create(
      b, loc, start,
      arith::ConstantIntOp::create(b, loc, i64, static_cast<int64_t>(fields)));
}

Value KernelBuilder::advance(Value desc, int64_t bytes) {
  if (bytes == 0)
    return desc;
  // Shared addresses stay below 2^18, so the start field does not carry.
  return arith::AddIOp::create(
      b, loc, desc,
      arith::ConstantIntOp::create(b, loc, b.getI64Type(), bytes >> 4));
}

Value KernelBuilder::inlineAsm(ArrayRef<Type> results, ValueRange operands,
                               StringRef ptx, StringRef constraints) {
  Type result = LLVM::LLVMStructType::getLiteral(b.getContext(), results);
  return LLVM::InlineAsmOp::create(b, loc, result, operands, ptx, constraints,
                                   /*has_side_effects=*/true,
                                   /*is_align_stack=*/false,
                                   LLVM::tailcallkind::TailCallKind::None,
                                   LLVM::AsmDialectAttr(), ArrayAttr())
      .getResult(0);
}

SmallVector<Value> KernelBuilder::fenceOperands(ArrayRef<Value> values) {
  SmallVector<Type> types;
  std::string constraints;
  for (auto [i, v] : llvm::enumerate(values)) {
    types.push_back(v.getType());
    constraints += i ? ",=" : "=";
    constraints += v.getType().isF32() ? "f" : "r"; // f32 or i32 words
  }
  for (size_t i = 0; i < values.size(); ++i)
    constraints += "," + std::to_string(i);
  Value fenced = inlineAsm(types, values, "", constraints);
  SmallVector<Value> parts;
  for (size_t i = 0; i < values.size(); ++i)
    parts.push_back(LLVM::ExtractValueOp::create(b, loc, fenced, i));
  return parts;
}

SmallVector<Value> KernelBuilder::warpgroupScores(Value buffer, bool complete) {
  MLIRContext *ctx = b.getContext();
  const int64_t keys = shape.keys, rows = shape.rows;
  // Q: the warpgroup's 64 rows (8 atoms of 8 rows); K: the buffer's keys.
  // Both K-major: 8-row groups 1024 bytes apart (stride); a k step of 16
  // columns is 32 bytes into a 128-byte row, or the next block of 64.
  Value warpgroup = arith::DivUIOp::create(b, loc, warp, c(4));
  Value qDesc = descriptor(add(mul(warpgroup, 64 * 128), qBytesAt), 16, 1024);
  Value kDesc =
      descriptor(add(mul(buffer, keys * shape.dqk * 2), kBytesAt), 16, 1024);
  SmallVector<Type> types(keys / 2, f32);
  Type accType = LLVM::LLVMStructType::getLiteral(ctx, types);
  Value acc = LLVM::UndefOp::create(b, loc, accType);
  auto type = NVVM::WGMMATypesAttr::get(
      ctx, elem.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16);
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  for (int64_t ks = 0; ks < shape.dqk / 16; ++ks) {
    int64_t column = (ks % 4) * 32;
    acc = NVVM::WgmmaMmaAsyncOp::create(
        b, loc, accType, acc, advance(qDesc, ks / 4 * rows * 128 + column),
        advance(kDesc, ks / 4 * keys * 128 + column),
        NVVM::MMAShapeAttr::get(ctx, 64, keys, 16), type, type,
        NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
        NVVM::WGMMAScaleOutAttr::get(ctx, ks ? NVVM::WGMMAScaleOut::one
                                             : NVVM::WGMMAScaleOut::zero),
        NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
        NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
        NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
        NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::col),
        NVVM::MMAIntOverflowAttr());
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  if (complete)
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  SmallVector<Value> s;
  for (int64_t i = 0; i < keys / 2; ++i)
    s.push_back(LLVM::ExtractValueOp::create(b, loc, acc, i));
  return complete ? fenceOperands(s) : s;
}

void KernelBuilder::warpgroupAccumulate(MutableArrayRef<Value> acc,
                                        ArrayRef<Value> p, Value buffer) {
  const int64_t keys = shape.keys, dv = shape.dv, n = dv / 2;
  // V is N-major for this product (its columns contiguous): 8 keys 1024
  // bytes apart (stride), blocks of 64 columns keys * 128 bytes apart
  // (leading); a k step of 16 keys is 2048 bytes.
  Value vDesc =
      descriptor(add(mul(buffer, keys * dv * 2), vBytesAt), keys * 128, 1024);
  // P's words (mma.sync's A layout, which is wgmma's for registers); NVVM
  // has wgmma with A from shared memory only, so this one is inline PTX.
  auto asWord = [&](Value pair) -> Value {
    if (pair.getType() == i32)
      return pair;
    return vector::ExtractOp::create(
        b, loc,
        vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), pair), 0);
  };
  SmallVector<Value> words;
  for (int64_t kk = 0; kk < keys / 16; ++kk)
    for (Value w : probabilityFragment(&p[(2 * kk) * 4], &p[(2 * kk + 1) * 4]))
      words.push_back(asWord(w));
  // The accumulators and P written before the fence.
  SmallVector<Value> fenced(acc.begin(), acc.end());
  fenced.append(words.begin(), words.end());
  fenced = fenceOperands(fenced);
  SmallVector<Value> d(fenced.begin(), fenced.begin() + n);
  words.assign(fenced.begin() + n, fenced.end());

  // d: $0 .. $(n-1), tied to the inputs $n .. $(2n-1); then P's four
  // words, V's descriptor and the accumulate flag.
  std::string type = elem.isBF16() ? "bf16" : "f16";
  std::string ptx = "{\n.reg .pred p;\nsetp.ne.b32 p, $" +
                    std::to_string(2 * n + 5) +
                    ", 0;\nwgmma.mma_async.sync.aligned.m64n" +
                    std::to_string(dv) + "k16.f32." + type + "." + type + " {";
  std::string constraints;
  for (int64_t i = 0; i < n; ++i) {
    ptx += (i ? ", $" : "$") + std::to_string(i);
    constraints += (i ? ",=f" : "=f");
  }
  ptx += "}, {$" + std::to_string(2 * n) + ", $" + std::to_string(2 * n + 1) +
         ", $" + std::to_string(2 * n + 2) + ", $" + std::to_string(2 * n + 3) +
         "}, $" + std::to_string(2 * n + 4) + ", p, 1, 1, 1;\n}";
  for (int64_t i = 0; i < n; ++i)
    constraints += "," + std::to_string(i);
  constraints += ",r,r,r,r,l,r";
  SmallVector<Type> types(n, f32);
  Value accumulate = ci32(1);
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  for (int64_t kk = 0; kk < keys / 16; ++kk) {
    SmallVector<Value> operands(d);
    operands.append(words.begin() + 4 * kk, words.begin() + 4 * kk + 4);
    operands.push_back(advance(vDesc, kk * 2048));
    operands.push_back(accumulate);
    Value r = inlineAsm(types, operands, ptx, constraints);
    for (int64_t i = 0; i < n; ++i)
      d[i] = LLVM::ExtractValueOp::create(b, loc, r, i);
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  d = fenceOperands(d);
  std::copy(d.begin(), d.end(), acc.begin());
}

SmallVector<Value, 4> KernelBuilder::probabilityFragment(const Value *p0,
                                                         const Value *p1) {
  return {pack(p0[0], p0[1]), pack(p0[2], p0[3]), pack(p1[0], p1[1]),
          pack(p1[2], p1[3])};
}

Value KernelBuilder::quadReduce(Value x, bool max) {
  for (int64_t offset : {1, 2}) {
    Value other =
        NVVM::ShflOp::create(b, loc, f32, ci32(-1), x, ci32(offset), ci32(0x1f),
                             NVVM::ShflKind::bfly, UnitAttr());
    x = max ? arith::MaximumFOp::create(b, loc, x, other).getResult()
            : arith::AddFOp::create(b, loc, x, other).getResult();
  }
  return x;
}

void KernelBuilder::build() {
  MLIRContext *ctx = b.getContext();
  elem = cast<MemRefType>(query.getType()).getElementType();
  f32 = b.getF32Type();
  i32 = b.getI32Type();
  const int64_t rows = shape.rows, keys = shape.keys, dqk = shape.dqk,
                dv = shape.dv;
  const int64_t qStride = shape.rowStride(dqk), vStride = shape.rowStride(dv);
  const double ninf = -std::numeric_limits<double>::infinity();
  unsigned headAxis = attention.getHeadAxis();
  int64_t groups = cast<MemRefType>(query.getType()).getDimSize(headAxis) /
                   cast<MemRefType>(key.getType()).getDimSize(headAxis);

  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  warp = arith::DivUIOp::create(b, loc, tid, c(32));
  lane = arith::RemUIOp::create(b, loc, tid, c(32));
  g = arith::DivUIOp::create(b, loc, lane, c(4));
  t = arith::RemUIOp::create(b, loc, lane, c(4));
  Value tile = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  kvHead = arith::DivUIOp::create(b, loc, head, c(groups));
  q0 = mul(tile, rows);
  Value qLen = spec.qLen, kvLen = spec.kvLen;

  // Shared memory: the query tile, then two K tiles, then two V tiles.
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Value smem = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), workgroup));
  int64_t offset = 0;
  // warpgroupMma: the tiles from the first multiple of kSwizzleAtomBytes
  // of the dynamic shared memory.
  Value shift = c(0);
  const bool wgmma = shape.warpgroupMma;
  if (wgmma) {
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
    shift = arith::RemUIOp::create(
        b, loc,
        arith::SubIOp::create(
            b, loc, c(kSwizzleAtomBytes),
            arith::RemUIOp::create(b, loc, base, c(kSwizzleAtomBytes))),
        c(kSwizzleAtomBytes));
    tilesAddress =
        arith::IndexCastOp::create(b, loc, b.getI64Type(), add(base, shift));
  }
  auto view = [&](int64_t r, int64_t stride) {
    auto type = MemRefType::get({r, stride}, elem, MemRefLayoutAttrInterface(),
                                workgroup);
    Value v = memref::ViewOp::create(b, loc, type, smem, add(shift, offset),
                                     ValueRange{});
    offset += r * stride * 2;
    return v;
  };
  const int64_t nbuf = shape.buffers();
  const bool overlap = shape.overlapTiles;
  if (wgmma) {
    // Swizzled tiles: Q's dqk / 64 blocks of `rows` rows, then per buffer
    // the blocks of K, then of V (blocks of 64 columns, 128-byte rows).
    qBytesAt = offset;
    qShared = view(dqk / 64 * rows, 64);
    kBytesAt = offset;
    kShared = view(nbuf * dqk / 64 * keys, 64);
    vBytesAt = offset;
    vShared = view(nbuf * dv / 64 * keys, 64);
  } else {
    // The query tile shares the K buffers when its fragments stay in
    // registers: it is read once, before the first K tile is loaded.
    qShared = view(rows, qStride);
    if (shape.queryAliasesKeys())
      offset = 0;
    kShared = view(nbuf * keys, qStride);
    vShared = view(nbuf * keys, vStride);
  }
  // sharedMaskScans: two pairs of slots where the threads' (lo, hi) meet by
  // atomic min and max (IRArgs::spanOverLanes); meetings alternate between
  // them, so that a pair is set up again only after the barrier that ends
  // the meeting after its last one.
  Value maskSlots;
  if (shape.sharedMaskScans)
    maskSlots = memref::ViewOp::create(
        b, loc,
        MemRefType::get({4}, b.getI64Type(), MemRefLayoutAttrInterface(),
                        workgroup),
        smem, add(shift, offset), ValueRange{});
  auto i64 = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
  };
  // sortedIds: the runs of the block's key ids, after the slots: a count
  // (set to 0 here, before the first meeting's barrier), a word of
  // padding, then (start, id) pairs.
  Value idRuns;
  if (shape.sortedIds) {
    idRuns = memref::ViewOp::create(
        b, loc,
        MemRefType::get({2 + 2 * kIdRunSlots}, b.getI64Type(),
                        MemRefLayoutAttrInterface(), workgroup),
        smem, add(shift, offset + kMaskSlotBytes), ValueRange{});
    auto first = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, c(0)),
        /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    memref::StoreOp::create(b, loc, i64(0), idRuns, c(0));
  }
  const int64_t kMax = std::numeric_limits<int64_t>::max(),
                kMin = std::numeric_limits<int64_t>::min();
  int64_t meetings = 0;
  auto spanOverThreads = [&](OpBuilder &, Location, Value l,
                             Value h) -> std::pair<Value, Value> {
    Value lowSlot = c(2 * (meetings % 2)), highSlot = c(2 * (meetings % 2) + 1);
    ++meetings;
    Value first =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, c(0));
    {
      auto init = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(init.thenBlock());
      memref::StoreOp::create(b, loc, i64(kMax), maskSlots, lowSlot);
      memref::StoreOp::create(b, loc, i64(kMin), maskSlots, highSlot);
    }
    gpu::BarrierOp::create(b, loc);
    auto toI64 = [&](Value v) -> Value {
      return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
    };
    // A warp's lanes meet first (butterfly shuffles), then one lane a warp
    // meets the others through shared memory: the 64-bit atomics are
    // compare-and-swap loops, which 32 lanes on one address serialize.
    Value low = toI64(l), high = toI64(h);
    for (int32_t distance : {16, 8, 4, 2, 1}) {
      auto across = [&](Value v) -> Value {
        return gpu::ShuffleOp::create(b, loc, v, distance, 32,
                                      gpu::ShuffleMode::XOR)
            .getShuffleResult();
      };
      low = arith::MinSIOp::create(b, loc, low, across(low));
      high = arith::MaxSIOp::create(b, loc, high, across(high));
    }
    {
      auto leader = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c(0)),
          /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(leader.thenBlock());
      memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::mins, low,
                                  maskSlots, ValueRange{lowSlot});
      memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::maxs, high,
                                  maskSlots, ValueRange{highSlot});
    }
    gpu::BarrierOp::create(b, loc);
    auto index = [&](Value v) -> Value {
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
    };
    return {index(memref::LoadOp::create(b, loc, maskSlots, lowSlot)),
            index(memref::LoadOp::create(b, loc, maskSlots, highSlot))};
  };

  // The block's rows and the keys its mask leaves them.
  Value qEnd = arith::MinSIOp::create(b, loc, add(q0, rows), qLen);
  mask::IRArgs margs = maskArgs(spec, batch, head);
  margs.qLo = q0;
  margs.qHi = qEnd;
  if (shape.sharedMaskScans) {
    margs.scanLane = tid;
    margs.scanLanes = c(shape.threads());
    margs.spanOverLanes = spanOverThreads;
  }
  Value lo = c(0), hi = kvLen;
  if (spec.mask && shape.sharedMaskScans) {
    // Each thread's range covers the visible keys of its share of the
    // scans; the block's is their hull. Empty ranges take no part.
    auto [l, h] = spec.mask.buildKVRange(b, loc, margs);
    Value empty =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, l, h);
    auto [bLo, bHi] = spanOverThreads(
        b, loc, arith::SelectOp::create(b, loc, empty, c(kMax), l),
        arith::SelectOp::create(b, loc, empty, c(kMin), h));
    Value none =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, bLo, bHi);
    lo = arith::SelectOp::create(b, loc, none, c(0), bLo);
    hi = arith::SelectOp::create(b, loc, none, c(0), bHi);
  } else if (spec.mask) {
    std::tie(lo, hi) = spec.mask.buildKVRange(b, loc, margs);
  }
  // sortedIds: whether the ids of the block's keys are in order, the AND
  // of the threads' shares of the check (the smallest of their 0 or 1),
  // and their runs, which each thread appends as it meets them. The
  // meeting's barrier ends the appends; a table that overflowed counts as
  // out of order.
  Value idsSorted;
  std::function<std::pair<Value, Value>(OpBuilder &, Location, Value, Value)>
      keysWithIds;
  if (shape.sortedIds) {
    mask::IRArgs sargs = margs;
    sargs.kLo = lo;
    sargs.kHi = hi;
    // Slot of field `field` (0: start, 1: id) of run `i` in idRuns.
    auto runSlot = [&](OpBuilder &ob, Location l, Value i,
                       int64_t field) -> Value {
      return arith::AddIOp::create(
          ob, l,
          arith::MulIOp::create(ob, l, i,
                                arith::ConstantIndexOp::create(ob, l, 2)),
          arith::ConstantIndexOp::create(ob, l, 2 + field));
    };
    auto record = [&](OpBuilder &ob, Location l, Value pos, Value id) {
      auto index = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(ob, l, v);
      };
      auto word = [&](Value v) -> Value {
        return arith::IndexCastOp::create(ob, l, ob.getI64Type(), v);
      };
      Value at = arith::IndexCastOp::create(
          ob, l, ob.getIndexType(),
          memref::AtomicRMWOp::create(
              ob, l, arith::AtomicRMWKind::addi,
              arith::ConstantIntOp::create(ob, l, ob.getI64Type(), 1), idRuns,
              ValueRange{index(0)}));
      auto fits = scf::IfOp::create(
          ob, l,
          arith::CmpIOp::create(ob, l, arith::CmpIPredicate::ult, at,
                                index(kIdRunSlots)),
          /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(ob);
      ob.setInsertionPointToStart(fits.thenBlock());
      memref::StoreOp::create(ob, l, word(pos), idRuns, runSlot(ob, l, at, 0));
      memref::StoreOp::create(ob, l, word(id), idRuns, runSlot(ob, l, at, 1));
    };
    Value mine = arith::SelectOp::create(
        b, loc, mask::buildKeyIdsSorted(b, loc, sargs, record), c(1), c(0));
    Value all = spanOverThreads(b, loc, mine, mine).first;
    Value count = arith::IndexCastOp::create(
        b, loc, b.getIndexType(), memref::LoadOp::create(b, loc, idRuns, c(0)));
    idsSorted = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, all, c(1)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, count,
                              c(kIdRunSlots)));
    Value runs = arith::MinUIOp::create(b, loc, count, c(kIdRunSlots));
    // The keys whose ids lie in [dLo, dHi]: from the first run whose id is
    // at least dLo to the first whose id is above dHi (runs are not in
    // order in the table; ids compare as unsigned numbers).
    keysWithIds = [&, runs, hi](OpBuilder &ob, Location l, Value dLo,
                                Value dHi) -> std::pair<Value, Value> {
      auto index = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(ob, l, v);
      };
      auto loop = scf::ForOp::create(
          ob, l, index(0), runs, index(1), ValueRange{hi, hi},
          [&](OpBuilder &lb, Location ll, Value i, ValueRange acc) {
            auto read = [&](int64_t field) -> Value {
              return arith::IndexCastOp::create(
                  lb, ll, lb.getIndexType(),
                  memref::LoadOp::create(lb, ll, idRuns,
                                         runSlot(lb, ll, i, field)));
            };
            Value pos = read(0), id = read(1);
            auto take = [&](Value acc, arith::CmpIPredicate pred, Value d) {
              Value hit = arith::CmpIOp::create(lb, ll, pred, id, d);
              return arith::SelectOp::create(
                  lb, ll, hit, arith::MinSIOp::create(lb, ll, acc, pos), acc);
            };
            scf::YieldOp::create(
                lb, ll,
                ValueRange{take(acc[0], arith::CmpIPredicate::uge, dLo),
                           take(acc[1], arith::CmpIPredicate::ugt, dHi)});
          });
      return {loop.getResult(0), loop.getResult(1)};
    };
  }
  Value span = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, hi, lo), c(0));
  Value numTiles = arith::DivUIOp::create(b, loc, add(span, keys - 1), c(keys));

  // Whether every pair of this warp's rows and the tile from key kStart is
  // visible (and inside the lengths): the warp skips the predicate there.
  // A tile the block's rows cross at the diagonal or at a window's edge is
  // whole for most of its warps. The warp's rows are clipped to the block's
  // valid ones (a warp past the end tests the last valid row: its rows are
  // never stored). With sharedMaskScans the lanes split the test's scans and
  // a vote ANDs their shares.
  mask::IRArgs wargs = margs.whole(); // lanes of a warp do not meet
  {
    Value first = add(q0, mul(warp, 16 * shape.rowTiles));
    wargs.qLo = arith::MinSIOp::create(b, loc, first, add(qEnd, -1));
    wargs.qHi = arith::MaxSIOp::create(
        b, loc,
        arith::MinSIOp::create(b, loc, add(first, 16 * shape.rowTiles), qEnd),
        add(wargs.qLo, 1));
    if (shape.sharedMaskScans) {
      wargs.scanLane = lane;
      wargs.scanLanes = c(32);
    }
  }
  // keyIntervals: this thread's rows' [lo, hi), computed once; the tile
  // tests and the partial tiles' predicates compare keys with them. Rows
  // past the end take the last valid row's (never stored). Not with
  // overlapTiles, whose kernels hold registers at the limit (causal 246 ->
  // 255). Measured on the H100 (docs/BENCHMARKS.md): document_offsets 0.60
  // -> 0.26 ms; a 1024 window's kernel 237 -> 150 registers, which its
  // geometry turns into a third block a multiprocessor.
  SmallVector<std::pair<Value, Value>> rowKeys;
  if (shape.keyIntervals) {
    Value lastRow = arith::MaxSIOp::create(b, loc, add(qLen, -1), c(0));
    for (int64_t mt = 0; mt < shape.rowTiles; ++mt)
      for (int64_t half = 0; half < 2; ++half) {
        mask::IRArgs rargs = margs.whole();
        rargs.qLo =
            arith::MinSIOp::create(b, loc,
                                   add(q0, add(mul(warp, 16 * shape.rowTiles),
                                               add(g, mt * 16 + half * 8))),
                                   lastRow);
        rargs.qHi = add(rargs.qLo, 1);
        if (idsSorted) {
          // The runs cover the block's keys, which hold every key of its
          // rows.
          rargs.idsSorted = idsSorted;
          rargs.keysWithIds = keysWithIds;
          rargs.kLo = lo;
          rargs.kHi = hi;
        }
        rowKeys.push_back(spec.mask.buildKVRange(b, loc, rargs));
      }
  }
  auto isTileFull = [&](Value kStart) -> Value {
    Value kEnd = add(kStart, keys);
    if (!rowKeys.empty()) {
      Value full = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
      for (auto [l, h] : rowKeys)
        full = arith::AndIOp::create(
            b, loc, full,
            arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, l,
                                      kStart),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, kEnd,
                                      h)));
      // Ids out of order: the bounds are hulls, no tile is known whole.
      if (idsSorted)
        full = arith::AndIOp::create(b, loc, full, idsSorted);
      return NVVM::VoteSyncOp::create(
          b, loc, b.getI1Type(), ci32(-1), full,
          NVVM::VoteSyncKindAttr::get(b.getContext(), NVVM::VoteSyncKind::all));
    }
    Value inLength =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, kEnd, kvLen);
    if (!spec.mask)
      return inLength;
    mask::IRArgs targs = wargs;
    targs.kLo = kStart;
    targs.kHi = arith::MinSIOp::create(b, loc, kEnd, kvLen);
    Value full = spec.mask.buildTileIsFull(b, loc, targs);
    if (shape.sharedMaskScans)
      full = NVVM::VoteSyncOp::create(
          b, loc, b.getI1Type(), ci32(-1), full,
          NVVM::VoteSyncKindAttr::get(b.getContext(), NVVM::VoteSyncKind::all));
    return arith::AndIOp::create(b, loc, full, inLength);
  };

  auto loadKV = [&](Value first, Value buffer) {
    // A buffer is `keys` rows, or (swizzled) its blocks of 64 columns.
    Value row = mul(buffer, wgmma ? dqk / 64 * keys : keys);
    copyRows(key, kvHead, first, kvLen, kShared, row, keys, dqk);
    if (wgmma)
      row = mul(buffer, dv / 64 * keys);
    copyRows(value, kvHead, first, kvLen, vShared, row, keys, dv);
  };
  // Copies tile `index` into buffer `index` when there is such a tile.
  auto loadKVIfAny = [&](int64_t index) {
    Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                      numTiles, c(index));
    auto first = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    loadKV(add(lo, index * keys), c(index));
  };
  // The first tile, and the second when its scores are computed ahead.
  auto loadFirstKV = [&]() {
    loadKVIfAny(0);
    if (overlap)
      loadKVIfAny(1);
  };
  // With wgmma, the tensor cores read the tiles through the async proxy:
  // each thread's copies are made visible to it before the barrier.
  auto proxyFence = [&]() {
    if (wgmma)
      NVVM::FenceProxyOp::create(
          b, loc, NVVM::ProxyKind::async_shared,
          NVVM::SharedSpaceAttr::get(b.getContext(),
                                     NVVM::SharedSpace::shared_cta));
  };
  auto landed = [&]() {
    NVVM::CpAsyncCommitGroupOp::create(b, loc);
    NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0));
    proxyFence();
    gpu::BarrierOp::create(b, loc);
  };

  // Each warp owns rowTiles tiles of 16 rows. The A fragment of a 16x16
  // block of the query tile: ldmatrix.x4 lane l addresses row l % 16,
  // column 8 * (l / 16).
  const int64_t mTiles = shape.rowTiles;
  Value warpRow = mul(warp, 16 * mTiles);
  Value aRowInTile = arith::RemUIOp::create(b, loc, lane, c(16));
  Value aCol = mul(arith::DivUIOp::create(b, loc, lane, c(16)), 8);
  auto queryFragment = [&](int64_t mt, int64_t kstep) {
    return ldmatrix4(qShared, add(warpRow, add(aRowInTile, mt * 16)),
                     add(aCol, kstep * 16), false);
  };
  // With one row tile and Dqk <= 128, the query fragments stay in
  // registers for the whole key loop.
  SmallVector<SmallVector<Value, 4>> qFrags;
  copyRows(query, head, q0, qLen, qShared, c(0), rows, dqk);
  if (shape.queryAliasesKeys()) {
    // The query tile, into registers; then the first K and V tiles over it.
    landed();
    for (int64_t ks = 0; ks < dqk / 16; ++ks)
      qFrags.push_back(queryFragment(0, ks));
    gpu::BarrierOp::create(b, loc);
    loadFirstKV();
    landed();
  } else {
    // The query tile and the first K and V tiles in flight together.
    loadFirstKV();
    landed();
    if (shape.queryInRegisters)
      for (int64_t ks = 0; ks < dqk / 16; ++ks)
        qFrags.push_back(queryFragment(0, ks));
  }

  // B fragments of K (not transposed): lane l addresses key
  // (l % 8) + 8 * (l / 16), column 8 * ((l / 8) % 2) of a 16-key block:
  // words 0, 1 are b0, b1 of the first 8 keys, 2, 3 of the next 8.
  Value kRowInBlock = add(arith::RemUIOp::create(b, loc, lane, c(8)),
                          mul(arith::DivUIOp::create(b, loc, lane, c(16)), 8));
  Value kColInBlock =
      mul(arith::RemUIOp::create(
              b, loc, arith::DivUIOp::create(b, loc, lane, c(8)), c(2)),
          8);
  // B fragments of V (transposed): lane l addresses key
  // (l % 8) + 8 * ((l / 8) % 2), column 8 * (l / 16): words 0, 1 are b0,
  // b1 of the first 8 columns, 2, 3 of the next 8.
  Value vRowInBlock = add(arith::RemUIOp::create(b, loc, lane, c(8)),
                          kColInBlock); // 8 * ((l / 8) % 2)
  Value vColInBlock = mul(arith::DivUIOp::create(b, loc, lane, c(16)), 8);

  bool modified = spec.score || spec.bias;
  // Scores stay raw products on whole tiles (see `fast` below).
  const bool fusedScale = spec.scale > 0;
  const double unit = fusedScale ? spec.scale * kLog2e : 1.0;
  const int64_t sTiles = keys / 8, oTiles = dv / 8;
  // Loop state: per row tile, the running max (base 2) of rows g and g + 8,
  // then their partial sums on this lane, then the O accumulators (4 per 8
  // columns of V).
  auto maxAt = [&](int64_t mt, int64_t half) { return mt * 2 + half; };
  auto sumAt = [&](int64_t mt, int64_t half) {
    return 2 * mTiles + mt * 2 + half;
  };
  auto accAt = [&](int64_t mt, int64_t n, int64_t e) {
    return 4 * mTiles + (mt * oTiles + n) * 4 + e;
  };
  // Scores and probabilities: (row tile, 8-key tile, element).
  auto scoreAt = [&](int64_t mt, int64_t n, int64_t e) {
    return (mt * sTiles + n) * 4 + e;
  };
  SmallVector<Value> init;
  for (int64_t i = 0; i < 2 * mTiles; ++i)
    init.push_back(fc(ninf));
  for (int64_t i = 0; i < 2 * mTiles + mTiles * oTiles * 4; ++i)
    init.push_back(fc(0.0));

  // S = Q K^T on K buffer `buffer` (wgmma: warpgroupScores); one
  // ldmatrix.x4 of K (two 8-key tiles, used by every row tile) per step of
  // (k step, key pair), loaded kLoadsAhead steps before its use.
  const int64_t pairs = sTiles / 2;
  SmallVector<SmallVector<Value, 4>> a(mTiles);
  auto mmaInto = [&](SmallVector<Value> &acc, int64_t at, ArrayRef<Value> lhs,
                     ArrayRef<Value> rhs) {
    auto d = mma(lhs, rhs, ArrayRef<Value>(acc).slice(at, 4));
    std::copy(d.begin(), d.end(), acc.begin() + at);
  };
  auto computeScores = [&](Value buffer) {
    if (wgmma)
      return warpgroupScores(buffer);
    Value kBase = mul(buffer, keys);
    SmallVector<Value> s(mTiles * sTiles * 4, fc(0.0));
    pipeline(
        dqk / 16 * pairs,
        [&](int64_t i) {
          return ldmatrix4(kShared,
                           add(kBase, add(kRowInBlock, i % pairs * 16)),
                           add(kColInBlock, i / pairs * 16), false);
        },
        [&](int64_t i, ArrayRef<Value> words) {
          int64_t ks = i / pairs, np = i % pairs;
          for (int64_t mt = 0; mt < mTiles; ++mt) {
            if (np == 0)
              a[mt] =
                  shape.queryInRegisters ? qFrags[ks] : queryFragment(mt, ks);
            mmaInto(s, scoreAt(mt, 2 * np, 0), a[mt], {words[0], words[1]});
            mmaInto(s, scoreAt(mt, 2 * np + 1, 0), a[mt], {words[2], words[3]});
          }
        });
    return s;
  };
  // With overlapTiles, the first tile's scores before the loop; the loop
  // carries the next tile's.
  const int64_t scoresAt = init.size();
  if (overlap) {
    SmallVector<Value> first = computeScores(c(0));
    init.append(first.begin(), first.end());
  }

  auto loop = scf::ForOp::create(
      b, loc, c(0), numTiles, c(1), init,
      [&](OpBuilder &, Location, Value j, ValueRange state) {
        Value buffer = arith::RemUIOp::create(b, loc, j, c(nbuf));
        Value kStart = add(lo, mul(j, keys));
        // The tile's rows have landed (and with overlapTiles the next
        // one's), and every warp is done with the oldest buffer: fill it
        // with the tile nbuf - 1 ahead.
        {
          Value ahead = add(j, nbuf - 1);
          Value more = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             ahead, numTiles);
          auto prefetch =
              scf::IfOp::create(b, loc, more, /*withElseRegion=*/false);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(prefetch.thenBlock());
          loadKV(add(kStart, (nbuf - 1) * keys),
                 arith::RemUIOp::create(b, loc, ahead, c(nbuf)));
        }
        NVVM::CpAsyncCommitGroupOp::create(b, loc);
        Value kBase = mul(buffer, keys);
        // wgmma with overlapTiles: the next tile's S = Q K^T is issued
        // first and runs on the tensor cores during this tile's mask and
        // softmax; it is waited for with this tile's P V.
        SmallVector<Value> pendingScores;
        if (overlap && wgmma)
          pendingScores = warpgroupScores(
              arith::RemUIOp::create(b, loc, add(j, 1), c(nbuf)),
              /*complete=*/false);

        SmallVector<Value> s =
            overlap ? SmallVector<Value>(state.begin() + scoresAt, state.end())
                    : computeScores(buffer);
        // The first V fragments are read while the softmax runs.
        const int64_t vPairs = oTiles / 2;
        Pipeline vLoads(keys / 16 * vPairs, [&](int64_t i) {
          return ldmatrix4(vShared,
                           add(kBase, add(vRowInBlock, i / vPairs * 16)),
                           add(vColInBlock, i % vPairs * 16), true);
        });
        if (!overlap && !wgmma)
          vLoads.prime();

        // Scores: left raw on tiles the mask shows whole when
        // the score is not modified; else through the score builder.
        Value tileFull = isTileFull(kStart);
        SmallVector<Type> scoreTypes(s.size(), f32);
        // Scores are kept in units of `unit` base-2 exponents: with a
        // positive scale, the raw products themselves (unit = scale *
        // log2 e, applied by one fma with the max in the exponent); else
        // base-2 scores (unit = 1).
        auto fast = [&]() {
          SmallVector<Value> v;
          if (fusedScale)
            return SmallVector<Value>(s.begin(), s.end());
          Value factor = fc(spec.scale * kLog2e);
          for (Value x : s)
            v.push_back(arith::MulFOp::create(b, loc, x, factor));
          return v;
        };
        // rowKeys: a pair is visible when its key lies in its row's
        // [lo, hi); relative to this lane's first key, bounds in [0, keys].
        auto inRowKeys = [&]() {
          SmallVector<Value> v = fast();
          Value first = add(kStart, mul(t, 2));
          auto bound = [&](Value x) -> Value {
            Value r = arith::MaxSIOp::create(
                b, loc,
                arith::MinSIOp::create(
                    b, loc, arith::SubIOp::create(b, loc, x, first), c(keys)),
                c(0));
            return arith::IndexCastOp::create(b, loc, i32, r);
          };
          SmallVector<Value> los, his;
          for (auto [l, h] : rowKeys) {
            los.push_back(bound(l));
            his.push_back(bound(h));
          }
          for (int64_t mt = 0; mt < mTiles; ++mt)
            for (int64_t n = 0; n < sTiles; ++n)
              for (int64_t e = 0; e < 4; ++e) {
                int64_t row = mt * 2 + e / 2;
                Value key = ci32(n * 8 + e % 2);
                Value in = arith::AndIOp::create(
                    b, loc,
                    arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                          los[row], key),
                    arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                          key, his[row]));
                Value &x = v[scoreAt(mt, n, e)];
                x = arith::SelectOp::create(b, loc, in, x, fc(ninf));
              }
          return v;
        };
        auto general = [&]() {
          SmallVector<Value> v;
          // Modified scores (natural units) to units of `unit`.
          Value toUnits = fc(fusedScale ? 1.0 / spec.scale : kLog2e),
                minusInf = fc(ninf);
          for (int64_t mt = 0; mt < mTiles; ++mt)
            for (int64_t n = 0; n < sTiles; ++n)
              for (int64_t e = 0; e < 4; ++e) {
                Value q =
                    add(q0, add(add(warpRow, g), mt * 16 + (e >= 2 ? 8 : 0)));
                Value k = add(kStart, add(mul(t, 2), n * 8 + (e % 2)));
                auto [score, visible] = buildScoreAt(
                    b, loc, spec, s[scoreAt(mt, n, e)], batch, head, q, k);
                Value scaled = arith::MulFOp::create(b, loc, score, toUnits);
                v.push_back(
                    arith::SelectOp::create(b, loc, visible, scaled, minusInf));
              }
          return v;
        };
        SmallVector<Value> scores;
        if (modified) {
          scores = general();
        } else {
          auto choice = scf::IfOp::create(b, loc, scoreTypes, tileFull,
                                          /*withElseRegion=*/true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(choice.thenBlock());
          scf::YieldOp::create(b, loc, fast());
          b.setInsertionPointToStart(choice.elseBlock());
          if (idsSorted) {
            // The row bounds where the block's ids are in order, else the
            // mask's per-pair test.
            auto order = scf::IfOp::create(b, loc, scoreTypes, idsSorted,
                                           /*withElseRegion=*/true);
            b.setInsertionPointToStart(order.thenBlock());
            scf::YieldOp::create(b, loc, inRowKeys());
            b.setInsertionPointToStart(order.elseBlock());
            scf::YieldOp::create(b, loc, general());
            b.setInsertionPointAfter(order);
            scf::YieldOp::create(b, loc, order.getResults());
          } else {
            scf::YieldOp::create(b, loc,
                                 rowKeys.empty() ? general() : inRowKeys());
          }
          scores.assign(choice.getResults().begin(), choice.getResults().end());
        }

        // The next tile's scores (its rows landed with this one's), in the
        // block of the softmax below so that the two interleave.
        SmallVector<Value> nextScores;
        if (overlap && !wgmma) {
          Value following = arith::RemUIOp::create(b, loc, add(j, 1), c(nbuf));
          nextScores = computeScores(following);
          vLoads.prime();
        }

        // Online softmax for rows g (half 0) and g + 8 (half 1) of each
        // row tile.
        SmallVector<Value> next(state.begin(), state.end());
        SmallVector<Value> p(s.size());
        SmallVector<Value> corrections(2 * mTiles);
        Value maxMoved = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
        for (int64_t mt = 0; mt < mTiles; ++mt) {
          Value safe[2], corr[2], sum[2], negMax[2];
          for (int64_t half = 0; half < 2; ++half) {
            Value m = state[maxAt(mt, half)];
            Value mx = m;
            for (int64_t n = 0; n < sTiles; ++n)
              for (int64_t e = 0; e < 2; ++e)
                mx = arith::MaximumFOp::create(
                    b, loc, mx, scores[scoreAt(mt, n, half * 2 + e)]);
            mx = quadReduce(mx, /*max=*/true);
            // A row with no visible key yet keeps m = -inf; subtract 0.
            Value none = arith::CmpFOp::create(
                b, loc, arith::CmpFPredicate::OEQ, mx, fc(ninf));
            safe[half] = arith::SelectOp::create(b, loc, none, fc(0.0), mx);
            negMax[half] = arith::MulFOp::create(b, loc, safe[half], fc(-unit));
            corr[half] = math::Exp2Op::create(
                b, loc, math::FmaOp::create(b, loc, m, fc(unit), negMax[half]));
            sum[half] = arith::MulFOp::create(b, loc, state[sumAt(mt, half)],
                                              corr[half]);
            next[maxAt(mt, half)] = mx;
            corrections[mt * 2 + half] = corr[half];
            maxMoved = arith::OrIOp::create(
                b, loc, maxMoved,
                arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, mx,
                                      m));
          }
          for (int64_t n = 0; n < sTiles; ++n)
            for (int64_t e = 0; e < 4; ++e) {
              int64_t at = scoreAt(mt, n, e);
              p[at] = math::Exp2Op::create(
                  b, loc,
                  math::FmaOp::create(b, loc, scores[at], fc(unit),
                                      negMax[e / 2]));
              sum[e / 2] = arith::AddFOp::create(b, loc, sum[e / 2], p[at]);
            }
          next[sumAt(mt, 0)] = sum[0];
          next[sumAt(mt, 1)] = sum[1];
        }
        // O *= the corrections, only when some row of the warp has a new
        // max (else every correction is exactly 1, or O is still 0): after
        // the first tiles the max rarely moves, and the rescale is Dv / 2
        // multiplies a row tile.
        {
          Value anyMoved = NVVM::VoteSyncOp::create(
              b, loc, b.getI1Type(), ci32(-1), maxMoved,
              NVVM::VoteSyncKindAttr::get(b.getContext(),
                                          NVVM::VoteSyncKind::any));
          SmallVector<Type> accTypes(mTiles * oTiles * 4, f32);
          auto rescale = scf::IfOp::create(b, loc, accTypes, anyMoved,
                                           /*withElseRegion=*/true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(rescale.thenBlock());
          SmallVector<Value> scaled, kept;
          for (int64_t mt = 0; mt < mTiles; ++mt)
            for (int64_t n = 0; n < oTiles; ++n)
              for (int64_t e = 0; e < 4; ++e) {
                scaled.push_back(
                    arith::MulFOp::create(b, loc, state[accAt(mt, n, e)],
                                          corrections[mt * 2 + e / 2]));
                kept.push_back(state[accAt(mt, n, e)]);
              }
          scf::YieldOp::create(b, loc, scaled);
          b.setInsertionPointToStart(rescale.elseBlock());
          scf::YieldOp::create(b, loc, kept);
          std::copy(rescale.getResults().begin(), rescale.getResults().end(),
                    next.begin() + accAt(0, 0, 0));
        }

        // O += P V: P's C fragments of keys 16 kk .. 16 kk + 15 are the A
        // fragment of that k step; each V fragment serves every row tile.
        if (wgmma) {
          warpgroupAccumulate(
              MutableArrayRef<Value>(next).slice(accAt(0, 0, 0), oTiles * 4), p,
              buffer);
          // Its wait covered the next tile's scores, issued before.
          if (overlap)
            nextScores = fenceOperands(pendingScores);
        } else
          vLoads.run([&](int64_t i, ArrayRef<Value> words) {
            int64_t kk = i / vPairs, dp = i % vPairs;
            for (int64_t mt = 0; mt < mTiles; ++mt) {
              if (dp == 0)
                a[mt] = probabilityFragment(&p[scoreAt(mt, 2 * kk, 0)],
                                            &p[scoreAt(mt, 2 * kk + 1, 0)]);
              mmaInto(next, accAt(mt, 2 * dp, 0), a[mt], {words[0], words[1]});
              mmaInto(next, accAt(mt, 2 * dp + 1, 0), a[mt],
                      {words[2], words[3]});
            }
          });

        // The next tile's rows have landed, and every warp is done with
        // this buffer before it is refilled.
        NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0));
        proxyFence();
        gpu::BarrierOp::create(b, loc);
        if (overlap)
          std::copy(nextScores.begin(), nextScores.end(),
                    next.begin() + scoresAt);
        scf::YieldOp::create(b, loc, next);
      });

  // O = acc / l (0 on a row with no visible key), LSE = m ln 2 + ln l.
  Type outElem = cast<MemRefType>(out.getType()).getElementType();
  for (int64_t mt = 0; mt < mTiles; ++mt)
    for (int64_t half = 0; half < 2; ++half) {
      Value m = loop.getResult(maxAt(mt, half));
      Value l = quadReduce(loop.getResult(sumAt(mt, half)), /*max=*/false);
      Value any =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, l, fc(0.0));
      Value inv = arith::SelectOp::create(
          b, loc, any, arith::DivFOp::create(b, loc, fc(1.0), l), fc(0.0));
      Value q = add(q0, add(warpRow, add(g, mt * 16 + half * 8)));
      Value inside =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, q, qLen);
      auto store = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(store.thenBlock());
      for (int64_t n = 0; n < oTiles; ++n) {
        SmallVector<Value, 2> pair;
        for (int64_t e = 0; e < 2; ++e) {
          Value x = arith::MulFOp::create(
              b, loc, loop.getResult(accAt(mt, n, half * 2 + e)), inv);
          pair.push_back(convertFloat(b, loc, x, outElem));
        }
        Value vec = vector::FromElementsOp::create(
            b, loc, VectorType::get({2}, outElem), pair);
        // The pair starts at an even column of a row that the launcher
        // checks is 16-byte aligned ("align 16 ... o"): one store, not two.
        // Measured on the H100 (docs/BENCHMARKS.md): +6 to +16% with a
        // mask (window and documents +10%, causal at S = 1k +16%), but
        // -5% and -8.5% on unmasked heads at S = 4k and 16k (not
        // understood), which keep two.
        llvm::MaybeAlign pairAlign;
        if (spec.mask || modified)
          pairAlign = llvm::Align(2 * outElem.getIntOrFloatBitWidth() / 8);
        vector::StoreOp::create(b, loc, vec, out,
                                at(head, q, add(mul(t, 2), n * 8)),
                                /*nontemporal=*/false, pairAlign);
      }
      if (lse) {
        Value first =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, t, c(0));
        auto one = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
        b.setInsertionPointToStart(one.thenBlock());
        Value value = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, m, fc(unit * M_LN2)),
            math::LogOp::create(b, loc, l));
        Value v = arith::SelectOp::create(b, loc, any, value, fc(ninf));
        memref::StoreOp::create(b, loc, v, lse, ValueRange{batch, head, q});
      }
    }
}

} // namespace

void attn::buildTensorCoreKernel(OpBuilder &b, Location loc,
                                 const AttentionSpec &attention,
                                 const TensorCoreShape &shape,
                                 const ScorePointSpec &spec, Value query,
                                 Value key, Value value, Value out, Value lse) {
  KernelBuilder(b, loc, attention, shape, spec, query, key, value, out, lse)
      .build();
}
