//===- AttnToGPU.cpp - An entry's tile program to a GPU kernel ------------===//
//
// Lowers the tile program of each entry function (read back by
// matchTileProgram) into a gpu.func kernel in a gpu.module: its programs,
// one per (batch entry, KV head, query tile), become a grid of
// (ceil(Sq / R), Hq, B) blocks of R = q_tile rows of one query head, and
// its KV loop each block's walk over the keys its mask leaves. The kernel
// is the tensor-core one (TensorCoreKernel.cpp) where the entry allows it,
// else the scalar one built here: each row owned by L lanes (threads)
// holding slices of it. A row's lanes walk the key range its mask leaves
// (buildKVRange, computed at run time from the lengths and the mask's
// data), compute each score with the same scalar builders as every other
// lowering (ScorePoint), and keep the online softmax's running max and
// denominator in registers and the query and output rows in registers
// (vectors, one load per K or V row) when they are short, else in
// thread-local memory; it writes O (0 for a row with no visible key) and
// the LSE (-inf there). The scalar kernel is the correct-first one: no
// shared-memory staging and no tensor cores.
//
// Kernel arguments are memrefs (descriptors: pointers, sizes, strides) in
// the entry's argument order followed by its results, so any strides with
// a unit innermost one are accepted. planKernel (KernelPlan.h) chooses the
// kernel and its tiles for attn-gpu-schedule and checks them here.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/AttnToGPU.h"
#include "KernelPlan.h"
#include "TensorCoreKernel.h"
#include "attn/Conversion/Passes.h"
#include "attn/Conversion/ScorePoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

#include <limits>
#include <set>

namespace attn {
#define GEN_PASS_DEF_ATTNLOWERTOGPU
#include "attn/Conversion/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

namespace {

/// Rows of at most this many f32 elements (the query row and the output
/// row together) are kept in registers; longer ones in thread-local memory.
/// 160 keeps D = 64 spill-free (167 registers on sm_90a); D = 128 in
/// registers needs 255 and spills.
constexpr int64_t kMaxRegisterElements = 160;

/// Keys a row's lanes take per step of the key loop (rows in registers,
/// shared by 2 or more lanes).
constexpr int64_t kKeysPerStep = 2;

/// Threads that share one query row: the fewest (1, 2, 4 or 8) whose slices
/// of the query and output rows fit kMaxRegisterElements; 1 when none does
/// (the rows then live in thread-local memory).
static int64_t lanesPerRow(int64_t dqk, int64_t dv) {
  for (int64_t lanes : {1, 2, 4, 8})
    if (dqk % lanes == 0 && dv % lanes == 0 &&
        (dqk + dv) / lanes <= kMaxRegisterElements)
      return lanes;
  return 1;
}

/// The byte alignment of the row-slice vector accesses to Q, K, V and O: 16
/// when every slice is a whole number of 16-byte vectors (the launcher then
/// checks that addresses and strides keep rows aligned), else none (0).
static int64_t vectorAlignment(const AttentionSpec &attention, Type outElem) {
  int64_t dqk = attention.getQuery().getType().getDimSize(3);
  int64_t dv = attention.getValue().getType().getDimSize(3);
  int64_t lanes = lanesPerRow(dqk, dv);
  if ((dqk + dv) / lanes > kMaxRegisterElements)
    return 0; // rows in thread-local memory, read element by element
  auto bytes = [](Type t) { return (t.getIntOrFloatBitWidth() + 7) / 8; };
  int64_t sq = dqk / lanes, sv = dv / lanes;
  bool whole =
      (sq * bytes(attention.getQuery().getType().getElementType())) % 16 == 0 &&
      (sq * bytes(attention.getKey().getType().getElementType())) % 16 == 0 &&
      (sv * bytes(attention.getValue().getType().getElementType())) % 16 == 0 &&
      (sv * bytes(outElem)) % 16 == 0;
  return whole ? 16 : 0;
}

/// The kernel's head dims (Q's and V's last extents) of an entry.
static std::pair<int64_t, int64_t> headDims(const AttentionSpec &attention) {
  return {attention.getQuery().getType().getDimSize(3),
          attention.getValue().getType().getDimSize(3)};
}

/// The memref a kernel receives for a tensor argument or result: the same
/// shape and element type, any strides but a unit innermost one.
static MemRefType kernelMemRefType(RankedTensorType type) {
  int64_t rank = type.getRank();
  SmallVector<int64_t> strides(rank, ShapedType::kDynamic);
  if (rank > 0)
    strides.back() = 1;
  auto layout = StridedLayoutAttr::get(type.getContext(), 0, strides);
  return MemRefType::get(type.getShape(), type.getElementType(), layout);
}

/// scf.for over [lo, hi) step 1 with `inits`; `body` yields the next values.
static scf::ForOp
loop(OpBuilder &b, Location loc, Value lo, Value hi, ValueRange inits,
     function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
         body) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  return scf::ForOp::create(
      b, loc, lo, hi, one, inits,
      [&](OpBuilder &b, Location loc, Value iv, ValueRange args) {
        scf::YieldOp::create(b, loc, body(b, loc, iv, args));
      });
}

} // namespace

/// Keys a row takes per step of the scalar kernel's key loop: kKeysPerStep
/// where lanes share a row held in registers, else one.
static int64_t scalarKeysPerStep(int64_t dqk, int64_t dv) {
  int64_t lanes = lanesPerRow(dqk, dv);
  return lanes >= 2 && (dqk + dv) / lanes <= kMaxRegisterElements ? kKeysPerStep
                                                                  : 1;
}

KernelPlan attn::planKernel(const AttentionSpec &attention,
                            const KernelChoice &choice) {
  KernelPlan plan;
  auto [dqk, dv] = headDims(attention);
  if (choice.tensorCores && fitsTensorCores(attention)) {
    plan.tensorCore =
        tensorCoreShape(attention, choice.blockQ,
                        choice.warpgroupMma && choice.chip == "sm_90a" &&
                            fitsWarpgroupMma(attention));
    plan.rows = plan.tensorCore->rows;
    plan.keys = plan.tensorCore->keys;
    plan.threads = plan.tensorCore->threads();
    return plan;
  }
  // Blocks of at most 256 threads (the register file holds 256 threads of
  // up to 255 registers).
  int64_t lanes = lanesPerRow(dqk, dv);
  int64_t rows = choice.blockQ ? choice.blockQ : kDefaultBlockQ;
  plan.rows = std::max<int64_t>(1, std::min<int64_t>(rows, 256 / lanes));
  plan.keys = scalarKeysPerStep(dqk, dv);
  plan.threads = plan.rows * lanes;
  return plan;
}

StringRef attn::KernelPlan::kernelName() const {
  if (!tensorCore)
    return "scalar";
  return tensorCore->warpgroupMma ? "wgmma" : "mma.sync";
}

LogicalResult attn::verifyKernelChoice(Operation *at, StringRef pass,
                                       const KernelChoice &choice) {
  if (choice.blockQ < 0 || choice.blockQ > 1024)
    return at->emitError()
           << pass << ": block-q must be in [0, 1024] (0: chosen per entry), "
           << "found " << choice.blockQ;
  if (choice.chip != "sm_80" && choice.chip != "sm_90" &&
      choice.chip != "sm_90a")
    return at->emitError() << pass << ": chip must be sm_80, sm_90 or "
                           << "sm_90a, found '" << choice.chip << "'";
  return success();
}

namespace {

struct LowerToGPUPass : public attn::impl::AttnLowerToGPUBase<LowerToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(verifyKernelChoice(module, "attn-lower-to-gpu", choice())))
      return signalPassFailure();
    SmallVector<func::FuncOp> entries;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn.isExternal())
        entries.push_back(fn);
    if (entries.empty()) {
      module.emitError("attn-lower-to-gpu: no function to lower");
      return signalPassFailure();
    }
    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    auto gpuModule =
        gpu::GPUModuleOp::create(b, module.getLoc(), kKernelModuleName);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    b.getUnitAttr());
    for (func::FuncOp fn : entries) {
      if (failed(lower(fn, gpuModule)))
        return signalPassFailure();
      fn.erase();
    }
  }

  /// The kernel this pass builds; the rows a block come from the tile
  /// program.
  KernelChoice choice(int64_t blockQ = 0) const {
    return KernelChoice{chip, blockQ, tensorCores, warpgroupMma};
  }

  LogicalResult lower(func::FuncOp fn, gpu::GPUModuleOp gpuModule) {
    for (Type t : fn.getFunctionType().getInputs())
      if (!isa<RankedTensorType>(t))
        return fn.emitError("attn-lower-to-gpu: arguments must be ranked "
                            "tensors, found ")
               << t;
    // The entry's tile program: its attention, and the tiles its grid of
    // (batch entry, KV head, query tile) programs takes.
    FailureOr<TileProgram> program = matchTileProgram(fn);
    if (failed(program))
      return failure();
    const AttentionSpec &attention = program->attention;
    KernelPlan plan = planKernel(attention, choice(program->qTile));
    if (plan.rows != program->qTile || plan.keys != program->kvTile)
      return fn.emitError("attn-lower-to-gpu: the tile program's tiles "
                          "(q_tile = ")
             << program->qTile << ", kv_tile = " << program->kvTile
             << ") are not those of the " << plan.kernelName()
             << " kernel for this entry (q_tile = " << plan.rows
             << ", kv_tile = " << plan.keys
             << "); attn-gpu-schedule with the same options chooses them";

    // Kernel signature: the arguments, then the results, as memrefs.
    SmallVector<Type> argTypes;
    for (Type t : fn.getFunctionType().getInputs())
      argTypes.push_back(kernelMemRefType(cast<RankedTensorType>(t)));
    for (Type t : fn.getFunctionType().getResults())
      argTypes.push_back(kernelMemRefType(cast<RankedTensorType>(t)));
    OpBuilder b = OpBuilder::atBlockEnd(gpuModule.getBody());
    Location loc = attention.getLoc();
    auto kernel = gpu::GPUFuncOp::create(b, loc, fn.getName(),
                                         b.getFunctionType(argTypes, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
    const std::optional<TensorCoreShape> &tensorCore = plan.tensorCore;
    kernel.setKnownBlockSizeAttr(
        b.getDenseI32ArrayAttr({static_cast<int32_t>(plan.threads), 1, 1}));
    // Without a register bound ptxas aims at several blocks a
    // multiprocessor and spills the tensor-core kernel's fragments; allow
    // the share of the blocks the geometry means to fit (65536 registers a
    // multiprocessor).
    if (tensorCore)
      kernel->setAttr(NVVM::NVVMDialect::getMaxnregAttrName(),
                      b.getI32IntegerAttr(
                          static_cast<int32_t>(tensorCore->maxRegisters())));
    // What the package writer needs: the entry's signature and geometry,
    // kept on the top module (the kernel itself becomes PTX).
    fn->getParentOfType<ModuleOp>()->setAttr(
        kKernelsAttr, describeKernels(fn, attention, plan));

    Block &entry = kernel.getBody().front();
    b.setInsertionPointToStart(&entry);
    auto argOf = [&](Value operand) -> Value {
      if (!operand)
        return {};
      return entry.getArgument(cast<BlockArgument>(operand).getArgNumber());
    };
    unsigned numInputs = fn.getNumArguments();
    Value out = entry.getArgument(numInputs);
    Value lse =
        attention.returnsLse ? entry.getArgument(numInputs + 1) : Value();
    Value query = argOf(attention.getQuery()), key = argOf(attention.getKey()),
          value = argOf(attention.getValue());
    if (tensorCore)
      buildTensorCoreKernel(b, loc, attention, *tensorCore,
                            scoreSpec(b, loc, attention, query, key, argOf),
                            query, key, value, out, lse);
    else
      buildBody(b, loc, attention, plan, query, key, value, out, lse, argOf);
    gpu::ReturnOp::create(b, loc);
    return materializeTables(kernel, gpuModule);
  }

  /// Constant tensors the mask builders read (per-head tables, static block
  /// layouts) become constant globals of the gpu.module read with
  /// memref.load.
  static LogicalResult materializeTables(gpu::GPUFuncOp kernel,
                                         gpu::GPUModuleOp gpuModule) {
    SmallVector<arith::ConstantOp> tables;
    kernel.walk([&](arith::ConstantOp c) {
      if (isa<RankedTensorType>(c.getType()))
        tables.push_back(c);
    });
    SymbolTable symbols(gpuModule);
    for (arith::ConstantOp table : tables) {
      auto type = cast<RankedTensorType>(table.getType());
      auto memType = MemRefType::get(type.getShape(), type.getElementType());
      OpBuilder b = OpBuilder::atBlockBegin(gpuModule.getBody());
      auto global = memref::GlobalOp::create(
          b, table.getLoc(), "__attn_table", b.getStringAttr("private"),
          memType, cast<ElementsAttr>(table.getValue()), /*constant=*/true,
          /*alignment=*/IntegerAttr());
      symbols.insert(global); // renames to a unique symbol
      b.setInsertionPoint(table);
      Value buffer = memref::GetGlobalOp::create(b, table.getLoc(), memType,
                                                 global.getSymName());
      for (Operation *user : llvm::make_early_inc_range(table->getUsers())) {
        auto extract = dyn_cast<tensor::ExtractOp>(user);
        if (!extract)
          return user->emitError("attn-lower-to-gpu: a constant table is "
                                 "read by an op other than tensor.extract");
        b.setInsertionPoint(extract);
        extract.replaceAllUsesWith(memref::LoadOp::create(b, extract.getLoc(),
                                                          buffer,
                                                          extract.getIndices())
                                       .getResult());
        extract.erase();
      }
      table.erase();
    }
    return success();
  }

  /// The launch description of one kernel: its tensors' names, dtypes and
  /// dims (an integer or a symbol: B, SQ, SK, ...), the grid and the block.
  DictionaryAttr describeKernel(func::FuncOp fn, const AttentionSpec &attention,
                                const KernelPlan &plan) {
    Builder b(fn.getContext());
    unsigned seqAxis = attention.getSeqAxis(),
             headAxis = attention.getHeadAxis();
    bool offsets = false;
    if (attention.getMaskAttr()) {
      mask::Requirements req;
      attention.getMaskExpr().addRequirements(req);
      offsets = req.docOffsets;
    }
    // Each tensor's role and, per dim, the symbol a dynamic extent takes.
    SmallVector<std::pair<std::string, SmallVector<std::string>>> roles(
        fn.getNumArguments());
    auto role = [&](Value operand, StringRef name,
                    SmallVector<std::string> symbols) {
      if (!operand)
        return;
      roles[cast<BlockArgument>(operand).getArgNumber()] = {name.str(),
                                                            symbols};
    };
    SmallVector<std::string> qDims(4, ""), kvDims(4, "");
    qDims[0] = kvDims[0] = "B";
    qDims[seqAxis] = "SQ";
    kvDims[seqAxis] = "SK";
    role(attention.getQuery(), "q", qDims);
    role(attention.getKey(), "k", kvDims);
    role(attention.getValue(), "v", kvDims);
    role(attention.getQSegments(), "q_segments",
         {"B", offsets ? "QDOCS" : "SQ"});
    role(attention.getKvSegments(), "kv_segments",
         {"B", offsets ? "KDOCS" : "SK"});
    role(attention.getBlockMask(), "block_mask",
         {"B", "", "QBLOCKS", "KBLOCKS"});
    role(attention.getBias(), "bias", {"B", "", "SQ", "SK"});

    SmallVector<Attribute> tensors;
    std::set<std::string> symbols;
    auto describe = [&](StringRef kind, StringRef name, Type type,
                        ArrayRef<std::string> symbolOf) {
      auto t = cast<RankedTensorType>(type);
      SmallVector<Attribute> dims;
      for (int64_t d = 0; d < t.getRank(); ++d) {
        if (!t.isDynamicDim(d)) {
          dims.push_back(b.getStringAttr(std::to_string(t.getDimSize(d))));
          continue;
        }
        std::string sym = d < static_cast<int64_t>(symbolOf.size())
                              ? symbolOf[d]
                              : std::string();
        if (sym.empty())
          sym = (name.upper() + "_" + std::to_string(d));
        symbols.insert(sym);
        dims.push_back(b.getStringAttr(sym));
      }
      tensors.push_back(
          b.getDictionaryAttr({b.getNamedAttr("kind", b.getStringAttr(kind)),
                               b.getNamedAttr("name", b.getStringAttr(name)),
                               b.getNamedAttr("type", TypeAttr::get(type)),
                               b.getNamedAttr("dims", b.getArrayAttr(dims))}));
    };
    for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes()))
      describe("input", roles[i].first, type, roles[i].second);
    SmallVector<std::string> oDims = qDims;
    describe("output", "o", fn.getResultTypes()[0], oDims);
    if (fn.getNumResults() > 1)
      describe("output", "lse", fn.getResultTypes()[1], {"B", "", "SQ"});

    // Grid (ceil(Sq / rows), Hq, B).
    auto qType = attention.getQuery().getType();
    int64_t rows = plan.rows, threads = plan.threads, shared = 0;
    int64_t align = vectorAlignment(
        attention,
        cast<RankedTensorType>(fn.getResultTypes()[0]).getElementType());
    if (plan.tensorCore) {
      shared = plan.tensorCore->sharedBytes();
      align = 16; // cp.async copies 16-byte pieces of Q, K and V rows
    }
    auto extent = [&](int64_t size, StringRef sym) {
      return ShapedType::isDynamic(size) ? sym.str() : std::to_string(size);
    };
    std::string tiles =
        qType.isDynamicDim(seqAxis)
            ? "cdiv(SQ," + std::to_string(rows) + ")"
            : std::to_string((qType.getDimSize(seqAxis) + rows - 1) / rows);
    SmallVector<Attribute> grid = {
        b.getStringAttr(tiles),
        b.getStringAttr(extent(qType.getDimSize(headAxis), "")),
        b.getStringAttr(extent(qType.getDimSize(0), "B"))};
    SmallVector<Attribute> symbolList;
    for (const std::string &sym : symbols)
      symbolList.push_back(b.getStringAttr(sym));
    return b.getDictionaryAttr(
        {b.getNamedAttr("tensors", b.getArrayAttr(tensors)),
         b.getNamedAttr("align", b.getI64IntegerAttr(align)),
         b.getNamedAttr("symbols", b.getArrayAttr(symbolList)),
         b.getNamedAttr("grid", b.getArrayAttr(grid)),
         b.getNamedAttr("block", b.getI64IntegerAttr(threads)),
         b.getNamedAttr("shared", b.getI64IntegerAttr(shared))});
  }

  /// attn.kernels with this function's description added.
  DictionaryAttr describeKernels(func::FuncOp fn,
                                 const AttentionSpec &attention,
                                 const KernelPlan &plan) {
    Builder b(fn.getContext());
    NamedAttrList kernels;
    if (auto old =
            fn->getParentOfType<ModuleOp>()->getAttrOfType<DictionaryAttr>(
                kKernelsAttr))
      kernels.append(old.getValue());
    kernels.set(fn.getName(), describeKernel(fn, attention, plan));
    return kernels.getDictionary(fn.getContext());
  }

  /// What defines the score of a pair, read from the kernel's arguments.
  static ScorePointSpec scoreSpec(OpBuilder &b, Location loc,
                                  const AttentionSpec &attention, Value query,
                                  Value key, function_ref<Value(Value)> argOf) {
    auto qType = cast<MemRefType>(query.getType());
    ScorePointSpec spec;
    spec.scale = attention.scale;
    if (attention.getMaskAttr())
      spec.mask = attention.getMaskExpr();
    spec.score = attention.getScoreAttr();
    spec.maskMod = &attention.getMaskMod();
    spec.scoreMod = &attention.getScoreMod();
    spec.qHeads = qType.getDimSize(attention.getHeadAxis());
    spec.qLen = memref::DimOp::create(b, loc, query, attention.getSeqAxis());
    spec.kvLen = memref::DimOp::create(b, loc, key, attention.getSeqAxis());
    spec.qSegments = argOf(attention.getQSegments());
    spec.kvSegments = argOf(attention.getKvSegments());
    spec.blockMask = argOf(attention.getBlockMask());
    spec.bias = argOf(attention.getBias());
    return spec;
  }

  void buildBody(OpBuilder &b, Location loc, const AttentionSpec &attention,
                 const KernelPlan &plan, Value query, Value key, Value value,
                 Value out, Value lse, function_ref<Value(Value)> argOf) {
    Type f32 = b.getF32Type();
    unsigned seqAxis = attention.getSeqAxis(),
             headAxis = attention.getHeadAxis();
    auto qType = cast<MemRefType>(query.getType());
    auto vType = cast<MemRefType>(value.getType());
    int64_t dqk = qType.getDimSize(3), dv = vType.getDimSize(3);
    int64_t qHeads = qType.getDimSize(headAxis);
    int64_t groups =
        qHeads / cast<MemRefType>(key.getType()).getDimSize(headAxis);
    auto c = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto fconst = [&](double v) -> Value {
      return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(v));
    };
    const double ninf = -std::numeric_limits<double>::infinity();

    // The row of this thread.
    Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value tile = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    Value head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
    Value batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
    // `lanes` consecutive threads share a row, each holding a slice of the
    // query and output rows.
    int64_t lanes = lanesPerRow(dqk, dv);
    Value lane = arith::RemUIOp::create(b, loc, tid, c(lanes));
    Value q = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, tile, c(plan.rows)),
        arith::DivUIOp::create(b, loc, tid, c(lanes)));
    ScorePointSpec spec = scoreSpec(b, loc, attention, query, key, argOf);
    Value qLen = spec.qLen, kvLen = spec.kvLen;
    Value inside =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, q, qLen);
    auto rowIf = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(rowIf.thenBlock());

    Value kvHead = arith::DivUIOp::create(b, loc, head, c(groups));
    // [b, h, s, d] in the operand's layout.
    auto at = [&](Value h, Value s, Value d) -> SmallVector<Value, 4> {
      SmallVector<Value, 4> idx(4);
      idx[0] = batch;
      idx[headAxis] = h;
      idx[seqAxis] = s;
      idx[3] = d;
      return idx;
    };

    // The keys the mask leaves for this row.
    Value lo = c(0), hi = kvLen;
    if (spec.mask) {
      mask::IRArgs args = maskArgs(spec, batch, head);
      args.qLo = q;
      args.qHi = arith::AddIOp::create(b, loc, q, c(1));
      std::tie(lo, hi) = spec.mask.buildKVRange(b, loc, args);
    }

    // The LSE [B, Hq, Sq] (both layouts): m + log l, -inf without a key.
    auto storeLse = [&](Value any, Value m, Value l) {
      if (!lse)
        return;
      Value logSum =
          arith::AddFOp::create(b, loc, m, math::LogOp::create(b, loc, l));
      Value v = arith::SelectOp::create(b, loc, any, logSum, fconst(ninf));
      memref::StoreOp::create(b, loc, v, lse, ValueRange{batch, head, q});
    };
    // The score of key k, and whether it counts: visible, and not -inf (a
    // bias can give one), which adds nothing.
    auto scoreOf = [&](OpBuilder &b, Location loc, Value dot, Value k) {
      auto [s, visible] = buildScoreAt(b, loc, spec, dot, batch, head, q, k);
      Value finite = arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OGT, s,
          arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(ninf)));
      return std::make_pair(
          s, arith::AndIOp::create(b, loc, visible, finite).getResult());
    };

    if ((dqk + dv) / lanes <= kMaxRegisterElements) {
      int64_t sq = dqk / lanes, sv = dv / lanes;
      llvm::MaybeAlign align;
      if (int64_t bytes = vectorAlignment(
              attention, cast<MemRefType>(out.getType()).getElementType()))
        align = llvm::Align(bytes);
      // Sums across the lanes of a row: butterfly shuffles within the row's
      // group of lanes only (rows of a warp may take different paths).
      Value laneId = arith::IndexCastOp::create(
          b, loc, b.getI32Type(), arith::RemUIOp::create(b, loc, tid, c(32)));
      auto i32 = [&](int64_t v) -> Value {
        return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
      };
      Value groupMask = arith::ShLIOp::create(
          b, loc, i32((int64_t(1) << lanes) - 1),
          arith::MulIOp::create(
              b, loc, arith::DivUIOp::create(b, loc, laneId, i32(lanes)),
              i32(lanes)));
      auto sumLanes = [&](OpBuilder &b, Location loc, Value x) {
        for (int64_t offset = lanes / 2; offset >= 1; offset /= 2) {
          Value other = NVVM::ShflOp::create(
              b, loc, x.getType(), groupMask, x,
              arith::ConstantIntOp::create(b, loc, b.getI32Type(), offset),
              arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0x1f),
              NVVM::ShflKind::bfly, UnitAttr());
          x = arith::AddFOp::create(b, loc, x, other);
        }
        return x;
      };
      Value qOff = arith::MulIOp::create(b, loc, lane, c(sq));
      Value vOff = arith::MulIOp::create(b, loc, lane, c(sv));
      // The query row and the output row live in registers (vectors): one
      // vector load per row of K and V.
      auto rowType = [&](int64_t n, Type t) { return VectorType::get({n}, t); };
      auto loadRow = [&](OpBuilder &b, Location loc, Value t, int64_t n,
                         Value h, Value s, Value offset) -> Value {
        Type elem = cast<MemRefType>(t.getType()).getElementType();
        Value row = vector::LoadOp::create(b, loc, rowType(n, elem), t,
                                           at(h, s, offset),
                                           /*nontemporal=*/false, align);
        if (elem == f32)
          return row;
        return arith::ExtFOp::create(b, loc, rowType(n, f32), row);
      };
      auto splat = [&](OpBuilder &b, Location loc, Value x, int64_t n) {
        return vector::BroadcastOp::create(b, loc, rowType(n, f32), x)
            .getResult();
      };
      Value qRow = loadRow(b, loc, query, sq, head, q, qOff);
      Value acc0 = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(rowType(sv, f32), 0.0f));
      // Rows shared by lanes (D >= 128) take kKeysPerStep keys a step:
      // independent dot products in flight, one rescale, no branch. Rows of
      // one lane keep a branch that skips the V row of a hidden key, which
      // pays on sparse masks (measured on the H100, docs/BENCHMARKS.md).
      scf::ForOp keys;
      if (lanes >= 2) {
        // Keys in steps of kKeysPerStep: independent dot products in flight,
        // one rescale a step, no branch (keys that do not count weigh 0).
        keys = scf::ForOp::create(
            b, loc, lo, hi, c(kKeysPerStep),
            ValueRange{fconst(ninf), fconst(0.0), acc0},
            [&](OpBuilder &b, Location loc, Value k0, ValueRange state) {
              Value m = state[0], l = state[1], acc = state[2];
              SmallVector<Value> rows, scores, counted;
              for (int64_t i = 0; i < kKeysPerStep; ++i) {
                Value k = i == 0 ? k0 : arith::AddIOp::create(b, loc, k0, c(i));
                // A key past the range reads key k0's row and counts for 0.
                Value inRange = arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::slt, k, hi);
                Value row =
                    i == 0 ? k0
                           : arith::SelectOp::create(b, loc, inRange, k, k0)
                                 .getResult();
                Value products = arith::MulFOp::create(
                    b, loc, qRow, loadRow(b, loc, key, sq, kvHead, row, qOff));
                Value dot =
                    sumLanes(b, loc,
                             vector::ReductionOp::create(
                                 b, loc, vector::CombiningKind::ADD, products));
                auto [s, counts] = scoreOf(b, loc, dot, k);
                counts = arith::AndIOp::create(b, loc, counts, inRange);
                rows.push_back(row);
                counted.push_back(counts);
                scores.push_back(
                    arith::SelectOp::create(b, loc, counts, s, fconst(ninf)));
              }
              Value mNew = m;
              for (Value s : scores)
                mNew = arith::MaximumFOp::create(b, loc, mNew, s);
              // Until some key counts, the running values stay as they are.
              Value live = arith::CmpFOp::create(
                  b, loc, arith::CmpFPredicate::OGT, mNew, fconst(ninf));
              Value corr = arith::SelectOp::create(
                  b, loc, live,
                  math::ExpOp::create(b, loc,
                                      arith::SubFOp::create(b, loc, m, mNew)),
                  fconst(1.0));
              Value accNew =
                  arith::MulFOp::create(b, loc, acc, splat(b, loc, corr, sv));
              Value lNew = arith::MulFOp::create(b, loc, l, corr);
              for (int64_t i = 0; i < kKeysPerStep; ++i) {
                Value p = arith::SelectOp::create(
                    b, loc, counted[i],
                    math::ExpOp::create(
                        b, loc, arith::SubFOp::create(b, loc, scores[i], mNew)),
                    fconst(0.0));
                accNew = vector::FMAOp::create(
                    b, loc, splat(b, loc, p, sv),
                    loadRow(b, loc, value, sv, kvHead, rows[i], vOff), accNew);
                lNew = arith::AddFOp::create(b, loc, lNew, p);
              }
              scf::YieldOp::create(b, loc, ValueRange{mNew, lNew, accNew});
            });
      } else {
        keys = loop(
            b, loc, lo, hi, {fconst(ninf), fconst(0.0), acc0},
            [&](OpBuilder &b, Location loc, Value k, ValueRange state) {
              Value m = state[0], l = state[1], acc = state[2];
              Value products = arith::MulFOp::create(
                  b, loc, qRow, loadRow(b, loc, key, sq, kvHead, k, qOff));
              Value dot =
                  sumLanes(b, loc,
                           vector::ReductionOp::create(
                               b, loc, vector::CombiningKind::ADD, products));
              auto [s, counts] = scoreOf(b, loc, dot, k);
              auto step =
                  scf::IfOp::create(b, loc, TypeRange{f32, f32, acc.getType()},
                                    counts, /*withElseRegion=*/true);
              {
                OpBuilder::InsertionGuard g(b);
                b.setInsertionPointToStart(step.thenBlock());
                Value mNew = arith::MaximumFOp::create(b, loc, m, s);
                Value corr = math::ExpOp::create(
                    b, loc, arith::SubFOp::create(b, loc, m, mNew));
                Value p = math::ExpOp::create(
                    b, loc, arith::SubFOp::create(b, loc, s, mNew));
                Value scaled =
                    arith::MulFOp::create(b, loc, acc, splat(b, loc, corr, sv));
                Value accNew = vector::FMAOp::create(
                    b, loc, splat(b, loc, p, sv),
                    loadRow(b, loc, value, sv, kvHead, k, vOff), scaled);
                Value lNew = math::FmaOp::create(b, loc, l, corr, p);
                scf::YieldOp::create(b, loc, ValueRange{mNew, lNew, accNew});
                b.setInsertionPointToStart(step.elseBlock());
                scf::YieldOp::create(b, loc, ValueRange{m, l, acc});
              }
              return SmallVector<Value>{step.getResult(0), step.getResult(1),
                                        step.getResult(2)};
            });
      }
      Value m = keys.getResult(0), l = keys.getResult(1);
      Value any = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, l,
                                        fconst(0.0));
      Value inv = arith::SelectOp::create(
          b, loc, any, arith::DivFOp::create(b, loc, fconst(1.0), l),
          fconst(0.0));
      Value o = arith::MulFOp::create(b, loc, keys.getResult(2),
                                      splat(b, loc, inv, sv));
      Type outElem = cast<MemRefType>(out.getType()).getElementType();
      if (outElem != f32)
        o = arith::TruncFOp::create(b, loc, rowType(sv, outElem), o);
      vector::StoreOp::create(b, loc, o, out, at(head, q, vOff),
                              /*nontemporal=*/false, align);
      // One lane writes the row's LSE.
      Value first =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c(0));
      auto lseIf = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
      b.setInsertionPointToStart(lseIf.thenBlock());
      storeLse(any, m, l);
      return;
    }

    // Larger rows: the query row and the output row in thread-local memory.
    Value qRow = memref::AllocaOp::create(b, loc, MemRefType::get({dqk}, f32));
    Value acc = memref::AllocaOp::create(b, loc, MemRefType::get({dv}, f32));
    loop(b, loc, c(0), c(dqk), {},
         [&](OpBuilder &b, Location loc, Value e, ValueRange) {
           Value x = memref::LoadOp::create(b, loc, query, at(head, q, e));
           memref::StoreOp::create(b, loc, convertFloat(b, loc, x, f32), qRow,
                                   e);
           return SmallVector<Value>{};
         });
    loop(b, loc, c(0), c(dv), {},
         [&](OpBuilder &b, Location loc, Value f, ValueRange) {
           memref::StoreOp::create(b, loc, fconst(0.0), acc, f);
           return SmallVector<Value>{};
         });

    // Online softmax over the keys: running max m and denominator l.
    auto keys = loop(
        b, loc, lo, hi, {fconst(ninf), fconst(0.0)},
        [&](OpBuilder &b, Location loc, Value k, ValueRange state) {
          Value m = state[0], l = state[1];
          Value zero =
              arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0.0));
          Value dot =
              loop(b, loc, c(0), c(dqk), {zero},
                   [&](OpBuilder &b, Location loc, Value e, ValueRange sum) {
                     Value x = memref::LoadOp::create(b, loc, qRow, e);
                     Value y = convertFloat(
                         b, loc,
                         memref::LoadOp::create(b, loc, key, at(kvHead, k, e)),
                         f32);
                     return SmallVector<Value>{
                         math::FmaOp::create(b, loc, x, y, sum[0])};
                   })
                  .getResult(0);
          auto [s, counts] = scoreOf(b, loc, dot, k);
          auto step = scf::IfOp::create(b, loc, TypeRange{f32, f32}, counts,
                                        /*withElseRegion=*/true);
          {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPointToStart(step.thenBlock());
            Value mNew = arith::MaximumFOp::create(b, loc, m, s);
            Value corr = math::ExpOp::create(
                b, loc, arith::SubFOp::create(b, loc, m, mNew));
            Value p = math::ExpOp::create(
                b, loc, arith::SubFOp::create(b, loc, s, mNew));
            loop(b, loc, c(0), c(dv), {},
                 [&](OpBuilder &b, Location loc, Value f, ValueRange) {
                   Value a = memref::LoadOp::create(b, loc, acc, f);
                   Value v = convertFloat(
                       b, loc,
                       memref::LoadOp::create(b, loc, value, at(kvHead, k, f)),
                       f32);
                   Value scaled = arith::MulFOp::create(b, loc, a, corr);
                   memref::StoreOp::create(
                       b, loc, math::FmaOp::create(b, loc, p, v, scaled), acc,
                       f);
                   return SmallVector<Value>{};
                 });
            Value lNew = math::FmaOp::create(b, loc, l, corr, p);
            scf::YieldOp::create(b, loc, ValueRange{mNew, lNew});
            b.setInsertionPointToStart(step.elseBlock());
            scf::YieldOp::create(b, loc, ValueRange{m, l});
          }
          return SmallVector<Value>{step.getResult(0), step.getResult(1)};
        });
    Value m = keys.getResult(0), l = keys.getResult(1);

    // O = acc / l, 0 where no key is visible; LSE = m + log l, -inf there.
    Value any = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, l,
                                      fconst(0.0));
    Value inv = arith::SelectOp::create(
        b, loc, any, arith::DivFOp::create(b, loc, fconst(1.0), l),
        fconst(0.0));
    Type outElem = cast<MemRefType>(out.getType()).getElementType();
    loop(b, loc, c(0), c(dv), {},
         [&](OpBuilder &b, Location loc, Value f, ValueRange) {
           Value a = memref::LoadOp::create(b, loc, acc, f);
           Value o = arith::MulFOp::create(b, loc, a, inv);
           memref::StoreOp::create(b, loc, convertFloat(b, loc, o, outElem),
                                   out, at(head, q, f));
           return SmallVector<Value>{};
         });
    storeLse(any, m, l);
  }
};

} // namespace
