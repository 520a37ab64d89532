//===- GpuSchedule.cpp - The GPU kernel's tiles, for the cascade passes ---===//
//
// Records on each entry's attn.attention the schedule its GPU kernel runs:
// a program per (batch entry, KV head, query tile) (order heads_outer), the
// kernel's query rows a block as q_tile and its key tile as kv_tile, one KV
// part. The cascade passes then build that tile program, and
// attn-lower-to-gpu lowers it.
//
//===----------------------------------------------------------------------===//

#include "KernelPlan.h"
#include "attn/Conversion/Passes.h"
#include "attn/Transforms/Cascade.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace attn {
#define GEN_PASS_DEF_ATTNGPUSCHEDULE
#include "attn/Conversion/Passes.h.inc"
} // namespace attn

using namespace mlir;
using namespace attn;

namespace {

struct GpuSchedulePass
    : public attn::impl::AttnGpuScheduleBase<GpuSchedulePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    KernelChoice choice{chip, blockQ, tensorCores, warpgroupMma};
    if (failed(verifyKernelChoice(module, "attn-gpu-schedule", choice)))
      return signalPassFailure();
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      FailureOr<AttentionOp> attention = entryAttention(fn);
      if (failed(attention))
        return signalPassFailure();
      KernelPlan plan = planKernel(getAttentionSpec(*attention), choice);
      Builder b(module.getContext());
      (*attention)
          ->setAttr(
              kScheduleAttr,
              b.getDictionaryAttr(
                  {b.getNamedAttr("q_tile", b.getI64IntegerAttr(plan.rows)),
                   b.getNamedAttr("kv_tile", b.getI64IntegerAttr(plan.keys)),
                   b.getNamedAttr("split_kv", b.getI64IntegerAttr(1)),
                   b.getNamedAttr("order", b.getStringAttr(stringifyHeadOrder(
                                               HeadOrder::Outer))),
                   b.getNamedAttr("kernel",
                                  b.getStringAttr(plan.kernelName()))}));
    }
  }

  /// The entry's one attn.attention of its arguments, whose results it
  /// returns.
  static FailureOr<AttentionOp> entryAttention(func::FuncOp fn) {
    Block &body = fn.getBody().front();
    auto attention = body.getOperations().size() == 2
                         ? dyn_cast<AttentionOp>(body.front())
                         : AttentionOp();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    if (!attention ||
        ValueRange(ret.getOperands()) != ValueRange(attention->getResults()))
      return fn.emitError("attn-gpu-schedule: the function must return the "
                          "results of one attn.attention and nothing else");
    for (Value operand : attention->getOperands()) {
      auto arg = dyn_cast<BlockArgument>(operand);
      if (!arg || arg.getOwner() != &body)
        return attention.emitError("attn-gpu-schedule: every operand must be "
                                   "an argument of the function");
    }
    return attention;
  }
};

} // namespace
