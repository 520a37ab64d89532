//===- TensorCoreKernel.h - The tensor-core attention kernel ----*- C++ -*-===//
//
// The body of a GPU attention kernel on the tensor cores (mma.sync m16n8k16
// fed by ldmatrix, or on sm_90a wgmma from swizzled shared tiles; K and V
// staged through shared memory with cp.async, two or three buffers), used
// by attn-lower-to-gpu for bf16 and f16 inputs whose head dims are
// multiples of 16 up to 256. Private to the Conversion library.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_TENSORCOREKERNEL_H
#define ATTN_CONVERSION_TENSORCOREKERNEL_H

#include "TileProgram.h"
#include "attn/Conversion/ScorePoint.h"

#include "mlir/IR/Builders.h"

#include <algorithm>

namespace attn {

/// Query rows a block when block-q leaves the choice to the lowering (0):
/// the scalar kernel's, and the tensor-core kernel's except for the masked
/// geometry with overlapTiles (64 rows).
inline constexpr int64_t kDefaultBlockQ = 128;

/// Shared bytes where the threads of a block meet their shares of the
/// mask's scans (sharedMaskScans): two (lo, hi) pairs of i64.
inline constexpr int64_t kMaskSlotBytes = 32;
/// sortedIds: the runs of equal key ids a block records (start and id),
/// after a count and a word of padding; a block whose keys hold more takes
/// the per-pair test.
/// Blocks of 64 rows over packed documents meet at most 64 runs.
inline constexpr int64_t kIdRunSlots = 128;
inline constexpr int64_t kIdRunBytes = 8 * (2 + 2 * kIdRunSlots);

/// Dynamic shared memory a block may have on sm_90 (227 KB), what its
/// blocks share on a multiprocessor (228 KB), and what the system reserves
/// of it for each block (1 KB).
inline constexpr int64_t kMaxDynamicSharedBytes = 227 * 1024;
inline constexpr int64_t kSharedBytesPerMultiprocessor = 228 * 1024;
inline constexpr int64_t kReservedSharedBytesPerBlock = 1024;

/// warpgroupMma: the 128-byte swizzle of wgmma's shared operands repeats
/// every 1024 bytes, so the tiles start at a multiple of it (the kernel
/// rounds the dynamic shared base up, taking up to this much more).
inline constexpr int64_t kSwizzleAtomBytes = 1024;

/// The geometry of the tensor-core kernel for one entry.
struct TensorCoreShape {
  /// Query rows a block: 16 x rowTiles a warp.
  int64_t rows = 128;
  /// Keys a tile of the key loop.
  int64_t keys = 64;
  int64_t warps = 8;
  /// Tiles of 16 query rows a warp: the K and V fragments a warp reads
  /// serve all of them.
  int64_t rowTiles = 1;
  /// The scores of the next tile are computed while the softmax of this
  /// one runs (three K and V buffers, the next tile's scores carried by
  /// the loop), so that the tensor cores work during the softmax.
  bool overlapTiles = false;
  /// The mask reads run-time data (segments, block masks, mask_mod): the
  /// block's threads split the scans of its key range,
  /// and a warp's lanes those of its full-tile tests (mask::IRArgs::
  /// scanLane), instead of every thread scanning the same data. The ranges
  /// meet through shared-memory atomics, the tests through a vote.
  bool sharedMaskScans = false;
  /// sm_90a: S = Q K^T and O += P V by wgmma.mma_async, a warpgroup (4
  /// warps) a 64-row slice of the block, Q, K and V read by the tensor
  /// cores from 128-byte-swizzled shared tiles (P from registers); the
  /// softmax works on the same fragment layout as mma.sync's.
  bool warpgroupMma = false;
  /// The mask shows each row one interval of keys (showsKeyIntervals) and
  /// the scores are unmodified: the kernel computes each row's [lo, hi)
  /// once and tests tiles, and a partial tile's pairs, against them (wgmma
  /// kernels without overlapTiles).
  bool keyIntervals = false;
  /// keyIntervals rests on sorted key ids (document masks with ids): the
  /// block checks at run time that its keys' ids are non-decreasing and
  /// records their runs in shared memory (kIdRunSlots). Where they are
  /// sorted, each row takes its keys from the runs and is tested by its
  /// bounds; where they are not (or the runs overflow), every tile goes
  /// through the mask's per-pair test.
  bool sortedIds = false;
  /// Copies of tiles inside the length address the source from one flat
  /// index a thread (an add a row instead of a clamp and a 64-bit multiply),
  /// where the kernel has the registers for it.
  bool flatCopies = false;
  /// Blocks a multiprocessor is meant to hold: ptxas is given their share
  /// of the register file (65536 / (threads x blocks), at most 255).
  int64_t blocksPerMultiprocessor = 1;
  int64_t dqk = 0, dv = 0;
  /// The query fragments stay in registers for the whole key loop (Dqk <=
  /// 128); else they are read from shared memory for each tile.
  bool queryInRegisters = true;

  int64_t threads() const { return warps * 32; }
  /// The register bound a thread: the register file's share of one block.
  int64_t maxRegisters() const {
    return std::min<int64_t>(
        255, 65536 / (threads() * blocksPerMultiprocessor) / 8 * 8);
  }
  /// Elements a shared-memory row takes: the head dim and 8 elements (16
  /// bytes) of padding, so that the 8 rows one ldmatrix phase reads fall in
  /// distinct banks.
  int64_t rowStride(int64_t dim) const { return dim + 8; }
  /// K and V tiles in shared memory: the one in use, the one being
  /// copied, and with overlapTiles the one whose scores are computed ahead.
  int64_t buffers() const { return overlapTiles ? 3 : 2; }
  /// The query tile is staged in the K buffers (it is read into registers
  /// before the first K tile is loaded), which leaves room for more blocks
  /// on a multiprocessor.
  bool queryAliasesKeys() const {
    return queryInRegisters && rows <= buffers() * keys;
  }
  /// Dynamic shared memory: the query tile unless it shares the K buffers,
  /// and the buffers of K and V tiles.
  int64_t sharedBytes() const {
    int64_t slots =
        (sharedMaskScans ? kMaskSlotBytes : 0) + (sortedIds ? kIdRunBytes : 0);
    if (warpgroupMma)
      return kSwizzleAtomBytes +
             2 * (rows * dqk + buffers() * keys * (dqk + dv)) + slots;
    int64_t query = queryAliasesKeys() ? 0 : rows * rowStride(dqk);
    return 2 * (query + buffers() * keys * (rowStride(dqk) + rowStride(dv))) +
           slots;
  }
};

/// Whether `attention` can run on the tensor-core kernel: bf16 or f16 Q, K and
/// V, head dims multiples of 16 up to 256.
bool fitsTensorCores(const AttentionSpec &attention);

/// Whether `attention` (which fitsTensorCores accepts) can take the wgmma
/// kernel: head dims multiples of 64 (whole 128-byte rows of the swizzled
/// tiles).
bool fitsWarpgroupMma(const AttentionSpec &attention);

/// The kernel geometry for `attention` (which fitsTensorCores accepts) with
/// about `blockQ` query rows a block (a multiple of 16 from 16 to 128; 0:
/// chosen here); with `warpgroupMma` (sm_90a, fitsWarpgroupMma) the wgmma
/// kernel's, 64 or 128 rows.
TensorCoreShape tensorCoreShape(const AttentionSpec &attention, int64_t blockQ,
                                bool warpgroupMma = false);

/// Builds the kernel body at the builder's point (a gpu.func of
/// `shape.threads()` threads, grid (ceil(Sq / rows), Hq, B), with
/// `shape.sharedBytes()` of dynamic shared memory). `query`, `key`,
/// `value`, `out` and `lse` (null when absent) are the kernel's memrefs;
/// `spec` describes the score of a pair (its lengths set).
void buildTensorCoreKernel(mlir::OpBuilder &b, mlir::Location loc,
                           const AttentionSpec &attention,
                           const TensorCoreShape &shape,
                           const ScorePointSpec &spec, mlir::Value query,
                           mlir::Value key, mlir::Value value, mlir::Value out,
                           mlir::Value lse);

} // namespace attn

#endif // ATTN_CONVERSION_TENSORCOREKERNEL_H
