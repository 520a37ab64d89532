//===- Launcher.h - Loading and launching kernel packages -------*- C++ -*-===//
//
// A GpuModule is a package's PTX loaded (JIT-compiled by the driver) on the
// primary context of the current device, with its entry function ready to
// launch. launch() evaluates the package for the caller's input shapes
// (symbols, grid), packs the parameters its `param` lines ask for (device
// addresses, symbol values, strides) and calls cuLaunchKernel on the
// caller's stream. runOnHost() does the whole round trip for host data:
// convert, allocate, copy, launch, time, copy back, free. Plain C++17, no
// LLVM; the driver is loaded at run time (CudaDriver.h).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_LAUNCHER_H
#define ATTN_RUNTIME_LAUNCHER_H

#include "attn/Runtime/CudaDriver.h"
#include "attn/Runtime/KernelPackage.h"
#include "attn/Runtime/Npy.h"
#include "attn/Runtime/Status.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace attn::runtime {

/// A package's PTX loaded on a device, and its entry function.
class GpuModule {
public:
  /// Loads `package` on the device of the current context (device 0 when no
  /// context is current), in that device's primary context, which is
  /// retained for the rest of the process and made current. Checks the
  /// target against the device's compute capability and the shared memory
  /// against the device's opt-in limit, and opts in when the package needs
  /// more than 48 KiB. A JIT failure carries the JIT's error log.
  static Result<std::unique_ptr<GpuModule>> load(const KernelPackage &package);

  GpuModule(const GpuModule &) = delete;
  GpuModule &operator=(const GpuModule &) = delete;
  /// Unloads the module.
  ~GpuModule();

  const KernelPackage &package() const { return pkg; }
  CuFunction function() const { return entry; }
  CuContext context() const { return ctx; }
  CuDevice device() const { return dev; }
  /// The device's name, e.g. "NVIDIA H100 80GB HBM3".
  const std::string &deviceName() const { return name; }

private:
  GpuModule() = default;

  CudaDriver *driver = nullptr;
  KernelPackage pkg;
  CuContext ctx = nullptr;
  CuDevice dev = 0;
  CuModule module = nullptr;
  CuFunction entry = nullptr;
  std::string name;
};

/// What one launch needs from the caller.
struct LaunchArguments {
  /// The shape of every input, in the package's order (binds the symbols).
  std::vector<std::vector<int64_t>> inputShapes;
  /// The device address of every input and every output.
  std::vector<CuDevicePtr> inputs;
  std::vector<CuDevicePtr> outputs;
  /// Strides in elements, one list per tensor: an empty outer or inner list
  /// means contiguous. A given list has one stride per dim, the innermost 1.
  std::vector<std::vector<int64_t>> inputStrides;
  std::vector<std::vector<int64_t>> outputStrides;
  /// A CUstream; null is the legacy default stream.
  void *stream = nullptr;
};

/// The launch geometry and the packed parameters of one launch.
struct LaunchPlan {
  std::array<uint32_t, 3> grid = {1, 1, 1};
  std::array<uint32_t, 3> block = {1, 1, 1};
  uint32_t sharedBytes = 0;
  /// One 8-byte word per `param` line, in order.
  std::vector<uint64_t> parameters;
};

/// Evaluates `package` for `arguments` without touching a device: binds the
/// symbols, checks the pointer and stride counts, evaluates the grid and
/// packs the parameters.
Result<LaunchPlan> planLaunch(const KernelPackage &package,
                              const LaunchArguments &arguments);

/// Plans and launches `module`'s kernel asynchronously on
/// `arguments.stream`. An empty grid (a zero extent) launches nothing.
Status launch(const GpuModule &module, const LaunchArguments &arguments);

/// The elements of `array` in `tensor`'s dtype, as the kernel reads them:
/// float data (f2, f4, f8) for a float tensor is rounded to its dtype;
/// integer or boolean data for an integer tensor must fit its range (i1
/// takes 0 and 1). Errors start with `input NAME: `.
Result<std::vector<uint8_t>> toPackageBytes(const TensorDecl &tensor,
                                            const NpyArray &array);

/// Elements of `dtype` as a float32 array of `shape` (bf16 and f16 exactly,
/// integers rounded to nearest).
Result<NpyArray> toFloat32Array(DType dtype, const std::vector<int64_t> &shape,
                                const std::vector<uint8_t> &bytes);

/// What runOnHost returns.
struct HostRun {
  /// Every output as float32, in the package's order.
  std::vector<NpyArray> outputs;
  /// The median of the timed launches in milliseconds (the mean of the two
  /// middle ones for an even count); 0 without timed launches.
  double medianMs = 0;
  /// The device's name.
  std::string deviceName;
};

/// Runs `package` on host data: checks and converts `inputs` (one per
/// package input; see toPackageBytes) before touching the GPU, loads the
/// module, copies the inputs to the device, fills the outputs with 0xFF
/// bytes (NaN in every float dtype, so an element the kernel does not write
/// shows), launches once and synchronises (checking both), then launches
/// `warmup` more times and `repeat` timed times (CUDA events on a stream of
/// its own), and copies the outputs back. Device memory, events and the
/// stream are freed on every path.
Result<HostRun> runOnHost(const KernelPackage &package,
                          const std::vector<NpyArray> &inputs,
                          unsigned repeat = 0, unsigned warmup = 0);

} // namespace attn::runtime

#endif // ATTN_RUNTIME_LAUNCHER_H
