//===- attn-run.cpp - Run an attn spec on .npy files ----------------------===//
//
//   attn-run SPEC.mlir --device cpu --inputs q.npy,k.npy,v.npy[,...]
//            --outputs o.npy[,lse.npy] [--entry NAME] [--repeat N] [--seed S]
//            [--check [--check-rows N]]
//
// Compiles the spec for the device, reads the inputs in the entry's argument
// order (float32 data is rounded to the spec's element type), runs it and
// writes each result as float32 .npy. Without --inputs, float inputs are
// drawn from N(0, 1) with --seed. With --repeat N, prints the median time
// of N runs. With --check, compares the output with the independent fp64
// reference under FlashAttention's rule, on N query positions drawn with
// --seed (the first and the last among them; every position with
// --check-rows 0): the reference costs minutes per row block on the large
// examples, and a sample of rows checks every batch entry, head and key.
// Every error is one line and a non-zero exit; an output file is written
// only when everything succeeded.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Reference/Reference.h"
#include "attn/InitAll.h"
#include "attn/JIT/JIT.h"
#include "attn/Runtime/Float16.h"
#include "attn/Runtime/KernelPackage.h"
#include "attn/Runtime/Launcher.h"
#include "attn/Runtime/Npy.h"
#include "attn/Runtime/RandomInputs.h"
#include "attn/Target/CPU/CpuKernel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <random>

using namespace attn;
namespace cl = llvm::cl;

static cl::opt<std::string> specPath(cl::Positional, cl::Required,
                                     cl::desc("<spec.mlir>"));
static cl::opt<std::string> device("device", cl::desc("cpu or cuda"),
                                   cl::init("cpu"));
static cl::opt<std::string>
    inputsOpt("inputs", cl::desc("Comma-separated .npy inputs, in the entry "
                                 "function's argument order"));
static cl::opt<std::string>
    outputsOpt("outputs", cl::desc("Comma-separated .npy outputs (float32)"));
static cl::opt<std::string> entry("entry",
                                  cl::desc("Entry function (default: the one "
                                           "holding attn.attention)"));
static cl::opt<unsigned> repeat("repeat",
                                cl::desc("Run N times, print the median time"),
                                cl::init(0));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the random inputs"),
                              cl::init(0));
static cl::opt<bool> check("check",
                           cl::desc("Compare the output with the fp64 "
                                    "reference (exit 2 on a mismatch)"),
                           cl::init(false));
static cl::opt<unsigned>
    checkRows("check-rows",
              cl::desc("With --check, compare N query positions drawn with "
                       "--seed, the first and the last among them (0: all)"),
              cl::init(64));

static cl::opt<std::string> chip("chip",
                                 cl::desc("With --device cuda, the chip to "
                                          "compile for (sm_80, sm_90a)"),
                                 cl::init("sm_90a"));
static cl::opt<std::string> writeReference(
    "write-reference",
    cl::desc("Write the fp64 reference and the naive (input-precision) "
             "outputs on the --check-rows rows into DIR (rows.npy, ref.npy, "
             "naive.npy, and ref_lse.npy, naive_lse.npy with an LSE) as "
             "float32, for attn-launch --check on a GPU machine; the kernel "
             "is not run"),
    cl::value_desc("DIR"));

[[noreturn]] static void fail(const llvm::Twine &message) {
  llvm::errs() << "attn-run: error: " << message << "\n";
  std::exit(1);
}

/// One argument or result held in the spec's element type.
struct Buffer {
  mlir::Type elementType;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  HostBuffer host() { return {bytes.data(), shape}; }
};

static size_t byteWidth(mlir::Type t) {
  return t.isInteger(1) ? 1 : (t.getIntOrFloatBitWidth() + 7) / 8;
}

static int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Converts one .npy array to the spec's element type.
static Buffer toBuffer(const runtime::NpyArray &array, mlir::Type type,
                       const std::string &name) {
  Buffer buffer{type, array.shape, {}};
  int64_t n = array.numElements();
  if (n < 0)
    fail(name + ": bad shape");
  buffer.bytes.resize(n * byteWidth(type));
  std::string error;
  if (type.isF32() || type.isF16() || type.isBF16()) {
    if (!runtime::npyIsFloat(array.dtype))
      fail(name + ": dtype " + array.dtype + " where the spec expects a float");
    std::vector<float> values;
    if (!runtime::npyToFloat(array, values, error))
      fail(name + ": " + error);
    for (int64_t i = 0; i < n; ++i) {
      if (type.isF32()) {
        std::memcpy(buffer.bytes.data() + 4 * i, &values[i], 4);
        continue;
      }
      uint16_t bits = type.isBF16() ? runtime::floatToBFloat16(values[i])
                                    : runtime::floatToHalf(values[i]);
      std::memcpy(buffer.bytes.data() + 2 * i, &bits, 2);
    }
    return buffer;
  }
  if (runtime::npyIsFloat(array.dtype))
    fail(name + ": dtype " + array.dtype + " where the spec expects integers");
  std::vector<int64_t> values;
  if (!runtime::npyToInt64(array, values, error))
    fail(name + ": " + error);
  size_t width = byteWidth(type);
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(buffer.bytes.data() + width * i, &values[i], width);
  return buffer;
}

/// A result as float32 values.
static std::vector<float> toFloats(const Buffer &buffer) {
  int64_t n = product(buffer.shape);
  std::vector<float> values(n);
  for (int64_t i = 0; i < n; ++i) {
    if (buffer.elementType.isF32()) {
      std::memcpy(&values[i], buffer.bytes.data() + 4 * i, 4);
    } else {
      uint16_t bits;
      std::memcpy(&bits, buffer.bytes.data() + 2 * i, 2);
      values[i] = buffer.elementType.isBF16() ? runtime::bfloat16ToFloat(bits)
                                              : runtime::halfToFloat(bits);
    }
  }
  return values;
}

/// The values of a buffer as doubles (floats already rounded to the type).
static reference::HostTensor toHostTensor(const Buffer &buffer) {
  reference::HostTensor t;
  t.shape = buffer.shape;
  mlir::Type type = buffer.elementType;
  if (type.isF32() || type.isF16() || type.isBF16()) {
    for (float f : toFloats(buffer))
      t.data.push_back(f);
    return t;
  }
  size_t width = byteWidth(type);
  for (int64_t i = 0, n = product(buffer.shape); i < n; ++i) {
    int64_t v = 0;
    std::memcpy(&v, buffer.bytes.data() + width * i, width);
    if (width < 8 && (v >> (8 * width - 1)) & 1 && !type.isInteger(1))
      v -= int64_t(1) << (8 * width); // sign-extend
    t.data.push_back(static_cast<double>(v));
  }
  return t;
}

/// `count` distinct query positions of [0, len), sorted: the first, the last
/// and the rest drawn uniformly with `seed`. Empty (every position) when
/// `count` is 0 or covers them all.
static std::vector<int64_t> sampleQueryRows(int64_t len, int64_t count,
                                            uint64_t seed) {
  if (count == 0 || count >= len)
    return {};
  std::vector<int64_t> rows = {0};
  if (count >= 2)
    rows.push_back(len - 1);
  // A partial Fisher-Yates shuffle of the inner positions 1 .. len - 2.
  std::vector<int64_t> inner(static_cast<size_t>(len - 2));
  std::iota(inner.begin(), inner.end(), 1);
  std::mt19937_64 rng(seed);
  for (int64_t i = 0; static_cast<int64_t>(rows.size()) < count; ++i) {
    std::uniform_int_distribution<int64_t> pick(i, len - 3);
    std::swap(inner[i], inner[pick(rng)]);
    rows.push_back(inner[i]);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// The fp64 reference and the naive (input-precision) outputs of the entry's
/// attention on the query rows --check-rows draws (`rows` empty: all of
/// them). Errors name `option`.
struct ReferenceRows {
  reference::ReferenceResult ref, naive;
  std::vector<int64_t> rows;
  int64_t length = 0;
  unsigned seqAxis = 2;
  bool hasLse = false;
};
static ReferenceRows computeReferenceRows(llvm::StringRef spec,
                                          llvm::StringRef entryName,
                                          const std::vector<Buffer> &inputs,
                                          const llvm::Twine &option) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(spec, &context);
  AttentionOp op;
  module->walk([&](AttentionOp a) {
    if (!op && a->getParentOfType<mlir::func::FuncOp>().getName() == entryName)
      op = a;
  });
  if (!op)
    fail(option + ": no attn.attention in the entry");
  std::vector<reference::HostTensor> args;
  for (const Buffer &b : inputs)
    args.push_back(toHostTensor(b));
  auto in = reference::referenceInputsFromArguments(op, args);
  if (!in)
    fail(option + ": " + llvm::toString(in.takeError()));
  ReferenceRows result;
  result.seqAxis = op.getSeqAxis();
  result.length = in->query.shape[result.seqAxis];
  result.hasLse = static_cast<bool>(op.getLse());
  reference::ReferenceOptions options;
  options.queryRows = sampleQueryRows(result.length, checkRows, seed);
  result.rows = options.queryRows;
  auto ref = reference::computeReference(op, *in, options);
  if (!ref)
    fail(option + ": " + llvm::toString(ref.takeError()));
  auto naive = reference::computeNaive(
      op, *in, op.getQuery().getType().getElementType(), options);
  if (!naive)
    fail(option + ": " + llvm::toString(naive.takeError()));
  result.ref = std::move(*ref);
  result.naive = std::move(*naive);
  return result;
}

/// Compares the output, and the LSE where the spec returns one, with the
/// fp64 reference of the spec's attention on the rows --check-rows asks
/// for; prints the figures.
static bool checkWithReference(llvm::StringRef spec, llvm::StringRef entryName,
                               const std::vector<Buffer> &inputs,
                               const std::vector<Buffer> &results) {
  ReferenceRows r = computeReferenceRows(spec, entryName, inputs, "--check");
  int64_t len = r.length;
  auto report =
      reference::compareWithTolerance(toHostTensor(results[0]), r.ref.output,
                                      r.naive.output, {r.seqAxis, r.rows});
  if (!report)
    fail("--check: " + llvm::toString(report.takeError()));
  llvm::outs() << (report->pass ? "matched" : "DID NOT MATCH")
               << " the fp64 reference on ";
  if (r.rows.empty())
    llvm::outs() << "all " << len;
  else
    llvm::outs() << r.rows.size() << " of " << len;
  llvm::outs() << " query rows: max|out - ref| = "
               << llvm::format("%.3g", report->maxError) << ", bound "
               << llvm::format("%.3g", report->bound)
               << " (2 x naive-in-input-precision error + 1e-5)\n";
  if (results.size() < 2 || !r.hasLse)
    return report->pass;
  // The LSE [B, Hq, Sq], on the same rows and under the same rule; a fully
  // masked row must give -inf exactly.
  auto lse = reference::compareWithTolerance(
      toHostTensor(results[1]), r.ref.lse, r.naive.lse, {2, r.rows});
  if (!lse)
    fail("--check: LSE: " + llvm::toString(lse.takeError()));
  llvm::outs() << "LSE " << (lse->pass ? "matched" : "DID NOT MATCH")
               << " the fp64 reference: max|lse - ref| = "
               << llvm::format("%.3g", lse->maxError) << ", bound "
               << llvm::format("%.3g", lse->bound) << "\n";
  return report->pass && lse->pass;
}

/// `t` restricted to the indices `rows` of dimension `axis`, as float32.
static runtime::NpyArray selectRows(const reference::HostTensor &t,
                                    unsigned axis,
                                    const std::vector<int64_t> &rows) {
  std::vector<int64_t> shape = t.shape;
  shape[axis] = static_cast<int64_t>(rows.size());
  int64_t inner = 1;
  for (size_t d = axis + 1; d < t.shape.size(); ++d)
    inner *= t.shape[d];
  int64_t outer = 1;
  for (unsigned d = 0; d < axis; ++d)
    outer *= t.shape[d];
  std::vector<float> values;
  values.reserve(outer * rows.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t row : rows)
      for (int64_t i = 0; i < inner; ++i)
        values.push_back(
            static_cast<float>(t.data[(o * t.shape[axis] + row) * inner + i]));
  return runtime::makeNpyFloat32(shape, values);
}

/// --write-reference: the reference and naive outputs on the sampled rows.
static void writeReferenceRows(llvm::StringRef spec, llvm::StringRef entryName,
                               const std::vector<Buffer> &inputs,
                               const std::string &dir) {
  ReferenceRows r =
      computeReferenceRows(spec, entryName, inputs, "--write-reference");
  int64_t len = r.length;
  std::vector<int64_t> rows = r.rows;
  if (rows.empty()) {
    rows.resize(len);
    std::iota(rows.begin(), rows.end(), 0);
  }
  std::vector<std::pair<std::string, runtime::NpyArray>> files;
  runtime::NpyArray rowArray;
  rowArray.dtype = "<i8";
  rowArray.shape = {static_cast<int64_t>(rows.size())};
  rowArray.bytes.resize(rows.size() * 8);
  std::memcpy(rowArray.bytes.data(), rows.data(), rows.size() * 8);
  files.push_back({"rows.npy", rowArray});
  files.push_back({"ref.npy", selectRows(r.ref.output, r.seqAxis, rows)});
  files.push_back({"naive.npy", selectRows(r.naive.output, r.seqAxis, rows)});
  if (r.hasLse) {
    files.push_back({"ref_lse.npy", selectRows(r.ref.lse, 2, rows)});
    files.push_back({"naive_lse.npy", selectRows(r.naive.lse, 2, rows)});
  }
  if (auto ec = llvm::sys::fs::create_directories(dir))
    fail("--write-reference: " + dir + ": " + ec.message());
  for (auto &[name, array] : files) {
    std::string error;
    if (!runtime::writeNpy(dir + "/" + name, array, error))
      fail(error);
  }
  llvm::outs() << "wrote the reference on " << rows.size() << " of " << len
               << " query rows to " << dir << "\n";
}

static std::vector<std::string> splitList(llvm::StringRef list) {
  std::vector<std::string> items;
  llvm::SmallVector<llvm::StringRef> parts;
  list.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef p : parts)
    items.push_back(p.trim().str());
  return items;
}

/// Runs the compiled CPU kernel; with --repeat, prints the median time.
static void runOnCpu(CpuKernel &kernel, std::vector<Buffer> &inputs,
                     std::vector<Buffer> &results) {
  std::vector<HostBuffer> in, out;
  for (Buffer &b : inputs)
    in.push_back(b.host());
  for (Buffer &b : results)
    out.push_back(b.host());
  if (auto err = kernel.run(in, out))
    fail(llvm::toString(std::move(err)));
  if (repeat > 0) {
    std::vector<double> times;
    for (unsigned r = 0; r < repeat; ++r) {
      auto start = std::chrono::steady_clock::now();
      if (auto err = kernel.run(in, out))
        fail(llvm::toString(std::move(err)));
      times.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count());
    }
    std::sort(times.begin(), times.end());
    llvm::outs() << "median time: "
                 << llvm::format("%.3f", times[times.size() / 2]) << " ms over "
                 << repeat << " runs (" << device << ")\n";
  }
}

/// The spec's entry compiled for the GPU through the JIT API (its disk
/// cache serves repeated runs).
static runtime::KernelPackage compileForGpu(llvm::StringRef spec,
                                            llvm::StringRef entryName) {
  jit::Compiler compiler;
  jit::CompileOptions options;
  options.chip = chip;
  options.entry = entryName.str();
  auto kernel = compiler.compile(spec, options);
  if (!kernel)
    fail(llvm::toString(kernel.takeError()));
  return (*kernel)->package();
}

/// Runs the spec on the GPU through the runtime (inputs converted to the
/// package's dtypes, outputs back as float32).
static void runOnGpu(llvm::StringRef spec, llvm::StringRef entryName,
                     std::vector<Buffer> &inputs,
                     std::vector<Buffer> &results) {
  runtime::KernelPackage package = compileForGpu(spec, entryName);
  std::vector<runtime::NpyArray> arrays;
  for (Buffer &b : inputs) {
    mlir::Type t = b.elementType;
    if (t.isF32() || t.isF16() || t.isBF16()) {
      arrays.push_back(runtime::makeNpyFloat32(b.shape, toFloats(b)));
      continue;
    }
    runtime::NpyArray a;
    a.dtype = t.isInteger(64)   ? "<i8"
              : t.isInteger(32) ? "<i4"
              : t.isInteger(1)  ? "|b1"
                                : "|i1";
    a.shape = b.shape;
    a.bytes = b.bytes;
    arrays.push_back(std::move(a));
  }
  auto run = runtime::runOnHost(package, arrays, repeat, repeat ? 1 : 0);
  if (!run.ok())
    fail(run.message());
  for (auto [result, array] : llvm::zip(results, run->outputs)) {
    result.elementType =
        mlir::Float32Type::get(result.elementType.getContext());
    result.shape = array.shape;
    result.bytes = array.bytes;
  }
  if (repeat > 0)
    llvm::outs() << "median time: " << llvm::format("%.3f", run->medianMs)
                 << " ms over " << repeat << " runs (cuda, " << run->deviceName
                 << ")\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "attn-run: run an attn spec\n");

  if (device != "cpu" && device != "cuda")
    fail("unknown device '" + device + "', expected cpu or cuda");

  auto file = llvm::MemoryBuffer::getFile(specPath);
  if (!file)
    fail(specPath + ": " + file.getError().message());
  auto kernel = CpuKernel::compile((*file)->getBuffer(), entry);
  if (!kernel)
    fail(llvm::toString(kernel.takeError()));
  const EntrySignature &sig = (*kernel)->getSignature();

  // Inputs: files, or N(0, 1) draws for float arguments.
  std::vector<Buffer> inputs;
  std::vector<std::string> inputPaths = splitList(inputsOpt);
  if (!inputPaths.empty() && inputPaths.size() != sig.inputs.size())
    fail("the entry takes " + llvm::Twine(sig.inputs.size()) +
         " inputs, --inputs names " + llvm::Twine(inputPaths.size()));
  for (size_t i = 0; i < sig.inputs.size(); ++i) {
    mlir::RankedTensorType type = sig.inputs[i];
    runtime::NpyArray array;
    std::string name;
    if (!inputPaths.empty() && inputPaths[i] != "@") {
      name = inputPaths[i];
      std::string error;
      if (!runtime::readNpy(name, array, error))
        fail(error);
    } else {
      name = "input " + std::to_string(i);
      if (!type.getElementType().isFloat() || !type.hasStaticShape())
        fail(name + " is not a float tensor of static shape: give --inputs");
      // The portable generator: attn-launch draws the same bits.
      std::vector<float> values =
          runtime::normalInputs(seed, i, type.getNumElements());
      array = runtime::makeNpyFloat32(
          std::vector<int64_t>(type.getShape().begin(), type.getShape().end()),
          values);
    }
    if (static_cast<int64_t>(array.shape.size()) != type.getRank())
      fail(name + ": rank " + llvm::Twine(array.shape.size()) +
           ", the spec expects " + llvm::Twine(type.getRank()));
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (!type.isDynamicDim(d) && type.getDimSize(d) != array.shape[d])
        fail(name + ": extent " + llvm::Twine(array.shape[d]) + " in dim " +
             llvm::Twine(d) + ", the spec expects " +
             llvm::Twine(type.getDimSize(d)));
    inputs.push_back(toBuffer(array, type.getElementType(), name));
  }

  if (!writeReference.empty()) {
    writeReferenceRows((*file)->getBuffer(), (*kernel)->getEntryName(), inputs,
                       writeReference);
    return 0;
  }

  // Results, shaped from the inputs.
  std::vector<std::vector<int64_t>> inputShapes;
  for (Buffer &b : inputs)
    inputShapes.push_back(b.shape);
  auto shapes = (*kernel)->inferResultShapes(inputShapes);
  if (!shapes)
    fail(llvm::toString(shapes.takeError()));
  std::vector<Buffer> results;
  for (auto [type, shape] : llvm::zip(sig.results, *shapes)) {
    Buffer b{type.getElementType(), shape, {}};
    b.bytes.assign(product(shape) * byteWidth(b.elementType), 0xff);
    results.push_back(std::move(b));
  }
  std::vector<std::string> outputPaths = splitList(outputsOpt);
  if (outputPaths.size() > results.size())
    fail("the entry returns " + llvm::Twine(results.size()) +
         " results, --outputs names " + llvm::Twine(outputPaths.size()));

  if (device == "cuda")
    runOnGpu((*file)->getBuffer(), (*kernel)->getEntryName(), inputs, results);
  else
    runOnCpu(**kernel, inputs, results);

  int status = 0;
  if (check && !checkWithReference((*file)->getBuffer(),
                                   (*kernel)->getEntryName(), inputs, results))
    status = 2;

  for (auto [path, result] : llvm::zip(outputPaths, results)) {
    std::string error;
    if (!runtime::writeNpyFloat32(path, result.shape, toFloats(result), error))
      fail(error);
  }
  llvm::outs() << "attn-run: ran @" << (*kernel)->getEntryName() << " on "
               << device << "\n";
  return status;
}
