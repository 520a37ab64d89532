//===- KernelPackage.cpp - The .attnpkg kernel package format -------------===//
//
// The parser reads the manifest line by line. Each line is checked on its
// own (key, token count, integers, names); references between lines (a
// symbol used by a dim, a grid extent or a param; a tensor named by a param)
// are recorded with their line and checked once the whole manifest is read,
// because the format does not order declarations before uses. The `ptx N`
// line ends the manifest and its N bytes must end the file exactly.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/KernelPackage.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace attn::runtime;

//===----------------------------------------------------------------------===//
// Dtypes and comparisons
//===----------------------------------------------------------------------===//

namespace {

struct DTypeInfo {
  const char *name;
  DType dtype;
  size_t width;
};

constexpr DTypeInfo kDTypes[] = {
    {"f32", DType::F32, 4}, {"f16", DType::F16, 2}, {"bf16", DType::BF16, 2},
    {"i32", DType::I32, 4}, {"i64", DType::I64, 8}, {"i8", DType::I8, 1},
    {"i1", DType::I1, 1},
};

} // namespace

const char *attn::runtime::stringify(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.name;
  return "?";
}

std::optional<DType> attn::runtime::parseDType(const std::string &name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name)
      return info.dtype;
  return std::nullopt;
}

size_t attn::runtime::byteWidth(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.width;
  return 0;
}

bool attn::runtime::isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

const TensorDecl *KernelPackage::findTensor(const std::string &name) const {
  for (const std::vector<TensorDecl> *list : {&inputs, &outputs})
    for (const TensorDecl &tensor : *list)
      if (tensor.name == name)
        return &tensor;
  return nullptr;
}

bool attn::runtime::operator==(const Extent &a, const Extent &b) {
  return a.value == b.value && a.symbol == b.symbol;
}

bool attn::runtime::operator==(const GridExtent &a, const GridExtent &b) {
  return a.kind == b.kind && a.value == b.value && a.symbol == b.symbol;
}

bool attn::runtime::operator==(const TensorDecl &a, const TensorDecl &b) {
  return a.name == b.name && a.dtype == b.dtype && a.dims == b.dims;
}

bool attn::runtime::operator==(const ParamDecl &a, const ParamDecl &b) {
  return a.kind == b.kind && a.name == b.name && a.dim == b.dim;
}

bool attn::runtime::operator==(const KernelPackage &a, const KernelPackage &b) {
  return a.version == b.version && a.compiler == b.compiler &&
         a.target == b.target && a.entry == b.entry && a.block == b.block &&
         a.grid == b.grid && a.sharedBytes == b.sharedBytes &&
         a.alignment == b.alignment && a.alignedTensors == b.alignedTensors &&
         a.symbols == b.symbols && a.inputs == b.inputs &&
         a.outputs == b.outputs && a.params == b.params && a.ptx == b.ptx;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {

constexpr unsigned kVersion = 1;
constexpr char kMagic[] = "attn-kernel-package";

/// `text` made safe for a one-line message: non-printable bytes escaped,
/// long strings cut.
std::string printable(const std::string &text, size_t limit = 40) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (text.size() > limit)
    out += "...";
  return out;
}

/// Whether `text` is a name: a letter or '_', then letters, digits, '_'.
bool isName(const std::string &text) {
  if (text.empty() ||
      !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_'))
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

/// A decimal integer of digits only, at most `max`.
std::optional<int64_t> parseInteger(const std::string &text, int64_t max) {
  if (text.empty() || text.size() > 19)
    return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    if (value > (max - (c - '0')) / 10)
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

/// A use of a symbol or a tensor name, checked once the manifest is read.
struct Reference {
  unsigned line;
  std::string name;
  bool isTensor;
};

class PackageParser {
public:
  PackageParser(const char *data, size_t size) : data(data), size(size) {}

  Result<KernelPackage> parse() {
    std::vector<std::string> tokens;
    bool sawHeader = false;
    while (true) {
      ++line;
      if (pos >= size) {
        if (!sawHeader)
          return fail("not a kernel package: the file is empty");
        return fail("the manifest ends without a 'ptx' line");
      }
      const char *start = data + pos;
      const void *newline = std::memchr(start, '\n', size - pos);
      if (!newline)
        return fail("the manifest ends without a 'ptx' line (no newline at "
                    "the end of this line)");
      size_t length = static_cast<const char *>(newline) - start;
      std::string text(start, length);
      pos += length + 1;
      if (!sawHeader) {
        if (Status s = parseHeader(text); !s.ok())
          return s;
        sawHeader = true;
        continue;
      }
      if (text.empty() || text[0] == '#')
        continue;
      if (Status s = split(text, tokens); !s.ok())
        return s;
      if (tokens[0] == "ptx")
        return finish(tokens);
      if (Status s = parseLine(text, tokens); !s.ok())
        return s;
    }
  }

private:
  Status fail(const std::string &message) const {
    return Status::error("line " + std::to_string(line) + ": " + message);
  }
  Status failAt(unsigned at, const std::string &message) const {
    return Status::error("line " + std::to_string(at) + ": " + message);
  }

  Status parseHeader(const std::string &text) {
    const std::string expected =
        std::string(kMagic) + " " + std::to_string(kVersion);
    if (text == expected)
      return Status::success();
    std::string prefix = std::string(kMagic) + " ";
    if (text.compare(0, prefix.size(), prefix) == 0)
      return fail("unsupported package version '" +
                  printable(text.substr(prefix.size())) +
                  "' (this runtime reads version " + std::to_string(kVersion) +
                  ")");
    return fail("not a kernel package: expected '" + expected +
                "' on the first line");
  }

  /// Splits a manifest line at single spaces.
  Status split(const std::string &text, std::vector<std::string> &tokens) {
    tokens.clear();
    for (unsigned char c : text)
      if (c < 0x20 || c == 0x7f)
        return fail("control character " + printable(std::string(1, c)) +
                    " in the manifest (lines end with LF, tokens are "
                    "separated by single spaces)");
    size_t begin = 0;
    while (true) {
      size_t space = text.find(' ', begin);
      std::string token = text.substr(begin, space - begin);
      if (token.empty())
        return fail("tokens must be separated by single spaces");
      tokens.push_back(token);
      if (space == std::string::npos)
        return Status::success();
      begin = space + 1;
    }
  }

  /// Records the first line of a key that may appear once.
  Status once(const std::string &key) {
    auto [it, inserted] = singleKeys.emplace(key, line);
    if (!inserted)
      return fail("'" + key + "' given twice (first on line " +
                  std::to_string(it->second) + ")");
    return Status::success();
  }

  Status expectName(const std::string &what, const std::string &text) {
    if (!isName(text))
      return fail("bad " + what + " '" + printable(text) +
                  "' (expected a letter or '_', then letters, digits or '_')");
    return Status::success();
  }

  Status parseLine(const std::string &text,
                   const std::vector<std::string> &tokens) {
    const std::string &key = tokens[0];
    size_t args = tokens.size() - 1;
    if (key == "attn-kernel-package")
      return fail("'attn-kernel-package' must be the first line only");
    if (key == "compiler") {
      if (Status s = once(key); !s.ok())
        return s;
      if (args == 0)
        return fail("'compiler' needs a description");
      package.compiler = text.substr(key.size() + 1);
      return Status::success();
    }
    if (key == "target") {
      if (Status s = once(key); !s.ok())
        return s;
      if (args != 1)
        return fail("'target' takes one chip name, e.g. sm_90a");
      const std::string &t = tokens[1];
      size_t digits = 0;
      while (3 + digits < t.size() &&
             std::isdigit(static_cast<unsigned char>(t[3 + digits])))
        ++digits;
      size_t rest = t.size() - std::min(t.size(), 3 + digits);
      if (t.compare(0, 3, "sm_") != 0 || digits < 2 || rest > 1 ||
          (rest == 1 && !std::islower(static_cast<unsigned char>(t.back()))))
        return fail("bad target '" + printable(t) +
                    "' (expected sm_ and a compute capability, e.g. sm_80 "
                    "or sm_90a)");
      package.target = t;
      return Status::success();
    }
    if (key == "entry") {
      if (Status s = once(key); !s.ok())
        return s;
      if (args != 1)
        return fail("'entry' takes one kernel name");
      if (Status s = expectName("entry name", tokens[1]); !s.ok())
        return s;
      package.entry = tokens[1];
      return Status::success();
    }
    if (key == "block") {
      if (Status s = once(key); !s.ok())
        return s;
      if (args < 1 || args > 3)
        return fail("'block' takes 1 to 3 extents");
      for (size_t i = 0; i < args; ++i) {
        std::optional<int64_t> v =
            parseInteger(tokens[i + 1], std::numeric_limits<uint32_t>::max());
        if (!v || *v == 0)
          return fail("bad block extent '" + printable(tokens[i + 1]) +
                      "' (expected a positive integer)");
        package.block[i] = static_cast<uint32_t>(*v);
      }
      return Status::success();
    }
    if (key == "grid") {
      if (Status s = once(key); !s.ok())
        return s;
      if (args != 3)
        return fail("'grid' takes 3 extents");
      for (size_t i = 0; i < 3; ++i)
        if (Status s = parseGridExtent(tokens[i + 1], package.grid[i]); !s.ok())
          return s;
      return Status::success();
    }
    if (key == "shared") {
      if (Status s = once(key); !s.ok())
        return s;
      std::optional<int64_t> v;
      if (args == 1)
        v = parseInteger(tokens[1], std::numeric_limits<uint32_t>::max());
      if (!v)
        return fail("'shared' takes a byte count below 2^32");
      package.sharedBytes = static_cast<uint32_t>(*v);
      return Status::success();
    }
    if (key == "align") {
      if (Status s = once(key); !s.ok())
        return s;
      std::optional<int64_t> v;
      if (args >= 2)
        v = parseInteger(tokens[1], 256);
      if (!v || *v <= 0 || (*v & (*v - 1)) != 0)
        return fail("'align' takes a power of two up to 256 and the tensors "
                    "it applies to");
      package.alignment = static_cast<uint32_t>(*v);
      for (size_t i = 2; i < tokens.size(); ++i) {
        if (Status s = expectName("tensor name", tokens[i]); !s.ok())
          return s;
        package.alignedTensors.push_back(tokens[i]);
        references.push_back({line, tokens[i], true});
      }
      return Status::success();
    }
    if (key == "sym") {
      if (args != 1)
        return fail("'sym' takes one name");
      if (Status s = expectName("symbol name", tokens[1]); !s.ok())
        return s;
      auto [it, inserted] = symbolLines.emplace(tokens[1], line);
      if (!inserted)
        return fail("symbol '" + tokens[1] +
                    "' declared twice (first on line " +
                    std::to_string(it->second) + ")");
      package.symbols.push_back(tokens[1]);
      return Status::success();
    }
    if (key == "input" || key == "output")
      return parseTensor(key == "input", tokens);
    if (key == "param")
      return parseParam(tokens);
    return fail("unknown key '" + printable(key) + "'");
  }

  Status parseGridExtent(const std::string &text, GridExtent &extent) {
    if (std::optional<int64_t> v =
            parseInteger(text, std::numeric_limits<int64_t>::max())) {
      if (*v == 0)
        return fail("grid extent 0 (a grid extent is at least 1)");
      extent = {GridExtent::Kind::Constant, *v, ""};
      return Status::success();
    }
    if (isName(text)) {
      extent = {GridExtent::Kind::Symbol, 1, text};
      references.push_back({line, text, false});
      return Status::success();
    }
    const std::string open = "cdiv(";
    size_t comma = text.find(',');
    if (text.compare(0, open.size(), open) == 0 && comma != std::string::npos &&
        text.back() == ')') {
      std::string symbol = text.substr(open.size(), comma - open.size());
      std::string divisor = text.substr(comma + 1, text.size() - comma - 2);
      std::optional<int64_t> v =
          parseInteger(divisor, std::numeric_limits<int64_t>::max());
      if (isName(symbol) && v) {
        if (*v == 0)
          return fail("division by zero in grid extent '" + text + "'");
        extent = {GridExtent::Kind::CeilDiv, *v, symbol};
        references.push_back({line, symbol, false});
        return Status::success();
      }
    }
    return fail("bad grid extent '" + printable(text) +
                "' (expected an integer, a symbol or cdiv(SYM,N))");
  }

  Status parseTensor(bool isInput, const std::vector<std::string> &tokens) {
    const std::string &key = tokens[0];
    if (tokens.size() < 3)
      return fail("'" + key + "' takes a name, a dtype and the dims");
    TensorDecl tensor;
    tensor.name = tokens[1];
    if (Status s = expectName(key + " name", tensor.name); !s.ok())
      return s;
    auto [it, inserted] = tensorLines.emplace(tensor.name, line);
    if (!inserted)
      return fail("tensor '" + tensor.name +
                  "' declared twice (first on line " +
                  std::to_string(it->second) + ")");
    std::optional<DType> dtype = parseDType(tokens[2]);
    if (!dtype)
      return fail("unknown dtype '" + printable(tokens[2]) +
                  "' (expected f32, f16, bf16, i32, i64, i8 or i1)");
    tensor.dtype = *dtype;
    for (size_t i = 3; i < tokens.size(); ++i) {
      Extent extent;
      if (std::optional<int64_t> v =
              parseInteger(tokens[i], std::numeric_limits<int64_t>::max())) {
        extent.value = *v;
      } else if (isName(tokens[i])) {
        extent.symbol = tokens[i];
        references.push_back({line, tokens[i], false});
        (isInput ? inputSymbols : outputSymbols).emplace(tokens[i], line);
      } else {
        return fail("bad extent '" + printable(tokens[i]) + "' of '" +
                    tensor.name + "' (expected an integer or a symbol)");
      }
      tensor.dims.push_back(extent);
    }
    (isInput ? package.inputs : package.outputs).push_back(std::move(tensor));
    return Status::success();
  }

  Status parseParam(const std::vector<std::string> &tokens) {
    if (tokens.size() < 2)
      return fail("'param' takes a kind: ptr, memref, sym or stride");
    ParamDecl param;
    const std::string &kind = tokens[1];
    if (kind == "ptr" || kind == "sym" || kind == "memref") {
      if (tokens.size() != 3)
        return fail("'param " + kind + "' takes one name");
      param.kind = kind == "ptr"      ? ParamDecl::Kind::Pointer
                   : kind == "memref" ? ParamDecl::Kind::MemRef
                                      : ParamDecl::Kind::Symbol;
    } else if (kind == "stride") {
      if (tokens.size() != 4)
        return fail("'param stride' takes a tensor name and a dim");
      param.kind = ParamDecl::Kind::Stride;
      std::optional<int64_t> dim = parseInteger(tokens[3], 1 << 20);
      if (!dim)
        return fail("bad dim '" + printable(tokens[3]) + "' of 'param stride'");
      param.dim = static_cast<unsigned>(*dim);
    } else {
      return fail("unknown param kind '" + printable(kind) +
                  "' (expected ptr, memref, sym or stride)");
    }
    param.name = tokens[2];
    if (Status s = expectName("param name", param.name); !s.ok())
      return s;
    references.push_back(
        {line, param.name, param.kind != ParamDecl::Kind::Symbol});
    if (param.kind == ParamDecl::Kind::Stride)
      strideLines.push_back(line);
    package.params.push_back(param);
    return Status::success();
  }

  /// The `ptx N` line: the PTX, then the checks that need the whole
  /// manifest.
  Result<KernelPackage> finish(const std::vector<std::string> &tokens) {
    std::optional<int64_t> bytes;
    if (tokens.size() == 2)
      bytes = parseInteger(tokens[1], std::numeric_limits<int64_t>::max());
    if (!bytes)
      return fail("'ptx' takes the PTX size in bytes");
    size_t remaining = size - pos;
    if (static_cast<uint64_t>(*bytes) > remaining)
      return fail("truncated PTX: 'ptx' announces " + std::to_string(*bytes) +
                  " bytes, " + std::to_string(remaining) + " follow");
    if (static_cast<uint64_t>(*bytes) < remaining)
      return fail("PTX size mismatch: 'ptx' announces " +
                  std::to_string(*bytes) + " bytes, " +
                  std::to_string(remaining) + " follow");
    package.ptx.assign(data + pos, remaining);
    if (size_t nul = package.ptx.find('\0'); nul != std::string::npos)
      return fail("the PTX holds a NUL byte at offset " + std::to_string(nul));
    if (package.ptx.empty())
      return fail("the PTX is empty");

    for (const char *key :
         {"compiler", "target", "entry", "block", "grid", "shared"})
      if (!singleKeys.count(key))
        return fail(std::string("no '") + key + "' line before 'ptx'");

    for (const Reference &ref : references) {
      if (ref.isTensor && !tensorLines.count(ref.name))
        return failAt(ref.line, "'" + ref.name + "' names no input or output");
      if (!ref.isTensor && !symbolLines.count(ref.name))
        return failAt(ref.line, "symbol '" + ref.name + "' is not declared");
    }
    for (size_t i = 0, stride = 0; i < package.params.size(); ++i) {
      const ParamDecl &param = package.params[i];
      if (param.kind != ParamDecl::Kind::Stride)
        continue;
      unsigned at = strideLines[stride++];
      size_t rank = package.findTensor(param.name)->dims.size();
      if (param.dim >= rank)
        return failAt(at, "dim " + std::to_string(param.dim) + " of '" +
                              param.name + "', which has rank " +
                              std::to_string(rank));
      if (param.dim + 1 == rank)
        return failAt(at, "dim " + std::to_string(param.dim) + " of '" +
                              param.name +
                              "' is innermost: its stride is 1 and never a "
                              "parameter");
    }
    for (const auto &[symbol, at] : outputSymbols)
      if (!inputSymbols.count(symbol))
        return failAt(at, "symbol '" + symbol +
                              "' of an output appears in no input");
    for (const auto &[symbol, at] : symbolLines)
      if (!inputSymbols.count(symbol))
        return failAt(at, "symbol '" + symbol +
                              "' appears in no input, so nothing binds it");
    return std::move(package);
  }

  const char *data;
  size_t size;
  size_t pos = 0;
  unsigned line = 0;
  KernelPackage package;
  std::map<std::string, unsigned> singleKeys;
  std::map<std::string, unsigned> symbolLines;
  std::map<std::string, unsigned> tensorLines;
  /// The first line naming each symbol in an input or an output.
  std::map<std::string, unsigned> inputSymbols, outputSymbols;
  std::vector<Reference> references;
  std::vector<unsigned> strideLines;
};

} // namespace

Result<KernelPackage> attn::runtime::parseKernelPackage(const char *data,
                                                        size_t size) {
  return PackageParser(data, size).parse();
}

Result<KernelPackage>
attn::runtime::parseKernelPackage(const std::string &text) {
  return parseKernelPackage(text.data(), text.size());
}

Result<KernelPackage>
attn::runtime::readKernelPackage(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return Status::error(path + ": " + std::strerror(errno));
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    text.append(buffer, n);
  bool failed = std::ferror(file);
  std::fclose(file);
  if (failed)
    return Status::error(path + ": read error");
  Result<KernelPackage> package = parseKernelPackage(text);
  if (!package.ok())
    return package.status().withPrefix(path);
  return package;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {

std::string gridExtentString(const GridExtent &extent) {
  switch (extent.kind) {
  case GridExtent::Kind::Constant:
    return std::to_string(extent.value);
  case GridExtent::Kind::Symbol:
    return extent.symbol;
  case GridExtent::Kind::CeilDiv:
    return "cdiv(" + extent.symbol + "," + std::to_string(extent.value) + ")";
  }
  return "?";
}

void appendTensor(std::string &out, const char *key, const TensorDecl &t) {
  out += std::string(key) + " " + t.name + " " + stringify(t.dtype);
  for (const Extent &d : t.dims)
    out += " " + (d.isSymbol() ? d.symbol : std::to_string(d.value));
  out += "\n";
}

} // namespace

std::string
attn::runtime::serializeKernelPackage(const KernelPackage &package) {
  std::string out =
      std::string(kMagic) + " " + std::to_string(package.version) + "\n";
  out += "compiler " + package.compiler + "\n";
  out += "target " + package.target + "\n";
  out += "entry " + package.entry + "\n";
  size_t blockDims = 3;
  while (blockDims > 1 && package.block[blockDims - 1] == 1)
    --blockDims;
  out += "block";
  for (size_t i = 0; i < blockDims; ++i)
    out += " " + std::to_string(package.block[i]);
  out += "\ngrid";
  for (const GridExtent &extent : package.grid)
    out += " " + gridExtentString(extent);
  out += "\nshared " + std::to_string(package.sharedBytes) + "\n";
  if (package.alignment) {
    out += "align " + std::to_string(package.alignment);
    for (const std::string &t : package.alignedTensors)
      out += " " + t;
    out += "\n";
  }
  for (const std::string &symbol : package.symbols)
    out += "sym " + symbol + "\n";
  for (const TensorDecl &t : package.inputs)
    appendTensor(out, "input", t);
  for (const TensorDecl &t : package.outputs)
    appendTensor(out, "output", t);
  for (const ParamDecl &p : package.params) {
    switch (p.kind) {
    case ParamDecl::Kind::Pointer:
      out += "param ptr " + p.name + "\n";
      break;
    case ParamDecl::Kind::MemRef:
      out += "param memref " + p.name + "\n";
      break;
    case ParamDecl::Kind::Symbol:
      out += "param sym " + p.name + "\n";
      break;
    case ParamDecl::Kind::Stride:
      out += "param stride " + p.name + " " + std::to_string(p.dim) + "\n";
      break;
    }
  }
  out += "ptx " + std::to_string(package.ptx.size()) + "\n";
  out += package.ptx;
  return out;
}

//===----------------------------------------------------------------------===//
// Evaluating for given shapes
//===----------------------------------------------------------------------===//

int64_t attn::runtime::numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      return -1;
    n *= d;
  }
  return n;
}

std::string attn::runtime::shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Status attn::runtime::bindInput(const KernelPackage &package, size_t index,
                                const std::vector<int64_t> &shape,
                                SymbolValues &values) {
  if (index >= package.inputs.size())
    return Status::error("the package has " +
                         std::to_string(package.inputs.size()) +
                         " inputs, not " + std::to_string(index + 1));
  const TensorDecl &input = package.inputs[index];
  auto fail = [&](const std::string &message) {
    return Status::error("input " + input.name + ": " + message);
  };
  if (shape.size() != input.dims.size())
    return fail("rank " + std::to_string(shape.size()) +
                ", the package expects " + std::to_string(input.dims.size()));
  if (numElements(shape) < 0)
    return fail("bad shape " + shapeString(shape));
  for (size_t d = 0; d < shape.size(); ++d) {
    const Extent &extent = input.dims[d];
    std::string at =
        "extent " + std::to_string(shape[d]) + " in dim " + std::to_string(d);
    if (!extent.isSymbol()) {
      if (extent.value != shape[d])
        return fail(at + ", the package expects " +
                    std::to_string(extent.value));
      continue;
    }
    auto [it, inserted] = values.emplace(extent.symbol, shape[d]);
    if (!inserted && it->second != shape[d])
      return fail(at + ", but " + extent.symbol + " is already bound to " +
                  std::to_string(it->second));
  }
  return Status::success();
}

Result<SymbolValues>
attn::runtime::bindSymbols(const KernelPackage &package,
                           const std::vector<std::vector<int64_t>> &shapes) {
  if (shapes.size() != package.inputs.size())
    return Status::error("the package takes " +
                         std::to_string(package.inputs.size()) +
                         " inputs, got " + std::to_string(shapes.size()));
  SymbolValues values;
  for (size_t i = 0; i < shapes.size(); ++i)
    if (Status s = bindInput(package, i, shapes[i], values); !s.ok())
      return s;
  for (const std::string &symbol : package.symbols)
    if (!values.count(symbol))
      return Status::error("symbol " + symbol + " is not bound by any input");
  return values;
}

Result<std::vector<int64_t>>
attn::runtime::tensorShape(const TensorDecl &tensor,
                           const SymbolValues &values) {
  std::vector<int64_t> shape;
  for (const Extent &extent : tensor.dims) {
    if (!extent.isSymbol()) {
      shape.push_back(extent.value);
      continue;
    }
    auto it = values.find(extent.symbol);
    if (it == values.end())
      return Status::error(tensor.name + ": symbol " + extent.symbol +
                           " is not bound");
    shape.push_back(it->second);
  }
  if (numElements(shape) < 0)
    return Status::error(tensor.name + ": shape " + shapeString(shape) +
                         " has too many elements");
  return shape;
}

Result<std::vector<std::vector<int64_t>>>
attn::runtime::outputShapes(const KernelPackage &package,
                            const SymbolValues &values) {
  std::vector<std::vector<int64_t>> shapes;
  for (const TensorDecl &output : package.outputs) {
    Result<std::vector<int64_t>> shape = tensorShape(output, values);
    if (!shape.ok())
      return shape.status();
    shapes.push_back(shape.take());
  }
  return shapes;
}

Result<int64_t> attn::runtime::evaluate(const GridExtent &extent,
                                        const SymbolValues &values) {
  if (extent.kind == GridExtent::Kind::Constant)
    return extent.value;
  auto it = values.find(extent.symbol);
  if (it == values.end())
    return Status::error("symbol " + extent.symbol + " is not bound");
  if (extent.kind == GridExtent::Kind::Symbol)
    return it->second;
  if (extent.value <= 0)
    return Status::error("division by " + std::to_string(extent.value) +
                         " in cdiv(" + extent.symbol + ")");
  // ceil(a / b) without overflowing a + b - 1.
  int64_t a = it->second, b = extent.value;
  return a / b + (a % b != 0 ? 1 : 0);
}

Result<std::array<uint32_t, 3>>
attn::runtime::evaluateGrid(const KernelPackage &package,
                            const SymbolValues &values) {
  static const char *const kAxes[] = {"x", "y", "z"};
  const int64_t kLimits[] = {(int64_t(1) << 31) - 1, 65535, 65535};
  std::array<uint32_t, 3> grid;
  for (size_t i = 0; i < 3; ++i) {
    Result<int64_t> v = evaluate(package.grid[i], values);
    if (!v.ok())
      return v.status().withPrefix(std::string("grid ") + kAxes[i]);
    if (*v < 0 || *v > kLimits[i])
      return Status::error(std::string("grid ") + kAxes[i] + " = " +
                           std::to_string(*v) + " is beyond CUDA's limit " +
                           std::to_string(kLimits[i]));
    grid[i] = static_cast<uint32_t>(*v);
  }
  return grid;
}

std::vector<int64_t>
attn::runtime::contiguousStrides(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  return strides;
}
