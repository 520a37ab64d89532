//===- EntryTest.cpp - The rule that picks a spec's entry function --------===//
//
// findEntryFunction, the one rule behind CpuKernel::compile, attn-run and
// the JIT API: the named public function, else the only one holding an
// attn.attention.
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Entry.h"
#include "attn/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

constexpr const char *kAttention = R"mlir(
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
)mlir";

constexpr const char *kArgs =
    "(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, "
    "%v: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>";

/// A function holding an attention, `visibility` "" or "private".
std::string attentionFunction(llvm::StringRef name,
                              llvm::StringRef visibility = "") {
  return ("func.func " + visibility + (visibility.empty() ? "" : " ") + "@" +
          name + kArgs + " {" + kAttention +
          "  return %o : tensor<1x2x8x16xf32>\n}\n")
      .str();
}

/// A function without one.
std::string plainFunction(llvm::StringRef name) {
  return ("func.func @" + name +
          "(%x: tensor<4xf32>) -> tensor<4xf32> {\n  return %x : "
          "tensor<4xf32>\n}\n")
      .str();
}

class EntryTest : public ::testing::Test {
protected:
  EntryTest() {
    DialectRegistry registry;
    attn::registerAllDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry);
  }

  /// The entry's name, or "error: MESSAGE".
  std::string entryOf(const std::string &source, llvm::StringRef entry = "") {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, ctx.get());
    if (!module)
      return "unparsed";
    llvm::Expected<func::FuncOp> fn = attn::findEntryFunction(*module, entry);
    if (!fn)
      return "error: " + llvm::toString(fn.takeError());
    return fn->getName().str();
  }

  std::unique_ptr<MLIRContext> ctx;
};

TEST_F(EntryTest, TheOnlyFunctionHoldingAnAttention) {
  EXPECT_EQ(entryOf(plainFunction("helper") + attentionFunction("attend")),
            "attend");
}

TEST_F(EntryTest, TheNamedFunction) {
  std::string two = attentionFunction("a") + attentionFunction("b");
  EXPECT_EQ(entryOf(two, "b"), "b");
  // A named entry need not hold an attention (the caller finds out).
  EXPECT_EQ(entryOf(two + plainFunction("c"), "c"), "c");
}

TEST_F(EntryTest, SeveralCandidatesMustBeNamed) {
  EXPECT_EQ(entryOf(attentionFunction("a") + attentionFunction("b")),
            "error: spec has several functions holding an attn.attention; "
            "name the entry");
}

TEST_F(EntryTest, NoCandidate) {
  EXPECT_EQ(entryOf(plainFunction("helper")),
            "error: spec has no function holding an attn.attention");
  EXPECT_EQ(entryOf(attentionFunction("a"), "missing"),
            "error: spec has no public function 'missing'");
}

TEST_F(EntryTest, PrivateFunctionsAreNotEntries) {
  EXPECT_EQ(entryOf(attentionFunction("hidden", "private") +
                    attentionFunction("shown")),
            "shown");
  EXPECT_EQ(entryOf(attentionFunction("hidden", "private"), "hidden"),
            "error: spec has no public function 'hidden'");
}

} // namespace
