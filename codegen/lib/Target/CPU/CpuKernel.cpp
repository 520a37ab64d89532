//===- CpuKernel.cpp - Compile a spec for the host CPU and run it ---------===//
//
// Parsing and verification with the shared registration, the attn-to-cpu
// pipeline, the ExecutionEngine, and the call through the entry function's
// C interface: each memref argument is passed as a pointer to a descriptor
// {allocated, aligned, offset, sizes[rank], strides[rank]}.
//
//===----------------------------------------------------------------------===//

#include "attn/Target/CPU/CpuKernel.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/InitAll.h"
#include "attn/Pipelines/Entry.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;
using namespace attn;

CpuKernel::CpuKernel() = default;
CpuKernel::~CpuKernel() = default;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<CpuKernel>>
CpuKernel::compile(llvm::StringRef spec, llvm::StringRef entry,
                   const AttnToCpuOptions *options) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;

  std::unique_ptr<CpuKernel> kernel(new CpuKernel());
  DialectRegistry registry;
  registerAllDialects(registry);
  registry.insert<LLVM::LLVMDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  kernel->context = std::make_unique<MLIRContext>(registry);
  MLIRContext &ctx = *kernel->context;

  // Diagnostics become the error's text.
  std::string diagnostics;
  llvm::raw_string_ostream diagStream(diagnostics);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(spec, "spec"), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &ctx, diagStream);

  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
  if (!module)
    return makeError("spec does not parse: " + diagnostics);

  // The entry function.
  llvm::Expected<func::FuncOp> found = findEntryFunction(*module, entry);
  if (!found)
    return found.takeError();
  func::FuncOp entryFn = *found;
  kernel->entryName = entryFn.getName().str();
  for (Type t : entryFn.getArgumentTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor)
      return makeError("entry arguments must be ranked tensors");
    kernel->signature.inputs.push_back(tensor);
  }
  for (Type t : entryFn.getResultTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor)
      return makeError("entry results must be ranked tensors");
    kernel->signature.results.push_back(tensor);
  }
  // Where each dynamic result extent comes from: results of attn.attention
  // take batch and query length from Q.
  auto returnOp =
      cast<func::ReturnOp>(entryFn.getBody().back().getTerminator());
  for (auto [i, type] : llvm::enumerate(kernel->signature.results)) {
    std::vector<DimSource> dims(type.getRank());
    for (int64_t d = 0; d < type.getRank(); ++d)
      dims[d].extent = type.isDynamicDim(d) ? -1 : type.getDimSize(d);
    Value result = returnOp.getOperand(i);
    if (auto op = result.getDefiningOp<AttentionOp>()) {
      auto q = dyn_cast<BlockArgument>(op.getQuery());
      if (q && q.getOwner() == &entryFn.getBody().front()) {
        int input = q.getArgNumber();
        bool isOutput = result == op.getOutput();
        unsigned seq = isOutput ? op.getSeqAxis() : 2;
        dims[0].input = input;
        dims[0].dim = 0;
        dims[seq].input = input;
        dims[seq].dim = op.getSeqAxis();
      }
    }
    kernel->resultDims.push_back(std::move(dims));
  }
  entryFn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                   UnitAttr::get(&ctx));

  PassManager pm(&ctx);
  AttnToCpuOptions defaults;
  buildAttnToCpuPipeline(pm, options ? *options : defaults);
  if (failed(pm.run(*module)))
    return makeError("attn-to-cpu failed: " + diagnostics);

  ExecutionEngineOptions engineOptions;
  auto transformer = makeOptimizingTransformer(/*optLevel=*/3,
                                               /*sizeLevel=*/0, nullptr);
  engineOptions.transformer = transformer;
  llvm::StringRef runtimeLibs[] = {ATTN_MLIR_C_RUNNER_UTILS};
  engineOptions.sharedLibPaths = runtimeLibs;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    return makeError("JIT compilation failed: " +
                     llvm::toString(engine.takeError()));
  kernel->engine = std::move(*engine);
  return kernel;
}

llvm::Expected<std::vector<std::vector<int64_t>>> CpuKernel::inferResultShapes(
    llvm::ArrayRef<std::vector<int64_t>> inputShapes) const {
  std::vector<std::vector<int64_t>> shapes;
  for (auto [i, dims] : llvm::enumerate(resultDims)) {
    std::vector<int64_t> shape;
    for (auto [d, source] : llvm::enumerate(dims)) {
      if (source.extent >= 0) {
        shape.push_back(source.extent);
        continue;
      }
      if (source.input < 0 ||
          source.input >= static_cast<int>(inputShapes.size()) ||
          source.dim >= static_cast<int>(inputShapes[source.input].size()))
        return makeError("cannot infer extent " + llvm::Twine(d) +
                         " of result " + llvm::Twine(i));
      shape.push_back(inputShapes[source.input][source.dim]);
    }
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

/// A memref descriptor for a dense row-major buffer, as 64-bit words.
static std::vector<int64_t> makeDescriptor(const HostBuffer &buffer) {
  size_t rank = buffer.shape.size();
  std::vector<int64_t> desc(3 + 2 * rank);
  desc[0] = reinterpret_cast<int64_t>(buffer.data);
  desc[1] = reinterpret_cast<int64_t>(buffer.data);
  desc[2] = 0;
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    desc[3 + i] = buffer.shape[i];
    desc[3 + rank + i] = stride;
    stride *= buffer.shape[i];
  }
  return desc;
}

static llvm::Error checkShape(const HostBuffer &buffer, RankedTensorType type,
                              const llvm::Twine &what) {
  if (static_cast<int64_t>(buffer.shape.size()) != type.getRank())
    return makeError(what + " has rank " + llvm::Twine(buffer.shape.size()) +
                     ", the spec expects " + llvm::Twine(type.getRank()));
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!type.isDynamicDim(i) && type.getDimSize(i) != buffer.shape[i])
      return makeError(what + " has extent " + llvm::Twine(buffer.shape[i]) +
                       " in dim " + llvm::Twine(i) + ", the spec expects " +
                       llvm::Twine(type.getDimSize(i)));
  return llvm::Error::success();
}

llvm::Error CpuKernel::run(llvm::ArrayRef<HostBuffer> inputs,
                           llvm::ArrayRef<HostBuffer> outputs) {
  if (inputs.size() != signature.inputs.size())
    return makeError("the entry takes " + llvm::Twine(signature.inputs.size()) +
                     " inputs, got " + llvm::Twine(inputs.size()));
  if (outputs.size() != signature.results.size())
    return makeError("the entry returns " +
                     llvm::Twine(signature.results.size()) + " results, got " +
                     llvm::Twine(outputs.size()) + " output buffers");
  std::vector<std::vector<int64_t>> descriptors;
  for (auto [i, buffer] : llvm::enumerate(inputs)) {
    if (auto err =
            checkShape(buffer, signature.inputs[i], "input " + llvm::Twine(i)))
      return err;
    descriptors.push_back(makeDescriptor(buffer));
  }
  for (auto [i, buffer] : llvm::enumerate(outputs)) {
    if (auto err = checkShape(buffer, signature.results[i],
                              "output " + llvm::Twine(i)))
      return err;
    descriptors.push_back(makeDescriptor(buffer));
  }
  // The C interface takes a pointer to each descriptor; the packed call
  // takes a pointer to each argument.
  std::vector<void *> pointers, args;
  for (auto &d : descriptors)
    pointers.push_back(d.data());
  for (void *&p : pointers)
    args.push_back(&p);
  return engine->invokePacked("_mlir_ciface_" + entryName, args);
}
