//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// The reader checks the preamble, parses the header dict with a small
// recursive-descent parser (string keys; string, bool and int-tuple values,
// as numpy writes them), computes the data size with overflow checks and
// only then reads the data, so a corrupt header never makes it allocate or
// read more than the file holds. The writer emits numpy's own header layout
// and renames a complete temporary file into place.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Npy.h"
#include "attn/Runtime/Float16.h"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace attn::runtime;

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
/// numpy refuses longer headers by default (10000 bytes); this bound only
/// keeps a corrupt length from making the reader allocate gigabytes.
constexpr uint64_t kMaxHeaderSize = uint64_t(1) << 20;
/// numpy's own limit (NPY_MAXDIMS).
constexpr size_t kMaxRank = 64;

enum class DType { F2, F4, F8, I4, I8, B1, U1, I1 };

struct DTypeInfo {
  const char *name;
  DType type;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {"<f2", DType::F2, 2}, {"<f4", DType::F4, 4}, {"<f8", DType::F8, 8},
    {"<i4", DType::I4, 4}, {"<i8", DType::I8, 8}, {"|b1", DType::B1, 1},
    {"|u1", DType::U1, 1}, {"|i1", DType::I1, 1},
};

const DTypeInfo *findDType(const std::string &name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name)
      return &info;
  return nullptr;
}

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

uint64_t readLE(const uint8_t *p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i)
    v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

/// What the header says and where the data starts.
struct Header {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t dataOffset = 0;
  uint64_t dataBytes = 0;
};

/// Parses the header dict, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
class HeaderParser {
public:
  HeaderParser(const char *text, size_t size, std::string &error)
      : pos(text), end(text + size), error(error) {}

  bool parse(Header &header) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    bool fortranOrder = false;
    skipSpace();
    if (!expect('{', "the header must start with '{'"))
      return false;
    while (true) {
      skipSpace();
      if (peek('}')) {
        ++pos;
        break;
      }
      std::string key;
      if (!parseString(key, "a key"))
        return false;
      skipSpace();
      if (!expect(':', "expected ':' after key '" + printable(key) + "'"))
        return false;
      skipSpace();
      bool *seen = nullptr;
      if (key == "descr") {
        seen = &haveDescr;
        if (!parseString(header.dtype, "the value of 'descr'"))
          return false;
      } else if (key == "fortran_order") {
        seen = &haveOrder;
        if (!parseBool(fortranOrder))
          return false;
      } else if (key == "shape") {
        seen = &haveShape;
        if (!parseShape(header.shape))
          return false;
      } else {
        return fail("unexpected key '" + printable(key) + "' in the header");
      }
      if (*seen)
        return fail("key '" + key + "' appears twice in the header");
      *seen = true;
      skipSpace();
      if (peek(',')) {
        ++pos;
        continue;
      }
      if (!expect('}', "expected ',' or '}' after the value of '" + key + "'"))
        return false;
      break;
    }
    skipSpace();
    if (pos != end)
      return fail("unexpected text after the header dict");
    if (!haveDescr || !haveOrder || !haveShape)
      return fail(std::string("the header lacks the key '") +
                  (!haveDescr   ? "descr"
                   : !haveOrder ? "fortran_order"
                                : "shape") +
                  "'");
    if (fortranOrder)
      return fail("fortran_order arrays are not supported (write the array "
                  "in C order)");
    return true;
  }

private:
  bool fail(const std::string &message) {
    error = "bad header: " + message;
    return false;
  }
  bool peek(char c) const { return pos != end && *pos == c; }
  bool expect(char c, const std::string &message) {
    if (!peek(c))
      return fail(message +
                  (pos == end
                       ? " (the header ends)"
                       : ", found '" + printable(std::string(1, *pos)) + "'"));
    ++pos;
    return true;
  }
  void skipSpace() {
    while (pos != end &&
           (*pos == ' ' || *pos == '\t' || *pos == '\n' || *pos == '\r'))
      ++pos;
  }
  bool parseString(std::string &out, const char *what) {
    if (!peek('\'') && !peek('"'))
      return fail(std::string("expected a quoted string as ") + what);
    char quote = *pos++;
    const char *start = pos;
    while (pos != end && *pos != quote) {
      if (*pos == '\\' || *pos == '\n')
        return fail(std::string("unsupported character in ") + what);
      ++pos;
    }
    if (pos == end)
      return fail(std::string("unterminated string as ") + what);
    out.assign(start, pos);
    ++pos;
    return true;
  }
  bool parseWord(const char *word) {
    size_t n = std::strlen(word);
    if (static_cast<size_t>(end - pos) < n || std::strncmp(pos, word, n) != 0)
      return false;
    const char *after = pos + n;
    if (after != end &&
        (std::isalnum(static_cast<unsigned char>(*after)) || *after == '_'))
      return false;
    pos = after;
    return true;
  }
  bool parseBool(bool &out) {
    if (parseWord("True"))
      out = true;
    else if (parseWord("False"))
      out = false;
    else
      return fail("the value of 'fortran_order' must be True or False");
    return true;
  }
  bool parseDim(int64_t &out) {
    if (peek('-'))
      return fail("the shape has a negative dimension");
    if (pos == end || !std::isdigit(static_cast<unsigned char>(*pos)))
      return fail("the shape must be a tuple of integers");
    int64_t value = 0;
    while (pos != end && std::isdigit(static_cast<unsigned char>(*pos))) {
      int digit = *pos - '0';
      if (value > (INT64_MAX - digit) / 10)
        return fail("a dimension of the shape does not fit in 64 bits");
      value = value * 10 + digit;
      ++pos;
    }
    if (peek('L')) // Python 2's long literals, in files numpy wrote long ago.
      ++pos;
    out = value;
    return true;
  }
  bool parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!expect('(', "the shape must be a tuple"))
      return false;
    skipSpace();
    if (peek(')')) {
      ++pos;
      return true;
    }
    bool comma = false;
    while (true) {
      int64_t dim;
      if (!parseDim(dim))
        return false;
      shape.push_back(dim);
      if (shape.size() > kMaxRank)
        return fail("the shape has more than " + std::to_string(kMaxRank) +
                    " dimensions");
      skipSpace();
      if (peek(',')) {
        ++pos;
        comma = true;
        skipSpace();
        if (peek(')')) {
          ++pos;
          return true;
        }
        continue;
      }
      if (peek(')')) {
        ++pos;
        // `(3)` is an int in Python, not a tuple: numpy refuses it too.
        if (shape.size() == 1 && !comma)
          return fail("the shape (" + std::to_string(shape[0]) +
                      ") is not a tuple; a 1-d shape is written (n,)");
        return true;
      }
      return fail("expected ',' or ')' in the shape");
    }
  }

  const char *pos;
  const char *end;
  std::string &error;
};

/// Checks the magic string and version; gives where the header text starts
/// and how long it is. `prefix` holds min(fileSize, 12) bytes.
bool parsePreamble(const uint8_t *prefix, uint64_t fileSize,
                   uint64_t &headerStart, uint64_t &headerLen,
                   std::string &error) {
  size_t have = fileSize < 12 ? static_cast<size_t>(fileSize) : 12;
  size_t magicHave = have < kMagicSize ? have : kMagicSize;
  if (magicHave > 0 && std::memcmp(prefix, kMagic, magicHave) != 0) {
    error = "not a .npy file (bad magic string)";
    return false;
  }
  if (have < 8) {
    error = "truncated file: " + std::to_string(fileSize) +
            " bytes, shorter than the .npy preamble";
    return false;
  }
  unsigned major = prefix[6], minor = prefix[7];
  if (major < 1 || major > 3 || minor != 0) {
    error = "unsupported .npy format version " + std::to_string(major) + "." +
            std::to_string(minor) + " (1.0, 2.0 and 3.0 are supported)";
    return false;
  }
  headerStart = major == 1 ? 10 : 12;
  if (fileSize < headerStart) {
    error = "truncated file: " + std::to_string(fileSize) +
            " bytes, shorter than the .npy preamble";
    return false;
  }
  headerLen = readLE(prefix + 8, major == 1 ? 2 : 4);
  if (headerLen > kMaxHeaderSize) {
    error = "bad header: its length " + std::to_string(headerLen) +
            " is larger than 1 MiB";
    return false;
  }
  if (headerLen > fileSize - headerStart) {
    error = "truncated file: the header needs " +
            std::to_string(headerStart + headerLen) + " bytes, the file has " +
            std::to_string(fileSize);
    return false;
  }
  return true;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

/// The number of elements of `shape`, checking that it and its size in
/// bytes fit in 64 bits (a zero extent makes any shape empty).
bool elementCount(const std::vector<int64_t> &shape, size_t itemSize,
                  uint64_t &count) {
  count = 1;
  for (int64_t dim : shape)
    if (dim <= 0) {
      count = 0;
      return dim == 0;
    }
  for (int64_t dim : shape) {
    if (count > static_cast<uint64_t>(INT64_MAX) / static_cast<uint64_t>(dim))
      return false;
    count *= static_cast<uint64_t>(dim);
  }
  return count <= UINT64_MAX / itemSize;
}

/// Parses the header text and checks the dtype and the data size against
/// the bytes the file has after the header.
bool parseHeader(const char *text, uint64_t headerStart, uint64_t headerLen,
                 uint64_t fileSize, Header &header, std::string &error) {
  HeaderParser parser(text, static_cast<size_t>(headerLen), error);
  if (!parser.parse(header))
    return false;
  const DTypeInfo *info = findDType(header.dtype);
  if (!info) {
    if (!header.dtype.empty() && header.dtype[0] == '>')
      error = "big-endian dtype '" + printable(header.dtype) +
              "' is not supported (only little-endian data)";
    else
      error = "unsupported dtype '" + printable(header.dtype) +
              "' (supported: <f4, <f2, <f8, <i4, <i8, |b1, |u1, |i1)";
    return false;
  }
  uint64_t count = 0;
  if (!elementCount(header.shape, info->size, count)) {
    error = "bad header: the size of shape " + shapeString(header.shape) +
            " overflows 64 bits";
    return false;
  }
  uint64_t bytes = count * info->size;
  header.dataOffset = headerStart + headerLen;
  header.dataBytes = bytes;
  uint64_t available = fileSize - header.dataOffset;
  if (available < bytes) {
    error = "truncated data: the shape needs " + std::to_string(bytes) +
            " bytes, the file has " + std::to_string(available);
    return false;
  }
  if (available > bytes) {
    error = "size mismatch: " + std::to_string(available - bytes) +
            " bytes after the data the shape describes";
    return false;
  }
  return true;
}

/// Checks an array before it is written or read: a supported dtype, no
/// negative extent, and as many bytes as the shape needs.
bool checkArray(const NpyArray &array, size_t &itemSize, std::string &error) {
  const DTypeInfo *info = findDType(array.dtype);
  if (!info) {
    error = "unsupported dtype '" + printable(array.dtype) + "'";
    return false;
  }
  itemSize = info->size;
  if (array.shape.size() > kMaxRank) {
    error = "rank " + std::to_string(array.shape.size()) + " exceeds " +
            std::to_string(kMaxRank);
    return false;
  }
  for (int64_t dim : array.shape)
    if (dim < 0) {
      error = "negative dimension " + std::to_string(dim) + " in shape " +
              shapeString(array.shape);
      return false;
    }
  uint64_t count = 0;
  if (!elementCount(array.shape, info->size, count)) {
    error =
        "the size of shape " + shapeString(array.shape) + " overflows 64 bits";
    return false;
  }
  if (array.bytes.size() != count * info->size) {
    error = "shape " + shapeString(array.shape) + " of " + array.dtype +
            " needs " + std::to_string(count * info->size) +
            " bytes, the array holds " + std::to_string(array.bytes.size());
    return false;
  }
  return true;
}

/// numpy's header, version 1.0: the dict, padded with spaces and a newline
/// so that the data starts at a multiple of 64 bytes. (Version 2.0 exists
/// for headers beyond 64 KiB, which 64 dimensions never reach.)
std::string buildHeader(const NpyArray &array) {
  std::string dict =
      "{'descr': '" + array.dtype +
      "', 'fortran_order': False, 'shape': " + shapeString(array.shape) + ", }";
  size_t total = 10 + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  std::string text = dict + std::string(padded - total, ' ') + "\n";
  std::string out(kMagic, kMagicSize);
  out += '\x01';
  out += '\0';
  out += static_cast<char>(text.size() & 0xff);
  out += static_cast<char>(text.size() >> 8);
  return out + text;
}

bool writeAll(int fd, const uint8_t *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool readAll(std::FILE *file, uint8_t *data, size_t size) {
  return size == 0 || std::fread(data, 1, size, file) == size;
}

template <typename T> T loadLE(const uint8_t *p) {
  uint64_t bits = readLE(p, sizeof(T));
  T value;
  if constexpr (sizeof(T) == 4) {
    uint32_t b = static_cast<uint32_t>(bits);
    std::memcpy(&value, &b, sizeof(T));
  } else {
    std::memcpy(&value, &bits, sizeof(T));
  }
  return value;
}

/// Element i of `array` as double, for any supported dtype.
double elementAsDouble(DType type, const uint8_t *p) {
  switch (type) {
  case DType::F2:
    return halfToFloat(static_cast<uint16_t>(readLE(p, 2)));
  case DType::F4:
    return loadLE<float>(p);
  case DType::F8:
    return loadLE<double>(p);
  case DType::I4:
    return static_cast<int32_t>(static_cast<uint32_t>(readLE(p, 4)));
  case DType::I8:
    return static_cast<double>(static_cast<int64_t>(readLE(p, 8)));
  case DType::B1:
    return *p != 0 ? 1.0 : 0.0;
  case DType::U1:
    return *p;
  case DType::I1:
    return static_cast<int8_t>(*p);
  }
  return 0.0;
}

/// Checks that `array` can be read: a known dtype and matching bytes.
const DTypeInfo *checkReadable(const NpyArray &array, std::string &error) {
  size_t itemSize = 0;
  return checkArray(array, itemSize, error) ? findDType(array.dtype) : nullptr;
}

} // namespace

int64_t NpyArray::numElements() const {
  uint64_t count = 0;
  return elementCount(shape, 1, count) ? static_cast<int64_t>(count) : -1;
}

size_t attn::runtime::npyItemSize(const std::string &dtype) {
  const DTypeInfo *info = findDType(dtype);
  return info ? info->size : 0;
}

bool attn::runtime::npyIsFloat(const std::string &dtype) {
  const DTypeInfo *info = findDType(dtype);
  return info && (info->type == DType::F2 || info->type == DType::F4 ||
                  info->type == DType::F8);
}

NpyArray attn::runtime::makeNpyFloat32(std::vector<int64_t> shape,
                                       const std::vector<float> &data) {
  NpyArray array;
  array.dtype = "<f4";
  array.shape = std::move(shape);
  array.bytes.resize(data.size() * 4);
  for (size_t i = 0; i < data.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &data[i], 4);
    for (unsigned b = 0; b < 4; ++b)
      array.bytes[4 * i + b] = static_cast<uint8_t>(bits >> (8 * b));
  }
  return array;
}

bool attn::runtime::parseNpy(const uint8_t *data, size_t size, NpyArray &out,
                             std::string &error) {
  uint64_t headerStart = 0, headerLen = 0;
  if (!parsePreamble(data, size, headerStart, headerLen, error))
    return false;
  Header header;
  if (!parseHeader(reinterpret_cast<const char *>(data) + headerStart,
                   headerStart, headerLen, size, header, error))
    return false;
  out.dtype = std::move(header.dtype);
  out.shape = std::move(header.shape);
  out.bytes.assign(data + header.dataOffset,
                   data + header.dataOffset + header.dataBytes);
  return true;
}

bool attn::runtime::readNpy(const std::string &path, NpyArray &out,
                            std::string &error) {
  auto fail = [&](const std::string &message) {
    error = path + ": " + message;
    return false;
  };
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return fail(std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return fail("not a regular file");
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return fail(std::strerror(errno));
  struct Closer {
    std::FILE *file;
    ~Closer() { std::fclose(file); }
  } closer{file};

  uint64_t fileSize = static_cast<uint64_t>(info.st_size);
  uint8_t prefix[12] = {};
  size_t prefixSize = fileSize < 12 ? static_cast<size_t>(fileSize) : 12;
  if (!readAll(file, prefix, prefixSize))
    return fail("read error");
  uint64_t headerStart = 0, headerLen = 0;
  std::string message;
  if (!parsePreamble(prefix, fileSize, headerStart, headerLen, message))
    return fail(message);
  std::vector<char> text(static_cast<size_t>(headerLen));
  if (std::fseek(file, static_cast<long>(headerStart), SEEK_SET) != 0 ||
      !readAll(file, reinterpret_cast<uint8_t *>(text.data()), text.size()))
    return fail("read error in the header");
  Header header;
  if (!parseHeader(text.data(), headerStart, headerLen, fileSize, header,
                   message))
    return fail(message);
  if (header.dataBytes > SIZE_MAX)
    return fail("the data does not fit in memory");
  std::vector<uint8_t> bytes(static_cast<size_t>(header.dataBytes));
  if (!readAll(file, bytes.data(), bytes.size()))
    return fail("read error in the data (the file changed while read?)");
  out.dtype = std::move(header.dtype);
  out.shape = std::move(header.shape);
  out.bytes = std::move(bytes);
  return true;
}

bool attn::runtime::encodeNpy(const NpyArray &array, std::vector<uint8_t> &out,
                              std::string &error) {
  size_t itemSize = 0;
  if (!checkArray(array, itemSize, error))
    return false;
  std::string header = buildHeader(array);
  out.assign(header.begin(), header.end());
  out.insert(out.end(), array.bytes.begin(), array.bytes.end());
  return true;
}

bool attn::runtime::writeNpy(const std::string &path, const NpyArray &array,
                             std::string &error) {
  size_t itemSize = 0;
  if (!checkArray(array, itemSize, error)) {
    error = "cannot write '" + path + "': " + error;
    return false;
  }
  std::string header = buildHeader(array);

  // A fresh name next to the target, so that the rename stays within one
  // file system. O_EXCL: never clobber another writer's temporary file.
  static std::atomic<uint64_t> counter{0};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = path + ".tmp." + std::to_string(::getpid()) + "." +
           std::to_string(counter++);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  bool ok = writeAll(fd, reinterpret_cast<const uint8_t *>(header.data()),
                     header.size()) &&
            writeAll(fd, array.bytes.data(), array.bytes.size());
  int savedErrno = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    savedErrno = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    error = "cannot write '" + path + "': " + std::strerror(savedErrno);
    return false;
  }
  return true;
}

bool attn::runtime::writeNpyFloat32(const std::string &path,
                                    const std::vector<int64_t> &shape,
                                    const std::vector<float> &data,
                                    std::string &error) {
  return writeNpy(path, makeNpyFloat32(shape, data), error);
}

bool attn::runtime::npyToDouble(const NpyArray &array, std::vector<double> &out,
                                std::string &error) {
  const DTypeInfo *info = checkReadable(array, error);
  if (!info)
    return false;
  size_t count = array.bytes.size() / info->size;
  out.resize(count);
  for (size_t i = 0; i < count; ++i)
    out[i] = elementAsDouble(info->type, array.bytes.data() + i * info->size);
  return true;
}

bool attn::runtime::npyToFloat(const NpyArray &array, std::vector<float> &out,
                               std::string &error) {
  const DTypeInfo *info = checkReadable(array, error);
  if (!info)
    return false;
  size_t count = array.bytes.size() / info->size;
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t *p = array.bytes.data() + i * info->size;
    // int64 straight to float: one rounding, not two through double.
    out[i] = info->type == DType::I8
                 ? static_cast<float>(static_cast<int64_t>(readLE(p, 8)))
                 : static_cast<float>(elementAsDouble(info->type, p));
  }
  return true;
}

bool attn::runtime::npyToInt64(const NpyArray &array, std::vector<int64_t> &out,
                               std::string &error) {
  const DTypeInfo *info = checkReadable(array, error);
  if (!info)
    return false;
  if (npyIsFloat(array.dtype)) {
    error = "expected an integer array, found dtype '" + array.dtype + "'";
    return false;
  }
  size_t count = array.bytes.size() / info->size;
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t *p = array.bytes.data() + i * info->size;
    out[i] = info->type == DType::I8
                 ? static_cast<int64_t>(readLE(p, 8))
                 : static_cast<int64_t>(elementAsDouble(info->type, p));
  }
  return true;
}
