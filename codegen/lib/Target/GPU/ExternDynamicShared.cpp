//===- ExternDynamicShared.cpp - Dynamic shared memory as .extern ---------===//
//
// convert-gpu-to-nvvm declares the memory behind gpu.dynamic_shared_memory
// as an internal zero-sized array in address space 3; the NVPTX backend
// demotes such a global to a one-byte static .shared variable. External
// linkage makes it `.extern .shared .align A .b8 NAME[]`, which is what the
// block's dynamic shared memory is.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

namespace attn {
#define GEN_PASS_DEF_ATTNEXTERNDYNAMICSHARED
#include "attn/Conversion/Passes.h.inc"
} // namespace attn

using namespace mlir;

namespace {

struct ExternDynamicSharedPass
    : public attn::impl::AttnExternDynamicSharedBase<ExternDynamicSharedPass> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::GlobalOp global) {
      auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      bool dynamicShared =
          global.getAddrSpace() ==
              static_cast<unsigned>(NVVM::NVVMMemorySpace::Shared) &&
          array && array.getNumElements() == 0 && !global.getValueOrNull() &&
          global.getInitializerRegion().empty();
      if (dynamicShared)
        global.setLinkage(LLVM::Linkage::External);
    });
  }
};

} // namespace
