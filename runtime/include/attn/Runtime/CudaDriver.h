//===- CudaDriver.h - The CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// The runtime reaches the GPU through the CUDA driver API, which it loads
// with dlopen instead of linking: the same binary then runs (and fails
// cleanly) on machines without a GPU, and builds need no CUDA toolkit. The
// few driver types and constants used are declared here with names of our
// own (CuResult, CuStream, ...), so this header never clashes with cuda.h.
//
// The entry points are resolved by their ABI names: the `_v2` symbols where
// the driver's headers map the API name to one (cuMemAlloc_v2,
// cuMemcpyHtoD_v2, ...), whose signatures are the 64-bit ones declared
// here; for cuEventElapsedTime, cuStreamDestroy, cuEventDestroy and
// cuDevicePrimaryCtxRelease the versioned name is tried first and the plain
// one (same signature) second. Every failure is a Status with a one-line
// message naming the call and the driver's error. Plain C++17, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_CUDADRIVER_H
#define ATTN_RUNTIME_CUDADRIVER_H

#include "attn/Runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace attn::runtime {

/// CUresult: 0 is success.
using CuResult = int;
/// CUdevice: a device ordinal.
using CuDevice = int;
/// CUdeviceptr: a device address.
using CuDevicePtr = unsigned long long;
/// CUjit_option, CUfunction_attribute, CUdevice_attribute: plain enums.
using CuJitOption = int;
using CuFunctionAttribute = int;
using CuDeviceAttribute = int;

struct CuContextOpaque;
struct CuModuleOpaque;
struct CuFunctionOpaque;
struct CuStreamOpaque;
struct CuEventOpaque;
using CuContext = CuContextOpaque *;
using CuModule = CuModuleOpaque *;
using CuFunction = CuFunctionOpaque *;
using CuStream = CuStreamOpaque *;
using CuEvent = CuEventOpaque *;

/// The values of the driver's enums that the runtime uses (from the CUDA
/// driver API, stable across versions).
namespace cu {
constexpr CuResult kSuccess = 0;
constexpr CuJitOption kJitInfoLogBuffer = 3;
constexpr CuJitOption kJitInfoLogBufferSizeBytes = 4;
constexpr CuJitOption kJitErrorLogBuffer = 5;
constexpr CuJitOption kJitErrorLogBufferSizeBytes = 6;
constexpr CuFunctionAttribute kFuncAttributeMaxDynamicSharedSizeBytes = 8;
constexpr CuDeviceAttribute kDeviceAttributeComputeCapabilityMajor = 75;
constexpr CuDeviceAttribute kDeviceAttributeComputeCapabilityMinor = 76;
constexpr CuDeviceAttribute kDeviceAttributeMaxSharedMemoryPerBlockOptin = 97;
constexpr unsigned kEventDefault = 0;
constexpr unsigned kStreamDefault = 0;
/// Dynamic shared memory a kernel may use without opting in.
constexpr uint32_t kDefaultSharedLimit = 48 * 1024;
} // namespace cu

/// The driver's entry points, resolved from one shared library. The members
/// are named after the API without the `cu` prefix (`memAlloc` is
/// cuMemAlloc_v2), so that cuda.h's macros never rename them.
class CudaDriver {
public:
  CuResult (*init)(unsigned flags) = nullptr;
  CuResult (*driverGetVersion)(int *version) = nullptr;
  CuResult (*getErrorName)(CuResult error, const char **name) = nullptr;
  CuResult (*getErrorString)(CuResult error, const char **text) = nullptr;
  CuResult (*deviceGet)(CuDevice *device, int ordinal) = nullptr;
  CuResult (*deviceGetCount)(int *count) = nullptr;
  CuResult (*deviceGetName)(char *name, int length, CuDevice device) = nullptr;
  CuResult (*deviceGetAttribute)(int *value, CuDeviceAttribute attribute,
                                 CuDevice device) = nullptr;
  CuResult (*devicePrimaryCtxRetain)(CuContext *context,
                                     CuDevice device) = nullptr;
  CuResult (*devicePrimaryCtxRelease)(CuDevice device) = nullptr;
  CuResult (*ctxGetCurrent)(CuContext *context) = nullptr;
  CuResult (*ctxSetCurrent)(CuContext context) = nullptr;
  CuResult (*ctxGetDevice)(CuDevice *device) = nullptr;
  CuResult (*ctxSynchronize)() = nullptr;
  CuResult (*moduleLoadDataEx)(CuModule *module, const void *image,
                               unsigned numOptions, CuJitOption *options,
                               void **optionValues) = nullptr;
  CuResult (*moduleGetFunction)(CuFunction *function, CuModule module,
                                const char *name) = nullptr;
  CuResult (*moduleUnload)(CuModule module) = nullptr;
  CuResult (*funcSetAttribute)(CuFunction function,
                               CuFunctionAttribute attribute,
                               int value) = nullptr;
  CuResult (*memAlloc)(CuDevicePtr *pointer, size_t bytes) = nullptr;
  CuResult (*memFree)(CuDevicePtr pointer) = nullptr;
  CuResult (*memcpyHtoD)(CuDevicePtr destination, const void *source,
                         size_t bytes) = nullptr;
  CuResult (*memcpyDtoH)(void *destination, CuDevicePtr source,
                         size_t bytes) = nullptr;
  CuResult (*memsetD8)(CuDevicePtr destination, unsigned char value,
                       size_t count) = nullptr;
  CuResult (*launchKernel)(CuFunction function, unsigned gridX, unsigned gridY,
                           unsigned gridZ, unsigned blockX, unsigned blockY,
                           unsigned blockZ, unsigned sharedBytes,
                           CuStream stream, void **kernelParams,
                           void **extra) = nullptr;
  CuResult (*streamCreate)(CuStream *stream, unsigned flags) = nullptr;
  CuResult (*streamDestroy)(CuStream stream) = nullptr;
  CuResult (*streamSynchronize)(CuStream stream) = nullptr;
  CuResult (*eventCreate)(CuEvent *event, unsigned flags) = nullptr;
  CuResult (*eventRecord)(CuEvent event, CuStream stream) = nullptr;
  CuResult (*eventSynchronize)(CuEvent event) = nullptr;
  CuResult (*eventElapsedTime)(float *milliseconds, CuEvent start,
                               CuEvent end) = nullptr;
  CuResult (*eventDestroy)(CuEvent event) = nullptr;

  CudaDriver(const CudaDriver &) = delete;
  CudaDriver &operator=(const CudaDriver &) = delete;
  /// Closes the library (the process-wide driver is never destroyed).
  ~CudaDriver();

  /// The driver library to load: $ATTN_LIBCUDA when set and not empty,
  /// else "libcuda.so.1".
  static std::string libraryPath();

  /// Loads the library at `path` and resolves every entry point; calls
  /// nothing (not even cuInit). Fails with
  /// `cannot load the CUDA driver (PATH): <dlerror text>` or
  /// `the CUDA driver (PATH) lacks the entry point cuXxx`.
  static Result<std::unique_ptr<CudaDriver>> open(const std::string &path);

  /// The process-wide driver: on first use, open(libraryPath()) and
  /// cuInit(0). Thread-safe; the outcome, a failure included, is kept for
  /// the life of the process.
  static Result<CudaDriver *> get();

  /// Success for CUDA_SUCCESS, else a failure reading
  /// `CALL: CUDA_ERROR_NAME (the driver's description)`.
  Status check(CuResult result, const char *call) const;

  /// The path this driver was loaded from.
  const std::string &path() const { return libraryName; }

private:
  CudaDriver() = default;

  void *handle = nullptr;
  std::string libraryName;
};

} // namespace attn::runtime

#endif // ATTN_RUNTIME_CUDADRIVER_H
