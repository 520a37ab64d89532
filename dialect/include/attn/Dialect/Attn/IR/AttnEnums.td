//===- AttnEnums.td - Enumerations of the attn dialect -----*- tablegen -*-===//
//
// Tensor layouts, diagonal alignment of masks when Sq != Sk, and the map and
// reduce operators of extended Einsums.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNENUMS_TD
#define ATTN_DIALECT_ATTN_IR_ATTNENUMS_TD

include "attn/Dialect/Attn/IR/AttnDialect.td"
include "mlir/IR/EnumAttr.td"

def Attn_Layout : I32EnumAttr<"Layout", "order of the dimensions of Q, K, V and O", [
    I32EnumAttrCase<"bhsd", 0>,
    I32EnumAttrCase<"bshd", 1>
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::attn";
}
def Attn_LayoutAttr : EnumAttr<Attn_Dialect, Attn_Layout, "layout"> {
  let summary = "Tensor layout: bhsd (batch, head, sequence, dim) or bshd";
  let description = [{
    `bhsd` stores Q as [B, Hq, Sq, D]; `bshd` stores it as [B, Sq, Hq, D]. K,
    V and the output follow the same order.

    ```mlir
    {layout = #attn.layout<bshd>}
    ```
  }];
  let assemblyFormat = "`<` $value `>`";
}

def Attn_Alignment : I32EnumAttr<"Alignment",
    "where the diagonal of a mask sits when Sq != Sk", [
    I32EnumAttrCase<"top_left", 0>,
    I32EnumAttrCase<"bottom_right", 1>
  ]> {
  let cppNamespace = "::attn";
}

def Attn_EinsumCompute : I32EnumAttr<"EinsumCompute",
    "the map operator of an extended Einsum", [
    I32EnumAttrCase<"copy", 0>,
    I32EnumAttrCase<"neg", 1>,
    I32EnumAttrCase<"exp", 2>,
    I32EnumAttrCase<"log", 3>,
    I32EnumAttrCase<"mul", 4>,
    I32EnumAttrCase<"add", 5>,
    I32EnumAttrCase<"sub", 6>,
    I32EnumAttrCase<"div", 7>,
    I32EnumAttrCase<"max", 8>,
    I32EnumAttrCase<"exp_sub", 9>,
    I32EnumAttrCase<"safe_div", 10>
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::attn";
}
def Attn_EinsumComputeAttr : EnumAttr<Attn_Dialect, Attn_EinsumCompute, "compute"> {
  let summary = "Map operator of an extended Einsum";
  let description = [{
    Unary: `copy` (also converts between float types), `neg`, `exp`, `log`.
    Binary: `mul`, `add`, `sub`, `div`, `max`, `exp_sub` (`exp(a - b)`,
    FuseMax's numerator map; 0 when b = -inf, so a row whose keys are all
    masked gives 0 rather than NaN) and `safe_div` (`a / b`, 0 when b = 0:
    the normalisation of such a row).
  }];
  let assemblyFormat = "`` $value";
}

def Attn_EinsumReduce : I32EnumAttr<"EinsumReduce",
    "the reduce operator of an extended Einsum", [
    I32EnumAttrCase<"add", 0>,
    I32EnumAttrCase<"max", 1>
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::attn";
}
def Attn_EinsumReduceAttr : EnumAttr<Attn_Dialect, Attn_EinsumReduce, "reduce"> {
  let summary = "Reduce operator of an extended Einsum";
  let description = [{
    `add` (identity 0) or `max` (identity -inf), applied over every index
    that appears in an input and not in the output.
  }];
  let assemblyFormat = "`` $value";
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNENUMS_TD
