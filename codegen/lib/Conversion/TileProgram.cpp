//===- TileProgram.cpp - Reading an entry's tile program ------------------===//
//
// matchTileProgram walks the tile program of one entry from its results
// back to its arguments: the returned O (and LSE) must be the normalisation
// of the running values the loops over batch entries, KV heads and query
// tiles collect, and the KV loop inside them must be the one-pass online
// softmax over the score map of Q K^T. Anything else is an error naming
// what was expected, so the GPU kernel never computes something other than
// the program it replaces.
//
//===----------------------------------------------------------------------===//

#include "TileProgram.h"

#include "attn/Transforms/Cascade.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>

using namespace mlir;
using namespace attn;

AttentionSpec attn::getAttentionSpec(AttentionOp op) {
  AttentionSpec spec(op.getLoc());
  spec.query = op.getQuery();
  spec.key = op.getKey();
  spec.value = op.getValue();
  spec.qSegments = op.getQSegments();
  spec.kvSegments = op.getKvSegments();
  spec.blockMask = op.getBlockMask();
  spec.bias = op.getBias();
  spec.layout = op.getLayout();
  // The decomposition's default, in f32 as the score map holds it.
  float scale = op.getScaleAttr()
                    ? op.getScaleAttr().getValueAsDouble()
                    : 1.0 / std::sqrt(static_cast<double>(
                                op.getQuery().getType().getDimSize(3)));
  spec.scale = scale;
  spec.mask = op.getMaskAttr();
  spec.score = op.getScoreAttr();
  spec.maskMod = &op.getMaskMod();
  spec.scoreMod = &op.getScoreMod();
  spec.returnsLse = static_cast<bool>(op.getLse());
  return spec;
}

namespace {

/// Reads one entry's tile program; every check that fails reports at the
/// op it concerns and leaves `failed` set.
class TileProgramReader {
public:
  explicit TileProgramReader(func::FuncOp fn) : fn(fn) {}

  FailureOr<TileProgram> read();

private:
  func::FuncOp fn;

  InFlightDiagnostic error(Operation *at, const Twine &what) {
    return at->emitError("attn-lower-to-gpu: ") << what;
  }

  /// `v` as an einsum of this compute, equation and reduction; null if it
  /// is not one.
  static EinsumOp einsumOf(Value v, EinsumCompute compute, StringRef equation,
                           std::optional<EinsumReduce> reduce = std::nullopt) {
    auto op = v.getDefiningOp<EinsumOp>();
    if (!op || op.getCompute() != compute || op.getEquation() != equation ||
        op.getReduce() != reduce)
      return {};
    return op;
  }

  /// The entry argument `v` reads, through slices, reshapes and casts (and
  /// element conversions where `converts`); null if it reads anything else.
  BlockArgument argumentOf(Value v, bool converts = false) {
    while (v) {
      if (auto arg = dyn_cast<BlockArgument>(v))
        return arg.getOwner() == &fn.getBody().front() ? arg : BlockArgument();
      Operation *def = v.getDefiningOp();
      if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def))
        v = slice.getSource();
      else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def))
        v = expand.getSrc();
      else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def))
        v = collapse.getSrc();
      else if (auto cast = dyn_cast<tensor::CastOp>(def))
        v = cast.getSource();
      else if (auto e = dyn_cast<EinsumOp>(def);
               converts && e && e.getCompute() == EinsumCompute::copy &&
               !e.getReduce() && e.getInputs().size() == 1)
        v = e.getInputs()[0];
      else
        return {};
    }
    return {};
  }

  /// `v` through a tensor.cast and a collapse of the (Hkv, G) head axes.
  static Value throughHeadMerge(Value v) {
    if (auto cast = v.getDefiningOp<tensor::CastOp>())
      v = cast.getSource();
    if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>())
      return collapse.getSrc();
    return {};
  }

  /// The loop whose result `v` is, and which result.
  static std::pair<scf::ForOp, unsigned> loopResult(Value v) {
    auto result = dyn_cast<OpResult>(v);
    if (!result)
      return {};
    auto loop = dyn_cast<scf::ForOp>(result.getOwner());
    return {loop, loop ? result.getResultNumber() : 0};
  }

  LogicalResult readKVLoop(scf::ForOp kvLoop, const CascadeAxes &axes,
                           TileProgram &program, ScoreMapOp &map);
  LogicalResult readRunningValues(scf::ForOp qLoop, scf::ForOp &kvLoop);
  static std::optional<double> filledWith(Value v);
};

} // namespace

std::optional<double> TileProgramReader::filledWith(Value v) {
  if (auto cast = v.getDefiningOp<tensor::CastOp>())
    v = cast.getSource();
  auto fill = v.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return std::nullopt;
  auto c = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
  auto f = c ? dyn_cast<FloatAttr>(c.getValue()) : FloatAttr();
  if (!f)
    return std::nullopt;
  return f.getValueAsDouble();
}

/// The query loop's running values are its KV loop's, written at the
/// tile's rows: yield i inserts KV loop result i into iter_arg i.
LogicalResult TileProgramReader::readRunningValues(scf::ForOp qLoop,
                                                   scf::ForOp &kvLoop) {
  auto yield = cast<scf::YieldOp>(qLoop.getBody()->getTerminator());
  for (auto [i, value] : llvm::enumerate(yield.getOperands())) {
    auto insert = value.getDefiningOp<tensor::InsertSliceOp>();
    auto [loop, index] = insert ? loopResult(insert.getSource())
                                : std::pair<scf::ForOp, unsigned>{};
    if (!loop || index != i || !loop->hasAttr(kKVLoopAttr) ||
        insert.getDest() != qLoop.getRegionIterArgs()[i] ||
        (kvLoop && loop != kvLoop))
      return error(qLoop, "each running value of the query loop must be its "
                          "KV loop's, written at the tile's rows");
    kvLoop = loop;
  }
  if (!kvLoop || qLoop.getNumResults() != 3)
    return error(qLoop, "the query loop must carry the running max, "
                        "denominator and numerator of one KV loop");
  return success();
}

/// The KV loop: from (max, denominator, numerator) = (-inf, 0, 0), each
/// tile's S = map(Q K^T) updates them as the online softmax does.
LogicalResult TileProgramReader::readKVLoop(scf::ForOp kvLoop,
                                            const CascadeAxes &axes,
                                            TileProgram &program,
                                            ScoreMapOp &map) {
  if (kvLoop.getNumResults() != 3)
    return error(kvLoop, "the KV loop must carry three running values");
  const double ninf = -std::numeric_limits<double>::infinity();
  ValueRange inits = kvLoop.getInitArgs();
  if (filledWith(inits[0]) != ninf || filledWith(inits[1]) != 0.0 ||
      filledWith(inits[2]) != 0.0)
    return error(kvLoop, "the KV loop must start from a max of -inf and a "
                         "denominator and numerator of 0");
  auto yield = cast<scf::YieldOp>(kvLoop.getBody()->getTerminator());
  Value rm = kvLoop.getRegionIterArgs()[0], rd = kvLoop.getRegionIterArgs()[1],
        rn = kvLoop.getRegionIterArgs()[2];
  auto fail = [&](StringRef what) {
    return error(kvLoop, "the KV loop is not the online softmax: ") << what;
  };
  // max' = max(max, rowmax(S))
  EinsumOp newMax =
      einsumOf(yield.getOperand(0), EinsumCompute::max, "bhgp,bhgp->bhgp");
  EinsumOp rowMax = newMax
                        ? einsumOf(newMax.getInputs()[1], EinsumCompute::copy,
                                   "bhgpm->bhgp", EinsumReduce::max)
                        : EinsumOp();
  if (!rowMax || newMax.getInputs()[0] != rm)
    return fail("its max is not max(max, max_m S)");
  Value scores = rowMax.getInputs()[0], m = newMax.getResult();
  // P = exp(S - max'), c = exp(max - max')
  EinsumOp den =
      einsumOf(yield.getOperand(1), EinsumCompute::add, "bhgp,bhgp->bhgp");
  EinsumOp oldDen =
      den ? einsumOf(den.getInputs()[0], EinsumCompute::mul, "bhgp,bhgp->bhgp")
          : EinsumOp();
  EinsumOp sum = den ? einsumOf(den.getInputs()[1], EinsumCompute::copy,
                                "bhgpm->bhgp", EinsumReduce::add)
                     : EinsumOp();
  EinsumOp p = sum ? einsumOf(sum.getInputs()[0], EinsumCompute::exp_sub,
                              "bhgpm,bhgp->bhgpm")
                   : EinsumOp();
  EinsumOp rescale = oldDen
                         ? einsumOf(oldDen.getInputs()[1],
                                    EinsumCompute::exp_sub, "bhgp,bhgp->bhgp")
                         : EinsumOp();
  if (!p || !rescale || oldDen.getInputs()[0] != rd ||
      p.getInputs()[0] != scores || p.getInputs()[1] != m ||
      rescale.getInputs()[0] != rm || rescale.getInputs()[1] != m)
    return fail("its denominator is not den * exp(max - max') + "
                "sum_m exp(S - max')");
  // num' = num * c + P V
  EinsumOp num =
      einsumOf(yield.getOperand(2), EinsumCompute::add, "bhgpf,bhgpf->bhgpf");
  EinsumOp oldNum = num ? einsumOf(num.getInputs()[0], EinsumCompute::mul,
                                   "bhgpf,bhgp->bhgpf")
                        : EinsumOp();
  EinsumOp pv = num ? einsumOf(num.getInputs()[1], EinsumCompute::mul,
                               "bhgpm," + axes.v + "->bhgpf", EinsumReduce::add)
                    : EinsumOp();
  if (!oldNum || !pv || oldNum.getInputs()[0] != rn ||
      oldNum.getInputs()[1] != rescale.getResult() ||
      pv.getInputs()[0] != p.getResult())
    return fail("its numerator is not num * exp(max - max') + "
                "exp(S - max') V");
  BlockArgument value = argumentOf(pv.getInputs()[1], /*converts=*/true);
  if (!value)
    return fail("V is not an argument of the function");
  program.attention.value = cast<TypedValue<RankedTensorType>>(value);

  // S: the score map of Q K^T, or a choice between its unmasked and masked
  // forms (the mask schedule's full and partial tiles).
  SmallVector<ScoreMapOp> maps;
  if (auto direct = scores.getDefiningOp<ScoreMapOp>()) {
    maps.push_back(direct);
  } else if (auto choice = scores.getDefiningOp<scf::IfOp>();
             choice && choice.getNumResults() == 1 && choice.elseBlock()) {
    for (Block *branch : {choice.thenBlock(), choice.elseBlock()}) {
      auto yielded = cast<scf::YieldOp>(branch->getTerminator()).getOperand(0);
      if (auto one = yielded.getDefiningOp<ScoreMapOp>())
        maps.push_back(one);
    }
    if (maps.size() != 2)
      maps.clear();
  }
  if (maps.empty())
    return fail("S is not an attn.score_map");
  map = maps.front();
  for (ScoreMapOp one : maps)
    if (one.getMaskAttr())
      map = one;
  for (ScoreMapOp one : maps)
    if (one.getScores() != maps.front().getScores() ||
        one.getScale() != map.getScale() ||
        one.getScoreAttr() != map.getScoreAttr() ||
        (one.getMaskAttr() && one.getMaskAttr() != map.getMaskAttr()))
      return error(one, "the score maps of the full and partial tiles must "
                        "differ only in the mask");
  EinsumOp qk = einsumOf(map.getScores(), EinsumCompute::mul,
                         axes.q5 + "," + axes.k + "->bhgpm", EinsumReduce::add);
  if (!qk)
    return fail("the scores are not Q K^T");
  BlockArgument query = argumentOf(qk.getInputs()[0]);
  BlockArgument key = argumentOf(qk.getInputs()[1]);
  if (!query || !key)
    return fail("Q or K is not an argument of the function");
  program.attention.query = cast<TypedValue<RankedTensorType>>(query);
  program.attention.key = cast<TypedValue<RankedTensorType>>(key);
  return success();
}

FailureOr<TileProgram> TileProgramReader::read() {
  // Only the tile program's ops (the user's mask and score regions aside).
  Operation *stray = nullptr;
  fn.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (isa<ScoreMapOp, linalg::FillOp>(op))
      return WalkResult::skip();
    Dialect *dialect = op->getDialect();
    bool known = dialect && isa<arith::ArithDialect, tensor::TensorDialect,
                                AttnDialect, scf::SCFDialect>(dialect);
    if (isa<AttentionOp>(op) || (!known && !isa<func::ReturnOp>(op))) {
      stray = op;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (stray && isa<AttentionOp>(stray))
    return error(stray, "expected the tile program of attn.attention (the "
                        "cascade passes: attn-decompose-attention, "
                        "attn-fuse-online-softmax, attn-tile-queries, "
                        "attn-mask-schedule; attn-to-gpu runs them)");
  if (stray)
    return error(stray, "the tile program holds an op the GPU kernel does "
                        "not compute: ")
           << stray->getName();
  SmallVector<scf::ForOp> qLoops;
  bool split = false;
  fn.walk([&](scf::ForOp loop) {
    if (loop->hasAttr(kQLoopAttr))
      qLoops.push_back(loop);
    split |= loop->hasAttr(kKVSplitAttr);
  });
  if (qLoops.size() != 1)
    return error(fn, "expected one query loop (attn.q_loop) in the function, "
                     "found ")
           << qLoops.size();
  if (split)
    return error(fn, "split-KV (attn.kv_split) is not lowered to the GPU; "
                     "schedule the entry with split_kv = 1");
  scf::ForOp qLoop = qLoops.front();
  TileProgram program{AttentionSpec(fn.getLoc())};

  // Loops over batch entries and KV heads around the query loop: a program
  // of the grid each.
  auto headLoop = dyn_cast<scf::ForOp>(qLoop->getParentOp());
  auto batchLoop =
      headLoop ? dyn_cast<scf::ForOp>(headLoop->getParentOp()) : scf::ForOp();
  if (!headLoop || !headLoop->hasAttr(kHeadLoopAttr) || !batchLoop ||
      !batchLoop->hasAttr(kBatchLoopAttr) ||
      batchLoop->getParentOp() != fn.getOperation())
    return error(qLoop, "the query loop must be inside the loops over batch "
                        "entries and KV heads (order = heads_outer)");
  auto headYield = cast<scf::YieldOp>(headLoop.getBody()->getTerminator());
  auto batchYield = cast<scf::YieldOp>(batchLoop.getBody()->getTerminator());
  for (unsigned i = 0; i < 3; ++i) {
    auto insert =
        headYield.getOperand(i).getDefiningOp<tensor::InsertSliceOp>();
    if (!insert || loopResult(insert.getSource()) != std::pair{qLoop, i} ||
        loopResult(batchYield.getOperand(i)) != std::pair{headLoop, i})
      return error(headLoop, "the loops over batch entries and KV heads must "
                             "collect the query loop's running values");
  }
  scf::ForOp kvLoop;
  if (failed(readRunningValues(qLoop, kvLoop)))
    return failure();

  // Tiles: the steps of the query and KV loops.
  std::optional<int64_t> qTile = getConstantIntValue(qLoop.getStep());
  std::optional<int64_t> kvTile = getConstantIntValue(kvLoop.getStep());
  if (!qTile || !kvTile || *qTile <= 0 || *kvTile <= 0)
    return error(qLoop, "the query and KV loops must have constant steps");
  program.qTile = *qTile;
  program.kvTile = *kvTile;

  // The layout from the equation of Q K^T.
  ScoreMapOp map;
  bool found = false;
  for (Layout layout : {Layout::bhsd, Layout::bshd}) {
    CascadeAxes axes = getCascadeAxes(layout);
    kvLoop.walk([&](EinsumOp e) {
      found |= e.getEquation() == axes.q5 + "," + axes.k + "->bhgpm";
    });
    if (!found)
      continue;
    program.attention.layout = layout;
    if (failed(readKVLoop(kvLoop, axes, program, map)))
      return failure();
    break;
  }
  if (!found)
    return error(kvLoop, "the KV loop computes no Q K^T");

  AttentionSpec &attention = program.attention;
  attention.loc = map.getLoc();
  attention.scale = map.getScale().convertToDouble();
  attention.mask = map.getMaskAttr();
  attention.score = map.getScoreAttr();
  attention.maskMod = &map.getMaskMod();
  attention.scoreMod = &map.getScoreMod();
  for (auto [data, into] : {std::pair{map.getQSegments(), &attention.qSegments},
                            {map.getKvSegments(), &attention.kvSegments},
                            {map.getBlockMask(), &attention.blockMask},
                            {map.getBias(), &attention.bias}}) {
    if (!data)
      continue;
    *into = argumentOf(data);
    if (!*into)
      return error(map, "the mask's and score's data must be arguments of "
                        "the function");
  }

  // Results: O = num / den, in the output's element type and layout, and
  // LSE = max + log(den), their (Hkv, G) axes merged.
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  auto isBatchResult = [&](Value v, unsigned i) {
    return loopResult(v) == std::pair{batchLoop, i};
  };
  Value o =
      ret.getNumOperands() ? throughHeadMerge(ret.getOperand(0)) : Value();
  // The copy to the output's element type and layout (bshd: always there).
  bool bshd = attention.layout == Layout::bshd;
  if (EinsumOp copy = o ? einsumOf(o, EinsumCompute::copy,
                                   bshd ? "bhgpf->bphgf" : "bhgpf->bhgpf")
                        : EinsumOp()) {
    o = copy.getInputs()[0];
    bshd = false;
  }
  EinsumOp normalise =
      o ? einsumOf(o, EinsumCompute::safe_div, "bhgpf,bhgp->bhgpf")
        : EinsumOp();
  if (!normalise || bshd || !isBatchResult(normalise.getInputs()[0], 2) ||
      !isBatchResult(normalise.getInputs()[1], 1))
    return error(ret, "the function's first result must be the normalised "
                      "numerator num / den, in the output's layout");
  if (ret.getNumOperands() > 2)
    return error(ret, "the function returns more than O and the LSE");
  if (ret.getNumOperands() == 2) {
    Value lse = throughHeadMerge(ret.getOperand(1));
    EinsumOp add =
        lse ? einsumOf(lse, EinsumCompute::add, "bhgp,bhgp->bhgp") : EinsumOp();
    EinsumOp log =
        add ? einsumOf(add.getInputs()[1], EinsumCompute::log, "bhgp->bhgp")
            : EinsumOp();
    if (!log || !isBatchResult(add.getInputs()[0], 0) ||
        !isBatchResult(log.getInputs()[0], 1))
      return error(ret, "the function's second result must be the LSE, "
                        "max + log(den)");
    attention.returnsLse = true;
  }
  return program;
}

FailureOr<TileProgram> attn::matchTileProgram(func::FuncOp fn) {
  return TileProgramReader(fn).read();
}
