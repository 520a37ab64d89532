//===- attn-launch.cpp - Run a kernel package on the GPU ------------------===//
//
//   attn-launch PKG.attnpkg [--inputs a.npy,@,...] [--seed S]
//               [--dims SYM=N,...] [--outputs o.npy[,lse.npy]]
//               [--repeat N] [--warmup N]
//               [--check REF.npy,NAIVE.npy,ROWS.npy[,REFLSE.npy,NAIVELSE.npy]]
//
// Loads a kernel package (docs/kernel-package.md), reads the inputs in the
// package's order (float32 data is rounded to the package's dtype; `@`, or
// no --inputs at all, draws a float input from N(0, 1) with --seed, the
// same bits as attn-run draws), runs the kernel once on the GPU with its
// outputs poisoned, and writes each output as float32 .npy. With --repeat
// N, prints the median time of N launches timed with CUDA events, after
// --warmup launches. With --check, compares the output (and the LSE) on the
// query rows listed in ROWS.npy with a reference computed elsewhere, e.g.
// by attn-run on a machine without a GPU, under FlashAttention's rule, and
// exits with 2 on a mismatch. Every error is one line on stderr and exit
// status 1, with no output file written. Links only the runtime: no LLVM.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/KernelPackage.h"
#include "attn/Runtime/Launcher.h"
#include "attn/Runtime/Npy.h"
#include "attn/Runtime/RandomInputs.h"
#include "attn/Runtime/ReferenceCheck.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using namespace attn::runtime;

namespace {

constexpr const char *kUsage =
    "usage: attn-launch PKG.attnpkg [--inputs a.npy,@,...] [--seed S]\n"
    "                   [--dims SYM=N,...] [--outputs o.npy[,lse.npy]]\n"
    "                   [--repeat N] [--warmup N]\n"
    "                   [--check "
    "REF.npy,NAIVE.npy,ROWS.npy[,REFLSE.npy,NAIVELSE.npy]]\n"
    "\n"
    "Runs a kernel package on the GPU and writes its outputs as float32 .npy.\n"
    "  --inputs   one .npy per package input, in order; '@' (or no --inputs)\n"
    "             draws a float input from N(0, 1) with --seed\n"
    "  --seed     seed of the random inputs (default 0)\n"
    "  --dims     symbol values for random inputs, e.g. B=2,SQ=4096\n"
    "  --outputs  where to write the outputs (float32 .npy)\n"
    "  --repeat   time N launches with CUDA events, print the median\n"
    "  --warmup   launches before the timed ones (default 0)\n"
    "  --check    compare with a reference on the rows ROWS.npy lists\n"
    "             (exit 2 on a mismatch)\n";

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "attn-launch: error: %s\n", message.c_str());
  std::exit(1);
}

std::vector<std::string> splitList(const std::string &option,
                                   const std::string &list) {
  std::vector<std::string> items;
  size_t begin = 0;
  while (true) {
    size_t comma = list.find(',', begin);
    std::string item = list.substr(begin, comma - begin);
    if (item.empty())
      fail(option + ": empty item in '" + list + "'");
    items.push_back(item);
    if (comma == std::string::npos)
      return items;
    begin = comma + 1;
  }
}

std::optional<uint64_t> parseUnsigned(const std::string &text, uint64_t max) {
  if (text.empty() || text.size() > 20)
    return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (max - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

struct Options {
  std::string package;
  std::optional<std::string> inputs, outputs, dims, check;
  uint64_t seed = 0;
  unsigned repeat = 0, warmup = 0;
};

Options parseOptions(int argc, char **argv) {
  Options options;
  auto number = [](const std::string &name, const std::string &text,
                   uint64_t max) {
    std::optional<uint64_t> v = parseUnsigned(text, max);
    if (!v)
      fail(name + ": expected a non-negative integer up to " +
           std::to_string(max) + ", got '" + text + "'");
    return *v;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg.compare(0, 2, "--") != 0) {
      if (!options.package.empty())
        fail("more than one package: '" + options.package + "' and '" + arg +
             "'");
      options.package = arg;
      continue;
    }
    std::string name = arg, value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (name == "--inputs" || name == "--outputs" || name == "--dims" ||
               name == "--check" || name == "--seed" || name == "--repeat" ||
               name == "--warmup") {
      if (i + 1 >= argc)
        fail(name + " needs a value");
      value = argv[++i];
    }
    if (name == "--inputs")
      options.inputs = value;
    else if (name == "--outputs")
      options.outputs = value;
    else if (name == "--dims")
      options.dims = value;
    else if (name == "--check")
      options.check = value;
    else if (name == "--seed")
      options.seed = number(name, value, std::numeric_limits<uint64_t>::max());
    else if (name == "--repeat")
      options.repeat = static_cast<unsigned>(number(name, value, 1000000));
    else if (name == "--warmup")
      options.warmup = static_cast<unsigned>(number(name, value, 1000000));
    else
      fail("unknown option '" + name + "' (see --help)");
  }
  if (options.package.empty())
    fail("no package given (see --help)");
  return options;
}

/// `--dims B=2,SQ=4096` as symbol values, each symbol declared.
SymbolValues parseDims(const KernelPackage &package, const std::string &list) {
  SymbolValues values;
  for (const std::string &item : splitList("--dims", list)) {
    size_t eq = item.find('=');
    if (eq == std::string::npos)
      fail("--dims: expected SYM=N, got '" + item + "'");
    std::string symbol = item.substr(0, eq);
    bool declared = false;
    for (const std::string &s : package.symbols)
      declared |= s == symbol;
    if (!declared)
      fail("--dims: the package declares no symbol '" + symbol + "'");
    std::optional<uint64_t> value =
        parseUnsigned(item.substr(eq + 1), std::numeric_limits<int64_t>::max());
    if (!value)
      fail("--dims: bad value in '" + item + "'");
    if (!values.emplace(symbol, static_cast<int64_t>(*value)).second)
      fail("--dims: " + symbol + " given twice");
  }
  return values;
}

/// The inputs: files, or N(0, 1) draws shaped from the symbols the files
/// and --dims bind.
std::vector<NpyArray> readInputs(const KernelPackage &package,
                                 const Options &options) {
  size_t count = package.inputs.size();
  std::vector<std::string> paths;
  if (options.inputs) {
    paths = splitList("--inputs", *options.inputs);
    if (paths.size() != count)
      fail("the package takes " + std::to_string(count) +
           " inputs, --inputs names " + std::to_string(paths.size()));
  } else {
    paths.assign(count, "@");
  }
  SymbolValues values;
  if (options.dims)
    values = parseDims(package, *options.dims);
  std::vector<NpyArray> arrays(count);
  for (size_t i = 0; i < count; ++i) {
    if (paths[i] == "@")
      continue;
    std::string error;
    if (!readNpy(paths[i], arrays[i], error))
      fail(error);
    if (Status s = bindInput(package, i, arrays[i].shape, values); !s.ok())
      fail(paths[i] + ": " + s.message());
  }
  for (size_t i = 0; i < count; ++i) {
    if (paths[i] != "@")
      continue;
    const TensorDecl &input = package.inputs[i];
    if (!isFloat(input.dtype))
      fail("input " + input.name + " is " + stringify(input.dtype) +
           ", which is not drawn at random: give it with --inputs");
    for (const Extent &extent : input.dims)
      if (extent.isSymbol() && !values.count(extent.symbol))
        fail("input " + input.name + ": no input file binds symbol " +
             extent.symbol + ": give --dims " + extent.symbol + "=<extent>");
    Result<std::vector<int64_t>> shape = tensorShape(input, values);
    if (!shape.ok())
      fail("input " + shape.message());
    int64_t n = numElements(*shape);
    // Beyond any GPU's memory; refused here rather than failing to allocate.
    constexpr int64_t kMaxRandomElements = int64_t(1) << 34;
    if (n > kMaxRandomElements)
      fail("input " + input.name + " of shape " + shapeString(*shape) +
           " has more than 2^34 elements to draw");
    arrays[i] = makeNpyFloat32(*shape, normalInputs(options.seed,
                                                    static_cast<unsigned>(i),
                                                    static_cast<size_t>(n)));
  }
  return arrays;
}

/// One comparison of --check: a reference, its naive twin, and where its
/// rows lie in the output.
struct CheckFiles {
  std::vector<double> reference, naive;
  std::vector<int64_t> shape;
  RowMapping mapping;
};

std::vector<double> readFloats(const std::string &path,
                               std::vector<int64_t> &shape) {
  NpyArray array;
  std::string error;
  if (!readNpy(path, array, error))
    fail("--check: " + error);
  if (!npyIsFloat(array.dtype))
    fail("--check: " + path + ": dtype " + array.dtype +
         " where a float64 or float32 reference is expected");
  std::vector<double> values;
  if (!npyToDouble(array, values, error))
    fail("--check: " + path + ": " + error);
  shape = array.shape;
  return values;
}

CheckFiles readCheckFiles(const std::string &refPath,
                          const std::string &naivePath,
                          const std::vector<int64_t> &rows,
                          const std::vector<int64_t> &outputShape,
                          const std::string &what) {
  CheckFiles files;
  std::vector<int64_t> naiveShape;
  files.reference = readFloats(refPath, files.shape);
  files.naive = readFloats(naivePath, naiveShape);
  Result<RowMapping> mapping =
      matchReferenceRows(outputShape, files.shape, naiveShape, rows);
  if (!mapping.ok())
    fail("--check: " + refPath + ": " + what + ": " + mapping.message());
  files.mapping = mapping.take();
  return files;
}

/// Prints the comparison and says whether it passed.
bool report(const char *what, const CheckFiles &files, const NpyArray &output) {
  std::vector<float> values;
  std::string error;
  if (!npyToFloat(output, values, error))
    fail(error);
  ToleranceReport r =
      compareWithReference(values, output.shape, files.reference, files.naive,
                           files.shape, files.mapping);
  std::string rows = files.mapping.axis < 0
                         ? "all"
                         : std::to_string(files.mapping.rows.size()) + " of " +
                               std::to_string(output.shape[files.mapping.axis]);
  std::printf("%s%s the fp64 reference on %s query rows: max|%s - ref| = "
              "%.3g, bound %.3g (2 x naive-in-input-precision error + 1e-5)\n",
              what, r.pass ? "matched" : "DID NOT MATCH", rows.c_str(),
              *what ? "lse" : "out", r.maxError, r.bound);
  return r.pass;
}

} // namespace

int main(int argc, char **argv) {
  Options options = parseOptions(argc, argv);
  Result<KernelPackage> package = readKernelPackage(options.package);
  if (!package.ok())
    fail(package.message());

  std::vector<NpyArray> inputs = readInputs(*package, options);
  std::vector<std::vector<int64_t>> inputShapes;
  for (const NpyArray &input : inputs)
    inputShapes.push_back(input.shape);
  Result<SymbolValues> symbols = bindSymbols(*package, inputShapes);
  if (!symbols.ok())
    fail(symbols.message());
  Result<std::vector<std::vector<int64_t>>> shapes =
      outputShapes(*package, *symbols);
  if (!shapes.ok())
    fail(shapes.message());

  std::vector<std::string> outputPaths;
  if (options.outputs) {
    outputPaths = splitList("--outputs", *options.outputs);
    if (outputPaths.size() > package->outputs.size())
      fail("the package has " + std::to_string(package->outputs.size()) +
           " outputs, --outputs names " + std::to_string(outputPaths.size()));
  }

  // The check files, read and matched to the output shapes before the run.
  std::vector<CheckFiles> checks;
  if (options.check) {
    std::vector<std::string> paths = splitList("--check", *options.check);
    if (paths.size() != 3 && paths.size() != 5)
      fail("--check takes REF.npy,NAIVE.npy,ROWS.npy and optionally "
           "REFLSE.npy,NAIVELSE.npy, got " +
           std::to_string(paths.size()) + " files");
    if (paths.size() == 5 && package->outputs.size() < 2)
      fail("--check: LSE references given, but the package has " +
           std::to_string(package->outputs.size()) + " output");
    if (package->outputs.empty())
      fail("--check: the package has no output");
    NpyArray rowsArray;
    std::string error;
    std::vector<int64_t> rows;
    if (!readNpy(paths[2], rowsArray, error))
      fail("--check: " + error);
    if (npyIsFloat(rowsArray.dtype) || rowsArray.shape.size() != 1)
      fail("--check: " + paths[2] + ": expected a 1-d array of integer " +
           "query positions, got dtype " + rowsArray.dtype + " of shape " +
           shapeString(rowsArray.shape));
    if (!npyToInt64(rowsArray, rows, error))
      fail("--check: " + paths[2] + ": " + error);
    checks.push_back(
        readCheckFiles(paths[0], paths[1], rows, (*shapes)[0], "output"));
    if (paths.size() == 5)
      checks.push_back(
          readCheckFiles(paths[3], paths[4], rows, (*shapes)[1], "LSE"));
  }

  Result<HostRun> run =
      runOnHost(*package, inputs, options.repeat, options.warmup);
  if (!run.ok())
    fail(run.message());
  if (options.repeat > 0)
    std::printf("median time: %.3f ms over %u runs (cuda)\n", run->medianMs,
                options.repeat);

  int status = 0;
  for (size_t i = 0; i < checks.size(); ++i)
    if (!report(i == 0 ? "" : "LSE ", checks[i], run->outputs[i]))
      status = 2;

  // Written after a mismatch too: the run itself succeeded, and the files
  // are what one inspects next.
  for (size_t i = 0; i < outputPaths.size(); ++i) {
    std::string error;
    if (!writeNpy(outputPaths[i], run->outputs[i], error))
      fail(error);
  }
  std::printf("attn-launch: ran %s on %s\n", package->entry.c_str(),
              run->deviceName.c_str());
  std::fflush(stdout);
  return status;
}
