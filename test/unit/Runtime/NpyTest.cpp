//===- NpyTest.cpp - Reading and writing NumPy .npy files -----------------===//
//
// Round trips of every dtype and several shapes (0-d and zero-size among
// them) through memory and through files; files written by hand with each
// header version and the spellings numpy has used; every error path of the
// reader and the writer, each a one-line message; and a fuzz loop of
// truncations and byte flips that must never crash.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Npy.h"
#include "attn/Runtime/Float16.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace attn::runtime;

namespace {

const char *const kDTypes[] = {"<f4", "<f2", "<f8", "<i4",
                               "<i8", "|b1", "|u1", "|i1"};

std::vector<std::vector<int64_t>> testShapes() {
  return {{}, {0}, {1}, {7}, {2, 3}, {2, 0, 4}, {3, 1, 2, 5}, {1, 2, 1, 2, 3}};
}

/// An array of `dtype` and `shape` with random (valid) element bytes.
NpyArray randomArray(const std::string &dtype, std::vector<int64_t> shape,
                     std::mt19937 &rng) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.bytes.resize(static_cast<size_t>(a.numElements()) * npyItemSize(dtype));
  for (auto &b : a.bytes)
    b = static_cast<uint8_t>(rng());
  if (dtype == "|b1")
    for (auto &b : a.bytes)
      b &= 1;
  return a;
}

/// A .npy file's bytes with a hand-written header of any version.
std::vector<uint8_t> handWritten(unsigned major, const std::string &header,
                                 const std::vector<uint8_t> &data) {
  std::vector<uint8_t> out = {
      0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  size_t lengthBytes = major == 1 ? 2 : 4;
  for (size_t i = 0; i < lengthBytes; ++i)
    out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::vector<uint8_t> floatBytes(const std::vector<float> &values) {
  return makeNpyFloat32({static_cast<int64_t>(values.size())}, values).bytes;
}

class NpyTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string base = ::testing::TempDir() + "attn-npy-XXXXXX";
    std::vector<char> name(base.begin(), base.end());
    name.push_back('\0');
    ASSERT_NE(::mkdtemp(name.data()), nullptr);
    dir = name.data();
  }
  void TearDown() override {
    for (const std::string &f : listDir())
      std::remove((dir + "/" + f).c_str());
    ::rmdir(dir.c_str());
  }
  std::vector<std::string> listDir() const {
    std::vector<std::string> names;
    if (DIR *d = ::opendir(dir.c_str())) {
      while (dirent *e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
          names.push_back(e->d_name);
      ::closedir(d);
    }
    return names;
  }
  std::string path(const std::string &name) const { return dir + "/" + name; }
  void writeFile(const std::string &name, const std::vector<uint8_t> &bytes) {
    std::ofstream(path(name), std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  /// Parses `bytes`, expecting failure with a one-line message holding
  /// `needle`.
  void expectParseError(const std::vector<uint8_t> &bytes,
                        const std::string &needle) {
    NpyArray a;
    std::string error;
    EXPECT_FALSE(parseNpy(bytes.data(), bytes.size(), a, error)) << needle;
    EXPECT_NE(error.find(needle), std::string::npos)
        << "error '" << error << "' lacks '" << needle << "'";
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  void expectHeaderError(const std::string &header, const std::string &needle,
                         const std::vector<uint8_t> &data = {}) {
    expectParseError(handWritten(1, header, data), needle);
  }

  std::string dir;
};

TEST_F(NpyTest, RoundTripsEveryDtypeAndShapeInMemory) {
  std::mt19937 rng(1);
  for (const char *dtype : kDTypes)
    for (const auto &shape : testShapes()) {
      NpyArray a = randomArray(dtype, shape, rng), b;
      std::vector<uint8_t> encoded;
      std::string error;
      ASSERT_TRUE(encodeNpy(a, encoded, error)) << error;
      ASSERT_TRUE(parseNpy(encoded.data(), encoded.size(), b, error))
          << dtype << ": " << error;
      EXPECT_EQ(b.dtype, a.dtype);
      EXPECT_EQ(b.shape, a.shape);
      EXPECT_EQ(b.bytes, a.bytes);
    }
}

TEST_F(NpyTest, RoundTripsEveryDtypeAndShapeThroughFiles) {
  std::mt19937 rng(2);
  for (const char *dtype : kDTypes)
    for (const auto &shape : testShapes()) {
      NpyArray a = randomArray(dtype, shape, rng), b;
      std::string error;
      ASSERT_TRUE(writeNpy(path("a.npy"), a, error)) << error;
      ASSERT_TRUE(readNpy(path("a.npy"), b, error)) << error;
      EXPECT_EQ(b.dtype, a.dtype);
      EXPECT_EQ(b.shape, a.shape);
      EXPECT_EQ(b.bytes, a.bytes);
    }
  // Only the target remains: no temporary file is left behind.
  EXPECT_EQ(listDir(), std::vector<std::string>{"a.npy"});
}

TEST_F(NpyTest, WritesNumpysHeaderLayout) {
  NpyArray a = makeNpyFloat32({2, 3}, {1, 2, 3, 4, 5, 6});
  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(encodeNpy(a, bytes, error)) << error;
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(bytes[6], 1);
  EXPECT_EQ(bytes[7], 0);
  size_t headerLen = bytes[8] | (bytes[9] << 8);
  EXPECT_EQ((10 + headerLen) % 64, 0u);
  std::string header(bytes.begin() + 10, bytes.begin() + 10 + headerLen);
  EXPECT_EQ(header.rfind("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (2, 3), }",
                         0),
            0u);
  EXPECT_EQ(header.back(), '\n');
  // 1-d and 0-d shapes are written as Python tuples.
  ASSERT_TRUE(encodeNpy(makeNpyFloat32({3}, {1, 2, 3}), bytes, error));
  EXPECT_NE(std::string(bytes.begin(), bytes.end()).find("(3,)"),
            std::string::npos);
  ASSERT_TRUE(encodeNpy(makeNpyFloat32({}, {1}), bytes, error));
  EXPECT_NE(std::string(bytes.begin(), bytes.end()).find("'shape': ()"),
            std::string::npos);
}

TEST_F(NpyTest, ReadsHandWrittenHeadersOfEveryVersion) {
  std::vector<uint8_t> data = floatBytes({1.5f, -2.0f, 3.25f, 0.0f});
  const char *headers[] = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n",
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,2)}",
      "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}   \n",
      "  { 'descr' : '<f4' ,'fortran_order':False,'shape':( 2 , 2 , ) , }\n",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }\n",
  };
  for (unsigned major : {1u, 2u, 3u})
    for (const char *header : headers) {
      std::vector<uint8_t> file = handWritten(major, header, data);
      writeFile("h.npy", file);
      NpyArray a;
      std::string error;
      ASSERT_TRUE(readNpy(path("h.npy"), a, error))
          << "v" << major << " " << header << ": " << error;
      EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 2}));
      std::vector<float> values;
      ASSERT_TRUE(npyToFloat(a, values, error)) << error;
      EXPECT_EQ(values, (std::vector<float>{1.5f, -2.0f, 3.25f, 0.0f}));
    }
  // Version 3.0 allows UTF-8 in the header; none is needed for these keys,
  // and a 0-d array of version 2.0 reads too.
  std::vector<uint8_t> scalar =
      handWritten(2, "{'descr': '<i8', 'fortran_order': False, 'shape': ()}\n",
                  {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  NpyArray a;
  std::string error;
  ASSERT_TRUE(parseNpy(scalar.data(), scalar.size(), a, error)) << error;
  std::vector<int64_t> ints;
  ASSERT_TRUE(npyToInt64(a, ints, error));
  EXPECT_EQ(ints, std::vector<int64_t>{-2});
}

TEST_F(NpyTest, ConvertsEveryDtype) {
  std::string error;
  auto make = [](const char *dtype, std::vector<uint8_t> bytes) {
    NpyArray a;
    a.dtype = dtype;
    a.bytes = std::move(bytes);
    a.shape = {static_cast<int64_t>(a.bytes.size() / npyItemSize(dtype))};
    return a;
  };
  std::vector<double> d;
  std::vector<float> f;
  std::vector<int64_t> i;
  // <f2: 1.0 and -2.0 (0x3c00, 0xc000), little-endian.
  ASSERT_TRUE(npyToDouble(make("<f2", {0x00, 0x3c, 0x00, 0xc0}), d, error));
  EXPECT_EQ(d, (std::vector<double>{1.0, -2.0}));
  // <f8: 0.1 exactly as a double; as float it rounds.
  NpyArray f8 = make("<f8", std::vector<uint8_t>(8));
  double tenth = 0.1;
  std::memcpy(f8.bytes.data(), &tenth, 8);
  ASSERT_TRUE(npyToDouble(f8, d, error));
  EXPECT_EQ(d[0], 0.1);
  ASSERT_TRUE(npyToFloat(f8, f, error));
  EXPECT_EQ(f[0], 0.1f);
  EXPECT_FALSE(npyToInt64(f8, i, error));
  EXPECT_NE(error.find("integer"), std::string::npos) << error;
  // <i4: -1 and 258.
  ASSERT_TRUE(
      npyToInt64(make("<i4", {0xff, 0xff, 0xff, 0xff, 2, 1, 0, 0}), i, error));
  EXPECT_EQ(i, (std::vector<int64_t>{-1, 258}));
  // <i8: 2^53 + 1 is exact as int64.
  NpyArray i8 = make("<i8", std::vector<uint8_t>(8));
  int64_t big = (int64_t(1) << 53) + 1;
  std::memcpy(i8.bytes.data(), &big, 8);
  ASSERT_TRUE(npyToInt64(i8, i, error));
  EXPECT_EQ(i[0], big);
  // |b1, |u1, |i1.
  ASSERT_TRUE(npyToInt64(make("|b1", {0, 1, 2}), i, error));
  EXPECT_EQ(i, (std::vector<int64_t>{0, 1, 1}));
  ASSERT_TRUE(npyToDouble(make("|u1", {0, 200}), d, error));
  EXPECT_EQ(d, (std::vector<double>{0, 200}));
  ASSERT_TRUE(npyToInt64(make("|i1", {0x80, 0x7f}), i, error));
  EXPECT_EQ(i, (std::vector<int64_t>{-128, 127}));
  // A malformed array is an error, not a read past its bytes.
  NpyArray bad = make("<f4", {0, 0, 0, 0});
  bad.shape = {3};
  EXPECT_FALSE(npyToFloat(bad, f, error));
  EXPECT_NE(error.find("needs 12 bytes"), std::string::npos) << error;
  bad.dtype = "<c8";
  EXPECT_FALSE(npyToDouble(bad, d, error));
  EXPECT_NE(error.find("unsupported dtype"), std::string::npos) << error;
}

TEST_F(NpyTest, ReportsMalformedPreambles) {
  std::vector<uint8_t> data = floatBytes({1.0f});
  std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}";
  expectParseError({}, "truncated");
  expectParseError({0x93, 'N', 'U', 'M'}, "truncated");
  expectParseError({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "bad magic");
  expectParseError({0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0}, "preamble");
  expectParseError({0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 0, 0}, "preamble");
  expectParseError(handWritten(4, ok, data), "version 4.0");
  std::vector<uint8_t> v11 = handWritten(1, ok, data);
  v11[7] = 1;
  expectParseError(v11, "version 1.1");
  // A header length past the end of the file, and an absurd one.
  std::vector<uint8_t> longHeader = handWritten(1, ok, data);
  longHeader[8] = 0xff;
  longHeader[9] = 0xff;
  expectParseError(longHeader, "the header needs");
  std::vector<uint8_t> hugeHeader = handWritten(2, ok, data);
  hugeHeader[11] = 0x7f;
  expectParseError(hugeHeader, "larger than 1 MiB");
}

TEST_F(NpyTest, ReportsMalformedHeaders) {
  expectHeaderError("", "must start with '{'");
  expectHeaderError("[1, 2]", "must start with '{'");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False", "header ends");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': ()",
                    "expected ',' or '}'");
  expectHeaderError("{descr: '<f4'}", "quoted string");
  expectHeaderError("{'descr' '<f4'}", "expected ':'");
  expectHeaderError("{'descr: '<f4'}", "expected ':'");
  expectHeaderError("{'descr': '<f4}", "unterminated string");
  expectHeaderError("{'descr': '<\\f4'}", "unsupported character");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False}",
                    "lacks the key 'shape'");
  expectHeaderError("{'shape': (1,), 'fortran_order': False}",
                    "lacks the key 'descr'");
  expectHeaderError("{'descr': '<f4', 'shape': (1,)}",
                    "lacks the key 'fortran_order'");
  expectHeaderError(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
      "unexpected key 'x'");
  expectHeaderError(
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}",
      "appears twice");
  expectHeaderError("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}",
                    "True or False");
  expectHeaderError("{'descr': '<f4', 'fortran_order': Falsey, 'shape': ()}",
                    "True or False");
  expectHeaderError("{'descr': '<f4', 'fortran_order': True, 'shape': (1,)}",
                    "fortran_order");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': 3}",
                    "must be a tuple");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': [3]}",
                    "must be a tuple");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}",
                    "not a tuple");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}",
                    "negative dimension");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)}",
                    "expected ',' or ')'");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': (,)}",
                    "tuple of integers");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, "
                    "'shape': (99999999999999999999,)}",
                    "does not fit in 64 bits");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, "
                    "'shape': (4294967296, 4294967296)}",
                    "overflows 64 bits");
  expectHeaderError("{'descr': '<f8', 'fortran_order': False, "
                    "'shape': (2305843009213693952, 2)}",
                    "overflows 64 bits");
  std::string deep = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 65; ++i)
    deep += "1,";
  expectHeaderError(deep + ")}", "more than 64 dimensions");
  expectHeaderError("{'descr': '<c8', 'fortran_order': False, 'shape': ()}",
                    "unsupported dtype '<c8'");
  expectHeaderError("{'descr': '>f4', 'fortran_order': False, 'shape': ()}",
                    "big-endian");
  expectHeaderError(
      "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': ()}",
      "quoted string");
  expectHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': ()} x",
                    "unexpected text after");
  // Non-printable bytes in a message are escaped, keeping it one line.
  expectHeaderError("{'descr': '<\x01\n', 'fortran_order': False}",
                    "unsupported character");
  expectHeaderError("{'descr': '\x01\x02', 'fortran_order': False, "
                    "'shape': ()}",
                    "'\\x01\\x02'");
}

TEST_F(NpyTest, ReportsDataSizeMismatches) {
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}";
  expectHeaderError(header, "truncated data: the shape needs 16 bytes",
                    floatBytes({1, 2, 3}));
  expectHeaderError(header, "4 bytes after the data",
                    floatBytes({1, 2, 3, 4, 5}));
  // Zero-size shapes need no data at all, even with huge other extents.
  std::vector<uint8_t> empty =
      handWritten(1,
                  "{'descr': '<f8', 'fortran_order': False, "
                  "'shape': (4611686018427387904, 0, 4611686018427387904)}",
                  {});
  NpyArray a;
  std::string error;
  ASSERT_TRUE(parseNpy(empty.data(), empty.size(), a, error)) << error;
  EXPECT_EQ(a.numElements(), 0);
  expectParseError(handWritten(1,
                               "{'descr': '<f8', 'fortran_order': False, "
                               "'shape': (0, 3)}",
                               {0}),
                   "1 bytes after the data");
}

TEST_F(NpyTest, ReportsFileErrors) {
  NpyArray a;
  std::string error;
  EXPECT_FALSE(readNpy(path("missing.npy"), a, error));
  EXPECT_EQ(error, path("missing.npy") + ": No such file or directory");
  EXPECT_FALSE(readNpy(dir, a, error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
  writeFile("short.npy", {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 60});
  EXPECT_FALSE(readNpy(path("short.npy"), a, error));
  EXPECT_EQ(error.rfind(path("short.npy") + ": truncated", 0), 0u) << error;
  writeFile("text.npy", {'h', 'e', 'l', 'l', 'o', '\n'});
  EXPECT_FALSE(readNpy(path("text.npy"), a, error));
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
  // Every malformed in-memory case fails the same way from a file.
  writeFile("trunc.npy", handWritten(3,
                                     "{'descr': '<i4', 'fortran_order': False, "
                                     "'shape': (3,)}",
                                     {1, 0, 0, 0}));
  EXPECT_FALSE(readNpy(path("trunc.npy"), a, error));
  EXPECT_NE(error.find("truncated data"), std::string::npos) << error;
}

TEST_F(NpyTest, FailedWritesLeaveNoFile) {
  std::string error;
  NpyArray good = makeNpyFloat32({2}, {1, 2});
  // Missing directory.
  EXPECT_FALSE(writeNpy(path("no/such/dir.npy"), good, error));
  EXPECT_NE(error.find("No such file or directory"), std::string::npos)
      << error;
  // The target is a directory: the rename fails, the temporary goes away.
  ASSERT_EQ(::mkdir(path("sub").c_str(), 0755), 0);
  EXPECT_FALSE(writeNpy(path("sub"), good, error));
  EXPECT_NE(error.find("cannot write"), std::string::npos) << error;
  EXPECT_EQ(listDir(), std::vector<std::string>{"sub"});
  ::rmdir(path("sub").c_str());
  // An invalid array never touches an existing file.
  ASSERT_TRUE(writeNpy(path("keep.npy"), good, error)) << error;
  NpyArray bad = good;
  bad.bytes.pop_back();
  EXPECT_FALSE(writeNpy(path("keep.npy"), bad, error));
  EXPECT_NE(error.find("needs 8 bytes, the array holds 7"), std::string::npos)
      << error;
  bad = good;
  bad.dtype = ">f4";
  EXPECT_FALSE(writeNpy(path("keep.npy"), bad, error));
  EXPECT_NE(error.find("unsupported dtype"), std::string::npos) << error;
  bad = good;
  bad.shape = {-2};
  EXPECT_FALSE(writeNpy(path("keep.npy"), bad, error));
  EXPECT_NE(error.find("negative dimension"), std::string::npos) << error;
  bad.shape = std::vector<int64_t>(65, 1);
  bad.shape[0] = 2;
  EXPECT_FALSE(writeNpy(path("keep.npy"), bad, error));
  EXPECT_NE(error.find("rank 65"), std::string::npos) << error;
  NpyArray back;
  ASSERT_TRUE(readNpy(path("keep.npy"), back, error)) << error;
  EXPECT_EQ(back.bytes, good.bytes);
  EXPECT_EQ(listDir(), std::vector<std::string>{"keep.npy"});
  // Overwriting replaces the whole file.
  ASSERT_TRUE(writeNpyFloat32(path("keep.npy"), {1}, {9.0f}, error)) << error;
  ASSERT_TRUE(readNpy(path("keep.npy"), back, error)) << error;
  EXPECT_EQ(back.shape, std::vector<int64_t>{1});
}

/// Truncations and byte flips of valid files of every version: parsing
/// either succeeds with a consistent array or fails with a one-line
/// message; it never crashes or reads out of bounds.
TEST_F(NpyTest, FuzzedFilesNeverCrash) {
  std::mt19937 rng(11);
  std::vector<std::vector<uint8_t>> seeds;
  for (const char *dtype : kDTypes) {
    NpyArray a = randomArray(dtype, {2, 3}, rng);
    std::vector<uint8_t> bytes;
    std::string error;
    ASSERT_TRUE(encodeNpy(a, bytes, error));
    seeds.push_back(bytes);
    std::string header = "{'descr': '" + std::string(dtype) +
                         "', 'fortran_order': False, 'shape': (3, 2)}";
    seeds.push_back(handWritten(2, header, a.bytes));
    seeds.push_back(handWritten(3, header, a.bytes));
  }
  auto check = [](const std::vector<uint8_t> &bytes) {
    NpyArray a;
    std::string error;
    if (parseNpy(bytes.data(), bytes.size(), a, error)) {
      EXPECT_GE(a.numElements(), 0);
      EXPECT_EQ(a.bytes.size(),
                static_cast<size_t>(a.numElements()) * npyItemSize(a.dtype));
      return true;
    }
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    return false;
  };
  for (const auto &seed : seeds) {
    ASSERT_TRUE(check(seed));
    for (size_t n = 0; n < seed.size(); ++n) {
      std::vector<uint8_t> cut(seed.begin(), seed.begin() + n);
      EXPECT_FALSE(check(cut)) << "a truncation to " << n << " bytes parsed";
    }
  }
  int parsed = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    std::vector<uint8_t> bytes = seeds[rng() % seeds.size()];
    int flips = 1 + rng() % 4;
    for (int f = 0; f < flips; ++f) {
      // Mostly the preamble and header, where the parser lives.
      size_t limit =
          rng() % 4 ? std::min<size_t>(bytes.size(), 80) : bytes.size();
      bytes[rng() % limit] = static_cast<uint8_t>(rng());
    }
    if (rng() % 8 == 0)
      bytes.resize(rng() % (bytes.size() + 1));
    parsed += check(bytes);
  }
  // Flips in the data or the padding keep a file valid.
  EXPECT_GT(parsed, 0);
}

} // namespace
