//===- JIT.cpp - Compile attention specs, cache them, launch them ---------===//

#include "attn/JIT/JIT.h"

#include "attn/Conversion/Passes.h"
#include "attn/InitAll.h"
#include "attn/Pipelines/Entry.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

// ATTN_BUILD_ID: a hash of the compiler's sources (cmake/BuildId.cmake).
#include "BuildId.h"

using namespace attn;
using namespace attn::jit;

llvm::StringRef jit::compilerVersion() {
  static const std::string version = std::string("attn 0.1 (LLVM ") +
                                     std::to_string(LLVM_VERSION_MAJOR) + "." +
                                     std::to_string(LLVM_VERSION_MINOR) +
                                     ", build " + ATTN_BUILD_ID + ")";
  return version;
}

static std::string sha256Hex(llvm::StringRef data) {
  llvm::SHA256 hash;
  hash.update(data);
  std::array<uint8_t, 32> digest = hash.final();
  return llvm::toHex(digest, /*LowerCase=*/true);
}

std::string jit::cacheKey(llvm::StringRef spec, const CompileOptions &o) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << compilerVersion() << "\n"
     << (o.target == Target::Cuda ? "cuda" : "cpu") << "\n"
     << o.chip << "\n"
     << o.blockQ << "\n"
     << (o.warpgroupMma ? "wgmma" : "mma.sync") << "\n"
     << o.entry << "\n"
     << spec;
  return sha256Hex(text);
}

//===----------------------------------------------------------------------===//
// Kernel
//===----------------------------------------------------------------------===//

runtime::Status Kernel::launch(const runtime::LaunchArguments &arguments) {
  if (tgt != Target::Cuda)
    return runtime::Status::error("launch: the kernel was compiled for the "
                                  "CPU; run it with cpuKernel()->run");
  {
    std::lock_guard<std::mutex> lock(loadMutex);
    if (!module) {
      auto loaded = runtime::GpuModule::load(pkg);
      if (!loaded.ok())
        return loaded.status();
      module = loaded.take();
    }
  }
  return runtime::launch(*module, arguments);
}

//===----------------------------------------------------------------------===//
// Compiler
//===----------------------------------------------------------------------===//

static std::string defaultCacheDir() {
  if (const char *dir = std::getenv("ATTN_CACHE_DIR"); dir && *dir)
    return dir;
  llvm::SmallString<256> path;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    path = xdg;
  } else if (const char *home = std::getenv("HOME"); home && *home) {
    path = home;
    llvm::sys::path::append(path, ".cache");
  } else {
    return "-";
  }
  llvm::sys::path::append(path, "attn");
  return std::string(path);
}

Compiler::Compiler(std::string cacheDir)
    : dir(cacheDir.empty() ? defaultCacheDir() : std::move(cacheDir)) {}

CacheStats Compiler::stats() const {
  return {memoryHits.load(), diskHits.load(), compiled.load(), rebuilt.load()};
}

llvm::Expected<std::shared_ptr<Kernel>>
Compiler::compile(llvm::StringRef spec, const CompileOptions &options) {
  std::string key = cacheKey(spec, options);
  std::shared_future<std::shared_ptr<Kernel>> pending;
  std::promise<std::shared_ptr<Kernel>> promise;
  bool mine = false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = kernels.find(key);
    if (it != kernels.end()) {
      pending = it->second;
    } else {
      pending = promise.get_future().share();
      kernels.emplace(key, pending);
      mine = true;
    }
  }
  if (!mine) {
    std::shared_ptr<Kernel> kernel = pending.get();
    if (kernel) {
      ++memoryHits;
      return kernel;
    }
    std::lock_guard<std::mutex> lock(mutex);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   failures[key]);
  }
  llvm::Expected<std::shared_ptr<Kernel>> built =
      build(spec.str(), options, key);
  if (!built) {
    std::string message = llvm::toString(built.takeError());
    {
      std::lock_guard<std::mutex> lock(mutex);
      failures[key] = message;
      // Later requests try again rather than repeat a stale failure.
      kernels.erase(key);
    }
    promise.set_value(nullptr);
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  }
  promise.set_value(*built);
  return built;
}

/// The disk entry: two header lines naming the key and the SHA-256 of the
/// package that follows, then the package.
static constexpr llvm::StringLiteral kKeyLine = "# attn-cache-key ";
static constexpr llvm::StringLiteral kDigestLine = "# attn-cache-sha256 ";

/// The package of a disk entry, if the entry is whole and for this key.
static std::optional<runtime::KernelPackage> readEntry(llvm::StringRef contents,
                                                       llvm::StringRef key) {
  auto [keyLine, rest] = contents.split('\n');
  auto [digestLine, body] = rest.split('\n');
  if (!keyLine.consume_front(kKeyLine) || keyLine != key ||
      !digestLine.consume_front(kDigestLine) || digestLine != sha256Hex(body))
    return std::nullopt;
  auto package = runtime::parseKernelPackage(body.str());
  if (!package.ok())
    return std::nullopt;
  return package.take();
}

/// Keeps only the entry function (findEntryFunction's rule).
static llvm::Error selectEntry(mlir::ModuleOp module, llvm::StringRef entry) {
  llvm::Expected<mlir::func::FuncOp> chosen = findEntryFunction(module, entry);
  if (!chosen)
    return chosen.takeError();
  for (auto fn :
       llvm::make_early_inc_range(module.getOps<mlir::func::FuncOp>()))
    if (fn != *chosen)
      fn.erase();
  return llvm::Error::success();
}

/// The kernel package of `spec` for the GPU, from the compiler.
static llvm::Expected<runtime::KernelPackage>
compilePackage(const std::string &spec, const CompileOptions &options) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  std::string diagnostics;
  llvm::raw_string_ostream diag(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
      diag << d.getLocation() << ": " << d.str() << "; ";
    return mlir::success();
  });
  auto fail = [&](llvm::StringRef what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   what + ": " + diagnostics);
  };
  auto module = mlir::parseSourceString<mlir::ModuleOp>(spec, &context);
  if (!module)
    return fail("the spec does not parse");
  if (llvm::Error err = selectEntry(*module, options.entry))
    return std::move(err);
  mlir::PassManager pm(&context);
  AttnToPtxOptions ptx;
  ptx.chip = options.chip;
  ptx.blockQ = options.blockQ;
  ptx.warpgroupMma = options.warpgroupMma;
  buildAttnToPtxPipeline(pm, ptx);
  if (mlir::failed(pm.run(*module)))
    return fail("the GPU pipeline failed");
  std::string text;
  llvm::raw_string_ostream os(text);
  if (mlir::failed(writeKernelPackage(*module, os)))
    return fail("no kernel package");
  auto package = runtime::parseKernelPackage(text);
  if (!package.ok())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the kernel package: " + package.message());
  return package.take();
}

llvm::Expected<std::shared_ptr<Kernel>>
Compiler::build(const std::string &spec, const CompileOptions &options,
                const std::string &key) {
  auto kernel = std::make_shared<Kernel>();
  kernel->tgt = options.target;
  kernel->cacheKeyHex = key;
  if (options.target == Target::Cpu) {
    auto cpu = CpuKernel::compile(spec, options.entry);
    if (!cpu)
      return cpu.takeError();
    kernel->cpu = std::move(*cpu);
    ++compiled;
    return kernel;
  }

  bool useDisk = dir != "-";
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, key + ".attnpkg");
  if (useDisk && llvm::sys::fs::exists(path)) {
    if (auto file = llvm::MemoryBuffer::getFile(path)) {
      if (auto package = readEntry((*file)->getBuffer(), key)) {
        kernel->pkg = std::move(*package);
        ++diskHits;
        return kernel;
      }
    }
    // Damaged, truncated or not this key's: rebuilt below, never trusted.
    ++rebuilt;
  }
  auto package = compilePackage(spec, options);
  if (!package)
    return package.takeError();
  kernel->pkg = std::move(*package);
  ++compiled;
  if (useDisk) {
    std::string body = runtime::serializeKernelPackage(kernel->pkg);
    // A cache that cannot be written only costs the next compile.
    if (!llvm::sys::fs::create_directories(dir)) {
      llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        os << kKeyLine << key << "\n"
           << kDigestLine << sha256Hex(body) << "\n"
           << body;
        return llvm::Error::success();
      });
      llvm::consumeError(std::move(err));
    }
  }
  return kernel;
}

//===----------------------------------------------------------------------===//
// AttentionSpec
//===----------------------------------------------------------------------===//

std::string AttentionSpec::str() const {
  int64_t dv = valueDim > 0 ? valueDim : headDim;
  auto tensor = [&](int64_t heads, int64_t dim) {
    return "tensor<?x" + std::to_string(heads) + "x?x" + std::to_string(dim) +
           "x" + elementType + ">";
  };
  std::string q = tensor(qHeads, headDim), k = tensor(kvHeads, headDim),
              v = tensor(kvHeads, dv), o = tensor(qHeads, dv);
  std::string lse = "tensor<?x" + std::to_string(qHeads) + "x?xf32>";
  std::string attrs;
  if (!mask.empty())
    attrs = "mask = #attn.mask<" + mask + ">";
  if (returnLse)
    attrs += std::string(attrs.empty() ? "" : ", ") + "return_lse";
  std::string results = returnLse ? "(" + o + ", " + lse + ")" : o;
  std::string s = "func.func @" + name + "(%q: " + q + ", %k: " + k +
                  ", %v: " + v + ") -> " + results + " {\n  ";
  s += returnLse ? "%o, %l = " : "%o = ";
  s += "attn.attention %q, %k, %v";
  if (!attrs.empty())
    s += " {" + attrs + "}";
  s += " : " + q + ", " + k + ", " + v + " -> " + o +
       (returnLse ? ", " + lse : "") + "\n  return %o" +
       (returnLse ? ", %l : " + o + ", " + lse : " : " + o) + "\n}\n";
  return s;
}
