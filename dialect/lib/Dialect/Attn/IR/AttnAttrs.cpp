//===- AttnAttrs.cpp - Syntax of #attn.mask and #attn.score ---------------===//
//
// The recursive-descent parser of mask expressions (`|` below `&` below `!`,
// parentheses, one keyword per kind) and of score-modifier lists, and their
// printers. Each kind's parameters are checked by its own verify() through
// getChecked, so a bad parameter is reported at the kind's keyword.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/IR/MaskSyntax.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace attn;
using Tok = SyntaxParser::Tok;

#define GET_ATTRDEF_CLASSES
#include "attn/Dialect/Attn/IR/AttnAttrs.cpp.inc"

Attribute AttnDialect::parseAttribute(DialectAsmParser &parser,
                                      Type type) const {
  // #attn.mask and #attn.score bodies are read from the raw symbol text,
  // before the MLIR lexer can trip over their operators.
  StringRef spec = parser.getFullSymbolSpec();
  if (spec.consume_front("mask<"))
    return MaskAttr::parseBody(parser, spec.data());
  if (spec.consume_front("score<"))
    return ScoreAttr::parseBody(parser, spec.data());
  StringRef mnemonic;
  Attribute attr;
  OptionalParseResult result =
      generatedAttributeParser(parser, &mnemonic, type, attr);
  if (result.has_value())
    return attr;
  parser.emitError(parser.getNameLoc(), "unknown attn attribute '")
      << mnemonic << "'";
  return {};
}

void AttnDialect::printAttribute(Attribute attr,
                                 DialectAsmPrinter &printer) const {
  if (succeeded(generatedAttributePrinter(attr, printer)))
    return;
  // Kinds and terms have no syntax outside #attn.mask / #attn.score.
  if (auto kind = dyn_cast<MaskExprAttrInterface>(attr)) {
    printer << "mask<";
    kind.printExpr(printer.getStream());
    printer << ">";
  }
}

void AttnDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "attn/Dialect/Attn/IR/AttnAttrs.cpp.inc"
      >();
}

namespace {

/// Parses one mask expression; nesting is bounded so that adversarial input
/// cannot exhaust the stack.
class MaskExprParser {
public:
  explicit MaskExprParser(SyntaxParser &p) : p(p), ctx(p.getContext()) {}

  MaskExprAttrInterface parseOr();

private:
  static constexpr int kMaxDepth = 200;

  MaskExprAttrInterface parseAnd();
  MaskExprAttrInterface parseUnary();
  MaskExprAttrInterface parsePrimary();
  MaskExprAttrInterface parseKind(StringRef keyword, const char *at);

  ParseResult parseAlignment(Alignment &align);
  ParseResult parseNestedBits(SmallVectorImpl<int64_t> &shape,
                              SmallVectorImpl<bool> &bits, unsigned depth);

  auto errorAt(const char *at) {
    return [this, at] { return p.emitError(at); };
  }

  SyntaxParser &p;
  MLIRContext *ctx;
  int depth = 0;
  int leafDepth = -1; ///< depth of the entries of the block layout being read
};

} // namespace

MaskExprAttrInterface MaskExprParser::parseOr() {
  SmallVector<MaskExprAttrInterface> terms;
  do {
    MaskExprAttrInterface term = parseAnd();
    if (!term)
      return {};
    if (auto orMask = dyn_cast<OrMaskAttr>(term))
      llvm::append_range(terms, orMask.getOperands());
    else
      terms.push_back(term);
  } while (p.consumeIf(Tok::Bar));
  if (terms.size() == 1)
    return terms.front();
  return OrMaskAttr::get(ctx, terms);
}

MaskExprAttrInterface MaskExprParser::parseAnd() {
  SmallVector<MaskExprAttrInterface> terms;
  do {
    MaskExprAttrInterface term = parseUnary();
    if (!term)
      return {};
    if (auto andMask = dyn_cast<AndMaskAttr>(term))
      llvm::append_range(terms, andMask.getOperands());
    else
      terms.push_back(term);
  } while (p.consumeIf(Tok::Amp));
  if (terms.size() == 1)
    return terms.front();
  return AndMaskAttr::get(ctx, terms);
}

MaskExprAttrInterface MaskExprParser::parseUnary() {
  // Every nesting (`!`, parentheses, heads cases) passes through here.
  if (depth >= kMaxDepth) {
    p.emitError() << "mask expression nests deeper than " << kMaxDepth;
    return {};
  }
  ++depth;
  llvm::scope_exit restore([&] { --depth; });
  if (p.consumeIf(Tok::Bang)) {
    MaskExprAttrInterface operand = parseUnary();
    if (!operand)
      return {};
    return NotMaskAttr::get(ctx, operand);
  }
  return parsePrimary();
}

MaskExprAttrInterface MaskExprParser::parsePrimary() {
  if (p.consumeIf(Tok::LParen)) {
    MaskExprAttrInterface inner = parseOr();
    if (!inner || p.expect(Tok::RParen, "')'"))
      return {};
    return inner;
  }
  const char *at = p.tokenStart();
  StringRef keyword;
  if (!p.is(Tok::Ident)) {
    if (p.is(Tok::End) || p.is(Tok::Greater))
      p.emitError() << "expected a mask kind, found end of mask expression";
    else
      p.emitError() << "expected a mask kind or '(', found '" << p.spelling()
                    << "'";
    return {};
  }
  (void)p.parseIdent(keyword, "a mask kind");
  return parseKind(keyword, at);
}

ParseResult MaskExprParser::parseAlignment(Alignment &align) {
  StringRef word;
  const char *at = p.tokenStart();
  if (p.parseIdent(word, "an alignment ('top_left' or 'bottom_right')"))
    return failure();
  std::optional<Alignment> parsed = symbolizeAlignment(word);
  if (!parsed)
    return p.emitError(at) << "unknown alignment '" << word
                           << "', expected 'top_left' or 'bottom_right'";
  align = *parsed;
  return success();
}

ParseResult MaskExprParser::parseNestedBits(SmallVectorImpl<int64_t> &shape,
                                            SmallVectorImpl<bool> &bits,
                                            unsigned level) {
  if (level > 3)
    return p.emitError() << "block layout nests deeper than 3 levels";
  if (!p.is(Tok::LSquare)) {
    int64_t bit;
    const char *at = p.tokenStart();
    if (p.parseInt(bit, "a block layout entry"))
      return failure();
    if (bit != 0 && bit != 1)
      return p.emitError(at)
             << "block layout entries must be 0 or 1, found " << bit;
    // Every entry sits at the same depth: the rank of the layout.
    if (leafDepth < 0)
      leafDepth = level;
    else if (leafDepth != static_cast<int>(level))
      return p.emitError(at) << "block layout is not rectangular: entries "
                                "at different depths";
    bits.push_back(bit == 1);
    return success();
  }
  const char *at = p.tokenStart();
  int64_t count = 0;
  if (p.parseCommaList(Tok::LSquare, Tok::RSquare, "a block layout row", [&] {
        ++count;
        return parseNestedBits(shape, bits, level + 1);
      }))
    return failure();
  if (shape.size() <= level)
    shape.resize(level + 1, -1);
  if (shape[level] == -1)
    shape[level] = count;
  else if (shape[level] != count)
    return p.emitError(at) << "block layout is not rectangular: a row has "
                           << count << " entries, another " << shape[level];
  return success();
}

MaskExprAttrInterface MaskExprParser::parseKind(StringRef keyword,
                                                const char *at) {
  auto emitError = errorAt(at);
  auto openArgs = [&]() {
    return p.expect(Tok::LParen, "'(' after " + keyword.str());
  };
  auto closeArgs = [&]() { return p.expect(Tok::RParen, "')'"); };

  if (keyword == "all")
    return AllMaskAttr::get(ctx);
  if (keyword == "mask_mod")
    return MaskModMaskAttr::get(ctx);

  if (keyword == "causal") {
    Alignment align = Alignment::top_left;
    if (p.consumeIf(Tok::LParen))
      if (parseAlignment(align) || closeArgs())
        return {};
    return CausalMaskAttr::get(ctx, align);
  }

  if (keyword == "window") {
    int64_t left, right;
    Alignment align = Alignment::top_left;
    if (openArgs() || p.parseInt(left, "the window's left extent"))
      return {};
    right = left;
    if (p.consumeIf(Tok::Comma)) {
      if (p.is(Tok::Ident)) {
        if (parseAlignment(align))
          return {};
      } else if (p.parseInt(right, "the window's right extent")) {
        return {};
      } else if (p.consumeIf(Tok::Comma) && parseAlignment(align)) {
        return {};
      }
    }
    if (closeArgs())
      return {};
    return WindowMaskAttr::getChecked(emitError, ctx, left, right, align);
  }

  if (keyword == "sink" || keyword == "prefix") {
    int64_t n;
    if (openArgs() ||
        p.parseInt(n,
                   keyword == "sink" ? "the sink size" : "the prefix length") ||
        closeArgs())
      return {};
    if (keyword == "sink")
      return SinkMaskAttr::getChecked(emitError, ctx, n);
    return PrefixMaskAttr::getChecked(emitError, ctx, n);
  }

  if (keyword == "document") {
    bool offsets = false;
    if (p.consumeIf(Tok::LParen)) {
      StringRef mode;
      const char *modeAt = p.tokenStart();
      if (p.parseIdent(mode, "'ids' or 'offsets'"))
        return {};
      if (mode != "ids" && mode != "offsets") {
        p.emitError(modeAt) << "unknown document encoding '" << mode
                            << "', expected 'ids' or 'offsets'";
        return {};
      }
      offsets = mode == "offsets";
      if (closeArgs())
        return {};
    }
    return DocumentMaskAttr::get(ctx, offsets);
  }

  if (keyword == "chunk") {
    int64_t size, shift = 0;
    if (openArgs() || p.parseInt(size, "the chunk size"))
      return {};
    if (p.consumeIf(Tok::Comma) && p.parseInt(shift, "the chunk shift"))
      return {};
    if (closeArgs())
      return {};
    return ChunkMaskAttr::getChecked(emitError, ctx, size, shift);
  }

  if (keyword == "dilated") {
    int64_t width, dilation;
    if (openArgs() || p.parseInt(width, "the dilated window's width") ||
        p.expect(Tok::Comma, "','") || p.parseInt(dilation, "the dilation") ||
        closeArgs())
      return {};
    return DilatedMaskAttr::getChecked(emitError, ctx, width, dilation);
  }

  if (keyword == "global") {
    SmallVector<int64_t> tokens;
    if (p.parseCommaList(Tok::LParen, Tok::RParen, "the global token list",
                         [&] {
                           tokens.emplace_back();
                           return p.parseInt(tokens.back(), "a global token");
                         }))
      return {};
    return GlobalMaskAttr::getChecked(emitError, ctx, tokens);
  }

  if (keyword == "strided") {
    int64_t shift, period, local = -1;
    if (openArgs() || p.parseInt(shift, "the per-head shift") ||
        p.expect(Tok::Comma, "','") || p.parseInt(period, "the period"))
      return {};
    if (p.consumeIf(Tok::Comma)) {
      const char *localAt = p.tokenStart();
      if (p.parseInt(local, "the local window"))
        return {};
      if (local < 0) {
        p.emitError(localAt)
            << "strided local window must be >= 0, found " << local;
        return {};
      }
    }
    if (closeArgs())
      return {};
    return StridedMaskAttr::getChecked(emitError, ctx, shift, period, local);
  }

  if (keyword == "neighborhood") {
    SmallVector<int64_t> extents, kernel, dilation, stride;
    SmallVector<bool> causal;
    bool seen[5] = {false, false, false, false, false};
    if (p.parseCommaList(
            Tok::LParen, Tok::RParen, "neighborhood parameters",
            [&]() -> ParseResult {
              StringRef name;
              const char *nameAt = p.tokenStart();
              if (p.parseIdent(name, "a neighborhood parameter name") ||
                  p.expect(Tok::Equal, "'='"))
                return failure();
              int which = llvm::StringSwitch<int>(name)
                              .Case("extents", 0)
                              .Case("kernel", 1)
                              .Case("dilation", 2)
                              .Case("stride", 3)
                              .Case("causal", 4)
                              .Default(-1);
              if (which < 0)
                return p.emitError(nameAt)
                       << "unknown neighborhood parameter '" << name
                       << "', expected extents, kernel, dilation, stride or "
                          "causal";
              if (seen[which])
                return p.emitError(nameAt)
                       << "neighborhood parameter '" << name << "' given twice";
              seen[which] = true;
              if (which == 4) {
                auto parseBool = [&]() -> ParseResult {
                  if (p.consumeKeyword("true"))
                    causal.push_back(true);
                  else if (p.consumeKeyword("false"))
                    causal.push_back(false);
                  else
                    return p.emitError() << "expected 'true' or 'false'";
                  return success();
                };
                if (p.is(Tok::Ident))
                  return parseBool();
                return p.parseCommaList(Tok::LSquare, Tok::RSquare,
                                        "causal flags", parseBool);
              }
              SmallVectorImpl<int64_t> &list = which == 0   ? extents
                                               : which == 1 ? kernel
                                               : which == 2 ? dilation
                                                            : stride;
              return p.parseIntList(list, name);
            }))
      return {};
    if (!seen[0] || !seen[1]) {
      emitError() << "neighborhood needs both 'extents' and 'kernel'";
      return {};
    }
    // Scalars broadcast over the axes.
    size_t rank = extents.size();
    auto broadcast = [&](auto &list, auto fill) {
      if (list.empty())
        list.assign(rank, fill);
      else if (list.size() == 1 && rank > 1)
        list.assign(rank, list.front());
    };
    broadcast(kernel, int64_t(1));
    broadcast(dilation, int64_t(1));
    broadcast(stride, int64_t(1));
    broadcast(causal, false);
    return NeighborhoodMaskAttr::getChecked(emitError, ctx, extents, kernel,
                                            dilation, stride, causal);
  }

  if (keyword == "blocks") {
    int64_t bq, bk;
    if (openArgs() || p.parseInt(bq, "the query block size") ||
        p.expect(Tok::Comma, "','") || p.parseInt(bk, "the key block size") ||
        p.expect(Tok::Comma, "','"))
      return {};
    SmallVector<int64_t> shape;
    SmallVector<bool> bits;
    if (!p.consumeKeyword("runtime")) {
      if (!p.is(Tok::LSquare)) {
        p.emitError() << "expected 'runtime' or a nested list of 0/1";
        return {};
      }
      const char *layoutAt = p.tokenStart();
      leafDepth = -1;
      if (parseNestedBits(shape, bits, 0))
        return {};
      if (shape.size() < 2) {
        p.emitError(layoutAt)
            << "block layout must be [nq][nk] or [heads][nq][nk]";
        return {};
      }
    }
    if (closeArgs())
      return {};
    return BlocksMaskAttr::getChecked(emitError, ctx, bq, bk, shape, bits);
  }

  if (keyword == "heads") {
    SmallVector<MaskExprAttrInterface> cases;
    SmallVector<int64_t> heads, sizes;
    MaskExprAttrInterface fallback;
    if (p.parseCommaList(
            Tok::LParen, Tok::RParen, "head cases", [&]() -> ParseResult {
              const char *caseAt = p.tokenStart();
              bool isFallback = p.consumeIf(Tok::Star);
              size_t before = heads.size();
              if (!isFallback &&
                  p.parseCommaList(
                      Tok::LSquare, Tok::RSquare, "a head list", [&] {
                        heads.emplace_back();
                        return p.parseInt(heads.back(), "a head index");
                      }))
                return failure();
              if (p.expect(Tok::Colon, "':' after the heads"))
                return failure();
              MaskExprAttrInterface expr = parseAnd();
              if (!expr)
                return failure();
              // `|` inside a case needs parentheses: `,` ends the case.
              if (isFallback) {
                if (fallback)
                  return p.emitError(caseAt)
                         << "heads has more than one '*' case";
                fallback = expr;
                return success();
              }
              cases.push_back(expr);
              sizes.push_back(heads.size() - before);
              return success();
            }))
      return {};
    return HeadsMaskAttr::getChecked(emitError, ctx, cases, heads, sizes,
                                     fallback);
  }

  p.emitError(at) << "unknown mask kind '" << keyword << "'";
  return {};
}

//===----------------------------------------------------------------------===//
// #attn.mask
//===----------------------------------------------------------------------===//

Attribute MaskAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  return parseBody(parser, parser.getCurrentLocation().getPointer());
}

Attribute MaskAttr::parseBody(AsmParser &parser, const char *body) {
  // The MLIR lexer does not know `&` and reads `!(` as a bad type name, so
  // the body is read from the raw text. The enclosing attribute parser
  // resets the lexer past the body afterwards.
  SyntaxParser p(parser, body);
  MaskExprParser exprParser(p);
  MaskExprAttrInterface expr = exprParser.parseOr();
  if (!expr)
    return {};
  if (!p.is(Tok::Greater)) {
    p.emitError() << "expected '&', '|' or the end of the mask expression, "
                     "found '"
                  << p.spelling() << "'";
    return {};
  }
  return MaskAttr::get(parser.getContext(), expr);
}

void MaskAttr::print(AsmPrinter &printer) const {
  printer << '<';
  getExpr().printExpr(printer.getStream());
  printer << '>';
}

//===----------------------------------------------------------------------===//
// #attn.score
//===----------------------------------------------------------------------===//

Attribute ScoreAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  return parseBody(parser, parser.getCurrentLocation().getPointer());
}

Attribute ScoreAttr::parseBody(AsmParser &parser, const char *body) {
  SyntaxParser p(parser, body);
  MLIRContext *ctx = parser.getContext();
  SmallVector<ScoreModAttrInterface> terms;
  do {
    const char *at = p.tokenStart();
    auto emitError = [&p, at] { return p.emitError(at); };
    StringRef name;
    if (p.parseIdent(name, "a score modifier (alibi, softcap, bias, "
                           "score_mod)"))
      return {};
    if (name == "alibi") {
      double maxBias = 8.0;
      if (p.consumeIf(Tok::LParen) &&
          (p.parseFloat(maxBias, "the ALiBi maximum bias") ||
           p.expect(Tok::RParen, "')'")))
        return {};
      auto term =
          AlibiScoreAttr::getChecked(emitError, ctx, llvm::APFloat(maxBias));
      if (!term)
        return {};
      terms.push_back(term);
    } else if (name == "softcap") {
      double cap;
      if (p.expect(Tok::LParen, "'(' after softcap") ||
          p.parseFloat(cap, "the softcap") || p.expect(Tok::RParen, "')'"))
        return {};
      auto term =
          SoftcapScoreAttr::getChecked(emitError, ctx, llvm::APFloat(cap));
      if (!term)
        return {};
      terms.push_back(term);
    } else if (name == "bias") {
      terms.push_back(BiasScoreAttr::get(ctx));
    } else if (name == "score_mod") {
      terms.push_back(RegionScoreAttr::get(ctx));
    } else {
      p.emitError(at) << "unknown score modifier '" << name
                      << "', expected alibi, softcap, bias or score_mod";
      return {};
    }
  } while (p.consumeIf(Tok::Comma));
  if (!p.is(Tok::Greater)) {
    p.emitError() << "expected ',' or the end of the score modifiers, found '"
                  << p.spelling() << "'";
    return {};
  }
  return ScoreAttr::get(ctx, terms);
}

void ScoreAttr::print(AsmPrinter &printer) const {
  printer << '<';
  llvm::interleave(
      getTerms(), printer.getStream(),
      [&](ScoreModAttrInterface t) { t.printTerm(printer.getStream()); }, ", ");
  printer << '>';
}
