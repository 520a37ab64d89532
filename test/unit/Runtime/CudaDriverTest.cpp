//===- CudaDriverTest.cpp - The CUDA driver API, loaded at run time -------===//
//
// Loading fails cleanly, with one line naming the library, when the file
// does not exist or lacks the driver's entry points; the library is the
// one ATTN_LIBCUDA names; driver errors become messages naming the call.
// The real driver either loads (a GPU machine) or fails cleanly (any
// other), so these tests pass on both.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/CudaDriver.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include <unistd.h>

using namespace attn::runtime;

namespace {

/// Sets ATTN_LIBCUDA for the scope of a test and restores it after.
class ScopedLibCuda {
public:
  explicit ScopedLibCuda(const char *value) {
    if (const char *old = std::getenv("ATTN_LIBCUDA"))
      saved = old;
    if (value)
      ::setenv("ATTN_LIBCUDA", value, 1);
    else
      ::unsetenv("ATTN_LIBCUDA");
  }
  ~ScopedLibCuda() {
    if (saved)
      ::setenv("ATTN_LIBCUDA", saved->c_str(), 1);
    else
      ::unsetenv("ATTN_LIBCUDA");
  }

private:
  std::optional<std::string> saved;
};

} // namespace

TEST(CudaDriverTest, TheLibraryComesFromTheEnvironment) {
  {
    ScopedLibCuda env(nullptr);
    EXPECT_EQ(CudaDriver::libraryPath(), "libcuda.so.1");
  }
  {
    ScopedLibCuda env("");
    EXPECT_EQ(CudaDriver::libraryPath(), "libcuda.so.1");
  }
  ScopedLibCuda env("/opt/other/libcuda.so");
  EXPECT_EQ(CudaDriver::libraryPath(), "/opt/other/libcuda.so");
}

TEST(CudaDriverTest, AMissingLibraryFailsNamingTheFile) {
  ScopedLibCuda env("/nonexistent/dir/libcuda.so.1");
  Result<std::unique_ptr<CudaDriver>> driver =
      CudaDriver::open(CudaDriver::libraryPath());
  ASSERT_FALSE(driver.ok());
  const std::string &message = driver.message();
  EXPECT_EQ(message.rfind("cannot load the CUDA driver "
                          "(/nonexistent/dir/libcuda.so.1): ",
                          0),
            0u)
      << message;
  // dlerror's text follows and names the file too.
  EXPECT_NE(message.find("/nonexistent/dir/libcuda.so.1: cannot open"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(CudaDriverTest, ALibraryWithoutTheEntryPointsFailsNamingTheFirst) {
  // libm is on every Linux machine and exports none of the driver's names.
  ScopedLibCuda env("libm.so.6");
  Result<std::unique_ptr<CudaDriver>> driver =
      CudaDriver::open(CudaDriver::libraryPath());
  ASSERT_FALSE(driver.ok());
  EXPECT_EQ(driver.message(),
            "the CUDA driver (libm.so.6) lacks the entry point cuInit");
}

TEST(CudaDriverTest, TheToolkitsStubLoadsAndFailsAtInit) {
  // The CUDA toolkit ships a stub libcuda that exports every entry point
  // and answers each call with CUDA_ERROR_STUB_LIBRARY; where it is
  // installed it exercises the symbol table and the error messages.
  const char *stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
  if (::access(stub, R_OK) != 0)
    GTEST_SKIP() << "no CUDA toolkit stub at " << stub;
  Result<std::unique_ptr<CudaDriver>> driver = CudaDriver::open(stub);
  ASSERT_TRUE(driver.ok()) << driver.message();
  CudaDriver &d = **driver;
  EXPECT_EQ(d.path(), stub);
  Status s = d.check(d.init(0), "cuInit");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "cuInit: CUDA_ERROR_STUB_LIBRARY (error 34)");
}

TEST(CudaDriverTest, ErrorsNameTheCallAndTheDriversError) {
  // check() needs cuGetErrorName and cuGetErrorString, so a driver that
  // loads; skip where none does.
  Result<CudaDriver *> driver = CudaDriver::get();
  if (!driver.ok())
    GTEST_SKIP() << driver.message();
  Status s = (*driver)->check(218, "cuModuleLoadDataEx");
  EXPECT_EQ(
      s.message().rfind("cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX (", 0), 0u)
      << s.message();
  EXPECT_TRUE((*driver)->check(0, "cuInit").ok());
}

TEST(CudaDriverTest, TheDefaultDriverLoadsOrFailsCleanly) {
  Result<CudaDriver *> driver = CudaDriver::get();
  if (!driver.ok()) {
    // No GPU here: one line naming what failed.
    const std::string &message = driver.message();
    EXPECT_TRUE(message.rfind("cannot load the CUDA driver (", 0) == 0 ||
                message.rfind("the CUDA driver (", 0) == 0 ||
                message.rfind("cuInit: ", 0) == 0)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    // The outcome is kept: a second call says the same.
    EXPECT_EQ(CudaDriver::get().message(), message);
    return;
  }
  CudaDriver &d = **driver;
  int version = 0, count = 0;
  EXPECT_TRUE(d.check(d.driverGetVersion(&version), "cuDriverGetVersion").ok());
  EXPECT_GE(version, 11000);
  EXPECT_TRUE(d.check(d.deviceGetCount(&count), "cuDeviceGetCount").ok());
  EXPECT_EQ(CudaDriver::get().ok(), true);
  EXPECT_EQ(*CudaDriver::get(), &d);
}
