//===- MaskSyntax.cpp - Tokens of #attn.mask and #attn.score --------------===//
//
// A hand-written lexer over the raw attribute body. The body has already
// been checked for balanced brackets by MLIR's parser, and the buffer is
// NUL-terminated, so the lexer stops at the body's closing `>` or at NUL.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/MaskSyntax.h"

#include <cctype>
#include <charconv>
#include <cmath>

using namespace mlir;
using namespace attn;

SyntaxParser::SyntaxParser(AsmParser &parser, const char *start)
    : parser(parser), cur(start) {
  lex();
}

void SyntaxParser::lex() {
  while (*cur == ' ' || *cur == '\t' || *cur == '\n' || *cur == '\r')
    ++cur;
  const char *start = cur;
  auto single = [&](Tok k) {
    ++cur;
    tok = k;
    text = llvm::StringRef(start, 1);
  };
  char c = *cur;
  if (c == '\0') {
    tok = Tok::End;
    text = llvm::StringRef(start, 0);
    return;
  }
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
    while (std::isalnum(static_cast<unsigned char>(*cur)) || *cur == '_')
      ++cur;
    tok = Tok::Ident;
    text = llvm::StringRef(start, cur - start);
    return;
  }
  if (std::isdigit(static_cast<unsigned char>(c)) ||
      (c == '-' && std::isdigit(static_cast<unsigned char>(cur[1])))) {
    ++cur;
    while (std::isdigit(static_cast<unsigned char>(*cur)))
      ++cur;
    tok = Tok::Int;
    if (*cur == '.' && std::isdigit(static_cast<unsigned char>(cur[1]))) {
      tok = Tok::Float;
      ++cur;
      while (std::isdigit(static_cast<unsigned char>(*cur)))
        ++cur;
    }
    if ((*cur == 'e' || *cur == 'E') &&
        (std::isdigit(static_cast<unsigned char>(cur[1])) ||
         ((cur[1] == '-' || cur[1] == '+') &&
          std::isdigit(static_cast<unsigned char>(cur[2]))))) {
      tok = Tok::Float;
      cur += 2;
      while (std::isdigit(static_cast<unsigned char>(*cur)))
        ++cur;
    }
    text = llvm::StringRef(start, cur - start);
    return;
  }
  switch (c) {
  case '(':
    return single(Tok::LParen);
  case ')':
    return single(Tok::RParen);
  case '[':
    return single(Tok::LSquare);
  case ']':
    return single(Tok::RSquare);
  case ',':
    return single(Tok::Comma);
  case '&':
    return single(Tok::Amp);
  case '|':
    return single(Tok::Bar);
  case '!':
    return single(Tok::Bang);
  case ':':
    return single(Tok::Colon);
  case '*':
    return single(Tok::Star);
  case '=':
    return single(Tok::Equal);
  case '>':
    return single(Tok::Greater);
  default:
    return single(Tok::Bad);
  }
}

bool SyntaxParser::consumeIf(Tok k) {
  if (tok != k)
    return false;
  lex();
  return true;
}

bool SyntaxParser::consumeKeyword(llvm::StringRef kw) {
  if (!isKeyword(kw))
    return false;
  lex();
  return true;
}

InFlightDiagnostic SyntaxParser::emitError() { return emitError(text.data()); }

InFlightDiagnostic SyntaxParser::emitError(const char *at) {
  return parser.emitError(llvm::SMLoc::getFromPointer(at));
}

ParseResult SyntaxParser::expect(Tok k, llvm::StringRef what) {
  if (consumeIf(k))
    return success();
  if (tok == Tok::End)
    return emitError() << "expected " << what << ", found end of input";
  return emitError() << "expected " << what << ", found '" << text << "'";
}

ParseResult SyntaxParser::parseInt(int64_t &value, llvm::StringRef what) {
  if (tok != Tok::Int)
    return emitError() << "expected an integer for " << what;
  if (text.getAsInteger(10, value))
    return emitError() << "integer '" << text << "' for " << what
                       << " does not fit in 64 bits";
  lex();
  return success();
}

ParseResult SyntaxParser::parseFloat(double &value, llvm::StringRef what) {
  if (tok != Tok::Int && tok != Tok::Float)
    return emitError() << "expected a number for " << what;
  auto [ptr, ec] = std::from_chars(text.begin(), text.end(), value);
  if (ec != std::errc() || ptr != text.end() || !std::isfinite(value))
    return emitError() << "number '" << text << "' for " << what
                       << " is out of range";
  lex();
  return success();
}

ParseResult SyntaxParser::parseIdent(llvm::StringRef &value,
                                     llvm::StringRef what) {
  if (tok != Tok::Ident)
    return emitError() << "expected " << what;
  value = text;
  lex();
  return success();
}

ParseResult
SyntaxParser::parseCommaList(Tok open, Tok close, llvm::StringRef what,
                             llvm::function_ref<ParseResult()> element) {
  const char *openText = open == Tok::LParen ? "'('" : "'['";
  const char *closeText = close == Tok::RParen ? "')'" : "']'";
  if (expect(open,
             llvm::Twine(openText).concat(" to open ").concat(what).str()))
    return failure();
  if (consumeIf(close))
    return emitError() << what << " must not be empty";
  do {
    if (element())
      return failure();
  } while (consumeIf(Tok::Comma));
  return expect(close, llvm::Twine(closeText).concat(" or ','").str());
}

ParseResult SyntaxParser::parseIntList(llvm::SmallVectorImpl<int64_t> &values,
                                       llvm::StringRef what) {
  if (tok == Tok::Int) {
    values.emplace_back();
    return parseInt(values.back(), what);
  }
  return parseCommaList(Tok::LSquare, Tok::RSquare, what, [&] {
    values.emplace_back();
    return parseInt(values.back(), what);
  });
}

void attn::printExactFloat(llvm::raw_ostream &os, double value) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  llvm::StringRef s(buf, ec == std::errc() ? ptr - buf : 0);
  os << s;
  if (s.find_first_of(".eEn") == llvm::StringRef::npos)
    os << ".0";
}
