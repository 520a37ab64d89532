//===- WritePackage.cpp - gpu.binary + launch description -> .attnpkg -----===//
//
// Writes the kernel package of docs/kernel-package.md: the manifest built
// from the launch description attn-lower-to-gpu left on the module
// (attn.kernels), then the PTX of the gpu.binary's object. Kernel
// parameters are the memref descriptors of the entry's tensors, in order
// (`param memref NAME`: allocated and aligned pointer, offset, sizes,
// strides). The file is written through a temporary and a rename.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/AttnToGPU.h"
#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace attn {
#define GEN_PASS_DEF_ATTNWRITEPACKAGE
#include "attn/Conversion/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

/// The manifest's name of an element type.
static std::optional<StringRef> dtypeName(Type type) {
  if (type.isBF16())
    return StringRef("bf16");
  if (type.isF16())
    return StringRef("f16");
  if (type.isF32())
    return StringRef("f32");
  if (type.isInteger(64))
    return StringRef("i64");
  if (type.isInteger(32))
    return StringRef("i32");
  if (type.isInteger(8))
    return StringRef("i8");
  if (type.isInteger(1))
    return StringRef("i1");
  return std::nullopt;
}

LogicalResult attn::writeKernelPackage(ModuleOp module, raw_ostream &os) {
  auto kernels = module->getAttrOfType<DictionaryAttr>(kKernelsAttr);
  if (!kernels || kernels.size() != 1)
    return module.emitError("attn-write-package: expected the description of "
                            "exactly one kernel (attn.kernels), found ")
           << (kernels ? kernels.size() : 0);
  gpu::BinaryOp binary;
  module.walk([&](gpu::BinaryOp op) {
    if (op.getName() == kKernelModuleName)
      binary = op;
  });
  if (!binary || binary.getObjects().size() != 1)
    return module.emitError("attn-write-package: expected gpu.binary @")
           << kKernelModuleName << " with one object (run the PTX lowering)";
  auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
  auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
  if (object.getFormat() != gpu::CompilationTarget::Assembly || !target)
    return binary.emitError("attn-write-package: the object must be NVVM "
                            "assembly (PTX)");
  StringRef ptx = object.getObject().getValue();
  // Calls into libdevice left unresolved would not load.
  if (ptx.contains(".extern .func"))
    return binary.emitError("attn-write-package: the PTX calls functions it "
                            "does not define (libdevice was not linked: "
                            "check that the CUDA toolkit path holds "
                            "nvvm/libdevice/libdevice.10.bc, option "
                            "cuda-path of attn-to-ptx)");

  NamedAttribute kernel = kernels.getValue().front();
  auto desc = cast<DictionaryAttr>(kernel.getValue());
  os << "attn-kernel-package 1\n";
  os << "compiler attn 0.1 (MLIR/LLVM " << LLVM_VERSION_MAJOR << "."
     << LLVM_VERSION_MINOR << ")\n";
  os << "target " << target.getChip() << "\n";
  os << "entry " << kernel.getName().getValue() << "\n";
  os << "block " << desc.getAs<IntegerAttr>("block").getInt() << "\n";
  os << "grid";
  for (Attribute g : desc.getAs<ArrayAttr>("grid"))
    os << " " << cast<StringAttr>(g).getValue();
  auto shared = desc.getAs<IntegerAttr>("shared");
  os << "\nshared " << (shared ? shared.getInt() : 0) << "\n";
  // Q, K, V and O rows read and written as aligned vectors.
  if (auto align = desc.getAs<IntegerAttr>("align"); align && align.getInt())
    os << "align " << align.getInt() << " q k v o\n";
  for (Attribute s : desc.getAs<ArrayAttr>("symbols"))
    os << "sym " << cast<StringAttr>(s).getValue() << "\n";
  auto tensors = desc.getAs<ArrayAttr>("tensors");
  for (Attribute t : tensors) {
    auto d = cast<DictionaryAttr>(t);
    auto type = cast<RankedTensorType>(d.getAs<TypeAttr>("type").getValue());
    std::optional<StringRef> dtype = dtypeName(type.getElementType());
    if (!dtype)
      return module.emitError("attn-write-package: no package dtype for ")
             << type.getElementType();
    os << d.getAs<StringAttr>("kind").getValue() << " "
       << d.getAs<StringAttr>("name").getValue() << " " << *dtype;
    for (Attribute dim : d.getAs<ArrayAttr>("dims"))
      os << " " << cast<StringAttr>(dim).getValue();
    os << "\n";
  }
  for (Attribute t : tensors)
    os << "param memref "
       << cast<DictionaryAttr>(t).getAs<StringAttr>("name").getValue() << "\n";
  os << "ptx " << ptx.size() << "\n" << ptx;
  return success();
}

namespace {
struct WritePackagePass
    : public attn::impl::AttnWritePackageBase<WritePackagePass> {
  using Base::Base;
  void runOnOperation() override {
    if (file.empty()) {
      getOperation().emitError("attn-write-package: no file given");
      return signalPassFailure();
    }
    LogicalResult written = success();
    if (llvm::Error err =
            llvm::writeToOutput(file, [&](raw_ostream &os) -> llvm::Error {
              written = writeKernelPackage(getOperation(), os);
              if (failed(written))
                return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "no package written");
              return llvm::Error::success();
            })) {
      std::string message = llvm::toString(std::move(err));
      if (succeeded(written))
        getOperation().emitError("attn-write-package: ") << message;
      return signalPassFailure();
    }
  }
};
} // namespace
