//===- AttnInterfaces.td - Mask and score-modifier interfaces -*- tablegen -*-//
//
// The one interface every mask kind implements (visible, tile classifier,
// KV range, verification, printing), and the one every score modifier
// implements. A new kind is one new attribute class implementing it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_TD
#define ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_TD

include "mlir/IR/OpBase.td"

def Attn_MaskExprInterface : AttrInterface<"MaskExprAttrInterface"> {
  let cppNamespace = "::attn";
  let description = [{
    A node of a mask expression. Leaves are mask kinds (causal, window, ...),
    inner nodes compose them (and, or, not, per-head).
  }];
  let methods = [
    InterfaceMethod<[{Whether key `p.k` is visible to query `p.q`.}],
      "bool", "isVisible",
      (ins "const ::attn::mask::Point &":$p, "const ::attn::mask::Context &":$ctx)>,
    InterfaceMethod<[{
      Classifies a tile (already clipped to the problem). Never wrong: a tile
      called full has only visible pairs, one called empty none. Built-in
      kinds are exact: a tile called partial has both.
    }], "::attn::mask::TileClass", "classify",
      (ins "const ::attn::mask::Box &":$box, "const ::attn::mask::Context &":$ctx)>,
    InterfaceMethod<[{
      The smallest key range (conservative for compositions) outside which no
      key is visible to any query of `q`.
    }], "::attn::mask::Interval", "kvRange",
      (ins "int64_t":$b, "int64_t":$h, "::attn::mask::Interval":$q,
           "const ::attn::mask::Context &":$ctx)>,
    InterfaceMethod<[{Checks parameters against the extents the op knows.}],
      "::llvm::LogicalResult", "verifyShape",
      (ins "const ::attn::mask::ShapeInfo &":$shape,
           "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError),
      [{}], [{ return ::mlir::success(); }]>,
    InterfaceMethod<[{Adds the operands and regions this node needs.}],
      "void", "addRequirements", (ins "::attn::mask::Requirements &":$req),
      [{}], [{ (void)req; }]>,
    InterfaceMethod<[{Whether visible() differs between heads.}],
      "bool", "dependsOnHead", (ins), [{}], [{ return false; }]>,
    InterfaceMethod<[{Prints the node in the infix syntax of #attn.mask.}],
      "void", "printExpr", (ins "::llvm::raw_ostream &":$os)>,
    InterfaceMethod<[{
      Emits visible(args.b, args.h, args.q, args.k) as an i1 value, from
      arith, math and tensor.extract ops (scf.for where a kind must search).
      Points outside [0, qLen) x [0, kvLen) need not be handled.
    }], "::mlir::Value", "buildVisible",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "const ::attn::mask::IRArgs &":$args)>,
    InterfaceMethod<[{
      Emits the key range [lo, hi) (index values, clipped to [0, kvLen))
      that the queries [args.qLo, args.qHi) of head args.h can see: the IR
      counterpart of kvRange(), never narrower. Default: [0, kvLen).
    }], "std::pair<::mlir::Value, ::mlir::Value>", "buildKVRange",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "const ::attn::mask::IRArgs &":$args), [{}], [{
        return {::mlir::arith::ConstantIndexOp::create(builder, loc, 0),
                args.kvLen};
      }]>,
    InterfaceMethod<[{
      Emits an i1 that is true only when every pair of the tile
      [qLo, qHi) x [kLo, kHi) is visible (a tile that needs no predicate).
      May be conservative (false). Default: false.
    }], "::mlir::Value", "buildTileIsFull",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "const ::attn::mask::IRArgs &":$args), [{}], [{
        return ::mlir::arith::ConstantIntOp::create(
            builder, loc, builder.getI1Type(), 0);
      }]>,
    InterfaceMethod<[{
      Whether the keys every single query sees form one interval, so that
      buildKVRange of the queries [q, q + 1) is exactly that query's visible
      keys, not a hull around them. A kernel may then test a pair by
      comparing its key with its row's two bounds. With `idsSorted`, the
      claim may rest on a run-time fact: that the key segment ids are
      non-decreasing as unsigned numbers over the keys searched (packed
      documents; padding, id -1, at the end). buildKVRange then makes the
      claim where IRArgs::idsSorted holds, and gives a hull elsewhere.
      Default: false.
    }], "bool", "showsKeyIntervals", (ins "bool":$idsSorted), [{}],
      [{ return false; }]>,
    InterfaceMethod<[{Binding strength for printing: 1 or, 2 and, 3 others.}],
      "int", "getPrecedence", (ins), [{}], [{ return 3; }]>
  ];
}

def Attn_ScoreModInterface : AttrInterface<"ScoreModAttrInterface"> {
  let cppNamespace = "::attn";
  let description = [{
    One score modifier: a map from a scaled score s(q, k) to a new score,
    applied in the order written in #attn.score.
  }];
  let methods = [
    InterfaceMethod<[{The modified score, in double precision.}],
      "double", "apply",
      (ins "double":$s, "const ::attn::mask::Point &":$p,
           "const ::attn::mask::ScoreContext &":$ctx)>,
    InterfaceMethod<[{
      Emits the modified score for the f32 score `s` as an f32 value: the IR
      counterpart of apply().
    }], "::mlir::Value", "buildScore",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::Value":$s, "const ::attn::mask::ScoreIRArgs &":$args)>,
    InterfaceMethod<[{Checks parameters against the extents the op knows.}],
      "::llvm::LogicalResult", "verifyShape",
      (ins "const ::attn::mask::ShapeInfo &":$shape,
           "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError),
      [{}], [{ return ::mlir::success(); }]>,
    InterfaceMethod<[{Whether it needs the bias operand.}],
      "bool", "needsBiasOperand", (ins), [{}], [{ return false; }]>,
    InterfaceMethod<[{Whether it needs the score_mod region.}],
      "bool", "needsScoreModRegion", (ins), [{}], [{ return false; }]>,
    InterfaceMethod<[{Prints the term in the syntax of #attn.score.}],
      "void", "printTerm", (ins "::llvm::raw_ostream &":$os)>
  ];
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_TD
