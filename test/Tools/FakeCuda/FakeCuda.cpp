//===- FakeCuda.cpp - A stand-in CUDA driver for host-only tests ----------===//
//
// A shared library that exports the CUDA driver entry points the runtime
// resolves, implemented on host memory, so that attn-launch's device path
// (module loading, allocation, copies, poisoning, launches, events, freeing
// on every path) runs in tests on machines without a GPU: ATTN_LIBCUDA
// points the runtime at it. It knows one kernel, `scale2` of
// test/Tools/Inputs/scale2.attnpkg (y[n, c] = 2 x[n * xs0 + c]), which it
// runs on the host; any other entry found in the PTX launches as a no-op.
//
//   FAKE_CUDA_FAIL=cuXxx   makes that call fail (with CUDA_ERROR_INVALID_VALUE,
//                          or the error a real driver would give)
//
// At exit it reports allocations, modules, streams and events not freed on
// stderr ("fake-cuda: leaked ..."), which the tests check never appears.
// Only the plain names are exported where the runtime tries a versioned
// one first (cuEventElapsedTime, cuStreamDestroy, ...), to exercise that
// fallback. Test code only: it never ships.
//
//===----------------------------------------------------------------------===//

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using Result = int;
constexpr Result kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2,
                 kInvalidPtx = 218, kNotFound = 500, kLaunchFailed = 719;

struct Module {
  std::string ptx;
};
struct Function {
  std::string name;
};
struct Event {
  double ms = 0;
};

int context = 0; // the primary context's address is its handle
thread_local void *current = nullptr;

/// Live objects, reported at exit if any remain.
struct Counts {
  long allocations = 0, modules = 0, streams = 0, events = 0;
  ~Counts() {
    if (allocations || modules || streams || events)
      std::fprintf(stderr,
                   "fake-cuda: leaked %ld allocations, %ld modules, %ld "
                   "streams, %ld events\n",
                   allocations, modules, streams, events);
  }
} counts;

/// Whether FAKE_CUDA_FAIL names `call`.
bool failing(const char *call) {
  const char *fail = std::getenv("FAKE_CUDA_FAIL");
  return fail && std::strcmp(fail, call) == 0;
}

double nowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace

#define FAIL_IF_ASKED(call, error)                                             \
  if (failing(call))                                                           \
  return error

extern "C" {

Result cuInit(unsigned) {
  FAIL_IF_ASKED("cuInit", 100);
  return kSuccess;
}
Result cuDriverGetVersion(int *version) {
  *version = 13000;
  return kSuccess;
}
Result cuGetErrorName(Result error, const char **name) {
  switch (error) {
  case kInvalidValue:
    *name = "CUDA_ERROR_INVALID_VALUE";
    return kSuccess;
  case kOutOfMemory:
    *name = "CUDA_ERROR_OUT_OF_MEMORY";
    return kSuccess;
  case 100:
    *name = "CUDA_ERROR_NO_DEVICE";
    return kSuccess;
  case kInvalidPtx:
    *name = "CUDA_ERROR_INVALID_PTX";
    return kSuccess;
  case kNotFound:
    *name = "CUDA_ERROR_NOT_FOUND";
    return kSuccess;
  case kLaunchFailed:
    *name = "CUDA_ERROR_LAUNCH_FAILED";
    return kSuccess;
  default:
    return kInvalidValue;
  }
}
Result cuGetErrorString(Result error, const char **text) {
  const char *name = nullptr;
  if (cuGetErrorName(error, &name) != kSuccess)
    return kInvalidValue;
  *text = "the fake driver was told to fail";
  if (error == kInvalidPtx)
    *text = "a PTX JIT compilation failed";
  return kSuccess;
}
Result cuDeviceGet(int *device, int ordinal) {
  if (ordinal != 0)
    return 101;
  *device = 0;
  return kSuccess;
}
Result cuDeviceGetCount(int *count) {
  *count = 1;
  return kSuccess;
}
Result cuDeviceGetName(char *name, int length, int) {
  std::snprintf(name, static_cast<size_t>(length), "Fake CUDA device");
  return kSuccess;
}
Result cuDeviceGetAttribute(int *value, int attribute, int) {
  switch (attribute) {
  case 75: // compute capability major
    *value = 9;
    return kSuccess;
  case 76: // minor
    *value = 0;
    return kSuccess;
  case 97: // shared memory per block, opt-in
    *value = 232448;
    return kSuccess;
  default:
    return kInvalidValue;
  }
}
Result cuDevicePrimaryCtxRetain(void **ctx, int) {
  *ctx = &context;
  return kSuccess;
}
Result cuDevicePrimaryCtxRelease(int) { return kSuccess; }
Result cuCtxGetCurrent(void **ctx) {
  *ctx = current;
  return kSuccess;
}
Result cuCtxSetCurrent(void *ctx) {
  current = ctx;
  return kSuccess;
}
Result cuCtxGetDevice(int *device) {
  *device = 0;
  return kSuccess;
}
Result cuCtxSynchronize() {
  FAIL_IF_ASKED("cuCtxSynchronize", kLaunchFailed);
  return kSuccess;
}
Result cuModuleLoadDataEx(Module **module, const void *image, unsigned count,
                          int *options, void **values) {
  std::string ptx = static_cast<const char *>(image);
  if (ptx.find("bogus") != std::string::npos || failing("cuModuleLoadDataEx")) {
    for (unsigned i = 0; i < count; ++i)
      if (options[i] == 5) // CU_JIT_ERROR_LOG_BUFFER
        std::snprintf(static_cast<char *>(values[i]), 64,
                      "ptxas fatal   : bogus PTX\nsecond line\n");
    return kInvalidPtx;
  }
  *module = new Module{ptx};
  ++counts.modules;
  return kSuccess;
}
Result cuModuleGetFunction(Function **function, Module *module,
                           const char *name) {
  if (module->ptx.find(".entry " + std::string(name) + "(") ==
      std::string::npos)
    return kNotFound;
  // Functions live as long as the process; a real driver frees them with
  // the module.
  static Function functions[8];
  static int used = 0;
  functions[used % 8].name = name;
  *function = &functions[used++ % 8];
  return kSuccess;
}
Result cuModuleUnload(Module *module) {
  delete module;
  --counts.modules;
  return kSuccess;
}
Result cuFuncSetAttribute(Function *, int, int) { return kSuccess; }
Result cuMemAlloc_v2(unsigned long long *pointer, size_t bytes) {
  FAIL_IF_ASKED("cuMemAlloc", kOutOfMemory);
  if (bytes == 0)
    return kInvalidValue;
  *pointer = reinterpret_cast<uintptr_t>(std::malloc(bytes));
  ++counts.allocations;
  return kSuccess;
}
Result cuMemFree_v2(unsigned long long pointer) {
  std::free(reinterpret_cast<void *>(static_cast<uintptr_t>(pointer)));
  --counts.allocations;
  return kSuccess;
}
Result cuMemcpyHtoD_v2(unsigned long long destination, const void *source,
                       size_t bytes) {
  FAIL_IF_ASKED("cuMemcpyHtoD", kInvalidValue);
  std::memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(destination)),
              source, bytes);
  return kSuccess;
}
Result cuMemcpyDtoH_v2(void *destination, unsigned long long source,
                       size_t bytes) {
  FAIL_IF_ASKED("cuMemcpyDtoH", kInvalidValue);
  std::memcpy(destination,
              reinterpret_cast<void *>(static_cast<uintptr_t>(source)), bytes);
  return kSuccess;
}
Result cuMemsetD8_v2(unsigned long long destination, unsigned char value,
                     size_t count) {
  std::memset(reinterpret_cast<void *>(static_cast<uintptr_t>(destination)),
              value, count);
  return kSuccess;
}
Result cuLaunchKernel(Function *function, unsigned gridX, unsigned gridY,
                      unsigned gridZ, unsigned blockX, unsigned blockY,
                      unsigned blockZ, unsigned, void *, void **params,
                      void **) {
  FAIL_IF_ASKED("cuLaunchKernel", kInvalidValue);
  if (!gridX || !gridY || !gridZ || !blockX || !blockY || !blockZ)
    return kInvalidValue;
  if (function->name != "scale2")
    return kSuccess;
  // param ptr x, param ptr y, param sym N, param stride x 0; 32 rows of 4
  // per block of 128 threads.
  uint64_t x, y;
  int64_t n, xs0;
  std::memcpy(&x, params[0], 8);
  std::memcpy(&y, params[1], 8);
  std::memcpy(&n, params[2], 8);
  std::memcpy(&xs0, params[3], 8);
  const float *in = reinterpret_cast<const float *>(static_cast<uintptr_t>(x));
  float *out = reinterpret_cast<float *>(static_cast<uintptr_t>(y));
  for (int64_t row = 0; row < n && row < int64_t(gridX) * 32; ++row)
    for (int64_t c = 0; c < 4; ++c)
      out[row * 4 + c] = 2 * in[row * xs0 + c];
  return kSuccess;
}
Result cuStreamCreate(void **stream, unsigned) {
  *stream = new int(0);
  ++counts.streams;
  return kSuccess;
}
Result cuStreamDestroy(void *stream) {
  delete static_cast<int *>(stream);
  --counts.streams;
  return kSuccess;
}
Result cuStreamSynchronize(void *) { return kSuccess; }
Result cuEventCreate(Event **event, unsigned) {
  FAIL_IF_ASKED("cuEventCreate", kInvalidValue);
  *event = new Event();
  ++counts.events;
  return kSuccess;
}
Result cuEventRecord(Event *event, void *) {
  event->ms = nowMs();
  return kSuccess;
}
Result cuEventSynchronize(Event *) { return kSuccess; }
Result cuEventElapsedTime(float *ms, Event *start, Event *end) {
  *ms = static_cast<float>(end->ms - start->ms);
  return kSuccess;
}
Result cuEventDestroy(Event *event) {
  delete event;
  --counts.events;
  return kSuccess;
}

} // extern "C"
