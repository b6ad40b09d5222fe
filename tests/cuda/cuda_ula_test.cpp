// CUDA against the CPU reference on the same seed. Without a GPU (every CI machine) the test is
// reported as skipped by ctest, never as passed.
#include <gtest/gtest.h>

#include <cmath>

#include "dmt/cuda/ula.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/registry.hpp"

namespace {

TEST(Cuda, ManywellUlaMatchesCpuReference) {
  if (dmt::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device";
  const int n = 4096, dim = 32, steps = 100;
  const float h = 0.005f;
  const auto t = dmt::make_target("manywell", {});
  dmt::sampler cpu(*t, dmt::parse_sampler("ula", dmt::params().set("step_size", double(h)).set("simd", 0.0)), n, 7);
  const std::vector<float> x0 = cpu.particles();
  cpu.run(steps);
  const auto gpu = dmt::cuda::manywell_ula(x0, n, dim, h, 7, steps);
  // normalised mean squared error (ggml's test-backend-ops criterion)
  double err = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < gpu.size(); ++i) {
    err += (gpu[i] - cpu.particles()[i]) * (gpu[i] - cpu.particles()[i]);
    norm += cpu.particles()[i] * cpu.particles()[i];
  }
  std::printf("[ cuda     ] NMSE %.3e\n", err / norm);
  EXPECT_LE(err / norm, 1e-7);
}

// Without a device the entry point fails with a clear message; with one it runs.
TEST(Cuda, MissingDeviceIsAClearError) {
  const std::vector<float> x(32, 0.0f);
  if (dmt::cuda::device_count() != 0) {
    EXPECT_EQ(dmt::cuda::manywell_ula(x, 1, 32, 0.01f, 1, 1).size(), x.size());
    return;
  }
  try {
    dmt::cuda::manywell_ula(x, 1, 32, 0.01f, 1, 1);
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_STREQ(e.what(), "no CUDA device available");
  }
}

}  // namespace
