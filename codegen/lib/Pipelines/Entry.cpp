//===- Entry.cpp - Which function of a spec the pipelines compile ---------===//
//
// findEntryFunction: a spec's entry is the public function named by the
// caller, or the only one holding an attn.attention.
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Entry.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"

using namespace mlir;

llvm::Expected<func::FuncOp> attn::findEntryFunction(ModuleOp module,
                                                     llvm::StringRef entry) {
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  func::FuncOp chosen;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal() || fn.isPrivate())
      continue;
    bool matches = !entry.empty() ? fn.getName() == entry
                                  : fn.walk([](AttentionOp) {
                                        return WalkResult::interrupt();
                                      }).wasInterrupted();
    if (!matches)
      continue;
    if (chosen)
      return error("spec has several functions holding an attn.attention; "
                   "name the entry");
    chosen = fn;
  }
  if (!chosen)
    return error(entry.empty() ? llvm::Twine("spec has no function holding an "
                                             "attn.attention")
                               : "spec has no public function '" + entry + "'");
  return chosen;
}
