// Every registry target with a per-particle kernel: log R and its gradient on the device against
// the CPU's scalar reference at the same points (NMSE <= 1e-7, float32 arithmetic both sides).
#include <gtest/gtest.h>

#include "cuda_test_util.hpp"
#include "dmt/cuda/target_eval.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/targets/registry.hpp"

namespace {

TEST(CudaTargets, EveryKernelTargetMatchesCpu) {
  DMT_REQUIRE_GPU();
  int checked = 0;
  for (const auto& doc : dmt::target_docs()) {
    const auto t = dmt::make_target(doc.name, {});
    const std::size_t n = 1000;
    const int d = t->dim();
    std::vector<float> x(n * d), cpu_log(n), cpu_grad(n * d);
    dmt::philox_stream rng(dmt::make_philox_key(11), 0, 0);
    for (auto& v : x) v = static_cast<float>(rng.normal());
    t->evaluate(x.data(), n, cpu_log.data(), cpu_grad.data());
    dmt::cuda::evaluation gpu;
    try {
      gpu = dmt::cuda::evaluate(*t, x);
    } catch (const dmt::cuda::cuda_error& e) {
      std::printf("[ cuda     ] %-22s skipped: %s\n", doc.name.c_str(), e.what());
      continue;
    }
    const double e1 = nmse(gpu.log_r, cpu_log), e2 = nmse(gpu.grad, cpu_grad);
    std::printf("[ cuda     ] %-22s dim %4d  NMSE log R %.2e  grad %.2e\n", doc.name.c_str(), d, e1, e2);
    EXPECT_LE(e1, 1e-7) << doc.name;
    EXPECT_LE(e2, 1e-7) << doc.name;
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST(CudaTargets, MissingDeviceIsAClearError) {
  const auto t = dmt::make_target("manywell", {});
  const std::vector<float> x(32, 0.0f);
  if (dmt::cuda::device_count() != 0) {
    EXPECT_EQ(dmt::cuda::evaluate(*t, x).grad.size(), x.size());
    return;
  }
  try {
    dmt::cuda::evaluate(*t, x);
    FAIL() << "expected an error";
  } catch (const dmt::cuda::cuda_error& e) {
    EXPECT_STREQ(e.what(), "no CUDA device available");
  }
}

}  // namespace
