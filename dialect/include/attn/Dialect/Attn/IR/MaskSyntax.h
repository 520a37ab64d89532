//===- MaskSyntax.h - Tokens of #attn.mask and #attn.score ------*- C++ -*-===//
//
// The body of #attn.mask<...> uses `&`, `|` and `!`, which the MLIR lexer
// does not know, so both attributes read their body with this small lexer.
// Errors are reported through the AsmParser at their exact source location.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_MASKSYNTAX_H
#define ATTN_DIALECT_ATTN_IR_MASKSYNTAX_H

#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace attn {

class SyntaxParser {
public:
  enum class Tok {
    Ident,
    Int,
    Float,
    LParen,
    RParen,
    LSquare,
    RSquare,
    Comma,
    Amp,
    Bar,
    Bang,
    Colon,
    Star,
    Equal,
    Greater, ///< closes the attribute body
    End,
    Bad
  };

  /// Reads from `start` (inside the attribute body, after its `<`).
  SyntaxParser(mlir::AsmParser &parser, const char *start);

  mlir::MLIRContext *getContext() { return parser.getContext(); }
  Tok kind() const { return tok; }
  llvm::StringRef spelling() const { return text; }
  bool is(Tok k) const { return tok == k; }
  bool isKeyword(llvm::StringRef kw) const {
    return tok == Tok::Ident && text == kw;
  }

  /// Consumes the current token when it is `k`.
  bool consumeIf(Tok k);
  bool consumeKeyword(llvm::StringRef kw);
  /// Consumes `k` or reports "expected `what`".
  mlir::ParseResult expect(Tok k, llvm::StringRef what);
  mlir::ParseResult parseInt(int64_t &value, llvm::StringRef what);
  mlir::ParseResult parseFloat(double &value, llvm::StringRef what);
  mlir::ParseResult parseIdent(llvm::StringRef &value, llvm::StringRef what);
  /// `[a, b, ...]` or a single integer (broadcast by the caller).
  mlir::ParseResult parseIntList(llvm::SmallVectorImpl<int64_t> &values,
                                 llvm::StringRef what);
  /// `(` ... `)` around a comma-separated list; `fn` parses one element.
  mlir::ParseResult
  parseCommaList(Tok open, Tok close, llvm::StringRef what,
                 llvm::function_ref<mlir::ParseResult()> element);

  /// An error at the current token.
  mlir::InFlightDiagnostic emitError();
  mlir::InFlightDiagnostic emitError(const char *at);
  const char *tokenStart() const { return text.data(); }

private:
  void lex();

  mlir::AsmParser &parser;
  const char *cur;
  Tok tok = Tok::Bad;
  llvm::StringRef text;
};

/// Prints a double so that it reads back to the same value, always with a
/// decimal point or exponent.
void printExactFloat(llvm::raw_ostream &os, double value);

} // namespace attn

#endif // ATTN_DIALECT_ATTN_IR_MASKSYNTAX_H
