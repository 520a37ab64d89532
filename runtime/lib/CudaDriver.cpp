//===- CudaDriver.cpp - The CUDA driver API, loaded at run time -----------===//
//
// dlopen with RTLD_LOCAL (the driver's symbols never leak into the global
// namespace), one dlsym per entry point from a table of candidate names,
// and a function-local static for the process-wide instance, which C++11
// initialises exactly once even when threads race to it.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/CudaDriver.h"

#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include <dlfcn.h>

using namespace attn::runtime;

namespace {

constexpr const char *kDefaultLibrary = "libcuda.so.1";

/// `text` on one line: every control character becomes a space, runs of
/// spaces one space, and the ends are trimmed.
std::string oneLine(const char *text) {
  std::string out;
  for (const char *p = text; p && *p; ++p) {
    char c = (static_cast<unsigned char>(*p) < 0x20 || *p == 0x7f) ? ' ' : *p;
    if (c == ' ' && (out.empty() || out.back() == ' '))
      continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

/// Resolves `slot` to the first of `names` the library exports.
template <typename Fn>
bool resolve(void *handle, Fn &slot,
             std::initializer_list<const char *> names) {
  for (const char *name : names) {
    if (void *address = ::dlsym(handle, name)) {
      // POSIX guarantees that a data pointer from dlsym converts to a
      // function pointer.
      static_assert(sizeof(Fn) == sizeof(void *), "function pointer size");
      std::memcpy(&slot, &address, sizeof(slot));
      return true;
    }
  }
  return false;
}

/// Names of the errors most likely to be met, for drivers whose
/// cuGetErrorName fails (the toolkit's stub library answers every call with
/// CUDA_ERROR_STUB_LIBRARY, that one included).
const char *knownErrorName(CuResult result) {
  switch (result) {
  case 1:
    return "CUDA_ERROR_INVALID_VALUE";
  case 2:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case 3:
    return "CUDA_ERROR_NOT_INITIALIZED";
  case 4:
    return "CUDA_ERROR_DEINITIALIZED";
  case 34:
    return "CUDA_ERROR_STUB_LIBRARY";
  case 100:
    return "CUDA_ERROR_NO_DEVICE";
  case 101:
    return "CUDA_ERROR_INVALID_DEVICE";
  case 200:
    return "CUDA_ERROR_INVALID_IMAGE";
  case 201:
    return "CUDA_ERROR_INVALID_CONTEXT";
  case 209:
    return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case 218:
    return "CUDA_ERROR_INVALID_PTX";
  case 222:
    return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
  case 400:
    return "CUDA_ERROR_INVALID_HANDLE";
  case 500:
    return "CUDA_ERROR_NOT_FOUND";
  case 700:
    return "CUDA_ERROR_ILLEGAL_ADDRESS";
  case 701:
    return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
  case 719:
    return "CUDA_ERROR_LAUNCH_FAILED";
  case 803:
    return "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH";
  case 804:
    return "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE";
  case 999:
    return "CUDA_ERROR_UNKNOWN";
  default:
    return nullptr;
  }
}

} // namespace

CudaDriver::~CudaDriver() {
  if (handle)
    ::dlclose(handle);
}

std::string CudaDriver::libraryPath() {
  const char *path = std::getenv("ATTN_LIBCUDA");
  return path && *path ? path : kDefaultLibrary;
}

Result<std::unique_ptr<CudaDriver>> CudaDriver::open(const std::string &path) {
  ::dlerror();
  void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = ::dlerror();
    return Status::error("cannot load the CUDA driver (" + path +
                         "): " + (why ? oneLine(why) : "unknown error"));
  }
  std::unique_ptr<CudaDriver> driver(new CudaDriver());
  driver->handle = handle;
  driver->libraryName = path;

  // The preferred (ABI) name first; the first entry point the library lacks
  // is reported.
  const char *missing = nullptr;
  auto bind = [&](auto &slot, std::initializer_list<const char *> names) {
    if (!missing && !resolve(handle, slot, names))
      missing = *names.begin();
  };
  CudaDriver &d = *driver;
  bind(d.init, {"cuInit"});
  bind(d.driverGetVersion, {"cuDriverGetVersion"});
  bind(d.getErrorName, {"cuGetErrorName"});
  bind(d.getErrorString, {"cuGetErrorString"});
  bind(d.deviceGet, {"cuDeviceGet"});
  bind(d.deviceGetCount, {"cuDeviceGetCount"});
  bind(d.deviceGetName, {"cuDeviceGetName"});
  bind(d.deviceGetAttribute, {"cuDeviceGetAttribute"});
  bind(d.devicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"});
  bind(d.devicePrimaryCtxRelease,
       {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"});
  bind(d.ctxGetCurrent, {"cuCtxGetCurrent"});
  bind(d.ctxSetCurrent, {"cuCtxSetCurrent"});
  bind(d.ctxGetDevice, {"cuCtxGetDevice"});
  bind(d.ctxSynchronize, {"cuCtxSynchronize"});
  bind(d.moduleLoadDataEx, {"cuModuleLoadDataEx"});
  bind(d.moduleGetFunction, {"cuModuleGetFunction"});
  bind(d.moduleUnload, {"cuModuleUnload"});
  bind(d.funcSetAttribute, {"cuFuncSetAttribute"});
  bind(d.memAlloc, {"cuMemAlloc_v2"});
  bind(d.memFree, {"cuMemFree_v2"});
  bind(d.memcpyHtoD, {"cuMemcpyHtoD_v2"});
  bind(d.memcpyDtoH, {"cuMemcpyDtoH_v2"});
  bind(d.memsetD8, {"cuMemsetD8_v2"});
  bind(d.launchKernel, {"cuLaunchKernel"});
  bind(d.streamCreate, {"cuStreamCreate"});
  bind(d.streamDestroy, {"cuStreamDestroy_v2", "cuStreamDestroy"});
  bind(d.streamSynchronize, {"cuStreamSynchronize"});
  bind(d.eventCreate, {"cuEventCreate"});
  bind(d.eventRecord, {"cuEventRecord"});
  bind(d.eventSynchronize, {"cuEventSynchronize"});
  bind(d.eventElapsedTime, {"cuEventElapsedTime_v2", "cuEventElapsedTime"});
  bind(d.eventDestroy, {"cuEventDestroy_v2", "cuEventDestroy"});
  if (missing)
    return Status::error("the CUDA driver (" + path +
                         ") lacks the entry point " + missing);
  return driver;
}

Result<CudaDriver *> CudaDriver::get() {
  static const Result<std::unique_ptr<CudaDriver>> instance =
      []() -> Result<std::unique_ptr<CudaDriver>> {
    Result<std::unique_ptr<CudaDriver>> driver = open(libraryPath());
    if (!driver.ok())
      return driver;
    if (Status s = (*driver)->check((*driver)->init(0), "cuInit"); !s.ok())
      return s;
    return driver;
  }();
  if (!instance.ok())
    return instance.status();
  return instance->get();
}

Status CudaDriver::check(CuResult result, const char *call) const {
  if (result == cu::kSuccess)
    return Status::success();
  const char *name = nullptr, *text = nullptr;
  if (getErrorName(result, &name) != cu::kSuccess || !name)
    name = nullptr;
  if (getErrorString(result, &text) != cu::kSuccess || !text)
    text = nullptr;
  std::string message = std::string(call) + ": ";
  if (name) {
    message += oneLine(name);
  } else if (const char *known = knownErrorName(result)) {
    message += known;
    message += " (error " + std::to_string(result) + ")";
  } else {
    message += "CUDA error " + std::to_string(result);
  }
  if (text)
    message += " (" + oneLine(text) + ")";
  return Status::error(message);
}
