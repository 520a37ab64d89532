//===- Launcher.cpp - Loading and launching kernel packages ---------------===//
//
// Device resources are held by small owners (DeviceBuffer, Stream, Event)
// whose destructors free them, so every early return of runOnHost frees
// what was allocated. Everything that can be checked on the host (shapes,
// dtypes, value ranges, the grid) is checked before the driver is loaded,
// so bad input fails the same way on machines with and without a GPU.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Launcher.h"
#include "attn/Runtime/Float16.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <mutex>
#include <set>

using namespace attn::runtime;

//===----------------------------------------------------------------------===//
// GpuModule
//===----------------------------------------------------------------------===//

namespace {

/// The JIT's log on one line: lines joined with "; ".
std::string logOnOneLine(const char *log) {
  std::string out;
  for (const char *p = log; *p; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c == '\n') {
      if (!out.empty() && out.compare(out.size() - 2, 2, "; ") != 0)
        out += "; ";
      continue;
    }
    out += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';'))
    out.pop_back();
  return out;
}

/// The compute capability a target names: sm_90a is {9, 0, 'a'}, sm_120 is
/// {12, 0, 0}.
struct ComputeCapability {
  int major = 0, minor = 0;
  char suffix = 0;
};

ComputeCapability parseTarget(const std::string &target) {
  ComputeCapability cc;
  std::string digits;
  for (size_t i = 3; i < target.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(target[i])))
      digits += target[i];
    else
      cc.suffix = target[i];
  }
  if (digits.size() >= 2) {
    cc.major = std::stoi(digits.substr(0, digits.size() - 1));
    cc.minor = digits.back() - '0';
  }
  return cc;
}

/// Whether PTX for `target` runs on a device of compute capability
/// major.minor: an `a` target only on that exact chip, an `f` target on its
/// family (same major, same or later minor), a plain one on it and later
/// chips.
bool targetRunsOn(const ComputeCapability &target, int major, int minor) {
  if (target.suffix == 'a')
    return target.major == major && target.minor == minor;
  if (target.suffix == 'f')
    return target.major == major && minor >= target.minor;
  return major > target.major ||
         (major == target.major && minor >= target.minor);
}

/// Retains the primary context of `device` once per process; it is never
/// released, as the CUDA runtime does, so that it stays valid while any
/// module or allocation made in it may live.
Result<CuContext> primaryContext(CudaDriver &driver, CuDevice device) {
  static std::mutex mutex;
  static std::set<CuDevice> retained;
  std::lock_guard<std::mutex> lock(mutex);
  CuContext context = nullptr;
  if (Status s = driver.check(driver.devicePrimaryCtxRetain(&context, device),
                              "cuDevicePrimaryCtxRetain");
      !s.ok())
    return s;
  if (!retained.insert(device).second)
    (void)driver.devicePrimaryCtxRelease(device); // keep one reference
  return context;
}

} // namespace

Result<std::unique_ptr<GpuModule>>
GpuModule::load(const KernelPackage &package) {
  Result<CudaDriver *> loaded = CudaDriver::get();
  if (!loaded.ok())
    return loaded.status();
  CudaDriver &d = **loaded;
  std::unique_ptr<GpuModule> m(new GpuModule());
  m->driver = &d;
  m->pkg = package;

  CuContext current = nullptr;
  if (Status s = d.check(d.ctxGetCurrent(&current), "cuCtxGetCurrent"); !s.ok())
    return s;
  if (current) {
    if (Status s = d.check(d.ctxGetDevice(&m->dev), "cuCtxGetDevice"); !s.ok())
      return s;
  } else {
    int count = 0;
    if (Status s = d.check(d.deviceGetCount(&count), "cuDeviceGetCount");
        !s.ok())
      return s;
    if (count == 0)
      return Status::error("the CUDA driver sees no device");
    if (Status s = d.check(d.deviceGet(&m->dev, 0), "cuDeviceGet"); !s.ok())
      return s;
  }
  Result<CuContext> context = primaryContext(d, m->dev);
  if (!context.ok())
    return context.status();
  m->ctx = *context;
  if (Status s = d.check(d.ctxSetCurrent(m->ctx), "cuCtxSetCurrent"); !s.ok())
    return s;

  char name[256] = {};
  if (Status s = d.check(d.deviceGetName(name, sizeof(name) - 1, m->dev),
                         "cuDeviceGetName");
      !s.ok())
    return s;
  m->name = name;
  int major = 0, minor = 0, sharedOptin = 0;
  for (auto [attribute, value] :
       {std::pair{cu::kDeviceAttributeComputeCapabilityMajor, &major},
        std::pair{cu::kDeviceAttributeComputeCapabilityMinor, &minor},
        std::pair{cu::kDeviceAttributeMaxSharedMemoryPerBlockOptin,
                  &sharedOptin}})
    if (Status s = d.check(d.deviceGetAttribute(value, attribute, m->dev),
                           "cuDeviceGetAttribute");
        !s.ok())
      return s;
  if (!targetRunsOn(parseTarget(package.target), major, minor))
    return Status::error("the package targets " + package.target +
                         ", which does not run on the device (" + m->name +
                         ", sm_" + std::to_string(major) +
                         std::to_string(minor) + ")");
  if (package.sharedBytes > static_cast<uint32_t>(std::max(sharedOptin, 0)))
    return Status::error("the kernel needs " +
                         std::to_string(package.sharedBytes) +
                         " bytes of shared memory, the device (" + m->name +
                         ") allows " + std::to_string(sharedOptin));

  // The JIT writes its diagnostics to this buffer; they are the useful part
  // of a failure.
  std::vector<char> errorLog(16 * 1024, '\0');
  CuJitOption options[] = {cu::kJitErrorLogBuffer,
                           cu::kJitErrorLogBufferSizeBytes};
  void *values[] = {
      errorLog.data(),
      reinterpret_cast<void *>(static_cast<uintptr_t>(errorLog.size() - 1))};
  Status loadStatus = d.check(
      d.moduleLoadDataEx(&m->module, package.ptx.c_str(), 2, options, values),
      "cuModuleLoadDataEx");
  if (!loadStatus.ok()) {
    m->module = nullptr;
    errorLog.back() = '\0';
    std::string log = logOnOneLine(errorLog.data());
    return log.empty() ? loadStatus
                       : Status::error(loadStatus.message() + ": " + log);
  }
  if (Status s = d.check(
          d.moduleGetFunction(&m->entry, m->module, package.entry.c_str()),
          "cuModuleGetFunction");
      !s.ok())
    return s.withPrefix("entry " + package.entry);
  if (package.sharedBytes > cu::kDefaultSharedLimit)
    if (Status s =
            d.check(d.funcSetAttribute(
                        m->entry, cu::kFuncAttributeMaxDynamicSharedSizeBytes,
                        static_cast<int>(package.sharedBytes)),
                    "cuFuncSetAttribute");
        !s.ok())
      return s;
  return m;
}

GpuModule::~GpuModule() {
  if (module) {
    (void)driver->ctxSetCurrent(ctx);
    (void)driver->moduleUnload(module);
  }
}

//===----------------------------------------------------------------------===//
// Launching
//===----------------------------------------------------------------------===//

namespace {

/// The strides of tensor `what` of `shape`: `given`, checked, or the
/// contiguous ones when `given` is empty.
Result<std::vector<int64_t>> stridesOf(const std::string &what,
                                       const std::vector<int64_t> &shape,
                                       const std::vector<int64_t> &given) {
  if (given.empty())
    return contiguousStrides(shape);
  if (given.size() != shape.size())
    return Status::error(what + ": " + std::to_string(given.size()) +
                         " strides for rank " + std::to_string(shape.size()));
  if (given.back() != 1)
    return Status::error(what + ": innermost stride " +
                         std::to_string(given.back()) + ", the kernel needs 1");
  for (int64_t s : given)
    if (s < 0)
      return Status::error(what + ": negative stride " + std::to_string(s));
  return given;
}

} // namespace

Result<LaunchPlan> attn::runtime::planLaunch(const KernelPackage &package,
                                             const LaunchArguments &args) {
  Result<SymbolValues> symbols = bindSymbols(package, args.inputShapes);
  if (!symbols.ok())
    return symbols.status();
  Result<std::vector<std::vector<int64_t>>> outShapes =
      outputShapes(package, *symbols);
  if (!outShapes.ok())
    return outShapes.status();
  size_t numInputs = package.inputs.size(), numOutputs = package.outputs.size();
  if (args.inputs.size() != numInputs || args.outputs.size() != numOutputs)
    return Status::error("the package takes " + std::to_string(numInputs) +
                         " inputs and " + std::to_string(numOutputs) +
                         " outputs, got " + std::to_string(args.inputs.size()) +
                         " and " + std::to_string(args.outputs.size()) +
                         " device pointers");
  if ((!args.inputStrides.empty() && args.inputStrides.size() != numInputs) ||
      (!args.outputStrides.empty() && args.outputStrides.size() != numOutputs))
    return Status::error("stride lists must be empty or one per tensor");

  // Every tensor by name: its address and its strides.
  struct Bound {
    CuDevicePtr address;
    std::vector<int64_t> strides;
    std::vector<int64_t> shape;
  };
  std::map<std::string, Bound> tensors;
  for (size_t i = 0; i < numInputs + numOutputs; ++i) {
    bool isInput = i < numInputs;
    size_t j = isInput ? i : i - numInputs;
    const TensorDecl &decl = isInput ? package.inputs[j] : package.outputs[j];
    const auto &given = isInput ? args.inputStrides : args.outputStrides;
    Result<std::vector<int64_t>> strides =
        stridesOf((isInput ? "input " : "output ") + decl.name,
                  isInput ? args.inputShapes[j] : (*outShapes)[j],
                  given.empty() ? std::vector<int64_t>() : given[j]);
    if (!strides.ok())
      return strides.status();
    tensors[decl.name] = {isInput ? args.inputs[j] : args.outputs[j],
                          strides.take(),
                          isInput ? args.inputShapes[j] : (*outShapes)[j]};
  }

  // Tensors read with wide vector accesses: aligned addresses and strides.
  for (const std::string &name : package.alignedTensors) {
    auto it = tensors.find(name);
    const TensorDecl *decl = package.findTensor(name);
    if (it == tensors.end() || !decl)
      return Status::error("align names no tensor '" + name + "'");
    uint64_t align = package.alignment;
    size_t width = byteWidth(decl->dtype);
    if (it->second.address % align != 0)
      return Status::error("tensor " + name + ": the kernel reads it in " +
                           std::to_string(align) +
                           "-byte vectors, but its address is not a multiple "
                           "of " +
                           std::to_string(align));
    for (size_t d = 0; d + 1 < it->second.strides.size(); ++d)
      if ((static_cast<uint64_t>(it->second.strides[d]) * width) % align != 0)
        return Status::error(
            "tensor " + name + ": the kernel reads it in " +
            std::to_string(align) + "-byte vectors, but the stride of dim " +
            std::to_string(d) + " (" + std::to_string(it->second.strides[d]) +
            " elements) is not a multiple of " + std::to_string(align) +
            " bytes");
  }

  Result<std::array<uint32_t, 3>> grid = evaluateGrid(package, *symbols);
  if (!grid.ok())
    return grid.status();
  LaunchPlan plan;
  plan.grid = *grid;
  plan.block = package.block;
  plan.sharedBytes = package.sharedBytes;
  for (const ParamDecl &param : package.params) {
    uint64_t word = 0;
    if (param.kind == ParamDecl::Kind::MemRef) {
      auto it = tensors.find(param.name);
      if (it == tensors.end())
        return Status::error("param names no tensor '" + param.name + "'");
      const Bound &t = it->second;
      plan.parameters.push_back(t.address); // allocated
      plan.parameters.push_back(t.address); // aligned
      plan.parameters.push_back(0);         // offset
      for (int64_t size : t.shape)
        plan.parameters.push_back(static_cast<uint64_t>(size));
      for (int64_t stride : t.strides)
        plan.parameters.push_back(static_cast<uint64_t>(stride));
      continue;
    }
    switch (param.kind) {
    case ParamDecl::Kind::MemRef:
      break;
    case ParamDecl::Kind::Pointer:
    case ParamDecl::Kind::Stride: {
      auto it = tensors.find(param.name);
      if (it == tensors.end())
        return Status::error("param names no tensor '" + param.name + "'");
      if (param.kind == ParamDecl::Kind::Pointer) {
        word = it->second.address;
        break;
      }
      if (param.dim >= it->second.strides.size())
        return Status::error("param stride " + param.name + " " +
                             std::to_string(param.dim) + " is beyond its rank");
      word = static_cast<uint64_t>(it->second.strides[param.dim]);
      break;
    }
    case ParamDecl::Kind::Symbol: {
      auto it = symbols->find(param.name);
      if (it == symbols->end())
        return Status::error("param names no symbol '" + param.name + "'");
      word = static_cast<uint64_t>(it->second);
      break;
    }
    }
    plan.parameters.push_back(word);
  }
  return plan;
}

Status attn::runtime::launch(const GpuModule &module,
                             const LaunchArguments &arguments) {
  Result<LaunchPlan> plan = planLaunch(module.package(), arguments);
  if (!plan.ok())
    return plan.status();
  if (plan->grid[0] == 0 || plan->grid[1] == 0 || plan->grid[2] == 0)
    return Status::success();
  Result<CudaDriver *> loaded = CudaDriver::get();
  if (!loaded.ok())
    return loaded.status();
  CudaDriver &d = **loaded;
  if (Status s = d.check(d.ctxSetCurrent(module.context()), "cuCtxSetCurrent");
      !s.ok())
    return s;
  std::vector<void *> params;
  for (uint64_t &word : plan->parameters)
    params.push_back(&word);
  return d.check(d.launchKernel(module.function(), plan->grid[0], plan->grid[1],
                                plan->grid[2], plan->block[0], plan->block[1],
                                plan->block[2], plan->sharedBytes,
                                static_cast<CuStream>(arguments.stream),
                                params.empty() ? nullptr : params.data(),
                                nullptr),
                 "cuLaunchKernel");
}

//===----------------------------------------------------------------------===//
// Host data
//===----------------------------------------------------------------------===//

Result<std::vector<uint8_t>>
attn::runtime::toPackageBytes(const TensorDecl &tensor, const NpyArray &array) {
  auto fail = [&](const std::string &message) {
    return Status::error("input " + tensor.name + ": " + message);
  };
  int64_t n = array.numElements();
  if (n < 0)
    return fail("bad shape " + shapeString(array.shape));
  size_t width = byteWidth(tensor.dtype);
  std::vector<uint8_t> bytes(static_cast<size_t>(n) * width);
  std::string error;
  if (isFloat(tensor.dtype)) {
    if (!npyIsFloat(array.dtype))
      return fail("dtype " + array.dtype + " where the package expects " +
                  stringify(tensor.dtype));
    std::vector<float> values;
    if (!npyToFloat(array, values, error))
      return fail(error);
    for (int64_t i = 0; i < n; ++i) {
      if (tensor.dtype == DType::F32) {
        std::memcpy(bytes.data() + 4 * i, &values[i], 4);
        continue;
      }
      uint16_t bits = tensor.dtype == DType::BF16 ? floatToBFloat16(values[i])
                                                  : floatToHalf(values[i]);
      std::memcpy(bytes.data() + 2 * i, &bits, 2);
    }
    return bytes;
  }
  if (npyIsFloat(array.dtype))
    return fail("dtype " + array.dtype + " where the package expects " +
                stringify(tensor.dtype));
  std::vector<int64_t> values;
  if (!npyToInt64(array, values, error))
    return fail(error);
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  switch (tensor.dtype) {
  case DType::I32:
    lo = std::numeric_limits<int32_t>::min();
    hi = std::numeric_limits<int32_t>::max();
    break;
  case DType::I8:
    lo = -128;
    hi = 127;
    break;
  case DType::I1:
    lo = 0;
    hi = 1;
    break;
  default:
    break;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (values[i] < lo || values[i] > hi)
      return fail("element " + std::to_string(i) + " is " +
                  std::to_string(values[i]) + ", beyond the range of " +
                  stringify(tensor.dtype));
    // Little-endian: the low bytes of the int64 are the narrower integer.
    std::memcpy(bytes.data() + width * i, &values[i], width);
  }
  return bytes;
}

Result<NpyArray>
attn::runtime::toFloat32Array(DType dtype, const std::vector<int64_t> &shape,
                              const std::vector<uint8_t> &bytes) {
  int64_t n = numElements(shape);
  size_t width = byteWidth(dtype);
  if (n < 0 || bytes.size() != static_cast<uint64_t>(n) * width)
    return Status::error("cannot read " + std::to_string(bytes.size()) +
                         " bytes as " + stringify(dtype) + " of shape " +
                         shapeString(shape));
  std::vector<float> values(static_cast<size_t>(n));
  const uint8_t *p = bytes.data();
  for (int64_t i = 0; i < n; ++i, p += width) {
    switch (dtype) {
    case DType::F32:
      std::memcpy(&values[i], p, 4);
      break;
    case DType::F16:
    case DType::BF16: {
      uint16_t bits;
      std::memcpy(&bits, p, 2);
      values[i] =
          dtype == DType::F16 ? halfToFloat(bits) : bfloat16ToFloat(bits);
      break;
    }
    case DType::I32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      values[i] = static_cast<float>(v);
      break;
    }
    case DType::I64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      values[i] = static_cast<float>(v);
      break;
    }
    case DType::I8:
      values[i] = static_cast<float>(static_cast<int8_t>(*p));
      break;
    case DType::I1:
      values[i] = *p ? 1.0f : 0.0f;
      break;
    }
  }
  return makeNpyFloat32(shape, values);
}

//===----------------------------------------------------------------------===//
// runOnHost
//===----------------------------------------------------------------------===//

namespace {

/// A driver object (device memory, a stream, an event) destroyed with its
/// owner by the driver entry point `Destroy`, when it was created.
template <typename Handle, CuResult (*CudaDriver::*Destroy)(Handle)>
class Owned {
public:
  explicit Owned(CudaDriver &driver) : driver(driver) {}
  Owned(const Owned &) = delete;
  Owned &operator=(const Owned &) = delete;
  ~Owned() {
    if (handle)
      (void)(driver.*Destroy)(handle);
  }
  Handle handle{};

private:
  CudaDriver &driver;
};
using DeviceBuffer = Owned<CuDevicePtr, &CudaDriver::memFree>;
using Stream = Owned<CuStream, &CudaDriver::streamDestroy>;
using Event = Owned<CuEvent, &CudaDriver::eventDestroy>;

/// Allocates `bytes` into `buffer` (nothing for 0: the address stays 0).
Status allocate(CudaDriver &d, DeviceBuffer &buffer, size_t bytes) {
  if (bytes == 0)
    return Status::success();
  return d.check(d.memAlloc(&buffer.handle, bytes), "cuMemAlloc");
}

/// `bytes` = `n` elements of `width` bytes, unless that overflows size_t.
bool byteCount(int64_t n, size_t width, size_t &bytes) {
  if (n < 0 || static_cast<uint64_t>(n) > std::numeric_limits<size_t>::max() /
                                              std::max<size_t>(width, 1))
    return false;
  bytes = static_cast<size_t>(n) * width;
  return true;
}

double median(std::vector<double> times) {
  if (times.empty())
    return 0;
  std::sort(times.begin(), times.end());
  size_t mid = times.size() / 2;
  return times.size() % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

} // namespace

Result<HostRun> attn::runtime::runOnHost(const KernelPackage &package,
                                         const std::vector<NpyArray> &inputs,
                                         unsigned repeat, unsigned warmup) {
  // Everything the host can check, before the driver is loaded.
  if (inputs.size() != package.inputs.size())
    return Status::error("the package takes " +
                         std::to_string(package.inputs.size()) +
                         " inputs, got " + std::to_string(inputs.size()));
  LaunchArguments args;
  for (const NpyArray &input : inputs)
    args.inputShapes.push_back(input.shape);
  Result<SymbolValues> symbols = bindSymbols(package, args.inputShapes);
  if (!symbols.ok())
    return symbols.status();
  Result<std::vector<std::vector<int64_t>>> outShapes =
      outputShapes(package, *symbols);
  if (!outShapes.ok())
    return outShapes.status();
  std::vector<std::vector<uint8_t>> hostInputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Result<std::vector<uint8_t>> bytes =
        toPackageBytes(package.inputs[i], inputs[i]);
    if (!bytes.ok())
      return bytes.status();
    hostInputs.push_back(bytes.take());
  }
  std::vector<size_t> outputBytes;
  for (size_t i = 0; i < outShapes->size(); ++i) {
    size_t bytes = 0;
    if (!byteCount(numElements((*outShapes)[i]),
                   byteWidth(package.outputs[i].dtype), bytes))
      return Status::error("output " + package.outputs[i].name + " of shape " +
                           shapeString((*outShapes)[i]) + " is too large");
    outputBytes.push_back(bytes);
  }
  args.inputs.assign(inputs.size(), 0);
  args.outputs.assign(package.outputs.size(), 0);
  if (Result<LaunchPlan> plan = planLaunch(package, args); !plan.ok())
    return plan.status();

  // The device.
  Result<std::unique_ptr<GpuModule>> module = GpuModule::load(package);
  if (!module.ok())
    return module.status();
  CudaDriver &d = **CudaDriver::get();
  std::vector<std::unique_ptr<DeviceBuffer>> buffers;
  for (size_t i = 0; i < hostInputs.size(); ++i) {
    buffers.push_back(std::make_unique<DeviceBuffer>(d));
    DeviceBuffer &buffer = *buffers.back();
    if (Status s = allocate(d, buffer, hostInputs[i].size()); !s.ok())
      return s.withPrefix("input " + package.inputs[i].name);
    if (!hostInputs[i].empty())
      if (Status s = d.check(d.memcpyHtoD(buffer.handle, hostInputs[i].data(),
                                          hostInputs[i].size()),
                             "cuMemcpyHtoD");
          !s.ok())
        return s;
    args.inputs[i] = buffer.handle;
  }
  for (size_t i = 0; i < outputBytes.size(); ++i) {
    buffers.push_back(std::make_unique<DeviceBuffer>(d));
    DeviceBuffer &buffer = *buffers.back();
    if (Status s = allocate(d, buffer, outputBytes[i]); !s.ok())
      return s.withPrefix("output " + package.outputs[i].name);
    // 0xFF bytes are NaN in f32, f16 and bf16.
    if (outputBytes[i] != 0)
      if (Status s = d.check(d.memsetD8(buffer.handle, 0xFF, outputBytes[i]),
                             "cuMemsetD8");
          !s.ok())
        return s;
    args.outputs[i] = buffer.handle;
  }
  Stream stream(d);
  if (Status s = d.check(d.streamCreate(&stream.handle, cu::kStreamDefault),
                         "cuStreamCreate");
      !s.ok())
    return s;
  args.stream = stream.handle;

  if (Status s = launch(**module, args); !s.ok())
    return s;
  if (Status s = d.check(d.ctxSynchronize(), "cuCtxSynchronize"); !s.ok())
    return s.withPrefix("running " + package.entry);
  for (unsigned i = 0; i < warmup; ++i)
    if (Status s = launch(**module, args); !s.ok())
      return s;
  std::vector<double> times;
  if (repeat > 0) {
    Event start(d), end(d);
    for (Event *e : {&start, &end})
      if (Status s = d.check(d.eventCreate(&e->handle, cu::kEventDefault),
                             "cuEventCreate");
          !s.ok())
        return s;
    for (unsigned i = 0; i < repeat; ++i) {
      if (Status s = d.check(d.eventRecord(start.handle, stream.handle),
                             "cuEventRecord");
          !s.ok())
        return s;
      if (Status s = launch(**module, args); !s.ok())
        return s;
      if (Status s = d.check(d.eventRecord(end.handle, stream.handle),
                             "cuEventRecord");
          !s.ok())
        return s;
      if (Status s =
              d.check(d.eventSynchronize(end.handle), "cuEventSynchronize");
          !s.ok())
        return s.withPrefix("running " + package.entry);
      float ms = 0;
      if (Status s = d.check(d.eventElapsedTime(&ms, start.handle, end.handle),
                             "cuEventElapsedTime");
          !s.ok())
        return s;
      times.push_back(ms);
    }
  }
  if (Status s = d.check(d.ctxSynchronize(), "cuCtxSynchronize"); !s.ok())
    return s.withPrefix("running " + package.entry);

  HostRun run;
  run.deviceName = (*module)->deviceName();
  run.medianMs = median(times);
  for (size_t i = 0; i < outputBytes.size(); ++i) {
    std::vector<uint8_t> bytes(outputBytes[i]);
    if (!bytes.empty())
      if (Status s =
              d.check(d.memcpyDtoH(bytes.data(), args.outputs[i], bytes.size()),
                      "cuMemcpyDtoH");
          !s.ok())
        return s;
    Result<NpyArray> array =
        toFloat32Array(package.outputs[i].dtype, (*outShapes)[i], bytes);
    if (!array.ok())
      return array.status();
    run.outputs.push_back(array.take());
  }
  return run;
}
