//===- JIT.h - Compile attention specs, cache them, launch them -*- C++ -*-===//
//
// The C++ JIT API. A spec (MLIR text, or built with AttentionSpec for the
// common masks) is compiled for the GPU (a kernel package: PTX + manifest)
// or for the CPU (a JIT-compiled function), and cached:
//   - in memory, per Compiler, keyed by the spec, the target, the options
//     and the compiler's version (a hash of its sources, taken at build
//     time: a rebuilt compiler never trusts an older one's entries);
//   - on disk for GPU packages, one file per key under the cache directory,
//     written atomically; an entry whose recorded key or digest does not
//     match its contents (truncated, edited, from another compiler) is
//     rebuilt and rewritten, never trusted.
// Compiling is safe from several threads: concurrent requests for one key
// compile once. Errors are llvm::Error values, never aborts.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_JIT_JIT_H
#define ATTN_JIT_JIT_H

#include "attn/Runtime/KernelPackage.h"
#include "attn/Runtime/Launcher.h"
#include "attn/Target/CPU/CpuKernel.h"

#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace attn::jit {

enum class Target { Cpu, Cuda };

struct CompileOptions {
  Target target = Target::Cuda;
  /// GPU: the chip (sm_80, sm_90, sm_90a) and query rows per block (0:
  /// chosen per entry, as attn-to-ptx's block-q).
  std::string chip = "sm_90a";
  int64_t blockQ = 0;
  /// GPU, sm_90a: wgmma for the tensor-core kernel where both head dims
  /// are multiples of 64 (attn-to-ptx's warpgroup-mma); false: mma.sync.
  bool warpgroupMma = true;
  /// The entry function (empty: the function holding attn.attention).
  std::string entry;
};

/// The compiler's version, part of every cache key: the LLVM version and a
/// hash of the compiler's sources at build time (cmake/BuildId.cmake), so a
/// compiler rebuilt from other sources, committed or not, never trusts what
/// an older build cached.
llvm::StringRef compilerVersion();

/// The cache key of a spec compiled with `options` (hex SHA-256).
std::string cacheKey(llvm::StringRef spec, const CompileOptions &options);

/// A compiled spec. GPU kernels load their module on first launch.
class Kernel {
public:
  Target target() const { return tgt; }
  const std::string &key() const { return cacheKeyHex; }
  /// GPU: the package (manifest and PTX).
  const runtime::KernelPackage &package() const { return pkg; }
  /// CPU: the JIT-compiled function.
  CpuKernel *cpuKernel() const { return cpu.get(); }

  /// GPU: launches on `stream` (a CUstream, null for the default stream)
  /// with device pointers, input shapes and optional strides (see
  /// runtime::LaunchArguments).
  runtime::Status launch(const runtime::LaunchArguments &arguments);

private:
  friend class Compiler;
  Target tgt = Target::Cuda;
  std::string cacheKeyHex;
  runtime::KernelPackage pkg;
  std::unique_ptr<CpuKernel> cpu;
  std::mutex loadMutex;
  std::unique_ptr<runtime::GpuModule> module;
};

struct CacheStats {
  /// Requests served from memory, from disk, compiled (no usable entry),
  /// and disk entries found damaged or stale and rebuilt.
  uint64_t memoryHits = 0, diskHits = 0, compiled = 0, rebuilt = 0;
};

class Compiler {
public:
  /// `cacheDir` empty: $ATTN_CACHE_DIR, else $XDG_CACHE_HOME/attn, else
  /// ~/.cache/attn; "-" disables the disk cache.
  explicit Compiler(std::string cacheDir = "");

  /// Compiles `spec` (MLIR text) or returns the cached kernel.
  llvm::Expected<std::shared_ptr<Kernel>>
  compile(llvm::StringRef spec, const CompileOptions &options = {});

  CacheStats stats() const;
  const std::string &cacheDirectory() const { return dir; }

private:
  llvm::Expected<std::shared_ptr<Kernel>> build(const std::string &spec,
                                                const CompileOptions &options,
                                                const std::string &key);
  std::string dir;
  mutable std::mutex mutex;
  std::map<std::string, std::shared_future<std::shared_ptr<Kernel>>> kernels;
  std::map<std::string, std::string> failures;
  std::atomic<uint64_t> memoryHits{0}, diskHits{0}, compiled{0}, rebuilt{0};
};

/// A small builder for the common cases: one attn.attention with Q [B, Hq,
/// Sq, D], K/V [B, Hkv, Sk, D|Dv] (bhsd), batch and lengths dynamic.
struct AttentionSpec {
  std::string name = "attention";
  int64_t qHeads = 8, kvHeads = 8, headDim = 64, valueDim = 0; // 0: headDim
  std::string elementType = "bf16";
  /// A mask expression, e.g. "causal & window(1024)"; empty: none.
  std::string mask;
  bool returnLse = false;
  /// The spec as MLIR text.
  std::string str() const;
};

} // namespace attn::jit

#endif // ATTN_JIT_JIT_H
