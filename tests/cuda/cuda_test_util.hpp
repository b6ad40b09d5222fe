// Helpers of the CUDA tests: skipping without a device (ctest reports SKIPPED, never passed) and
// the normalised mean squared error (ggml's test-backend-ops criterion) against the CPU reference.
#pragma once
#include <gtest/gtest.h>

#include <vector>

#include "dmt/cuda/device.hpp"

#define DMT_REQUIRE_GPU() \
  if (dmt::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device"

inline double nmse(const std::vector<float>& got, const std::vector<float>& want) {
  double err = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    err += (double(got[i]) - want[i]) * (double(got[i]) - want[i]);
    norm += double(want[i]) * want[i];
  }
  return norm > 0 ? err / norm : err;
}
