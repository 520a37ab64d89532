//===- AttnDialect.td - The attn dialect -------------------*- tablegen -*-===//
//
// The attn dialect: the user-facing attention operation, the extended Einsums
// of the cascade, and the attributes of the mask algebra.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNDIALECT_TD
#define ATTN_DIALECT_ATTN_IR_ATTNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let summary = "Attention written once: Q, K, V, a mask expression and a score modifier";
  let description = [{
    The `attn` dialect is the entry point of the attention compiler. A user
    writes one `attn.attention` operation whose `mask` attribute is an
    expression of the mask algebra (`#attn.mask<causal & window(128)>`) and
    whose `score` attribute lists score modifiers (`#attn.score<softcap(30.0)>`).
    The pipeline lowers it into a cascade of extended Einsums (`attn.einsum`),
    fuses the cascade into the one-pass online softmax and tiles it with a
    mask-aware schedule.
  }];
  let cppNamespace = "::attn";
  let useDefaultAttributePrinterParser = 0;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let extraClassDeclaration = [{
    /// Adds the mask kinds, score terms and their wrappers (AttnAttrs.cpp).
    void registerAttributes();

    /// #attn.mask and #attn.score read their bodies from raw text; the other
    /// attributes use the generated parsers and printers.
    ::mlir::Attribute parseAttribute(::mlir::DialectAsmParser &parser,
                                     ::mlir::Type type) const override;
    void printAttribute(::mlir::Attribute attr,
                        ::mlir::DialectAsmPrinter &printer) const override;
  }];
}

class Attn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attn_Dialect, mnemonic, traits>;

class Attn_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Attn_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNDIALECT_TD
